--- The news rule set's gazetteers and lexicons: honorifics, role nouns,
-- organisation words and names, nationalities, places, currencies,
-- speech cues, months and weekdays, given names, and an English word list.
--
-- Two compiled gazetteers (case `"smart"`), built by `make data` into
-- `build/data/` from the hand-written lists in `data/lexicons/` and the
-- lists `tools/gen_lexicons.lua` generates from Debian's iso-codes, tzdata
-- and wamerican:
--
-- * `news` (`news.glz`): labels `CUE`, `MONTH`, `WEEKDAY`, `HONORIFIC`,
--   `ORG_SUFFIX`, `ORG`, `LOC`, `NORP`, `CURRENCY`, `ROLE`, `ORG_HEAD`,
--   `GIVEN_NAME` (see `data/lexicons/README.md` for their attributes);
-- * `words` (`words.glz`): `COMMON` (the word exists in lower case) and
--   `PROPER` (it exists capitalised); a word can have both. Kept apart
--   because nearly every token matches it.
--
-- A phrase can have several entries ("Georgia": a country, a US state, a
-- given name). They are all reported, in precedence order: first by label
-- in the order of `lexicon.LABELS`, then hand-written before generated,
-- then by `type` (country, continent, region, subdivision, city), then in
-- file order. A generated entry is dropped when a hand-written one has the
-- same phrase, label and type. So the first entry of a match is the
-- preferred reading; `overlap = "all"` or `labels` give the others.
--
-- @module glean.news.lexicon
-- @usage
-- local lexicon = require "glean.news.lexicon"
-- local lx = assert(lexicon.load())
-- for _, h in ipairs(lx.news:find("Sir Ann Leigh told Reuters in Kyiv")) do
--   print(h.text, h.entry.label)   --> Sir HONORIFIC, Ann GIVEN_NAME, ...
-- end

local gazetteer = require "glean.gazetteer"

local io, os, package, table, debug = io, os, package, table, debug
local type, pairs, ipairs, error, tostring, tonumber, pcall, sort =
      type, pairs, ipairs, error, tostring, tonumber, pcall, table.sort

local M = {}

--- Labels of the `news` gazetteer, in precedence order.
M.LABELS = { "CUE", "MONTH", "WEEKDAY", "HONORIFIC", "ORG_SUFFIX", "ORG", "LOC", "NORP",
             "CURRENCY", "ROLE", "ORG_HEAD", "GIVEN_NAME" }

--- Labels of the `words` gazetteer.
M.WORD_LABELS = { "COMMON", "PROPER" }

--- File names of the compiled gazetteers, by matcher.
M.FILES = { news = "news.glz", words = "words.glz" }
local NAMES = { "news", "words" }

-- The sources, in the order their entries are added (before the
-- precedence sort). origin: hand (data/lexicons/) or generated (build/data/).
local SOURCES = {
  { file = "cues.tsv", origin = "hand", matcher = "news" },
  { file = "calendar.tsv", origin = "hand", matcher = "news" },
  { file = "honorifics.tsv", origin = "hand", matcher = "news" },
  { file = "org_words.tsv", origin = "hand", matcher = "news" },
  { file = "orgs.tsv", origin = "hand", matcher = "news" },
  { file = "places.tsv", origin = "hand", matcher = "news" },
  { file = "norp.tsv", origin = "hand", matcher = "news" },
  { file = "currencies.tsv", origin = "hand", matcher = "news" },
  { file = "roles.tsv", origin = "hand", matcher = "news" },
  { file = "given_names.tsv", origin = "hand", matcher = "news" },
  { file = "countries.tsv", origin = "generated", matcher = "news" },
  { file = "subdivisions.tsv", origin = "generated", matcher = "news" },
  { file = "cities.tsv", origin = "generated", matcher = "news" },
  { file = "iso_currencies.tsv", origin = "generated", matcher = "news" },
  { file = "common.tsv", origin = "generated", matcher = "words" },
  { file = "proper.tsv", origin = "generated", matcher = "words" },
}

local LABEL_RANK = {}
for i, l in ipairs(M.LABELS) do LABEL_RANK[l] = i end
for i, l in ipairs(M.WORD_LABELS) do LABEL_RANK[l] = i end
local ORIGIN_RANK = { hand = 1, generated = 2 }
local TYPE_RANK = { country = 1, continent = 2, region = 3, subdivision = 4, city = 5 }
-- Labels whose entries get `common=1` when the phrase is also an English
-- word in lower case ("Turkey", "Amnesty", "Chad"): name evidence is then
-- weak unless the word is capitalised mid-sentence.
local MARK_COMMON = { ORG = true, LOC = true, NORP = true, GIVEN_NAME = true, CURRENCY = true }
local NUMERIC = { num = true }

