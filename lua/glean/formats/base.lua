--- The shared base of the report formats: escaping (HTML, CSV, Markdown,
-- terminal), UTF-8 repair, ordering, entity lookup and colours.
--
-- Every format is a `function(report, opts) -> string` in a module
-- `glean.formats.<name>`; this module is what they share, and what a user
-- format may use too. Reports may come straight from `glean.news` or be
-- decoded from JSON: `nil` and `json.null` are both "no value" here, and
-- missing lists are empty.
--
-- @module glean.formats.base
-- @usage
-- local base = require "glean.formats.base"
-- return function(report, opts)
--   report, opts = base.check(report, opts, "names")
--   local out = {}
--   for _, e in ipairs(base.entities(report)) do out[#out + 1] = base.terminal(e.name) end
--   return table.concat(out, "\n") .. "\n"
-- end

local json = require "glean.json"

local byte, find, sub, format, gsub = string.byte, string.find, string.sub, string.format,
                                       string.gsub
local concat, sort = table.concat, table.sort
local ipairs, pairs, type, tostring, error = ipairs, pairs, type, tostring, error
local setmetatable, getmetatable = setmetatable, getmetatable
local huge = math.huge

local M = {}

local null = json.null

--- JSON `null`, as `glean.json` decodes it (the report's "no value").
M.null = null

--- The labels a report knows, in the order formats show them: `label`,
-- a section `title`, the ANSI SGR code, the HTML background colour, and
-- what one (`name`) and several (`plural`) are called.
-- @table LABELS
M.LABELS = {
  { label = "PERSON", title = "People", ansi = "1;33", color = "#ffd8a8",
    name = "person", plural = "people" },
  { label = "ORG", title = "Organisations", ansi = "1;34", color = "#b9d7ff",
    name = "organisation", plural = "organisations" },
  { label = "LOC", title = "Places", ansi = "1;32", color = "#c3f0c8",
    name = "place", plural = "places" },
  { label = "NORP", title = "Nationalities and groups", ansi = "1;35", color = "#f3c9f1",
    name = "nationality or group", plural = "nationalities or groups" },
  { label = "MISC", title = "Other names", ansi = "1;36", color = "#e4e4e4",
    name = "other name", plural = "other names" },
}

local LABEL_INFO = {}
for i, l in ipairs(M.LABELS) do
  l.rank = i
  LABEL_INFO[l.label] = l
end

--- What formats know of a label (see `LABELS`); a label they do not know
-- gets a plain description of its own.
-- @tparam string label
-- @treturn table `label`, `title`, `ansi`, `color`, `name`, `plural`, `rank`
-- @usage print(base.label("ORG").title)   --> Organisations
function M.label(label)
  local info = LABEL_INFO[label]
  if info then return info end
  label = tostring(label)
  return { label = label, title = label, ansi = "1", color = "#eeeeee", name = label,
           plural = label, rank = #M.LABELS + 1 }
end

-- values ------------------------------------------------------------------

--- The value itself, or nil when it is nil or `json.null`.
-- @param v
-- @return v or nil
-- @usage local cue = base.value(q.cue) or "(no cue)"
function M.value(v)
  if v == null then return nil end
  return v
end

--- A list field of the report (or of an entity): the table, or an empty
-- one when missing or null.
-- @param v
-- @treturn table
-- @usage for _, d in ipairs(base.list(report.durations)) do ... end
function M.list(v)
  if type(v) ~= "table" or v == null then return {} end
  return v
end

--- A value as a string for display: nil and null give `""`, numbers and
-- booleans their usual text.
-- @param v
-- @treturn string
-- @usage row[#row + 1] = base.str(q.cue)
function M.str(v)
  if v == nil or v == null then return "" end
  if type(v) == "string" then return v end
  if type(v) == "number" and v == math.floor(v) and v > -2^53 and v < 2^53 then
    return format("%d", v)
  end
  return tostring(v)
end

--- Checks a format's arguments: raises an error naming the format and the
-- argument when the report is not a table or opts is neither nil nor a
-- table.
-- @tparam table report
-- @tparam[opt] table opts
-- @tparam string name the format's name, for the message
-- @treturn table report
-- @treturn table opts (an empty table when nil)
-- @usage report, opts = base.check(report, opts, "csv")
function M.check(report, opts, name)
  if type(report) ~= "table" then
    error(format("bad argument #1 to format '%s' (report table expected, got %s)",
                 name, type(report)), 3)
  end
  if opts ~= nil and type(opts) ~= "table" then
    error(format("bad argument #2 to format '%s' (options table expected, got %s)",
                 name, type(opts)), 3)
  end
  return report, opts or {}
end

-- UTF-8 -------------------------------------------------------------------

local REPLACEMENT = "\239\191\189"   -- U+FFFD

-- The length of the valid UTF-8 sequence at i (a non-ASCII lead byte), or
-- nil when the bytes there are not one.
local function sequence_length(s, i, c)
  local len, lo, hi
  if c >= 0xC2 and c <= 0xDF then len, lo, hi = 2, 0x80, 0xBF
  elseif c == 0xE0 then len, lo, hi = 3, 0xA0, 0xBF
  elseif c == 0xED then len, lo, hi = 3, 0x80, 0x9F
  elseif c >= 0xE1 and c <= 0xEF then len, lo, hi = 3, 0x80, 0xBF
  elseif c == 0xF0 then len, lo, hi = 4, 0x90, 0xBF
  elseif c == 0xF4 then len, lo, hi = 4, 0x80, 0x8F
  elseif c >= 0xF1 and c <= 0xF3 then len, lo, hi = 4, 0x80, 0xBF
  else return nil end
  local b = byte(s, i + 1)
  if not b or b < lo or b > hi then return nil end
  for k = 2, len - 1 do
    b = byte(s, i + k)
    if not b or b < 0x80 or b > 0xBF then return nil end
  end
  return len
end

--- Whether a string is well-formed UTF-8.
-- @tparam string s
-- @treturn boolean
-- @usage assert(base.valid_utf8("Zoë"))
function M.valid_utf8(s)
  local i = find(s, "[\128-\255]")
  while i do
    local len = sequence_length(s, i, byte(s, i))
    if not len then return false end
    i = find(s, "[\128-\255]", i + len)
  end
  return true
end

--- Repairs UTF-8: every byte that does not belong to a well-formed
-- sequence becomes U+FFFD. Valid strings come back unchanged.
-- @tparam string s
-- @treturn string
-- @usage out = base.utf8(text)
function M.utf8(s)
  local i = find(s, "[\128-\255]")
  if not i then return s end
  local parts, n, from = {}, 0, 1
  while i do
    local len = sequence_length(s, i, byte(s, i))
    if len then
      i = find(s, "[\128-\255]", i + len)
    else
      n = n + 1; parts[n] = sub(s, from, i - 1)
      n = n + 1; parts[n] = REPLACEMENT
      from = i + 1
      i = find(s, "[\128-\255]", i + 1)
    end
  end
  if n == 0 then return s end
  parts[n + 1] = sub(s, from)
  return concat(parts)
end

--- A copy of a value (a report) whose strings are all well-formed UTF-8
-- (see `utf8`); the value itself when they already are.
-- @param v
-- @return v or a repaired copy
-- @usage io.write(json.encode(base.utf8_deep(report)))
function M.utf8_deep(v)
  if type(v) == "string" then return M.utf8(v) end
  if type(v) ~= "table" or v == null then return v end
  local copy, changed = {}, false
  for k, x in pairs(v) do
    local y, kk = M.utf8_deep(x), type(k) == "string" and M.utf8(k) or k
    if y ~= x or kk ~= k then changed = true end
    copy[kk] = y
  end
  if not changed then return v end
  return setmetatable(copy, getmetatable(v))
end

-- escaping ------------------------------------------------------------------

-- Terminal escape sequences, C0 controls (but tab, line feed and carriage
-- return), DEL, C1 controls and
-- the bidirectional embeddings, overrides and isolates (U+202A-U+202E,
-- U+2066-U+2069), which can make text display as something else.
local function drop_controls(s)
  if find(s, "\27", 1, true) then
    -- whole escape sequences: CSI (ESC [ ... final) and OSC (ESC ] ... BEL or ESC \)
    s = gsub(s, "\27%[[\48-\63]*[\32-\47]*[\64-\126]", "")
    s = gsub(s, "\27%][^\7\27]*\7", "")
    s = gsub(s, "\27%][^\7\27]*\27\\", "")
  end
  s = gsub(s, "[%z\1-\8\11\12\14-\31\127]", "")
  if find(s, "[\194\226]") then
    s = gsub(s, "\194[\128-\159]", "")
    s = gsub(s, "\226\128[\170-\174]", "")
    s = gsub(s, "\226\129[\166-\169]", "")
  end
  return s
end

--- Text safe to print on a terminal: UTF-8 repaired, control characters
-- (C0, DEL, C1, escape sequences' introducers) and bidirectional overrides
-- removed, and (unless `keep_lines`) every run of white space, line breaks
-- included, made one space.
-- @tparam string s
-- @tparam[opt] boolean keep_lines keep line feeds (other controls still go)
-- @treturn string
-- @usage print(base.terminal(entity.name))
function M.terminal(s, keep_lines)
  s = drop_controls(M.utf8(M.str(s)))
  if keep_lines then
    s = gsub(s, "\r\n?", "\n")
    return (gsub(s, "\t", " "))
  end
  return (gsub(s, "%s+", " "))
end

local HTML = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;",
               ["'"] = "&#39;" }

--- Text or an attribute value for HTML: UTF-8 repaired, control characters
-- other than tab, line feed and carriage return removed, and `& < > " '`
-- written as character references.
-- @tparam string s
-- @treturn string
-- @usage out[#out + 1] = '<li title="' .. base.html(e.name) .. '">'
function M.html(s)
  s = drop_controls(M.utf8(M.str(s)))
  return (gsub(s, "[&<>\"']", HTML))
end

--- A JSON text made safe to embed in an HTML `<script>` element: `<`, `>`,
-- `&`, the C1 controls and U+2028/U+2029 written as `\u` escapes (they can
-- only occur inside JSON strings, so the value is unchanged).
-- @tparam string s JSON text
-- @treturn string
-- @usage '<script type="application/json">' .. base.json_in_html(json.encode(r)) .. '</script>'
function M.json_in_html(s)
  s = gsub(s, "[<>&]", function(c) return format("\\u%04x", byte(c)) end)
  s = gsub(s, "\194([\128-\159])", function(c) return format("\\u%04x", byte(c)) end)
  s = gsub(s, "\226\128\168", "\\u2028")
  return (gsub(s, "\226\128\169", "\\u2029"))
end

--- A token usable in an HTML `id` or a URL fragment: letters, digits,
-- `-` and `_` kept, every other byte written `.XX` (hexadecimal).
-- @tparam string prefix
-- @tparam string s
-- @treturn string
-- @usage local anchor = base.html_id("ent-", entity.id)   --> ent-E2
function M.html_id(prefix, s)
  return prefix .. gsub(M.str(s), "[^%w_-]", function(c) return format(".%02X", byte(c)) end)
end

--- One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or
-- LF (or starts or ends with a space), quotes doubled. Bytes are kept as
-- they are, so that a reader gets the same string back.
-- @param v a string, number, boolean, nil or null
-- @treturn string
-- @usage row[#row + 1] = base.csv(m.text)
function M.csv(v)
  local s = M.str(v)
  if find(s, '[,"\r\n]') or find(s, "^ ") or find(s, " $") then
    return '"' .. gsub(s, '"', '""') .. '"'
  end
  return s
end

--- One CSV record: its fields joined with commas, ended with CRLF.
-- @tparam table fields
-- @tparam[opt] number n the number of fields (default `#fields`; give it
-- when some may be nil)
-- @treturn string
-- @usage out[#out + 1] = base.csv_row({ "doc", "entity", "label" })
function M.csv_row(fields, n)
  local out = {}
  for i = 1, n or #fields do out[i] = M.csv(fields[i]) end
  return concat(out, ",") .. "\r\n"
end

local MD = {}
for c in ("\\`*_[]<>|~&#"):gmatch(".") do MD[c] = "\\" .. c end

--- Text for one line of Markdown (a list item or a table cell): UTF-8
-- repaired, controls removed, line breaks and white space made one space,
-- and the characters Markdown would read as markup (`` \ ` * _ [ ] < > | ~ & # ``)
-- backslash-escaped, so that rendered Markdown shows the text and no
-- HTML.
-- @tparam string s
-- @treturn string
-- @usage out[#out + 1] = "| " .. base.markdown(q.text) .. " |"
function M.markdown(s)
  s = gsub(M.terminal(s), "^%s+", "")
  s = gsub(s, "%s+$", "")
  return (gsub(s, "[\\`*_%[%]<>|~&#]", MD))
end

--- Shortens a one-line text to at most `max` bytes (not cutting a UTF-8
-- sequence), with an ellipsis when cut.
-- @tparam string s
-- @tparam number max
-- @treturn string
-- @usage print(base.shorten(q.text, 80))
function M.shorten(s, max)
  if #s <= max then return s end
  local cut = max
  while cut > 1 do
    local b = byte(s, cut + 1)
    if not b or b < 0x80 or b >= 0xC0 then break end
    cut = cut - 1
  end
  return sub(s, 1, cut) .. "…"
end

-- colour --------------------------------------------------------------------

--- Wraps text in an ANSI SGR sequence when `on`; the text alone otherwise.
-- @tparam string s
-- @tparam string code SGR parameters, e.g. `"1;33"`
-- @tparam boolean on
-- @treturn string
-- @usage io.write(base.ansi("People:", "1", opts.color))
function M.ansi(s, code, on)
  if not on or s == "" then return s end
  return "\27[" .. code .. "m" .. s .. "\27[0m"
end

--- Text in the colour of an entity label (see `LABELS`) when `on`.
-- @tparam string s
-- @tparam string label
-- @tparam boolean on
-- @treturn string
-- @usage io.write(base.paint(e.name, e.label, opts.color))
function M.paint(s, label, on)
  return M.ansi(s, M.label(label).ansi, on)
end

-- the report ------------------------------------------------------------------

--- The first (smallest) start of an entity's mentions, or `math.huge` when
-- it has none.
-- @tparam table e an entity
-- @treturn number
-- @usage local at = base.first_mention(e)
function M.first_mention(e)
  local first = huge
  for _, m in ipairs(M.list(e.mentions)) do
    if type(m.start) == "number" and m.start < first then first = m.start end
  end
  return first
end

--- The number of mentions of an entity.
-- @tparam table e an entity
-- @treturn number
-- @usage print(e.name, base.mention_count(e))
function M.mention_count(e)
  return #M.list(e.mentions)
end

--- The report's entities in reading order: by label (`LABELS` order, then
-- other labels alphabetically), then by first mention; stable (ties keep
-- the report's order).
-- @tparam table report
-- @treturn table a new array of the entities
-- @usage for _, e in ipairs(base.entities(report)) do print(e.id, e.name) end
function M.entities(report)
  local list, key = {}, {}
  for i, e in ipairs(M.list(report.entities)) do
    list[i] = e
    key[e] = { M.label(e.label).rank, M.str(e.label), M.first_mention(e), i }
  end
  sort(list, function(a, b)
    local ka, kb = key[a], key[b]
    for k = 1, 3 do
      if ka[k] ~= kb[k] then return ka[k] < kb[k] end
    end
    return ka[4] < kb[4]
  end)
  return list
end

--- The entities grouped by label, in `entities` order: an array of
-- `{ info = label info, entities = {...} }`, only labels that occur.
-- @tparam table report
-- @tparam[opt] boolean with_mentions keep only entities with mentions
-- @treturn table
-- @usage for _, g in ipairs(base.groups(report)) do print(g.info.title, #g.entities) end
function M.groups(report, with_mentions)
  local out, current = {}, nil
  for _, e in ipairs(M.entities(report)) do
    if not with_mentions or M.mention_count(e) > 0 then
      local info = M.label(e.label)
      if not current or current.info.label ~= info.label then
        current = { info = info, entities = {} }
        out[#out + 1] = current
      end
      current.entities[#current.entities + 1] = e
    end
  end
  return out
end

--- An index of the report's entities by id.
-- @tparam table report
-- @treturn table id -> entity (the first one, should ids repeat)
-- @usage local by_id = base.index(report); print(by_id[q.speaker].name)
function M.index(report)
  local out = {}
  for _, e in ipairs(M.list(report.entities)) do
    if e.id ~= nil and out[e.id] == nil then out[e.id] = e end
  end
  return out
end

--- The entity a role is of, a quote's speaker: the entity with that id, or
-- nil (no id, null, or an id the report does not have).
-- @tparam table index from `index`
-- @param id
-- @treturn table|nil
-- @usage local who = base.entity(by_id, q.speaker)
function M.entity(index, id)
  if id == nil or id == null then return nil end
  return index[id]
end

--- The name of a quote's speaker, or nil when the quote has none.
-- @tparam table index from `index`
-- @tparam table q a quote
-- @treturn string|nil
-- @usage print(base.speaker_name(by_id, q) or "(no speaker)")
function M.speaker_name(index, q)
  local e = M.entity(index, q.speaker)
  return e and M.str(e.name) or nil
end

--- The words a quote's cue attaches to, when they differ from the
-- speaker's name ("Dame Helen" for Helen Carter), else nil.
-- @tparam table index from `index`
-- @tparam table q a quote
-- @treturn string|nil
-- @usage local as = base.speaker_words(by_id, q)
function M.speaker_words(index, q)
  local sm = M.value(q.speaker_mention)
  local words = sm and M.value(sm.text)
  if not words then return nil end
  local name = M.speaker_name(index, q)
  if name == words then return nil end
  return M.str(words)
end

--- The id of the i-th quote: its `id`, else `Q<i>`.
-- @tparam table q
-- @tparam number i
-- @treturn string
-- @usage local id = base.quote_id(q, i)
function M.quote_id(q, i)
  local id = M.value(q.id)
  if id == nil then return "Q" .. i end
  return M.str(id)
end

--- An entity's roles as display strings: "text (of NAME)" when the role
-- names what it is of.
-- @tparam table index from `index`
-- @tparam table e an entity
-- @treturn table array of strings (raw text: escape for your format)
-- @usage print(table.concat(base.roles(by_id, e), "; "))
function M.roles(index, e)
  local out = {}
  for _, r in ipairs(M.list(e.roles)) do
    local of = M.entity(index, r.of)
    out[#out + 1] = M.str(r.text) .. (of and (" (of " .. M.str(of.name) .. ")") or "")
  end
  return out
end

--- An entity's title (Dame, Mr, ...) from its attributes, or nil.
-- @tparam table e
-- @treturn string|nil
-- @usage local title = base.title(e)
function M.title(e)
  local attrs = M.value(e.attrs)
  local t = type(attrs) == "table" and M.value(attrs.title)
  return t and M.str(t) or nil
end

--- Whether an entity is a speaker known only by a description.
-- @tparam table e
-- @treturn boolean
-- @usage if base.described(e) then ... end
function M.described(e)
  local attrs = M.value(e.attrs)
  return type(attrs) == "table" and attrs.kind == "description"
end

--- The strings of an entity's aliases.
-- @tparam table e
-- @treturn table array of strings
-- @usage print(table.concat(base.aliases(e), ", "))
function M.aliases(e)
  local out = {}
  for _, a in ipairs(M.list(e.aliases)) do out[#out + 1] = M.str(a) end
  return out
end

return M
