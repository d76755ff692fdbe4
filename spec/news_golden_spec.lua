-- Golden reports: glean extract's report on each example article in
-- examples/news/ is exactly the one in spec/golden/ (JSON, stable key
-- order). After a deliberate change to the rules, rewrite them with
-- `lua5.4 tools/update_golden.lua` and read the diff.
local news = require "glean.news"
local json = require "glean.json"
local support = require "support"
local jsonschema = require "jsonschema"

local schema = assert(json.decode(assert(support.read_file("docs/report-schema.json"))))
local articles = { "harbour", "summit", "wire" }

-- The first place two JSON values differ, as a path.
local function first_difference(a, b, path)
  if type(a) ~= type(b) then return path .. ": " .. tostring(a) .. " vs " .. tostring(b) end
  if type(a) ~= "table" then
    if a ~= b then return path .. ": " .. tostring(a) .. " vs " .. tostring(b) end
    return nil
  end
  local keys = {}
  for k in pairs(a) do keys[k] = true end
  for k in pairs(b) do keys[k] = true end
  local sorted = {}
  for k in pairs(keys) do sorted[#sorted + 1] = k end
  table.sort(sorted, function(x, y) return tostring(x) < tostring(y) end)
  for _, k in ipairs(sorted) do
    local d = first_difference(a[k], b[k], path .. "." .. tostring(k))
    if d then return d end
  end
  return nil
end

describe("golden reports of the example articles", function()
  for _, name in ipairs(articles) do
    it(name, function()
      local path = "examples/news/" .. name .. ".txt"
      local text = assert(support.read_file(path))
      local want = assert(support.read_file("spec/golden/" .. name .. ".json"))
      local got = require("glean.formats.json")(news.extract(text, { doc = path }))
      local decoded = assert(json.decode(got))
      assert(jsonschema.validate(schema, decoded))
      if got ~= want then
        error("report differs from spec/golden/" .. name .. ".json at "
              .. tostring(first_difference(assert(json.decode(want)), decoded, "$"))
              .. " (lua5.4 tools/update_golden.lua rewrites it)", 0)
      end
    end)
  end

  it("covers every example article", function()
    local p = io.popen("ls examples/news/*.txt")
    local found = {}
    for line in p:lines() do found[#found + 1] = line:match("([^/]+)%.txt$") end
    p:close()
    table.sort(found)
    assert.same(articles, found)
  end)
end)
