#!/usr/bin/env lua5.4
-- Generates the news lexicons' lists from Debian data, and compiles them.
--
--   lua5.4 tools/gen_lexicons.lua gen OUTDIR      write OUTDIR/*.tsv (see below)
--   lua5.4 tools/gen_lexicons.lua compile OUTDIR  compile data/lexicons/*.tsv and
--                                                 OUTDIR/*.tsv into OUTDIR/*.glz
--
-- `gen` reads (paths can be changed with the environment variables in
-- brackets):
--   iso-codes  /usr/share/iso-codes/json  [ISO_CODES]  countries, subdivisions,
--              currencies                        -> countries.tsv, subdivisions.tsv,
--                                                   iso_currencies.tsv
--   tzdata     /usr/share/zoneinfo/zone.tab [ZONE_TAB]  cities -> cities.tsv
--   wamerican  /usr/share/dict/american-english [WORDS]  -> common.tsv, proper.tsv
-- A missing source gives an empty list and a warning on stderr; the output
-- is sorted, so that the same input always gives the same files.
--
-- Filters (documented in data/lexicons/README.md): subdivisions and cities
-- whose name is a lower-case English word ("Centre", "Central") are left
-- out, cities named like a country too (the country entry covers them),
-- and so are currency codes that are English words ("ALL", "TOP").

package.path = "lua/?.lua;lua/?/init.lua;" .. package.path

local json = require "glean.json"

local ISO = os.getenv("ISO_CODES") or "/usr/share/iso-codes/json"
local ZONE_TAB = os.getenv("ZONE_TAB") or "/usr/share/zoneinfo/zone.tab"
local WORDS = os.getenv("WORDS") or "/usr/share/dict/american-english"

local function warn(msg) io.stderr:write("gen_lexicons: ", msg, "\n") end

local function read_file(path)
  local fh = io.open(path, "rb")
  if not fh then return nil end
  local s = fh:read("a")
  fh:close()
  return s
end

local function read_json(path, key)
  local s = read_file(path)
  if not s then warn("missing " .. path .. ", list left empty"); return {} end
  local t = assert(json.decode(s))
  return t[key] or {}
end

-- Latin letters without their accents, so that "Salé" is seen as the
-- word "sale" (the gazetteer folds accents when it matches).
local PLAIN = {}
do
  local accented = "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ"
    .. "ĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĴĵĶķĹĺĻļĽľĿŀŁłŃńŅņŇň"
    .. "ŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžȘșȚț"
  local plain = "AAAAAAACEEEEIIIIDNOOOOOOUUUUYTsaaaaaaaceeeeiiiidnoooooouuuuyty"
    .. "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiJjKkLlLlLlLlLlNnNnNn"
    .. "OoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzSsTt"
  local i = 0
  for ch in accented:gmatch("[\192-\223][\128-\191]") do
    i = i + 1
    PLAIN[ch] = plain:sub(i, i)
  end
  assert(i == #plain, "accent table out of step")
end

-- The form to look up in the word list: lower case, no accents.
local function key(name)
  return (name:gsub("[\192-\223][\128-\191]", PLAIN):lower())
end

local function trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end

-- Writes rows {phrase, label, attrs...} sorted and without duplicates.
local function write_tsv(path, rows)
  local lines, seen = {}, {}
  for _, r in ipairs(rows) do
    local line = table.concat(r, "\t")
    if not seen[line] then seen[line] = true; lines[#lines + 1] = line end
  end
  table.sort(lines)
  local fh = assert(io.open(path, "wb"))
  for _, line in ipairs(lines) do fh:write(line, "\n") end
  fh:close()
  return #lines
end

-- A name is usable as a phrase: not empty, no tab or line break, starts
-- with a capital (after an optional "the").
local function usable(name)
  return name ~= "" and not name:find("[\t\r\n]") and not name:find("^%l")
end

-- words ------------------------------------------------------------------

local function words()
  local common, proper = {}, {}
  local fh = io.open(WORDS, "rb")
  if not fh then
    warn("missing " .. WORDS .. ", COMMON and PROPER left empty")
    return common, proper
  end
  for w in fh:lines() do
    if w ~= "" and not w:find("['\t ]") then
      if w:find("^%l") and not w:find("%u") then common[w] = true
      elseif w:find("^%u") then proper[w] = true end
    end
  end
  fh:close()
  return common, proper
end

-- countries --------------------------------------------------------------

-- "Korea, Republic of" -> "Republic of Korea"; "Palestine, State of" ->
-- "State of Palestine". Returns the turned name and the part before the comma.
local function turn(name)
  local head, tail = name:match("^([^,]+),%s*(.+)$")
  if not head then return name end
  return trim(tail .. " " .. head), trim(head)
end

local function countries()
  local rows, names = {}, {}
  for _, c in ipairs(read_json(ISO .. "/iso_3166-1.json", "3166-1")) do
    local code = c.alpha_2
    local function add(name)
      if type(name) ~= "string" then return end
      name = trim(name:gsub("^[Tt]he%s+", ""))
      if usable(name) then
        rows[#rows + 1] = { name, "LOC", "type=country", "code=" .. code }
        names[key(name)] = true
      end
    end
    local turned, head = turn(c.name)
    add(turned)
    if head and not c.common_name then add(head) end   -- "Palestine"
    add(c.common_name)
    add(c.official_name)
  end
  return rows, names
end

-- subdivisions -------------------------------------------------------------

local function subdivisions(common)
  local rows = {}
  for _, s in ipairs(read_json(ISO .. "/iso_3166-2.json", "3166-2")) do
    local name = s.name:gsub("%b()", ""):gsub("%b[]", "")
    name = trim(name:match("^([^,]*)") or "")           -- "Madrid, Comunidad de"
    if usable(name) and not name:find("%d") and not common[key(name)] then
      local country = s.code:match("^(%u%u)%-")
      local division = (s.type or ""):lower():gsub("%s+", "_")
      local row = { name, "LOC", "type=subdivision", "code=" .. s.code, "country=" .. country }
      if division ~= "" then row[#row + 1] = "division=" .. division end
      rows[#rows + 1] = row
    end
  end
  return rows
end

-- cities (tz zone names) ------------------------------------------------

local function cities(common, country_names)
  local rows = {}
  local fh = io.open(ZONE_TAB, "rb")
  if not fh then warn("missing " .. ZONE_TAB .. ", cities left empty"); return rows end
  for line in fh:lines() do
    if not line:find("^#") then
      local cc, _, zone = line:match("^(%u%u)\t([^\t]+)\t([^\t]+)")
      if cc and not zone:find("^Antarctica/") and not zone:find("^Etc/") then
        local city = zone:match("([^/]+)$"):gsub("_", " ")
        if usable(city) and not common[key(city)] and not country_names[key(city)] then
          rows[#rows + 1] = { city, "LOC", "type=city", "country=" .. cc, "tz=" .. zone }
        end
      end
    end
  end
  fh:close()
  return rows
end

-- currencies ------------------------------------------------------------

local function currencies(common)
  local rows = {}
  for _, c in ipairs(read_json(ISO .. "/iso_4217.json", "4217")) do
    local code = c.alpha_3
    if usable(c.name) then rows[#rows + 1] = { c.name, "CURRENCY", "code=" .. code } end
    if not common[key(code)] then rows[#rows + 1] = { code, "CURRENCY", "code=" .. code } end
  end
  return rows
end

-- main ------------------------------------------------------------------

local function gen(out)
  local common, proper = words()
  local crows, cnames = countries()
  local counts = {
    { "countries.tsv", write_tsv(out .. "/countries.tsv", crows) },
    { "subdivisions.tsv", write_tsv(out .. "/subdivisions.tsv", subdivisions(common)) },
    { "cities.tsv", write_tsv(out .. "/cities.tsv", cities(common, cnames)) },
    { "iso_currencies.tsv", write_tsv(out .. "/iso_currencies.tsv", currencies(common)) },
  }
  local crow, prow = {}, {}
  for w in pairs(common) do crow[#crow + 1] = { w, "COMMON" } end
  for w in pairs(proper) do prow[#prow + 1] = { w, "PROPER" } end
  counts[#counts + 1] = { "common.tsv", write_tsv(out .. "/common.tsv", crow) }
  counts[#counts + 1] = { "proper.tsv", write_tsv(out .. "/proper.tsv", prow) }
  local parts = {}
  for _, c in ipairs(counts) do parts[#parts + 1] = c[1] .. " " .. c[2] end
  print("gen_lexicons: " .. table.concat(parts, ", "))
end

local function compile(out)
  package.cpath = "build/lua5.4/?.so;" .. package.cpath
  local lexicon = require "glean.news.lexicon"
  local ok, err = lexicon.compile(out, { sources = "data/lexicons", generated = out })
  if not ok then io.stderr:write("gen_lexicons: ", err, "\n"); os.exit(1) end
  local parts = {}
  for _, name in ipairs({ "news", "words" }) do
    parts[#parts + 1] = ("%s.glz %d entries"):format(name, ok[name])
  end
  print("gen_lexicons: " .. table.concat(parts, ", "))
end

local cmd, out = arg[1], arg[2]
if cmd == "gen" and out then gen(out)
elseif cmd == "compile" and out then compile(out)
else
  io.stderr:write("usage: lua5.4 tools/gen_lexicons.lua gen|compile OUTDIR\n")
  os.exit(2)
end
