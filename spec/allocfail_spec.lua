-- The allocation-failure sweep (tools/allocfail.c, tools/allocfail.lua):
-- a Lua 5.4 host whose allocator fails on request, built with ASan+UBSan,
-- runs every operation with the N-th allocation failing for every N; see
-- docs/hardening.md, section 2. `make allocfail` runs the full sweep; this
-- spec runs the quick one (--quick) and checks the host itself.
-- Lua 5.4 only (the host embeds liblua5.4); skipped on the other runtimes.

local PUC54 = _VERSION == "Lua 5.4" and not rawget(_G, "jit")
local HOST = "build/allocfail/allocfail"

local function sh(cmd)
  local p = assert(io.popen(cmd .. " 2>&1"))
  local out = p:read("a")
  local ok, _, code = p:close()
  return ok and 0 or code, out
end

local function host(script)
  local path = os.tmpname()
  local f = assert(io.open(path, "w"))
  f:write(script)
  f:close()
  local code, out = sh(HOST .. " " .. path)
  os.remove(path)
  return code, out
end

describe("allocation failures", function()
  if not PUC54 then
    pending("the allocfail host embeds Lua 5.4")
    return
  end

  setup(function()
    local code, out = sh("make --no-print-directory -s " .. HOST)
    assert(code == 0, "cannot build the allocfail host:\n" .. out)
  end)

  it("the host fails the N-th allocation and every later one, then recovers", function()
    local code, out = host([[
      local t = {}
      local injected, ok, err = allocfail.run(1, function() t[1] = {} return #t end)
      print(injected, ok, err)
      print(allocfail.run(1000000, function() return "x" .. #t end))
      local n = allocfail.count(function() local u = {} for i = 1, 100 do u[i] = {} end end)
      print("count", n >= 100)
      print(allocfail.run_once(1, function() return #{ 1, 2, 3 } end))
    ]])
    assert.are.equal(0, code, out)
    assert.matches("^true\tfalse\tnot enough memory\n", out)
    assert.matches("\nfalse\ttrue\tx0\n", out)
    assert.matches("\ncount\ttrue\n", out)
    -- one failure only: Lua collects and tries again, so the call succeeds
    assert.matches("\ntrue\ttrue\t3\n", out)
  end)

  it("exits with 1 when the script raises, 0 when it ends", function()
    local code, out = host([[error("on purpose")]])
    assert.are.equal(1, code)
    assert.matches("on purpose", out)
    code = host([[local t = setmetatable({}, { __gc = function() end }) t = nil collectgarbage()]])
    assert.are.equal(0, code)
  end)

  it("a failure the code swallows is caught by the sweep", function()
    -- an operation that turns a memory error into a different result
    local code, out = host([[
      package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
      local function op()
        local ok = pcall(function() local t = {} for i = 1, 50 do t[i] = { i } end end)
        return ok and "all" or "none"
      end
      for n = 1, 60 do
        local injected, ok, v = allocfail.run(n, op)
        if ok and v ~= "all" then error("swallowed at " .. n) end
      end
    ]])
    assert.are.equal(1, code)
    assert.matches("swallowed at %d+", out)
  end)

  it("every operation, every N (quick sweep)", function()
    local code, out = sh("ASAN_OPTIONS=detect_leaks=1 " .. HOST .. " tools/allocfail.lua --quick")
    assert.are.equal(0, code, out)
    for _, op in ipairs{ "tokenize", "gazetteer compile", "load %(file%)", "load_string",
                         "match", "pipeline", "rule file", "news", "format json",
                         "format text", "format html" } do
      assert.matches("allocfail: " .. op .. " +%d+ allocations", out)
    end
    local nops, runs = out:match("allocfail: (%d+) operations, (%d+) runs, ok")
    assert.is_truthy(nops, out)
    assert.is_true(tonumber(nops) >= 15 and tonumber(runs) > 5000, out)
    assert.not_matches("LeakSanitizer", out)
  end)
end)
