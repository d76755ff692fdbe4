-- A slow reference matcher for token patterns, in plain Lua: it walks the
-- pattern tree and computes, for every start, the set of positions where
-- the pattern can end. The specs compare the C machine against it.
--
-- Positions are boundaries between tokens, 0 (before the first) to n.
local core = require "glean.core"

-- LuaJIT 2.1 (Debian 12's snapshot) miscompiles these loops once traced:
-- they then miss matches now and then. The interpreter is the reference.
if jit then jit.off(true, true) end

local M = {}

local flags = core.token_flags

-- The attributes filter of T.attr / T.span(label, attrs).
local function accepts(spec, span)
  if spec.label and span.label ~= spec.label then return false end
  if not span.attrs then return false end
  for k, want in pairs(spec.attrs) do
    local have = span.attrs[k]
    if have == nil then return false end
    if type(want) == "table" then
      local any = false
      for _, w in ipairs(want) do if w == have then any = true end end
      if not any then return false end
    elseif want ~= true and want ~= have then
      return false
    end
  end
  return true
end

local function label_over(ctx, spec, t)
  for _, s in ipairs(ctx.spans) do
    if s.first <= t and t <= s.last then
      if spec.attrs then
        if accepts(spec, s) then return true end
      elseif s.label == spec.label then
        return true
      end
    end
  end
  return false
end

-- Does predicate spec hold for token t (1-based)?
local function eval(ctx, spec, t)
  local tok = ctx.views[t]
  local op = spec.op
  if op == "any" then return true
  elseif op == "set" then
    local form = tok[spec.form]
    for _, s in ipairs(spec.set) do if s == form then return true end end
    return false
  elseif op == "kind" then
    for _, name in ipairs(spec.names) do if tok.kind == name then return true end end
    return false
  elseif op == "flags" then
    for view, bit in pairs(flags) do
      if bit == spec.mask then return tok[view] == true end
    end
    error("unknown flag")
  elseif op == "label" then return label_over(ctx, spec, t)
  elseif op == "extern" then
    if spec.fn then return not not spec.fn(tok, ctx.doc) end
    return require("lpeg").match(spec.lpeg, tok.text) ~= nil
  elseif op == "not" then return not eval(ctx, spec[1], t)
  elseif op == "and" then
    for _, x in ipairs(spec.list) do if not eval(ctx, x, t) then return false end end
    return true
  else
    for _, x in ipairs(spec.list) do if eval(ctx, x, t) then return true end end
    return false
  end
end

local function sos_at(ctx, p)
  return p < ctx.n and (p == 0 or ctx.views[p + 1].is_sentence_start)
end

local function eos_at(ctx, p)
  return p > 0 and (p == ctx.n or ctx.views[p + 1].is_sentence_start)
end

local ends
M._ends = function(...) return ends(...) end
M._eval = function(...) return eval(...) end
M._ends = function(...) return ends(...) end
M._eval = function(...) return eval(...) end

-- Applies ends(p) to every position of a set.
local function step(ctx, p, from)
  local out = {}
  for i in pairs(from) do
    for j in pairs(ends(ctx, p, i)) do out[j] = true end
  end
  return out
end

-- The set of positions where p, started at position i, can end.
function ends(ctx, p, i)
  local memo = ctx.memo[p]
  if not memo then memo = {}; ctx.memo[p] = memo end
  if memo[i] then return memo[i] end
  local out = {}
  local tag = p.tag
  if tag == "pred" then
    if i < ctx.n and eval(ctx, p.pred, i + 1) then out[i + 1] = true end
  elseif tag == "span" then
    for _, s in ipairs(ctx.spans) do
      if s.first == i + 1 then
        if (p.attrs and accepts(p, s)) or (not p.attrs and s.label == p.label) then
          out[s.last] = true
        end
      end
    end
  elseif tag == "sos" then
    if sos_at(ctx, i) then out[i] = true end
  elseif tag == "eos" then
    if eos_at(ctx, i) then out[i] = true end
  elseif tag == "seq" then
    out = step(ctx, p[2], ends(ctx, p[1], i))
  elseif tag == "alt" then
    for j in pairs(ends(ctx, p[1], i)) do out[j] = true end
    for j in pairs(ends(ctx, p[2], i)) do out[j] = true end
  elseif tag == "rep" then
    local cur = { [i] = true }
    for _ = 1, p.min do cur = step(ctx, p[1], cur) end
    -- then any number more: a fixpoint
    for j in pairs(cur) do out[j] = true end
    local frontier = cur
    while next(frontier) do
      local nxt = {}
      for j in pairs(step(ctx, p[1], frontier)) do
        if not out[j] then out[j] = true; nxt[j] = true end
      end
      frontier = nxt
    end
  elseif tag == "opt" then
    local cur = { [i] = true }
    out[i] = true
    for _ = 1, p.max do
      cur = step(ctx, p[1], cur)
      for j in pairs(cur) do out[j] = true end
    end
  elseif tag == "cap" then
    out = ends(ctx, p[1], i)
  else
    error("unknown pattern tag " .. tostring(tag))
  end
  memo[i] = out
  return out
end

--- The leftmost-longest non-overlapping matches of pattern p over doc
-- (with spans): an array of {first, last} (1-based tokens).
function M.matches(p, doc, spans)
  local ctx = { doc = doc, n = #doc, spans = spans or {}, memo = {}, views = {} }
  for t = 1, ctx.n do ctx.views[t] = doc[t] end
  local out, i = {}, 0
  while i < ctx.n do
    local best
    for j in pairs(ends(ctx, p, i)) do
      if j > i and (not best or j > best) then best = j end
    end
    if best then
      out[#out + 1] = { first = i + 1, last = best }
      i = best
    else
      i = i + 1
    end
  end
  return out
end

return M
