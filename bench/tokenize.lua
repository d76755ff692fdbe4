--- Tokenisation throughput through the Lua API.
-- Usage: lua5.4 bench/tokenize.lua FILE [REPEATS]
-- Times, per run: tokenize only; tokenize and visit every token with
-- doc:token(i); tokenize and iterate with doc:tokens(). Prints medians.
package.path = "lua/?.lua;lua/?/init.lua;bench/?.lua;" .. package.path
package.cpath = "build/lua5.4/?.so;" .. package.cpath
local glean = require "glean"
local timing = require "bench"

local path, repeats = arg[1], tonumber(arg[2] or "5")
local fh = assert(io.open(path, "rb"))
local text = fh:read("a")
fh:close()
local mb = #text / 1e6

local function bench(name, fn)
  local t, n = timing.time(repeats, fn)
  print(("%-34s %7.1f MB/s  %6.2f M tokens/s  (%d tokens, median of %d)")
        :format(name, mb / t, n / t / 1e6, n, repeats))
end

local tk = glean.tokenizer()
bench("tokenize", function()
  local doc = tk(text)
  local n = #doc
  doc:close()
  return n
end)
bench("tokenize + doc:token(i) loop", function()
  local doc = tk(text)
  local n = #doc
  local token = doc.token
  for i = 1, n do local _, _, _ = token(doc, i) end
  doc:close()
  return n
end)
bench("tokenize + doc:tokens() iterator", function()
  local doc = tk(text)
  local n = 0
  for _ in doc:tokens() do n = n + 1 end
  doc:close()
  return n
end)

local status = io.open("/proc/self/status")
if status then
  local hwm = status:read("a"):match("VmHWM:%s*(%d+)")
  status:close()
  print(("peak RSS: %.1f MB (input %.1f MB)"):format(tonumber(hwm) / 1024, mb))
end
