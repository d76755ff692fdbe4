--- LPeg for untrusted rule files: patterns that count their own work.
-- LPeg matches in C, where the sandbox's instruction hook does not see
-- it: a pattern that backtracks (an exponential grammar, a predicate that
-- scans to the end of the subject inside a loop) could hang the host. The
-- patterns a sandboxed file builds through this module's functions and
-- operators carry the checks that bound that work:
--
-- - every grammar rule, and the body of every repetition `p^n` whose body
--   has captures, match-time functions or rule calls, starts with a
--   *tick*: `lpeg.Cmt(lpeg.P(true), f)`, where `f` takes the work that
--   region of the pattern may do before the next check (its size) from
--   the running budget and returns true (no capture, no input consumed);
-- - any other repetition (a body of literals, sets, predicates and
--   choices, maybe with repetitions of its own) is matched as
--   `lpeg.Cmt(lpeg.Cp() * loop, charge)`: `charge` takes what the loop
--   consumed times the size of its body; in both, the first iterations
--   (about 64 steps' worth) are matched before any check, and counted in
--   the region around the loop;
-- - the text rules of a pipeline and `T.match` patterns also start with a
--   tick (`entry`), after a test of their first byte; `lpeg.match` charges
--   the top region of the pattern it runs;
-- - building a pattern costs its size (LPeg copies its operands' trees),
--   and its first `match` its compile-cost estimate / 50.
--
-- Between two checks a match does work bounded by the size of the region
-- it runs, so a match stops once it has done about as much work as its
-- budget (in LPeg steps: about one VM instruction each). The budget of a
-- sandboxed call is its instruction limit, and it may draw on a pool its
-- host fills with `PER_BYTE` steps per byte of the document the call works
-- on, shared by all the calls over that document (`budget`, `draw`); a
-- tick that finds it spent raises "rule file stopped: too much matching
-- work".
--
-- The other C work of LPeg is bounded at construction: a pattern whose
-- compilation LPeg would take too long over (an estimate from its shape:
-- size, nesting, and for grammars how often the analyses of rules reached
-- without consuming input are repeated) is refused (`MAX_COST`); `lpeg.Cb`
-- is refused (each back capture searches and re-evaluates the capture list,
-- quadratic or worse), and so is a replacement string using one of `%0`
-- to `%9` twice (each use evaluates that capture again).
--
-- The operators are LPeg's one shared metatable's: `enter` puts the
-- counting versions in place for a sandboxed load or call (and the
-- counting functions in the `lpeg` module, for vocabulary code that
-- builds patterns), `leave` puts the real ones back. Trusted code outside
-- those windows sees plain LPeg. Patterns made elsewhere (by the host)
-- count as size 1 with captures.
--
-- `lpeg.B(p)` takes a pattern without captures and of fixed length, so
-- without repetitions: its work is bounded by its size, and nothing is
-- added inside it; a grammar inside `lpeg.B` (accepted by LPeg when of
-- fixed length) is refused, as its rules would start with ticks.
-- @module glean.sandbox_lpeg
-- @usage
-- local slpeg = require "glean.sandbox_lpeg"
-- local b = slpeg.budget(1e6)
-- local c, l, w = slpeg.enter(b)
-- local ok, err = pcall(function()
--   local lib = slpeg.lib
--   local S = lib.P{ "S", S = "a" * lib.V"S" * "b" + "a" * lib.V"S" * "c" + "" }
--   return lib.match(S, ("a"):rep(30))
-- end)
-- slpeg.leave(c, l, w)
-- print(ok, err)   --> false  rule file stopped: too much matching work (...)

local lpeg = require "lpeg"

local type, pairs, next, pcall, error, select, setmetatable, tostring, tonumber =
      type, pairs, next, pcall, error, select, setmetatable, tostring, tonumber
local floor, huge = math.floor, math.huge
local byte, char, find, format = string.byte, string.char, string.find,
                                      string.format
local concat = table.concat
local unpack = table.unpack or rawget(_G, "unpack")
local jit = rawget(_G, "jit")
local getinfo = rawget(_G, "debug") and debug.getinfo

-- Helpers run inside the sandbox's budget: keep them interpreted, so that
-- the count hook sees them (LuaJIT).
if jit and jit.off then jit.off(true, true) end

local M = {}

--- LPeg steps a host allows per byte of a document, for all the sandboxed
-- calls over it (on top of each call's instruction limit).
-- @usage slpeg.PER_BYTE = 2000
M.PER_BYTE = 1000
--- Largest compile-cost estimate of a pattern or grammar (LPeg compiled
-- at 0.04 to 0.43 ns per unit on the shapes we tried: 1e9 is at most about
-- 0.4 s).
-- @usage print(slpeg.MAX_COST)
M.MAX_COST = 1e9
--- Steps charged per text rule, twice for each byte of a document a
-- pipeline's scan goes over (the tests of the rules' first bytes, which no
-- tick counts; LPeg dispatches on them: far less in practice).
-- @usage print(slpeg.SCAN_PER_RULE)
M.SCAN_PER_RULE = 4
--- Steps charged for each tick or charge itself: the time of a call from
-- LPeg to Lua (about 100 ns), in LPeg steps (about 1 ns each).
-- @usage print(slpeg.CALL_COST)
M.CALL_COST = 100

local STOPPED = "rule file stopped: "

local real = {}
for k, v in pairs(lpeg) do real[k] = v end
local metaof = rawget(_G, "debug") and debug.getmetatable or getmetatable
local meta = metaof(lpeg.P(true))
local OPS = { "__mul", "__add", "__sub", "__unm", "__pow", "__len", "__div" }
local real_ops = {}
for _, k in ipairs(OPS) do real_ops[k] = meta[k] end
local rmul, radd, rpow, rlen, runm = real_ops.__mul, real_ops.__add, real_ops.__pow,
                                     real_ops.__len, real_ops.__unm
local rP, rCmt, rCp, rS, rtype = real.P, real.Cmt, real.Cp, real.S, real.type

-- Budgets -------------------------------------------------------------------

-- The budget of the running sandboxed call (or nil), and its steps left:
-- kept in an upvalue while it runs (the ticks' fast path), in its table
-- otherwise.
local current
local left = huge

-- Raises budget b's stop, "rule file stopped: too much matching work"
-- (its message made, and on_stop called, the first time).
local function stop(b)
  if not b.message then
    b.message = format("%s%stoo much matching work (more than %.0f LPeg steps)",
                       b.where and (b.where .. ": ") or "", STOPPED, b.total)
    if b.on_stop then b.on_stop(b) end
  end
  error(b.message, 0)
end

-- Raises the running budget's stop (after drawing on its pool, if any).
local function over()
  local b = current
  if not b then left = huge return end
  local pool = b.pool
  if pool and pool.left > 0 and left > -huge then
    local take = pool.left
    if take > 65536 - left then take = 65536 - left end   -- draw in chunks
    pool.left = pool.left - take
    left = left + take
    if left >= 0 then return end
  end
  left = -huge
  stop(b)
end

--- A budget of `limit` LPeg steps for one sandboxed call.
-- @tparam number limit steps (the call's instruction limit)
-- @tparam[opt] string where the rule file, for the message
-- @tparam[opt] function on_stop called with the budget once it is spent,
-- before the error is raised
-- @treturn table the budget (fields `left`, `total`, `message`)
-- @usage local b = slpeg.budget(1e6, "rules/a.lua")
function M.budget(limit, where, on_stop)
  return { left = limit, total = limit, where = where, on_stop = on_stop }
end

--- Starts a budget over, before a window: `limit` steps, no pool.
-- @tparam table b a budget
-- @tparam number limit
-- @usage slpeg.reset(b, 1e6)
function M.reset(b, limit)
  b.left, b.total, b.message, b.pool = limit, limit, nil, nil
  if b == current then left = limit end
end

--- Lets the budget draw, once its own steps are spent, on a pool shared by
-- several calls: the steps a host allows per byte of a document, for all
-- the calls over it (`PER_BYTE` each). Before a window.
-- @tparam table b a budget
-- @tparam table pool `{ left = steps }`
-- @usage slpeg.draw(b, { left = slpeg.PER_BYTE * #text })
function M.draw(b, pool)
  b.pool = pool
  b.total = b.total + pool.left
end

-- Ticks and charges, one closure per cost (kept while a pattern uses it).
local ticks = setmetatable({}, { __mode = "v" })
local charges = setmetatable({}, { __mode = "v" })

local function tick_of(k)
  k = floor(k) + M.CALL_COST
  local f = ticks[k]
  if not f then
    f = function()
      left = left - k
      if left < 0 then over() end
      return true
    end
    ticks[k] = f
  end
  return f
end

local function charge_of(k)
  k = floor(k)
  local f = charges[k]
  local c = M.CALL_COST
  if not f then
    f = function(_, i, start)
      left = left - c - (i - start) * k
      if left < 0 then over() end
      return true
    end
    charges[k] = f
  end
  return f
end

-- Pattern information --------------------------------------------------------

-- What the counting constructors know of each pattern they made: a shadow
-- of its tree (tag t, children a and b) with
--   s     its size in tree nodes (about), for the compile-cost estimate
--   r     the work of one run of its top region (not counted by ticks or
--         charges inside it), in steps
--   cc    the compile-cost estimate; chains of * or + keep ops (their
--         operands) and base (the operands' costs), as LPeg flattens them
--   lvl   nesting depth (chains of one operator count once)
--   nv    number of rule calls (lpeg.V) in it; cv: their share of the cost
--   simple: literals, sets and P(n), with * + - # and ^-k: no captures, no
--         loops, no calls, no functions
--   cf    no captures, match-time functions, calls or unknown patterns
--   g     has a grammar
local infos = setmetatable({}, { __mode = "k" })

local UNKNOWN = { t = "unk", s = 1, r = 1, cc = 1, cv = 0, lvl = 0, nv = 0, simple = false,
                  cf = false, g = false }

local function info_of(p)
  return infos[p] or UNKNOWN
end

local raise
local function about(n)
  return n < huge and format("about %.3g steps", n) or "too many steps"
end

local function too_complex(i)
  raise(format("pattern too complex for a rule file (compiling it would take %s of "
               .. "LPeg's analyses, more than %.3g)", about(i.cc), M.MAX_COST))
end

-- A node with children a (and b): cost of a non-chain node.
local function node(t, a, b, s, r)
  local lvl = a.lvl + 1
  local nv, cc, cv = a.nv, a.cc, a.cv
  if b then
    if b.lvl + 1 > lvl then lvl = b.lvl + 1 end
    nv, cc, cv = nv + b.nv, cc + b.cc, cv + b.cv
  end
  local i = { t = t, a = a, b = b, s = s, r = r, lvl = lvl, nv = nv,
              cc = cc + s * (1 + lvl), cv = cv + nv * (1 + lvl),
              simple = false, cf = a.cf and (not b or b.cf), g = a.g or (b and b.g) or false }
  if i.cc ~= i.cc or i.cc > M.MAX_COST then too_complex(i) end
  return i
end

-- A chain node (t is "seq" or "alt"): LPeg makes chains right-associative;
-- its analyses at each link then run over the rest of the chain.
local function chain(t, a, b)
  local ops, base, cvbase, lvl = 0, 0, 0, 0
  for n = 1, 2 do
    local c = n == 1 and a or b
    if c.t == t then
      ops, base, cvbase = ops + c.ops, base + c.base, cvbase + c.cvbase
      if c.lvl > lvl then lvl = c.lvl end
    else
      ops, base, cvbase = ops + 1, base + c.cc, cvbase + c.cv
      if c.lvl + 1 > lvl then lvl = c.lvl + 1 end
    end
  end
  local s, nv = a.s + b.s + 1, a.nv + b.nv
  local i = { t = t, a = a, b = b, s = s, r = a.r + b.r + 1, lvl = lvl, nv = nv,
              ops = ops, base = base, cvbase = cvbase,
              cc = base + ops * s * (1 + lvl), cv = cvbase + ops * nv * (1 + lvl),
              simple = a.simple and b.simple, cf = a.cf and b.cf, g = a.g or b.g }
  if i.cc ~= i.cc or i.cc > M.MAX_COST then too_complex(i) end
  return i
end

local function leaf(t, s, r, simple)
  return { t = t, s = s, r = r, cc = s, cv = 0, lvl = 0, nv = 0, simple = simple,
           cf = simple, g = false }
end

-- Building a pattern copies its operands' trees (C work): charged to the
-- running budget, its size in steps.
local function spend(n)
  left = left - n
  if left < 0 then over() end
end

local function register(p, i)
  if infos[p] == nil and rtype(p) == "pattern" then
    infos[p] = i
    spend(i.s)
  end
  return p
end

-- Errors -----------------------------------------------------------------------

-- Raises msg located at the first caller outside this module (the rule
-- file's line), as LPeg's own errors are.
function raise(msg)
  local level = 2
  while getinfo do
    local ar = getinfo(level, "S")
    if not ar or ar.what == "C" then break end
    if ar.what ~= "tail" and not find(ar.source, "sandbox_lpeg%.lua$") then
      error(msg, level)
    end
    level = level + 1
  end
  error(msg, 0)
end

-- Calls a real LPeg function; its errors are raised at the caller of the
-- counting function that called it (the rule file's line), not here.
local function relocate(ok, ...)
  if ok then return ... end
  local e = ...
  if type(e) == "string" and e ~= "not enough memory" and not find(e, STOPPED, 1, true) then
    raise((e:gsub("^[^\n]-sandbox_lpeg%.lua:%d+: ", "")))
  end
  error(e, 0)
end
local function call(f, ...)
  return relocate(pcall(f, ...))
end

-- Constructors ---------------------------------------------------------------

local lib = {}
local P_, grammar

-- The pattern of v and its information (v converted as lpeg.P would).
local function conv(v)
  if rtype(v) == "pattern" then return v, info_of(v) end
  local p = P_(v)
  return p, info_of(p)
end

local function literal(s)
  local n = #s
  local i = leaf("lit", n == 0 and 1 or 2 * n - 1, n == 0 and 1 or n, true)
  i.b1 = byte(s, 1)
  return i
end

P_ = function(v)
  local tv = type(v)
  if tv == "table" then return grammar(v) end
  local p = call(rP, v)
  if infos[p] then return p end
  local i
  if tv == "string" then i = literal(v)
  elseif tv == "number" then
    local n = floor(v)
    if n > 0 then i = leaf("any", 2 * n - 1, n, true)
    elseif n < 0 then i = leaf("pred", -2 * n, -n, true)
    else i = leaf("true", 1, 1, true) end
  elseif tv == "boolean" then i = leaf(v and "true" or "false", 1, 1, true)
  elseif tv == "function" then
    i = leaf("fn", 2, 2, false)
  else
    return p
  end
  return register(p, i)
end

local function set_info(chars)
  local i = leaf("set", 5, 1, true)
  i.chars = chars
  return i
end

--- The counting `lpeg` table: LPeg's functions (without `setmaxstack`,
-- `ptree` and `pcode`), with the constructors recording what they build and
-- adding ticks, and `match` charging a pattern's compilation.
-- @table lib
-- @usage env.lpeg = copy(slpeg.lib)
M.lib = lib

function lib.P(v) return P_(v) end

function lib.S(s)
  local p = call(rS, s)
  if infos[p] then return p end
  return register(p, set_info(tostring(s)))
end

function lib.R(...)
  local p = call(real.R, ...)
  if infos[p] then return p end
  local out = {}
  for n = 1, select("#", ...) do
    local r = select(n, ...)
    local lo, hi = byte(r, 1), byte(r, 2)
    if lo and hi then for c = lo, hi do out[#out + 1] = char(c) end end
  end
  return register(p, set_info(concat(out)))
end

function lib.V(v)
  local p = call(real.V, v)
  local i = leaf("V", 1, 2, false)
  i.cf, i.nv, i.cv, i.name = true, 1, 1, v
  return register(p, i)
end

function lib.locale(t)
  local r = call(real.locale, t)
  for _, p in pairs(r) do
    if rtype(p) == "pattern" then register(p, set_info(nil)) end
  end
  return r
end

-- Captures: c is the capture node's extra evaluation cost.
local function capture(f, name, v, c, ...)
  local p, i = conv(v)
  local r = call(f, p, ...)
  if infos[r] then return r end
  local n = node(name, i, nil, i.s + 1, i.r + 1 + (c or 0))
  n.cf = false
  return register(r, n)
end

function lib.C(v) return capture(real.C, "cap", v) end
function lib.Cs(v) return capture(real.Cs, "cap", v) end
function lib.Ct(v) return capture(real.Ct, "cap", v) end
function lib.Cg(v, name) return capture(real.Cg, "cap", v, 1, name) end
function lib.Cf(v, f) return capture(real.Cf, "cap", v, 1, f) end
function lib.Cmt(v, f) return capture(real.Cmt, "cmt", v, 1, f) end

function lib.Cc(...)
  local n = select("#", ...)
  local r = call(real.Cc, ...)
  if infos[r] then return r end
  local i = leaf("cc", 3 * n + 1, n + 1, false)
  return register(r, i)
end

function lib.Cp()
  return register(call(rCp), leaf("cc", 1, 1, false))
end

function lib.Carg(n)
  return register(call(real.Carg, n), leaf("cc", 1, 1, false))
end

function lib.Cb()
  raise("lpeg.Cb is not available in rule files (a back capture searches and evaluates "
        .. "the captures again, in time the sandbox cannot bound)")
end

function lib.B(v)
  local p, i = conv(v)
  if i.g then
    raise("bad argument #1 to 'B' (a grammar cannot be used inside lpeg.B in a rule file)")
  end
  local r = call(real.B, p)
  if infos[r] then return r end
  return register(r, node("and", i, nil, i.s + 1, i.r + 1))
end

-- LPeg's own errors from match (located in do_match) are raised at the
-- rule file's line; errors of its match-time functions pass as they are.
local rmatch = real.match
local function id(...) return ... end
local function do_match(p, s, ...) return id(rmatch(p, s, ...)) end
local function matched(ok, ...)
  if ok then return ... end
  local e = ...
  if type(e) == "string" then
    local rest = e:match("^[^\n]-sandbox_lpeg%.lua:%d+: (.*)$")
    if rest then raise(rest) end
  end
  error(e, 0)
end

-- Patterns matched before. LPeg compiles a pattern at its first match:
-- charged then, its compile-cost estimate / COMPILE_UNITS (LPeg compiles
-- at 0.04 to 0.4 ns per unit of the estimate, a step is about 1 ns).
local compiled = setmetatable({}, { __mode = "k" })
local COMPILE_UNITS = 50

function lib.match(p, s, ...)
  if rtype(p) ~= "pattern" then p = P_(p) end
  local i = info_of(p)
  if not compiled[p] then
    compiled[p] = true
    spend(i.cc / COMPILE_UNITS)
  end
  spend(i.r)                   -- its top region, which no tick counts
  return matched(pcall(do_match, p, s, ...))
end

lib.type, lib.version = real.type, real.version

-- Operators ----------------------------------------------------------------------

local ops = {}

function ops.__mul(a, b)
  local pa, ia = conv(a)
  local pb, ib = conv(b)
  local r = call(rmul, pa, pb)
  if infos[r] then return r end
  return register(r, chain("seq", ia, ib))
end

function ops.__add(a, b)
  local pa, ia = conv(a)
  local pb, ib = conv(b)
  local r = call(radd, pa, pb)
  if infos[r] then return r end
  return register(r, chain("alt", ia, ib))
end

function ops.__sub(a, b)
  local pa, ia = conv(a)
  local pb, ib = conv(b)
  local r = call(real_ops.__sub, pa, pb)
  if infos[r] then return r end
  local neg = node("not", ib, nil, ib.s + 1, ib.r + 1)
  neg.simple = ib.simple
  local n = chain("seq", neg, ia)
  n.t, n.a, n.b = "diff", ia, ib      -- for first sets: matches what a matches
  n.ops, n.base, n.cvbase = nil, nil, nil
  return register(r, n)
end

function ops.__unm(a)
  local pa, ia = conv(a)
  local r = call(runm, pa)
  if infos[r] then return r end
  local n = node("not", ia, nil, ia.s + 1, ia.r + 1)
  n.simple = ia.simple
  return register(r, n)
end

function ops.__len(a)
  local pa, ia = conv(a)
  local r = call(rlen, pa)
  if infos[r] then return r end
  local n = node("and", ia, nil, ia.s + 1, ia.r + 1)
  n.simple = ia.simple
  return register(r, n)
end

-- Each of %0 to %9 at most once in a replacement string.
local function check_format(fmt)
  local seen, i, n = {}, 1, #fmt
  while i <= n do
    if byte(fmt, i) == 37 then            -- %
      i = i + 1
      local d = byte(fmt, i)
      if d and d >= 48 and d <= 57 then
        if seen[d] then
          raise("bad argument #2 to '/' (in a rule file a replacement string uses each of "
                .. "%0 to %9 at most once: each use evaluates that capture again)")
        end
        seen[d] = true
      end
    end
    i = i + 1
  end
end

function ops.__div(a, x)
  local pa, ia = conv(a)
  local extra = 1
  if type(x) == "string" then
    check_format(x)
    extra = #x + 1
  end
  local r = call(real_ops.__div, pa, x)
  if infos[r] then return r end
  local n = node("cap", ia, nil, ia.s + 1, ia.r + extra)
  n.cf = false
  return register(r, n)
end

-- A repetition matches its first iterations (n, then up to FREE steps'
-- worth more) without a check: most loops end there (a word, a number),
-- and their work is counted in the region around them. Then each further
-- iteration is counted: by a charge of what the loop consumed when the
-- body has no captures, calls or functions (LPeg refuses bodies that may
-- consume nothing), else by a tick before each iteration. PEG repetition
-- is greedy and never gives back, so p^n matches as p (n times) p^-k p^0.
local FREE = 64

-- p * p * ... (n times), by doubling.
local function copies(p, n)
  local r, sq = nil, p
  while n > 0 do
    if n % 2 == 1 then r = r and rmul(r, sq) or sq end
    n = floor(n / 2)
    if n > 0 then sq = rmul(sq, sq) end
  end
  return r
end

function ops.__pow(a, n)
  local pa, ia = conv(a)
  local r0 = call(rpow, pa, n)          -- LPeg's own checks and errors
  n = floor(tonumber(n))
  local i
  if n < 0 then
    local k = -n
    i = node("opt", ia, nil, k * (ia.s + 3), k * ia.r + 1)
    i.cc = k * ia.cc + k * k * (ia.s + 3) + ia.s * (1 + i.lvl)
    i.lvl = ia.lvl + 2
    i.simple, i.k = ia.simple, k
    if i.cc ~= i.cc or i.cc > M.MAX_COST then too_complex(i) end
    return register(r0, i)
  end
  local k = floor(FREE / (ia.s > ia.r and ia.s or ia.r))
  local r, rest
  if ia.simple or ia.cf then
    rest = radd(rCmt(rmul(rCp(), rpow(pa, 1)), charge_of(ia.r)), true)
  else
    rest = rpow(rmul(rCmt(rP(true), tick_of(ia.r + 3)), pa), 0)
  end
  if n + k > 64 then k = 0 end
  r = rest
  if k > 0 then r = rmul(rpow(pa, -k), r) end
  if n > 0 then r = rmul(copies(pa, n), r) end
  i = node("rep", ia, nil, (n + k + 2) * (ia.s + 3) + 6, (n + k + 1) * ia.r + 4)
  i.cc = (n + k + 2) * ia.cc + i.s * (1 + i.lvl)
  if i.cc ~= i.cc or i.cc > M.MAX_COST then too_complex(i) end
  i.n = n
  spend(r0 == r and i.s or i.s + ia.s * (n + 1))
  infos[r] = i
  return r
end

-- Grammars --------------------------------------------------------------------------

local ALL = "all"

-- Nullability (as LPeg's analyses see it), rule calls resolved in rules.
local function nullable(i, rules, memo, busy)
  local m = memo[i]
  if m ~= nil then return m end
  local t, res = i.t, false
  if t == "lit" then res = i.b1 == nil
  elseif t == "true" or t == "pred" or t == "not" or t == "and" or t == "cc" or t == "fn"
      or t == "unk" or t == "opt" then res = true
  elseif t == "rep" then res = i.n == 0 or nullable(i.a, rules, memo, busy)
  elseif t == "seq" then
    res = nullable(i.a, rules, memo, busy) and nullable(i.b, rules, memo, busy)
  elseif t == "alt" then
    res = nullable(i.b, rules, memo, busy) or nullable(i.a, rules, memo, busy)
  elseif t == "diff" or t == "cap" or t == "cmt" then res = nullable(i.a, rules, memo, busy)
  elseif t == "gram" then res = i.nullable
  elseif t == "V" then
    local body = rules and rules[i.name]
    if body then
      if busy[i.name] then
        error(format("rule '%s' may be left recursive", tostring(i.name)), 0)
      end
      busy[i.name] = true
      res = nullable(body, rules, memo, busy)
      busy[i.name] = nil
    end
  end
  memo[i] = res
  return res
end

-- The rules called where no input was consumed yet: name -> how often.
local function leftcalls(i, rules, nmemo, memo)
  local m = memo[i]
  if m then return m end
  local t, res = i.t, {}
  if t == "V" then res[i.name] = 1
  elseif i.nv > 0 then
    local function add(x)
      for k, c in pairs(x) do res[k] = (res[k] or 0) + c end
    end
    if t == "seq" then
      add(leftcalls(i.a, rules, nmemo, memo))
      if nullable(i.a, rules, nmemo, {}) then add(leftcalls(i.b, rules, nmemo, memo)) end
    elseif t == "alt" or t == "diff" then
      add(leftcalls(i.a, rules, nmemo, memo))
      add(leftcalls(i.b, rules, nmemo, memo))
    elseif i.a then
      add(leftcalls(i.a, rules, nmemo, memo))
    end
  end
  memo[i] = res
  return res
end

-- Checks a grammar's shape and estimates what LPeg's analyses of it cost:
-- they follow the rules called before any input is consumed, again at
-- each such call (no memory of what they found).
local function grammar_cost(bodies)
  local nmemo, lmemo, busy, unfold = {}, {}, {}, {}
  for _, body in pairs(bodies) do nullable(body, bodies, nmemo, {}) end
  local function U(name)
    local u = unfold[name]
    if u then return u end
    if busy[name] then error(format("rule '%s' may be left recursive", tostring(name)), 0) end
    local body = bodies[name]
    if not body then return 0 end
    busy[name] = true
    u = body.s * (1 + body.lvl)
    for callee, times in pairs(leftcalls(body, bodies, nmemo, lmemo)) do
      u = u + times * U(callee)
      if u > M.MAX_COST then u = huge break end
    end
    busy[name] = nil
    unfold[name] = u
    return u
  end
  local maxu, cost = 0, 0
  for name in pairs(bodies) do
    local u = U(name)
    if u > maxu then maxu = u end
    cost = cost + u
  end
  if maxu == huge then return huge, huge end
  for _, body in pairs(bodies) do cost = cost + body.cc + maxu * body.cv end
  return cost, maxu
end

grammar = function(t)
  local bodies, copy = {}, {}
  local s, lvl, cf = 2, 0, true
  for k, v in next, t do
    if k == 1 and type(v) == "string" then
      copy[1] = v
    else
      if rtype(v) ~= "pattern" then
        copy[k] = v         -- LPeg raises: a rule is a pattern
      else
        local p, i = v, info_of(v)
        bodies[k] = i
        copy[k] = rmul(rCmt(rP(true), tick_of(i.r + 3)), p)
        s = s + i.s + 6
        if i.lvl + 1 > lvl then lvl = i.lvl + 1 end
        cf = cf and i.cf
      end
    end
  end
  local first = copy[1]
  if type(first) ~= "string" then first = 1 end
  local ok, cost, maxu = pcall(grammar_cost, bodies)
  if not ok then raise(cost) end
  if cost ~= cost or cost > M.MAX_COST then
    raise(format("grammar too complex for a rule file (LPeg's analyses of it would take "
                 .. "%s, more than %.3g)", about(cost), M.MAX_COST))
  end
  spend(s + cost / 16)        -- copies, and LPeg's checks of the grammar
  local g = call(rP, copy)
  local i = { t = "gram", s = s + maxu, r = 2, cc = cost, cv = 0, lvl = lvl, nv = 0,
              simple = false, cf = cf, g = true }
  local entry = bodies[first]
  i.nullable = entry ~= nil and nullable(entry, bodies, {}, {})
  infos[g] = i
  return g
end

-- First characters -------------------------------------------------------------

local function union(x, y)
  if x == ALL or y == ALL then return ALL end
  if next(y) == nil then return x end
  if next(x) == nil then return y end
  local u = {}
  for c in pairs(x) do u[c] = true end
  for c in pairs(y) do u[c] = true end
  return u
end

local EMPTY = {}

-- Whether i may succeed without consuming input, and the set of bytes
-- (byte -> true, or ALL) the input it consumes may start with.
local function firsts(i, memo)
  local m = memo[i]
  if m then return m[1], m[2] end
  local t, null, set = i.t, true, ALL
  if t == "lit" then
    if i.b1 then null, set = false, { [i.b1] = true } else set = EMPTY end
  elseif t == "set" then
    null = false
    if i.chars then
      set = {}
      for n = 1, #i.chars do set[byte(i.chars, n)] = true end
    end
  elseif t == "any" then null = false
  elseif t == "false" then null, set = false, EMPTY
  elseif t == "true" or t == "pred" or t == "not" or t == "and" or t == "cc" then set = EMPTY
  elseif t == "seq" then
    local na, fa = firsts(i.a, memo)
    local nb, fb = firsts(i.b, memo)
    null, set = na and nb, na and union(fa, fb) or fa
  elseif t == "alt" then
    local na, fa = firsts(i.a, memo)
    local nb, fb = firsts(i.b, memo)
    null, set = na or nb, union(fa, fb)
  elseif t == "diff" or t == "cap" then
    null, set = firsts(i.a, memo)
  elseif t == "opt" then
    local _, fa = firsts(i.a, memo)
    set = fa
  elseif t == "rep" then
    local na, fa = firsts(i.a, memo)
    null, set = i.n == 0 or na, fa
  elseif t == "cmt" then
    local na, fa = firsts(i.a, memo)
    if not na then null, set = false, fa end
  end
  memo[i] = { null, set }
  return null, set
end

-- The entries whose ticks a scan prepays (see `entry`, `prepaid`).
local prepaid = setmetatable({}, { __mode = "k" })

--- A pattern matching what `p` matches, starting with a tick that charges
-- the work of `p`'s top region: for patterns a host runs once per position
-- or per token (text rules, `T.match`). With `filter`, when `p` must
-- consume input, it starts instead with a test that the first byte can
-- start it, and no tick: a host scanning a document with it prepays its
-- top region for every place of the document it may be tried at whose
-- byte passes the test (`prepaid`; a tick is an LPeg match-time capture,
-- some 100 ns, and a scan tries every text rule at every word). Build it
-- outside sandboxed calls.
-- @param p a pattern made through `lib`
-- @tparam[opt] boolean filter test the first byte, to be prepaid
-- @return the pattern
-- @usage rule.pattern = slpeg.entry(rule.pattern, true)
function M.entry(p, filter)
  local i = info_of(p)
  local ticked = rmul(rCmt(rP(true), tick_of(i.r + 3)), p)
  if not filter then return ticked end
  local null, set = firsts(i, {})
  if null or set == ALL then return ticked end
  local out, bytes = {}, {}
  for c in pairs(set) do
    out[#out + 1] = char(c)
    bytes[#bytes + 1] = c
  end
  local filtered = rmul(rlen(rS(concat(out))), p)
  prepaid[filtered] = { bytes = bytes, cost = floor(i.r) + 3 }
  return filtered
end

--- What a host scanning with an entry made by `entry(p, true)` prepays
-- for each place it tries it at: nil when the entry has its own tick; or
-- `{bytes = {...}, cost = steps}`, the first bytes that pass its test and
-- the work of its top region.
-- @param p a pattern `entry` made
-- @treturn table|nil
-- @usage local pay = slpeg.prepaid(rule.pattern)
function M.prepaid(p)
  return prepaid[p]
end

--- Takes `steps` from a budget (and its pool) before a window, as a tick
-- would; raises its stop, "rule file stopped: too much matching work",
-- when they are not there.
-- @tparam table b a budget
-- @tparam number steps
-- @usage slpeg.prepay(b, 5000)
function M.prepay(b, steps)
  if b == current then b.left = left end
  b.left = b.left - steps
  local pool = b.pool
  if b.left < 0 and pool and pool.left > 0 then
    local take = pool.left < -b.left and pool.left or -b.left
    pool.left, b.left = pool.left - take, b.left + take
  end
  if b == current then left = b.left end
  if b.left < 0 then stop(b) end
end

--- The information the counting constructors keep on a pattern (nil for
-- one they did not make): `s` size, `r` work of its top region, `cc`
-- compile-cost estimate, `simple`.
-- @param p a pattern
-- @treturn table|nil
-- @usage print(slpeg.info(lib.P"abc").s)
function M.info(p)
  return infos[p]
end

-- Windows ------------------------------------------------------------------------

-- Puts the counting (or the real) operators into LPeg's metatable and
-- functions into the lpeg module: straight-line code, as it runs around
-- every sandboxed call. A call's window puts the operators and CALL_FIELDS
-- (what glean's vocabulary uses to build patterns: `T.C`, `T.match`); a
-- load's, everything.
local CALL_FIELDS = { C = true, Cc = true, Cg = true, Cp = true, Ct = true, P = true }
local call_fields, load_fields = {}, {}
for k in pairs(lib) do
  if real[k] ~= nil and real[k] ~= lib[k] then
    local list = CALL_FIELDS[k] and call_fields or load_fields
    list[#list + 1] = k
  end
end
table.sort(call_fields)
table.sort(load_fields)
local function swapper(with_ops, fields, from_ops, from_lib)
  local names, values, sets = {}, {}, {}
  if with_ops then
    for _, k in ipairs(OPS) do
      names[#names + 1], values[#values + 1] = "o_" .. k, from_ops[k]
      sets[#sets + 1] = ("meta.%s = o_%s"):format(k, k)
    end
  end
  for _, k in ipairs(fields) do
    names[#names + 1], values[#values + 1] = "f_" .. k, from_lib[k]
    sets[#sets + 1] = ("lpeg.%s = f_%s"):format(k, k)
  end
  local code = "local meta, lpeg = ... local " .. concat(names, ", ") .. " = select(3, ...) "
               .. "return function() " .. concat(sets, " ") .. " end"
  local chunk = (loadstring or load)(code, "=sandbox_lpeg.lua")
  return chunk(meta, lpeg, unpack(values))
end
local swapped = 0                   -- 0: real, 1: a call's, 2: a load's
local call_in, call_out, load_in, load_out

--- Starts a sandboxed call's window: `b` becomes the running budget and,
-- unless they already are, the counting operators go into LPeg's pattern
-- metatable and the counting functions into the `lpeg` module (for a
-- load, all of them; for a call, those glean's vocabulary uses).
-- @tparam table b a budget (or nil: none while the window lasts)
-- @tparam[opt] boolean load the window of a load
-- @return what `leave` needs (three values)
-- @usage local c, l, w = slpeg.enter(b) ... slpeg.leave(c, l, w)
function M.enter(b, load)
  local saved_current, saved_left, was = current, left, swapped
  if current then current.left = left end
  current = b
  left = b and b.left or huge
  local want = load and 2 or 1
  if was < want then
    if was == 0 then call_in() end
    if want == 2 then load_in() end
    swapped = want
  end
  return saved_current, saved_left, was
end

--- Ends a window: the budget, operators and functions as before `enter`.
-- @param saved_current what `enter` returned (three values)
-- @param saved_left
-- @param was
-- @usage slpeg.leave(c, l, w)
function M.leave(saved_current, saved_left, was)
  if current then current.left = left end
  current, left = saved_current, saved_left
  if swapped > was then
    if swapped == 2 then load_out() end
    if was == 0 then call_out() end
    swapped = was
  end
end

--- The running budget, or nil.
-- @treturn table|nil
-- @usage local b = slpeg.current()
function M.current()
  return current
end

call_in = swapper(true, call_fields, ops, lib)
call_out = swapper(true, call_fields, real_ops, real)
load_in = swapper(false, load_fields, ops, lib)
load_out = swapper(false, load_fields, real_ops, real)

--- LPeg's own `match` (nothing charged), for host code inside a window.
-- @function real_match
-- @usage slpeg.real_match(p, text, pos)
M.real_match = real.match

return M
