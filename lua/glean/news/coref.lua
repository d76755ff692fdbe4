--- Name coreference: groups a Doc's entity mentions into entities.
--
-- Mentions are the spans the entity rules made (PERSON, ORG, LOC, NORP,
-- MISC). Before grouping, names found once are looked for again: a
-- person's surname alone ("Putin" in "Putin’s"), a known name in a
-- headline set in capitals, a place inside an organisation's name. Then:
--
-- - people: a full name, its surname alone, its given name with a title
--   ("Sir Richard"), whatever the case ("Sir richard Moore"); two full
--   names with different given names or surnames never merge;
-- - organisations, places, groups: the same words (case and accents
--   aside, without "the"), the same lexicon `id` or `code`;
-- - aliases: spans linked "alias" (acronym and expansion, "aka", "also
--   known as") join their entities.
--
-- Each entity's name is its longest full mention, with the case of its
-- words repaired from the other mentions.
--
-- @module glean.news.coref
-- @usage
-- local entities = coref.entities(doc)
-- for _, e in ipairs(entities) do print(e.id, e.label, e.name, #e.mentions) end

local ipairs, pairs, setmetatable = ipairs, pairs, setmetatable
local table, string = table, string

local M = {}

--- The labels of entity mentions (a set).
local LABELS = { PERSON = true, ORG = true, LOC = true, NORP = true, MISC = true }
M.LABELS = LABELS

--- Is a span a mention the rules made, rather than a gazetteer's span
-- (the bundled lexicon's or a user's)?
-- @tparam table span
-- @treturn boolean
-- @usage if coref.is_mention(s) then ... end
function M.is_mention(span)
  return span.rule ~= "lexicon" and span.rule ~= "user"
end
-- Rules whose evidence is weak: their single-word mentions take the label
-- of a known entity with the same name.
local WEAK = { loc_preposition = true, org_acronym = true, person_capitalised = true,
               person_before_cue = true, loc_based = true }

-- Token views (doc[i] makes a table each time), kept per Doc.
local view_cache = setmetatable({}, { __mode = "k" })
local function view(doc, i)
  local c = view_cache[doc]
  if not c then c = {}; view_cache[doc] = c end
  local v = c[i]
  if not v then v = doc[i]; c[i] = v end
  return v
end

local function words_of(doc, first, last)
  local out = {}
  for i = first, last do
    local t = view(doc, i)
    if t.is_alpha or t.kind == "word" or t.kind == "number" then out[#out + 1] = t end
  end
  return out
end

local SKIP_KINDS = { punct = true, space = true, newline = true }

local function norm_key(doc, first, last)
  local parts = {}
  for i = first, last do
    local _, _, kind = doc:token(i)
    if not SKIP_KINDS[kind] then parts[#parts + 1] = doc:norm(i) end
  end
  if parts[1] == "the" and #parts > 1 then table.remove(parts, 1) end
  return table.concat(parts, " ")
end

local function new_mention(doc, span, label, rule)
  return {
    span = span, label = label, first = span.first, last = span.last,
    start = span.start, stop = span.stop, text = span.text,
    attrs = span.attrs or {}, rule = rule or span.rule,
    key = norm_key(doc, span.first, span.last),
  }
end

-- Mentions from the spans: the rules' entity spans, plus lexicon places and
-- groups inside an organisation's or event's name ("the British consulate
-- in Istanbul").
local function collect(doc, is_mention)
  local mentions, taken, owner = {}, {}, {}
  local all = doc:spans()
  for _, s in ipairs(all) do
    local label = s.label
    if LABELS[label] then
      if is_mention(s) then
        mentions[#mentions + 1] = new_mention(doc, s, label)
        owner[s.first .. ":" .. s.last] = true
        -- "the Trump administration": a person's name may be found inside
        local mark = s.rule == "org_administration" and "ORG+PERSON" or label
        for i = s.first, s.last do taken[i] = taken[i] or mark end
      end
    end
  end
  for _, s in ipairs(all) do
    local label = s.label
    if label == "LOC" or label == "NORP" then
      if s.rule == "lexicon" then
        local outer = taken[s.first]
        if (outer == "ORG" or outer == "ORG+PERSON" or outer == "MISC")
           and taken[s.last] == outer and not owner[s.first .. ":" .. s.last] then
          local m = new_mention(doc, s, label, "nested")
          m.nested = true
          mentions[#mentions + 1] = m
        end
      end
    end
  end
  return mentions, taken
end

-- A person mention's words: given name, surname, how many.
local function person_parts(doc, m)
  local w = words_of(doc, m.first, m.last)
  if #w == 0 then return nil end
  return { first = w[1].lower, last = w[#w].lower, n = #w, words = w }
end

-- Looks for known names again: single tokens equal to a known surname (or
-- a multi-word name), outside any mention or inside an organisation's.
local function propagate(doc, mentions, taken)
  local by_word, by_key = {}, {}
  for _, m in ipairs(mentions) do
    if m.label == "PERSON" then
      local p = person_parts(doc, m)
      if p and p.n >= 2 then by_word[p.last] = by_word[p.last] or "PERSON" end
    elseif m.label ~= "NORP" and not m.nested and m.first == m.last then
      by_key[m.key] = by_key[m.key] or m.label
    end
  end
  -- the words to look for, in lower case (what the text's lower case
  -- shows): each is searched for in the text, not token by token
  local wanted = {}
  for word, label in pairs(by_word) do wanted[word] = label end
  for _, m in ipairs(mentions) do
    if by_key[m.key] and m.first == m.last then
      local lower = view(doc, m.first).lower
      wanted[lower] = wanted[lower] or by_key[m.key]
    end
  end
  local added = {}
  local lowered = doc:source():lower()
  local find = string.find
  for word, label in pairs(wanted) do
    local pos = 1
    while true do
      local s, e = find(lowered, word, pos, true)
      if not s then break end
      pos = e + 1
      local i, last, exact = doc:locate(s, e)
      if exact and i == last then
        local t = view(doc, i)
        if (t.is_title or t.is_upper) and t.lower == word
           and (not taken[i] or (taken[i] == "ORG+PERSON" and label == "PERSON")) then
          local span = { first = i, last = i, start = t.start, stop = t.stop, text = t.text,
                         attrs = {}, rule = "coref" }
          local m = new_mention(doc, span, label, "coref")
          m.nested = taken[i] ~= nil
          added[#added + 1] = m
          taken[i] = taken[i] or label
        end
      end
    end
  end
  table.sort(added, function(a, b) return a.first < b.first end)
  for _, m in ipairs(added) do mentions[#mentions + 1] = m end
  -- weak single-word mentions named like a known entity take its label
  for _, m in ipairs(mentions) do
    if WEAK[m.rule] and m.first == m.last then
      local label = by_word[view(doc, m.first).lower] or by_key[m.key]
      if label and label ~= m.label then m.label = label end
    end
  end
end

-- Union-find over mentions.
local function find(parent, i)
  while parent[i] ~= i do
    parent[i] = parent[parent[i]]
    i = parent[i]
  end
  return i
end

local function union(parent, a, b)
  a, b = find(parent, a), find(parent, b)
  if a ~= b then
    if a < b then parent[b] = a else parent[a] = b end
  end
end

-- Groups people: full names first (longest first), then short mentions
-- attach to the nearest compatible full name before them (else after).
local function group_people(list, parent)
  table.sort(list, function(a, b)
    local na, nb = a.parts.n, b.parts.n
    if na ~= nb then return na > nb end
    return a.first < b.first
  end)
  -- full names, indexed by surname: a full name joins an earlier one with
  -- the same surname and given name (or whose second word is its first:
  -- "Richard Moore" in "Sir Richard Moore")
  local fulls_by_last = {}
  for _, m in ipairs(list) do
    local p = m.parts
    if p.n >= 2 then
      local home
      for _, f in ipairs(fulls_by_last[p.last] or {}) do
        local fp = f.parts
        if fp.first == p.first or fp.n > p.n and fp.words[2] and fp.words[2].lower == p.first then
          home = f
          break
        end
      end
      if home then union(parent, home.index, m.index)
      else
        local l = fulls_by_last[p.last]
        if not l then l = {}; fulls_by_last[p.last] = l end
        l[#l + 1] = m
      end
    end
  end
  -- a short mention goes with the nearest full name before it (else the
  -- first after) whose surname or given name it is
  local by_last, by_first = {}, {}
  for _, m in ipairs(list) do
    local p = m.parts
    if p.n >= 2 then
      for _, pair in ipairs{ { by_last, p.last }, { by_first, p.first } } do
        local l = pair[1][pair[2]]
        if not l then l = {}; pair[1][pair[2]] = l end
        l[#l + 1] = m
      end
    end
  end
  for _, m in ipairs(list) do
    local p = m.parts
    if p.n == 1 then
      local best, best_d
      for _, candidates in ipairs{ by_last[p.last] or {}, by_first[p.first] or {} } do
        for _, f in ipairs(candidates) do
          local d = m.first >= f.first and (m.first - f.first) or (1e9 + f.first - m.first)
          if not best or d < best_d then best, best_d = f, d end
        end
      end
      if best then union(parent, best.index, m.index) end
    end
  end
end

local small = { ["of"] = true, ["and"] = true, ["the"] = true, ["for"] = true, ["&"] = true }

-- Acronym of a name: "European Union" -> "eu".
local function acronym_of(doc, m)
  local letters = {}
  for _, t in ipairs(words_of(doc, m.first, m.last)) do
    if not small[t.lower] then letters[#letters + 1] = t.lower:sub(1, 1) end
  end
  return #letters >= 2 and table.concat(letters) or nil
end

-- The canonical name: the longest full mention, each lower-case word
-- written as another mention writes it with capitals.
local function canonical(doc, members)
  -- the most words; then written in mixed case ("Geneva", not "GENEVA");
  -- then the first in the text (a name before its alias)
  local best
  for _, m in ipairs(members) do
    if not m.nested or (best and not best.mixed) then
      local n = #words_of(doc, m.first, m.last)
      local mixed = m.text:find("%l") ~= nil
      if not best or n > best.n or (n == best.n and mixed and not best.mixed)
         or (n == best.n and mixed == best.mixed and m.first < best.m.first) then
        best = { m = m, n = n, mixed = mixed }
      end
    end
  end
  best = best or { m = members[1] }
  local m = best.m
  local spelled = {}
  for _, o in ipairs(members) do
    for _, t in ipairs(words_of(doc, o.first, o.last)) do
      if not t.is_lower then spelled[t.lower] = spelled[t.lower] or t.text end
    end
  end
  local parts, prev_stop = {}, nil
  for i = m.first, m.last do
    local t = view(doc, i)
    local text = t.text
    if t.is_lower and t.is_alpha and m.label == "PERSON" then
      text = spelled[t.lower] or (text:sub(1, 1):upper() .. text:sub(2))
    end
    if prev_stop and t.start > prev_stop + 1 then parts[#parts + 1] = " " end
    parts[#parts + 1] = text
    prev_stop = t.stop
  end
  local name = table.concat(parts)
  if m.label ~= "PERSON" then name = name:gsub("^[Tt]he ", "") end
  return name
end

--- Groups the entity mentions of a Doc into entities.
-- @param doc a Doc run through the news pipeline
-- @tparam[opt] table opts `is_mention` (function(span) -> boolean: which
-- spans are mentions; default: spans not made by a gazetteer)
-- @treturn table an array of entities `{id, label, name, mentions = {...},
-- aliases = {...}, roles = {}, attrs = {...}}`, in order of first mention,
-- and a table span -> entity
-- @usage local entities, of_span = coref.entities(doc)
function M.entities(doc, opts)
  opts = opts or {}
  local mentions, taken = collect(doc, opts.is_mention or M.is_mention)
  propagate(doc, mentions, taken)
  table.sort(mentions, function(a, b)
    if a.first ~= b.first then return a.first < b.first end
    return a.last > b.last
  end)
  local parent, by_span = {}, {}
  for i, m in ipairs(mentions) do
    m.index, parent[i] = i, i
    by_span[m.span] = m
  end
  -- people
  local people = {}
  for _, m in ipairs(mentions) do
    if m.label == "PERSON" then
      m.parts = person_parts(doc, m)
      if m.parts then people[#people + 1] = m end
    end
  end
  group_people(people, parent)
  -- other labels: same words, same lexicon id or code
  local seen = {}
  for _, m in ipairs(mentions) do
    if m.label ~= "PERSON" then
      local keys = { m.label .. ":" .. m.key }
      if m.attrs.id then keys[#keys + 1] = "id:" .. m.attrs.id end
      if m.attrs.code and m.label == "LOC" then keys[#keys + 1] = "code:" .. m.attrs.code end
      for _, k in ipairs(keys) do
        if seen[k] then union(parent, seen[k], m.index) else seen[k] = m.index end
      end
    end
  end
  -- acronyms written out elsewhere in the text: "EU" and "European Union"
  local by_acronym = {}
  for _, m in ipairs(mentions) do
    if m.label == "ORG" and m.first ~= m.last then
      local a = acronym_of(doc, m)
      if a then by_acronym[a] = by_acronym[a] or m.index end
    end
  end
  for _, m in ipairs(mentions) do
    if m.label == "ORG" and m.first == m.last and view(doc, m.first).is_upper then
      local home = by_acronym[view(doc, m.first).lower]
      if home then union(parent, home, m.index) end
    end
  end
  -- aliases linked by the rules
  local alias_pairs = {}
  for _, l in ipairs(doc:links("alias")) do
    local a, b = by_span[l.from], by_span[l.to]
    if a and b then
      union(parent, a.index, b.index)
      alias_pairs[#alias_pairs + 1] = { a, b }
    end
  end
  -- entities, in order of first mention
  local groups, order = {}, {}
  for i, m in ipairs(mentions) do
    local root = find(parent, i)
    if not groups[root] then
      groups[root] = {}
      order[#order + 1] = root
    end
    local g = groups[root]
    g[#g + 1] = m
  end
  local entities, of_span = {}, {}
  for n, root in ipairs(order) do
    local members = groups[root]
    local label_count, label = {}, members[1].label
    for _, m in ipairs(members) do
      label_count[m.label] = (label_count[m.label] or 0) + (m.nested and 0 or 1)
      if label_count[m.label] > (label_count[label] or 0) then label = m.label end
    end
    local e = { id = "E" .. n, label = label, mentions = members, attrs = {}, aliases = {},
                roles = {} }
    for _, m in ipairs(members) do
      e.attrs.title = e.attrs.title or m.attrs.title
      of_span[m.span] = e
    end
    e.name = canonical(doc, members)
    entities[n] = e
  end
  -- aliases: the other names an alias link gave the entity
  for _, pair in ipairs(alias_pairs) do
    local e = of_span[pair[1].span]
    for _, m in ipairs(pair) do
      local name = m.text:gsub("^[Tt]he ", "")
      if name ~= e.name then
        local dup = false
        for _, a in ipairs(e.aliases) do if a == name then dup = true end end
        if not dup then e.aliases[#e.aliases + 1] = name end
      end
    end
  end
  return entities, of_span
end


return M
