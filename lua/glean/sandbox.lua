--- Sandbox for rule files: runs a Lua script with a small, safe set of
-- functions and the rule vocabulary in scope, under an instruction budget
-- and a memory budget (`core.sandbox_call`).
--
-- In scope: `assert error ipairs next pairs pcall xpcall select tonumber
-- tostring type unpack rawequal rawget rawset rawlen setmetatable
-- getmetatable`, copies of `string` (no `dump`; `rep` refuses results over
-- the memory limit), `table`, `math` (no `randomseed`), `utf8` (Lua 5.3+)
-- and `lpeg` (the counting LPeg of `glean.sandbox_lpeg`: no `setmaxstack`,
-- `ptree`, `pcode`, `Cb`), `include`, `_G` (the environment itself),
-- and the vocabulary. Not in scope: `io os require load loadstring loadfile
-- dofile debug package collectgarbage coroutine print getfenv setfenv`.
-- `pcall` and `xpcall` let limit errors through; `getmetatable` answers nil
-- for anything but a table (the string metatable is out of reach);
-- `setmetatable` refuses `__gc` (a finaliser would run later, unbounded).
--
-- While a script runs, the string metatable's `__index` is a private copy
-- of the sandbox's `string`, so that `("x"):rep(n)` and `("").dump` obey
-- the same rules, and LPeg patterns' `__index` is a copy of that `lpeg`;
-- both are put back on every path. LPeg's operators and the functions of
-- the `lpeg` module are the counting ones too (`glean.sandbox_lpeg`): the
-- patterns the script builds count their matching work against an LPeg
-- budget of as many steps as the instruction limit (a spent budget stops
-- the script like the instruction limit, with "too much matching work"),
-- unless `plain_lpeg` is set. Vocabulary functions
-- called by the script see these copies too: during a load they should
-- not rely on `string.dump`, and `("x"):rep(n)` is bounded for them too.
--
-- The limits cover the whole load (compiling, running, includes). Values
-- the script leaves behind (functions, metatables) run without limits when
-- the caller uses them later; the vocabulary's tables are shared, not
-- copied, so the caller should hand out fresh or read-only ones. Time
-- spent inside C functions is not counted (memory is), except LPeg's.
--
-- LuaJIT: compiled code does not run hooks. Every chunk loaded here has
-- the JIT turned off (`jit.off(chunk, true)`, which also keeps the
-- script's functions interpreted when called later), and the JIT is off
-- as a whole while a load runs, so vocabulary functions are counted too,
-- unless they already have compiled traces (a loop that was hot before
-- the load): keep such loops bounded, or `jit.off` those functions.
--
-- @module glean.sandbox
-- @usage
-- local sandbox = require "glean.sandbox"
-- local value, env = sandbox.run("x = rule('a') return 42", "@rules/a.lua",
--                                { rule = function(s) return s:upper() end })
-- print(value, env.x)   --> 42  A

local core = require "glean.core"
local lpeg = require "lpeg"
local slpeg = require "glean.sandbox_lpeg"

local ipairs = ipairs
local type, pairs, pcall, xpcall, error, select, setmetatable, getmetatable, rawget, load =
      type, pairs, pcall, xpcall, error, select, setmetatable, getmetatable, rawget, load
local tostring, tonumber = tostring, tonumber
local loadstring, setfenv = rawget(_G, "loadstring"), rawget(_G, "setfenv")
local string, table, math, utf8 = string, table, math, rawget(_G, "utf8")
local find, format, byte, sub, rep = string.find, string.format, string.byte, string.sub,
                                     string.rep
local match = string.match
local concat = table.concat
local unpack = table.unpack or rawget(_G, "unpack")
local floor = math.floor
local jit = rawget(_G, "jit")
local jit_off = jit and jit.off

-- Host-side helpers run inside the budget too: keep them interpreted, so
-- that the count hook fires (LuaJIT).
if jit_off then jit_off(true, true) end

local M = {}

--- Default instruction budget of a load (VM instructions).
-- @usage sandbox.INSTRUCTIONS = 1e8   -- for one big rule set
M.INSTRUCTIONS = 10000000
--- Default memory budget of a load (bytes allocated, net).
-- @usage print(sandbox.MEMORY)
M.MEMORY = 64 * 1024 * 1024
--- Includes may nest this deep.
-- @usage print(sandbox.MAX_INCLUDE_DEPTH)
M.MAX_INCLUDE_DEPTH = 16

local STOPPED = "rule file stopped: "

-- Does load take a mode and an environment (5.2+, LuaJIT)?
local LOAD_ENV = (function()
  local ok, f = pcall(load, "return x", "=t", "t", { x = true })
  return ok and type(f) == "function" and f() == true
end)()

-- Does string.rep take a separator (5.2+)?
local REP_SEP = rep("a", 2, "-") == "a-a"

-- Does xpcall pass extra arguments (5.2+, LuaJIT)?
local XPCALL_ARGS = select(2, xpcall(function(a) return a end, error, true)) == true

local BASE = {
  "assert", "error", "ipairs", "next", "pairs", "select", "tonumber", "tostring", "type",
  "rawequal", "rawget", "rawset", "rawlen",
}
local STRING = {
  "byte", "char", "find", "format", "gmatch", "gsub", "len", "lower", "match", "reverse",
  "sub", "upper", "pack", "packsize", "unpack",
}
local TABLE = { "concat", "insert", "remove", "sort", "pack", "unpack", "maxn" }

local function pick(from, names, into)
  into = into or {}
  for _, k in pairs(names) do into[k] = from[k] end
  return into
end

local function copy(t, except)
  local c = {}
  for k, v in pairs(t) do
    if k ~= except then c[k] = v end
  end
  return c
end

local base = pick(_G, BASE)   -- as they are now, whatever the host does later

-- The private string table of each environment made by run, for guard.
local strings_of = setmetatable({}, { __mode = "k" })
-- The load's state (ctx) of each environment, for guard and matcher.
local ctx_of = setmetatable({}, { __mode = "k" })
-- The environments with plain LPeg (opts.plain_lpeg).
local plain_of = setmetatable({}, { __mode = "k" })
-- The copies of the host tables it protects (opts.protect), for guard.
local protected_of = setmetatable({}, { __mode = "k" })

-- Shared metatables whose __index leads to a real library table: strings'
-- (to `string`) and LPeg patterns' (to `lpeg`, with `setmaxstack`). During
-- a load their __index is a private copy (for patterns, of the counting
-- LPeg).
local metaof = rawget(_G, "debug") and debug.getmetatable or getmetatable
local string_meta = metaof("")
local lpeg_meta = metaof(lpeg.P(true))
local lpeg_methods = copy(slpeg.lib)
local plain_methods = copy(lpeg, "setmaxstack")   -- for opts.plain_lpeg

-- How Lua shows a chunk name in messages (close to luaO_chunkid).
local function display(chunkname)
  local c = sub(chunkname, 1, 1)
  if c == "@" or c == "=" then return sub(chunkname, 2) end
  local line = sub(chunkname, 1, (find(chunkname, "[\r\n]") or 0) - 1)
  if #line > 40 or #line < #chunkname then line = sub(line, 1, 40) .. "..." end
  return '[string "' .. line .. '"]'
end

local function compile(source, chunkname, env)
  local chunk, err
  if LOAD_ENV then
    chunk, err = load(source, chunkname, "t", env)
  else
    chunk, err = loadstring(source, chunkname)
    if chunk then setfenv(chunk, env) end
  end
  if chunk and jit_off then jit_off(chunk, true) end
  return chunk, err
end

-- What a spent LPeg budget does to the load's state: stopped stays
-- stopped, even if the script catches the error.
local function stopper(ctx)
  return function(b)
    ctx.stopped, ctx.message = "instructions", b.message
  end
end

-- Is e an error that must not be caught inside the sandbox?
local function stopping(ctx, e)
  return ctx.stopped ~= nil or e == "not enough memory"
    or (type(e) == "string" and find(e, STOPPED, 1, true) ~= nil)
end

-- The per-load functions: they close over the load's state (ctx).
local function make_pcall(ctx)
  local function pass(ok, ...)
    if not ok and stopping(ctx, (...)) then error((...), 0) end
    return ok, ...
  end
  local function spcall(f, ...)
    return pass(pcall(f, ...))
  end
  local function sxpcall(f, handler, ...)
    local function h(e)
      if stopping(ctx, e) then return e end
      return handler(e)
    end
    if XPCALL_ARGS then return pass(xpcall(f, h, ...)) end
    local n, args = select("#", ...), { ... }
    return pass(xpcall(function() return f(unpack(args, 1, n)) end, h))
  end
  return spcall, sxpcall
end

local function argerror(i, fname, msg)
  error(format("bad argument #%d to '%s' (%s)", i, fname, msg), 3)
end

local function stringlike(v)
  return type(v) == "string" or type(v) == "number"
end

-- string.rep, refusing a result over the memory limit before making it
-- (and with a separator on Lua 5.1 too).
-- The message has no line: like the other memory stops, it is about the load.
local function make_rep(ctx)
  return function(s, n, sep)
    if not stringlike(s) then argerror(1, "rep", "string expected, got " .. type(s)) end
    n = tonumber(n)
    if not n or n ~= floor(n) then argerror(2, "rep", "integer expected") end
    if sep ~= nil and not stringlike(sep) then
      argerror(3, "rep", "string expected, got " .. type(sep))
    end
    local lsep = sep == nil and 0 or #tostring(sep)
    local unit = #tostring(s) + lsep
    if n < 1 or unit == 0 then return "" end    -- Lua would loop n times for ""
    local size = n * unit - lsep
    if size > ctx.memory then
      ctx.stopped = "memory"
      ctx.message = format("%smore than %.0f bytes of memory (string.rep of %.0f bytes)",
                           STOPPED, ctx.memory, size)
      error(ctx.message, 0)
    end
    local r
    if lsep > 0 and not REP_SEP then
      r = rep(s .. sep, n - 1) .. s
    else
      r = rep(s, n, sep)
    end
    return r
  end
end

-- getmetatable answers only for metatables the script set itself (or a
-- __metatable field): the host's (patterns', rules') stay out of reach.
local function make_metatable_functions()
  local own = setmetatable({}, { __mode = "k" })
  local function safe_getmetatable(v)
    if type(v) ~= "table" then return nil end
    local mt = getmetatable(v)
    if mt == nil or own[mt] then return mt end
    local real = metaof(v)
    if real ~= nil and rawget(real, "__metatable") ~= nil then return mt end
    return nil
  end
  local function safe_setmetatable(t, mt)
    if type(t) ~= "table" then argerror(1, "setmetatable", "table expected, got " .. type(t)) end
    if mt ~= nil and type(mt) ~= "table" then
      argerror(2, "setmetatable", "nil or table expected")
    end
    if mt ~= nil and rawget(mt, "__gc") ~= nil then
      argerror(2, "setmetatable", "__gc is not allowed in rule files")
    end
    local r = setmetatable(t, mt)
    if mt ~= nil then own[mt] = true end
    return r
  end
  return safe_getmetatable, safe_setmetatable
end

local function make_include(ctx, env)
  return function(name)
    if type(name) ~= "string" then
      error("bad argument #1 to 'include' (string expected, got " .. type(name) .. ")", 2)
    end
    if not ctx.resolve then error("include is not available here", 2) end
    local source, chunkname = ctx.resolve(name)
    if type(source) ~= "string" then
      error(format("cannot include '%s': %s", name, tostring(chunkname or "not found")), 2)
    end
    chunkname = chunkname or ("=" .. name)
    if ctx.active[chunkname] then
      local cycle = {}
      for i = 1, #ctx.chain do cycle[i] = display(ctx.chain[i]) end
      cycle[#cycle + 1] = display(chunkname)
      error("include cycle: " .. concat(cycle, " -> "), 2)
    end
    if #ctx.chain > M.MAX_INCLUDE_DEPTH then
      error(format("cannot include '%s': includes nested more than %d deep", name,
                   M.MAX_INCLUDE_DEPTH), 2)
    end
    if byte(source, 1) == 27 then
      error(format("cannot include '%s': binary chunks are not allowed", name), 2)
    end
    ctx.displays[display(chunkname)] = true
    local chunk, err = compile(source, chunkname, env)
    if not chunk then error(err, 0) end
    ctx.active[chunkname] = true
    ctx.chain[#ctx.chain + 1] = chunkname
    local ok, value = pcall(chunk)
    ctx.active[chunkname] = nil
    ctx.chain[#ctx.chain] = nil
    if not ok then
      if type(value) ~= "string" and type(value) ~= "number" then
        local mt = getmetatable(value)
        value = (type(mt) == "table" and rawget(mt, "__tostring")) and tostring(value)
          or display(chunkname) .. ": error object is a " .. type(value) .. " value"
      end
      error(value, 0)
    end
    return value
  end
end

-- Host tables a script may reach through the vocabulary (a module table,
-- a metatable whose __index is itself) are copied before a load and put
-- back as they were after it and after every guarded call: what a script
-- adds, changes or removes there (a method, a field of a shared constant, a
-- metatable) lasts no longer than its own run. The copy follows table keys
-- and values, not metatables (their tables are protected when listed too).

local function snapshot(roots)
  local snap, todo = {}, {}
  for i = 1, #roots do todo[i] = roots[i] end
  while #todo > 0 do
    local t = todo[#todo]
    todo[#todo] = nil
    if snap[t] == nil then
      local c, n = {}, 0
      for k, v in next, t do
        c[k] = v
        n = n + 1
        if type(k) == "table" and snap[k] == nil then todo[#todo + 1] = k end
        if type(v) == "table" and snap[v] == nil then todo[#todo + 1] = v end
      end
      snap[t] = { fields = c, count = n, meta = metaof(t) or false }
    end
  end
  return snap
end

-- Puts every protected table's fields (changed, removed or added) and
-- metatable back as saved, in C (core.sandbox_restore): it runs when an
-- untrusted file's phases end, once per document or more.
local restore = core.sandbox_restore

-- A fresh environment for one load, and the string table for the string
-- metatable during the load.
local function environment(ctx, vocab, plain)
  local env = copy(base)
  env.unpack = unpack
  env.pcall, env.xpcall = make_pcall(ctx)
  env.getmetatable, env.setmetatable = make_metatable_functions()
  local str = pick(string, STRING)
  str.rep = make_rep(ctx)
  env.string = str
  env.table = pick(table, TABLE)
  env.table.unpack = unpack
  env.math = copy(math, "randomseed")
  if utf8 then env.utf8 = copy(utf8) end
  env.lpeg = plain and copy(lpeg, "setmaxstack") or copy(slpeg.lib)
  env.include = make_include(ctx, env)
  env._G = env
  if vocab then
    for k, v in pairs(vocab) do env[k] = v end
  end
  return env, copy(str)   -- the script may change env.string, not this one
end

local OPTIONS = { instructions = "number", memory = "number", include = "function",
                  name = "string", protect = "table", plain_lpeg = "boolean" }

--- Runs a rule file's source in a fresh sandboxed environment.
-- The chunk name follows `load`: `"@rules/news.lua"` makes messages read
-- `rules/news.lua:12: ...`; when nil, `opts.name` is used, or else Lua's
-- `[string "..."]`. Messages of errors raised in the script (syntax and
-- runtime, `error("x")` included) carry the file and line; a table error
-- value becomes "file:line: error object is a table value".
--
-- Options: `instructions` (default `sandbox.INSTRUCTIONS`, 10 million) and
-- `memory` (bytes, default `sandbox.MEMORY`, 64 MiB) bound the whole load;
-- `include` = `function(name)` returning `source, chunkname` or `nil,
-- message` resolves the names given to `include` in the script (only what
-- it returns can be included; without it `include` raises); `name`
-- names a string source; `protect` is an array of host tables the script
-- can reach through the vocabulary (module tables, shared metatables and
-- constants): they, and every table reachable from their keys and values,
-- are put back as they were before the load when it ends and after each
-- call through `guard`, whatever the script changed in them;
-- `plain_lpeg = true` gives the script plain LPeg (for a trusted file: its
-- patterns do not count their work, and cost nothing more).
--
-- `include(name)` in the script runs that file in the same environment
-- and under the same budget, and returns its first value; cycles and
-- nesting deeper than `sandbox.MAX_INCLUDE_DEPTH` are errors.
-- @tparam string source Lua source text (binary chunks are refused)
-- @tparam[opt] string chunkname as for `load`
-- @tparam[opt] table vocab names to put in scope (copied into the environment)
-- @tparam[opt] table opts `instructions`, `memory`, `include`, `name`, `protect`,
-- `plain_lpeg`
-- @return on success, the chunk's first return value (possibly nil) and
-- the environment table; on failure, nil, a message (a string), and, when a
-- limit stopped the script, the limit's name (`"instructions"` or
-- `"memory"`; the message then contains "rule file stopped: "). Tell
-- them apart by the second value: a table on success, a string on failure.
-- @usage
-- local value, env = sandbox.run(src, "@rules/news.lua", vocab, { memory = 16 * 2^20 })
-- if type(env) ~= "table" then return nil, env end
function M.run(source, chunkname, vocab, opts)
  if type(source) ~= "string" then
    error("bad argument #1 to 'run' (string expected, got " .. type(source) .. ")", 2)
  end
  if chunkname ~= nil and type(chunkname) ~= "string" then
    error("bad argument #2 to 'run' (string expected, got " .. type(chunkname) .. ")", 2)
  end
  if vocab ~= nil and type(vocab) ~= "table" then
    error("bad argument #3 to 'run' (table expected, got " .. type(vocab) .. ")", 2)
  end
  opts = opts or {}
  for k, v in pairs(opts) do
    if OPTIONS[k] == nil then
      error("bad argument #4 to 'run' (unknown option '" .. tostring(k) .. "')", 2)
    elseif type(v) ~= OPTIONS[k] or (OPTIONS[k] == "number" and (v ~= v or v < 1)) then
      error("bad argument #4 to 'run' (bad option '" .. k .. "')", 2)
    end
  end
  chunkname = chunkname or (opts.name and "=" .. opts.name) or source
  local where = display(chunkname)
  if byte(source, 1) == 27 then return nil, where .. ": binary chunks are not allowed" end

  local limits = { instructions = opts.instructions or M.INSTRUCTIONS,
                   memory = opts.memory or M.MEMORY }
  local ctx = { memory = limits.memory, resolve = opts.include, active = { [chunkname] = true },
                chain = { chunkname }, displays = { [where] = true } }
  local plain = opts.plain_lpeg == true
  local env, str = environment(ctx, vocab, plain)
  strings_of[env] = str
  ctx_of[env] = ctx
  plain_of[env] = plain or nil
  local methods = plain and plain_methods or lpeg_methods
  ctx.where = where
  local roots = { lpeg_methods, plain_methods }   -- shared by every load: always put back
  for _, t in ipairs(opts.protect or {}) do roots[#roots + 1] = t end
  local snap = snapshot(roots)
  protected_of[env] = snap
  local function body()
    local chunk, err = compile(source, chunkname, env)
    if not chunk then error(err, 0) end
    return (chunk())
  end

  local saved_string, saved_lpeg = string_meta.__index, lpeg_meta.__index
  local jit_was_on = jit_off and jit.status()
  local budget = not plain and slpeg.budget(limits.instructions, where, stopper(ctx))
  string_meta.__index, lpeg_meta.__index = str, methods
  local sc, sl, sw
  if budget then sc, sl, sw = slpeg.enter(budget, true) end
  if jit_was_on then jit_off() end     -- no new traces, so vocabulary loops are counted
  local called, ok, value, kind = pcall(core.sandbox_call, limits, body)
  if jit_was_on then jit.on() end
  if budget then slpeg.leave(sc, sl, sw) end
  string_meta.__index, lpeg_meta.__index = saved_string, saved_lpeg
  restore(snap)

  if not called then return nil, where .. ": " .. tostring(ok) end
  if ok and not ctx.stopped then return value, env end
  if ok or not kind and ctx.stopped then    -- stopped stays stopped, even if caught
    value, kind = ctx.message, ctx.stopped
  end
  value = tostring(value)
  if sub(value, 1, #STOPPED) == STOPPED then value = where .. ": " .. value end
  -- an error located in the sandbox's own helpers (pcall, include; a tail
  -- call) is about the rule file: name it instead
  local src, rest = match(value, "^(.-):%d+: (.*)$")
  if src and not ctx.displays[src] and find(src, "glean[/\\]sandbox%.lua$") then
    value = where .. ": " .. rest
  end
  return nil, value, kind
end

-- The end of a guarded call (see guard, matcher): the LPeg window left,
-- the string and LPeg metatables' methods and the protected tables put
-- back, and the call's error raised (its LPeg budget's stop first).
local function finisher(plain, snap, budget)
  return function(saved_string, saved_lpeg, sc, sl, sw, called, ok, ...)
    if not plain then slpeg.leave(sc, sl, sw) end
    string_meta.__index, lpeg_meta.__index = saved_string, saved_lpeg
    if snap then restore(snap) end
    if not called then error(ok, 0) end
    if not ok then error(budget.message or (...), 0) end
    return ...
  end
end

--- Default instruction budget of one call through `guard`.
-- @usage print(sandbox.CALL_INSTRUCTIONS)
M.CALL_INSTRUCTIONS = 1000000
--- Default memory budget of one call through `guard` (bytes, net).
-- @usage print(sandbox.CALL_MEMORY)
M.CALL_MEMORY = 64 * 1024 * 1024

--- Puts the host tables a script's run protects (`run`'s `protect`) back
-- as they were: for the caller of functions guarded with `restore = false`,
-- after a batch of calls.
-- @tparam table env the environment `run` returned
-- @usage sandbox.restore(env)
function M.restore(env)
  local snap = protected_of[env]
  if snap then restore(snap) end
end

-- Where the per-byte LPeg steps of a call come from: opts.pool, a table
-- `{ left = steps }` or a function of the call's arguments returning one
-- (or nil: none).
local function pool_for(pool, ...)
  if type(pool) == "function" then return pool(...) end
  return pool
end

--- Wraps a function a script left behind (a rule's action, say) so that
-- each call runs under limits, with the script's string table behind
-- strings' methods and its counting LPeg, as during the load. The LPeg
-- budget of a call is its instruction limit; once spent, it draws on
-- `opts.pool`: a table `{ left = steps }`, or a function of the call's
-- arguments returning one (or nil), which the host fills with
-- `sandbox_lpeg.PER_BYTE` steps per byte of the document the calls work
-- on, so that the calls over one document share them. Errors, and a limit
-- stopping the call, are raised to the caller. After each call the
-- protected host tables are put back, unless `opts.restore` is false (then
-- the caller calls `sandbox.restore`, once for many calls).
-- @tparam table env the environment `run` returned
-- @tparam function fn
-- @tparam[opt] table opts `instructions`, `memory` (per call), `restore`, `pool`
-- @treturn function
-- @usage rule.action = sandbox.guard(env, rule.action, { instructions = 1e5 })
function M.guard(env, fn, opts)
  local str = strings_of[env]
  if not str then error("bad argument #1 to 'guard' (not an environment made by run)", 2) end
  if type(fn) ~= "function" then
    error("bad argument #2 to 'guard' (function expected, got " .. type(fn) .. ")", 2)
  end
  opts = opts or {}
  local ctx = ctx_of[env]
  local limits = { instructions = opts.instructions or M.CALL_INSTRUCTIONS,
                   memory = opts.memory or M.CALL_MEMORY }
  local plain = plain_of[env]
  local methods = plain and plain_methods or lpeg_methods
  local budget = slpeg.budget(limits.instructions, ctx.where, stopper(ctx))
  local pool = opts.pool
  -- opts.restore = false leaves putting the protected tables back to the
  -- caller (sandbox.restore), after a batch of calls
  local snap = opts.restore ~= false and protected_of[env] or nil
  local finish = finisher(plain, snap, budget)
  return function(...)
    local saved_string, saved_lpeg = string_meta.__index, lpeg_meta.__index
    string_meta.__index, lpeg_meta.__index = str, methods
    ctx.stopped, ctx.message = nil, nil
    local sc, sl, sw
    if not plain then
      slpeg.reset(budget, limits.instructions)
      local from = pool and pool_for(pool, ...)
      if from then slpeg.draw(budget, from) end
      sc, sl, sw = slpeg.enter(budget)
    end
    return finish(saved_string, saved_lpeg, sc, sl, sw,
                  pcall(core.sandbox_call, limits, fn, ...))
  end
end

--- Instructions a host may allow a scan of a document per byte of it
-- (`matcher`'s `instructions_per_byte`): the counting patterns' ticks are
-- Lua calls, which the count hook counts too.
-- @usage print(sandbox.SCAN_INSTRUCTIONS_PER_BYTE)
M.SCAN_INSTRUCTIONS_PER_BYTE = 200

--- A function `match(p, subject, init, ...)` running `lpeg.match(p,
-- subject, init)` over a pattern the script built (through
-- `sandbox_lpeg.entry`, so that its top region counts too) under limits, as
-- `guard` does: for a host that matches a script's patterns itself (a
-- pipeline's text rules, `T.match`). The LPeg budget of a call is
-- `opts.instructions`; once spent, it draws on `opts.pool` (as for
-- `guard`, called with `subject, ...`), which the host fills with
-- `sandbox_lpeg.PER_BYTE` steps per byte of the document the calls work
-- on. `opts.instructions_per_byte` allows the call that many more
-- instructions per byte of the subject (a scan of a whole document: see
-- `SCAN_INSTRUCTIONS_PER_BYTE`). `opts.prepay(subject, ...)` gives the
-- steps a call pays before it matches (a scan with entries whose ticks it
-- prepays: `sandbox_lpeg.prepaid`).
-- @tparam table env the environment `run` returned
-- @tparam[opt] table opts `instructions`, `memory` (per call), `restore`,
-- `pool`, `instructions_per_byte`, `prepay`
-- @treturn function
-- @usage local pool = { left = slpeg.PER_BYTE * #text }
-- local m = sandbox.matcher(env, { instructions = 1e5, pool = pool })
-- local e = m(slpeg.entry(p), text, 1)
function M.matcher(env, opts)
  local str = strings_of[env]
  if not str then error("bad argument #1 to 'matcher' (not an environment made by run)", 2) end
  opts = opts or {}
  local ctx = ctx_of[env]
  local ins = opts.instructions or M.CALL_INSTRUCTIONS
  local limits = { instructions = ins, memory = opts.memory or M.CALL_MEMORY }
  local budget = slpeg.budget(ins, ctx.where, stopper(ctx))
  local snap = opts.restore ~= false and protected_of[env] or nil
  local pool, per_byte, prepay = opts.pool, opts.instructions_per_byte or 0, opts.prepay
  local real_match = slpeg.real_match
  local plain = plain_of[env]
  local methods = plain and plain_methods or lpeg_methods
  local finish = finisher(plain, snap, budget)
  return function(p, subject, init, ...)
    local n = type(subject) == "string" and #subject or 0
    limits.instructions = ins + per_byte * n
    slpeg.reset(budget, ins)
    local from = pool and pool_for(pool, subject, ...)
    if from then slpeg.draw(budget, from) end
    if prepay then slpeg.prepay(budget, prepay(subject, ...)) end
    local saved_string, saved_lpeg = string_meta.__index, lpeg_meta.__index
    string_meta.__index, lpeg_meta.__index = str, methods
    ctx.stopped, ctx.message = nil, nil
    local sc, sl, sw
    if not plain then sc, sl, sw = slpeg.enter(budget) end
    return finish(saved_string, saved_lpeg, sc, sl, sw,
                  pcall(core.sandbox_call, limits, real_match, p, subject, init))
  end
end

return M
