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

local ipairs = ipairs
local table, math = table, math

local M = {}

--- The schema name and version of the reports this module builds.
M.SCHEMA = "glean.report/1"

local null = json.null

local function place(s)
  return { start = s.start, stop = s.stop, text = s.text }
end

-- The entity of a speaker span: the entity of a mention inside it (the
-- longest), else nil.
local function entity_within(span, mentions_by_pos, of_span)
  local best
  for i = span.first, span.last do
    for _, m in ipairs(mentions_by_pos[i] or {}) do
      if m.first >= span.first and m.last <= span.last
         and (not best or m.last - m.first > best.last - best.first) then
        best = m
      end
    end
  end
  return best and of_span[best.span]
end

local function links_from(doc, kind)
  local out = {}
  for _, l in ipairs(doc:links(kind)) do
    local list = out[l.from]
    if not list then list = {}; out[l.from] = list end
    list[#list + 1] = l.to
  end
  return out
end

local PERSONAL = { he = true, she = true, him = true, her = true }

local function quotes_of(doc, entities, of_span, mentions_by_pos, person_before)
  local speaker_of = links_from(doc, "speaker")
  local antecedent_of = links_from(doc, "antecedent")
  local described = {}      -- description text -> entity made for it
  local out = {}
  for _, q in ipairs(doc:spans("QUOTE")) do
    local attrs = q.attrs or {}
    local item = { start = q.start, stop = q.stop, text = q.text, speaker = null,
                   speaker_mention = null, cue = attrs.cue or null }
    local sp = speaker_of[q] and speaker_of[q][1]
    local ante = antecedent_of[q] and antecedent_of[q][1]
    local e
    if sp then
      item.speaker_mention = place(sp)
      e = entity_within(sp, mentions_by_pos, of_span)
      local kind = sp.attrs and sp.attrs.kind
      if e and kind == "description" and e.label ~= "PERSON" then e = nil end
    end
    if not e and ante then
      e = entity_within(ante, mentions_by_pos, of_span)
      if not e and ante.attrs and ante.attrs.kind == "description" then sp = ante end
    end
    -- "he said", "she added": the person named last before the pronoun, when
    -- that is nearer than the last speaker ("According to X, ... he said")
    local pronoun = item.speaker_mention ~= null and sp and sp.attrs
                    and sp.attrs.kind == "pronoun" and PERSONAL[sp.text:lower()]
    if pronoun then
      local m = person_before(sp.first)
      if m and (not ante or m.last > ante.last) then e = of_span[m.span] or e end
    end
    if not e and sp and sp.attrs and sp.attrs.kind == "description" then
      -- a described speaker ("several NATO leaders") becomes an entity
      local key = sp.text:lower()
      e = described[key]
      if not e then
        e = { id = "E" .. (#entities + 1), label = "PERSON", name = sp.text,
              attrs = { kind = "description" }, mentions = {}, aliases = {}, roles = {} }
        entities[#entities + 1] = e
        described[key] = e
      end
      e.mentions[#e.mentions + 1] = { span = sp, start = sp.start, stop = sp.stop, text = sp.text }
    end
    if e then item.speaker = e.id end
    out[#out + 1] = item
  end
  return out
end

local function dates_of(doc, text, opts)
  local ref = opts.date or dates.reference(text)
  local list, durations = {}, {}
  for _, s in ipairs(doc:spans("DATE")) do
    local item = { start = s.start, stop = s.stop, text = s.text, value = null, grain = null }
    local r = dates.resolve(s.text, ref)
    if r then
      item.value = r.value or null
      item.grain = r.grain or null
      if r.mod then item.mod = r.mod end
    end
    list[#list + 1] = item
  end
  for _, s in ipairs(doc:spans("DURATION")) do
    local item = { start = s.start, stop = s.stop, text = s.text, value = null }
    local r = dates.duration(s.text)
    if r then item.value = r.value or null; item.grain = r.grain end
    durations[#durations + 1] = item
  end
  return list, durations, ref
end

--- Builds the report of a Doc the news pipeline ran over.
-- @param doc the Doc
-- @tparam[opt] table opts `doc` (the input's name), `date` (the reference
-- date, "YYYY-MM-DD"; default: a dateline in the text)
-- @treturn table the report
-- @usage local report = report.build(doc, { doc = "article.txt", date = "2025-09-19" })
function M.build(doc, opts)
  opts = opts or {}
  local entities, of_span = coref.entities(doc)
  local mentions_by_pos = {}
  for _, e in ipairs(entities) do
    for _, m in ipairs(e.mentions) do
      for i = m.first, m.last do
        local list = mentions_by_pos[i]
        if not list then list = {}; mentions_by_pos[i] = list end
        list[#list + 1] = m
      end
    end
  end
  -- roles: person --role--> ROLE --of--> organisation or place
  local of_links = links_from(doc, "of")
  local links = {}
  for _, l in ipairs(doc:links("role")) do
    local who = of_span[l.from]
    if who then
      local role = l.to
      local what = of_links[role] and of_span[of_links[role][1]]
      who.roles[#who.roles + 1] = { text = role.text, start = role.start, stop = role.stop,
                                    of = what and what.id or null }
      links[#links + 1] = { kind = "role", from = who.id, to = what and what.id or null,
                            text = role.text }
    end
  end
  for _, l in ipairs(doc:links("alias")) do
    local a, b = of_span[l.from], of_span[l.to]
    if a and b then
      links[#links + 1] = { kind = "alias", from = a.id, to = b.id,
                            text = l.to.text }
    end
  end
  -- the PERSON mentions in text order, for pronouns
  local people = {}
  for _, e in ipairs(entities) do
    if e.label == "PERSON" then
      for _, m in ipairs(e.mentions) do people[#people + 1] = m end
    end
  end
  table.sort(people, function(a, b) return a.last < b.last end)
  local function person_before(i)      -- binary search: the last with last < i
    local lo, hi = 1, #people
    while lo <= hi do
      local mid = math.floor((lo + hi) / 2)
      if people[mid].last < i then lo = mid + 1 else hi = mid - 1 end
    end
    return people[hi]
  end
  local quotes = quotes_of(doc, entities, of_span, mentions_by_pos, person_before)
  for i, q in ipairs(quotes) do
    if q.speaker ~= null then
      links[#links + 1] = { kind = "speaker", from = q.speaker, to = "Q" .. i }
    end
    q.id = "Q" .. i
  end
  local text = doc:source()
  local date_list, durations, ref = dates_of(doc, text, opts)
  local out_entities = {}
  for i, e in ipairs(entities) do
    local mentions = {}
    for j, m in ipairs(e.mentions) do
      mentions[j] = { start = m.start, stop = m.stop, text = m.text }
    end
    table.sort(mentions, function(a, b) return a.start < b.start end)
    out_entities[i] = { id = e.id, label = e.label, name = e.name, attrs = e.attrs,
                        mentions = json.array(mentions), aliases = json.array(e.aliases),
                        roles = json.array(e.roles) }
  end
  return {
    schema = M.SCHEMA,
    doc = opts.doc or null,
    date = ref or null,
    entities = json.array(out_entities),
    quotes = json.array(quotes),
    dates = json.array(date_list),
    durations = json.array(durations),
    links = json.array(links),
  }
end

return M
