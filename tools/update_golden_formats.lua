-- Rewrites the golden outputs of the report formats (spec/golden/formats/)
-- from what the formats render today, for the cases listed in
-- spec/golden/formats/cases.lua. Run it after a deliberate change to a
-- format, and read the diff before committing it.
--
--   lua5.4 tools/update_golden_formats.lua
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
package.cpath = "build/lua5.4/?.so;" .. package.cpath
local cases = dofile("spec/golden/formats/cases.lua")

for _, case in ipairs(cases.cases()) do
  local out = assert(io.open(case.path, "wb"))
  out:write(cases.render(case))
  out:close()
  print(case.path)
end
