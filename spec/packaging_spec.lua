-- The rock: the rockspec lists every source, and `luarocks make --tree`
-- installs a glean that works from anywhere.
local support = require "support"

local function lines_of(cmd)
  local p = assert(io.popen(cmd))
  local out = {}
  for line in p:lines() do out[#out + 1] = line end
  p:close()
  return out
end

local function load_rockspec()
  local env = {}
  local chunk = assert(loadfile("rockspec/glean-scm-1.rockspec", "t", env))
  if setfenv then setfenv(chunk, env) end
  chunk()
  return env
end

describe("rockspec", function()
  local spec = load_rockspec()

  it("is format 3.0, builtin, and depends on lpeg", function()
    assert.equal("3.0", spec.rockspec_format)
    assert.equal("builtin", spec.build.type)
    assert.truthy(table.concat(spec.dependencies, " "):find("lpeg", 1, true))
  end)

  it("builds glean.core from every file in csrc/", function()
    local listed = {}
    for _, f in ipairs(spec.build.modules["glean.core"].sources) do listed[f] = true end
    local files = lines_of("ls csrc/*.c")
    assert.is_true(#files > 0)
    for _, f in ipairs(files) do assert(listed[f], f .. " is missing from the rockspec") end
    for f in pairs(listed) do assert(support.read_file(f), f .. " does not exist") end
  end)

  it("installs every Lua module", function()
    local listed = {}
    for _, path in pairs(spec.build.modules) do
      if type(path) == "string" then listed[path] = true end
    end
    for _, f in ipairs(lines_of("find lua -name '*.lua' | sort")) do
      assert(listed[f], f .. " is missing from the rockspec")
    end
    assert.equal("bin/glean", spec.build.install.bin.glean)
  end)
end)

-- One install is enough: run it under the primary runtime only.
if support.runtime() == "lua5.4" then
  describe("luarocks make --tree", function()
    it("installs a working glean #install", function()
      local tree = lines_of("mktemp -d")[1]
      local here = lines_of("pwd")[1]
      local log = lines_of(("luarocks --lua-version=5.4 make --deps-mode=none --tree=%s "
        .. "rockspec/glean-scm-1.rockspec 2>&1; echo status=$?"):format(tree))
      os.execute("rm -rf glean csrc/*.o")   -- left in the checkout by the builtin backend
      assert.equal("status=0", log[#log], table.concat(log, "\n"))
      local version = lines_of(("cd / && %s/bin/glean --version"):format(tree))
      assert.matches("^glean %d", version[1] or "")
      local count = lines_of(("cd / && %s/bin/glean tokenize --count %s/examples/article.txt")
        :format(tree, here))
      assert.equal(tostring(#require("glean").tokenize(support.read_file("examples/article.txt"))),
                   count[1])
      local req = lines_of(("cd / && LUA_PATH='%s/share/lua/5.4/?.lua;%s/share/lua/5.4/?/init.lua;;' "
        .. "LUA_CPATH='%s/lib/lua/5.4/?.so;;' lua5.4 -e 'print(#require(\"glean\").tokenize(\"a b\"))'")
        :format(tree, tree, tree))
      assert.equal("2", req[1])
      os.execute("rm -rf " .. tree)
    end)
  end)
end
