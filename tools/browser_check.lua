-- The HTML report in a real browser (make test-browser): renders the report
-- of an example article with the html format, loads it in headless
-- Chromium and checks the DOM Chromium built (--dump-dom):
--   * every entity mention of the report is highlighted: the concatenated
--     text of the `.m` elements with its data-entity and data-start is the
--     mention's text, and they carry the label's class;
--   * every quotation is an element `.q` with the quotation's text, and one
--     with a speaker is a link to an element with the speaker's
--     data-entity (the speaker's entry in the side summary);
--   * the inline script ran (the html element has class "js"), and hovering
--     a mention highlights all of its entity's elements (a copy of the page
--     with a test script appended dispatches the mouseover);
-- then saves a screenshot (build/browser/harbour.png, 1280x1600).
--
--   lua5.4 tools/browser_check.lua [ARTICLE.txt]
--
-- Without Chromium it prints "test-browser: skipped (no chromium)" and exits 0.
package.path = "lua/?.lua;lua/?/init.lua;spec/?.lua;" .. package.path
package.cpath = "build/lua5.4/?.so;" .. package.cpath

local OUT = "build/browser"
local FLAGS = "--headless --no-sandbox --disable-gpu --no-first-run "
              .. "--disable-background-networking"

local function sh_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local function find_chromium()
  local env = os.getenv("CHROMIUM")
  local names = env and { env } or { "chromium", "chromium-browser", "google-chrome" }
  for _, name in ipairs(names) do
    local p = io.popen("command -v " .. sh_quote(name) .. " 2>/dev/null")
    local path = p:read("*l")
    p:close()
    if path and path ~= "" then return path end
  end
  return nil
end

local chromium = find_chromium()
if not chromium then
  print("test-browser: skipped (no chromium)")
  os.exit(0)
end

local html_tags = require "html_tags"
local news = require "glean.news"
local render = require "glean.formats.html"

local article = arg[1] or "examples/news/harbour.txt"
local name = article:match("([^/]+)%.txt$") or "article"
local fh = assert(io.open(article, "rb"))
local text = fh:read("*a")
fh:close()

local report = news.extract(text, { doc = article })
local page = render(report, { text = text })
os.execute("mkdir -p " .. sh_quote(OUT))
local cwd = io.popen("pwd"):read("*l")
local function write(path, s)
  local out = assert(io.open(path, "wb"))
  out:write(s)
  out:close()
end
local page_path = OUT .. "/" .. name .. ".html"
write(page_path, page)

-- The hover test: the page and a script that hovers the first mention of
-- the first entity with more than one mention, and records what was
-- highlighted in attributes of <body>.
local HOVER = [[
<script>
(function () {
  var ms = document.querySelectorAll("#text .m"), target = null;
  var count = {};
  for (var i = 0; i < ms.length; i++) {
    var id = ms[i].getAttribute("data-entity");
    count[id] = (count[id] || 0) + 1;
  }
  for (var i = 0; i < ms.length && !target; i++) {
    if (count[ms[i].getAttribute("data-entity")] > 1) target = ms[i];
  }
  if (!target) return;
  var id = target.getAttribute("data-entity");
  target.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
  var hl = document.querySelectorAll(".hl"), same = 0, other = 0;
  for (var i = 0; i < hl.length; i++) {
    if (hl[i].getAttribute("data-entity") === id) same++; else other++;
  }
  var all = 0, els = document.querySelectorAll("[data-entity]");
  for (var i = 0; i < els.length; i++) if (els[i].getAttribute("data-entity") === id) all++;
  document.body.setAttribute("data-hover-entity", id);
  document.body.setAttribute("data-hover-highlighted", same + "/" + all + "/" + other);
})();
</script>
]]
local hover_path = OUT .. "/" .. name .. "-hover.html"
write(hover_path, (page:gsub("</body>", function() return HOVER .. "</body>" end)))

local profile = OUT .. "/profile"
local base_cmd = sh_quote(chromium) .. " " .. FLAGS .. " --user-data-dir=" .. sh_quote(profile)

local function dump_dom(path)
  local p = io.popen(base_cmd .. " --dump-dom " .. sh_quote("file://" .. cwd .. "/" .. path)
                     .. " 2>" .. sh_quote(OUT .. "/chromium.log"))
  local dom = p:read("*a")
  p:close()
  return dom
end

local failures = 0
local function fail(fmt, ...)
  failures = failures + 1
  io.stderr:write("test-browser: ", string.format(fmt, ...), "\n")
end

local t0 = os.time()
local dom = dump_dom(page_path)
if #dom == 0 then
  fail("chromium printed no DOM (see %s/chromium.log)", OUT)
  os.exit(1)
end
write(OUT .. "/" .. name .. ".dom.html", dom)
local root, err = html_tags.parse(dom)
if not root then
  fail("the DOM Chromium dumped does not parse: %s", err)
  os.exit(1)
