--- The report of a news article: a plain Lua table, schema "glean.report/1"
-- (docs/report-schema.json).
--
-- All offsets are 1-based inclusive byte offsets into the input. A
-- quotation's span includes its marks; its `speaker` is an entity id or
-- `json.null`, its `speaker_mention` the words the cue attaches to (a name,
-- a description or a pronoun).
--
-- @module glean.news.report
-- @usage
-- local report = require("glean.news.report").build(doc, { doc = "a.txt" })
-- print(require("glean.json").encode(report))

local json = require "glean.json"
local coref = require "glean.news.coref"
local dates = require "glean.news.dates"
local spans_mod = require "glean.spans"

local sort = table.sort
local floor = math.floor
local setmetatable, rawget = setmetatable, rawget
local array = json.array
-- json.array's metatable, set directly on the many arrays of a report
local array_mt = getmetatable(array({}))

local M = {}

--- The schema name and version of the reports this module builds.
M.SCHEMA = "glean.report/1"

local null = json.null

local function place(s)
  return { start = s.start, stop = s.stop, text = s.text }
end

-- The entity of a speaker span: the entity of a mention inside it (the
-- longest; of those, the first by first token, then entity order), else
-- nil. `by_first`: the mentions by first token.
local function entity_within(span, by_first, of_span)
  local best, best_len
  local first, last = span.first, span.last
  for i = first, last do
    local list = by_first[i]
    if list then
      for j = 1, #list do
        local m = list[j]
        if m.last <= last and (not best or m.last - m.first > best_len) then
          best, best_len = m, m.last - m.first
        end
      end
    end
  end
  return best and of_span[best.span]
end

