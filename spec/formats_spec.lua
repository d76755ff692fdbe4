-- The report formats (glean.formats.*): golden outputs on the example
-- articles, CSV read back by an RFC 4180 reader, Markdown tables with the
-- right number of cells, HTML whose tags balance and whose marks cover every
-- mention and quotation, and a hostile report through every format.
-- After a deliberate change to a format: `lua5.4 tools/update_golden_formats.lua`
-- and read the diff.
local json = require "glean.json"
local base = require "glean.formats.base"
local html_tags = require "html_tags"
local support = require "support"
local cases = dofile("spec/golden/formats/cases.lua")

local null = json.null
local FORMATS = { "text", "json", "jsonl", "csv", "markdown", "html" }

local function format_of(name) return require("glean.formats." .. name) end

-- The first line where two texts differ, for the failure message.
local function first_difference(want, got)
  local n = 1
  local wl, gl = {}, {}
  for l in (want .. "\n"):gmatch("([^\n]*)\n") do wl[#wl + 1] = l end
  for l in (got .. "\n"):gmatch("([^\n]*)\n") do gl[#gl + 1] = l end
  while wl[n] == gl[n] and n <= #wl do n = n + 1 end
  return ("line %d:\n  want: %s\n  got:  %s"):format(n, tostring(wl[n]), tostring(gl[n]))
end

-- RFC 4180: records of fields; quoted fields may hold commas, quotes
-- (doubled) and line breaks; records end with CRLF. Returns nil and a
-- message for anything else.
local function read_csv(s)
  local records, fields, i, n = {}, {}, 1, #s
  while i <= n do
    local field
    if s:sub(i, i) == '"' then
      local parts = {}
      i = i + 1
      while true do
        local q = s:find('"', i, true)
        if not q then return nil, "unterminated quoted field" end
        parts[#parts + 1] = s:sub(i, q - 1)
        if s:sub(q + 1, q + 1) == '"' then
          parts[#parts + 1] = '"'
          i = q + 2
        else
          i = q + 1
          break
        end
      end
      field = table.concat(parts)
    else
      local e = s:find('[,\r\n"]', i) or n + 1
      if s:sub(e, e) == '"' then return nil, "quote in an unquoted field at byte " .. e end
      field = s:sub(i, e - 1)
      i = e
    end
    fields[#fields + 1] = field
    local c = s:sub(i, i)
    if c == "," then
      i = i + 1
    elseif s:sub(i, i + 1) == "\r\n" then
      records[#records + 1] = fields
      fields = {}
      i = i + 2
    else
      return nil, ("bad character after a field at byte %d: %q"):format(i, c)
    end
  end
  if #fields > 0 then return nil, "last record without CRLF" end
  return records
end

-- The cells of a Markdown table row: split at pipes not escaped by '\'.
local function cells(row)
  local out, cur, i = {}, {}, 1
  assert(row:sub(1, 1) == "|" and row:sub(-1) == "|", "row not within pipes: " .. row)
  row = row:sub(2)
  while i <= #row do
    local c = row:sub(i, i)
    if c == "\\" then
      cur[#cur + 1] = row:sub(i, i + 1)
      i = i + 2
    elseif c == "|" then
      out[#out + 1] = table.concat(cur)
      cur = {}
      i = i + 1
    else
      cur[#cur + 1] = c
      i = i + 1
    end
  end
  return out
end

-- Checks every table of a Markdown text: each row has as many cells as its
-- header. Returns the number of table rows.
local function check_markdown_tables(md)
  local rows, width = 0, nil
  for line in (md .. "\n"):gmatch("([^\n]*)\n") do
    if line:sub(1, 1) == "|" then
      local n = #cells(line)
      if not width then width = n end
      assert(n == width, ("%d cells, the header has %d: %s"):format(n, width, line))
      rows = rows + 1
    else
      width = nil
    end
  end
  return rows
end

-- The article's marks in an html page: text of the pieces of each mention
-- (entity@start) and quotation (by id), and the elements by DOM id.
local function html_marks(page)
  local root = assert(html_tags.parse(page, { strict = true }))
  local marks = { mentions = {}, labels = {}, quotes = {}, quote_els = {}, ids = {} }
  for _, el in ipairs(html_tags.all(root, function(el) return el.attrs.id ~= nil end)) do
    assert.is_nil(marks.ids[el.attrs.id], "id " .. el.attrs.id .. " twice")
    marks.ids[el.attrs.id] = el
  end
  local text_el = marks.ids.text
  if not text_el then return marks, root end
  for _, el in ipairs(html_tags.all(text_el, function(el) return el.attrs.class ~= nil end)) do
    if html_tags.has_class(el, "m") then
      local key = el.attrs["data-entity"] .. "@" .. el.attrs["data-start"]
      marks.mentions[key] = (marks.mentions[key] or "") .. el.text
      marks.labels[key] = el.attrs.class
    elseif html_tags.has_class(el, "q") then
      local id = el.attrs["data-quote"]
      marks.quotes[id] = (marks.quotes[id] or "") .. el.text
      marks.quote_els[id] = marks.quote_els[id] or {}
      table.insert(marks.quote_els[id], el)
    end
  end
  return marks, root
end

-- Every mention and quotation of the report is marked in the page with its
-- text (as the html format writes it: UTF-8 repaired, controls dropped), and
-- every quotation with a speaker links to the speaker's summary entry.
local function check_html_marks(page, report)
  local marks = html_marks(page)
  local clean = function(s) return html_tags.decode(base.html(s)) end
  local n = 0
  for _, e in ipairs(report.entities) do
    for _, m in ipairs(e.mentions) do
      local key = e.id .. "@" .. m.start
      assert.equal(clean(m.text), marks.mentions[key], "mention " .. key)
      local class = base.label(e.label).rank <= #base.LABELS and e.label or "other"
      assert.is_true(html_tags.has_class({ attrs = { class = marks.labels[key] } }, class))
      n = n + 1
    end
  end
  for i, q in ipairs(report.quotes) do
    local id = base.quote_id(q, i)
    assert.equal(clean(q.text), marks.quotes[id], "quotation " .. id)
    for _, el in ipairs(marks.quote_els[id]) do
      local speaker = base.value(q.speaker)
      assert.equal(speaker or "", el.attrs["data-speaker"])
      if speaker and el.tag == "a" then
        local target = marks.ids[assert(el.attrs.href:match("^#(.+)$"))]
        assert.equal(speaker, target and target.attrs["data-entity"])
      end
    end
  end
  return n
end

describe("report formats", function()
  describe("golden outputs of the example articles", function()
    for _, case in ipairs(cases.cases()) do
      it(case.path, function()
        local want = assert(support.read_file(case.path))
        local got = cases.render(case)
        if got ~= want then
          error(case.path .. " differs at " .. first_difference(want, got)
                .. "\n(lua5.4 tools/update_golden_formats.lua rewrites it; read the diff)", 0)
        end
      end)
    end

    it("json renders each stored report byte for byte", function()
      for _, a in ipairs(cases.articles) do
        local report = cases.article(a)
        assert.equal(assert(support.read_file("spec/golden/" .. a .. ".json")),
                     format_of("json")(report))
      end
    end)

    it("has a golden file for every output listed, and no other", function()
      local want = { ["cases.lua"] = true }
      for _, case in ipairs(cases.cases()) do want[case.path:match("[^/]+$")] = true end
      local p = io.popen("ls spec/golden/formats")
      for f in p:lines() do
        assert.is_true(want[f] ~= nil, "stray golden file " .. f)
        want[f] = false
      end
      p:close()
      for f, missing in pairs(want) do assert.is_false(missing, "missing golden file " .. f) end
    end)
  end)

  describe("on the reports glean extracts today", function()
    local news = require "glean.news"
    for _, a in ipairs(cases.articles) do
      it(a, function()
        local path = "examples/news/" .. a .. ".txt"
        local text = assert(support.read_file(path))
        local report = news.extract(text, { doc = path })
        for _, name in ipairs(FORMATS) do
          local out = format_of(name)(report, { text = text })
          assert.is_true(#out > 0 and base.valid_utf8(out), name)
        end
        local marked = check_html_marks(format_of("html")(report, { text = text }), report)
        local mentions = 0
        for _, e in ipairs(report.entities) do mentions = mentions + #e.mentions end
        assert.equal(mentions, marked)
      end)
    end
  end)

  describe("csv", function()
    local csv = format_of("csv")
    for _, a in ipairs(cases.articles) do
      it("reads back as the report (" .. a .. ")", function()
        local report = cases.article(a)
        local index = base.index(report)
        -- mentions
        local rows = assert(read_csv(csv(report)))
        assert.same({ "doc", "entity", "label", "name", "start", "stop", "text" }, rows[1])
        local want, got = {}, {}
        for _, e in ipairs(report.entities) do
          for _, m in ipairs(e.mentions) do
            want[#want + 1] = table.concat({ report.doc, e.id, e.label, e.name, m.start, m.stop,
                                             m.text }, "\1")
          end
        end
        for i = 2, #rows do got[#got + 1] = table.concat(rows[i], "\1") end
        table.sort(want)
        table.sort(got)
        assert.same(want, got)
        -- entities, in the base's order
        rows = assert(read_csv(csv(report, { table = "entities" })))
        assert.same({ "doc", "entity", "label", "name", "title", "mentions", "first", "aliases",
                      "roles" }, rows[1])
        local ordered = base.entities(report)
        assert.equal(#ordered + 1, #rows)
        for i, e in ipairs(ordered) do
          local r = rows[i + 1]
          assert.same({ report.doc, e.id, e.label, e.name, base.title(e) or "",
                        tostring(#e.mentions), tostring(base.first_mention(e)),
                        table.concat(e.aliases, "; ") },
                      { r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8] })
        end
        -- quotes
        rows = assert(read_csv(csv(report, { table = "quotes" })))
        assert.equal(#report.quotes + 1, #rows)
        for i, q in ipairs(report.quotes) do
          local r = rows[i + 1]        -- the stored quotes are in text order
          local sm = base.value(q.speaker_mention)
          assert.same({ report.doc, q.id, tostring(q.start), tostring(q.stop),
                        base.value(q.speaker) or "", base.speaker_name(index, q) or "",
                        sm and sm.text or "", base.value(q.cue) or "", q.text }, r)
        end
        -- dates
        rows = assert(read_csv(csv(report, { table = "dates" })))
        assert.equal(#report.dates + #report.durations + 1, #rows)
      end)
    end

    it("quotes fields per RFC 4180 and ends records with CRLF", function()
      assert.equal("plain", base.csv("plain"))
      assert.equal('"a,b"', base.csv("a,b"))
      assert.equal('"say ""hi"""', base.csv('say "hi"'))
      assert.equal('"two\nlines"', base.csv("two\nlines"))
      assert.equal('"cr\rhere"', base.csv("cr\rhere"))
      assert.equal("", base.csv(null))
      assert.equal("12", base.csv(12))
      assert.equal("a,,3\r\n", base.csv_row({ "a", nil, 3 }, 3))
    end)

    it("leaves the header out on request, and rejects an unknown table", function()
      local report = cases.article("wire")
      local with, without = csv(report), csv(report, { header = false })
      assert.equal(with, "doc,entity,label,name,start,stop,text\r\n" .. without)
      assert.has_error(function() csv(report, { table = "people" }) end,
        "bad option 'table' to format 'csv' (mentions, entities, quotes or dates expected, "
        .. "got 'people')")
    end)
  end)

  describe("markdown", function()
    for _, a in ipairs(cases.articles) do
      it("has table rows with the header's number of cells (" .. a .. ")", function()
        local report = cases.article(a)
        local md = format_of("markdown")(report)
        local rows = check_markdown_tables(md)
        local want = (#report.quotes > 0 and #report.quotes + 2 or 0)
                     + (#report.dates + #report.durations > 0
                        and #report.dates + #report.durations + 2 or 0)
        assert.equal(want, rows)
      end)
    end

    it("escapes pipes, line breaks and markup in cells", function()
      local report = cases.article("harbour")
      report.quotes[1].text = "a | b\nc <b>*d*</b> \\| e"
      local md = format_of("markdown")(report)
      check_markdown_tables(md)
      assert.matches("| a \\| b c \\<b\\>\\*d\\*\\</b\\> \\\\\\| e |", md, 1, true)
    end)
  end)

  describe("html", function()
    local html = format_of("html")

    for _, a in ipairs(cases.articles) do
      it("marks every mention and quotation, tags balanced (" .. a .. ")", function()
        local report, text = cases.article(a)
        local page = html(report, { text = text })
        assert.is_true(check_html_marks(page, report) > 0)
        local marks = html_marks(page)
        -- every link inside the page goes to an element that exists
        for href in page:gmatch('href="#([^"]*)"') do
          assert.is_truthy(marks.ids[html_tags.decode(href)], "no element #" .. href)
        end
        -- the text of the article element is the article
        assert.equal(base.html(text), base.html(marks.ids.text.text:sub(2)))
      end)
    end

    it("renders the summary alone without the text", function()
      local report = cases.article("harbour")
      local page = html(report)
      local marks, root = html_marks(page)
      assert.is_nil(marks.ids.text)
      assert.is_truthy(marks.ids.summary)
      assert.equal(0, #html_tags.all(root, function(el) return html_tags.has_class(el, "m") end))
      for _, e in ipairs(report.entities) do
        assert.is_truthy(marks.ids[base.html_id("ent-", e.id)], e.id)
      end
    end)

    it("nests overlapping spans by splitting them", function()
      local text = "Alpha Beta Gamma said “Delta Epsilon” today."
      local function at(s) local i = text:find(s, 1, true); return i, i + #s - 1 end
      local a1, a2 = at("Alpha Beta")
      local b1, b2 = at("Beta Gamma")          -- crosses the first
      local c1, c2 = at("Gamma said “Delta")   -- crosses the quote
      local q1, q2 = at("“Delta Epsilon”")
      local d1, d2 = at("Delta")
      local report = {
        schema = "glean.report/1", doc = "t", date = null, dates = {}, links = {},
        entities = {
          { id = "E1", label = "ORG", name = "Alpha Beta", attrs = {}, aliases = {}, roles = {},
            mentions = { { start = a1, stop = a2, text = text:sub(a1, a2) } } },
          { id = "E2", label = "PERSON", name = "Beta Gamma", attrs = {}, aliases = {},
            roles = {}, mentions = { { start = b1, stop = b2, text = text:sub(b1, b2) } } },
          { id = "E3", label = "MISC", name = "x", attrs = {}, aliases = {}, roles = {},
            mentions = { { start = c1, stop = c2, text = text:sub(c1, c2) },
                         { start = d1, stop = d2, text = text:sub(d1, d2) } } },
        },
        quotes = {
          { id = "Q1", start = q1, stop = q2, text = text:sub(q1, q2), speaker = "E2",
            speaker_mention = null, cue = "said" },
          { id = "Q2", start = d1, stop = q2, text = text:sub(d1, q2), speaker = "E1",
            speaker_mention = null, cue = null },   -- a quotation inside a quotation
        },
      }
      local page = html(report, { text = text })
      check_html_marks(page, report)
      -- no link inside a link: the inner quotation is a span
      local root = assert(html_tags.parse(page, { strict = true }))
      for _, el in ipairs(html_tags.all(root, function(el) return el.tag == "a" end)) do
        assert.equal(0, #html_tags.all(el, function(x) return x.tag == "a" end))
      end
    end)

    it("ignores spans outside the text", function()
      local report = cases.article("wire")
      report.entities[1].mentions[1] = { start = 10000, stop = 10005, text = "nowhere" }
      report.entities[1].mentions[2] = { start = 5, stop = 3, text = "" }
      local page = html(report, { text = "short" })
      assert(html_tags.parse(page, { strict = true }))
    end)
  end)

  describe("a hostile report", function()
    local evil = "<script>alert(1)</script>\"'&amp;]]></style></pre>\n\r\t\0\1\27[31m"
                 .. "\194\155\226\128\174\255\254\192\128 end"
    local text = "Evil " .. evil .. " said “" .. evil .. "” <!-- --> & done."
    local e1 = text:find(evil, 1, true)
    local q1 = text:find("“", 1, true)
    local q2 = text:find("”", 1, true) + 2
    local function report()
      return {
        schema = "glean.report/1", doc = evil, date = evil,
        entities = {
          { id = "E1\" onmouseover=\"alert(1)", label = "PERSON<script>", name = evil,
            attrs = { title = evil, kind = "description" }, aliases = { evil, "a; b" },
            roles = { { text = evil, of = "E2" } },
            mentions = { { start = e1, stop = e1 + #evil - 1, text = evil } } },
          { id = "E2", label = "ORG", name = "</style><script>alert(2)</script>", attrs = {},
            aliases = {}, roles = {}, mentions = { { start = 1, stop = 4, text = "Evil" } } },
        },
        quotes = {
          { id = "Q1'><b>", start = q1, stop = q2, text = text:sub(q1, q2),
            speaker = "E1\" onmouseover=\"alert(1)",
            speaker_mention = { start = 1, stop = 4, text = evil }, cue = evil },
        },
        dates = { { start = 1, stop = 4, text = evil, value = evil, grain = evil, mod = evil } },
        durations = { { start = 1, stop = 4, text = evil, value = evil } },
        links = {},
      }
    end

    it("reaches the HTML escaped", function()
      local r = report()
      for _, with_text in ipairs({ true, false }) do
        local page = format_of("html")(r, { text = with_text and text or nil })
        assert(html_tags.parse(page, { strict = true }))
        -- our two scripts and one style sheet only
        local _, scripts = page:gsub("<script", "")
        local _, styles = page:gsub("</style", "")
        assert.equal(2, scripts)
        assert.equal(1, styles)
        assert.is_nil(page:find("<script>alert", 1, true))
        assert.is_nil(page:find("alert(1)</script", 1, true))
        assert.is_nil(page:find("onmouseover=\"", 1, true))
        assert.is_true(base.valid_utf8(page))
        assert.is_nil(page:find("[%z\1-\8\11\12\14-\31\127]"))
        assert.is_nil(page:find("\194[\128-\159]"))
        -- the embedded report decodes to the report (UTF-8 repaired)
        local data = page:match('<script type="application/json" id="glean%-report">(.-)</script>')
        assert.same(json.decode(json.encode(base.utf8_deep(r))), json.decode(data))
        -- the names are there, as text
        local root = html_tags.parse(page)
        local summary = html_tags.all(root, function(el) return el.attrs.id == "summary" end)[1]
        assert.matches("</style><script>alert(2)</script>", summary.text, 1, true)
        assert.matches("<script>alert(1)</script>\"'&amp;]]></style></pre>", summary.text, 1, true)
        if with_text then check_html_marks(page, r) end
      end
    end)

    it("round-trips through CSV", function()
      local r = report()
      local rows = assert(read_csv(format_of("csv")(r)))
      assert.equal(3, #rows)
      local by_entity = {}
      for i = 2, 3 do by_entity[rows[i][2]] = rows[i] end
      local m = by_entity[r.entities[1].id]
      assert.same({ evil, r.entities[1].id, "PERSON<script>", evil, tostring(e1),
                    tostring(e1 + #evil - 1), evil }, m)
      rows = assert(read_csv(format_of("csv")(r, { table = "quotes" })))
      assert.same({ evil, r.quotes[1].id, tostring(q1), tostring(q2), r.quotes[1].speaker, evil,
                    evil, evil, r.quotes[1].text }, rows[2])
      rows = assert(read_csv(format_of("csv")(r, { table = "entities" })))
      assert.equal(evil, rows[3][5])              -- the title, byte for byte
      rows = assert(read_csv(format_of("csv")(r, { table = "dates" })))
      assert.same({ evil, "date", "1", "4", evil, evil, evil, evil }, rows[2])
    end)

    it("reaches the terminal without control characters", function()
      local r = report()
      for _, color in ipairs({ false, true }) do
        local out = format_of("text")(r, { color = color })
        if color then
          assert.matches("\27%[", out)
          out = out:gsub("\27%[[%d;]*m", "")
        end
        assert.is_true(base.valid_utf8(out))
        assert.is_nil(out:find("[%z\1-\9\11-\31\127]"), "a control character")
        assert.is_nil(out:find("\194[\128-\159]"), "a C1 control")
        assert.is_nil(out:find("\226\128[\170-\174]"), "a bidirectional override")
        assert.matches("<script>alert(1)</script>\"'&amp;]]></style></pre> \239\191\189", out, 1,
                       true)
      end
    end)

    it("renders as Markdown without markup and with whole table rows", function()
      local md = format_of("markdown")(report())
      assert.is_true(base.valid_utf8(md))
      assert.is_nil(md:find("[^\\]<"), "an unescaped '<'")
      assert.is_nil(md:find("[%z\1-\9\11-\31\127]"))
      assert.equal((2 + 1) + (2 + 2), check_markdown_tables(md))   -- quotes, dates
    end)

    it("renders as valid JSON and JSON Lines", function()
      local r = report()
      for _, name in ipairs({ "json", "jsonl" }) do
        local out = format_of(name)(r)
        assert.is_true(base.valid_utf8(out))
        local back = assert(json.decode(out))
        assert.equal(r.entities[1].id, back.entities[1].id)
        assert.equal(base.utf8(evil), back.doc)
      end
      assert.equal(1, select(2, format_of("jsonl")(r):gsub("\n", "")))
    end)
  end)

  describe("every format", function()
    local report = cases.article("wire")
    for _, name in ipairs(FORMATS) do
      it(name .. " raises on misuse, naming the argument", function()
        local f = format_of(name)
        assert.has_error(function() f(nil) end,
          "bad argument #1 to format '" .. name .. "' (report table expected, got nil)")
        assert.has_error(function() f(report, "color") end,
          "bad argument #2 to format '" .. name .. "' (options table expected, got string)")
      end)

      it(name .. " takes an empty report", function()
        local out = format_of(name)({ entities = {}, quotes = {}, dates = {}, links = {} },
                                    { text = "" })
        assert.equal("string", type(out))
      end)
    end

    it("has a module with a short first LDoc line (glean formats lists them)", function()
      local p = io.popen("ls lua/glean/formats/*.lua")
      local found = {}
      for path in p:lines() do
        local name = path:match("([^/]+)%.lua$")
        local first = assert(support.read_file(path)):match("^%-%-%- ([^\n]+)")
        assert.is_truthy(first, path .. " has no LDoc summary")
        assert.is_true(#first <= 80, path .. ": first line longer than 80 bytes")
        if name ~= "base" then
          found[#found + 1] = name
          assert.equal("function", type(format_of(name)))
        end
      end
      p:close()
      table.sort(found)
      local want = {}
      for i, f in ipairs(FORMATS) do want[i] = f end
      table.sort(want)
      assert.same(want, found)
    end)
  end)
end)

describe("glean.formats.base", function()
  it("orders entities by label, then first mention, stably", function()
    local function e(id, label, ...)
      local ms = {}
      for i, s in ipairs({ ... }) do ms[i] = { start = s, stop = s, text = "x" } end
      return { id = id, label = label, mentions = ms }
    end
    local r = { entities = { e("E1", "LOC", 50), e("E2", "PERSON", 90, 10), e("E3", "ORG", 5),
                             e("E4", "PERSON", 40), e("E5", "ZZZ", 1), e("E6", "PERSON"),
                             e("E7", "PERSON", 40), e("E8", "AAA", 2) } }
    local ids = {}
    for i, x in ipairs(base.entities(r)) do ids[i] = x.id end
    assert.same({ "E2", "E4", "E7", "E6", "E3", "E1", "E8", "E5" }, ids)
    local groups = base.groups(r, true)
    assert.equal(5, #groups)
    assert.equal("People", groups[1].info.title)
    assert.equal(3, #groups[1].entities)   -- E6 has no mentions
  end)

  it("repairs UTF-8 and cleans text for a terminal", function()
    assert.equal("Zoë", base.utf8("Zoë"))
    assert.equal("a\239\191\189b\239\191\189\239\191\189", base.utf8("a\255b\192\128"))
    assert.equal("\239\191\189", base.utf8("\237\160\128"):sub(1, 3))   -- a surrogate
    assert.is_false(base.valid_utf8("\244\144\128\128"))                -- above U+10FFFF
    assert.equal("a b c", base.terminal("a\n\tb\27[2J\r\n\194\155c\226\128\174"))
    assert.equal("a\nb", base.terminal("a\r\nb\7", true))
  end)

  it("escapes HTML, JSON in HTML and Markdown", function()
    assert.equal("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;", base.html("<a href=\"x\" title='y'>&"))
    assert.equal("ab", base.html("a\0\27b"))
    assert.equal('"\\u003c/script\\u003e\\u0026"', base.json_in_html('"</script>&"'))
    assert.equal("\\<b\\> \\| \\*x\\* \\_y\\_ \\[z\\]", base.markdown("<b> | *x* _y_ [z]"))
    assert.equal("ent-E1.22.20x", base.html_id("ent-", 'E1" x'))
  end)

  it("colours only when asked", function()
    assert.equal("People", base.paint("People", "PERSON", false))
    assert.equal("\27[1;33mPeople\27[0m", base.paint("People", "PERSON", true))
  end)
end)
