--- Long documents: the rules benchmark's pipeline and the news pipeline
-- over one document made of the first N MB of a corpus file, for growing
-- N. A run whose time per MB grows with N has work that grows faster than
-- the text (some step that reads every span, or the whole text, once per
-- match); "growth" is the time per MB at the largest N over that at the
-- smallest, about 1 when each step is linear.
-- Usage: lua5.4 bench/long.lua [FILE [SIZES]]
-- FILE defaults to ../shared/corpus/news-5mb.txt, SIZES (MB, comma
-- separated) to 0.5,1,2,4. CPU time of `pipeline:run` (rules, the rule file
-- sandboxed as a user's is) and `pipeline:extract` (news), one run each
-- after a full collection; reading the file is not timed.
local runtime = rawget(_G, "jit") and "luajit" or "lua" .. _VERSION:match("%d+%.%d+")
package.path = "lua/?.lua;lua/?/init.lua;bench/?.lua;" .. package.path
package.cpath = "build/" .. runtime .. "/?.so;" .. package.cpath
local timing = require "bench"
local glean = require "glean"
local news = require "glean.news"

local path = arg[1] or "../shared/corpus/news-5mb.txt"
local sizes = {}
for s in (arg[2] or "0.5,1,2,4"):gmatch("[^,]+") do sizes[#sizes + 1] = assert(tonumber(s), s) end
local text = timing.documents(path, "bench/long")

local rules_pipeline = glean.pipeline{
  phases = assert(glean.rules.load("bench/rules/news100.lua")) }
local news_pipeline = assert(news.pipeline())

local variants = {
  { name = "rules (bench/rules/news100.lua)", run = function(t)
      local doc = rules_pipeline:run(t)
      local n = #doc:spans()
      doc:close()
      return n .. " spans"
    end },
  { name = "news (pipeline:extract)", run = function(t)
      local r = news_pipeline:extract(t)
      return #r.entities .. " entities, " .. #r.quotes .. " quotes"
    end },
}

print(("input: the first N MB of %s as one document; %s"):format(path, runtime))
for _, v in ipairs(variants) do
  print(v.name .. ":")
  local first_rate, last_rate
  for _, mb in ipairs(sizes) do
    local n = math.floor(mb * 1e6)
    if n > #text then
      print(("  %5.2f MB: the file has only %.2f MB; stopped"):format(mb, #text / 1e6))
      break
    end
    local t, what = timing.time(1, function() return v.run(text:sub(1, n)) end)
    local per_mb = t / (n / 1e6)
    first_rate = first_rate or per_mb
    last_rate = per_mb
    print(("  %5.2f MB: %7.3f s  %6.2f MB/s  (%s)"):format(n / 1e6, t, n / 1e6 / t, what))
  end
  if first_rate and last_rate then
    print(("  growth of the time per MB, largest over smallest: %.2f")
          :format(last_rate / first_rate))
  end
end

-- The same text twice gives the same report (ties in sorts were once left to
-- table.sort, which orders them by chance in long arrays).
local largest = math.min(math.floor(sizes[#sizes] * 1e6), #text)
local json = require "glean.json"
local a = json.encode(news_pipeline:extract(text:sub(1, largest)))
local b = json.encode(news_pipeline:extract(text:sub(1, largest)))
print(("news report of %.2f MB, extracted twice: %s"):format(largest / 1e6,
      a == b and "the same" or "DIFFERENT"))