-- Adds link l's target to out[l.from] (out: a table, or nil for a new one).
local function add_target(out, l)
  out = out or {}
  local list = out[l.from]
  if not list then out[l.from] = { l.to } else list[#list + 1] = l.to end
  return out
end

local EMPTY = {}

-- "Q1", "Q2", ...: made once each.
local quote_id = coref.numbered("Q")

local PERSONAL = { he = true, she = true, him = true, her = true }

-- The PERSON mentions by last token (binary search: the last with last < i);
-- at the same last token, in entity order (a total order: table.sort leaves
-- ties to chance).
local function person_finder(entities, n)
  local people, order = {}, {}
  for k = 1, n do
    local e = entities[k]
    if e.label == "PERSON" then
      local mentions = e.mentions
      for j = 1, #mentions do
        local m = mentions[j]
        people[#people + 1] = m
        order[m] = #people
      end
    end
  end
  sort(people, function(a, b)
    if a.last ~= b.last then return a.last < b.last end
    return order[a] < order[b]
  end)
  return function(i)
    local lo, hi = 1, #people
    while lo <= hi do
      local mid = floor((lo + hi) / 2)
      if people[mid].last < i then lo = mid + 1 else hi = mid - 1 end
    end
    return people[hi]
  end
end

-- The mentions of the first n entities by first token.
local function mentions_by_first(entities, n)
  local by_first = {}
  for k = 1, n do
    local mentions = entities[k].mentions
    for j = 1, #mentions do
      local m = mentions[j]
      local list = by_first[m.first]
      if not list then by_first[m.first] = { m } else list[#list + 1] = m end
    end
  end
  return by_first
end

-- A span's attributes, or nil: a span made without any gets an empty
-- table on first read (glean.spans), which the report need not make.
local function attrs_of(s)
  return rawget(s, "attrs")
end

local function quotes_of(quote_spans, entities, of_span, speaker_of, antecedent_of)
  local out = {}
  if not quote_spans then return out end
  speaker_of, antecedent_of = speaker_of or EMPTY, antecedent_of or EMPTY
  -- the mentions by first token, and the people, made when first needed
  -- (of the entities coreference found, not those made for descriptions)
  local by_first, person_before
  local found = #entities
  local described = {}      -- description text -> entity made for it
  for n = 1, #quote_spans do
    local q = quote_spans[n]
    local attrs = attrs_of(q) or EMPTY
    local item = { start = q.start, stop = q.stop, text = q.text, speaker = null,
                   speaker_mention = null, cue = attrs.cue or null }
    local sp = speaker_of[q] and speaker_of[q][1]
    local ante = antecedent_of[q] and antecedent_of[q][1]
    local sp_attrs = sp and attrs_of(sp)
    local e
    if sp then
      item.speaker_mention = place(sp)
      by_first = by_first or mentions_by_first(entities, found)
      e = entity_within(sp, by_first, of_span)
      local kind = sp_attrs and sp_attrs.kind
      if e and kind == "description" and e.label ~= "PERSON" then e = nil end
    end
    if not e and ante then
      by_first = by_first or mentions_by_first(entities, found)
      e = entity_within(ante, by_first, of_span)
      local ante_attrs = attrs_of(ante)
      if not e and ante_attrs and ante_attrs.kind == "description" then
        sp, sp_attrs = ante, ante_attrs
      end
    end
    -- "he said", "she added": the person named last before the pronoun, when
    -- that is nearer than the last speaker ("According to X, ... he said")
    local pronoun = item.speaker_mention ~= null and sp_attrs
                    and sp_attrs.kind == "pronoun" and PERSONAL[sp.text:lower()]
    if pronoun then
      person_before = person_before or person_finder(entities, found)
      local m = person_before(sp.first)
      if m and (not ante or m.last > ante.last) then e = of_span[m.span] or e end
    end
    if not e and sp_attrs and sp_attrs.kind == "description" then
      -- a described speaker ("several NATO leaders") becomes an entity
      local key = sp.text:lower()
      e = described[key]
      if not e then
        e = { id = "E" .. (#entities + 1), label = "PERSON", name = sp.text,
              attrs = { kind = "description" }, mentions = {}, aliases = {}, roles = {} }
        entities[#entities + 1] = e
        described[key] = e
      end
      -- (a span once: one description may speak several quotations)
      local mentions, listed = e.mentions, false
      for j = 1, #mentions do
        local s = mentions[j].span
        if s.start == sp.start and s.stop == sp.stop then listed = true; break end
      end
      if not listed then mentions[#mentions + 1] = { span = sp } end
    end
    if e then item.speaker = e.id end
    out[#out + 1] = item
  end
  return out
end

-- Resolved dates and durations, kept from one report to the next (a
-- result depends only on the words and the reference date): text -> the
-- result or false, per reference date ("" without one).
local resolved, resolved_count = {}, 0
local durations_of, durations_count = {}, 0
local CACHE_MAX = 2000

local function resolve(text, ref)
  local cache = resolved[ref or ""]
  if not cache then
    cache = {}
    resolved[ref or ""] = cache
  end
  local r = cache[text]
  if r == nil then
    r = dates.resolve(text, ref) or false
    if resolved_count >= CACHE_MAX then
      resolved, resolved_count = { [ref or ""] = {} }, 0
      cache = resolved[ref or ""]
    end
    cache[text] = r
    resolved_count = resolved_count + 1
  end
  return r
end

local function duration(text)
  local r = durations_of[text]
  if r == nil then
    r = dates.duration(text) or false
    if durations_count >= CACHE_MAX then durations_of, durations_count = {}, 0 end
    durations_of[text] = r
    durations_count = durations_count + 1
  end
  return r
end

local function dates_of(date_spans, duration_spans, text, opts)
  local ref = opts.date or dates.reference(text)
  local list, durations = {}, {}
  date_spans = date_spans or EMPTY
  for i = 1, #date_spans do
    local s = date_spans[i]
    local item = { start = s.start, stop = s.stop, text = s.text, value = null, grain = null }
    local r = resolve(s.text, ref)
    if r then
      item.value = r.value or null
      item.grain = r.grain or null
      if r.mod then item.mod = r.mod end
    end
    list[i] = item
  end
  duration_spans = duration_spans or EMPTY
  for i = 1, #duration_spans do
    local s = duration_spans[i]
    -- (grain = nil: room for it made in the table, which most get)
    local item = { start = s.start, stop = s.stop, text = s.text, value = null, grain = nil }
    local r = duration(s.text)
    if r then item.value = r.value or null; item.grain = r.grain end
    durations[i] = item
  end
  return list, durations, ref
end

local function by_start(a, b)
  if a.start ~= b.start then return a.start < b.start end
  return a.stop < b.stop
end

-- The labels of the spans the report lists besides the entities.
local REPORTED = { QUOTE = 1, DATE = 2, DURATION = 3 }

--- Builds the report of a Doc the news pipeline ran over.
-- @param doc the Doc
-- @tparam[opt] table opts `doc` (the input's name), `date` (the reference
-- date, "YYYY-MM-DD"; default: a dateline in the text)
-- @treturn table the report
-- @usage local report = report.build(doc, { doc = "article.txt", date = "2025-09-19" })
function M.build(doc, opts)
  opts = opts or {}
  local entities, of_span = coref.entities(doc)
  -- the spans and links the report reads, in one pass over each (a loop
  -- here costs less than core.select_spans, whose array grows key by key)
  local a = spans_mod.annotations(doc)
  local spans = spans_mod.sorted_spans(a)
  local quote_spans, date_spans, duration_spans
  for i = 1, #spans do
    local s = spans[i]
    local which = REPORTED[s.label]
    if which then
      if which == 1 then
        quote_spans = quote_spans or {}
        quote_spans[#quote_spans + 1] = s
      elseif which == 2 then
        date_spans = date_spans or {}
        date_spans[#date_spans + 1] = s
      else
        duration_spans = duration_spans or {}
        duration_spans[#duration_spans + 1] = s
      end
    end
  end
  local of_links, speaker_of, antecedent_of
  local role_links, alias_links
  local all_links = a.links
  for i = 1, #all_links do
    local l = all_links[i]
    local kind = l.kind
    if kind == "of" then of_links = add_target(of_links, l)
    elseif kind == "speaker" then speaker_of = add_target(speaker_of, l)
    elseif kind == "antecedent" then antecedent_of = add_target(antecedent_of, l)
    elseif kind == "role" then
      role_links = role_links or {}
      role_links[#role_links + 1] = l
    elseif kind == "alias" then
      alias_links = alias_links or {}
      alias_links[#alias_links + 1] = l
    end
  end
  -- roles: person --role--> ROLE --of--> organisation or place
  local links = {}
  role_links = role_links or EMPTY
  for i = 1, #role_links do
    local l = role_links[i]
    local who = of_span[l.from]
    if who then
      local role = l.to
      local what = of_links and of_links[role] and of_span[of_links[role][1]]
      who.roles[#who.roles + 1] = { text = role.text, start = role.start, stop = role.stop,
                                    of = what and what.id or null }
      links[#links + 1] = { kind = "role", from = who.id, to = what and what.id or null,
                            text = role.text }
    end
  end
  alias_links = alias_links or EMPTY
  for i = 1, #alias_links do
    local l = alias_links[i]
    local from, to = of_span[l.from], of_span[l.to]
    if from and to then
      links[#links + 1] = { kind = "alias", from = from.id, to = to.id,
                            text = l.to.text }
    end
  end
  local quotes = quotes_of(quote_spans, entities, of_span, speaker_of, antecedent_of)
  for i = 1, #quotes do
    local q = quotes[i]
    local id = quote_id(i)
    if q.speaker ~= null then
      links[#links + 1] = { kind = "speaker", from = q.speaker, to = id }
    end
    q.id = id
  end
  local date_list, durations, ref = dates_of(date_spans, duration_spans, doc:source(), opts)
  -- the entities become the report's: their fields are the report's
  -- (id, label, name, attrs, aliases, roles), but for their mentions
  -- (each mention is replaced in its own array: coreference's mentions
  -- are not read after this)
  for i = 1, #entities do
    local e = entities[i]
    local mentions = e.mentions
    local sorted, prev = true, 0
    for j = 1, #mentions do
      local s = mentions[j].span
      local start = s.start
      mentions[j] = { start = start, stop = s.stop, text = s.text }
      if start <= prev then sorted = false end
      prev = start
    end
    -- (in strict order already, most often: sorting would change nothing)
    if not sorted then sort(mentions, by_start) end
    setmetatable(mentions, array_mt)
    setmetatable(e.aliases, array_mt)
    setmetatable(e.roles, array_mt)
  end
  return {
    schema = M.SCHEMA,
    doc = opts.doc or null,
    date = ref or null,
    entities = array(entities),
    quotes = array(quotes),
    dates = array(date_list),
    durations = array(durations),
    links = array(links),
  }
end

return M
