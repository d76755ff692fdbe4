-- The rule-file sandbox: what is in scope, what is not, error messages,
-- instruction and memory limits, include, and the host state after each
-- run (string metatable, allocator, hook, globals).
local sandbox = require "glean.sandbox"
local core = require "glean.core"

local jit = rawget(_G, "jit")
local MiB = 1024 * 1024

-- Runs src as "@rules/<name>.lua"; returns the results of sandbox.run.
local function run(name, src, vocab, opts)
  return sandbox.run(src, "@rules/" .. name .. ".lua", vocab, opts)
end

-- Runs src and asserts it succeeded; returns the environment and the value.
local function runs(name, src, vocab, opts)
  local value, env = run(name, src, vocab, opts)
  assert.is_table(env, env)
  return env, value
end

-- Asserts that a run failed with exactly msg (a plain string) or with a
-- message matching msg (when pattern is true), and returns the kind.
local function fails(msg, pattern, value, err, kind)
  assert.is_nil(value)
  assert.is_string(err)
  if pattern then assert.matches(msg, err) else assert.equal(msg, err) end
  return kind
end

local function host_hook()
  return { debug.gethook() }
end

local hook_before = host_hook()

-- The host is as it was: string methods, the allocator (a large block can
-- be had), the hook, no stray globals.
local function host_intact()
  assert.equal(string, getmetatable("").__index)
  assert.equal("xxx", ("x"):rep(3))
  assert.is_function(string.dump)
  assert.equal(8 * MiB, #string.rep(string.rep("y", 1024), 8 * 1024))   -- over the 4 MiB limits
  local t = {}
  for i = 1, 10000 do t[i] = { i } end
  assert.equal(10000, #t)
  assert.same(hook_before, host_hook())
  assert.is_nil(rawget(_G, "x"))
end

describe("sandbox.run", function()
  after_each(host_intact)

  it("runs a script with the vocabulary in scope", function()
    local got = {}
    local vocab = { rule = function(name) got[#got + 1] = name; return #got end, LIMIT = 3 }
    local env, value = runs("ok", "a = rule('first')\nrule('second')\nreturn LIMIT * 2", vocab)
    assert.is_table(env)
    assert.equal(6, value)
    assert.equal(1, env.a)
    assert.same({ "first", "second" }, got)
  end)

  it("returns the value first, and the environment even when the value is nil", function()
    local value, env = run("order", "x = 1\nreturn 'v'")
    assert.equal("v", value)
    assert.equal(1, env.x)
    value, env = run("order", "x = 1")
    assert.is_nil(value)
    assert.is_table(env)
  end)

  it("returns the environment even when the chunk returns nothing", function()
    local env, value = runs("none", "x = 1")
    assert.is_table(env)
    assert.is_nil(value)
    assert.equal(1, env.x)
    assert.equal(env, env._G)
  end)

  it("offers string methods, table, math and lpeg", function()
    local env, value = runs("libs", [[
      local p = lpeg.C(lpeg.R("az")^1)
      local words = {}
      for w in ("one two"):gmatch("%a+") do words[#words + 1] = w:upper() end
      table.sort(words)
      return table.concat(words, ",") .. "|" .. ("abc"):upper() .. "|" .. p:match("lpeg!")
        .. "|" .. math.floor(2.5) .. "|" .. select("#", unpack({ 1, 2 }))
        .. "|" .. tostring(tonumber("0x10")) .. "|" .. string.format("%03d", 7)
    ]])
    assert.is_table(env)
    assert.equal("ONE,TWO|ABC|lpeg|2|2|16|007", value)
  end)

  it("has utf8 where the runtime has it", function()
    local _, value = runs("utf8", "return utf8 ~= nil and utf8.char(233) or 'none'")
    if rawget(_G, "utf8") then
      assert.equal("\195\169", value)
    else
      assert.equal("none", value)
    end
  end)

  it("keeps the script's globals in its environment, not in the host", function()
    local env = runs("globals", "x = 1\nrawset(_G, 'y', 2)\n_G.z = 3\nstring.upper = nil")
    assert.same({ 1, 2, 3 }, { env.x, env.y, env.z })
    assert.is_nil(rawget(_G, "y"))
    assert.is_nil(rawget(_G, "z"))
    assert.is_function(string.upper)
  end)

  it("names a string source", function()
    fails('^%[string "x = = 1"%]:1: unexpected symbol', true, sandbox.run("x = = 1"))
    fails("^news:2: boom$", true, sandbox.run("\nerror('boom')", nil, nil, { name = "news" }))
  end)

  it("reports a syntax error with file and line", function()
    fails("^rules/syntax%.lua:3: unexpected symbol near '='$", true,
          run("syntax", "local a = 1\nlocal b = 2\nx = = 3"))
  end)

  it("reports a runtime error with file and line", function()
    fails("rules/runtime.lua:2: boom", false, run("runtime", "local a = 1\nerror('boom')"))
    fails("^rules/runtime%.lua:1: attempt to perform arithmetic on .*nil", true,
          run("runtime", "return nope + 1"))
  end)

  it("turns a table error value into a message with file and line", function()
    fails("rules/tbl.lua:2: error object is a table value", false,
          run("tbl", "\nerror({ code = 1 })"))
    fails("custom", false,
          run("tbl", "error(setmetatable({}, { __tostring = function() return 'custom' end }))"))
  end)

  it("lets pcall catch ordinary errors", function()
    local _, value = runs("pcall", [[
      local ok, e = pcall(error, "plain", 0)
      local ok2, e2 = xpcall(function() error("x") end, function(m) return "handled " .. m end)
      return tostring(ok) .. " " .. e .. " " .. tostring(ok2) .. " " .. e2
    ]])
    assert.equal("false plain false handled rules/pcall.lua:2: x", value)
  end)

  it("raises on misuse", function()
    assert.has_error(function() sandbox.run(42) end,
                     "bad argument #1 to 'run' (string expected, got number)")
    assert.has_error(function() sandbox.run("", nil, nil, { memroy = 1 }) end,
                     "bad argument #4 to 'run' (unknown option 'memroy')")
    assert.has_error(function() sandbox.run("", nil, nil, { memory = 0 }) end,
                     "bad argument #4 to 'run' (bad option 'memory')")
  end)

  it("documents its default limits", function()
    assert.equal(10000000, sandbox.INSTRUCTIONS)
    assert.equal(64 * MiB, sandbox.MEMORY)
  end)
end)

describe("sandbox escapes", function()
  after_each(host_intact)

  it("has none of the unsafe globals", function()
    for _, name in ipairs{ "io", "os", "require", "load", "loadstring", "loadfile", "dofile",
                           "debug", "package", "collectgarbage", "coroutine", "print",
                           "getfenv", "setfenv", "module", "newproxy", "gcinfo" } do
      local env, value = runs("names", "return " .. name)
      assert.is_table(env, name)
      assert.is_nil(value, name)
    end
  end)

  it("cannot read a file or run a command", function()
    fails("^rules/io%.lua:1: attempt to index .*'io'", true,
          run("io", "return io.open('/etc/passwd'):read('*a')"))
    fails("^rules/os%.lua:1: attempt to index .*'os'", true, run("os", "os.execute('true')"))
  end)

  it("cannot load code", function()
    for _, call in ipairs{ "require('os')", "load('return 1')", "loadstring('return 1')",
                           "dofile('/dev/null')", "loadfile('/dev/null')" } do
      local fname = call:match("^%a+")
      fails("^rules/load%.lua:1: attempt to call .*'" .. fname .. "'", true, run("load", call))
    end
  end)

  it("cannot reach debug, package or collectgarbage", function()
    fails("^rules/debug%.lua:1: attempt to index .*'debug'", true,
          run("debug", "return debug.getinfo(1)"))
    fails("^rules/package%.lua:1: attempt to index .*'package'", true,
          run("package", "return package.loaded.os"))
    fails("^rules/gc%.lua:1: attempt to call .*'collectgarbage'", true,
          run("gc", "collectgarbage('stop')"))
  end)

  it("has no string.dump, not even through the string metatable", function()
    local _, value = runs("dump", "return string.dump == nil and ('').dump == nil")
    assert.is_true(value)
    fails("^rules/dump%.lua:1: attempt to call .*'dump'", true,
          run("dump", "return string.dump(function() end)"))
    fails("^rules/dump%.lua:1: attempt to call .*'dump'", true,
          run("dump", "return ('x'):dump()"))
  end)

  it("refuses bytecode", function()
    local bytecode = string.dump(function() return 1 end)
    fails("rules/bin.lua: binary chunks are not allowed", false, run("bin", bytecode))
    fails("news: binary chunks are not allowed", false,
          sandbox.run(bytecode, nil, nil, { name = "news" }))
  end)

  it("cannot reach or change the string metatable", function()
    local _, value = runs("meta", "return getmetatable('') == nil and getmetatable(1) == nil")
    assert.is_true(value)
    fails("^rules/meta%.lua:1: attempt to index a nil value", true,
          run("meta", "getmetatable('').__index = { upper = function() return 'pwned' end }"))
    assert.equal("ABC", ("abc"):upper())
  end)

  it("keeps string methods working when the script changes its string table", function()
    local _, value = runs("strcopy", "string.upper = nil\nstring.rep = nil\n"
                                    .. "return ('ab'):upper() .. ('c'):rep(2)")
    assert.equal("ABcc", value)
  end)

  it("respects __metatable", function()
    local _, value = runs("protect", [[
      local t = setmetatable({}, { __metatable = "locked" })
      local ok = pcall(setmetatable, t, {})
      return getmetatable(t) .. " " .. tostring(ok)
    ]])
    assert.equal("locked false", value)
  end)

  it("allows setmetatable on tables only, and no __gc", function()
    fails("rules/setmt.lua:1: bad argument #1 to 'setmetatable' (table expected, got string)",
          false, run("setmt", "setmetatable('', {})"))
    fails("rules/setmt.lua:1: bad argument #2 to 'setmetatable' "
          .. "(__gc is not allowed in rule files)", false,
          run("setmt", "setmetatable({}, { __gc = function() while true do end end })"))
  end)

  it("does not reach the real globals with rawget or rawset", function()
    local env, value = runs("raw", [[
      rawset(_G, "string", "gone")
      return tostring(rawget(_G, "io")) .. " " .. tostring(rawget(_G, "os"))
    ]])
    assert.equal("nil nil", value)
    assert.equal("gone", env.string)
    assert.is_table(string)
  end)

  it("puts protected host tables back: changed, added and removed fields, metatables", function()
    local inner_mt = { __index = function() return "inner" end }
    local host = { keep = 1, change = 2, remove = 3, inner = setmetatable({ x = 1 }, inner_mt) }
    local src = [[
      local t = ...
      t.change, t.remove, t.added = "changed", nil, "added"
      t.inner.x, t.inner.y = nil, 2
      setmetatable(t, { __index = function() return "leaked" end })
    ]]
    local function intact()
      assert.same({ "keep", 1, 2, 3 }, { "keep", host.keep, host.change, host.remove })
      assert.is_nil(rawget(host, "added"))
      assert.is_nil(host.missing)               -- no metatable left on it
      assert.equal(1, host.inner.x)
      assert.is_nil(rawget(host.inner, "y"))
      assert.equal(inner_mt, debug.getmetatable(host.inner))
    end
    -- during the load
    local change, env = run("protect", "local function f(...) " .. src .. " end\n"
                            .. "f(host)\nreturn f", { host = host }, { protect = { host } })
    assert.is_function(change)
    intact()
    -- after a guarded call that leaves putting back to the caller
    change = sandbox.guard(env, change, { restore = false })
    change(host)
    assert.equal("changed", host.change)
    assert.equal("leaked", host.missing)
    sandbox.restore(env)
    intact()
  end)

  it("shares no module table: lpeg is a copy, pattern methods too", function()
    local real_match = require("lpeg").match
    local _, value = runs("lpeg", [[
      lpeg.match = nil
      return tostring(lpeg.P(1).setmaxstack) .. " " .. tostring(lpeg.P(1):match("a"))
    ]])
    assert.equal("nil 2", value)
    assert.equal(real_match, require("lpeg").match)
    assert.is_function(require("lpeg").setmaxstack)
  end)

  it("has no coroutine library", function()
    fails("^rules/co%.lua:1: attempt to index .*'coroutine'", true,
          run("co", "coroutine.yield()"))
    fails("^rules/co%.lua:1: attempt to index .*'coroutine'", true,
          run("co", "return coroutine.wrap(function() end)"))
  end)

  it("cannot yield across the sandbox from a host coroutine", function()
    local co = coroutine.create(function()
      local ok, err = run("yield", "yield('out')\nreturn 1", { yield = coroutine.yield })
      coroutine.yield("still a coroutine")
      return ok, err
    end)
    local resumed, first = coroutine.resume(co)
    assert.is_true(resumed)
    assert.equal("still a coroutine", first)
    assert.equal(string, getmetatable("").__index)
    local resumed2, ok, err = coroutine.resume(co)
    assert.is_true(resumed2)
    fails("attempt to yield across", true, ok, err)
    assert.equal("dead", coroutine.status(co))
  end)
end)

describe("sandbox limits", function()
  after_each(host_intact)

  it("stops an endless loop soon after the instruction budget", function()
    local function baseline()   -- the same number of instructions, unchecked
      local t0 = os.clock()
      for _ = 1, sandbox.INSTRUCTIONS do end   -- luacheck: ignore
      return os.clock() - t0
    end
    if jit then jit.off(baseline) end
    local base = baseline()
    local t0 = os.clock()
    local ok, err, kind = run("loop", "local n = 0\nwhile true do end")
    local elapsed = os.clock() - t0
    assert.equal("instructions", fails("rules/loop.lua:2: rule file stopped: too much work "
                                       .. "(more than 10000000 instructions)", false,
                                       ok, err, kind))
    assert.is_true(elapsed < 0.25 + 3 * base, ("took %.3f s (a plain loop %.3f s)")
                   :format(elapsed, base))
  end)

  it("takes its instruction budget from opts", function()
    fails("rules/loop.lua:1: rule file stopped: too much work (more than 5000 instructions)",
          false, run("loop", "while true do end", nil, { instructions = 5000 }))
    local env = runs("loop", "for i = 1, 100 do x = i end", nil, { instructions = 5000 })
    assert.equal(100, env.x)
  end)

  it("stops a script that allocates tables without end", function()
    assert.equal("memory", fails("rules/mem.lua: rule file stopped: more than 4194304 bytes "
                                 .. "of memory", false,
                                 run("mem", "local t = {} while true do t[#t + 1] = {} end",
                                     nil, { memory = 4 * MiB, instructions = 1e9 })))
  end)

  it("stops a script that doubles a string without end", function()
    assert.equal("memory", fails("rules/mem.lua: rule file stopped: more than 4194304 bytes "
                                 .. "of memory", false,
                                 run("mem", "local s = 'x' while true do s = s .. s end",
                                     nil, { memory = 4 * MiB })))
    assert.equal("memory", fails("rules/mem.lua: rule file stopped: more than 67108864 bytes "
                                 .. "of memory", false,
                                 run("mem", "local s = 'x' while true do s = s .. s end")))
  end)

  it("refuses string.rep results over the memory limit", function()
    local msg = "rules/rep.lua: rule file stopped: more than 4194304 bytes of memory "
                .. "(string.rep of 1099511627776 bytes)"
    local opts = { memory = 4 * MiB }
    assert.equal("memory", fails(msg, false, run("rep", "return string.rep('x', 2^40)", nil,
                                                 opts)))
    assert.equal("memory", fails(msg, false, run("rep", "local s = ('x'):rep(2^40)", nil,
                                                 opts)))
    assert.equal("memory", fails("rules/rep.lua: rule file stopped: more than 67108864 bytes "
                                 .. "of memory (string.rep of 1099511627776 bytes)", false,
                                 run("rep", "return ('x'):rep(2^40)")))
  end)

  it("keeps string.rep's other behaviour", function()
    local _, value = runs("rep", "return ('ab'):rep(3, '-') .. '|' .. (''):rep(2^50) .. '|'"
                                .. " .. ('x'):rep(0) .. '|' .. string.rep(5, 2)")
    assert.equal("ab-ab-ab|||55", value)
    fails("rules/rep.lua:1: bad argument #2 to 'rep' (integer expected)", false,
          run("rep", "local s = ('x'):rep(1.5)"))
  end)

  it("cannot be outlived with pcall or xpcall", function()
    fails("rules/pcall.lua:2: rule file stopped: too much work (more than 100000 instructions)",
          false, run("pcall", "while true do\n pcall(function() while true do end end) end",
                     nil, { instructions = 1e5 }))
    fails("rules/pcall.lua: rule file stopped: more than 4194304 bytes of memory", false,
          run("pcall", [[
            while true do
              pcall(function() local t = {} while true do t[#t + 1] = {} end end)
            end]], nil, { memory = 4 * MiB, instructions = 1e9 }))
    fails("^rules/pcall%.lua: rule file stopped: more than 4194304 bytes of memory %(string", true,
          run("pcall", "while true do pcall(string.rep, 'x', 2^40) end", nil,
              { memory = 4 * MiB }))
    fails("rules/xpcall.lua:3: rule file stopped: too much work (more than 100000 instructions)",
          false, run("xpcall", [[
            local caught = 0
            while true do
              xpcall(function() while true do end end, function() caught = caught + 1 end)
            end]], nil, { instructions = 1e5 }))
  end)

  it("cannot be outlived with a pcall from the vocabulary", function()
    fails("rules/vpcall.lua:1: rule file stopped: too much work (more than 100000 instructions)",
          false, run("vpcall", "while true do raw_pcall(function() while true do end end) end",
                     { raw_pcall = pcall }, { instructions = 1e5 }))
    assert.equal("memory", fails("rules/vpcall.lua: rule file stopped: more than 4194304 bytes "
                                 .. "of memory (string.rep of 1099511627776 bytes)", false,
                                 run("vpcall", "raw_pcall(string.rep, 'x', 2^40)\nreturn 1",
                                     { raw_pcall = pcall }, { memory = 4 * MiB })))
  end)

  it("counts the work of vocabulary functions", function()
    local function spin(n)
      local x = 0
      for i = 1, n do x = x + i end
      return x
    end
    fails("^spec/sandbox_spec%.lua:%d+: rule file stopped: too much work %(more than 100000 "
          .. "instructions%)$", true,
          run("spin", "return spin(1e12)", { spin = spin }, { instructions = 1e5 }))
    if jit then assert.is_true((jit.status())) end
  end)

  it("restores a host hook", function()
    local calls = 0
    local function hook() calls = calls + 1 end
    debug.sethook(hook, "", 1e8)
    local ok, err = run("hook", "while true do end")
    local after = { debug.gethook() }
    debug.sethook()
    assert.is_nil(ok)
    assert.matches("too much work", err)
    assert.equal(hook, after[1])
    assert.equal(1e8, after[3])
  end)

  it("nests: a vocabulary function may run a sandbox of its own", function()
    local vocab = {}
    function vocab.inner(src)
      local _, err = sandbox.run(src, "=inner", nil, { instructions = 1e5 })
      return type(err) == "table" and "ok" or err
    end
    local _, value = runs("outer", "return inner('while true do end')", vocab)
    assert.equal("inner:1: rule file stopped: too much work (more than 100000 instructions)",
                 value)
    fails("rules/outer.lua:1: rule file stopped: too much work (more than 100000 instructions)",
          false, run("outer", "while true do end", vocab, { instructions = 1e5 }))
  end)

  it("runs the whole suite of limits again without leaking state", function()
    for _ = 1, 3 do
      assert.is_nil((run("again", "while true do end", nil, { instructions = 1e5 })))
      assert.is_nil((run("again", "local s = 'x' while true do s = s .. s end", nil,
                         { memory = MiB })))
      local env = runs("again", "x = ('x'):rep(10)", nil, { memory = MiB })
      assert.equal("xxxxxxxxxx", env.x)
    end
  end)
end)

describe("sandbox include", function()
  after_each(host_intact)

  local files = {
    common = "shared = (shared or 0) + 1\nreturn 'common value'",
    a = "include 'b'", b = "include 'c'", c = "include 'a'",
    self = "include 'self'",
    syntax = "local x = 1\nx = = 2",
    runtime = "\n\nerror('failed here')",
    loop = "\nwhile true do end",
    deep = "depth = (depth or 1) + 1\ninclude('deep' .. depth)",
  }
  local function resolve(name)
    local deep = name:match("^deep%d+$")
    local src = files[deep and "deep" or name]
    if not src then return nil, "no such rule file" end
    return src, "@inc/" .. name .. ".lua"
  end
  local opts = { include = resolve }

  it("runs a file in the same environment and returns its value", function()
    local env, value = runs("main", "local v = include 'common'\ninclude 'common'\n"
                                   .. "return v .. ' ' .. shared", nil, opts)
    assert.equal("common value 2", value)
    assert.equal(2, env.shared)
  end)

  it("detects cycles", function()
    fails("inc/self.lua:1: include cycle: rules/main.lua -> inc/self.lua -> inc/self.lua",
          false, run("main", "include 'self'", nil, opts))
    fails("inc/c.lua:1: include cycle: rules/main.lua -> inc/a.lua -> inc/b.lua -> inc/c.lua"
          .. " -> inc/a.lua", false, run("main", "include 'a'", nil, opts))
    fails("rules/main.lua:1: include cycle: rules/main.lua -> rules/main.lua", false,
          run("main", "include 'main'", nil,
              { include = function() return "include 'main'", "@rules/main.lua" end }))
  end)

  it("limits the depth", function()
    fails("inc/deep16.lua:2: cannot include 'deep17': includes nested more than 16 deep", false,
          run("main", "include 'deep1'", nil, opts))
  end)

  it("names the included file in its errors", function()
    fails("^inc/syntax%.lua:2: unexpected symbol near '='$", true,
          run("main", "include 'syntax'", nil, opts))
    fails("inc/runtime.lua:3: failed here", false, run("main", "include 'runtime'", nil, opts))
    fails("inc/loop.lua:2: rule file stopped: too much work (more than 100000 instructions)",
          false, run("main", "include 'loop'", nil, { include = resolve, instructions = 1e5 }))
  end)

  it("reports what the resolver refuses", function()
    fails("rules/main.lua:1: cannot include 'nope': no such rule file", false,
          run("main", "include 'nope'", nil, opts))
    fails("rules/main.lua:1: include is not available here", false,
          run("main", "include 'common'"))
    fails("rules/main.lua:1: cannot include 'bin': binary chunks are not allowed", false,
          run("main", "include 'bin'", nil,
              { include = function() return string.dump(function() end) end }))
  end)

  it("counts included files in the budget of the whole load", function()
    local loop = "for i = 1, 4000 do n = (n or 0) + 1 end"
    local env = runs("main", "include 'x'", nil,
                    { instructions = 1e5, include = function() return loop end })
    assert.equal(4000, env.n)
    fails("^x:1: rule file stopped: too much work", true,
          run("main", "for i = 1, 10 do include 'x' end", nil,
              { instructions = 1e5, include = function() return loop end }))
  end)
end)

describe("core.sandbox_restore", function()
  -- a table changed every way at once: a field changed, one removed, one
  -- added (the count of fields stays the same), a metatable set
  local function damaged()
    local t = { a = 1, b = 2, c = 3 }
    local snap = { [t] = { fields = { a = 1, b = 2, c = 3 }, count = 3, meta = false } }
    t.a, t.b, t.d = 10, nil, 4
    setmetatable(t, {})
    return t, snap
  end

  it("puts back changed, removed and added fields and the metatable", function()
    local t, snap = damaged()
    core.sandbox_restore(snap)
    assert.same({ a = 1, b = 2, c = 3 }, t)
    assert.is_nil(getmetatable(t))
  end)

  it("does the same for a snapshot without a count of fields", function()
    local t, snap = damaged()
    snap[t].count = nil
    core.sandbox_restore(snap)
    assert.same({ a = 1, b = 2, c = 3 }, t)
  end)

  it("finds a removed field when as many were added", function()
    local t = { a = 1, b = 2 }
    local snap = { [t] = { fields = { a = 1, b = 2 }, count = 2, meta = false } }
    t.a, t.x, t.b, t.y = nil, "x", nil, "y"
    core.sandbox_restore(snap)
    assert.same({ a = 1, b = 2 }, t)
  end)
end)

describe("core.sandbox_call", function()
  after_each(host_intact)

  it("returns true and the results, like pcall", function()
    assert.same({ true, 3, "x" },
                { core.sandbox_call({ memory = MiB }, function(a, b) return a + b, "x" end, 1, 2) })
    assert.same({ true }, { core.sandbox_call({}, function() end) })
  end)

  it("returns false and the error", function()
    local ok, err, kind = core.sandbox_call({}, error, "plain", 0)
    assert.same({ false, "plain" }, { ok, err })
    assert.is_nil(kind)
  end)

  it("returns false, a message and the limit's name", function()
    local function loop() while true do end end
    if jit then jit.off(loop) end
    local ok, err, kind = core.sandbox_call({ instructions = 2000 }, loop)
    assert.is_false(ok)
    assert.matches(":%d+: rule file stopped: too much work %(more than 2000 instructions%)$", err)
    assert.equal("instructions", kind)
    ok, err, kind = core.sandbox_call({ memory = 1000 }, string.rep, "x", 2000)
    assert.same({ false, "rule file stopped: more than 1000 bytes of memory", "memory" },
                { ok, err, kind })
  end)

  it("raises on bad limits", function()
    assert.has_error(function() core.sandbox_call({ memory = 0 }, print) end)
    assert.has_error(function() core.sandbox_call({ instructions = "many" }, print) end)
    assert.has_error(function() core.sandbox_call(nil, print) end)
  end)
end)
