-- Hostile rule files against glean.rules.load (docs/hardening.md, section
-- 3): escape attempts (files, processes, loading code, the host's tables
-- and metatables, the news helpers) and abuse (loops, recursion, memory
-- bombs) at load time and later, when a pipeline calls the file's
-- functions. Each must fail with a clear message within a bounded time and
-- memory, and leave the host as it was.
local glean = require "glean"
local lpeg = require "lpeg"
local sandbox = require "glean.sandbox"
local slpeg = require "glean.sandbox_lpeg"
local rules = glean.rules
local pattern = glean.pattern

local jit = rawget(_G, "jit")
local MiB = 1024 * 1024
local CPU_BOUND = 10        -- seconds of CPU, generous: the limits stop far sooner
local LPEG_BOUND = 5        -- for runaway LPeg matches over a 1 MB text
local TEXT = "Dame Eleanor Vance met Ms. Ada Okafor in Oslo on 5 May."

-- What the host looks like before any hostile file ran.
local function fingerprint()
  local g = {}
  for k, v in pairs(_G) do g[k] = v end
  local p = {}
  for k, v in pairs(pattern) do p[k] = v end
  local l = {}
  for k, v in pairs(lpeg) do l[k] = v end
  local pt, mt = {}, getmetatable(pattern.any)
  for k, v in pairs(mt) do pt[k] = v end
  local lm = {}
  for k, v in pairs(debug.getmetatable(lpeg.P(1))) do lm[k] = v end
  return { globals = g, pattern = p, lpeg = l, pt = pt, lpeg_mt = lm,
           string_index = getmetatable("").__index,
           string_meta = getmetatable(""), lpeg_meta = getmetatable(lpeg.P(1)),
           any_tag = pattern.any.tag, any_op = pattern.any.pred.op,
           hook = { debug.gethook() } }
end
local BEFORE = fingerprint()

