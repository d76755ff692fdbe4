-- Rewrites the golden reports of the example articles (spec/golden/*.json)
-- from what glean extract reports today. Run it after a deliberate change
-- to the news rules, and read the diff before committing it.
--
--   lua5.4 tools/update_golden.lua
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
package.cpath = "build/lua5.4/?.so;" .. package.cpath
local news = require "glean.news"
local golden = require "glean.formats.json"

local list = io.popen("ls examples/news/*.txt")
for path in list:lines() do
  local fh = assert(io.open(path, "rb"))
  local text = fh:read("*a")
  fh:close()
  local name = path:match("([^/]+)%.txt$")
  local out = assert(io.open("spec/golden/" .. name .. ".json", "wb"))
  out:write(golden(news.extract(text, { doc = path })))
  out:close()
  print("spec/golden/" .. name .. ".json")
end
list:close()
