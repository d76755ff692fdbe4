--- Gazetteers: find known phrases (names, places, products, banned words)
-- in text, aligned to tokens, case- and accent-insensitive.
--
-- A builder collects phrases with their entries (attribute tables) and
-- compiles them into a Matcher: one flat buffer that can be saved and
-- memory-mapped (`glean.load`). Matching follows tokens: "Ukraine" never
-- matches inside "Ukrainians", "Putin" matches in "Putin’s"; whitespace,
-- line breaks and dashes between the words of a phrase do not matter.
--
-- @module glean.gazetteer
-- @usage
-- local glean = require "glean"
-- local g = glean.gazetteer{ case = "smart" }
-- g:add("Secret Intelligence Service", { label = "ORG", canonical = "MI6" })
-- g:add("MI6", "ORG")
-- local m = g:compile()
-- for first, last, entry in m:matches("the Secret  Intelligence\nService") do
--   print(first, last, entry.label, entry.canonical)   --> 2 4 ORG MI6
-- end

local core = require "glean.core"
local json = require "glean.json"

local io, table = io, table
local type, pairs, ipairs, pcall, error, tostring, next =
      type, pairs, ipairs, pcall, error, tostring, next

local M = {}

local CASES = { fold = true, exact = true, smart = true }
local ACCENTS = { fold = true, keep = true }

-- Re-raises an error from C at the caller's level, without C's position.
local function call(level, fn, ...)
  local ok, a, b = pcall(fn, ...)
  if not ok then error(a, level + 1) end
  return a, b
end

--- Creates a gazetteer builder.
-- Options: `case` = `"smart"` (default: a phrase written entirely in
-- capitals, like "US" or "WHO", matches only in capitals; any other phrase
-- in any case), `"fold"` or `"exact"`; `accents` = `"fold"` (default) or
-- `"keep"`; and the tokenizer options of `glean.tokenizer`, used for
-- phrases and for the texts given as strings.
-- @tparam[opt] table opts
-- @treturn Gazetteer a builder: `g:add`, `g:load`, `g:compile`, `#g`
-- @usage local g = glean.gazetteer{ case = "fold", accents = "keep" }
function M.new(opts)
  if opts ~= nil and type(opts) ~= "table" then
    error("bad argument #1 to 'gazetteer' (table expected, got " .. type(opts) .. ")", 2)
  end
  opts = opts or {}
  local case, accents, topts = "smart", "fold", {}
  for k, v in pairs(opts) do
    if k == "case" then
      if not CASES[v] then error("bad option 'case' (fold, exact or smart expected)", 2) end
      case = v
    elseif k == "accents" then
      if not ACCENTS[v] then error("bad option 'accents' (fold or keep expected)", 2) end
      accents = v
    else
      topts[k] = v
    end
  end
  local tk = call(2, core.tokenizer, topts)
  local abbrevs = type(opts.abbreviations) == "table" and opts.abbreviations or nil
  return call(2, core.gazetteer, case, accents, tk, abbrevs)
end

-- loading ----------------------------------------------------------------

-- Each parser turns one record into phrase, entry; or returns nil, message.

local find, sub, byte = string.find, string.sub, string.byte

