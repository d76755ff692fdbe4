--- The `text` report format: a summary to read in a terminal: who is in
-- the article (by label, with mention counts, titles, roles and aliases),
-- who said what, and when.
-- @module glean.formats.text
-- @usage io.write(require("glean.formats.text")(report))

local json = require "glean.json"

local ipairs, table, string = ipairs, table, string
local null = json.null

local SECTIONS = {
  { "PERSON", "People" }, { "ORG", "Organisations" }, { "LOC", "Places" },
  { "NORP", "Nationalities and groups" }, { "MISC", "Other names" },
}

local function by_id(report)
  local out = {}
  for _, e in ipairs(report.entities) do out[e.id] = e end
  return out
end

local function one_line(s, max)
  s = s:gsub("%s+", " ")
  if #s > max then
    local cut = max
    -- do not cut a UTF-8 sequence in two
    while cut > 1 and s:byte(cut + 1) and s:byte(cut + 1) >= 0x80 and s:byte(cut + 1) < 0xC0 do
      cut = cut - 1
    end
    s = s:sub(1, cut) .. "…"
  end
  return s
end

--- Renders a report as a readable summary.
-- @tparam table report
-- @tparam[opt] table opts `width` of quotations (default 100)
-- @treturn string
-- @usage io.write(text_format(report, { width = 72 }))
return function(report, opts)
  local width = opts and opts.width or 100
  local entities = by_id(report)
  local out = {}
  local function say(...) out[#out + 1] = table.concat({ ... }) end
  if report.doc ~= null and report.doc then say("== ", report.doc) end
  for _, section in ipairs(SECTIONS) do
    local list = {}
    for _, e in ipairs(report.entities) do
      if e.label == section[1] and #e.mentions > 0 then list[#list + 1] = e end
    end
    if #list > 0 then
      say(section[2], ":")
      for _, e in ipairs(list) do
        local extra = {}
        if e.attrs and e.attrs.title then extra[#extra + 1] = "title: " .. e.attrs.title end
        if e.attrs and e.attrs.kind == "description" then extra[#extra + 1] = "described" end
        for _, r in ipairs(e.roles or {}) do
          local of = r.of ~= null and entities[r.of]
          extra[#extra + 1] = "role: " .. r.text .. (of and (" (of " .. of.name .. ")") or "")
        end
        if e.aliases and #e.aliases > 0 then
          extra[#extra + 1] = "aka " .. table.concat(e.aliases, ", ")
        end
        say(string.format("  %-4s %s (%d)%s", e.id, e.name, #e.mentions,
                          #extra > 0 and ("  " .. table.concat(extra, "; ")) or ""))
      end
    end
  end
  if #report.quotes > 0 then
    say("Quotations:")
    for _, q in ipairs(report.quotes) do
      local who = q.speaker ~= null and entities[q.speaker]
      local speaker = who and who.name or "(no speaker)"
      if who and q.speaker_mention ~= null and q.speaker_mention.text ~= who.name then
        speaker = speaker .. " [" .. q.speaker_mention.text .. "]"
      end
      say("  ", speaker, q.cue ~= null and (" (" .. q.cue .. ")") or "", ": ",
          one_line(q.text, width))
    end
  end
  if #report.dates > 0 or #(report.durations or {}) > 0 then
    local ref = report.date ~= null and report.date
    say("Dates", ref and (" (reference " .. ref .. ")") or "", ":")
    for _, d in ipairs(report.dates) do
      say("  ", d.text, "  ", d.value ~= null and d.value or "?",
          d.grain ~= null and (" (" .. d.grain .. ")") or "")
    end
    for _, d in ipairs(report.durations or {}) do
      say("  ", d.text, "  duration ", d.value ~= null and d.value or "?")
    end
  end
  return table.concat(out, "\n") .. "\n"
end