-- The spans of a trusted pipeline over TEXT.
local function trusted_spans()
  local doc = glean.pipeline{ phases = { glean.phase{ name = "p", rules = {
    glean.rule{ name = "t", label = "T", pattern = pattern.title * pattern.title },
    glean.rule{ name = "n", label = "N", pattern = lpeg.R"09"^1 } } } } }:run(TEXT)
  local out = {}
  for _, sp in ipairs(doc:spans()) do out[#out + 1] = sp.label .. sp.text end
  return out
end
local BEFORE_SPANS = trusted_spans()

local function same_keys(a, b, what)
  for k, v in pairs(a) do assert(b[k] == v, what .. "." .. tostring(k) .. " changed") end
  for k in pairs(b) do assert(a[k] ~= nil, what .. "." .. tostring(k) .. " added") end
end

-- The host is intact: globals, string metatable and methods, the pattern
-- module and its metatable, lpeg, the hook; a big allocation works.
local function host_intact()
  local now = fingerprint()
  same_keys(BEFORE.globals, now.globals, "_G")
  same_keys(BEFORE.pattern, now.pattern, "glean.pattern")
  same_keys(BEFORE.lpeg, now.lpeg, "lpeg")
  same_keys(BEFORE.pt, now.pt, "the pattern metatable")
  same_keys(BEFORE.lpeg_mt, now.lpeg_mt, "LPeg's metatable")   -- its real operators
  assert.is_nil(slpeg.info(lpeg.P"x" * "y"), "the host's LPeg counts")
  assert.equal(string, now.string_index)
  assert.equal(BEFORE.string_meta, now.string_meta)
  assert.equal(BEFORE.lpeg_meta, now.lpeg_meta)
  assert.equal("pred", pattern.any.tag)
  assert.equal("any", pattern.any.pred.op)
  assert.same(BEFORE.hook, now.hook)
  assert.is_function(string.dump)
  assert.equal("xxx", ("x"):rep(3))
  assert.equal(16 * MiB, #string.rep("y", 16 * MiB))
  assert.is_nil(getmetatable(pattern.any).__gc)
  -- a trusted pipeline still works as before
  assert.same(BEFORE_SPANS, trusted_spans())
end

-- Loads src as a rule file under small limits, measuring CPU time and the
-- Lua heap's growth; returns phases, err, seconds, KiB.
local function load(src, opts)
  opts = opts or {}
  opts.string, opts.name = true, opts.name or "hostile.lua"
  opts.memory = opts.memory or 8 * MiB
  opts.instructions = opts.instructions or 1e6
  opts.call_instructions = opts.call_instructions or 1e5
  opts.call_memory = opts.call_memory or 8 * MiB
  collectgarbage()
  local mem0, t0 = collectgarbage("count"), os.clock()
  local phases, err = rules.load(src, opts)
  local dt = os.clock() - t0
  local grown = collectgarbage("count") - mem0
  assert.is_true(dt < CPU_BOUND, "took " .. dt .. " s")
  return phases, err, dt, grown
end

-- The file fails to load, with a message naming it (or, for a limit
-- striking inside a vocabulary function, naming that function's file).
local function refused(src, pattern_, opts)
  local phases, err = load(src, opts)
  assert.is_nil(phases)
  assert.is_string(err)
  assert.is_truthy(err:find("hostile.lua", 1, true) or err == "stack overflow"   -- LuaJIT
                   or err:find("^lua/glean/[%w/]+%.lua:%d+: rule file stopped"), err)
  if pattern_ then assert.matches(pattern_, err) end
  return err
end

-- The file loads; running its phases over TEXT fails with a message.
local function fails_at_run(src, pattern_, text)
  local phases, err = load(src)
  assert.is_table(phases, err)
  local t0 = os.clock()
  local ok, e = pcall(function()
    return glean.pipeline{ phases = phases }:run(text or TEXT)
  end)
  assert.is_true(os.clock() - t0 < CPU_BOUND)
  assert.is_false(ok)
  e = tostring(e)
  if pattern_ then assert.matches(pattern_, e) end
  return e
end

-- Evaluates expressions in a rule file: each must be nil or false.
local function unreachable(exprs)
  local src = { "local out = {}" }
  for i, e in ipairs(exprs) do
    src[#src + 1] = ("do local ok, v = pcall(function() return %s end) "
      .. "if ok and v then out[#out + 1] = %q end end"):format(e, e)
    if i % 50 == 0 then src[#src + 1] = "" end
  end
  src[#src + 1] = [[if #out > 0 then error("reachable: " .. table.concat(out, ", ")) end
    return {}]]
  local phases, err = load(table.concat(src, "\n"))
  assert.is_table(phases, err)
end

describe("hostile rule files", function()
  after_each(host_intact)

  describe("cannot reach files, processes or code loading", function()
    it("through globals and _G", function()
      unreachable{
        "io", "os", "require", "load", "loadstring", "loadfile", "dofile", "debug", "package",
        "collectgarbage", "coroutine", "print", "getfenv", "setfenv", "newproxy", "module",
        "_G.io", "_G._G.os", "rawget(_G, 'io')", "rawget(_G, 'debug')", "_ENV and _ENV.io",
        "getfenv and getfenv(0).io", "getfenv and getfenv(print)",
        "string.dump", "lpeg.setmaxstack", "math.randomseed",
      }
    end)

    it("through the string metatable and string methods", function()
      unreachable{
        "getmetatable('')", "getmetatable('x') and getmetatable('x').__index",
        "('').dump", "('x').dump", "(''):dump()", "('x').rep == string.rep and nil",
        "rawget(string, 'dump')", "string.dump", "('').gsub and ('x'):gsub('x', io and io.write)",
      }
    end)

    it("through the vocabulary's tables and objects", function()
      unreachable{
        "T.io", "T.require", "rule.io", "phase.io", "C.io",
        "T.any.io", "T.any.__index and T.any.__index.io", "getmetatable(T.any)",
        "getmetatable(rule{ name = 'r', pattern = T.any })",
        "rule{ name = 'r', pattern = T.any }.__index and "
          .. "rule{ name = 'r', pattern = T.any }.__index.io",
        "phase{ rules = {} }.__index and phase{ rules = {} }.__index.io",
        "lpeg.P(1).__index and lpeg.P(1).__index.setmaxstack",
        "getmetatable(lpeg.P(1))", "lpeg.io", "lpeg.version and lpeg.io",
        "news", "dates", "quotes", "T.news", "rawget(_G, 'news')",
      }
    end)

    it("through load variants and bytecode", function()
      refused("\27Lua garbage", "binary chunks are not allowed")
      unreachable{ "load", "loadstring", "string.dump", "include and include('x')" }
      -- include runs only files beside a file, never binary ones
      for _, name in ipairs{ "../etc/passwd", "/etc/passwd" } do
        local phases, err = load("return include('" .. name .. "')")
        assert.is_nil(phases)
        assert.matches("cannot include '" .. name:gsub("%p", "%%%0") .. "'", err)
      end
    end)

    it("through error objects with metamethods raised into the host", function()
      local phases, err = load([[error(setmetatable({}, { __tostring = function() return "custom" end,
        __index = function() while true do end end }))]])
      assert.is_nil(phases)
      assert.equal("custom", err)   -- the file's own message, as it chose
      refused([[error(setmetatable({}, { __tostring = function() while true do end end }))]],
              "rule file stopped")
      err = refused([[error(setmetatable({}, { __index = function() error("boom") end }))]],
                    "error object is a table value")
      assert.is_string(err)
    end)

    it("through the news helpers of glean's own rule files", function()
      -- a user rule file has no news, dates or quotes, even after the
      -- news pipeline loaded its own files with them
      local news = require "glean.news"
      assert.is_table(news.extract("Ada Okafor said so on Friday.", { date = "2025-03-14" }))
      unreachable{ "news", "dates", "quotes", "helpers", "T.news", "rule.news" }
    end)
  end)

  describe("cannot change the host", function()
    it("the pattern module, its constants and its metatable", function()
      local phases, err = load([[
        T.lower = function() while true do end end
        T.any.pred.op = "none"
        rawset(T.any, "tag", "evil")
        T.any.__index.__tostring = function() return "pwned" end
        T.any.__index.__gc = function() while true do end end
        setmetatable(T, { __index = function() while true do end end })
        return {}]])
      assert.is_table(phases, err)
      assert.equal("T.any", tostring(pattern.any))
      assert.is_nil(getmetatable(pattern))
    end)

    it("from its actions: what they change is put back when their phase ends", function()
      for _, tail in ipairs{ "", "error('and fail')" } do
        local phases = assert(load([[
          return rule{ name = "r", label = "X", pattern = T.title, action = function()
            T.lower = function() while true do end end
            rawset(T.any, "tag", "evil")
            ]] .. tail .. [[
          end }]]))
        pcall(glean.pipeline{ phases = phases }.run, glean.pipeline{ phases = phases }, TEXT)
        assert.equal("T.any", tostring(pattern.any))
        assert.equal("pred", rawget(pattern.any, "tag"))
        assert.equal(1, #glean.pipeline{ phases = { glean.phase{ rules = {
          glean.rule{ label = "W", pattern = pattern.lower"sir" } } } } }:run("Sir X"):spans("W"))
      end
    end)

    it("the metatables of rules and phases", function()
      local phases, err = load([[
        local r = rule{ name = "r", label = "X", pattern = T.title }
        r.__index.action = function() while true do end end
        r.__index.where = function() while true do end end
        phase{ rules = {} }.__index.__tostring = function() while true do end end
        return { r }]])
      assert.is_table(phases, err)
      -- a trusted rule without an action does not inherit one
      host_intact()
      assert.is_nil(glean.rule{ name = "x", pattern = pattern.any }.action)
      assert.matches("glean.Phase", tostring(glean.phase{ rules = {} }))
    end)

    it("lpeg and the sandbox's lpeg methods", function()
      local phases, err = load([[
        assert(lpeg.P(1).__index == nil)
        lpeg.P = function() while true do end end
        return {}]])
      assert.is_table(phases, err)
      local again = load("return rule{ name = 'n', label = 'N', pattern = lpeg.R'09'^1 }")
      assert.equal(1, #glean.pipeline{ phases = again }:run(TEXT):spans("N"))
    end)

    it("the rules it returned, from its actions later", function()
      local phases, err = load([[
        local r
        r = rule{ name = "r", label = "X", pattern = T.title,
                  action = function() r.action = function() while true do end end
                                      r.pattern = T.any end }
        return { r }]])
      assert.is_table(phases, err)
      local pl = glean.pipeline{ phases = phases }
      local n = #pl:run(TEXT):spans("X")
      assert.equal(n, #pl:run(TEXT):spans("X"))      -- the swap had no effect
      assert.equal(n, #glean.pipeline{ phases = phases }:run(TEXT):spans("X"))
    end)

    it("finalisers: no __gc through setmetatable or a shared metatable", function()
      refused("setmetatable({}, { __gc = function() end })", "__gc is not allowed")
      local phases = load([[
        local mt = {}
        local t = setmetatable({}, mt)
        mt.__gc = function() while true do end end   -- too late: t is not marked
        t = nil
        pcall(function() getmetatable(T.any).__gc = function() while true do end end end)
        pcall(function() T.any.__index.__gc = function() while true do end end end)
        return {}]])
      assert.is_table(phases)
      collectgarbage()
      collectgarbage()
    end)
  end)

  describe("is stopped with a clear error", function()
    it("string.rep bombs, with and without the method syntax", function()
      refused("return ('x'):rep(1e12)", "rule file stopped: more than %d+ bytes of memory")
      refused("return string.rep('xy', 2^40, ',')", "rule file stopped")
      refused("local s = ('').rep return s('ab', 2^50)", "rule file stopped")
    end)

    it("memory bombs: table.concat of a huge table, doubling strings, tables", function()
      local _, _, _, grown = load("local t = {} for i = 1, 1e8 do t[i] = 'x' end return "
                                  .. "table.concat(t)", { instructions = 1e9 })
      assert.is_true(grown < 64 * 1024, "the heap grew by " .. grown .. " KiB")
      refused("local t = {} for i = 1, 1e8 do t[i] = 'x' end return table.concat(t)",
              "rule file stopped: more than", { instructions = 1e9 })
      refused("local s = 'x' while true do s = s .. s end", "rule file stopped")
      refused("local t = {} while true do t[#t + 1] = { 1, 2, 3 } end", "rule file stopped",
              { instructions = 1e9 })
    end)

    it("string.format with huge widths", function()
      local phases, err = load("return string.format('%099999d', 1)")
      assert.is_nil(phases)
      assert.is_string(err)
      refused("return string.format('%99d%99d', 1, 2):rep(2^30)", "rule file stopped")
    end)

    it("deep recursion", function()
      local err = refused("local function f(n) return 1 + f(n + 1) end return f(1)")
      assert.is_truthy(err:find("stack overflow", 1, true) or err:find("rule file stopped", 1, true),
                       err)
      refused("local t = setmetatable({}, {}) getmetatable(t).__index = function(s, k) "
              .. "return s[k .. 'x'] end return t.a", nil)
    end)

    it("infinite loops at load time, also inside pcall and xpcall", function()
      refused("while true do end", "rule file stopped: too much work")
      refused("while true do pcall(function() while true do end end) end", "rule file stopped")
      refused("while true do xpcall(function() while true do end end, function(e) return e end) end",
              "rule file stopped")
      refused("for i = 1, 1e12 do local _ = ('x'):rep(1) end", "rule file stopped")
    end)

    it("infinite loops in actions, where, attribute functions and T.pred", function()
      local loop = "function() while true do end end"
      fails_at_run("return rule{ name = 'a', label = 'X', pattern = T.title, action = "
                   .. loop .. " }", "rule file stopped: too much work")
      fails_at_run("return rule{ name = 'w', label = 'X', pattern = T.title, where = "
                   .. loop .. " }", "rule file stopped")
      fails_at_run("return rule{ name = 'f', label = 'X', pattern = T.title, attrs = "
                   .. loop .. " }", "rule file stopped")
      fails_at_run("return rule{ name = 'p', label = 'X', pattern = T.pred(" .. loop .. ") }",
                   "rule file stopped")
      fails_at_run("return rule{ name = 'm', label = 'X', pattern = T.title, action = "
                   .. "function() local t = {} while true do t[#t + 1] = {} end end }",
                   "rule file stopped")
    end)

    it("infinite loops in LPeg function captures of text rules and T.match", function()
      local loop = "function() while true do end end"
      fails_at_run("return rule{ name = 'c', label = 'X', pattern = lpeg.Cmt(lpeg.P(1), "
                   .. loop .. ") }", "rule file stopped")
      fails_at_run("return rule{ name = 'd', label = 'X', pattern = lpeg.P(1) / " .. loop .. " }",
                   "rule file stopped")
      fails_at_run("return rule{ name = 'f', label = 'X', pattern = lpeg.P(" .. loop .. ") }",
                   "rule file stopped")
      fails_at_run("return rule{ name = 'm', label = 'X', pattern = T.match(lpeg.Cmt(lpeg.P(1), "
                   .. loop .. ")) }", "rule file stopped")
    end)

    it("functions a file sets on its predicates' fields are never called", function()
      -- the pipeline calls a T.match through its matcher and a T.pred
      -- through its guard; a file's own fn, match or entry fields on a
      -- predicate (which the host would call without limits) are dropped
      local phases = assert(load([[
        local escape = function() error("escaped") end
        local m = T.match(lpeg.R"az"^1)
        m.pred.fn, m.pred.match, m.pred.entry = escape, escape, escape
        local p = T.pred(function(tok) return #tok.text > 1 end)
        p.pred.match, p.pred.entry = escape, escape
        return rule{ name = 'm', label = 'X', pattern = T.all(m, p) }
      ]]))
      local doc = glean.pipeline{ phases = phases }:run("ab c de")
      local got = {}
      for _, s in ipairs(doc:spans()) do got[#got + 1] = s.text end
      assert.same({ "ab", "de" }, got)
    end)

    it("coroutines are out of reach, so none can run on", function()
      unreachable{ "coroutine", "coroutine and coroutine.wrap" }
      refused("local co = coroutine.create(function() while true do end end)", "coroutine")
    end)

    it("huge and deeply nested patterns", function()
      -- a million alternatives: stopped by the instruction or memory budget
      refused("local p = T.lower'a' for i = 1, 1e6 do p = p + T.lower('w' .. i) end "
              .. "return rule{ name = 'big', label = 'X', pattern = p }", "rule file stopped")
      refused("local p = lpeg.P'a' for i = 1, 1e6 do p = p + lpeg.P('w' .. i) end "
              .. "return rule{ name = 'big', label = 'X', pattern = p }", "rule file stopped")
      -- nesting: a clear error, not a crash
      local phases, err = load("local p = T.title for i = 1, 1e5 do p = (p * T.any)^-1 end "
                               .. "return rule{ name = 'deep', label = 'X', pattern = T.title * p }",
                               { instructions = 1e8, memory = 64 * MiB })
      if phases then
        local ok, e = pcall(function() return glean.pipeline{ phases = phases }:run(TEXT) end)
        assert.is_true(ok or type(e) == "string")
      else
        assert.is_string(err)
      end
    end)
  end)

  describe("LPeg's own work (C, unseen by the instruction hook) is bounded", function()
    -- an exponential grammar (2^n on a run of n "a"), a quadratic and a
    -- cubic pattern (a loop of predicates that each scan to the end)
    local EXP = 'lpeg.P{ "S", S = "a" * lpeg.V"S" * "b" + "a" * lpeg.V"S" * "c" + "" }'
    local QUAD = '(-(lpeg.P(1)^0 * "x") * 1)^0'
    local CUBIC = '(-(' .. QUAD .. ' * "x") * 1)^0'
    local RUN = "Ada met " .. ("a"):rep(40) .. " in Oslo."
    local MB = ("a "):rep(MiB / 2)
    local STOP = "rule file stopped: too much matching work"

    -- The error names the file; CPU time within LPEG_BOUND.
    local function stops_at_load(src)
      local t0 = os.clock()
      local err = refused(src, STOP)
      assert.matches("^hostile%.lua: ", err)
      local dt = os.clock() - t0
      assert.is_true(dt < LPEG_BOUND, "took " .. dt .. " s")
    end
    local function stops_at_run(src, text)
      local t0 = os.clock()
      local err = fails_at_run(src, STOP, text)
      assert.matches("hostile%.lua: ", err)
      local dt = os.clock() - t0
      assert.is_true(dt < LPEG_BOUND, "took " .. dt .. " s")
    end

    it("an exponential grammar, at load and at run", function()
      stops_at_load("local S = " .. EXP .. " return lpeg.match(S, ('a'):rep(30))")
      stops_at_load("local S = " .. EXP .. " return S:match(('a'):rep(30))")
      stops_at_load("local S = " .. EXP .. " return lpeg.match(lpeg.C(S) * 1, ('a'):rep(30))")
      -- a text rule, a T.match pattern, an action calling lpeg.match
      stops_at_run("return rule{ name = 't', label = 'X', pattern = " .. EXP .. " * 'z' }", RUN)
      stops_at_run("return rule{ name = 'm', label = 'X', pattern = T.match(" .. EXP .. ") }",
                   RUN)
      stops_at_run("local S = " .. EXP .. [[
        return rule{ name = 'a', label = 'X', pattern = T.title,
                     action = function() lpeg.match(S, ("a"):rep(30)) end }]], RUN)
    end)

    it("quadratic and cubic patterns over a 1 MB text, at load and at run", function()
      for _, p in ipairs{ QUAD, CUBIC } do
        stops_at_load("return lpeg.match(" .. p .. ", ('a '):rep(2^19))")
        stops_at_run("return rule{ name = 'q', label = 'X', pattern = " .. p .. " * 'z' }", MB)
        stops_at_run("local p = " .. p .. [[
          return rule{ name = 'a', label = 'X', pattern = T.lower"a",
                       action = function(m, doc) lpeg.match(p, doc:source()) end }]], MB)
      end
    end)

    it("the steps per byte of a document are shared by all the calls over it", function()
      -- each call taking almost all of a per-call allowance, on each of
      -- the 512 Ki matches, would take hours: they share one
      stops_at_run("local p = (-(lpeg.P(1)^0 * 'x') * 1)^-500 * lpeg.P(1)^0" .. [[
        return rule{ name = 'a', label = 'X', pattern = T.lower"a",
                     action = function(m, doc) lpeg.match(p, doc:source()) end }]], MB)
      -- a string the file makes earns no steps: the call's limit only
      local t0 = os.clock()
      fails_at_run("local p = " .. QUAD .. [[
        return rule{ name = 'a', label = 'X', pattern = T.title,
                     action = function() lpeg.match(p, ("a "):rep(2^19)) end }]], STOP,
                   TEXT)
      assert.is_true(os.clock() - t0 < 1, "took " .. os.clock() - t0 .. " s")
    end)

    it("the work of building and compiling patterns", function()
      -- a grammar whose rules reach each other in a DAG: LPeg's checks of
      -- it take time exponential in its depth
      refused([[local g = { "R40", R0 = lpeg.P"a" }
        for i = 1, 40 do
          g["R" .. i] = lpeg.V("R" .. (i - 1)) * "x" + lpeg.V("R" .. (i - 1)) * "y"
        end
        return lpeg.P(g)]], "grammar too complex for a rule file")
      -- compiling 2^16 optional parts in a row takes time quadratic in them
      refused("local p = (lpeg.P'ab' + 'cd')^-1 for i = 1, 16 do p = p * p end return p:match''",
              "pattern too complex for a rule file")
      -- copying a big pattern again and again
      refused([[local p = lpeg.P"a" for i = 1, 200 do p = lpeg.C(p + "b") * lpeg.Cc(i) end
        for i = 1, 1e6 do local _ = #p end]], STOP)
    end)

    it("back captures and repeated captures in a replacement string are refused", function()
      refused("return lpeg.Cb('x')", "lpeg.Cb is not available in rule files")
      refused("return lpeg.C(1) / '%1%1'", "at most once")
      refused("return lpeg.C(1) / '%0-%0'", "at most once")
      assert.is_table(load("local _ = lpeg.C(1) / '%1-%0 %%1' return {}"))
    end)

    it("lpeg.B: a grammar inside it is refused, the rest as LPeg does", function()
      refused("return lpeg.B(lpeg.P{ 'a', a = lpeg.P'x' })",
              "a grammar cannot be used inside lpeg.B in a rule file")
      -- LPeg itself refuses a rule call inside B (not of fixed length)
      local _, host = pcall(function()
        return lpeg.P{ "s", s = lpeg.B(lpeg.V"a") * "y", a = lpeg.P"x" }
      end)
      local err = refused("return lpeg.P{ 's', s = lpeg.B(lpeg.V'a') * 'y', a = lpeg.P'x' }")
      assert.matches("pattern may not have fixed length", host)
      assert.matches("pattern may not have fixed length", err)
      assert.is_table(load([[assert(lpeg.match(lpeg.P"b" * lpeg.B"ab" * "c", "bc") == nil)
        assert(lpeg.match(1 * lpeg.B"a" * "b", "ab") == 3) return {}]]))
    end)

    it("patterns the vocabulary builds in a call count too (T.C, T.match)", function()
      local kept = {}
      local phases = assert(load([[
        return rule{ name = 'a', label = 'X', pattern = T.title, action = function()
          keep(T.C("x", lpeg.P"a"^1), T.match(lpeg.R"az"^1), lpeg.P"a" * "b")
        end }]], { env = { keep = function(...) kept = { ... } end } }))
      glean.pipeline{ phases = phases }:run(TEXT)
      assert.equal(3, #kept)
      assert.is_table(slpeg.info(kept[1]), "T.C's pattern")
      assert.is_table(slpeg.info(kept[2].pred.lpeg), "T.match's pattern")
      assert.is_table(slpeg.info(kept[3]))
    end)

    it("a trusted file's patterns are LPeg's own, with no counting", function()
      local phases = assert(rules.load("return rule{ name = 'n', label = 'N', "
                                       .. "pattern = (lpeg.R'09'^1 * lpeg.P{ 'x', x = lpeg.P'a' })^0 }",
                                       { string = true, trusted = true }))
      assert.is_nil(slpeg.info(phases[1].rules[1].pattern))
      local untrusted = assert(load("return rule{ name = 'n', label = 'N', "
                                    .. "pattern = (lpeg.R'09'^1 * lpeg.P{ 'x', x = lpeg.P'a' })^0 }"))
      assert.is_nil(slpeg.info(untrusted[1].rules[1].pattern))   -- the entry is the host's
      assert.are_not.equal(phases[1].rules[1].pattern, untrusted[1].rules[1].pattern)
    end)
  end)

  describe("counting LPeg matches exactly as LPeg does", function()
    -- Patterns of every construct, built by the same source with the
    -- host's lpeg and in a sandbox (counting), matched over the same
    -- subjects there: the results, serialised, must be the same.
    local SOURCE = [==[
      local lpeg = ... or lpeg
      local P, R, S, V, C, Cc, Cp, Ct, Cs, Cg, Cf, Cmt, B, Carg =
        lpeg.P, lpeg.R, lpeg.S, lpeg.V, lpeg.C, lpeg.Cc, lpeg.Cp, lpeg.Ct, lpeg.Cs, lpeg.Cg,
        lpeg.Cf, lpeg.Cmt, lpeg.B, lpeg.Carg
      local digit, alpha, sp = R"09", R("az", "AZ"), S" \t"^0
      local num = C(digit^1) / tonumber
      local pats = {
        P"abc", P(3), P(-1), P(true), P(false), S"xyz"^1, R"az"^-2 * P"b",
        (P"a" + "b")^0 * "c", P"a"^1 - "aaa", -P"x" * 1, #P"ab" * C(1), (1 - S"()")^1,
        alpha^1 * (P"_" + alpha + digit)^0, C(alpha^1) * (sp * "," * sp * C(alpha^1))^0,
        Ct((C(alpha^1) + 1)^0), Cs((P"a" / "A" + 1)^0), Cs((C(1) / "<%1>")^0),
        Cs((C(alpha) * C(digit) / "%2%1%0" + 1)^0), Ct(Cg(alpha^1, "k") * "=" * Cg(num, "v")),
        Cf(Cc(0) * (num * (sp * ",")^-1 * sp)^0, function(a, b) return a + b end),
        Ct((Cp() * alpha^1 * Cp() + 1)^0), Cc(1, 2, 3) * Cc() * P"a", C(P"a"^0) / 1,
        (C(1) / { a = "A", b = false })^0, Ct(Carg(1) * Carg(2) * C(1)),
        Cmt(alpha^1, function(_, i, w) return i, #w end), Cmt(P(1)^0, function() return false end),
        Cmt(C(1) * C(1), function(_, i, a, b) return a < b and i end) ^ 1,
        (P(function(s, i) if s:sub(i, i) == "a" then return i + 1 end end) * 1)^0 * Cp(),
        P{ "S", S = "(" * V"S"^0 * ")" + (1 - S"()") },
        P{ "E", E = V"T" * (C(S"+-") * V"T")^0, T = V"F" * (C(S"*/") * V"F")^0,
           F = num + "(" * V"E" * ")" },
        Ct(P{ "L", L = C(alpha) * (V"L" + P(true)) })^-1,
        P{ "A", A = P"a" * V"B" + "x", B = P"b" * V"A" + "y" } * -1,
        P{ "S", S = "a" * V"S" * "b" + "a" * V"S" * "c" + "" } * Cp(),
        (-(P(1)^0 * "z") * 1)^0 * Cp(), (#(P"a"^1 * "b") * 1 + 2)^0 * Cp(),
        (-(C(1) * (P"x" + Cmt(P(true), function() return true end))) * 1)^0 * Cp(),
        Ct((#C(1) * -(Cg(C(1), "g") * "z") * C(1))^0), Ct((C(P"a"^1) + -P"a" * 1)^0),
        ((P"a" * B"a") / "Y" + 1)^0 * Cp(), (1 * B(S"ab") * C(1))^1,
        Cs(((-P"." * 1)^1 / function(w) return "[" .. w .. "]" end + 1)^0),
        (C(1) * Cmt(Cp(), function(_, i) return i end))^1, C(P"ab"^-2 * "c"),
        Cg(C(1) * C(1)) / "%2%1", (digit^3)^-1 * Cp(), (alpha^-3 * digit)^1 * Cp(),
        ((C(digit^1) + C(alpha^1)) * (P"," + -1))^1, S""^0 * P(-1),
        Ct((Ct(C(alpha^1) * (sp * "=" * sp * C(digit^1))^-1) * sp * P";"^-1 * sp)^0),
      }
      local subjects = { "", "abc", "(a(b)c)", "1+2*(3-4)", "aaab", "x=1, y=22", "a1b2c3",
                         "aaaabacab", "hello world. bye", "ab.cd;e=5;f", "zz(()" }
      local function ser(v, seen)
        local t = type(v)
        if t == "table" then
          if seen[v] then return "<cycle>" end
          seen[v] = true
          local keys = {}
          for k in pairs(v) do keys[#keys + 1] = k end
          table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
          local out = {}
          for _, k in ipairs(keys) do out[#out + 1] = tostring(k) .. "=" .. ser(v[k], seen) end
          return "{" .. table.concat(out, ",") .. "}"
        elseif t == "string" then return string.format("%q", v)
        elseif t == "function" then return "function"
        end
        return tostring(v)
      end
      local function pack(ok, ...)
        if not ok then return "error " .. tostring((...)):gsub("^.-:%d+: ", "") end
        local out = {}
        for i = 1, select("#", ...) do out[i] = ser((select(i, ...)), {}) end
        return table.concat(out, " ")
      end
      local results = {}
      for i, p in ipairs(pats) do
        for j, s in ipairs(subjects) do
          results[#results + 1] = i .. "/" .. j .. ": "
            .. pack(pcall(lpeg.match, p, s, 1, "arg1", "arg2"))
        end
      end
      return results
    ]==]

    local function host_results()
      local chunk = assert((rawget(_G, "loadstring") or rawget(_G, "load"))(SOURCE, "=equivalence"))
      return chunk(lpeg)
    end

    it("for a few dozen patterns of every construct, on every runtime", function()
      local want = host_results()
      local got, env = sandbox.run(SOURCE, "@equivalence.lua", nil,
                                   { instructions = 1e8, memory = 64 * MiB })
      assert.is_table(env, got)
      assert.equal(#want, #got)
      local distinct, matched = {}, 0
      for i = 1, #want do
        assert.equal(want[i], got[i])
        distinct[want[i]:gsub("^%d+/%d+: ", "")] = true
        if not want[i]:find(": nil$") and not want[i]:find(": error") then matched = matched + 1 end
      end
      -- the comparison means something: many different results, most of
      -- them matches
      local n = 0
      for _ in pairs(distinct) do n = n + 1 end
      assert.is_true(n > 100, n .. " distinct results")
      assert.is_true(matched > #want / 2, matched .. " matches of " .. #want)
      -- and it would see a difference
      local other = SOURCE:gsub('P"abc", P%(3%)', 'P"abd", P(3)')
      local changed = assert(sandbox.run(other, "@equivalence.lua", nil, { instructions = 1e8 }))
      assert.are_not.same(want, changed)
    end)

    it("text rules give the same spans, counted or not", function()
      local src = [[
        local digit, alpha = lpeg.R"09", lpeg.R("az", "AZ")
        local num = digit^1 * ("." * digit^1)^-1
        return phase{ name = "p", rules = {
          rule{ name = "n", label = "NUM", pattern = lpeg.S"+-"^-1 * num * (lpeg.P"%" + "")},
          rule{ name = "q", label = "Q", pattern = '"' * T.C("in", (1 - lpeg.S'"\n')^1) * '"' },
          rule{ name = "w", label = "W", pattern = lpeg.P{ "W", W = alpha * (lpeg.V"W" + "") }
                                                  * #-alpha * lpeg.B"s" },
          rule{ name = "h", label = "H", pattern = "@" * (alpha + digit + "_")^1,
                attrs = function(m) return { n = #m:text() } end },
        } }]]
      local text = 'Ada paid 12.5 and said "it rose 5.2% to 1,300" @ada_1 runs; Bo walks -3%. '
                   .. ("x"):rep(3)
      local function spans(phases)
        local doc = glean.pipeline{ phases = phases }:run(text)
        local out = {}
        for _, sp in ipairs(doc:spans()) do
          out[#out + 1] = sp.label .. "[" .. sp.text .. "]" .. tostring(sp.attrs.n)
        end
        return out
      end
      local counted = spans(assert(load(src)))
      local plain = spans(assert(rules.load(src, { string = true, trusted = true })))
      assert.same(plain, counted)
      assert.is_true(#plain >= 6, table.concat(plain, " "))
    end)
  end)

  it("leaves the host usable after all of the above", function()
    local phases = assert(load("return rule{ name = 'ok', label = 'OK', pattern = T.title^1 }"))
    assert.is_true(#glean.pipeline{ phases = phases }:run(TEXT):spans("OK") >= 2)
    if jit then assert.is_truthy(jit.status() ~= nil) end
  end)
end)
