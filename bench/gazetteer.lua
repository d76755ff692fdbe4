--- Gazetteer figures through the Lua API (run by bench/gazetteer).
-- Usage: lua5.4 bench/gazetteer.lua build LIST OUT.glz
--          compile LIST, save it; print times, sizes, bytes per phrase
--        lua5.4 bench/gazetteer.lua load FILE.glz
--          median time of 7 loads (mmap + validation)
--        lua5.4 bench/gazetteer.lua scan FILE.glz TEXT [REPEATS]
--          tokenize + match (longest) over TEXT: whole text, per document
package.path = "lua/?.lua;lua/?/init.lua;bench/?.lua;" .. package.path
package.cpath = "build/lua5.4/?.so;" .. package.cpath
local glean = require "glean"
local timing = require "bench"

local cmd = arg[1]
if cmd == "build" then
  local t0 = os.clock()
  local g = glean.gazetteer()
  assert(g:load(arg[2]))
  local t1 = os.clock()
  local m = g:compile()
  local t2 = os.clock()
  assert(m:save(arg[3]))
  local st = m:stats()
  print(("compile: %.3f s (reading and adding %.3f s, compiling %.3f s); %d phrases, "
         .. "%d entries, %.1f MB, %.1f bytes/phrase"):format(t2 - t0, t1 - t0, t2 - t1,
         st.phrases, st.entries, st.bytes / 1e6, st.bytes / st.phrases))
elseif cmd == "load" then
  local times = {}
  for i = 1, 7 do                       -- the load alone: closing (munmap) is not timed
    local t0 = os.clock()
    local m = assert(glean.load(arg[2]))
    times[i] = os.clock() - t0
    m:close()
  end
  print(("load: median %.2f ms (7 loads, mmap and validation)"):format(timing.median(times) * 1000))
elseif cmd == "scan" then
  local m = assert(glean.load(arg[2]))
  local fh = assert(io.open(arg[3], "rb"))
  local text = fh:read("a")
  fh:close()
  local mb, repeats = #text / 1e6, tonumber(arg[4] or "5")
  local tk = glean.tokenizer{ sentences = false }
  local docs = {}
  for d in (text .. "\n\n"):gmatch("(.-)\n\n") do docs[#docs + 1] = d end
  local function bench(name, fn)
    local t, n = timing.time(repeats, fn)
    print(("%-44s %6.1f MB/s  (%d matches, median of %d)"):format(name, mb / t, n, repeats))
  end
  bench("tokenize + count, whole text", function()
    local doc = tk(text)
    local n = m:count(doc)
    doc:close()
    return n
  end)
  bench("tokenize + count, per document", function()
    local n = 0
    for _, d in ipairs(docs) do
      local doc = tk(d)
      n = n + m:count(doc)
      doc:close()
    end
    return n
  end)
  bench("tokenize + matches() iterator, whole text", function()
    local doc, n = tk(text), 0
    for _ in m:matches(doc) do n = n + 1 end
    doc:close()
    return n
  end)
else
  error("usage: gazetteer.lua build|load|scan ...")
end
