--- A readable brief in Markdown: entities by label, quotes, dates.
--
-- A title (the document's name), one section per label listing its
-- entities with their mention counts, titles, roles and aliases, a table of
-- the quotations with their speakers and cues, and a table of the dates and
-- durations. Report text is escaped for Markdown (`\`-escapes for the
-- characters Markdown reads as markup, HTML included; pipes escaped and
-- line breaks made spaces in table cells), so that the brief renders what
-- the article says.
--
-- @module glean.formats.markdown
-- @usage io.write(require("glean.formats.markdown")(report))

local base = require "glean.formats.base"

local ipairs, concat, format = ipairs, table.concat, string.format
local md, value = base.markdown, base.value

--- Renders a report as a Markdown brief.
-- @tparam table report
-- @tparam[opt] table opts `title` (the heading; default the document's
-- name, else "Report")
-- @treturn string Markdown text ending with a newline
-- @usage io.write(markdown(report, { title = "Harbour story" }))
return function(report, opts)
  report, opts = base.check(report, opts, "markdown")
  local index = base.index(report)
  local out = {}
  local function say(...) out[#out + 1] = concat({ ... }) end
  local title = opts.title or value(report.doc)
  say("# ", title and md(title) or "Report")
  say("")
  local ref = value(report.date)
  local groups = base.groups(report, true)
  local quotes = base.list(report.quotes)
  local dates, durations = base.list(report.dates), base.list(report.durations)
  local counts = {}
  for _, g in ipairs(groups) do
    local n = #g.entities
    counts[#counts + 1] = format("%d %s", n, md(n == 1 and g.info.name or g.info.plural))
  end
  say(#counts > 0 and concat(counts, ", ") or "No entities", format(
      "; %d quotation%s; %d date%s", #quotes, #quotes == 1 and "" or "s",
      #dates + #durations, #dates + #durations == 1 and "" or "s"),
      ref and ("; reference date " .. md(ref)) or "", ".")
  for _, g in ipairs(groups) do
    say("")
    say("## ", md(g.info.title))
    say("")
    for _, e in ipairs(g.entities) do
      local n = base.mention_count(e)
      local line = { format("- **%s** (%s), %d mention%s", md(e.name), md(e.id), n,
                            n == 1 and "" or "s") }
      local title_ = base.title(e)
      if title_ then line[#line + 1] = "title " .. md(title_) end
      if base.described(e) then line[#line + 1] = "known by a description" end
      local roles = base.roles(index, e)
      if #roles > 0 then
        for i, r in ipairs(roles) do roles[i] = md(r) end
        line[#line + 1] = (#roles == 1 and "role: " or "roles: ") .. concat(roles, "; ")
      end
      local aliases = base.aliases(e)
      if #aliases > 0 then
        for i, a in ipairs(aliases) do aliases[i] = md(a) end
        line[#line + 1] = "also " .. concat(aliases, ", ")
      end
      say(concat(line, "; "))
    end
  end
  if #quotes > 0 then
    say("")
    say("## Quotations")
    say("")
    say("| # | Speaker | Cue | Quotation |")
    say("|---|---|---|---|")
    for i, q in ipairs(quotes) do
      local name = base.speaker_name(index, q)
      local who = name and ("**" .. md(name) .. "**") or "*none*"
      local words = base.speaker_words(index, q)
      if words then who = who .. " (as " .. md(words) .. ")" end
      local cue = value(q.cue)
      say("| ", md(base.quote_id(q, i)), " | ", who, " | ", cue and md(cue) or "", " | ",
          md(q.text), " |")
    end
  end
  if #dates + #durations > 0 then
    say("")
    say("## Dates")
    say("")
    say("| Text | Value | Kind |")
    say("|---|---|---|")
    for _, d in ipairs(dates) do
      local grain, mod = value(d.grain), value(d.mod)
      say("| ", md(d.text), " | ", value(d.value) and md(d.value) or "?", " | ",
          grain and md(grain) or "date", mod and (" (" .. md(mod) .. ")") or "", " |")
    end
    for _, d in ipairs(durations) do
      say("| ", md(d.text), " | ", value(d.value) and md(d.value) or "?", " | duration |")
    end
  end
  return concat(out, "\n") .. "\n"
end
