--- Extraction rules: rules, phases and pipelines.
--
-- A rule has a pattern, over tokens (`glean.pattern`) or over the raw text
-- (any LPeg pattern), and says what a match makes: a span with a label and
-- attributes, and whatever its action does (more spans, attributes,
-- links). Rules are grouped in phases; phases run in order, and each sees
-- the spans of the gazetteers and of the phases before it. Within a phase,
-- each rule finds its leftmost-longest non-overlapping matches, then the
-- phase's overlap policy settles the matches of different rules that
-- overlap:
--
-- - `"longest"` (the default): the longer match wins; then the higher
--   priority, the earlier start, the rule listed first;
-- - `"priority"`: the higher priority wins; then as for longest;
-- - `"first"`: the rule listed first wins (as with if/elseif); then the
--   earlier start, the longer match;
-- - `"all"`: every match stays.
--
-- @module glean.rules
-- @usage
-- local glean = require "glean"
-- local T, rule, phase = glean.pattern, glean.rule, glean.phase
-- local people = phase{ name = "people", rules = {
--   rule{ name = "titled", label = "PERSON",
--         pattern = T.C("title", T.lower{"sir", "dame"}) * T.C("name", T.title^1),
--         action = function(m) m:set("title", m:text("title")) end },
-- } }
-- local doc = glean.pipeline{ phases = { people } }:run("Sir Richard Moore spoke.")
-- print(doc:spans("PERSON")[1].attrs.title)   --> Sir

