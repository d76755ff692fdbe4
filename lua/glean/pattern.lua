--- Token patterns: an LPeg-like algebra over tokens.
--
-- A pattern matches a run of tokens. Predicates test one token; operators
-- combine patterns as LPeg does: `a * b` (a then b), `a + b` (a or b),
-- `p^n` (n or more), `p^-n` (at most n; `p^-1` optional), `-p` (one token
-- that `p` does not match), `a - b` (one token matched by `a` and not by
-- `b`). Strings stand for `T.text`.
--
-- Patterns compile to a program that the C core runs over a Doc in time
-- linear in tokens × pattern size, whatever the pattern: there is no
-- backtracking. A pattern's matches are its leftmost-longest
-- non-overlapping ones, like `string.gmatch` with greedy repetition.
-- Built-in predicates run in C; `T.match` and `T.pred` call back into Lua
-- (once a token, remembered).
--
-- @module glean.pattern
-- @usage
-- local glean = require "glean"
-- local T = glean.pattern
-- local title = T.lower{"sir", "dame", "lord"} * T.title^1
-- for _, m in ipairs(title:matches("Sir Richard Moore spoke.")) do
--   print(m.first, m.last)   --> 1 3
-- end

local core = require "glean.core"
local lpeg = require "lpeg"

local type, pairs, ipairs, tostring, error, select = type, pairs, ipairs, tostring, error, select
local getmetatable, setmetatable = getmetatable, setmetatable
local concat, sort = table.concat, table.sort
local floor = math.floor

local M = {}

local PT = {}               -- the metatable of patterns
PT.__index = PT

local function is_pattern(x) return getmetatable(x) == PT end
M.is_pattern = is_pattern

local function new(tag, t)
  t.tag = tag
  return setmetatable(t, PT)
end

local function pred(spec) return new("pred", { pred = spec }) end

-- Instruction and predicate numbers: as in csrc/pattern.h.
local OP = { PRED = 0, SPAN = 1, SPLIT = 2, JMP = 3, SOS = 4, EOS = 5, SAVE = 6, MATCH = 7,
             GUARD = 8 }
local PR = { ANY = 0, TEXT = 1, LOWER = 2, NORM = 3, SHAPE = 4, KIND = 5, FLAGS = 6,
             LABEL = 7, EXTERN = 8, NOT = 9, AND = 10, OR = 11 }

local MAX_CODE = 4000000    -- instructions in one program
local MAX_REPEAT = 1000     -- the n of p^n and p^-n
local NO_REQUIREMENT = 4294967295

local function argerror(n, fname, msg, level)
  error("bad argument #" .. n .. " to '" .. fname .. "' (" .. msg .. ")", (level or 2) + 1)
end

--- Makes a pattern of a value: a pattern stays itself, a string becomes
-- `T.text(s)`.
-- @param x
-- @treturn pattern
-- @usage local p = T.P"MI6" * T.title
function M.P(x)
  if is_pattern(x) then return x end
  if type(x) == "string" then return M.text(x) end
  if lpeg.type(x) == "pattern" then
    error("an LPeg pattern is not a token pattern: use T.match(p) to test a token's "
          .. "text, or make it a text rule", 2)
  end
  error("token pattern expected, got " .. type(x), 2)
end
local P = M.P

