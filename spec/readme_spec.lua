-- The README's Lua examples run, and every `print(...) --> value` line in
-- them prints that value (whitespace-insensitive), so they cannot rot.
local support = require "support"

local function lua_blocks(text)
  local blocks = {}
  for code in text:gmatch("```lua\n(.-)```") do blocks[#blocks + 1] = code end
  return blocks
end

local function squash(s) return (s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")) end

describe("README examples", function()
  local readme = assert(support.read_file("README.md"))
  local blocks = lua_blocks(readme)

  it("has Lua examples", function()
    assert.is_true(#blocks >= 2)
  end)

  for i, code in ipairs(blocks) do
    it("example " .. i .. " runs and prints what it says", function()
      local expected, printed = {}, {}
      for line in code:gmatch("[^\n]+") do
        local want = line:match("^%s*print%b().-%-%->%s*(.-)%s*$")
        if want then expected[#expected + 1] = want end
      end
      local env = setmetatable({}, { __index = _G })
      local current = {}
      env.print = function(...)
        local parts = {}
        for k = 1, select("#", ...) do parts[k] = tostring((select(k, ...))) end
        current[#current + 1] = table.concat(parts, " ")
      end
      env.io = setmetatable({ write = function() end }, { __index = io })
      -- record, for each print marked with -->, the line it printed
      local marked = code:gsub("(\n?)([ \t]*)print(%b())([^\n]-%-%->)", function(nl, ind, args, rest)
        return nl .. ind .. "__mark(" .. args:sub(2, -2) .. ")" .. rest
      end)
      env.__mark = function(...)
        env.print(...)
        printed[#printed + 1] = current[#current]
      end
      local chunk = assert((loadstring or load)(marked, "=README example " .. i))
      if setfenv then setfenv(chunk, env) else chunk = assert(load(marked, "=README", "t", env)) end
      chunk()
      assert.equal(#expected, #printed)
      for k = 1, #expected do assert.equal(squash(expected[k]), squash(printed[k])) end
    end)
  end
end)
