--- One self-contained HTML page: the article with its entities highlighted.
--
-- The page has no external assets (inline CSS and a little inline script).
-- It shows the article text with every entity mention highlighted in its
-- label's colour (a legend says which), every quotation underlined and
-- linked to its speaker's entry in a side summary, and dates dotted; the
-- summary lists the entities by label (mention counts, titles, roles,
-- aliases), the quotations with their speakers and the dates. Hovering a
-- mention shows its entity and the entity's mentions (a `title`), and
-- highlights the entity's other mentions and its summary entry.
--
-- Mentions may nest or overlap (a place inside an organisation's name,
-- mentions inside a quotation): elements are split at every boundary so
-- that they always nest. For tests and tools the elements are marked:
-- a mention is `<span class="m LABEL" data-entity="E3" data-start="..">`, a
-- quotation `class="q"` with `data-speaker` (the entity id, empty when
-- none) and `data-quote`, a date `class="d"`. The report itself is embedded
-- as JSON in `<script type="application/json" id="glean-report">`.
--
-- Every piece of report and article text is escaped (text, attributes, the
-- embedded JSON), invalid UTF-8 is repaired and control characters are
-- dropped, so that a hostile article or report cannot inject markup.
--
-- @module glean.formats.html
-- @usage
-- local html = require "glean.formats.html"
-- io.write(html(report, { text = article_text }))

local base = require "glean.formats.base"
local json = require "glean.json"

local ipairs, type, floor = ipairs, type, math.floor
local concat, sort, format, sub = table.concat, table.sort, string.format, string.sub
local esc, value, str = base.html, base.value, base.str