local function parse_tsv(line)
  local tab = find(line, "\t", 1, true)
  if not tab then return line, nil end                 -- the common cases, quickly
  local tab2 = find(line, "\t", tab + 1, true)
  if not tab2 then
    local label = sub(line, tab + 1)
    return sub(line, 1, tab - 1), label ~= "" and label or nil
  end
  local fields = {}
  for f in (line .. "\t"):gmatch("([^\t]*)\t") do fields[#fields + 1] = f end
  local phrase, label = fields[1], fields[2]
  if #fields <= 2 then return phrase, (label ~= nil and label ~= "") and label or nil end
  local entry = {}
  if label ~= "" then entry.label = label end
  for i = 3, #fields do
    local k, v = fields[i]:match("^([^=]+)=(.*)$")
    if not k then
      if fields[i] ~= "" then
        return nil, "bad attribute '" .. fields[i] .. "' (key=value expected)"
      end
    elseif k == "phrase" then
      return nil, "'phrase' is reserved"
    else
      entry[k] = v
    end
  end
  return phrase, entry
end

-- Splits one CSV record (RFC 4180); returns the fields, or nil when a quoted
-- field is still open at the end (the record goes on on the next line).
local function csv_fields(record)
  local fields, i, n = {}, 1, #record
  while true do
    local c = record:sub(i, i)
    if c == '"' then
      local value, j = {}, i + 1
      while true do
        local q = record:find('"', j, true)
        if not q then return nil end
        value[#value + 1] = record:sub(j, q - 1)
        if record:sub(q + 1, q + 1) == '"' then
          value[#value + 1] = '"'
          j = q + 2
        else
          i = q + 1
          break
        end
      end
      fields[#fields + 1] = table.concat(value)
      c = record:sub(i, i)
      if c ~= "," and c ~= "" then return false, "text after a quoted field" end
    else
      local comma = record:find(",", i, true) or n + 1
      local value = record:sub(i, comma - 1)
      if value:find('"', 1, true) then return false, "quote inside an unquoted field" end
      fields[#fields + 1] = value
      i = comma
    end
    if i > n then return fields end
    i = i + 1
    if i > n then fields[#fields + 1] = ""; return fields end
  end
end

local function parse_json(line)
  local t, err = json.decode(line)
  if t == nil then return nil, "bad JSON: " .. err end
  if type(t) ~= "table" or t[1] ~= nil then return nil, "a JSON object expected" end
  local phrase = t.phrase
  if type(phrase) ~= "string" then return nil, "'phrase' must be a string" end
  local entry = {}
  for k, v in pairs(t) do
    if k ~= "phrase" and v ~= json.null then
      if type(v) ~= "string" and type(v) ~= "number" then
        return nil, "attribute '" .. k .. "' must be a string or a number"
      end
      entry[k] = v
    end
  end
  return phrase, entry
end

local FORMATS = { tsv = true, csv = true, jsonl = true }
local EXTENSIONS = { tsv = "tsv", txt = "tsv", csv = "csv", jsonl = "jsonl", ndjson = "jsonl",
                     json = "jsonl" }

--- Adds the phrases of a file: TSV (`phrase[<TAB>label[<TAB>key=value ...]]`,
-- a line with only a phrase is valid), CSV with a header row (a `phrase`
-- column, an optional `label` column, other columns are attributes) or JSON
-- Lines (`{"phrase": ..., "label": ..., ...}`). Blank lines are skipped.
-- On bad data, returns nil and "name:line: message"; the lines before it
-- are added, the bad one is not added at all.
-- @param source a path, or an open file
-- @tparam[opt] table opts `format` ("tsv", "csv", "jsonl"; by default from
-- the file name's extension, else TSV), `label` (for entries without one),
-- `attrs` (a table of attributes every entry gets, unless it has its own),
-- `name` (for messages, when source is a file)
-- @return the number of entries read, or nil and a message
-- @usage assert(g:load("people.tsv", { label = "PERSON" }))
function core.gazetteer_methods:load(source, opts)
  opts = opts or {}
  for k in pairs(opts) do
    if k ~= "format" and k ~= "label" and k ~= "name" and k ~= "attrs" then
      error("bad argument #2 to 'load' (unknown option '" .. tostring(k) .. "')", 2)
    end
  end
  local fh, name, err
  if type(source) == "string" then
    fh, err = io.open(source, "rb")
    if not fh then return nil, err end
    name = source
  elseif io.type(source) == "file" then
    fh, name = source, opts.name or "input"
  else
    error("bad argument #1 to 'load' (path or file expected, got " .. type(source) .. ")", 2)
  end
  local format = opts.format or EXTENSIONS[name:match("%.(%w+)$") or ""] or "tsv"
  if not FORMATS[format] then
    error("bad argument #2 to 'load' (unknown format '" .. tostring(format) .. "')", 2)
  end
  local default_label, default_attrs = opts.label, opts.attrs
  if default_attrs ~= nil and type(default_attrs) ~= "table" then
    error("bad argument #2 to 'load' (option 'attrs' must be a table)", 2)
  end
  local count, lineno, header = 0, 0, nil
  local pending, pending_line = nil, nil

  -- One record (a line; for CSV maybe several): nil when all went well,
  -- else the record's first line and a message.
  local function record(line, first_line)
    local phrase, entry
    if format == "tsv" then
      if not find(line, "%S") then return end
      phrase, entry = parse_tsv(line)
      if phrase == nil then return first_line, entry end
    elseif format == "csv" then
      if pending then line = pending .. "\n" .. line; first_line = pending_line end
      if not pending and line:match("^%s*$") then return end
      local fields, msg = csv_fields(line)
      if fields == nil then pending, pending_line = line, first_line; return end
      pending = nil
      if not fields then return first_line, msg end
      if not header then
        header = fields
        for _, h in ipairs(header) do if h == "phrase" then return end end
        return first_line, "no 'phrase' column in the header"
      end
      if #fields ~= #header then
        return first_line, ("%d fields, the header has %d"):format(#fields, #header)
      end
      entry = {}
      for i, h in ipairs(header) do
        if h == "phrase" then phrase = fields[i]
        elseif fields[i] ~= "" then entry[h] = fields[i] end
      end
    else
      if not find(line, "%S") then return end
      phrase, entry = parse_json(line)
      if phrase == nil then return first_line, entry end
    end
    if default_label then
      if entry == nil then entry = default_label
      elseif type(entry) == "table" and entry.label == nil then entry.label = default_label end
    end
    if default_attrs then
      if type(entry) ~= "table" then entry = { label = entry } end
      for k, v in pairs(default_attrs) do
        if entry[k] == nil then entry[k] = v end
      end
    end
    if type(entry) == "table" and next(entry) == nil then entry = nil end
    local ok, msg = pcall(self.add, self, phrase, entry)
    if not ok then
      return first_line, (tostring(msg):gsub("^bad argument #%d+ to '[^']*' %((.*)%)$", "%1"))
    end
    count = count + 1
  end

  local bad_line, msg
  for line in fh:lines() do
    lineno = lineno + 1
    if byte(line, -1) == 13 then line = sub(line, 1, -2) end         -- CRLF
    if lineno == 1 then line = line:gsub("^\239\187\191", "") end   -- byte order mark
    bad_line, msg = record(line, lineno)
    if bad_line then break end
  end
  if not bad_line and pending then bad_line, msg = pending_line, "unterminated quoted field" end
  if type(source) == "string" then fh:close() end
  if bad_line then return nil, ("%s:%d: %s"):format(name, bad_line, msg) end
  return count
end

-- replacing ----------------------------------------------------------------

local function replacement(repl, entry, text)
  local t = type(repl)
  local r
  if t == "string" then
    r = repl:gsub("%%([0%%])", function(c) return c == "0" and text or "%" end)
  elseif t == "table" then
    r = (entry.id ~= nil and repl[entry.id]) or (entry.label ~= nil and repl[entry.label]) or nil
  else
    r = repl(entry, text)
  end
  if r == nil or r == false then return nil end
  if type(r) ~= "string" and type(r) ~= "number" then
    error("replacement must be a string, got " .. type(r), 3)
  end
  return tostring(r)
end

--- Replaces every match in one pass, leftmost-longest.
-- `repl` is a string (`%0` is the matched text, `%%` a percent sign), a
-- table looked up by the entry's `id`, then by its `label`, or a function
-- `(entry, matched_text)` returning the replacement or nil to keep the text.
-- Where a phrase has several entries, the first one added decides.
-- @tparam string text
-- @param repl string, table or function
-- @tparam[opt] table opts `labels` restricts to some labels
-- @treturn string the new text
-- @treturn int the number of replacements
-- @usage m:replace("Call MI6 now", { ORG = "[ORG]" })   --> "Call [ORG] now", 1
function core.matcher_methods:replace(text, repl, opts)
  if type(text) ~= "string" then
    error("bad argument #1 to 'replace' (string expected, got " .. type(text) .. ")", 2)
  end
  local rt = type(repl)
  if rt ~= "string" and rt ~= "table" and rt ~= "function" then
    error("bad argument #2 to 'replace' (string, table or function expected, got " .. rt .. ")", 2)
  end
  local query = { overlap = "longest" }
  if opts ~= nil then
    for k, v in pairs(opts) do
      if k ~= "labels" then
        error("bad argument #3 to 'replace' (unknown option '" .. tostring(k) .. "')", 2)
      end
      query.labels = v
    end
  end
  local out, pos, last_start, n = {}, 1, nil, 0
  for _, hit in ipairs(call(2, self.find, self, text, query)) do
    if hit.start ~= last_start then         -- the first entry of a span decides
      last_start = hit.start
      local r = replacement(repl, hit.entry, hit.text)
      if r then
        out[#out + 1] = text:sub(pos, hit.start - 1)
        out[#out + 1] = r
        pos = hit.stop + 1
        n = n + 1
      end
    end
  end
  out[#out + 1] = text:sub(pos)
  return table.concat(out), n
end

--- Maps a compiled gazetteer file (read-only, shared between processes).
-- The file is validated in time linear in its size: a truncated, corrupt
-- or hostile file gives nil and a message, never a crash.
-- @tparam string path
-- @return a Matcher, or nil and "path: message"
-- @usage local m = assert(glean.load("places.glz"))
function M.load(path)
  if type(path) ~= "string" then
    error("bad argument #1 to 'load' (string expected, got " .. type(path) .. ")", 2)
  end
  return core.load(path)
end

--- A Matcher over compiled bytes held in a string (copied), or nil and a
-- message: for gazetteers embedded in a host program.
-- @tparam string bytes
-- @usage local m = assert(glean.load_string(blob))
function M.load_string(bytes)
  if type(bytes) ~= "string" then
    error("bad argument #1 to 'load_string' (string expected, got " .. type(bytes) .. ")", 2)
  end
  return core.load_string(bytes)
end

--- Is this a compiled gazetteer file (by its first bytes)?
-- @tparam string path
-- @treturn boolean
function M.is_compiled(path)
  local fh = io.open(path, "rb")
  if not fh then return false end
  local magic = fh:read(8)
  fh:close()
  return magic == "GLEANGZ\26"
end

--- A gazetteer builder (userdata `glean.Gazetteer`), from `glean.gazetteer`.
-- @type Gazetteer

--- Adds a phrase with an entry: a label string, or a table of attributes
-- (strings and numbers; `label`, `id`, `canonical`, anything else).
-- Identical entries of a phrase are kept once; different ones are all
-- reported. Raises on an empty phrase or more than 255 tokens.
-- @function Gazetteer:add
-- @tparam string phrase
-- @param[opt] entry
-- @treturn Gazetteer itself, to chain
-- @usage g:add("MI6", { label = "ORG", id = "Q1" }):add("NATO", "ORG")

--- Compiles the phrases into a Matcher; the builder stays usable.
-- @function Gazetteer:compile
-- @treturn Matcher
-- @usage local m = g:compile()

--- A compiled gazetteer (userdata `glean.Matcher`). Queries take a Doc
-- (tokenised with the same options) or a string, and options: `overlap` =
-- `"longest"` (default), `"all"` or `"first"`; `labels`, a list of labels.
-- Entry tables are shared between queries: read them, do not change them.
-- @type Matcher

--- Iterates over matches in text order: first token, last token, entry.
-- @function Matcher:matches
-- @param doc_or_text
-- @tparam[opt] table opts
-- @usage for first, last, e in m:matches(doc) do print(doc:text(first, last), e.label) end

--- The matches as tables `{start, stop, first, last, text, entry}`, byte
-- offsets 1-based and inclusive into the original text.
-- @function Matcher:find
-- @param doc_or_text
-- @tparam[opt] table opts
-- @usage for _, h in ipairs(m:find(text)) do print(h.start, h.stop, h.text) end

--- The number of matches; without a text, the number of distinct phrases.
-- @function Matcher:count
-- @param[opt] doc_or_text
-- @tparam[opt] table opts
-- @usage print(m:count(text, { overlap = "all" }), m:count())

--- The matches as three arrays (first tokens, last tokens, entry numbers),
-- for bulk work; `m:entry(n)` gives an entry number's table.
-- @function Matcher:hits
-- @param doc_or_text
-- @tparam[opt] table opts
-- @usage local firsts, lasts, entries = m:hits(doc)

--- The table of entry number n, or nil.
-- @function Matcher:entry
-- @tparam int n
-- @usage print(m:entry(1).label)

--- The entries (with a label), in the order they were added. Each has the
-- attributes it was added with and `phrase`, the matching form of its
-- phrase (tokens folded, separated by spaces).
-- @function Matcher:entries
-- @tparam[opt] string label
-- @usage for _, e in ipairs(m:entries("ORG")) do print(e.phrase) end

--- `#m`: the number of entries.
-- @function Matcher:__len
-- @usage print(#m)

--- A Doc of text tokenised with the gazetteer's options.
-- @function Matcher:tokenize
-- @tparam string text
-- @usage local doc = m:tokenize(text)

--- Writes the compiled gazetteer to a file: true, or nil and a message.
-- @function Matcher:save
-- @tparam string path
-- @usage assert(m:save("names.glz"))

--- Case and accent modes and tokenizer options it was built with.
-- @function Matcher:options
-- @usage print(m:options().case)

--- Sizes: phrases, entries, vocabulary, nodes, bytes, max_depth, mapped.
-- @function Matcher:stats
-- @usage print(m:stats().bytes / m:stats().phrases, "bytes a phrase")

--- Releases the buffer or mapping now rather than at collection.
-- @function Matcher:close
-- @usage m:close()

return M
