-- The README's examples run (spec/doc_examples.lua): its Lua blocks print
-- what their `--> value` comments say, its sh blocks succeed (on the Lua
-- 5.4 run), so they cannot rot.
local examples = require "doc_examples"

local bt = { describe = describe, it = it, teardown = teardown, assert = assert }
local lua_n = examples.describe_document("README.md", bt)

describe("README", function()
  it("has Lua examples", function()
    assert.is_true(lua_n >= 2)
  end)

  it("links to the guide", function()
    local readme = assert(require("support").read_file("README.md"))
    assert.truthy(readme:find("(docs/guide/README.md)", 1, true))
  end)
end)