local CSS = [[
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 "DejaVu Sans",system-ui,sans-serif;color:#1f2328;background:#f3f4f6}
header{padding:14px 28px 12px;background:#fff;border-bottom:1px solid #d8dadd}
h1{font-size:19px;margin:0 0 6px;word-break:break-all}
.meta{margin:0 0 8px;color:#555;font-size:13px}
.legend{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:8px 14px;font-size:13px}
.legend li{display:flex;align-items:center;gap:5px}
.sw{display:inline-block;width:14px;height:14px;border-radius:3px;border:1px solid rgba(0,0,0,.2)}
main{display:grid;grid-template-columns:minmax(0,1fr) 400px;gap:24px;padding:20px 28px;
align-items:start}
main.summary-only{grid-template-columns:minmax(0,760px)}
#text{margin:0;white-space:pre-wrap;overflow-wrap:break-word;background:#fff;padding:22px 30px;
border:1px solid #d8dadd;border-radius:8px;font:17px/1.8 "DejaVu Serif",Georgia,serif}
aside{position:sticky;top:12px;max-height:calc(100vh - 24px);overflow:auto;background:#fff;
border:1px solid #d8dadd;border-radius:8px;padding:4px 18px 14px;font-size:13.5px}
aside h2{font-size:15px;margin:14px 0 6px;border-bottom:1px solid #e5e7eb;padding-bottom:3px}
aside h3{font-size:13.5px;margin:10px 0 4px;display:flex;align-items:center;gap:6px}
aside ul,aside ol{margin:0;padding-left:20px}
aside li{margin:2px 0}
.ent{list-style:none;margin:3px 0 3px -20px;padding:1px 6px;border-left:5px solid #ccc}
aside a{color:#1f2328;text-decoration:none}
aside a:hover{text-decoration:underline}
.ent .n,.id{color:#6b7280;font-size:12px}
.ent .more{color:#444;font-size:12.5px;margin-left:4px}
.m{border-radius:3px;padding:1px 0;cursor:help}
.m .m{box-shadow:inset 0 -3px 0 rgba(0,0,0,.28)}
.q,.qs{color:inherit;text-decoration:underline;text-decoration-color:#b42318;
text-decoration-thickness:2px;text-underline-offset:5px}
span.q{text-decoration-style:dashed}
.d,.ds{border-bottom:2px dotted #6b7280}
.hl{outline:2px solid #111;outline-offset:1px}
.ent.hl{background:#fff7cc;outline:none}
:target{outline:2px solid #b42318;outline-offset:1px}
.quotes .who{font-weight:600;color:#1f2328}
.quotes .cue{color:#6b7280}
.quotes a.qt{color:#1f2328}
.none{color:#6b7280;font-style:italic}
@media (max-width:900px){main{grid-template-columns:minmax(0,1fr)}
aside{position:static;max-height:none}}
]]

-- Hovering a mention or a summary entry highlights every element of its
-- entity (compared with getAttribute: ids need no selector escaping).
local SCRIPT = [[
(function () {
  var current = null;
  function mark(id, on) {
    var els = document.querySelectorAll("[data-entity]");
    for (var i = 0; i < els.length; i++) {
      if (els[i].getAttribute("data-entity") === id) els[i].classList.toggle("hl", on);
    }
  }
  document.addEventListener("mouseover", function (ev) {
    var t = ev.target.closest ? ev.target.closest(".m, .ent") : null;
    var id = t ? t.getAttribute("data-entity") : null;
    if (id === current) return;
    if (current !== null) mark(current, false);
    current = id;
    if (id !== null) mark(id, true);
  });
  document.documentElement.classList.add("js");
})();
]]

-- A CSS class for a label: the label when it is one formats know, else
-- "other".
local function label_class(label)
  local info = base.label(label)
  if info.rank <= #base.LABELS then return info.label end
  return "other"
end

local function label_css()
  local out = {}
  for _, l in ipairs(base.LABELS) do
    out[#out + 1] = format(".%s{background:%s}", l.label, l.color)
  end
  out[#out + 1] = ".other{background:#eeeeee}"
  for _, l in ipairs(base.LABELS) do
    out[#out + 1] = format(".ent.%s{background:none;border-left-color:%s}", l.label, l.color)
  end
  out[#out + 1] = ".ent.other{background:none;border-left-color:#cccccc}"
  return concat(out, "\n")
end

local function is_offset(n)
  return type(n) == "number" and n == floor(n)
end

-- The spans to mark in the text, sorted so that an outer span comes before
-- the spans it contains: by start, longest first, quotes before mentions
-- before dates, then in report order.
local function text_spans(report, text, entities)
  local spans = {}
  local function add(s, kind, rank, data)
    local a, b = s.start, s.stop
    if is_offset(a) and is_offset(b) and a >= 1 and b >= a and b <= #text then
      spans[#spans + 1] = { start = a, stop = b, kind = kind, rank = rank, data = data,
                            seq = #spans + 1 }
    end
  end
  for i, q in ipairs(base.list(report.quotes)) do add(q, "q", 1, { q = q, i = i }) end
  for _, e in ipairs(entities) do
    for _, m in ipairs(base.list(e.mentions)) do add(m, "m", 2, { e = e, m = m }) end
  end
  for _, d in ipairs(base.list(report.dates)) do add(d, "d", 3, { d = d }) end
  for _, d in ipairs(base.list(report.durations)) do add(d, "d", 3, { d = d, duration = true }) end
  sort(spans, function(x, y)
    if x.start ~= y.start then return x.start < y.start end
    if x.stop ~= y.stop then return x.stop > y.stop end
    if x.rank ~= y.rank then return x.rank < y.rank end
    return x.seq < y.seq
  end)
  return spans
end

local MAX_LISTED = 12

-- The tooltip of an entity's mentions: name, label, id, and the words of
-- its mentions (each once, with a count when repeated), in text order.
local function entity_title(e)
  local mentions = base.list(e.mentions)
  local order, count = {}, {}
  for _, m in ipairs(mentions) do
    local t = base.terminal(m.text)
    if not count[t] then order[#order + 1] = t; count[t] = 0 end
    count[t] = count[t] + 1
  end
  local list = {}
  for i, t in ipairs(order) do
    if i > MAX_LISTED then
      list[#list + 1] = format("and %d more", #order - MAX_LISTED)
      break
    end
    list[#list + 1] = "“" .. t .. "”" .. (count[t] > 1 and format(" ×%d", count[t]) or "")
  end
  return format("%s: %s (%s)\n%d mention%s: %s", base.terminal(e.name), base.label(e.label).name,
                base.terminal(e.id), #mentions, #mentions == 1 and "" or "s", concat(list, ", "))
end

local function mention_anchor(e, m)
  return base.html_id("m-", str(e.id) .. "-" .. str(m.start))
end

-- The article with its spans, as nested elements.
local function render_text(text, spans, index, quote_ids)
  local out = {}
  local bounds, seen = { 1, #text + 1 }, { [1] = true, [#text + 1] = true }
  for _, s in ipairs(spans) do
    for _, b in ipairs({ s.start, s.stop + 1 }) do
      if not seen[b] then seen[b] = true; bounds[#bounds + 1] = b end
    end
  end
  sort(bounds)
  local titles = {}
  local function open(s, inside_link)
    local d = s.data
    local first = not s.opened
    s.opened = true
    if s.kind == "m" then
      local e = d.e
      titles[e] = titles[e] or esc(entity_title(e))
      return format('<span class="m %s" data-entity="%s" data-start="%s"%s title="%s">',
                    label_class(e.label), esc(e.id), esc(d.m.start),
                    first and (' id="' .. esc(mention_anchor(e, d.m)) .. '"') or "",
                    titles[e]), "span"
    elseif s.kind == "q" then
      local q = d.q
      local who = base.entity(index, q.speaker)
      local cue = value(q.cue)
      local id = first and (' id="' .. esc(base.html_id("text-", quote_ids[q])) .. '"') or ""
      local attrs = format('data-speaker="%s" data-quote="%s"%s',
                           who and esc(q.speaker) or "", esc(quote_ids[q]), id)
      if who and not inside_link then
        return format('<a class="q" href="#%s" %s title="%s">', esc(base.html_id("ent-", who.id)),
                      attrs, esc("quotation of " .. base.terminal(who.name)
                                 .. (cue and (" (" .. base.terminal(cue) .. ")") or ""))), "a"
      end
      return format('<span class="q" %s title="%s">', attrs,
                    who and esc("quotation of " .. base.terminal(who.name))
                    or "quotation, no speaker found"), "span"
    else
      local dd = d.d
      local what = d.duration and "duration" or "date"
      return format('<span class="d" data-value="%s" title="%s">', esc(dd.value),
                    esc(what .. ": " .. (value(dd.value) and base.terminal(dd.value) or "?")
                        .. (value(dd.grain) and (" (" .. base.terminal(dd.grain) .. ")") or ""))),
             "span"
    end
  end
  local stack = {}          -- open elements: { span, tag }
  local active = {}         -- spans covering the current segment, in sort order
  local next_span = 1
  for k = 1, #bounds - 1 do
    local a, b = bounds[k], bounds[k + 1] - 1
    local still = {}
    for _, s in ipairs(active) do
      if s.stop >= a then still[#still + 1] = s end
    end
    active = still
    while spans[next_span] and spans[next_span].start == a do
      active[#active + 1] = spans[next_span]
      next_span = next_span + 1
    end
    -- keep the open elements the segment still needs, close the rest
    local keep = 0
    while keep < #stack and stack[keep + 1][1] == active[keep + 1] do keep = keep + 1 end
    for i = #stack, keep + 1, -1 do
      out[#out + 1] = "</" .. stack[i][2] .. ">"
      stack[i] = nil
    end
    for i = keep + 1, #active do
      local inside_link = false
      for _, open_ in ipairs(stack) do
        if open_[2] == "a" then inside_link = true end
      end
      local tag_text, tag = open(active[i], inside_link)
      out[#out + 1] = tag_text
      stack[#stack + 1] = { active[i], tag }
    end
    out[#out + 1] = esc(sub(text, a, b))
  end
  for i = #stack, 1, -1 do out[#out + 1] = "</" .. stack[i][2] .. ">" end
  return concat(out)
end

local function summary(report, groups, index, quote_ids, has_text)
  local out = {}
  local function say(...) out[#out + 1] = concat({ ... }) end
  say('<aside id="summary">')
  say("<h2>Entities</h2>")
  if #groups == 0 then say('<p class="none">none found</p>') end
  for _, g in ipairs(groups) do
    say('<h3><span class="sw ', label_class(g.info.label), '"></span>', esc(g.info.title),
        ' <span class="n">', #g.entities, '</span></h3>')
    say("<ul>")
    for _, e in ipairs(g.entities) do
      local n = base.mention_count(e)
      local name = esc(e.name)
      local first = base.list(e.mentions)[1]
      if has_text and first then
        local at, first_start = first, base.first_mention(e)
        for _, m in ipairs(base.list(e.mentions)) do
          if m.start == first_start then at = m; break end
        end
        name = '<a href="#' .. esc(mention_anchor(e, at)) .. '">' .. name .. "</a>"
      end
      local more = {}
      local title = base.title(e)
      if title then more[#more + 1] = "title " .. esc(title) end
      if base.described(e) then more[#more + 1] = "known by a description" end
      for _, r in ipairs(base.roles(index, e)) do more[#more + 1] = esc(r) end
      local aliases = base.aliases(e)
      if #aliases > 0 then
        for i, a in ipairs(aliases) do aliases[i] = esc(a) end
        more[#more + 1] = "also " .. concat(aliases, ", ")
      end
      say('<li class="ent ', label_class(e.label), '" id="', esc(base.html_id("ent-", e.id)),
          '" data-entity="', esc(e.id), '"><b>', name, '</b> <span class="n">', n, "×</span> ",
          '<span class="id">', esc(e.id), "</span>",
          #more > 0 and ('<div class="more">' .. concat(more, " · ") .. "</div>") or "", "</li>")
    end
    say("</ul>")
  end
  local quotes = base.list(report.quotes)
  if #quotes > 0 then
    say("<h2>Quotations</h2>")
    say('<ol class="quotes">')
    for _, q in ipairs(quotes) do
      local who = base.entity(index, q.speaker)
      local cue = value(q.cue)
      local speaker = who and ('<a class="who" href="#' .. esc(base.html_id("ent-", who.id)) .. '">'
                               .. esc(who.name) .. "</a>")
                      or '<span class="none">no speaker</span>'
      local qt = esc(q.text)
      if has_text then
        qt = '<a class="qt" href="#' .. esc(base.html_id("text-", quote_ids[q])) .. '">'
             .. qt .. "</a>"
      end
      say('<li id="', esc(base.html_id("quote-", quote_ids[q])), '">', speaker,
          cue and (' <span class="cue">' .. esc(cue) .. "</span>") or "", ": ", qt, "</li>")
    end
    say("</ol>")
  end
  local dates, durations = base.list(report.dates), base.list(report.durations)
  if #dates + #durations > 0 then
    say("<h2>Dates</h2>")
    say('<ul class="dates">')
    for _, d in ipairs(dates) do
      local grain, mod = value(d.grain), value(d.mod)
      say("<li>", esc(d.text), " → <b>", value(d.value) and esc(d.value) or "?", "</b>",
          grain and (' <span class="id">' .. esc(grain) .. (mod and (", " .. esc(mod)) or "")
                     .. "</span>") or "", "</li>")
    end
    for _, d in ipairs(durations) do
      say("<li>", esc(d.text), " → <b>", value(d.value) and esc(d.value) or "?",
          '</b> <span class="id">duration</span></li>')
    end
    say("</ul>")
  end
  say("</aside>")
  return concat(out, "\n")
end

--- Renders a report as an HTML page.
-- @tparam table report
-- @tparam[opt] table opts `text` (the article the report is about; without
-- it the page has the summary only), `title` (default the document's name),
-- `data` (default true: embed the report as JSON)
-- @treturn string a complete HTML document
-- @usage io.write(html(report, { text = text, title = "Harbour" }))
return function(report, opts)
  report, opts = base.check(report, opts, "html")
  local text = opts.text
  if text ~= nil and type(text) ~= "string" then
    error("bad option 'text' to format 'html' (string expected, got " .. type(text) .. ")", 2)
  end
  local index = base.index(report)
  local entities = base.entities(report)
  local groups = base.groups(report, true)
  local quote_ids = {}
  for i, q in ipairs(base.list(report.quotes)) do quote_ids[q] = base.quote_id(q, i) end
  local title = opts.title or value(report.doc) or "glean report"
  local out = {}
  local function say(...) out[#out + 1] = concat({ ... }) end
  say("<!DOCTYPE html>")
  say('<html lang="en">')
  say("<head>")
  say('<meta charset="utf-8">')
  say('<meta name="viewport" content="width=device-width, initial-scale=1">')
  say('<meta name="generator" content="glean">')
  say("<title>", esc(title), "</title>")
  say("<style>\n", CSS, label_css(), "\n</style>")
  say("</head>")
  say("<body>")
  say("<header>")
  say("<h1>", esc(title), "</h1>")
  local meta = {}
  local ref = value(report.date)
  if ref then meta[#meta + 1] = "reference date " .. esc(ref) end
  meta[#meta + 1] = format("%d entities, %d quotations, %d dates", #entities,
                           #base.list(report.quotes),
                           #base.list(report.dates) + #base.list(report.durations))
  say('<p class="meta">', concat(meta, " · "), "</p>")
  say('<ul class="legend">')
  for _, g in ipairs(groups) do
    say('<li><span class="sw ', label_class(g.info.label), '"></span>', esc(g.info.name),
        " (", esc(g.info.label), ")</li>")
  end
  say('<li><span class="qs">“quotation”</span> linked to its speaker</li>')
  say('<li><span class="ds">date</span></li>')
  say("</ul>")
  say("</header>")
  say(text and "<main>" or '<main class="summary-only">')
  if text then
    -- one line feed after <pre> is dropped by HTML parsers: give them one
    say('<pre id="text">\n', render_text(text, text_spans(report, text, entities), index,
                                       quote_ids), "</pre>")
  end
  say(summary(report, groups, index, quote_ids, text ~= nil))
  say("</main>")
  if opts.data ~= false then
    say('<script type="application/json" id="glean-report">',
        base.json_in_html(json.encode(base.utf8_deep(report))), "</script>")
  end
  say("<script>\n", SCRIPT, "</script>")
  say("</body>")
  say("</html>")
  return concat(out, "\n") .. "\n"
end