local core = require "glean.core"
-- Doc methods called as functions on the paths every match takes (a
-- method call looks the name up through the Doc's __index first)
local doc_token, doc_text, doc_span, doc_locate = core.doc_methods.token,
  core.doc_methods.text, core.doc_methods.span, core.doc_methods.locate
local lpeg = require "lpeg"
local pattern = require "glean.pattern"
local spans = require "glean.spans"

local type, error, ipairs, pairs, next, tostring = type, error, ipairs, pairs, next, tostring
local setmetatable, getmetatable, pcall = setmetatable, getmetatable, pcall
local sort = table.sort
local format = string.format
local new_span = spans.new_span

local M = {}

local function argerror(n, fname, msg, level)
  error("bad argument #" .. n .. " to '" .. fname .. "' (" .. msg .. ")", (level or 2) + 1)
end

local function is_lpeg(x) return lpeg.type(x) == "pattern" end

-- Rules -------------------------------------------------------------------

local Rule = {}
Rule.__index = Rule
Rule.__tostring = function(r) return "glean.Rule " .. format("%q", r.name) end

local rule_fields = {
  name = "string", pattern = true, label = "string", priority = "number",
  attrs = true, action = "function", where = "function", snap = "string",
}

local counter = 0

-- While a rule file loads: the rules and phases it makes.
local collecting = nil

--- Makes a rule.
-- Fields:
--
-- - `pattern`: a token pattern (`glean.pattern`, or a string for
--   `T.text`), or an LPeg pattern over the text (a text rule);
-- - `name`: shown by explain and in `span.rule` (default "rule<n>");
-- - `label`: the label of the span each match makes (none: the match
--   makes no span by itself; its action may);
-- - `priority` [0]: for the "priority" and "longest" overlap policies;
-- - `attrs`: attributes of the span, a table (copied for each span) or a
--   function `(match, doc) -> table`;
-- - `where`: `function(match, doc) -> boolean`, checked before overlaps
--   are settled: a match it refuses does not compete;
-- - `action`: `function(match, doc)`, called for each match that won,
--   in text order, after its span is made; returning `false` drops the
--   span;
-- - `snap` ["widen"]: for text rules, what to do with a match that does
--   not start and end at token boundaries: "widen" it to whole tokens, or
--   "drop" it.
--
-- A match has `first`, `last` (tokens), `start`, `stop` (bytes), `text`,
-- `rule` (the rule's name), `span` (its span, once made), `captures`
-- (`name -> {first, last, start, stop, text}`), `values` (the other
-- captures of a text rule's LPeg pattern) and methods `m:text([name])`,
-- `m:set(key, value)`, `m:add_span(label, capture_or_range [, attrs])`,
-- `m:link(a, kind, b)`.
-- @tparam table def
-- @treturn Rule
-- @usage rule{ name = "mi6", label = "ORG", pattern = T.text"MI6", attrs = { id = "Q1" } }
function M.rule(def)
  if type(def) ~= "table" then argerror(1, "rule", "table expected, got " .. type(def)) end
  for k, v in pairs(def) do
    local want = rule_fields[k]
    if not want then argerror(1, "rule", "unknown field '" .. tostring(k) .. "'") end
    if want ~= true and type(v) ~= want then
      argerror(1, "rule", "field '" .. k .. "' must be a " .. want .. ", got " .. type(v))
    end
  end
  local p = def.pattern
  if p == nil then argerror(1, "rule", "field 'pattern' missing") end
  local kind
  if is_lpeg(p) then kind = "text"
  else
    local ok, q = pcall(pattern.P, p)
    if not ok then
      argerror(1, "rule", "field 'pattern': " .. (tostring(q):gsub("^[^:]*:%d+: ", "")))
    end
    p, kind = q, "token"
    if pattern.nullable(p) then
      argerror(1, "rule", "the pattern can match no token: " .. tostring(p))
    end
  end
  if def.attrs ~= nil and type(def.attrs) ~= "table" and type(def.attrs) ~= "function" then
    argerror(1, "rule", "field 'attrs' must be a table or a function")
  end
  if def.snap ~= nil and def.snap ~= "widen" and def.snap ~= "drop" then
    argerror(1, "rule", "field 'snap' must be \"widen\" or \"drop\"")
  end
  counter = counter + 1
  local r = setmetatable({
    name = def.name or ("rule" .. counter), pattern = p, kind = kind, label = def.label,
    priority = def.priority or 0, attrs = def.attrs, action = def.action,
    where = def.where, snap = def.snap or "widen",
  }, Rule)
  if collecting then collecting.rules[#collecting.rules + 1] = r end
  return r
end

-- The copies of an untrusted file's rules and phases (see detach) have
-- metatables of their own, which the file cannot reach: what it changes in
-- Rule or Phase then never reaches the fields the pipeline reads from them.
-- twin(mt): such a metatable, and a test for objects of either.
local function twin(mt)
  local copy = { __tostring = mt.__tostring }
  copy.__index = copy
  return copy, function(x)
    local m = getmetatable(x)
    return m == mt or m == copy
  end
end

local DetachedRule, is_rule = twin(Rule)
M.is_rule = is_rule

-- Phases ------------------------------------------------------------------

local Phase = {}
Phase.__index = Phase
Phase.__tostring = function(p) return "glean.Phase " .. format("%q", p.name) end

local policies = { longest = true, all = true, first = true, priority = true }

local phase_count = 0

--- Makes a phase: rules that run together.
-- @tparam table def `name`, `overlap` ("longest", "priority", "first" or
-- "all"; default "longest") and `rules` (an array of rules)
-- @treturn Phase
-- @usage phase{ name = "dates", overlap = "longest", rules = { r1, r2 } }
function M.phase(def)
  if type(def) ~= "table" then argerror(1, "phase", "table expected, got " .. type(def)) end
  for k in pairs(def) do
    if k ~= "name" and k ~= "overlap" and k ~= "rules" then
      argerror(1, "phase", "unknown field '" .. tostring(k) .. "'")
    end
  end
  local overlap = def.overlap or "longest"
  if not policies[overlap] then
    argerror(1, "phase", "overlap must be \"longest\", \"priority\", \"first\" or \"all\", got "
             .. tostring(overlap))
  end
  if type(def.rules) ~= "table" then argerror(1, "phase", "field 'rules' must be a table") end
  local list = {}
  for i, r in ipairs(def.rules) do
    if not is_rule(r) then argerror(1, "phase", "rules[" .. i .. "] is not a rule") end
    list[i] = r
  end
  if def.name ~= nil and type(def.name) ~= "string" then
    argerror(1, "phase", "field 'name' must be a string")
  end
  phase_count = phase_count + 1
  local ph = setmetatable({
    name = def.name or ("phase" .. phase_count), overlap = overlap, rules = list,
  }, Phase)
  if collecting then collecting.phases[#collecting.phases + 1] = ph end
  return ph
end

local DetachedPhase, is_phase = twin(Phase)
M.is_phase = is_phase

-- Compiles a phase once: one program for its token rules, one scanner for
-- its text rules. Candidate matches carry a rule number: token rules are
-- numbered as in the program (1..nt), text rules after them; rule_of maps
-- a number to the rule's index in the phase, and prios and ranks (the
-- phase order) go to core.settle.
local function compiled(phase)
  if phase.compiled then return phase.compiled end
  local token_rules, text_rules, pats = {}, {}, {}
  for i, r in ipairs(phase.rules) do
    if r.kind == "token" then
      token_rules[#token_rules + 1] = i
      pats[#pats + 1] = r.pattern
    else
      text_rules[#text_rules + 1] = i
    end
  end
  local c = { nt = #token_rules, rule_of = {}, prios = {}, ranks = {}, has_where = false,
              labels = {}, names = {}, attrs = {}, needs_lua = false }
  -- what a match needs of it (captures_of): a table of its own, since
  -- actions, which may be a rule file's, can reach a match's fields
  c.view = { nt = c.nt }
  for n, i in ipairs(token_rules) do c.rule_of[n] = i end
  for j, i in ipairs(text_rules) do c.rule_of[#token_rules + j] = i end
  -- lua[n]: rule n has functions to call, which read its matches'
  -- captures (for the other rules the machine skips finding them)
  c.lua = {}
  for n, i in ipairs(c.rule_of) do
    local r = phase.rules[i]
    c.prios[n], c.ranks[n] = r.priority, i
    c.labels[n], c.names[n] = r.label or false, r.name
    c.attrs[n] = type(r.attrs) == "table" and r.attrs or false
    if r.where then c.has_where = true end
    if r.action or type(r.attrs) == "function" then c.needs_lua = true end
    c.lua[n] = (r.action or r.where or type(r.attrs) == "function") and true or false
  end
  if #pats > 0 then
    c.program = pattern.compile(pats)
    local capnames = {}
    for i, names in ipairs(c.program.capnames) do
      capnames[i] = {}
      for j, name in ipairs(names) do capnames[i][j] = name end
    end
    c.view.capnames = capnames
  end
  if #text_rules > 0 then
    -- positions where some text rule matches; then each rule is tried there.
    -- Tried where a token can start: not inside a run of ASCII letters and
    -- digits, not on whitespace (skipping those keeps the scan fast).
    local any
    for _, i in ipairs(text_rules) do
      local p = phase.rules[i].pattern
      any = any and (any + p) or p
    end
    -- At such a position the scan also lists which rules match there (the
    -- rule numbers j, then 0), so that only those are run from Lua.
    local which = lpeg.P(true)
    for j, i in ipairs(text_rules) do
      which = which * (#phase.rules[i].pattern * lpeg.Cc(j) + lpeg.P(true))
    end
    -- (core.scan_cost, which prices an untrusted file's scan, counts the
    -- places tried with the same skipping: keep the two in step)
    local word, space = lpeg.R("az", "AZ", "09"), lpeg.S" \t\r\n\f\v"
    c.scanner = lpeg.Ct(((lpeg.Cp() * #any * which * lpeg.Cc(0)) ^ -1
                         * (word ^ 1 * space ^ 0 + space ^ 1 + 1)) ^ 0)
    c.matchers = {}
    for j, i in ipairs(text_rules) do
      c.matchers[j] = lpeg.Ct(phase.rules[i].pattern) * lpeg.Cp()
    end
  end
  phase.compiled = c
  return c
end

-- Matches -----------------------------------------------------------------

-- A match's methods; its captures, start and stop are made when first
-- asked (most actions read a capture's text and nothing else).
local Match = {}

local captures_of, capture_range

Match.__index = function(m, k)
  local method = Match[k]
  if method ~= nil then return method end
  if k == "captures" then
    local caps, values = captures_of(m)
    rawset(m, "captures", caps)
    if rawget(m, "values") == nil then rawset(m, "values", values) end
    return caps
  elseif k == "values" then
    local _, values = captures_of(m)
    rawset(m, "values", values)
    return values
  elseif k == "start" or k == "stop" then
    local s, e = doc_span(m.doc, m.first, m.last)
    rawset(m, "start", s)
    rawset(m, "stop", e)
    return k == "start" and s or e
  end
  return nil
end

local function range(doc, first, last)
  local start = doc_token(doc, first)
  local _, stop = doc_token(doc, last)
  return { first = first, last = last, start = start, stop = stop,
           text = doc_text(doc, first, last) }
end

--- The text of the match, or of one of its captures (nil when the
-- capture matched nothing).
-- @tparam[opt] string name a capture
-- @treturn string
-- @usage action = function(m) print(m:text(), m:text("name")) end
function Match:text(name)
  if name == nil then return doc_text(self.doc, self.first, self.last) end
  local caps = rawget(self, "captures")
  if caps then
    local c = caps[name]
    return c and c.text or nil
  end
  local first, last = capture_range(self, name)
  return first and doc_text(self.doc, first, last) or nil
end

--- Sets an attribute of the match's span (the rule must have a label).
-- @tparam string key
-- @param value
-- @treturn Match itself
-- @usage action = function(m) m:set("title", m:text("title")) end
function Match:set(key, value)
  if not self.span then error("rule '" .. self.rule .. "' makes no span to set '" .. tostring(key)
                              .. "' on (give the rule a label)", 2) end
  self.span.attrs[key] = value
  return self
end

--- Adds a span over a capture (by name), a range table or the whole match.
-- @tparam string label
-- @param[opt] where a capture name, or a table with `first` and `last`
-- @tparam[opt] table attrs
-- @treturn table the span (nil when the capture matched nothing)
-- @usage action = function(m) m:add_span("NAME", "name") end
function Match:add_span(label, where, attrs)
  local first, last
  if where == nil then first, last = self.first, self.last
  elseif type(where) == "string" then
    local c = self.captures[where]
    if not c then return nil end
    first, last = c.first, c.last
  elseif type(where) == "table" and where.first then first, last = where.first, where.last
  else error("bad argument #2 to 'add_span' (capture name or range expected)", 2) end
  if type(label) ~= "string" then error("bad argument #1 to 'add_span' (string expected)", 2) end
  local s = new_span(self.doc, label, first, last, attrs, self.rule)
  local log = self.log
  if log then log[#log + 1] = { what = "added", span = s, rule = self.rule } end
  return s
end

--- Links two spans (`doc:link`), recorded by explain.
-- @tparam table a a span
-- @tparam string kind
-- @tparam table b a span
-- @tparam[opt] table attrs
-- @treturn table the link
-- @usage action = function(m, doc) m:link(m.span, "role", doc:spans("ROLE")[1]) end
function Match:link(a, kind, b, attrs)
  local l = self.doc:link(a, kind, b, attrs)
  local log = self.log
  if log then log[#log + 1] = { what = "linked", link = l, rule = self.rule } end
  return l
end

-- A text rule's match at byte pos: first and last tokens and its
-- captures { captures = ..., values = ... }; nil when none (or dropped by
-- snapping); and where the match ended.
local function text_match(doc, text, r, matcher, pos)
  local caps, e = (r.lpeg_match or lpeg.match)(matcher, text, pos)  -- guarded: rules.load
  if not caps or e <= pos then return nil, nil, nil, e end
  local first, last, exact = doc_locate(doc, pos, e - 1)
  if not first or (r.snap == "drop" and not exact) then return nil, nil, nil, e end
  local captures, values = {}, {}
  for k, v in pairs(caps) do
    if type(k) == "string" and type(v) == "table" and type(v[1]) == "number" and #v >= 2 then
      local f, l, ex = doc_locate(doc, v[1], v[#v] - 1)
      if f and (ex or r.snap ~= "drop") then captures[k] = range(doc, f, l) end
    else
      values[k] = v
    end
  end
  return first, last, { captures = captures, values = values }, e
end

-- Appends the text rules' matches to the candidates (flat rule, first,
-- last triples); extra[k] keeps candidate k's captures.
local function text_candidates(phase, c, doc, text, flat, extra)
  local rules, matchers, n = phase.rules, c.matchers, #flat
  local last_end = {}
  local found = (phase.lpeg_match or lpeg.match)(c.scanner, text)  -- pos, j..., 0, ...
  local k, nf = 1, #found
  while k <= nf do
    local pos = found[k]
    k = k + 1
    local j = found[k]
    while j ~= 0 do
      if pos >= (last_end[j] or 0) then
        local first, last, caps, e = text_match(doc, text, rules[c.rule_of[c.nt + j]],
                                                matchers[j], pos)
        if first then
          flat[n + 1], flat[n + 2], flat[n + 3] = c.nt + j, first, last
          n = n + 3
          extra[n / 3] = caps
          last_end[j] = e
        end
      end
      k = k + 1
      j = found[k]
    end
    k = k + 1
  end
end

-- Overlaps ----------------------------------------------------------------

-- Why candidate a lost to candidate b under a policy: the criterion that
-- decided, in the policy's order (see core.settle).
local function why_lost(policy, ra, rb, a_first, a_last, b_first, b_last, a_rank, b_rank)
  local la, lb = a_last - a_first, b_last - b_first
  local tests = {
    longest = { "length", "priority", "start", "order" },
    priority = { "priority", "length", "start", "order" },
    first = { "order", "start", "length" },
  }
  for _, t in ipairs(tests[policy]) do
    if t == "length" and la ~= lb then
      return format("the longer match wins: %d tokens to %d", lb + 1, la + 1)
    elseif t == "priority" and ra.priority ~= rb.priority then
      return format("the higher priority wins: %s to %s", tostring(rb.priority),
                    tostring(ra.priority))
    elseif t == "start" and a_first ~= b_first then
      return "the earlier match wins"
    elseif t == "order" and a_rank ~= b_rank then
      return "the rule listed first wins"
    end
  end
  return "it came second"
end

-- Running -----------------------------------------------------------------

-- The captures of candidate k: machine slots turned into ranges, or a
-- text rule's.
-- The captures and other values of a match (see Match.__index): a text
-- rule's, or the machine's slots turned into ranges.
function captures_of(m)
  local c, rn = m._c, m._rn
  if rn > c.nt then
    local x = m._extra
    return x.captures, x.values
  end
  local out = {}
  local s = m._slots
  if s then
    for j, name in ipairs(c.capnames[rn]) do
      local a, b = s[2 * j - 1], s[2 * j]
      if a and b and b > a then out[name] = range(m.doc, a + 1, b) end
    end
  end
  return out, {}
end

-- The tokens of one capture, without making the captures table.
function capture_range(m, name)
  local c, rn = m._c, m._rn
  if rn > c.nt then
    local r = m._extra.captures[name]
    if r then return r.first, r.last end
    return nil
  end
  local s = m._slots
  if not s then return nil end
  for j, n in ipairs(c.capnames[rn]) do
    if n == name then
      local a, b = s[2 * j - 1], s[2 * j]
      if a and b and b > a then return a + 1, b end
      return nil
    end
  end
  return nil
end

-- Attribute functions, actions and explain records for the winners.
local function run_actions(c, rules, doc, flat, winners, number, matches, made, as_match, plog)
  local rule_of = c.rule_of
  for i = 1, #winners do
    local w = winners[i]
    local r = rules[rule_of[flat[3 * w - 2]]]
    if plog or r.action or type(r.attrs) == "function" then
      local k = number and number[w] or w
      local m = matches[k] or as_match(k)
      local span = made[i] or nil
      m.span = span
      if span and type(r.attrs) == "function" then
        local t = r.attrs(m, doc)
        if type(t) == "table" then for key, v in pairs(t) do span.attrs[key] = v end end
      end
      local entry
      if plog and span then
        entry = { what = "made", span = span, rule = r.name, notes = {},
                  pattern = r.kind == "text" and "an LPeg pattern over the text"
                            or tostring(r.pattern) }
        local caps = {}
        for name, cr in pairs(m.captures) do
          caps[#caps + 1] = { name = name, first = cr.first, last = cr.last }
        end
        sort(caps, function(x, y)
          return x.first < y.first or (x.first == y.first and x.name < y.name)
        end)
        entry.captures = caps
      elseif plog then
        entry = { what = "matched", rule = r.name, notes = {},
                  cand = { first = m.first, last = m.last } }
      end
      if entry then
        plog[#plog + 1] = entry
        m.log = entry.notes
      end
      if r.action and r.action(m, doc) == false and span then
        spans.remove_span(doc, span)    -- the action refused: take the span back
        if entry then
          entry.what, entry.cand, entry.why = "dropped", span, "refused by its action"
          entry.span = nil
        end
        m.span = nil
      end
    end
  end
end

local function run_phase(phase, doc, text, log, forms, fresh)
  local c = compiled(phase)
  local rules, rule_of = phase.rules, c.rule_of
  local plog                            -- this phase's records, put in text order
  if log then
    log[#log + 1] = { what = "phase", name = phase.name, overlap = phase.overlap }
    plog = {}
  end
  -- candidates: flat (rule number, first, last) triples
  local flat, slots, extra = {}, {}, {}
  if c.program then
    local prog = c.program
    flat, slots = prog.core:run(doc, spans.sorted_spans(spans.annotations(doc)),
                                prog:extern_callback(doc), log ~= nil or c.lua, prog.labels,
                                prog.filters, forms, fresh)
  end
  if c.scanner then text_candidates(phase, c, doc, text, flat, extra) end
  if flat[1] == nil then return end     -- nothing matched: nothing to settle
  local cands = flat                    -- numbered as found; 'where' may filter flat
  local function as_match(k)
    local rn = cands[3 * k - 2]
    return setmetatable({
      doc = doc, rule = rules[rule_of[rn]].name, first = cands[3 * k - 1], last = cands[3 * k],
      _c = c.view, _rn = rn, _slots = slots[k], _extra = extra[k],
    }, Match)
  end
  -- 'where' checks, before the candidates compete
  local matches = {}
  local number = nil                    -- settle's numbering -> candidate number
  if c.has_where then
    local kept, n = {}, 0
    number = {}
    for k = 1, #flat / 3 do
      local r = rules[rule_of[flat[3 * k - 2]]]
      local ok = true
      if r.where then
        matches[k] = as_match(k)
        ok = r.where(matches[k], doc)
        if not ok and plog then
          plog[#plog + 1] = { what = "dropped", rule = r.name, why = "refused by its 'where' check",
                              cand = { first = flat[3 * k - 1], last = flat[3 * k],
                                       label = r.label } }
        end
      end
      if ok then
        kept[n + 1], kept[n + 2], kept[n + 3] = flat[3 * k - 2], flat[3 * k - 1], flat[3 * k]
        n = n + 3
        number[n / 3] = k
      end
    end
    flat = kept
  end
  local winners, dropped = core.settle(flat, c.prios, c.ranks, phase.overlap, log ~= nil)
  if plog then
    for d = 1, #dropped, 2 do
      local k, w = dropped[d], dropped[d + 1]
      local ri, wi = rule_of[flat[3 * k - 2]], rule_of[flat[3 * w - 2]]
      local r, wr = rules[ri], rules[wi]
      local kf, kl, wf, wl = flat[3 * k - 1], flat[3 * k], flat[3 * w - 1], flat[3 * w]
      plog[#plog + 1] = {
        what = "dropped", rule = r.name,
        cand = { first = kf, last = kl, label = r.label },
        why = format("overlaps %s from rule %q (%s: %s)",
                     spans.show_span(doc, { first = wf, last = wl, label = wr.label }),
                     wr.name, phase.overlap,
                     why_lost(phase.overlap, r, wr, kf, kl, wf, wl, ri, wi)),
      }
    end
  end
  -- the spans of the winners, made in C; then what needs Lua: attributes
  -- functions, actions, explain records
  local a = spans.annotations(doc)
  local in_order, made = core.make_spans(doc, a.pending, flat, winners, c.labels, c.names,
                                         c.attrs, spans.span_mt)
  if not in_order then a.pending_sorted = false end
  if c.needs_lua or log then
    run_actions(c, rules, doc, flat, winners, number, matches, made, as_match, plog)
  end
  if plog then
    -- records in text order (a stable sort), each followed by its notes
    for i, e in ipairs(plog) do e.order = i end
    sort(plog, function(x, y)
      local fx, fy = (x.span or x.cand).first, (y.span or y.cand).first
      if fx ~= fy then return fx < fy end
      return x.order < y.order
    end)
    for _, e in ipairs(plog) do
      log[#log + 1] = e
      for _, note in ipairs(e.notes or {}) do log[#log + 1] = note end
    end
  end
end
-- Pipelines ---------------------------------------------------------------

local Pipeline = {}
Pipeline.__index = Pipeline
Pipeline.__tostring = function(p) return format("glean.Pipeline (%d phases)", #p.phases) end

-- A Matcher's metatable has core.matcher_methods as __index.
local function is_matcher(x)
  local mt = type(x) == "userdata" and getmetatable(x)
  return mt and mt.__index == core.matcher_methods or false
end

-- Flattens phases, rule sets (arrays of phases) and bare rules (made into
-- one phase) into an array of phases.
local function flatten_phases(list, out, where)
  for i, x in ipairs(list) do
    if is_phase(x) then out[#out + 1] = x
    elseif is_rule(x) then out[#out + 1] = M.phase{ name = where .. "[" .. i .. "]", rules = { x } }
    elseif type(x) == "table" and getmetatable(x) == nil then
      flatten_phases(x, out, where .. "[" .. i .. "]")
    else
      argerror(1, "pipeline", where .. "[" .. i .. "] is not a phase, a rule or a rule set", 4)
    end
  end
  return out
end

--- Makes a pipeline: a tokenizer, gazetteers and phases.
-- Fields:
--
-- - `phases`: an array of phases (and rule sets from `glean.rules.load`);
-- - `gazetteers`: an array of Matchers (or paths of compiled gazetteers,
--   or tables `{matcher, name = ..., overlap = ..., labels = {...},
--   attrs = {...}}`, `attrs` being attributes every span of it gets unless
--   its entry has them);
--   their matches become spans (label and attributes from the entry,
--   `rule` = the gazetteer's name) before the first phase;
-- - `tokenizer`: tokenizer options or a Tokenizer; by default the
--   gazetteers' options (which must then agree), else the defaults.
-- @tparam table def
-- @treturn Pipeline
-- @usage local pl = glean.pipeline{ gazetteers = { m }, phases = { people, roles } }
function M.pipeline(def)
  if type(def) ~= "table" then argerror(1, "pipeline", "table expected, got " .. type(def)) end
  for k in pairs(def) do
    if k ~= "phases" and k ~= "gazetteers" and k ~= "tokenizer" then
      argerror(1, "pipeline", "unknown field '" .. tostring(k) .. "'")
    end
  end
  local phases = flatten_phases(def.phases or {}, {}, "phases")
  for _, ph in ipairs(phases) do
    local ok, err = pcall(compiled, ph)
    if not ok then
      argerror(1, "pipeline", "phase '" .. ph.name .. "': "
               .. (tostring(err):gsub("^[^:]*:%d+: ", "")))
    end
  end
  local gazetteers = {}
  for i, g in ipairs(def.gazetteers or {}) do
    local entry = type(g) == "table" and g or { g }
    local m = entry[1] or entry.matcher
    if type(m) == "string" then
      local loaded, err = require("glean.gazetteer").load(m)
      if not loaded then argerror(1, "pipeline", "gazetteers[" .. i .. "]: " .. err) end
      entry.name = entry.name or m
      m = loaded
    end
    if not is_matcher(m) then
      argerror(1, "pipeline", "gazetteers[" .. i .. "] is not a Matcher")
    end
    if entry.attrs ~= nil and type(entry.attrs) ~= "table" then
      argerror(1, "pipeline", "gazetteers[" .. i .. "].attrs must be a table")
    end
    gazetteers[#gazetteers + 1] = {
      matcher = m, name = entry.name or ("gazetteer" .. i),
      query = { overlap = entry.overlap, labels = entry.labels },
      entry_labels = {}, entry_attrs = {}, attrs = entry.attrs,
    }
  end
  local tk = def.tokenizer
  if tk == nil then
    tk = gazetteers[1] and gazetteers[1].matcher or core.tokenizer()
  elseif type(tk) == "table" then
    tk = core.tokenizer(tk)
  end
  -- the tokens' forms, kept from one phase to the next (core.forms)
  return setmetatable({ phases = phases, gazetteers = gazetteers, tokenizer = tk,
                        forms = core.forms() }, Pipeline)
end

-- The spans of one gazetteer, made in C (core.gazetteer_spans) from each
-- entry's label and attributes, read once per entry and kept: in
-- g.entry_labels, and in g.entry_attrs the entry's fields but its label,
-- with the gazetteer's `attrs` where the entry has none (false when that
-- leaves none).
local gazetteer_spans = core.gazetteer_spans
local function run_gazetteer(g, doc, log)
  local m = g.matcher
  local firsts, lasts, entries = m:hits(doc, g.query)
  local labels, attrs_of = g.entry_labels, g.entry_attrs
  for k = 1, #entries do
    local n = entries[k]
    if labels[n] == nil then
      local e = m:entry(n)
      local attrs, extra = {}, g.attrs
      for key, v in pairs(e) do if key ~= "label" then attrs[key] = v end end
      if extra then
        for key, v in pairs(extra) do if attrs[key] == nil then attrs[key] = v end end
      end
      labels[n] = e.label or g.name
      attrs_of[n] = next(attrs) ~= nil and attrs
    end
  end
  local a = spans.annotations(doc)
  if not gazetteer_spans(doc, a.pending, firsts, lasts, entries, labels, attrs_of, g.name,
                         spans.span_mt) then
    a.pending_sorted = false
  end
  if log then log[#log + 1] = { what = "gazetteer", name = g.name, count = #firsts } end
end

--- Runs the pipeline over a text (or a Doc tokenised with the pipeline's
-- options) and returns the Doc with its spans and links.
-- @param text_or_doc
-- @tparam[opt] table opts `explain = true` records why each span was made
-- or dropped (see `Doc:explain`)
-- @treturn Doc
-- @usage local doc = pipeline:run(text, { explain = true }); print(doc:explain())
function Pipeline:run(text_or_doc, opts)
  local doc
  if type(text_or_doc) == "string" then
    doc = self.tokenizer:tokenize(text_or_doc)
  elseif spans.is_doc(text_or_doc) then
    doc = text_or_doc
  else
    argerror(1, "run", "string or Doc expected, got " .. type(text_or_doc))
  end
  if opts ~= nil and type(opts) ~= "table" then
    argerror(2, "run", "table expected, got " .. type(opts))
  end
  local log
  if opts and opts.explain then
    local a = spans.annotations(doc)
    a.log = a.log or {}
    log = a.log
  end
  local text = doc:source()
  for _, g in ipairs(self.gazetteers) do run_gazetteer(g, doc, log) end
  -- An untrusted file's phases: what its functions changed in the host's
  -- tables is put back (after_run) when its last phase in a row ends, even
  -- by an error, before any other phase runs and before returning. Between
  -- two phases of the same file the pipeline reads none of those tables:
  -- the file's phases are compiled at load, and their copies have
  -- metatables of their own (see detach). Putting back costs some 20 us,
  -- which once per phase was a quarter of a rules benchmark's time.
  local put_back
  for i, ph in ipairs(self.phases) do
    local after = rawget(ph, "after_run")
    if put_back and put_back ~= after then
      put_back()
      put_back = nil
    end
    if after then
      put_back = after
      local ok, err = pcall(run_phase, ph, doc, text, log, self.forms, i == 1)
      if not ok then
        put_back()
        error(err, 0)
      end
    else
      run_phase(ph, doc, text, log, self.forms, i == 1)
    end
  end
  if put_back then put_back() end
  return doc
end

--- The rules of all phases, in order.
-- @treturn {Rule,...}
-- @usage for _, r in ipairs(pipeline:rules()) do print(r.name) end
function Pipeline:rules()
  local out = {}
  for _, ph in ipairs(self.phases) do
    for _, r in ipairs(ph.rules) do out[#out + 1] = r end
  end
  return out
end

M.Match = Match

-- Rule files ----------------------------------------------------------------

-- What a rule file has in scope besides the safe standard functions (the
-- sandbox gives it its own copy of lpeg).
local function vocabulary()
  return {
    T = pattern, rule = M.rule, phase = M.phase,
    C = pattern.C,
  }
end

-- The host tables a rule file reaches through its vocabulary (the pattern
-- module and its constants, the metatables of patterns, rules and phases,
-- whose __index is themselves): the sandbox puts them back as they were
-- after the load and after each guarded call.
local function protected()
  return { pattern, getmetatable(pattern.any), Rule, Phase }
end

-- Copies of a token pattern's tables (shared subpatterns stay shared), so
-- that the rule file keeps no reference to what the pipeline runs.
local function copy_pattern(p, seen)
  if type(p) ~= "table" then return p end
  if seen[p] then return seen[p] end
  local c = {}
  seen[p] = c
  for k, v in pairs(p) do c[copy_pattern(k, seen)] = copy_pattern(v, seen) end
  return setmetatable(c, getmetatable(p))
end

-- The text rules of a phase, checked for the scan that tries them all at
-- every position: LPeg compiles it with all of them, and the scan's tests
-- of their first bytes are counted per position, not by ticks.
local function check_text_rules(ph, slpeg)
  local m, size, cost = 0, 0, 0
  for _, r in ipairs(ph.rules) do
    if r.kind == "text" then
      local i = slpeg.info(r.pattern) or { s = 1, cc = 1 }
      m, size, cost = m + 1, size + i.s, cost + i.cc
    end
  end
  local most = math.floor(slpeg.PER_BYTE / slpeg.SCAN_PER_RULE / 4)
  if m > most then
    error(string.format("phase '%s' has %d text rules, more than the %d a scan can try at "
                        .. "each position within its LPeg budget", tostring(ph.name), m, most), 0)
  end
  -- each pattern is in the scan twice (#any, which) and in its matcher;
  -- the scan's two chains of m links cost m times their size each
  cost = 3 * cost + 6 * m * (size + 3 * m)
  if cost > slpeg.MAX_COST then
    error(string.format("phase '%s': its text rules are too complex together (compiling "
                        .. "their scan would take about %.3g steps of LPeg's analyses, more "
                        .. "than %.3g)", tostring(ph.name), cost, slpeg.MAX_COST), 0)
  end
  return m
end

-- Copies of the phases and rules an untrusted file made, with its
-- functions guarded: the file's own references (kept in upvalues, say) then
-- lead to tables the pipeline never reads, so an action cannot swap an
-- unguarded function in later. Text rules match under limits too, for
-- their LPeg function captures (`lpeg.Cmt`, `p / f`) and LPeg's own work:
-- each starts with a test of its first byte, and the scan of a document
-- prepays its top region at each place it will try it (or, when its first
-- byte cannot be known, it starts with a tick). `pool` gives the calls
-- over a document the LPeg steps allowed per byte of it; a phase's scan
-- fills it anew (less what the scan's first-byte tests cost).
local function detach(phases, guard, guard_pattern, restore, matcher, slpeg, pool)
  local rules_seen, seen = {}, {}
  local lpeg_match = matcher{ pool = pool.of_text }
  local sandbox = require "glean.sandbox"
  local out = {}
  for i, ph in ipairs(phases) do
    local c = {}
    for k, v in pairs(ph) do c[k] = v end
    c.compiled = nil
    c.rules = {}
    local ntext = check_text_rules(ph, slpeg)
    for j, r in ipairs(ph.rules) do
      local cr = rules_seen[r]
      if not cr then
        cr = {}
        for k, v in pairs(r) do cr[k] = v end
        if type(cr.attrs) == "table" then cr.attrs = copy_pattern(cr.attrs, {}) end
        cr.action, cr.where = guard(cr.action), guard(cr.where)
        if type(cr.attrs) == "function" then cr.attrs = guard(cr.attrs) end
        if cr.kind == "token" then
          cr.pattern = copy_pattern(cr.pattern, seen)
          guard_pattern(cr.pattern, {})
        else
          cr.pattern = slpeg.entry(cr.pattern, true)
          cr.lpeg_match = lpeg_match
        end
        rules_seen[r] = setmetatable(cr, DetachedRule)
      end
      c.rules[j] = cr
    end
    local per_byte = 2 * slpeg.SCAN_PER_RULE * ntext
    -- the text rules' entries without a tick of their own: the scan
    -- prepays their top regions at each place it may try them (three
    -- times: `#any`, `which`, and the matcher of a rule found there)
    local weights, prepays = {}, false
    for _, r in ipairs(c.rules) do
      local pay = r.kind == "text" and slpeg.prepaid(r.pattern)
      if pay then
        prepays = true
        for _, b in ipairs(pay.bytes) do weights[b + 1] = (weights[b + 1] or 0) + 3 * pay.cost end
      end
    end
    weights = prepays and core.byte_weights(weights) or nil
    c.lpeg_match = matcher{ pool = function(text) return pool.fill(text, per_byte) end,
                            prepay = weights and function(text)
                              return core.scan_cost(text, weights)
                            end,
                            instructions_per_byte = sandbox.SCAN_INSTRUCTIONS_PER_BYTE }
    c.after_run = restore
    out[i] = setmetatable(c, DetachedPhase)
    compiled(out[i])            -- now, while the host's tables are as they were
  end
  return out
end

local function read_file(path)
  local fh, err = io.open(path, "rb")
  if not fh then return nil, err end
  local data = fh:read("*a")
  fh:close()
  return data
end

-- A rule set: the phases a rule file made (a plain array, as pipeline{}
-- takes it).
local function as_phases(value, made, name)
  if value == nil then return made end
  if is_phase(value) then return { value } end
  if is_rule(value) then return { M.phase{ name = name, rules = { value } } } end
  if type(value) == "table" then
    local rules, phases = {}, {}
    for i, x in ipairs(value) do
      if is_rule(x) then rules[#rules + 1] = x
      elseif is_phase(x) then phases[#phases + 1] = x
      else
        return nil, name .. ": element " .. i .. " of the returned table is not a rule or a phase"
      end
    end
    if #rules > 0 and #phases > 0 then
      return nil, name .. ": the returned table mixes rules and phases"
    end
    if #rules > 0 then return { M.phase{ name = name, rules = rules } } end
    return phases
  end
  return nil, name .. ": a rule file returns a phase, a rule, or an array of them (got "
         .. type(value) .. ")"
end

--- Loads a rule file in a sandbox and returns its phases.
-- The file sees the rule vocabulary (`T`, `rule`, `phase`, `C`, `lpeg`)
-- and the safe parts of the standard library (`string`, `table`, `math`,
-- `utf8`, ...), but not `io`, `os`, `require`, `load`, `debug`, ...; its
-- work and memory are bounded, LPeg's matching included (the file's `lpeg`
-- is `glean.sandbox_lpeg`'s, unless it is trusted). It returns a phase, a rule, or an array of
-- either (rules become one phase named after the file); returning nothing
-- gives the phases it made, in order. `include "name"` runs another rule
-- file found through `opts.include` (a function name -> source, chunk
-- name) or, by default, beside the including file.
-- @param source a path, or a string of Lua source (`opts.string = true`, or
-- a string holding a newline)
-- @tparam[opt] table opts `string`, `name`, `include`, `env` (extra names
-- the file sees, such as helper functions of a trusted host; they run under
-- the file's limits), `trusted` (the file is the host's own: its functions
-- are not guarded when a pipeline calls them), `instructions` and
-- `memory` (limits of the load),
-- `call_instructions` and `call_memory` (limits of each call of the
-- file's functions when a pipeline runs them: actions, `where` checks,
-- attribute functions, `T.pred`, and matches of its text rules and
-- `T.match` patterns; each call may also take LPeg steps from those
-- allowed per byte of the document, `sandbox_lpeg.PER_BYTE`, shared by
-- the calls over it)
-- @return an array of phases, or nil and a message naming the file and line
-- @usage local phases = assert(glean.rules.load("rules/news.lua"))
function M.load(source, opts)
  if type(source) ~= "string" then argerror(1, "load", "string expected, got " .. type(source)) end
  if opts ~= nil and type(opts) ~= "table" then
    argerror(2, "load", "table expected, got " .. type(opts))
  end
  opts = opts or {}
  local name, code, dir
  if opts.string or source:find("\n") then
    code, name = source, opts.name or "rules"
  else
    local err
    code, err = read_file(source)
    if not code then return nil, err end
    name = opts.name or source
    dir = source:match("^(.*[/\\])") or ""
  end
  local made, made_rules = {}, {}
  local vocab = vocabulary()
  if opts.env ~= nil then
    if type(opts.env) ~= "table" then
      argerror(2, "load", "opts.env: table expected, got " .. type(opts.env))
    end
    for k, v in pairs(opts.env) do vocab[k] = v end
  end
  local include = opts.include
  if not include then
    include = function(iname)
      if type(iname) ~= "string" or iname:find("%.%.") or iname:find("^[/\\]") then
        return nil, "bad include name " .. tostring(iname)
      end
      local path = (dir or "") .. iname .. (iname:find("%.lua$") and "" or ".lua")
      local data, err = read_file(path)
      if not data then return nil, err end
      return data, "@" .. path
    end
  end
  local sandbox = require "glean.sandbox"
  local outer = collecting
  collecting = { phases = made, rules = made_rules }
  local value, env = sandbox.run(code, "@" .. name, vocab, {
    include = include, instructions = opts.instructions, memory = opts.memory,
    protect = not opts.trusted and protected() or nil,
    plain_lpeg = opts.trusted and true or nil,   -- a trusted file's LPeg is LPeg
  })
  collecting = outer
  if type(env) ~= "table" then return nil, env end
  -- The LPeg steps the file's calls may take per byte of the document
  -- they work on, shared by all of them (see sandbox.guard); filled anew
  -- for each document, and when its phases end.
  local slpeg = require "glean.sandbox_lpeg"
  local pool = { left = 0 }
  function pool.fill(text, per_byte)
    local n = type(text) == "string" and #text or 0
    pool.text, pool.doc = text, nil
    pool.left = (slpeg.PER_BYTE - (per_byte or 0)) * n - (per_byte or 0)
    return pool
  end
  function pool.of_text(text)
    if text ~= pool.text then pool.fill(text) end
    return pool
  end
  function pool.of_doc(_, doc)
    if doc ~= nil and doc == pool.doc then return pool end
    if not spans.is_doc(doc) then return nil end
    pool.of_text(doc:source())
    pool.doc = doc
    return pool
  end
  -- the file's functions run under limits too when the pipeline calls them
  -- (the protected host tables are put back when a run of the file's
  -- phases ends, not after every call: see Pipeline:run)
  local limits = { instructions = opts.call_instructions, memory = opts.call_memory,
                   restore = false, pool = pool.of_doc }
  -- (a pattern shared by several rules is visited once per rule: a
  -- function already guarded is not wrapped again, which would run the
  -- wrapper itself under the limits, in a window inside the window)
  local guarded, wrappers = {}, {}
  local function guard(fn)
    if type(fn) ~= "function" or opts.trusted or wrappers[fn] then return fn end
    local g = guarded[fn]
    if not g then
      g = sandbox.guard(env, fn, limits)
      guarded[fn], wrappers[g] = g, true
    end
    return g
  end
  -- LPeg matches of the file's patterns (text rules, T.match) run under
  -- the same limits (see sandbox.matcher)
  local function matcher(mopts)
    for k, v in pairs(limits) do
      if mopts[k] == nil then mopts[k] = v end
    end
    return sandbox.matcher(env, mopts)
  end
  local token_match
  local externs_seen = {}
  local function guard_pred(spec)
    if spec.op == "extern" then
      -- (the spec is the host's copy, but the file could have set any of
      -- its fields: what the pipeline calls, fn or match, is set here)
      if opts.trusted or externs_seen[spec] then return end
      externs_seen[spec] = true
      if spec.lpeg ~= nil then
        -- T.match: one token's text, matched under limits (Program's
        -- extern_callback calls spec.match with spec.entry and the text)
        token_match = token_match or matcher{}
        spec.fn, spec.entry, spec.match = nil, slpeg.entry(spec.lpeg), token_match
      else
        spec.entry, spec.match = nil, nil
        spec.fn = guard(spec.fn)
      end
    elseif spec.op == "not" then guard_pred(spec[1])
    elseif spec.op == "and" or spec.op == "or" then
      for _, x in ipairs(spec.list) do guard_pred(x) end
    end
  end
  local function guard_pattern(p, seen)
    if type(p) ~= "table" or seen[p] then return end
    seen[p] = true
    if p.tag == "pred" then guard_pred(p.pred) end
    guard_pattern(p[1], seen)
    guard_pattern(p[2], seen)
  end
  local phases, err = as_phases(value, made, name)
  if not phases or opts.trusted then return phases, err end
  -- a pattern nested too deep for the copy is the file's problem
  local ok, detached = pcall(detach, phases, guard, guard_pattern,
                             function() pool.text, pool.doc = nil, nil; sandbox.restore(env) end,
                             matcher, slpeg, pool)
  if not ok then return nil, name .. ": " .. tostring(detached):gsub("^[^:]*:%d+: ", "") end
  return detached
end

return M
