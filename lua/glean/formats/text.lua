--- A summary to read in a terminal: who, who said what, and when.
--
-- The entities by label (people, organisations, places, ...) with their
-- mention counts, titles, roles and aliases; the quotations with their
-- speakers and cues; the dates and durations with their values. Every piece
-- of report text is cleaned for the terminal (no control characters, no
-- escape sequences, no bidirectional overrides, one line each).
--
-- Colour is an option, never a guess: the command line decides
-- (`--color=auto|always|never`, `NO_COLOR`) and passes `color = true`.
--
-- @module glean.formats.text
-- @usage io.write(require("glean.formats.text")(report, { color = true }))

local base = require "glean.formats.base"

local ipairs, concat, format, rep = ipairs, table.concat, string.format, string.rep

local clean, ansi, paint, value = base.terminal, base.ansi, base.paint, base.value

--- Renders a report as a readable summary.
-- @tparam table report
-- @tparam[opt] table opts `color` (boolean, default false: ANSI colours for
-- labels, names and headings), `width` (the longest quotation shown, in
-- bytes, default 100)
-- @treturn string lines ending with a newline
-- @usage io.write(text_format(report, { width = 72, color = false }))
return function(report, opts)
  report, opts = base.check(report, opts, "text")
  local width = opts.width or 100
  local color = opts.color == true
  local index = base.index(report)
  local out = {}
  local function say(...) out[#out + 1] = concat({ ... }) end
  local doc = value(report.doc)
  if doc then say(ansi("== " .. clean(doc), "1", color)) end
  for _, group in ipairs(base.groups(report, true)) do
    say(paint(clean(group.info.title) .. ":", group.info.label, color))
    for _, e in ipairs(group.entities) do
      local extra = {}
      local title = base.title(e)
      if title then extra[#extra + 1] = "title: " .. clean(title) end
      if base.described(e) then extra[#extra + 1] = "described" end
      for _, role in ipairs(base.roles(index, e)) do
        extra[#extra + 1] = "role: " .. clean(role)
      end
      local aliases = base.aliases(e)
      if #aliases > 0 then
        for i, a in ipairs(aliases) do aliases[i] = clean(a) end
        extra[#extra + 1] = "aka " .. concat(aliases, ", ")
      end
      local id = clean(e.id)
      say("  ", ansi(id, "2", color), rep(" ", 4 - #id), " ",
          paint(clean(e.name), e.label, color), format(" (%d)", base.mention_count(e)),
          #extra > 0 and ("  " .. concat(extra, "; ")) or "")
    end
  end
  local quotes = base.list(report.quotes)
  if #quotes > 0 then
    say(ansi("Quotations:", "1", color))
    for _, q in ipairs(quotes) do
      local who = base.entity(index, q.speaker)
      local speaker
      if who then
        speaker = paint(clean(who.name), who.label, color)
        local words = base.speaker_words(index, q)
        if words then speaker = speaker .. " [" .. clean(words) .. "]" end
      else
        speaker = ansi("(no speaker)", "2", color)
      end
      local cue = value(q.cue)
      say("  ", speaker, cue and (" (" .. clean(cue) .. ")") or "", ": ",
          base.shorten(clean(q.text), width))
    end
  end
  local dates, durations = base.list(report.dates), base.list(report.durations)
  if #dates > 0 or #durations > 0 then
    local ref = value(report.date)
    say(ansi("Dates" .. (ref and (" (reference " .. clean(ref) .. ")") or "") .. ":", "1", color))
    for _, d in ipairs(dates) do
      local grain, mod = value(d.grain), value(d.mod)
      say("  ", clean(d.text), "  ", value(d.value) and clean(d.value) or "?",
          grain and (" (" .. clean(grain) .. (mod and (", " .. clean(mod)) or "") .. ")") or "")
    end
    for _, d in ipairs(durations) do
      say("  ", clean(d.text), "  duration ", value(d.value) and clean(d.value) or "?")
    end
  end
  return concat(out, "\n") .. "\n"
end
