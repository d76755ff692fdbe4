-- Checks glean's report on the seed article against the tables of its
-- EXPECTED.md, and prints what matched and what did not.
--
--   lua5.4 tools/seed_check.lua EXPECTED.md REPORT.json
--
-- The expectations are read from EXPECTED.md itself (its tables and
-- lists), not copied here. Exit status: 0 when everything matched, 1 if
-- not, 2 on bad arguments.

package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
local json = require "glean.json"

local expected_path, report_path = arg[1], arg[2]
if not expected_path or not report_path then
  io.stderr:write("usage: lua5.4 tools/seed_check.lua EXPECTED.md REPORT.json\n")
  os.exit(2)
end

local function read(path)
  local fh = assert(io.open(path, "rb"))
  local s = fh:read("*a")
  fh:close()
  return s
end

local md = read(expected_path)
local report = assert(json.decode(read(report_path)))
local null = json.null

local passed, failed = 0, 0
local function check(ok, what, detail)
  if ok then passed = passed + 1 else failed = failed + 1 end
  print((ok and "ok    " or "MISS  ") .. what .. (detail and ("  (" .. detail .. ")") or ""))
end

-- Markdown helpers ---------------------------------------------------------

local function section(title)
  local body = md:match("\n##%s+" .. title:gsub("%p", "%%%0") .. "[^\n]*\n(.-)\n##")
               or md:match("\n##%s+" .. title:gsub("%p", "%%%0") .. "[^\n]*\n(.*)$")
  return body or ""
end

