--- Writes seed inputs for the libFuzzer harnesses in csrc/fuzz/.
-- Usage: lua5.4 tools/fuzz_seeds.lua OUT_DIR   (run by make fuzz)
-- gz_load/: compiled gazetteers made with several options; gz_match/: an
-- options byte, phrases separated by newlines, a NUL byte, then a text.
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
package.cpath = "build/lua5.4/?.so;" .. package.cpath
local glean = require "glean"

local out = assert(arg[1], "usage: fuzz_seeds.lua OUT_DIR")
os.execute("mkdir -p " .. out .. "/gz_load " .. out .. "/gz_match")

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
