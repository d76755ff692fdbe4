-- Builds a user gazetteer (TSV phrase<TAB>label) from CoNLL-2003's
-- eng.train: every annotated name with its most frequent type, PER ->
-- PERSON, ORG, LOC, MISC. The output goes under build/ and is never
-- committed (the corpus is licensed for research only).
--
--   lua5.4 tools/conll_gazetteer.lua ../shared/eval/conll2003/eng.train > build/eval/train.tsv

local LABELS = { PER = "PERSON", ORG = "ORG", LOC = "LOC", MISC = "MISC" }

local counts = {}        -- phrase -> type -> n
local function add(words, kind)
  if #words == 0 then return end
  local phrase = table.concat(words, " ")
  local c = counts[phrase]
  if not c then c = {}; counts[phrase] = c end
  c[kind] = (c[kind] or 0) + 1
end

local fh = assert(io.open(assert(arg[1], "usage: conll_gazetteer.lua eng.train"), "rb"))
local words, kind = {}, nil
for line in fh:lines() do
  local token, tag = line:match("^(%S+)%s+%S+%s+%S+%s+(%S+)%s*$")
  local prefix, t
  if tag and tag ~= "O" then prefix, t = tag:match("^([IB])%-(%u+)$") end
  -- IOB1: a B- tag, or a change of type, starts a new name
  if not t or prefix == "B" or t ~= kind then
    add(words, kind)
    words, kind = {}, nil
  end
  if t and token ~= "-DOCSTART-" then
    words[#words + 1] = token
    kind = t
  end
end
add(words, kind)
fh:close()

local phrases = {}
for phrase in pairs(counts) do phrases[#phrases + 1] = phrase end
table.sort(phrases)
for _, phrase in ipairs(phrases) do
  local best, n = nil, 0
  for k, v in pairs(counts[phrase]) do
    if v > n or (v == n and k < best) then best, n = k, v end
  end
  -- tabs never occur in CoNLL tokens; keep the TSV well-formed anyway
  io.write(phrase:gsub("\t", " "), "\t", LABELS[best], "\n")
end
