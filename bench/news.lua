--- News benchmark: the whole news pipeline (`glean extract`'s work: the
-- bundled lexicons, every bundled rule phase, coreference and the report)
-- over a news corpus, one document at a time.
-- Usage: lua5.4 bench/news.lua [--total] [FILE [REPEATS]]
-- FILE defaults to ../shared/corpus/news.txt (documents separated by an
-- empty line); REPEATS to 3. Times `pipeline:extract(document)` over every
-- document, CPU time, median of REPEATS; reading and splitting the file are
-- not timed. To show where the time goes, the pipelines of the first 0, 1,
-- 2, ... phases (0: tokenising and the lexicons) are timed in the same
-- rounds; a phase's cost is the difference between consecutive medians,
-- and "report" is the whole extract minus running all phases.
local runtime = rawget(_G, "jit") and "luajit" or "lua" .. _VERSION:match("%d+%.%d+")
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
package.cpath = "build/" .. runtime .. "/?.so;" .. package.cpath
package.path = "bench/?.lua;" .. package.path
local timing = require "bench"
local glean = require "glean"
local news = require "glean.news"

-- --total: time the whole extract only (no phase-by-phase breakdown)
local total_only = false
local args = {}
for _, a in ipairs(arg) do
  if a == "--total" then total_only = true else args[#args + 1] = a end
end
local path, repeats = args[1] or "../shared/corpus/news.txt", tonumber(args[2] or "3")
local text, docs = timing.documents(path, "bench/news")
local mb = #text / 1e6

local pl = assert(news.pipeline())

local median = timing.median

-- The variants: the first k phases (run only), then the whole extract.
local variants = {}
for k = 0, total_only and -1 or #pl.phases do
  local phases = {}
  for i = 1, k do phases[i] = pl.phases[i] end
  local sub = glean.pipeline{ gazetteers = pl.gazetteers, phases = phases }
  variants[#variants + 1] = {
    name = k == 0 and "tokenize + lexicons" or ("+ " .. pl.phases[k].name),
    run = function() for i = 1, #docs do sub:run(docs[i]):close() end end,
  }
end
variants[#variants + 1] = {
  name = total_only and "extract" or "+ coreference and report",
  run = function() for i = 1, #docs do pl:extract(docs[i]) end end,
}

local times = {}
for _ = 1, repeats do
  for v, variant in ipairs(variants) do
    collectgarbage()
    local t0 = os.clock()
    variant.run()
    local list = times[v] or {}
    times[v] = list
    list[#list + 1] = os.clock() - t0
  end
end

print(("input: %s, %.1f MB, %d documents; %s"):format(path, mb, #docs, runtime))
print(("pipeline:extract per document, CPU time, median of %d:"):format(repeats))
local prev = 0
local total = median(times[#variants])
for v, variant in ipairs(variants) do
  local t = median(times[v])
  print(("  %-30s %7.3f s  %6.1f MB/s   this step %6.3f s (%2d%%)")
        :format(variant.name, t, mb / t, t - prev, math.floor(100 * (t - prev) / total + 0.5)))
  prev = t
end
print(("whole news pipeline: %.1f MB/s (%.3f s, %.1f k documents/s)")
      :format(mb / total, total, #docs / total / 1000))
local status = io.open("/proc/self/status")
if status then
  local hwm = status:read("*a"):match("VmHWM:%s*(%d+)")
  status:close()
  if hwm then print(("peak RSS: %.1f MB (input %.1f MB)"):format(tonumber(hwm) / 1024, mb)) end
end