local function table_rows(body)
  local rows = {}
  for line in body:gmatch("[^\n]+") do
    if line:match("^|") and not line:match("^|%s*%-%-%-") then
      local cells = {}
      for cell in line:gmatch("|([^|]*)") do cells[#cells + 1] = cell:match("^%s*(.-)%s*$") end
      if cells[#cells] == "" then cells[#cells] = nil end
      rows[#rows + 1] = cells
    end
  end
  table.remove(rows, 1)          -- the header
  return rows
end

-- Strings in straight double quotes: "Putin", "Sir Richard".
local function quoted(s)
  local out = {}
  for q in s:gmatch('"([^"]+)"') do out[#out + 1] = q end
  return out
end

local function lower(s) return (s:lower():gsub("’", "'")) end

-- Does a report text cover an expected one (or the other way round, for
-- mentions that leave honorifics and "the" out)?
local function covers(have, want)
  have, want = lower(have), lower(want)
  return have == want or want:find(have, 1, true) ~= nil or have:find(want, 1, true) ~= nil
end

local function entities_with(label, text)
  local out = {}
  for _, e in ipairs(report.entities) do
    if (not label or e.label == label) then
      for _, m in ipairs(e.mentions) do
        if covers(m.text, text) then out[#out + 1] = e; break end
      end
    end
  end
  return out
end

local function entity(id)
  for _, e in ipairs(report.entities) do if e.id == id then return e end end
end

-- People and organisations: one entity holds all the listed mentions ------

local function check_entities(title, label)
  for _, row in ipairs(table_rows(section(title))) do
    local name, mentions, notes = row[1], quoted(row[2] or ""), row[3] or ""
    local key = name:gsub("%s*%b()", "")
    local found = entities_with(label, key)
    local e = found[1]
    check(e ~= nil, label .. " " .. name, e and (e.id .. " " .. e.name) or "no such entity")
    if e then
      for _, m in ipairs(mentions) do
        local hit = false
        for _, have in ipairs(e.mentions) do if covers(have.text, m) then hit = true end end
        check(hit, "  mention \"" .. m .. "\" of " .. name)
      end
      if label == "PERSON" then
        for _, r in ipairs(quoted(notes)) do
          local hit = false
          for _, role in ipairs(e.roles) do if covers(role.text, r) then hit = true end end
          if (e.attrs.title or "") == r then hit = true end
          check(hit, "  role or title \"" .. r .. "\" of " .. name)
        end
        if notes:find("title") then
          local t = notes:match('title "([^"]+)"')
          if t then check(e.attrs.title == t, "  title " .. t .. " of " .. name, e.attrs.title) end
        end
      elseif notes:find("alias") then
        local alias = notes:match('%(aka the ([^)]+)%)')
        if alias then
          local hit = false
          for _, m in ipairs(e.mentions) do if covers(m.text, alias) then hit = true end end
          check(hit, "  alias " .. alias .. " joins " .. name)
        end
      end
      -- "reported as three different people": every PERSON entity with a
      -- listed mention must be this one
      if label == "PERSON" then
        local others = {}
        for _, m in ipairs(mentions) do
          for _, o in ipairs(entities_with("PERSON", m)) do
            if o ~= e and #lower(m) > 3 then others[o.id] = o.name end
          end
        end
        local list = {}
        for id, n in pairs(others) do list[#list + 1] = id .. " " .. n end
        check(#list == 0, "  no second entity for " .. name, table.concat(list, ", "))
      end
    end
  end
end

check_entities("People", "PERSON")
check_entities("Organisations", "ORG")

-- Places and groups ---------------------------------------------------------

local places = section("Places")
local place_list, groups = places:match("^(.-)Nationality[^:]*:(.*)$")
for item in (place_list or places):gsub("%b()", ""):gmatch("[^,%.\n]+") do
  local name = item:match("^%s*(.-)%s*$")
  if name ~= "" then
    local key = name:gsub("^the ", "")
    check(#entities_with("LOC", key) > 0, "LOC " .. name)
  end
end
for item in (groups or ""):gmatch("[^,%.\n]+") do
  local name = item:match("^%s*(.-)%s*$")
  if name ~= "" then check(#entities_with("NORP", name) > 0, "NORP " .. name) end
end
-- "Ukraine" never inside "Ukrainians"
for _, e in ipairs(report.entities) do
  for _, m in ipairs(e.mentions) do
    if m.text == "Ukraine" then
      local src = read(report.doc ~= null and report.doc or "")
      local after = src:sub(m.stop + 1, m.stop + 1)
      check(src:sub(m.start, m.stop) == "Ukraine" and not after:match("%a"),
            "  'Ukraine' at " .. m.start .. " is a whole word")
    end
  end
end

-- Dates and durations -----------------------------------------------------------

for line in section("Dates and durations"):gmatch("[^\n]+") do
  local is_duration = line:find("durations") ~= nil
  for _, d in ipairs(quoted(line)) do
    local list = is_duration and (report.durations or {}) or report.dates
    local hit
    for _, x in ipairs(list) do if covers(x.text, d) then hit = x end end
    check(hit ~= nil, (is_duration and "DURATION " or "DATE ") .. d,
          hit and tostring(hit.value) or nil)
  end
end

-- Quotations ------------------------------------------------------------------

for _, row in ipairs(table_rows(section("Quotations and speakers"))) do
  local n, quote, speaker = row[1], row[2], row[3]
  -- the first words of the quotation, without its marks
  local head = quote:gsub("^[“”‘’\"']+", ""):match("^(.-)[“”‘’\"…]") or quote
  head = head:match("^%s*(.-)%s*$")
  local found
  for _, q in ipairs(report.quotes) do
    if q.text:find(head, 1, true) then found = q; break end
  end
  check(found ~= nil, "quote " .. n .. " " .. head)
  if found then
    local who = found.speaker ~= null and entity(found.speaker)
    if speaker:match("^none") then
      check(not who, "  quote " .. n .. " has no speaker", who and who.name or nil)
    else
      local want = speaker:match('^"([^"]+)"') or speaker:gsub("%s*%b()", "")
      local ok = who and (covers(who.name, want) or entities_with(nil, want)[1] == who)
      check(ok, "  quote " .. n .. " said by " .. want, who and who.name or "no speaker")
    end
    if #found.text > #head + 400 then
      check(false, "  quote " .. n .. " is not merged with the text after it")
    end
  end
end

print(("%d passed, %d failed"):format(passed, failed))
os.exit(failed == 0 and 0 or 1)
