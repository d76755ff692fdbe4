--- Spans and links on a Doc: what gazetteers and rules found.
--
-- A span is a table `{start, stop, first, last, label, attrs, rule, text}`:
-- byte offsets `start`..`stop` (1-based, inclusive), tokens
-- `first`..`last`, a label ("PERSON"), a table of attributes, and the name
-- of the rule (or gazetteer) that made it. A link ties two spans with a
-- kind ("alias", "role", "speaker"): `{from = span, kind = "alias", to =
-- span, attrs = {...}}`.
--
-- This module adds methods to every Doc: `doc:spans`, `doc:span_at`,
-- `doc:add_span`, `doc:links`, `doc:link` and `doc:explain`. The
-- annotations live beside the Doc (in a weak table), so a Doc without any
-- costs nothing.
--
-- @module glean.spans
-- @usage
-- local glean = require "glean"
-- local doc = glean.tokenize("Sir Richard Moore, the head of MI6, spoke.")
-- local p = doc:add_span("PERSON", 1, 3, { title = "Sir" })
-- local r = doc:add_span("ROLE", 6, 8)
-- doc:link(p, "role", r)
-- print(#doc:spans(), doc:spans("PERSON")[1].text)   --> 2  Sir Richard Moore

local core = require "glean.core"

local type, error, ipairs, pairs, tostring = type, error, ipairs, pairs, tostring
local getmetatable, setmetatable = getmetatable, setmetatable
local sort, concat = table.sort, table.concat
local format = string.format
local floor = math.floor

local M = {}

local doc_mt = getmetatable(core.tokenizer()("x"))
local methods = core.doc_methods
-- called as functions where every span pays them: doc:text() would first
-- look the method up through the Doc's __index, a C call of its own
local doc_span, doc_text = methods.span, methods.text

-- Annotations of each Doc: { spans = {...} (in text order), pending =
-- {...} (spans made since, merged on demand), pending_sorted = bool,
-- links = {...}, log = {...} or nil (explain records) }.
local store = setmetatable({}, { __mode = "k" })

local function is_doc(x) return type(x) == "userdata" and getmetatable(x) == doc_mt end
M.is_doc = is_doc

--- The annotations table of a Doc, made on first use (for glean's own
-- modules: rules and reports).
-- @tparam Doc doc
-- @treturn table `{spans = {...}, links = {...}, log = nil|{...}}`
-- @usage local a = spans.annotations(doc)
function M.annotations(doc)
  local a = store[doc]
  if not a then
    a = { spans = {}, pending = {}, pending_sorted = true, links = {} }
    store[doc] = a
  end
  return a
end
local annotations = M.annotations

local function check_doc(doc, fname)
  if not is_doc(doc) then
    error("bad argument #1 to '" .. fname .. "' (glean.Doc expected, got " .. type(doc) .. ")", 3)
  end
end

-- Text order: by first token, longer first; spans over the same tokens
-- stay in the order they were made (core.merge_spans is stable).
local function span_order(a, b)
  if a.first ~= b.first then return a.first < b.first end
  return a.last > b.last
end

-- Spans made without attributes get their attrs table on first use.
local span_mt = {
  __index = function(span, k)
    if k == "attrs" then
      local attrs = {}
      rawset(span, "attrs", attrs)
      return attrs
    end
  end,
}
M.span_mt = span_mt

--- Makes a span over tokens first..last and adds it to the Doc (no
-- overlap check: that is the rule phases' business).
-- @tparam Doc doc
-- @tparam string label
-- @tparam int first first token
-- @tparam[opt=first] int last last token
-- @tparam[opt] table attrs attributes (kept, not copied)
-- @tparam[opt] string rule the name of who made it
-- @treturn table the span
-- @usage local s = spans.new_span(doc, "ORG", 4, 4, { id = "Q1" }, "my_rule")
function M.new_span(doc, label, first, last, attrs, rule)
  local start, stop = doc_span(doc, first, last)
  local a = store[doc] or annotations(doc)
  local pending = a.pending
  local n = #pending + 1
  local span = {
    start = start, stop = stop, first = first, last = last, label = label,
    attrs = attrs, rule = rule, text = doc_text(doc, first, last),
  }
  if attrs == nil then setmetatable(span, span_mt) end
  pending[n] = span
  if n > 1 and a.pending_sorted and span_order(span, pending[n - 1]) then
    a.pending_sorted = false
  end
  return span
end

-- The spans in text order: the pending ones (each phase makes its spans
-- in text order, mostly) merged into the rest, in C (core.merge_spans: a
-- stable sort of the pending spans when they are out of order, then a
-- linear merge).
local merge_spans, select_spans = core.merge_spans, core.select_spans
local function sorted_spans(a)
  local pending = a.pending
  if pending[1] == nil then return a.spans end
  local out = merge_spans(a.spans, pending, a.pending_sorted)
  a.spans, a.pending, a.pending_sorted = out, {}, true
  return out
end
M.sorted_spans = sorted_spans

--- Takes a span back (a rule's action refused it).
-- @tparam Doc doc
-- @tparam table span
-- @treturn boolean whether it was there
-- @usage spans.remove_span(doc, s)
function M.remove_span(doc, span)
  local a = store[doc]
  if not a then return false end
  for _, list in ipairs({ a.pending, a.spans }) do
    for i = #list, 1, -1 do
      if list[i] == span then table.remove(list, i); return true end
    end
  end
  return false
end

--- Adds a span over tokens first..last.
-- @function Doc:add_span
-- @tparam string label
-- @tparam int first first token (negative: from the end)
-- @tparam[opt=first] int last last token
-- @tparam[opt] table attrs attributes
-- @treturn table the span
-- @usage local s = doc:add_span("ORG", 7, 7, { id = "Q1" })
function methods.add_span(doc, label, first, last, attrs)
  check_doc(doc, "add_span")
  local n = #doc
  if type(label) ~= "string" then
    error("bad argument #2 to 'add_span' (string expected, got " .. type(label) .. ")", 2)
  end
  if type(first) ~= "number" then
    error("bad argument #3 to 'add_span' (number expected, got " .. type(first) .. ")", 2)
  end
  last = last or first
  if type(last) ~= "number" then
    error("bad argument #4 to 'add_span' (number expected, got " .. type(last) .. ")", 2)
  end
  if first < 0 then first = n + 1 + first end
  if last < 0 then last = n + 1 + last end
  if first < 1 or last > n or first > last or first % 1 ~= 0 or last % 1 ~= 0 then
    error("bad argument #3 to 'add_span' (tokens " .. tostring(first) .. ".." .. tostring(last)
          .. " not within 1.." .. n .. ")", 2)
  end
  if attrs ~= nil and type(attrs) ~= "table" then
    error("bad argument #5 to 'add_span' (table expected, got " .. type(attrs) .. ")", 2)
  end
  return M.new_span(doc, label, first, last, attrs, "add_span")
end

--- The spans, in text order (by first token, longer first), optionally
-- of some labels only. A new array each call; the spans themselves are
-- shared.
-- @function Doc:spans
-- @tparam[opt] string|table label a label or an array of labels
-- @treturn {span,...}
-- @usage for _, s in ipairs(doc:spans("PERSON")) do print(s.text, s.attrs.title) end
function methods.spans(doc, label)
  check_doc(doc, "spans")
  local a = store[doc]
  if not a then return {} end
  local all = sorted_spans(a)
  if label == nil or type(label) == "string" then return select_spans(all, label) end
  if type(label) ~= "table" then
    error("bad argument #2 to 'spans' (string or table expected, got " .. type(label) .. ")", 2)
  end
  local want = {}
  for _, l in ipairs(label) do want[l] = true end
  return select_spans(all, want)
end

--- The index of the first span of a list in text order (by first token)
-- that starts at token `first` or after: a binary search. (Any tables with
-- a `first` field will do: mentions, say.)
-- @tparam {table,...} list spans in text order
-- @tparam int first a token
-- @tparam[opt] int n the list's end, when only list[1..n] is in order
-- (default #list)
-- @treturn int an index, n + 1 when none starts there or after
-- @usage local k = spans.first_at(spans.annotations(doc).spans, 12)
local function first_at(list, first, n)
  local lo, hi = 1, n or #list
  while lo <= hi do
    local mid = floor((lo + hi) / 2)
    if list[mid].first < first then lo = mid + 1 else hi = mid - 1 end
  end
  return lo
end

M.first_at = first_at

-- Is span s over exactly first..last, with the label `want` names (a
-- string, a set of labels, or nil: any)?
local function is_at(s, first, last, want)
  if s.first ~= first or s.last ~= last then return false end
  if want == nil then return true end
  if type(want) == "string" then return s.label == want end
  return want[s.label] == true
end

-- The first span of list[k..] that is_at first..last, while the spans
-- start at first.
local function exact_from(list, k, first, last, want)
  for j = k, #list do
    local s = list[j]
    if s.first ~= first then return nil end
    if is_at(s, first, last, want) then return s end
  end
  return nil
end

--- The span over exactly tokens `first`..`last`, optionally of some labels
-- only: the first in `doc:spans` order (the earliest made), or nil. A binary
-- search, where `doc:spans` lists every span: use it in actions, which a long
-- text calls thousands of times. `first` may be a range instead (a table
-- with `first` and `last`, such as a match's capture), or nil (a capture
-- that matched nothing): then nil.
-- @function Doc:span_at
-- @tparam int|table|nil first first token, or a range
-- @tparam[opt] int last last token (not given with a range)
-- @tparam[opt] string|table label a label or an array of labels
-- @treturn table|nil the span
-- @usage local who = doc:span_at(m.captures.who, "PERSON")
-- @usage local s = doc:span_at(4, 6)
function methods.span_at(doc, first, last, label)
  check_doc(doc, "span_at")
  local argn = 3
  if type(first) == "table" then
    first, last, label, argn = first.first, first.last, last, 2
    if type(first) ~= "number" or type(last) ~= "number" then
      error("bad argument #2 to 'span_at' (range with numbers first and last expected)", 2)
    end
  elseif first == nil then
    return nil
  elseif type(first) ~= "number" then
    error("bad argument #2 to 'span_at' (number or range expected, got " .. type(first) .. ")", 2)
  elseif type(last) ~= "number" then
    error("bad argument #3 to 'span_at' (number expected, got " .. type(last) .. ")", 2)
  end
  local want = label                   -- a label, or a set of them
  if type(label) == "table" then
    want = {}
    for _, l in ipairs(label) do want[l] = true end
  elseif label ~= nil and type(label) ~= "string" then
    error("bad argument #" .. (argn + 1) .. " to 'span_at' (string or table expected, got "
          .. type(label) .. ")", 2)
  end
  local a = store[doc]
  if not a then return nil end
  -- the merged spans, then those made since (merging them would cost a
  -- copy of every span, each call)
  local list = a.spans
  local s = exact_from(list, first_at(list, first), first, last, want)
  if s then return s end
  local pending = a.pending
  if a.pending_sorted then
    return exact_from(pending, first_at(pending, first), first, last, want)
  end
  for j = 1, #pending do
    if is_at(pending[j], first, last, want) then return pending[j] end
  end
  return nil
end

--- Links span `from` to span `to` with a kind ("alias", "role",
-- "speaker", ...).
-- @function Doc:link
-- @tparam table from a span of this Doc
-- @tparam string kind
-- @tparam table to a span of this Doc
-- @tparam[opt] table attrs
-- @treturn table the link `{from, kind, to, attrs}`
-- @usage doc:link(person, "role", role)
function methods.link(doc, from, kind, to, attrs)
  check_doc(doc, "link")
  if type(from) ~= "table" or from.first == nil then
    error("bad argument #2 to 'link' (span expected, got " .. type(from) .. ")", 2)
  end
  if type(kind) ~= "string" then
    error("bad argument #3 to 'link' (string expected, got " .. type(kind) .. ")", 2)
  end
  if type(to) ~= "table" or to.first == nil then
    error("bad argument #4 to 'link' (span expected, got " .. type(to) .. ")", 2)
  end
  local a = annotations(doc)
  local link = { from = from, kind = kind, to = to, attrs = attrs or {} }
  a.links[#a.links + 1] = link
  return link
end

--- The links, in the order they were made, optionally of one kind.
-- @function Doc:links
-- @tparam[opt] string kind
-- @treturn {link,...}
-- @usage for _, l in ipairs(doc:links("alias")) do print(l.from.text, "=", l.to.text) end
function methods.links(doc, kind)
  check_doc(doc, "links")
  local a = store[doc]
  local out = {}
  if not a then return out end
  for _, l in ipairs(a.links) do
    if kind == nil or l.kind == kind then out[#out + 1] = l end
  end
  return out
end

-- Explain -----------------------------------------------------------------

local function show_span(doc, s)
  local text = doc:text(s.first, s.last) or ""
  if #text > 60 then text = text:sub(1, 57) .. "..." end
  return format("%s %q (tokens %d-%d)", s.label or "(no label)", text, s.first, s.last)
end

local function show_attrs(attrs)
  if type(attrs) ~= "table" then return "" end
  local keys = {}
  for k in pairs(attrs) do if type(k) == "string" then keys[#keys + 1] = k end end
  if #keys == 0 then return "" end
  sort(keys)
  local out = {}
  for i, k in ipairs(keys) do
    local v = attrs[k]
    out[i] = k .. " = " .. (type(v) == "string" and format("%q", v) or tostring(v))
  end
  return " {" .. concat(out, ", ") .. "}"
end

--- A readable account of how the spans were made: for each phase, each
-- span with the rule that made it, and each dropped candidate with what
-- dropped it. Needs `pipeline:run(text, { explain = true })`.
-- @function Doc:explain
-- @treturn string
-- @usage print(pipeline:run(text, { explain = true }):explain())
function methods.explain(doc)
  check_doc(doc, "explain")
  local a = store[doc]
  if not a or not a.log then
    return "no explanation recorded: run the pipeline with { explain = true }\n"
  end
  local out = {}
  for _, e in ipairs(a.log) do
    if e.what == "phase" then
      out[#out + 1] = format("phase %q (overlap: %s)", e.name, e.overlap)
    elseif e.what == "gazetteer" then
      out[#out + 1] = format("gazetteer %q: %d match%s", e.name, e.count,
                             e.count == 1 and "" or "es")
    elseif e.what == "made" then
      out[#out + 1] = format("  + %s by rule %q%s", show_span(doc, e.span), e.rule,
                             show_attrs(e.span.attrs))
      if e.pattern then out[#out + 1] = "      pattern: " .. e.pattern end
      if e.captures then
        for _, c in ipairs(e.captures) do
          out[#out + 1] = format("      capture %s = %q", c.name, doc:text(c.first, c.last) or "")
        end
      end
    elseif e.what == "matched" then
      out[#out + 1] = format("  = %s matched rule %q (no label: no span)",
                             show_span(doc, e.cand), e.rule)
    elseif e.what == "added" then
      out[#out + 1] = format("    + %s added by the action of %q%s", show_span(doc, e.span), e.rule,
                             show_attrs(e.span.attrs))
    elseif e.what == "linked" then
      out[#out + 1] = format("    ~ %s -%s-> %s", show_span(doc, e.link.from), e.link.kind,
                             show_span(doc, e.link.to))
    elseif e.what == "dropped" then
      out[#out + 1] = format("  - %s from rule %q dropped: %s", show_span(doc, e.cand),
                             e.rule, e.why)
    end
  end
  return concat(out, "\n") .. "\n"
end

M.show_span = show_span

return M
