--- Writes seed inputs for the libFuzzer harnesses in csrc/fuzz/.
-- Usage: lua5.4 tools/fuzz_seeds.lua OUT_DIR   (run by make fuzz)
-- gz_load/: compiled gazetteers made with several options; gz_match/: an
-- options byte, phrases separated by newlines, a NUL byte, then a text;
-- pattern/: small well-formed programs (see csrc/fuzz/fuzz_pattern.c).
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
package.cpath = "build/lua5.4/?.so;" .. package.cpath
local glean = require "glean"

local out = assert(arg[1], "usage: fuzz_seeds.lua OUT_DIR")
os.execute("mkdir -p " .. out .. "/gz_load " .. out .. "/gz_match " .. out .. "/pattern")

local phrases = { "New York", "New York Times", "York", "Sir Richard Moore", "MI6",
                  "Secret Intelligence Service", "US", "WHO", "Hewlett-Packard", "Zürich",
                  "İstanbul", "Straße", "Mr. Smith", "U.S. Army", "rock'n'roll" }
local texts = {
  "Sir Richard Moore, head of MI6 (the Secret Intelligence Service), left New York.",
  "us US who WHO ZURICH straße STRASSE Hewlett–Packard hewlett packard",
  "New\n\nYork Times — Mr. Smith of the U.S. Army; \255\254 broken bytes",
}
for i, opts in ipairs{ {}, { case = "fold" }, { case = "exact", accents = "keep" },
                       { clitics = false, abbreviations = { "Cllr." } } } do
  local g = glean.gazetteer(opts)
  for k, p in ipairs(phrases) do g:add(p, { label = "L" .. k % 3, id = k, w = k / 2 }) end
  assert(g:compile():save(("%s/gz_load/seed%d.glz"):format(out, i)))
end
for i, text in ipairs(texts) do
  local fh = assert(io.open(("%s/gz_match/seed%d"):format(out, i), "wb"))
  fh:write(string.char(i * 37 % 256), table.concat(phrases, "\n"), "\0", text)
  fh:close()
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
for i, s in ipairs(seeds) do
  local fh = assert(io.open(("%s/pattern/seed%d"):format(out, i), "wb"))
  fh:write(s)
  fh:close()
end
