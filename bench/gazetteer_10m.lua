--- Builds a gazetteer of 10 million phrases (issue 7: in under a minute),
-- then matches a text with it. Phrases are made up here, deterministically:
-- 1 to 3 capitalised words from a vocabulary of 27,000 syllable words,
-- distinct by construction; nothing is read from ../shared or written
-- into the repository (the compiled file goes to a temporary path).
-- Usage: lua5.4 bench/gazetteer_10m.lua [N]   (make bench, make bench-10m)
-- Prints the time of each step (CPU seconds), the compiled size and the
-- peak resident set size; exits 1 if building and compiling took more
-- than a minute.
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
package.cpath = "build/lua5.4/?.so;" .. package.cpath
local glean = require "glean"

local N = tonumber(arg[1] or "10000000")
local floor, clock = math.floor, os.clock

local SYL = { "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "ba", "do", "fi", "gu",
              "ha", "jo", "ke", "li", "mo", "nu", "pa", "re", "si", "to", "ul", "ve", "wa",
              "xi", "yo", "zu", "an" }
local words = {}
for a = 1, 30 do
  for b = 1, 30 do
    for c = 1, 30 do
      words[#words + 1] = (SYL[a]:upper():sub(1, 1) .. SYL[a]:sub(2)) .. SYL[b] .. SYL[c]
    end
  end
end
local V = #words   -- 27,000
local LABELS = { "PERSON", "ORG", "LOC", "MISC" }

-- Phrase i (0-based): word i mod V, then the digits of i / V in base V
-- (distinct phrases for distinct i).
local function phrase(i)
  local first = words[i % V + 1]
  local rest = floor(i / V)
  if rest == 0 then return first end
  local second = words[rest % V + 1]
  rest = floor(rest / V)
  if rest == 0 then return first .. " " .. second end
  return first .. " " .. second .. " " .. words[rest % V + 1]
end

local function rss_mb()
  local fh = io.open("/proc/self/status")
  if not fh then return 0 end
  local kb = fh:read("*a"):match("VmHWM:%s*(%d+)")
  fh:close()
  return (tonumber(kb) or 0) / 1024
end

local t0 = clock()
local g = glean.gazetteer()
for i = 0, N - 1 do g:add(phrase(i), LABELS[i % 4 + 1]) end
local t_add = clock() - t0

local t1 = clock()
local m = g:compile()
local t_compile = clock() - t1
local total = clock() - t0

g = nil          -- luacheck: ignore (the builder's memory back before matching)
collectgarbage()
local path = os.tmpname()
local t2 = clock()
assert(m:save(path))
local t_save = clock() - t2
local t3 = clock()
local m2 = assert(glean.load(path))
local t_load = clock() - t3

-- a text of 1 MB: phrases of the list and words that are not in it
local parts, size, k = {}, 0, 0
while size < 1024 * 1024 do
  k = k + 1
  local p = (k % 3 == 0) and ("the " .. words[k % V + 1]:lower() .. " said")
            or phrase((k * 7919) % N)
  parts[#parts + 1] = p
  size = size + #p + 2
end
local text = table.concat(parts, ", ")
local t4 = clock()
local hits = m2:count(text)
local t_match = clock() - t4
os.remove(path)

local stats = m:stats()
print(("gazetteer of %d phrases (%d words, 1 to 3 a phrase)"):format(N, V))
print(("  add     %6.1f s  (%.2f us a phrase)"):format(t_add, t_add / N * 1e6))
print(("  compile %6.1f s  -> %.0f MB, %d nodes, %d entries"):format(t_compile,
      stats.bytes / 1048576, stats.nodes, stats.entries))
print(("  build   %6.1f s  in all (add + compile): %s a minute"):format(total,
      total < 60 and "under" or "OVER"))
print(("  save    %6.2f s, load (map and validate) %.2f s"):format(t_save, t_load))
print(("  match   %6.2f s  for 1 MB (%d matches, %.0f MB/s)"):format(t_match, hits,
      1 / t_match))
print(("  peak RSS %.0f MB"):format(rss_mb()))
if total >= 60 then os.exit(1) end