end

local html_el = html_tags.all(root, function(el) return el.tag == "html" end)[1]
if not (html_el and html_tags.has_class(html_el, "js")) then
  fail("the page's script did not run (no class 'js' on <html>)")
end

local article_el = html_tags.all(root, function(el) return el.attrs.id == "text" end)[1]
if not article_el then
  fail("no #text element in the DOM")
  os.exit(1)
end

-- mentions: the pieces of each (entity, start), in document order
local pieces, label_of = {}, {}
local function is_m(el) return html_tags.has_class(el, "m") end
for _, el in ipairs(html_tags.all(article_el, is_m)) do
  local key = (el.attrs["data-entity"] or "?") .. "@" .. (el.attrs["data-start"] or "?")
  pieces[key] = (pieces[key] or "") .. el.text
  label_of[key] = el.attrs.class
end
local mentions = 0
for _, e in ipairs(report.entities) do
  for _, m in ipairs(e.mentions) do
    mentions = mentions + 1
    local key = e.id .. "@" .. m.start
    if pieces[key] ~= m.text then
      fail("mention %s %q at %d: highlighted text is %q", e.id, m.text, m.start,
           tostring(pieces[key]))
    elseif not html_tags.has_class({ attrs = { class = label_of[key] } }, e.label) then
      fail("mention %s at %d: class %q lacks the label %s", e.id, m.start, label_of[key], e.label)
    end
  end
end

-- quotes: the text of each, its speaker, the link's target
local by_dom_id = {}
for _, el in ipairs(html_tags.all(root, function(el) return el.attrs.id ~= nil end)) do
  by_dom_id[el.attrs.id] = el
end
local quote_text, quote_el = {}, {}
local function is_q(el) return html_tags.has_class(el, "q") end
for _, el in ipairs(html_tags.all(article_el, is_q)) do
  local id = el.attrs["data-quote"] or "?"
  quote_text[id] = (quote_text[id] or "") .. el.text
  quote_el[id] = quote_el[id] or {}
  table.insert(quote_el[id], el)
end
local linked = 0
for i, q in ipairs(report.quotes) do
  local id = q.id or ("Q" .. i)
  if quote_text[id] ~= q.text then
    fail("quotation %s: underlined text is %q, not %q", id, tostring(quote_text[id]), q.text)
  else
    local speaker = q.speaker ~= require("glean.json").null and q.speaker or nil
    local ok = true
    for _, el in ipairs(quote_el[id]) do
      if (el.attrs["data-speaker"] or "") ~= (speaker or "") then
        ok = false
        fail("quotation %s: data-speaker %q, the report says %s", id,
             tostring(el.attrs["data-speaker"]), tostring(speaker))
      end
      if speaker then
        local href = el.attrs.href
        local target = el.tag == "a" and href and by_dom_id[href:match("^#(.*)$") or ""]
        if not target then
          ok = false
          fail("quotation %s: not a link to its speaker's entry (href %s)", id, tostring(href))
        elseif target.attrs["data-entity"] ~= speaker then
          ok = false
          fail("quotation %s: links to %s, whose entity is %s, not %s", id, href,
               tostring(target.attrs["data-entity"]), speaker)
        end
      end
    end
    if ok and speaker then linked = linked + 1 end
  end
end

-- hover
local hover_dom = dump_dom(hover_path)
local hover_root = html_tags.parse(hover_dom)
local body = hover_root and html_tags.all(hover_root, function(el) return el.tag == "body" end)[1]
local hovered = body and body.attrs["data-hover-highlighted"]
local same, all, other = (hovered or ""):match("^(%d+)/(%d+)/(%d+)$")
if not same then
  fail("the hover test did not run")
elseif same ~= all or other ~= "0" or tonumber(all) < 3 then
  fail("hovering a mention of %s highlighted %s of its %s elements and %s others",
       tostring(body.attrs["data-hover-entity"]), same, all, other)
end

-- screenshot
local shot = OUT .. "/" .. name .. ".png"
os.remove(shot)
os.execute(base_cmd .. " --window-size=1280,1600 --screenshot=" .. sh_quote(cwd .. "/" .. shot)
           .. " " .. sh_quote("file://" .. cwd .. "/" .. page_path)
           .. " >>" .. sh_quote(OUT .. "/chromium.log") .. " 2>&1")
local png = io.open(shot, "rb")
local magic = png and png:read(8)
if png then png:close() end
if magic ~= "\137PNG\r\n\26\n" then fail("no screenshot in %s", shot) end

if failures > 0 then
  print(("test-browser: %d failure(s)"):format(failures))
  os.exit(1)
end
print(("test-browser: ok, %d mentions highlighted, %d quotations linked to their speaker, "
       .. "hover highlights %s elements of %s; screenshot %s (%d s)")
      :format(mentions, linked, all, body.attrs["data-hover-entity"], shot, os.time() - t0))
