--- Writes seed inputs for the libFuzzer harnesses in csrc/fuzz/.
-- Usage: lua5.4 tools/fuzz_seeds.lua [OUT_DIR]   (default csrc/fuzz/seeds,
-- the committed seeds: rerun it when the compiled format changes)
-- gz_load/: compiled gazetteers made with several options; gz_match/: an
-- options byte, phrases separated by newlines, a NUL byte, then a text;
-- gz_build/: two option bytes, records (phrase, tab, attribute bytes), a
-- NUL byte, a text; tokenize/: two option bytes, then a text; pattern/:
-- small well-formed programs (see csrc/fuzz/fuzz_pattern.c).
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
package.cpath = "build/lua5.4/?.so;" .. package.cpath
local glean = require "glean"

local out = arg[1] or "csrc/fuzz/seeds"
for _, d in ipairs{ "gz_load", "gz_match", "gz_build", "tokenize", "pattern" } do
  os.execute("mkdir -p " .. out .. "/" .. d)
end

local phrases = { "New York", "New York Times", "York", "Sir Richard Moore", "MI6",
                  "Secret Intelligence Service", "US", "WHO", "Hewlett-Packard", "Zürich",
                  "İstanbul", "Straße", "Mr. Smith", "U.S. Army", "rock'n'roll" }
local texts = {
  "Sir Richard Moore, head of MI6 (the Secret Intelligence Service), left New York.",
  "us US who WHO ZURICH straße STRASSE Hewlett–Packard hewlett packard",
  "New\n\nYork Times — Mr. Smith of the U.S. Army; \255\254 broken bytes",
}
-- (two: a compiled file is about 18 KB, most of it the empty hash slots)
for i, opts in ipairs{ {}, { case = "exact", accents = "keep", clitics = false,
                             abbreviations = { "Cllr." } } } do
  local g = glean.gazetteer(opts)
  for k, p in ipairs(phrases) do g:add(p, { label = "L" .. k % 3, id = k, w = k / 2 }) end
  assert(g:compile():save(("%s/gz_load/seed%d.glz"):format(out, i)))
end
local function write(path, ...)
  local fh = assert(io.open(path, "wb"))
  fh:write(...)
  fh:close()
end
for i, text in ipairs(texts) do
  write(("%s/gz_match/seed%d"):format(out, i),
        string.char(i * 37 % 256), table.concat(phrases, "\n"), "\0", text)
end

-- gz_build: records with attribute bytes after a tab (each byte picks a
-- key and a type); option bytes picking every case and accent mode.
local records = {}
for k, p in ipairs(phrases) do
  records[k] = k % 3 == 0 and p or p .. "\t" .. string.char(k * 8 % 256, k * 11 % 256, 65 + k)
end
for i, text in ipairs(texts) do
  write(("%s/gz_build/seed%d"):format(out, i),
        string.char(i * 53 % 256, i - 1 + (i % 2) * 8), table.concat(records, "\n"), "\0", text)
end

-- tokenize: texts that reach the tokeniser's refinements (URLs, e-mail
-- addresses, clitics, abbreviations, numbers, emoji, punctuation runs,
-- quotes, brackets, line and paragraph breaks, invalid bytes).
local tok_texts = {
  texts[1], texts[2], texts[3],
  "Mr. J. Smith (of Acme Inc.) said: \226\128\156It\226\128\153s fine.\226\128\157 Then he left... "
    .. "Putin\226\128\153s don't -- see https://example.org/a?b=(c) or mail a.b@example.com!",
  "1,250.5 km\194\160\226\128\148 3.14; \240\159\145\141\240\159\143\189 "
    .. "\240\159\135\172\240\159\135\167 "
    .. "e\204\129t\195\169 \215\169\215\156\215\149\215\157 \228\184\173\230\150\135 "
    .. "\r\nline\r\n\r\npara\f\226\128\168x\0y",
  "\"Why?\" he asked. \"Now!\" [[((a))]] 'single' \194\171guillemets\194\187 U.S. Army. "
    .. "The U.S. is big.\nA line\nwrapped here.",
}
for i, text in ipairs(tok_texts) do
  write(("%s/tokenize/seed%d"):format(out, i), string.char(i * 97 % 256, i * 29 % 256), text)
end

-- Programs for fuzz_pattern: sizes, instructions, predicates, rule starts,
-- spans, text. PRED any; MATCH 0 -- and SPLIT/JMP loops around a PRED.
local function program(code, preds, rules, spans, text)
  local b = { #code - 1, #preds - 1, #rules - 1, #spans }
  for _, list in ipairs{ code, preds, rules, spans } do
    for _, rec in ipairs(list) do for _, x in ipairs(rec) do b[#b + 1] = x end end
  end
  return string.char(table.unpack(b)) .. text
end
local seeds = {
  program({ { 0, 0, 0 }, { 7, 0, 0 } }, { { 0, 0, 0 } }, { { 0, 0, 0 } }, {}, "a b c"),
  program({ { 2, 1, 3 }, { 0, 0, 0 }, { 3, 0, 0 }, { 0, 1, 0 }, { 7, 0, 0 } },
          { { 6, 1, 1 }, { 1, 0, 0 } }, { { 0, 0, 2 } }, { { 0, 1, 2 } }, "Ann Lee a x Cd"),
  program({ { 6, 0, 0 }, { 1, 2, 0 }, { 6, 1, 0 }, { 7, 0, 0 } },
          { { 0, 0, 0 } }, { { 0, 1, 2 } }, { { 1, 1, 2 }, { 0, 0, 1 } }, "the Bank of A b ."),
}
for i, s in ipairs(seeds) do write(("%s/pattern/seed%d"):format(out, i), s) end
