--- Fuzzes the TSV, CSV and JSON Lines readers of gazetteer lists
-- (`Gazetteer:load`, lua/glean/gazetteer.lua): random and mutated lines for
-- a bounded time. Every call must return a count or nil and a message
-- "name:LINE: ..." (never raise, never crash the host); the builder must
-- keep its entries and stay usable (compile and match after every file).
-- Run under the ASan+UBSan build (make fuzz, make test), so that a bad
-- read in the C core under the readers is caught too.
-- Usage: lua5.4 tools/fuzz_lists.lua [SECONDS [SEED [OUT_DIR]]]
-- On a failure, the input is written to OUT_DIR (default build/fuzz) as
-- lists-failure.<format> and the exit status is 1.
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
local glean = require "glean"

local seconds = tonumber(arg[1] or "10")
local seed = tonumber(arg[2] or os.time())
local out_dir = arg[3] or "build/fuzz"
math.randomseed(seed)
local random, char, concat = math.random, string.char, table.concat

local function pick(t) return t[random(#t)] end

-- Pieces lines are made of: words, separators, quoting, escapes, odd bytes.
local WORDS = { "MI6", "New York", "Zürich", "İstanbul", "Straße", "U.S.", "Mr. Smith",
                "rock'n'roll", "Hewlett-Packard", "cafe\204\129", "\240\159\145\141", "",
                " ", "label", "phrase", "id", "x=y", "=", "==", "a=b=c", "\0", "\255\254",
                "\239\187\191", "\r", "\t", ",", '"', '""', "\\", "\\u0000", "\\ud800",
                "{", "}", "[", "]", ":", "null", "true", "1e999", "-0", "0x10",
                "123456789012345678901234567890", "\226\128\168", "\194\133" }

-- Half the files are clean (every line valid but for chance), so that the
-- readers get past the first line; the others use every piece.
local CLEAN = { "MI6", "New York", "Zürich", "İstanbul", "Straße", "U.S.", "Mr. Smith",
                "rock'n'roll", "Hewlett-Packard", "cafe\204\129", "\240\159\145\141", "x y z",
                "Ünïcödé", "1,250.5", "O'Neil" }
local clean = false

local function word()
  if clean then return pick(CLEAN) end
  local r = random(10)
  if r == 1 then                       -- random bytes
    local b = {}
    for i = 1, random(0, 12) do b[i] = char(random(0, 255)) end
    return concat(b)
  elseif r == 2 then                   -- a long run
    return string.rep(pick(WORDS), random(1, 300))
  end
  return pick(WORDS)
end

local function phrase()
  local p = {}
  for i = 1, random(clean and 1 or 0, 4) do p[i] = word() end
  return concat(p, pick{ " ", " ", "-", "", "  " })
end

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    if c == '"' or c == "\\" then return "\\" .. c end
    return ("\\u%04x"):format(c:byte())
  end) .. '"'
end

local gen = {}

function gen.tsv()
  local f = { phrase() }
  for i = 2, random(1, 5) do
    if clean then f[i] = i == 2 and pick{ "ORG", "", "PLACE" } or pick{ "id", "w" } .. "=" .. word()
    else f[i] = random(3) == 1 and word() or (word() .. "=" .. word()) end
  end
  return concat(f, "\t")
end

local function csv_field()
  local v = phrase()
  if random(2) == 1 then return '"' .. v:gsub('"', '""') .. '"' end
  return v
end

local csv_header
function gen.csv(first)
  if first or random(50) == 1 then
    local cols = { "phrase" }
    for i = 2, random(1, 4) do
      cols[i] = clean and ("c" .. i) or pick{ "label", "id", "w", "", "phrase", word() }
    end
    if not clean and random(8) == 1 then cols[1] = word() end
    csv_header = #cols
    return concat(cols, ",")
  end
  local f = {}
  local n = (not clean and random(6) == 1) and random(1, 6) or csv_header or 2
  for i = 1, n do f[i] = csv_field() end
  return concat(f, ",")
end

function gen.jsonl()
  local r = clean and 12 or random(12)
  if r == 1 then return word() end
  if r == 2 then return "[" .. json_string(phrase()) .. "]" end
  local parts = { '"phrase":' .. ((not clean and random(8) == 1) and pick{ "1", "null", "{}" } or
                                  json_string(phrase())) }
  for _ = 1, random(0, 4) do
    local v = clean and pick{ json_string(word()), tostring(random(-1e6, 1e6)), "1.5e3", "-0" }
      or pick{ json_string(word()), tostring(random(-1e6, 1e6)), "1.5e3", "null", "true",
               "[1]", '{"a":1}', "-0", "1e400" }
    local k = clean and pick{ "label", "id", "w" } or pick{ "label", "id", "w", "phrase", word() }
    parts[#parts + 1] = json_string(k) .. ":" .. v
  end
  return "{" .. concat(parts, clean and ", " or pick{ ",", ", ", " ,\n" }) .. "}"
end

-- Byte-level mutations of a whole file.
local function mutate(s)
  for _ = 1, random(0, 4) do
    local n = #s
    local i = random(1, n + 1)
    local r = random(5)
    if r == 1 and n > 0 then s = s:sub(1, i - 1) .. s:sub(i + random(1, 8))
    elseif r == 2 then s = s:sub(1, i - 1) .. char(random(0, 255)) .. s:sub(i)
    elseif r == 3 then s = s:sub(1, i - 1) .. pick{ "\n", "\r\n", '"', "\t", "\0", "{" } .. s:sub(i)
    elseif r == 4 and n > 0 then
      local j = random(1, n)
      s = s:sub(1, i - 1) .. s:sub(j, j + random(0, 40)) .. s:sub(i)
    else s = s:sub(1, i - 1) .. s:sub(i + 1) end
  end
  return s
end

local function file_of(format)
  local lines = {}
  clean = random(2) == 1
  for i = 1, random(1, 30) do
    lines[i] = random(15) == 1 and pick{ "", "   ", "\r" } or gen[format](i == 1)
  end
  local s = concat(lines, pick{ "\n", "\n", "\r\n" })
  if not clean and random(2) == 1 then s = mutate(s) end
  if random(6) == 1 then s = "\239\187\191" .. s end
  return s
end

local function fail(format, text, why)
  os.execute("mkdir -p '" .. out_dir .. "'")
  local path = out_dir .. "/lists-failure." .. format
  local fh = assert(io.open(path, "wb"))
  fh:write(text)
  fh:close()
  io.stderr:write(("fuzz_lists: %s (seed %d; input in %s)\n"):format(why, seed, path))
  os.exit(1)
end

local FORMATS = { "tsv", "csv", "jsonl" }
local OPTIONS = { {}, { case = "exact" }, { case = "smart", accents = "keep" },
                  { clitics = false, abbreviations = { "Cllr." } } }
local start, runs, ok_runs, entries, kinds = os.clock(), 0, 0, 0, {}
local g = glean.gazetteer()
while os.clock() - start < seconds do
  runs = runs + 1
  if runs % 200 == 1 then g = glean.gazetteer(pick(OPTIONS)) end
  local format = pick(FORMATS)
  local text = file_of(format)
  local opts = { format = format, name = "input" }
  if random(4) == 1 then opts.label = word() end
  if random(6) == 1 then opts.attrs = { id = word(), rank = random(100) } end
  local fh = io.tmpfile()
  fh:write(text)
  fh:seek("set")
  local before = #g
  local okc, n, msg = pcall(g.load, g, fh, opts)
  fh:close()
  if not okc then fail(format, text, "load raised: " .. tostring(n)) end
  if n == nil then
    if type(msg) ~= "string" or not msg:find("^input:%d+: .") then
      fail(format, text, "bad message: " .. tostring(msg))
    end
    local kind = format .. ": " .. msg:gsub("^input:%d+: ", ""):gsub("'[^']*'", "'.'")
                                      :gsub("%d+", "N")
    kinds[kind] = (kinds[kind] or 0) + 1
  elseif type(n) ~= "number" or n < 0 or n % 1 ~= 0 then
    fail(format, text, "bad count: " .. tostring(n))
  else
    ok_runs = ok_runs + 1
    entries = entries + n
  end
  if #g < before then fail(format, text, "entries were lost") end
  if runs % 20 == 0 then               -- the builder stays usable
    local okm, m = pcall(g.compile, g)
    if not okm then fail(format, text, "compile raised: " .. tostring(m)) end
    local okf, hits = pcall(m.find, m, text)
    if not okf or type(hits) ~= "table" then
      fail(format, text, "find raised: " .. tostring(hits))
    end
  end
end
local list = {}
for k, n in pairs(kinds) do list[#list + 1] = { k, n } end
table.sort(list, function(a, b) return a[2] > b[2] end)
for i = 1, math.min(#list, tonumber(os.getenv("FUZZ_LISTS_KINDS") or "0")) do
  print(("  %6d  %s"):format(list[i][2], list[i][1]))
end
print(("fuzz_lists: %d files (%d read whole, %d entries), %.0f s, seed %d, no failure")
      :format(runs, ok_runs, entries, os.clock() - start, seed))