-- locations ---------------------------------------------------------------

local function dirname(path) return path:match("^(.*)[/\\][^/\\]*$") or "." end

local function exists(path)
  local fh = io.open(path, "rb")
  if fh then fh:close() return true end
  return false
end


-- This module's file, to find the data beside it.
local function module_path()
  local p = require("glean").searchpath("glean.news.lexicon", package.path)
  if p then return p end
  local src = debug.getinfo(1, "S").source
  return src:sub(1, 1) == "@" and src:sub(2) or nil
end

-- The source tree's root, when this module runs from one (lua/glean/news/).
local function source_root()
  local p = module_path()
  if not p then return nil end
  p = p:gsub("\\", "/")
  local root = p:match("^(.*)/lua/glean/news/lexicon%.lua$")
  if root then return root end
  if p == "lua/glean/news/lexicon.lua" then return "." end
  return nil
end

-- Directories searched for the compiled files, in order (opts.path aside).
local function candidates()
  local dirs = {}
  local env = os.getenv("GLEAN_DATA")
  if env and env ~= "" then dirs[#dirs + 1] = env end
  local root = source_root()
  if root then dirs[#dirs + 1] = root .. "/build/data" end
  local p = module_path()
  if p then dirs[#dirs + 1] = dirname(p) .. "/data" end     -- where `make install` puts them
  return dirs
end

local function source_dirs(opts)
  local root = source_root()
  local hand = opts.sources or (root and root .. "/data/lexicons")
  local generated = opts.generated or (root and root .. "/build/data")
  return hand, generated
end

--- The source lists the lexicons are built from, in the order they are read.
-- @tparam[opt] table opts `sources` (directory of the hand-written lists,
-- default `data/lexicons/` in the source tree), `generated` (directory of
-- the generated lists, default `build/data/`)
-- @treturn table records `{path, origin, matcher, exists}`: origin
-- `"hand"` or `"generated"`, matcher `"news"` or `"words"`
-- @usage for _, s in ipairs(lexicon.sources()) do print(s.path, s.exists) end
function M.sources(opts)
  if opts ~= nil and type(opts) ~= "table" then
    error("bad argument #1 to 'sources' (table expected, got " .. type(opts) .. ")", 2)
  end
  local hand, generated = source_dirs(opts or {})
  local out = {}
  for _, s in ipairs(SOURCES) do
    local dir = s.origin == "hand" and hand or generated
    local path = dir and (dir .. "/" .. s.file) or s.file
    out[#out + 1] = { path = path, origin = s.origin, matcher = s.matcher,
                      exists = dir ~= nil and exists(path) }
  end
  return out
end

-- reading the lists ------------------------------------------------------

--- Reads one list (`phrase<TAB>label[<TAB>key=value...]`, the TSV format of
-- `glean.gazetteer`). Every row must have a label; `num` attributes become
-- numbers.
-- @tparam string path
-- @return an array of rows `{phrase, entry, line}`, or nil and "path:line: message"
-- @usage local rows = assert(lexicon.read("data/lexicons/roles.tsv"))
function M.read(path)
  if type(path) ~= "string" then
    error("bad argument #1 to 'read' (string expected, got " .. type(path) .. ")", 2)
  end
  local fh, err = io.open(path, "rb")
  if not fh then return nil, err end
  local rows, n = {}, 0
  for line in fh:lines() do
    n = n + 1
    if line:byte(-1) == 13 then line = line:sub(1, -2) end
    if line:find("%S") then
      local fields = {}
      for f in (line .. "\t"):gmatch("([^\t]*)\t") do fields[#fields + 1] = f end
      local phrase, label = fields[1], fields[2]
      if not phrase:find("%S") or not label or label == "" then
        fh:close()
        return nil, ("%s:%d: a phrase and a label expected"):format(path, n)
      end
      local entry = { label = label }
      for i = 3, #fields do
        local k, v = fields[i]:match("^([%w_]+)=(.+)$")
        if not k or k == "label" or k == "phrase" then
          fh:close()
          return nil, ("%s:%d: bad attribute '%s' (key=value expected)"):format(path, n, fields[i])
        end
        entry[k] = NUMERIC[k] and tonumber(v) or v
      end
      rows[#rows + 1] = { phrase, entry, n }
    end
  end
  fh:close()
  return rows
end

-- building ----------------------------------------------------------------

local function norm(phrase)
  return (phrase:lower():gsub("%s+", " "))
end

local function all_caps(phrase)
  return not phrase:find("%l") and phrase:find("%u") ~= nil
end

local function serialise(entry)
  local keys = {}
  for k in pairs(entry) do keys[#keys + 1] = k end
  sort(keys)
  for i, k in ipairs(keys) do keys[i] = k .. "=" .. tostring(entry[k]) end
  return table.concat(keys, "\t")
end

-- Reads the sources of one matcher; returns the rows in precedence order
-- (duplicates of hand-written entries dropped), and the missing files.
local function collect(matcher, opts, common)
  local rows, missing, seq = {}, {}, 0
  for _, s in ipairs(M.sources(opts)) do
    if s.matcher == matcher then
      if not s.exists then
        missing[#missing + 1] = s.path
      else
        local list, err = M.read(s.path)
        if not list then return nil, err end
        local origin = ORIGIN_RANK[s.origin]
        for _, r in ipairs(list) do
          seq = seq + 1
          local e = r[2]
          rows[#rows + 1] = { phrase = r[1], entry = e, origin = origin, seq = seq,
                              label = LABEL_RANK[e.label] or 1000,
                              type = TYPE_RANK[e.type] or 0 }
        end
      end
    end
  end
  sort(rows, function(a, b)
    if a.label ~= b.label then return a.label < b.label end
    if a.origin ~= b.origin then return a.origin < b.origin end
    if a.type ~= b.type then return a.type < b.type end
    return a.seq < b.seq
  end)
  local out, hand, same = {}, {}, {}
  for _, r in ipairs(rows) do
    local e = r.entry
    local key = e.label .. "\0" .. tostring(e.type) .. "\0" .. norm(r.phrase)
    local full = key .. "\0" .. serialise(e)
    if r.origin == 1 then hand[key] = true end
    local kept = same[full]
    if kept then
      -- "NATO" and "Nato" with the same entry: one phrase is enough, the
      -- one that is not all capitals (it matches in any case).
      if all_caps(kept.phrase) and not all_caps(r.phrase) then kept.phrase = r.phrase end
    elseif r.origin == 1 or not hand[key] then
      if common and MARK_COMMON[e.label] and common[r.phrase:lower()] then e.common = "1" end
      same[full] = r
      out[#out + 1] = r
    end
  end
  return out, missing
end

--- Builds the gazetteers from the source lists, in memory.
-- @tparam[opt] table opts as for `lexicon.sources`
-- @return a table `{news = Matcher, words = Matcher, missing = {paths}}`, or
-- nil and a message (a bad row)
-- @usage local lx = assert(lexicon.build{ sources = "data/lexicons" })
function M.build(opts)
  if opts ~= nil and type(opts) ~= "table" then
    error("bad argument #1 to 'build' (table expected, got " .. type(opts) .. ")", 2)
  end
  opts = opts or {}
  local result, missing = {}, {}
  local words, wmissing = collect("words", opts)
  if not words then return nil, wmissing end
  local common = {}
  for _, r in ipairs(words) do
    if r.entry.label == "COMMON" then common[r.phrase] = true end
  end
  local news, nmissing = collect("news", opts, common)
  if not news then return nil, nmissing end
  for _, list in ipairs({ nmissing, wmissing }) do
    for _, p in ipairs(list) do missing[#missing + 1] = p end
  end
  for name, rows in pairs({ news = news, words = words }) do
    local g = gazetteer.new({ case = "smart" })
    for _, r in ipairs(rows) do
      local ok, err = pcall(g.add, g, r.phrase, r.entry)
      if not ok then return nil, ("%s: %s"):format(r.phrase, tostring(err)) end
    end
    result[name] = g:compile()
  end
  result.missing = missing
  return result
end

--- Builds the gazetteers and saves them as `news.glz` and `words.glz` in a
-- directory (what `make data` runs).
-- @tparam string dir
-- @tparam[opt] table opts as for `lexicon.sources`
-- @return a table of entry counts by matcher, or nil and a message
-- @usage assert(lexicon.compile("build/data", { sources = "data/lexicons" }))
function M.compile(dir, opts)
  if type(dir) ~= "string" then
    error("bad argument #1 to 'compile' (string expected, got " .. type(dir) .. ")", 2)
  end
  local lx, err = M.build(opts)
  if not lx then return nil, err end
  local counts = {}
  for _, name in ipairs(NAMES) do
    local ok, msg = lx[name]:save(dir .. "/" .. M.FILES[name])
    if not ok then return nil, msg end
    counts[name] = #lx[name]
  end
  return counts
end

-- loading -----------------------------------------------------------------

local cache = {}

local function load_dir(dir)
  local lx = { compiled = true, dir = dir, missing = {} }
  for _, name in ipairs(NAMES) do
    local m, err = gazetteer.load(dir .. "/" .. M.FILES[name])
    if not m then return nil, err end
    lx[name] = m
  end
  lx.matchers = { lx.news }
  return lx
end

local function has_files(dir)
  for _, name in ipairs(NAMES) do
    if not exists(dir .. "/" .. M.FILES[name]) then return false end
  end
  return true
end

local common_cache

--- The English words that exist in lower case (the `COMMON` list), as an
-- array, for token predicates (`T.lower(words)`) that must not cost a
-- gazetteer match on every token. Found beside the compiled files (in the
-- places `lexicon.load` looks); an empty array when there is none.
-- @treturn {string,...} the words (shared: do not modify)
-- @usage local common = T.lower(lexicon.common_words())
function M.common_words()
  if common_cache then return common_cache end
  local words = {}
  local dirs = candidates()
  local _, generated = source_dirs({})
  if generated then dirs[#dirs + 1] = generated end
  for _, dir in ipairs(dirs) do
    local fh = io.open(dir .. "/common.tsv", "rb")
    if fh then
      -- the whole file in one read, its lines by one gmatch: 64,000 lines
      -- read one by one were a fifth of the news pipeline's load. (Each
      -- line is "word<TAB>COMMON": a word is what runs from a line's start
      -- to the tab; a pattern anchored on the line break costs a third
      -- less than one testing a frontier at every byte.)
      local text = (fh:read("*a") or "") .. "\n"
      fh:close()
      local n = 0
      for word in text:gmatch("([^\t\n]+)\tCOMMON\r?\n") do
        n = n + 1
        words[n] = word
      end
      break
    end
  end
  common_cache = words
  return words
end

--- Loads the lexicons: the compiled files from the first place that has
-- them, `opts.path`, else the directory in the environment variable
-- `GLEAN_DATA`, else `build/data/` of the source tree this module runs
-- from, else the `data/` directory beside the installed module (where
-- `make install` puts them). If none has them (or they do not load, say
-- from another glean version), the lexicons are built in memory from the
-- source lists. Results are cached: calling it again is cheap.
-- @tparam[opt] table opts `path` (a directory with `news.glz` and
-- `words.glz`: nothing else is tried), `compiled = false` (build from the
-- sources even when compiled files exist), `sources` and `generated` (as
-- for `lexicon.sources`)
-- @return a table `{news = Matcher, words = Matcher, matchers = {news},
-- compiled = boolean, dir = directory or nil, missing = {source paths not
-- found}}`, or nil and a message. `matchers` lists the gazetteers to run
-- over every document for entity evidence (`words` is left out: nearly
-- every token matches it; query it where a rule needs it). Treat the
-- table as read-only: it is shared between callers.
-- @usage local lx = assert(lexicon.load())
-- if not lx.compiled then print("built from the lists in memory") end
function M.load(opts)
  if opts ~= nil and type(opts) ~= "table" then
    error("bad argument #1 to 'load' (table expected, got " .. type(opts) .. ")", 2)
  end
  opts = opts or {}
  if opts.path ~= nil and type(opts.path) ~= "string" then
    error("bad option 'path' (string expected, got " .. type(opts.path) .. ")", 2)
  end
  if opts.path then
    local key = "dir:" .. opts.path
    if cache[key] then return cache[key] end
    local lx, err = load_dir(opts.path)
    if not lx then return nil, err end
    cache[key] = lx
    return lx
  end
  if opts.compiled ~= false then
    for _, dir in ipairs(candidates()) do
      local key = "dir:" .. dir
      if cache[key] then return cache[key] end
      if has_files(dir) then
        local lx = load_dir(dir)
        if lx then cache[key] = lx; return lx end
      end
    end
  end
  local hand, generated = source_dirs(opts)
  local key = "src:" .. tostring(hand) .. "\0" .. tostring(generated)
  if cache[key] then return cache[key] end
  if not hand then return nil, "no compiled lexicons found and no source lists" end
  local lx, err = M.build(opts)
  if not lx then return nil, err end
  lx.compiled = false
  lx.matchers = { lx.news }
  cache[key] = lx
  return lx
end

return M
