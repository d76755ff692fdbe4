--- Writes N distinct name-like phrases for the gazetteer benchmark.
-- Usage: lua5.4 bench/gen_phrases.lua N WORDS_FILE OUT
-- Phrases are 1 to 4 words drawn (deterministically) from the words of
-- WORDS_FILE (a phrase list, e.g. ../shared/corpus/gazetteer-100k.txt),
-- each line "phrase<TAB>label". Nothing is written into the repository.
local n, words_file, out = tonumber(arg[1]), arg[2], arg[3]
assert(n and words_file and out, "usage: gen_phrases.lua N WORDS_FILE OUT")
local words, seen = {}, {}
for line in io.lines(words_file) do
  for w in line:gmatch("[^%s]+") do
    if not seen[w] and w:find("%w") then seen[w] = true; words[#words + 1] = w end
  end
end
local state = 20261126
local function rand(k)
  state = (state * 48271) % 2147483647
  return state % k + 1
end
local labels = { "PERSON", "ORG", "LOC", "MISC" }
local fh = assert(io.open(out, "w"))
local made, phrases = 0, {}
while made < n do
  local parts = {}
  for i = 1, rand(4) do parts[i] = words[rand(#words)] end
  local p = table.concat(parts, " ")
  if not phrases[p] then
    phrases[p] = true
    made = made + 1
    fh:write(p, "\t", labels[rand(4)], "\n")
  end
end
fh:close()