-- A list of strings from a string or an array of strings.
local function strings(x, fname, fold)
  local list = type(x) == "string" and { x } or x
  if type(list) ~= "table" then argerror(1, fname, "string or table of strings expected", 3) end
  -- (a word list of 64,000 goes through here: the loop is kept tight)
  local seen, out, n, i, fold_string = {}, {}, 0, 1, core.fold
  local s = list[1]
  while s ~= nil do
    if type(s) ~= "string" then
      argerror(1, fname, "string expected at index " .. i .. ", got " .. type(s), 3)
    end
    if fold then s = fold_string(s, fold) end
    if not seen[s] then
      seen[s] = true
      n = n + 1
      out[n] = s
    end
    i = i + 1
    s = list[i]
  end
  if n == 0 then argerror(1, fname, "empty list", 3) end
  -- big word lists mostly come sorted: a pass to check is far cheaper than
  -- sorting again (64,000 common words took a third of the news rules' load)
  for k = 2, n do
    if out[k] < out[k - 1] then sort(out); break end
  end
  return out
end

--- Any one token.
-- @usage T.lower"head" * T.any^-2 * T.lower"of"
M.any = pred{ op = "any" }

--- A token whose text is one of the strings (exactly, bytes for bytes).
-- @param s a string, or an array of strings
-- @treturn pattern
-- @usage T.text"MI6", T.text{"Mr", "Mrs", "Ms"}
function M.text(s) return pred{ op = "set", form = "text", set = strings(s, "text") } end

--- A token whose lower-case form is one of these (given in any case).
-- @param s a string, or an array of strings
-- @treturn pattern
-- @usage T.lower{"sir", "dame"}   -- "Sir", "SIR", "sir"
function M.lower(s)
  return pred{ op = "set", form = "lower", set = strings(s, "lower", "lower") }
end

--- A token whose normal form (case and accents folded) is one of these.
-- @param s a string, or an array of strings
-- @treturn pattern
-- @usage T.norm"Élysée"   -- "Elysee", "ÉLYSÉE", "élysée"
function M.norm(s) return pred{ op = "set", form = "norm", set = strings(s, "norm", "norm") } end

--- A token whose shape (`X` upper, `x` lower, `d` digit, other characters
-- kept) is one of these.
-- @param s a string, or an array of strings
-- @treturn pattern
-- @usage T.shape{"Xxxx", "XX"}
function M.shape(s) return pred{ op = "set", form = "shape", set = strings(s, "shape") } end

local kind_bit = {}
for i, name in ipairs(core.token_kinds) do kind_bit[name] = 2 ^ (i - 1) end

--- A token of one of these kinds ("word", "number", "punct", "symbol",
-- "url", "email", "emoji", ...).
-- @param k a kind name, or an array of them
-- @treturn pattern
-- @usage T.kind{"number", "word"}
function M.kind(k)
  local mask = 0
  for _, name in ipairs(strings(k, "kind")) do
    if not kind_bit[name] then
      argerror(1, "kind", "unknown token kind '" .. name .. "'")
    end
    mask = mask + kind_bit[name]
  end
  return pred{ op = "kind", mask = mask, names = strings(k, "kind") }
end

-- Flag predicates: T.title, T.upper, ... (names of the token view flags).
local flag_names = {
  title = "is_title", upper = "is_upper", lower_case = "is_lower", alpha = "is_alpha",
  digit = "is_digit", punct = "is_punct", quote = "is_quote", bracket = "is_bracket",
  sentence_start = "is_sentence_start", abbrev = "is_abbrev", clitic = "is_clitic",
  space_after = "space_after", newline_after = "newline_after",
  paragraph_after = "paragraph_after", has_upper = "has_upper", has_lower = "has_lower",
}
for name, view in pairs(flag_names) do
  local bit = core.token_flags[view]
  M[name] = pred{ op = "flags", mask = bit, value = bit, name = name }
end

--- A token that lies inside a span of one of these labels (from a
-- gazetteer or an earlier phase).
-- @param l a label, or an array of labels
-- @treturn pattern
-- @usage T.label"ORG" * T.lower"spokesman"
function M.label(l)
  local list = strings(l, "label")
  if #list == 1 then return pred{ op = "label", label = list[1] } end
  local alts = {}
  for i, name in ipairs(list) do alts[i] = { op = "label", label = name } end
  return pred{ op = "or", list = alts }
end

-- Checks an attribute filter table: string keys; values are strings,
-- numbers, booleans, or arrays of them (any of).
local function attr_filter(t, fname, n)
  if type(t) ~= "table" then argerror(n, fname, "table of attributes expected", 3) end
  local keys = {}
  for k, v in pairs(t) do
    if type(k) ~= "string" then argerror(n, fname, "attribute names must be strings", 3) end
    local tv = type(v)
    if tv == "table" then
      for _, x in ipairs(v) do
        local tx = type(x)
        if tx ~= "string" and tx ~= "number" and tx ~= "boolean" then
          argerror(n, fname, "bad value in the list for '" .. k .. "'", 3)
        end
      end
    elseif tv ~= "string" and tv ~= "number" and tv ~= "boolean" then
      argerror(n, fname, "bad value for '" .. k .. "'", 3)
    end
    keys[#keys + 1] = k
  end
  if #keys == 0 then argerror(n, fname, "no attribute given", 3) end
  sort(keys)
  return keys
end

--- A token inside a span whose attributes match: each key's value equals
-- the one given (`true`: the attribute is present; an array: any of
-- these). With a label first, only spans of that label count.
-- @tparam[opt] string label
-- @tparam table attrs
-- @treturn pattern
-- @usage T.attr{ type = "party" }, T.attr("ORG", { country = {"UK", "FR"} })
function M.attr(label, attrs)
  if attrs == nil and type(label) == "table" then label, attrs = nil, label end
  if label ~= nil and type(label) ~= "string" then argerror(1, "attr", "string expected") end
  local keys = attr_filter(attrs, "attr", label and 2 or 1)
  return pred{ op = "label", label = label, attrs = attrs, keys = keys }
end

--- One whole span of this label (with these attributes) as a unit: the
-- pattern consumes all its tokens at once.
-- @tparam string|table label a label, or an array of labels
-- @tparam[opt] table attrs as for `T.attr`
-- @treturn pattern
-- @usage T.span"PERSON" * T.text"," * T.span"ROLE"
function M.span(label, attrs)
  if type(label) == "table" and attrs == nil and #label > 0 then
    local p
    for _, l in ipairs(strings(label, "span")) do
      local s = new("span", { label = l })
      p = p and new("alt", { p, s }) or s
    end
    return p
  end
  if type(label) ~= "string" then argerror(1, "span", "string expected, got " .. type(label)) end
  if attrs ~= nil then
    return new("span", { label = label, attrs = attrs, keys = attr_filter(attrs, "span", 2) })
  end
  return new("span", { label = label })
end

--- A token whose whole text matches an LPeg pattern.
-- @param p an LPeg pattern (or anything lpeg.P accepts)
-- @treturn pattern
-- @usage T.match(lpeg.R"09"^4)   -- a token of four digits or more
function M.match(p)
  local ok, patt = pcall(lpeg.P, p)
  if not ok then argerror(1, "match", "LPeg pattern expected") end
  return pred{ op = "extern", lpeg = patt * -1 }
end

--- A token for which `fn(token, doc)` returns true; `token` is the view
-- table `doc[i]`. The slow escape hatch: called once a token at most.
-- @tparam function fn
-- @treturn pattern
-- @usage T.pred(function(tok) return #tok.text > 12 end)
function M.pred(fn)
  if type(fn) ~= "function" then argerror(1, "pred", "function expected, got " .. type(fn)) end
  return pred{ op = "extern", fn = fn }
end

local function single(p, fname, n)
  if not is_pattern(p) and type(p) ~= "string" then
    argerror(n, fname, "token pattern expected, got " .. (lpeg.type(p) == "pattern" and
             "an LPeg pattern" or type(p)), 3)
  end
  p = P(p)
  if p.tag ~= "pred" then
    argerror(n, fname, "a single-token predicate expected (not a sequence, repetition, "
             .. "span or anchor)", 3)
  end
  return p.pred
end

--- One token matched by every predicate.
-- @param ... single-token predicates
-- @treturn pattern
-- @usage T.all(T.title, -T.lower{"the", "a"})
function M.all(...)
  local list = {}
  for i = 1, select("#", ...) do list[i] = single(select(i, ...), "all", i) end
  if #list == 0 then argerror(1, "all", "a predicate expected") end
  if #list == 1 then return pred(list[1]) end
  return pred{ op = "and", list = list }
end

--- A sequence of patterns: `T.seq(a, b, c)` is `a * b * c`.
-- @param ... patterns
-- @treturn pattern
-- @usage T.seq(T.title, T.text"&", T.title)
function M.seq(...)
  local p = P((...))
  for i = 2, select("#", ...) do p = new("seq", { p, P((select(i, ...))) }) end
  return p
end

--- Alternatives: `T.alt(a, b, c)` is `a + b + c`.
-- @param ... patterns
-- @treturn pattern
-- @usage T.alt(T.span"PERSON", T.span"ORG")
function M.alt(...)
  local p = P((...))
  for i = 2, select("#", ...) do p = p + select(i, ...) end
  return p
end

--- Sentence start: matches no token, where a sentence begins.
-- @usage T.sos * T.title
M.sos = new("sos", {})
--- Sentence end: matches no token, where a sentence ends.
-- @usage T.quote * T.eos
M.eos = new("eos", {})

--- A named capture: the tokens `p` matched, reported in `match.captures`.
-- Given an LPeg pattern, makes the LPeg capture that text rules report
-- the same way (snapped to tokens).
-- @tparam string name
-- @param p a token pattern, or an LPeg pattern
-- @return pattern
-- @usage T.lower"sir" * T.C("name", T.title^1)
function M.C(name, p)
  if type(name) ~= "string" then argerror(1, "C", "string expected, got " .. type(name)) end
  if lpeg.type(p) == "pattern" then
    return lpeg.Cg(lpeg.Ct(lpeg.Cp() * p * lpeg.Cp()), name)
  end
  return new("cap", { name = name, P(p) })
end

-- Operators ---------------------------------------------------------------

function PT.__mul(a, b) return new("seq", { P(a), P(b) }) end

function PT.__add(a, b)
  a, b = P(a), P(b)
  if a.tag == "pred" and b.tag == "pred" then     -- stays one token: negatable
    return pred{ op = "or", list = { a.pred, b.pred } }
  end
  return new("alt", { a, b })
end

function PT.__pow(p, n)
  if type(n) ~= "number" or n ~= floor(n) then
    error("bad exponent for a token pattern (integer expected)", 2)
  end
  if n > MAX_REPEAT or n < -MAX_REPEAT then
    error("repetition count too large (" .. MAX_REPEAT .. " at most)", 2)
  end
  p = P(p)
  if n >= 0 then return new("rep", { p, min = n }) end
  return new("opt", { p, max = -n })
end

function PT.__unm(p)
  return pred{ op = "not", single(p, "unary -", 1) }
end

function PT.__sub(a, b)
  return pred{ op = "and", list = { single(a, "-", 1), { op = "not", single(b, "-", 2) } } }
end

-- Printing ----------------------------------------------------------------

local function quote_list(list)
  local out = {}
  for i, s in ipairs(list) do out[i] = string.format("%q", s) end
  if #out == 1 then return out[1] end
  return "{" .. concat(out, ", ") .. "}"
end

local function attrs_string(keys, attrs)
  local out = {}
  for i, k in ipairs(keys) do
    local v = attrs[k]
    if type(v) == "table" then
      local vs = {}
      for j, x in ipairs(v) do
        vs[j] = type(x) == "string" and string.format("%q", x) or tostring(x)
      end
      v = "{" .. concat(vs, ", ") .. "}"
    elseif type(v) == "string" then v = string.format("%q", v)
    else v = tostring(v) end
    out[i] = k .. " = " .. v
  end
  return "{" .. concat(out, ", ") .. "}"
end

local pred_string
function pred_string(s)
  local op = s.op
  if op == "any" then return "T.any"
  elseif op == "set" then
    return "T." .. s.form .. (#s.set == 1 and string.format("%q", s.set[1]) or quote_list(s.set))
  elseif op == "kind" then return "T.kind" .. quote_list(s.names)
  elseif op == "flags" then return "T." .. s.name
  elseif op == "label" then
    if s.attrs then
      return "T.attr(" .. (s.label and string.format("%q, ", s.label) or "")
             .. attrs_string(s.keys, s.attrs) .. ")"
    end
    return "T.label" .. string.format("%q", s.label)
  elseif op == "extern" then return s.fn and "T.pred(...)" or "T.match(...)"
  elseif op == "not" then return "-" .. pred_string(s[1])
  else
    local out = {}
    for i, x in ipairs(s.list) do out[i] = pred_string(x) end
    if op == "and" then return "T.all(" .. concat(out, ", ") .. ")" end
    return "(" .. concat(out, " + ") .. ")"
  end
end

local function to_string(p)
  local tag = p.tag
  if tag == "pred" then return pred_string(p.pred)
  elseif tag == "span" then
    if p.attrs then return "T.span(" .. string.format("%q", p.label) .. ", "
                           .. attrs_string(p.keys, p.attrs) .. ")" end
    return "T.span" .. string.format("%q", p.label)
  elseif tag == "sos" then return "T.sos"
  elseif tag == "eos" then return "T.eos"
  elseif tag == "cap" then
    return "T.C(" .. string.format("%q", p.name) .. ", " .. to_string(p[1]) .. ")"
  elseif tag == "seq" then return to_string(p[1]) .. " * " .. to_string(p[2])
  elseif tag == "alt" then return "(" .. to_string(p[1]) .. " + " .. to_string(p[2]) .. ")"
  else
    local inner, t = to_string(p[1]), p[1].tag
    if t == "seq" or t == "rep" or t == "opt" or (t == "pred" and inner:sub(1, 1) == "-") then
      inner = "(" .. inner .. ")"
    end
    return inner .. "^" .. (tag == "rep" and p.min or -p.max)
  end
end

function PT.__tostring(p)
  local ok, s = pcall(to_string, p)
  if not ok then return "(pattern too deep to print)" end
  if #s > 400 then s = s:sub(1, 397) .. "..." end
  return s
end

-- Analysis ----------------------------------------------------------------

--- Can the pattern match an empty run of tokens?
-- @param p pattern
-- @treturn boolean
-- @usage T.nullable(T.title^0)   --> true
function M.nullable(p)
  local tag = p.tag
  if tag == "pred" or tag == "span" then return false
  elseif tag == "sos" or tag == "eos" or tag == "opt" then return true
  elseif tag == "seq" then return M.nullable(p[1]) and M.nullable(p[2])
  elseif tag == "alt" then return M.nullable(p[1]) or M.nullable(p[2])
  elseif tag == "rep" then return p.min == 0 or M.nullable(p[1])
  else return M.nullable(p[1]) end     -- cap
end

-- Compiling ---------------------------------------------------------------

local Compiler = {}
Compiler.__index = Compiler

local function new_compiler()
  return setmetatable({
    code = {}, ncode = 0,
    preds = {}, npreds = 0, pred_ids = {}, id_of_pred = {},
    children = {},
    sets = {}, set_ids = {}, set_of_list = {},
    labels = {}, nlabels = 0, filters = {},
    externs = {}, extern_ids = {},
    fstart = {}, rstart = {}, ncaps = {}, capnames = {}, req = {}, lreq = {},
    reversed = {}, guards = {},
  }, Compiler)
end

function Compiler:emit(op, x, y)
  local pc = self.ncode
  if pc >= MAX_CODE then error("pattern too large (" .. MAX_CODE .. " instructions)", 0) end
  local c = self.code
  c[3 * pc + 1], c[3 * pc + 2], c[3 * pc + 3] = op, x or 0, y or 0
  self.ncode = pc + 1
  return pc
end

function Compiler:patch(pc, x, y)
  if x then self.code[3 * pc + 2] = x end
  if y then self.code[3 * pc + 3] = y end
end

function Compiler:label_id(name)
  local id = self.labels[name]
  if not id then
    id = self.nlabels
    self.labels[name] = id
    self.nlabels = id + 1
  end
  return id
end

-- A synthetic label for the spans an attribute filter accepts.
function Compiler:filter_id(label, keys, attrs)
  local key = "\0attr\0" .. (label or "") .. "\0" .. attrs_string(keys, attrs)
  local id = self.labels[key]
  if not id then
    id = self:label_id(key)
    self.filters[#self.filters + 1] = { id = id, label = label, keys = keys, attrs = attrs }
  end
  return id
end

-- The label id a T.label predicate or T.span pattern (x) looks for: its
-- label's, or with attributes the synthetic label of that filter.
function Compiler:label_of(x)
  return x.attrs and self:filter_id(x.label, x.keys, x.attrs) or self:label_id(x.label)
end

-- The key of a set's list, made once per list for all compilers: the
-- bundled news rules share a list of 64,000 words among their phases.
-- (A predicate's list is its own, made by `strings`, and never changes.)
local key_of_list = setmetatable({}, { __mode = "k" })

function Compiler:set_id(list)
  -- a big set (a word list) used by many predicates is keyed once
  local id = self.set_of_list[list]
  if id then return id end
  local key = key_of_list[list]
  if not key then
    key = concat(list, "\0")
    key_of_list[list] = key
  end
  id = self.set_ids[key]
  if not id then
    id = #self.sets
    self.sets[id + 1] = list
    self.set_ids[key] = id
  end
  self.set_of_list[list] = id
  return id
end

local set_type = { text = PR.TEXT, lower = PR.LOWER, norm = PR.NORM, shape = PR.SHAPE }

-- The number of a predicate (operands first, so they have smaller ones),
-- remembered per predicate table: rules share their parts ("a capitalised
-- word but not a stop word"), and keying them again is most of a compile.
function Compiler:pred_id(s)
  local known = self.id_of_pred[s]
  if known then return known end
  local id = self:new_pred_id(s)
  self.id_of_pred[s] = id
  return id
end

function Compiler:new_pred_id(s)
  local t, a, b
  local op = s.op
  if op == "any" then t, a, b = PR.ANY, 0, 0
  elseif op == "set" then t, a, b = set_type[s.form], self:set_id(s.set), 0
  elseif op == "kind" then t, a, b = PR.KIND, s.mask, 0
  elseif op == "flags" then t, a, b = PR.FLAGS, s.mask, s.value
  elseif op == "label" then
    t, b = PR.LABEL, 0
    a = self:label_of(s)
  elseif op == "extern" then
    local f = s.fn or s.lpeg
    a = self.extern_ids[f]
    if not a then
      a = #self.externs
      self.externs[a + 1] = s
      self.extern_ids[f] = a
    end
    t, b = PR.EXTERN, 0
  elseif op == "not" then t, a, b = PR.NOT, self:pred_id(s[1]), 0
  else
    local ids = {}
    for i, x in ipairs(s.list) do ids[i] = self:pred_id(x) end
    t, b = (op == "and") and PR.AND or PR.OR, #ids
    local key = t .. ":" .. concat(ids, ",")
    local id = self.pred_ids[key]
    if id then return id end
    a = #self.children
    for i, x in ipairs(ids) do self.children[a + i] = x end
    return self:add_pred(key, t, a, b)
  end
  return self:add_pred(t .. ":" .. a .. ":" .. b, t, a, b)
end

function Compiler:add_pred(key, t, a, b)
  local id = self.pred_ids[key]
  if id then return id end
  id = self.npreds
  local p = self.preds
  p[3 * id + 1], p[3 * id + 2], p[3 * id + 3] = t, a, b
  self.npreds = id + 1
  self.pred_ids[key] = id
  return id
end

-- The operands of a chain of one binary tag, left to right, without
-- recursing along the chain (chains built in loops can be long); with
-- skip_caps, through the captures around operands.
local function chain(p, tag, skip_caps)
  local out, stack = {}, { p }
  while #stack > 0 do
    local q = stack[#stack]
    stack[#stack] = nil
    if q.tag == tag then
      stack[#stack + 1] = q[2]
      stack[#stack + 1] = q[1]
    elseif skip_caps and q.tag == "cap" then
      stack[#stack + 1] = q[1]
    else
      out[#out + 1] = q
    end
  end
  return out
end

-- Emits p, forward (with captures, slots from caps) or reversed.
function Compiler:gen(p, fwd, caps)
  local tag = p.tag
  if tag == "pred" then self:emit(OP.PRED, self:pred_id(p.pred))
  elseif tag == "span" then
    local id = self:label_of(p)
    self:emit(OP.SPAN, id)
  elseif tag == "sos" then self:emit(OP.SOS)
  elseif tag == "eos" then self:emit(OP.EOS)
  elseif tag == "seq" then
    local parts = chain(p, "seq")
    if fwd then
      for i = 1, #parts do self:gen(parts[i], fwd, caps) end
    else
      for i = #parts, 1, -1 do self:gen(parts[i], fwd, caps) end
    end
  elseif tag == "alt" then
    local parts, jumps = chain(p, "alt"), {}
    for i = 1, #parts - 1 do
      local split = self:emit(OP.SPLIT)
      self:gen(parts[i], fwd, caps)
      jumps[i] = self:emit(OP.JMP)
      self:patch(split, split + 1, self.ncode)
    end
    self:gen(parts[#parts], fwd, caps)
    for _, j in ipairs(jumps) do self:patch(j, self.ncode) end
  elseif tag == "rep" then
    for _ = 1, p.min do self:gen(p[1], fwd, caps) end
    local loop = self:emit(OP.SPLIT)
    self:gen(p[1], fwd, caps)
    self:emit(OP.JMP, loop)
    self:patch(loop, loop + 1, self.ncode)
  elseif tag == "opt" then
    local splits = {}
    for i = 1, p.max do
      splits[i] = self:emit(OP.SPLIT)
      self:gen(p[1], fwd, caps)
    end
    for _, s in ipairs(splits) do self:patch(s, s + 1, self.ncode) end
  elseif tag == "cap" then
    if not fwd then return self:gen(p[1], fwd, caps) end
    local slot = caps.slot[p.name]
    if not slot then
      slot = caps.n
      caps.n = slot + 1
      caps.slot[p.name] = slot
      caps.names[slot + 1] = p.name
    end
    self:emit(OP.SAVE, 2 * slot)
    self:gen(p[1], fwd, caps)
    self:emit(OP.SAVE, 2 * slot + 1)
  else
    error("not a token pattern", 0)
  end
end

-- How well a predicate narrows down where a rule can match: the number of
-- strings a token must be one of (nil: no such list).
local function key_size(s)
  if s.op == "set" then return #s.set end
  if s.op == "or" then
    local n = 0
    for _, x in ipairs(s.list) do
      local k = key_size(x)
      if not k then return nil end
      n = n + k
    end
    return n
  end
  if s.op == "and" then
    local best
    for _, x in ipairs(s.list) do
      local k = key_size(x)
      if k and (not best or k < best) then best = k end
    end
    return best
  end
  return nil
end

-- Predicates one of which some token of every match satisfies, the
-- narrowest found; nil when none is known. The machine skips a rule over a
-- text where no token satisfies its requirement.
local function requirement(p)
  local tag = p.tag
  if tag == "pred" then
    return key_size(p.pred) and { p.pred } or nil
  elseif tag == "seq" then
    local best, size
    for _, part in ipairs(chain(p, "seq")) do
      local r = requirement(part)
      if r then
        local n = 0
        for _, s in ipairs(r) do n = n + key_size(s) end
        if not size or n < size then best, size = r, n end
      end
    end
    return best
  elseif tag == "alt" then
    local out = {}
    for _, part in ipairs(chain(p, "alt")) do
      local r = requirement(part)
      if not r then return nil end
      for _, s in ipairs(r) do out[#out + 1] = s end
    end
    return out
  elseif tag == "rep" then
    return p.min > 0 and requirement(p[1]) or nil
  elseif tag == "cap" then
    return requirement(p[1])
  end
  return nil
end

-- Requirements of the parts of a sequence (or conjunction): any one of
-- them holds, the shortest list is kept. Of an alternation (or
-- disjunction): all must, their union, or none when a part has none.
local function any_of(parts, requirement_of)
  local best
  for _, x in ipairs(parts) do
    local l = requirement_of(x)
    if l and (not best or #l < #best) then best = l end
  end
  return best
end

local function all_of(parts, requirement_of)
  local out, seen = {}, {}
  for _, x in ipairs(parts) do
    local l = requirement_of(x)
    if not l then return nil end
    for _, id in ipairs(l) do
      if not seen[id] then seen[id] = true; out[#out + 1] = id end
    end
  end
  return out
end

-- The labels one of which a span of the text must have for a match of a
-- predicate (T.label) or pattern (T.span) to exist, as label ids; nil when
-- none is needed. The machine skips a rule over a text with no span of
-- those labels: the later phases of a cascade wait for spans of the
-- earlier ones ("X said" after a QUOTE), which most texts lack.
function Compiler:pred_labels(s)
  local op = s.op
  local function of(x) return self:pred_labels(x) end
  if op == "label" then
    return { self:label_of(s) }
  elseif op == "and" then return any_of(s.list, of)
  elseif op == "or" then return all_of(s.list, of)
  end
  return nil
end

function Compiler:label_requirement(p)
  local tag = p.tag
  local function of(x) return self:label_requirement(x) end
  if tag == "pred" then return self:pred_labels(p.pred)
  elseif tag == "span" then
    return { self:label_of(p) }
  elseif tag == "seq" then return any_of(chain(p, "seq"), of)
  elseif tag == "alt" then return all_of(chain(p, "alt"), of)
  elseif tag == "rep" then
    return p.min > 0 and self:label_requirement(p[1]) or nil
  elseif tag == "cap" then
    return self:label_requirement(p[1])
  end
  return nil
end

function Compiler:add_rule(p)
  local r = #self.fstart
  local req = requirement(p)
  if req then
    self.req[r + 1] = self:pred_id(#req == 1 and req[1] or { op = "or", list = req })
  else
    self.req[r + 1] = NO_REQUIREMENT
  end
  self.lreq[r + 1] = self:label_requirement(p) or {}
  local caps = { n = 0, slot = {}, names = {} }
  self.fstart[r + 1] = self.ncode
  self:gen(p, true, caps)
  self:emit(OP.MATCH, r)
  self.ncaps[r + 1] = 2 * caps.n
  self.capnames[r + 1] = caps.names
  self.reversed[r + 1] = p
end

-- The parts of a pattern's top-level sequence, last first, captures
-- dropped (the reversed program has none).
local function reversed_parts(p)
  local parts, out = chain(p, "seq", true), {}
  for i = #parts, 1, -1 do out[#out + 1] = parts[i] end
  return out
end

-- A key naming a pattern's structure: equal keys, equal patterns (for
-- the reversed program, where captures do not count).
function Compiler:key(p)
  local tag = p.tag
  if tag == "pred" then return "p" .. self:pred_id(p.pred)
  elseif tag == "span" then
    return "s" .. self:label_of(p)
  elseif tag == "sos" then return "S"
  elseif tag == "eos" then return "E"
  elseif tag == "cap" then return self:key(p[1])
  elseif tag == "seq" or tag == "alt" then
    return "(" .. self:key(p[1]) .. (tag == "seq" and "*" or "+") .. self:key(p[2]) .. ")"
  elseif tag == "rep" then return "(" .. self:key(p[1]) .. ")^" .. p.min
  else return "(" .. self:key(p[1]) .. ")^-" .. p.max end
end

-- Emits the reversed patterns of all rules as tries: rules whose reversed
-- patterns begin with the same parts share the code of those parts, so
-- that one thread does the work of all of them (many rules end alike:
-- "... T.title^1"). Each first part makes an entry, shared by its rules.
function Compiler:gen_reversed()
  local root = { children = {}, order = {}, rules = {} }
  for r, p in ipairs(self.reversed) do
    local node = root
    for _, part in ipairs(reversed_parts(p)) do
      local k = self:key(part)
      local child = node.children[k]
      if not child then
        child = { part = part, children = {}, order = {}, rules = {} }
        node.children[k] = child
        node.order[#node.order + 1] = k
      end
      node = child
    end
    node.rules[#node.rules + 1] = r
  end
  local function rules_under(node, out)
    for _, r in ipairs(node.rules) do out[#out + 1] = r end
    for _, k in ipairs(node.order) do rules_under(node.children[k], out) end
    return out
  end
  -- A branch taken by some of the rules only is guarded: the machine skips
  -- it in a text where none of them can match (see requirement()).
  local function guard(node)
    local rules = rules_under(node, {})
    local list = {}
    for i, r in ipairs(rules) do
      if self.req[r] == NO_REQUIREMENT and not self.lreq[r][1] then return end  -- always on
      list[i] = r - 1
    end
    self.guards[#self.guards + 1] = list
    self:emit(OP.GUARD, #self.guards - 1)
  end
  local function rest(node)          -- after node.part: its alternatives
    local n = #node.order + #node.rules
    local i = 0
    local function alternative(emit_it)
      i = i + 1
      local split = i < n and self:emit(OP.SPLIT) or nil
      emit_it()
      if split then self:patch(split, split + 1, self.ncode) end
    end
    for _, k in ipairs(node.order) do
      local child = node.children[k]
      alternative(function()
        if n > 1 then guard(child) end
        self:gen(child.part, false)
        rest(child)
      end)
    end
    for _, r in ipairs(node.rules) do
      alternative(function() self:emit(OP.MATCH, r - 1) end)
    end
  end
  for _, k in ipairs(root.order) do
    local child = root.children[k]
    local entry = self.ncode
    self:gen(child.part, false)
    rest(child)
    for _, r in ipairs(rules_under(child, {})) do self.rstart[r] = entry end
  end
end

local Program = {}
Program.__index = Program

--- Compiles patterns into one program, run in one pass.
-- Each pattern must consume at least one token (`T.title^0` alone is an
-- error).
-- @tparam {pattern,...} patterns
-- @treturn Program
-- @usage
-- local prog = T.compile{ T.title^2, T.kind"number" * T.lower"percent" }
-- for _, m in ipairs(prog:run(glean.tokenize("Ann Lee got 5 percent"))) do
--   print(m.rule, m.first, m.last)
-- end
function M.compile(patterns)
  if type(patterns) ~= "table" then argerror(1, "compile", "table of patterns expected") end
  local c = new_compiler()
  for i, p in ipairs(patterns) do
    if not is_pattern(p) then
      local ok, q = pcall(P, p)
      if not ok then argerror(1, "compile", "pattern " .. i .. ": " .. q) end
      p = q
    end
    if M.nullable(p) then
      argerror(1, "compile", "pattern " .. i .. " can match no token: " .. tostring(p))
    end
    c:add_rule(p)
  end
  c:gen_reversed()
  local prog = core.program{
    code = c.code, preds = c.preds, children = c.children, sets = c.sets,
    fstart = c.fstart, rstart = c.rstart, ncaps = c.ncaps, req = c.req, guards = c.guards,
    label_reqs = c.lreq, nlabels = c.nlabels, nexterns = #c.externs,
  }
  return setmetatable({
    core = prog, labels = c.labels, filters = c.filters, externs = c.externs,
    capnames = c.capnames, nrules = #c.fstart,
  }, Program)
end

--- The callback that answers `T.match` and `T.pred` for a Doc (nil when
-- the program has none).
-- @tparam Doc doc
-- @treturn function|nil
-- @usage local ext = prog:extern_callback(doc)
function Program:extern_callback(doc)
  local externs = self.externs
  if #externs == 0 then return nil end
  return function(k, i)
    local e = externs[k]
    if e.fn then return e.fn(doc[i], doc) end
    -- (a sandboxed rule file's T.match: its matcher, which runs it under
    -- the file's limits)
    if e.match then return e.match(e.entry, doc:text(i), nil, doc) end
    return lpeg.match(e.lpeg, doc:text(i))
  end
end

--- Runs the program over a Doc.
-- @tparam Doc doc
-- @tparam[opt] {span,...} spans spans the patterns may see (`T.label`,
-- `T.span`, `T.attr`): tables with `first`, `last`, `label`, `attrs`
-- @treturn {match,...} every rule's leftmost-longest non-overlapping
-- matches, by first token: `{rule = i, first = j, last = k, captures =
-- {name = {first = a, last = b}}}`
-- @usage local ms = prog:run(doc, doc:spans())
function Program:run(doc, spans)
  local found, caps = self.core:run(doc, spans or {}, self:extern_callback(doc), true,
                                    self.labels, self.filters)
  local out, capnames = {}, self.capnames
  for m = 1, #found / 3 do
    local rule = found[3 * m - 2]
    local match = { rule = rule, first = found[3 * m - 1], last = found[3 * m] }
    local slots = caps[m]
    if slots then
      local named = {}
      for j, name in ipairs(capnames[rule]) do
        local a, b = slots[2 * j - 1], slots[2 * j]
        if a and b and b > a then named[name] = { first = a + 1, last = b } end
      end
      match.captures = named
    end
    out[m] = match
  end
  return out
end

--- Sizes of the compiled program (instructions, predicates, its start
-- index).
-- @treturn table
-- @usage print(prog:stats().code)
function Program:stats() return self.core:stats() end

local function doc_of(x, fname)
  if type(x) == "string" then return require("glean").tokenize(x) end
  if type(x) == "userdata" then return x end
  argerror(1, fname, "string or Doc expected, got " .. type(x), 3)
end

--- The matches of one pattern: leftmost-longest, non-overlapping.
-- @param doc_or_text a Doc, or a string to tokenise
-- @tparam[opt] {span,...} spans as for `Program:run`
-- @treturn {match,...} `{first = i, last = j, captures = {...}}`
-- @usage for _, m in ipairs((T.title^2):matches("Ann Lee met Bo Ray")) do print(m.first) end
function PT:matches(doc_or_text, spans)
  local prog = rawget(self, "_prog")
  if not prog then
    prog = M.compile{ self }
    rawset(self, "_prog", prog)
  end
  local doc = doc_of(doc_or_text, "matches")
  local out = prog:run(doc, spans)
  for _, m in ipairs(out) do m.rule = nil end
  return out
end

M.OP, M.PR = OP, PR      -- for tests and tools

return M
