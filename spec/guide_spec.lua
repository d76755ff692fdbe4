-- The guide's examples run (spec/doc_examples.lua): in every file of
-- docs/guide/, Lua blocks print what their `--> value` comments say and sh
-- blocks succeed (on the Lua 5.4 run), so they cannot rot. The guide is
-- part of the API reference (config.ld's topics) and the README links to it.
local support = require "support"
local examples = require "doc_examples"

local function guide_files()
  local files = {}
  local ls = assert(io.popen("ls docs/guide/*.md 2>/dev/null"))
  for line in ls:lines() do files[#files + 1] = line end
  ls:close()
  return files
end

local files = guide_files()
local bt = { describe = describe, it = it, teardown = teardown, assert = assert }
local counts = {}
for _, path in ipairs(files) do
  local lua_n, sh_n = examples.describe_document(path, bt)
  counts[path] = lua_n + sh_n
end

describe("the guide", function()
  it("has its chapters, each with examples but the contents page", function()
    assert.is_true(#files >= 7)
    for _, path in ipairs(files) do
      if not path:find("README%.md$") then
        assert(counts[path] > 0, path .. " has no example that runs")
      end
    end
  end)

  it("is in the API reference: config.ld lists every file as a topic", function()
    local config = assert(support.read_file("config.ld"))
    for _, path in ipairs(files) do
      assert(config:find('"' .. path .. '"', 1, true), "config.ld does not list " .. path)
    end
  end)

  it("links to its chapters, which link to files that exist", function()
    for _, path in ipairs(files) do
      local text = assert(support.read_file(path))
      local dir = path:match("^(.*)/")
      for target in text:gmatch("%]%(([^)#]+)[^)]*%)") do
        if not target:find("^%a+:") then
          local fh = io.open(dir .. "/" .. target, "rb")
          assert(fh, path .. ": a link to " .. target .. ", which does not exist")
          fh:close()
        end
      end
    end
    local contents = assert(support.read_file("docs/guide/README.md"))
    for _, path in ipairs(files) do
      local name = path:match("([^/]+)$")
      if name ~= "README.md" then
        assert(contents:find("(" .. name .. ")", 1, true), "the contents do not link to " .. name)
      end
    end
  end)
end)
