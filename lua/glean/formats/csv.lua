--- CSV tables (RFC 4180): mentions, entities, quotes or dates.
--
-- One header row, then one row per item; fields holding a comma, a quote,
-- CR or LF (or starting or ending with a space) are quoted with quotes
-- doubled; records end with CRLF. Text is kept byte for byte, so that a
-- reader gets the report's strings back; offsets are 1-based inclusive
-- byte offsets into the input, as in the report. Empty fields stand for
-- null.
--
-- `opts.table` chooses the table:
--
-- * `mentions` (default), one row per entity mention, in entity order (by
--   label, then first mention) and text order within an entity:
--   `doc, entity, label, name, start, stop, text`
-- * `entities`, one row per entity, in the same order:
--   `doc, entity, label, name, title, mentions, first, aliases, roles`
--   (`mentions` the count, `first` the start of the first mention,
--   `aliases` joined with `"; "`, `roles` as `text (of NAME)` joined with
--   `"; "`)
-- * `quotes`, one row per quotation, in text order:
--   `doc, quote, start, stop, speaker, speaker_name, speaker_text, cue, text`
--   (`speaker` the entity id, `speaker_text` the words the cue attaches to)
-- * `dates`, one row per date or duration, in text order:
--   `doc, kind, start, stop, text, value, grain, mod` (`kind` is `date` or
--   `duration`)
--
-- @module glean.formats.csv
-- @usage io.write(require("glean.formats.csv")(report, { table = "quotes" }))

local base = require "glean.formats.base"

local ipairs, tonumber, error = ipairs, tonumber, error
local concat, sort, format = table.concat, table.sort, string.format
local str, value, row = base.str, base.value, base.csv_row

local function by_start(list)
  local out = {}
  for i, x in ipairs(list) do out[i] = { x, i } end
  sort(out, function(a, b)
    local sa, sb = tonumber(a[1].start) or 0, tonumber(b[1].start) or 0
    if sa ~= sb then return sa < sb end
    return a[2] < b[2]
  end)
  for i, x in ipairs(out) do out[i] = x[1] end
  return out
end

local TABLES = {}

TABLES.mentions = function(report, doc, emit)
  emit{ "doc", "entity", "label", "name", "start", "stop", "text" }
  for _, e in ipairs(base.entities(report)) do
    for _, m in ipairs(by_start(base.list(e.mentions))) do
      emit{ doc, e.id, e.label, e.name, m.start, m.stop, m.text }
    end
  end
end

TABLES.entities = function(report, doc, emit)
  local index = base.index(report)
  emit{ "doc", "entity", "label", "name", "title", "mentions", "first", "aliases", "roles" }
  for _, e in ipairs(base.entities(report)) do
    local first = base.first_mention(e)
    emit{ doc, e.id, e.label, e.name, base.title(e), base.mention_count(e),
          first ~= math.huge and first or nil, concat(base.aliases(e), "; "),
          concat(base.roles(index, e), "; ") }
  end
end

TABLES.quotes = function(report, doc, emit)
  local index = base.index(report)
  emit{ "doc", "quote", "start", "stop", "speaker", "speaker_name", "speaker_text", "cue",
        "text" }
  local quotes = base.list(report.quotes)
  local ids = {}
  for i, q in ipairs(quotes) do ids[q] = base.quote_id(q, i) end
  for _, q in ipairs(by_start(quotes)) do
    local sm = value(q.speaker_mention)
    emit{ doc, ids[q], q.start, q.stop, q.speaker, base.speaker_name(index, q),
          sm and sm.text, q.cue, q.text }
  end
end

TABLES.dates = function(report, doc, emit)
  emit{ "doc", "kind", "start", "stop", "text", "value", "grain", "mod" }
  local all = {}
  for _, d in ipairs(base.list(report.dates)) do all[#all + 1] = { d, "date" } end
  for _, d in ipairs(base.list(report.durations)) do all[#all + 1] = { d, "duration" } end
  local kind = {}
  local list = {}
  for i, x in ipairs(all) do list[i] = x[1]; kind[x[1]] = x[2] end
  for _, d in ipairs(by_start(list)) do
    emit{ doc, kind[d], d.start, d.stop, d.text, d.value, d.grain, d.mod }
  end
end

--- Renders one table of a report as CSV.
-- @tparam table report
-- @tparam[opt] table opts `table` (`"mentions"` (default), `"entities"`,
-- `"quotes"` or `"dates"`), `header` (default true; false leaves the header
-- row out, for the second and later documents of a batch)
-- @treturn string CSV records, each ending with CRLF
-- @usage io.write(csv(report, { table = "entities", header = false }))
return function(report, opts)
  report, opts = base.check(report, opts, "csv")
  local name = opts.table or "mentions"
  local make = TABLES[name]
  if not make then
    error(format("bad option 'table' to format 'csv' (mentions, entities, quotes or dates "
                 .. "expected, got '%s')", str(name)), 2)
  end
  local out, header = {}, opts.header ~= false
  local doc = value(report.doc)
  local columns
  make(report, doc, function(fields)
    columns = columns or #fields     -- the header's; later rows may hold nils
    if header then out[#out + 1] = row(fields, columns) end
    header = true
  end)
  return concat(out)
end
