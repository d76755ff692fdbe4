--- Timing helpers shared by the Lua benchmarks (Lua 5.1 to 5.4, LuaJIT).
local M = {}

--- The median of an array of numbers (sorts it).
function M.median(t)
  table.sort(t)
  return t[math.floor((#t + 1) / 2)]
end

--- The text of a corpus file and its documents (blocks between empty
-- lines); when the file is missing, says so and exits (a skipped bench).
function M.documents(path, who)
  local fh = io.open(path, "rb")
  if not fh then
    print(who .. ": " .. path .. " not found; skipped")
    os.exit(0)
  end
  local text = fh:read("*a")
  fh:close()
  local docs = {}
  for d in (text .. "\n\n"):gmatch("(.-)\n\n+") do
    if d:find("%S") then docs[#docs + 1] = d end
  end
  return text, docs
end

--- Runs fn() `repeats` times, after a full collection each time, and
-- returns the median CPU time and fn's last result.
function M.time(repeats, fn)
  local times, result = {}, nil
  for r = 1, repeats do
    collectgarbage()
    local t0 = os.clock()
    result = fn()
    times[r] = os.clock() - t0
  end
  return M.median(times), result
end

return M
