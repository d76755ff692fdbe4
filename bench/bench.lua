--- Timing helpers shared by the Lua benchmarks.
local M = {}

--- The median of an array of numbers (sorts it).
function M.median(t)
  table.sort(t)
  return t[(#t + 1) // 2]
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
