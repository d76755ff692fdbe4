--- The command-line interface behind `bin/glean`.
--
-- Each command is a table with `usage`, `options` (the flags it accepts) and
-- `run`. Exit codes: 0 success, 1 some input could not be processed, 2 usage
-- error.
--
-- @module glean.cli
-- @usage
-- local cli = require "glean.cli"
-- os.exit(cli.main({ "tokenize", "--count", "article.txt" }))

local glean = require "glean"

local io, string, table = io, string, table
local ipairs, pairs, pcall, error, tostring, type = ipairs, pairs, pcall, error, tostring, type
local math = math

local M = {}

--- Bytes read from an input at a time.
M.chunk_size = 2 * 1024 * 1024

local EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2

-- Tokenizer options the command line can switch off (--no-NAME) or on.
local TOKENIZER_SWITCHES = { "clitics", "abbreviations", "initials", "urls", "emails",
                             "numbers", "emoji", "punct_runs", "hard_wraps" }

-- arguments ----------------------------------------------------------------

-- Parses argv against `spec` (option name -> "flag" or "value"); returns
-- options and positional arguments, or nil and a message.
local function parse_args(argv, spec)
  local opts, rest = {}, {}
  local i, only_positional = 1, false
  while i <= #argv do
    local a = argv[i]
    if only_positional or a == "-" or a:sub(1, 1) ~= "-" then
      rest[#rest + 1] = a
    elseif a == "--" then
      only_positional = true
    else
      local name, value = a:match("^%-%-([^=]+)=(.*)$")
      name = name or a:match("^%-%-(.+)$") or a:match("^%-(.)$")
      if not name then return nil, "unrecognised argument '" .. a .. "'" end
      local kind = spec[name]
      if not kind then return nil, "unknown option '" .. a .. "'" end
      if kind == "flag" then
        if value then return nil, "option '--" .. name .. "' takes no value" end
        opts[name] = true
      else
        if not value then
          i = i + 1
          value = argv[i]
          if not value then return nil, "option '" .. a .. "' needs a value" end
        end
        if kind == "list" then   -- may be given several times
          opts[name] = opts[name] or {}
          table.insert(opts[name], value)
        else
          opts[name] = value
        end
      end
    end
    i = i + 1
  end
  return opts, rest
end

-- inputs ----------------------------------------------------------------

-- Calls fn(handle, name) for each input ("-" is standard input); reports
-- unreadable ones on stderr. Returns the exit status.
local function each_input(files, streams, fn)
  local status = EXIT_OK
  if #files == 0 then files = { "-" } end
  for _, name in ipairs(files) do
    if name == "-" then
      fn(streams.stdin, name)
    else
      local fh, err = io.open(name, "rb")
      if fh then
        local ok, msg = pcall(fn, fh, name)
        fh:close()
        if not ok then error(msg, 0) end
      else
        streams.stderr:write("glean: ", err, "\n")
        status = EXIT_INPUT
      end
    end
  end
  return status
end

-- Reads fh chunk by chunk. step(text, last, base) handles one chunk (text
-- starts at byte offset base of the stream; last: no more will come) and
-- returns where the unhandled rest of it begins (1-based; 1 when nothing
-- could be handled, #text + 1 when all was), which is carried into the next.
local function each_chunk(fh, step)
  local carry, base, want = "", 0, M.chunk_size
  while true do
    local data = fh:read(want)
    local text = data and carry .. data or carry
    if text == "" then return end
    local resume = step(text, data == nil, base)
    if not data then return end
    base = base + resume - 1
    carry = text:sub(resume)
    -- no progress: read as much again, so that the work stays linear
    want = (resume == 1) and math.max(M.chunk_size, #carry) or M.chunk_size
  end
end

--- Tokenises a stream chunk by chunk, with memory bounded by the chunk size
-- (and by the longest run of text without a safe place to cut).
-- Calls `fn(doc, n, base)` for each chunk: tokens 1..n of `doc` are final,
-- and `base` is the byte offset of the chunk in the stream (0 for the first).
-- @param fh an open file handle
-- @param tk a Tokenizer
-- @tparam function fn
-- @usage
-- cli.each_token_chunk(io.stdin, glean.tokenizer(), function(doc, n) print(n) end)
function M.each_token_chunk(fh, tk, fn)
  each_chunk(fh, function(text, last, base)
    local doc = tk(text)
    local n, resume
    if last then n, resume = #doc, #text + 1 else n, resume = doc:stable_prefix() end
    fn(doc, n, base)
    doc:close()
    return resume
  end)
end

local function tokenizer_from(opts)
  -- the output has no sentence information, so sentences are not looked for
  local topts = { keep_space = opts["keep-space"] or false, sentences = false }
  for _, name in ipairs(TOKENIZER_SWITCHES) do
    if opts["no-" .. name:gsub("_", "-")] then topts[name] = false end
  end
  return glean.tokenizer(topts)
end

local ESCAPES = { ["\\"] = "\\\\", ["\t"] = "\\t", ["\n"] = "\\n", ["\r"] = "\\r" }

-- One output line: [file TAB] start TAB stop TAB field TAB text, offsets
-- in the stream (base: the chunk's offset) and the text escaped.
local function record(prefix, base, start, stop, field, text)
  return prefix .. (base + start) .. "\t" .. (base + stop) .. "\t" .. field .. "\t"
    .. text:gsub("[\\\t\r\n]", ESCAPES) .. "\n"
end

-- Runs visit(fh, prefix) over each input; it writes the input's records
-- (unless count_only), each line after prefix (the file's name when there
-- are several), and returns how many it found. With count_only, writes
-- the number for each input and, for several, their total.
local function count_inputs(files, streams, count_only, visit)
  local out, several, total = streams.stdout, #files > 1, 0
  local status = each_input(files, streams, function(fh, name)
    local count = visit(fh, several and (name .. "\t") or "")
    if count_only then
      out:write(several and (count .. "\t" .. name .. "\n") or (count .. "\n"))
    end
    total = total + count
  end)
  if count_only and several then out:write(total, "\ttotal\n") end
  return status
end

-- commands ----------------------------------------------------------------

local commands = {}

commands.tokenize = {
  usage = [[
Usage: glean tokenize [OPTIONS] [FILES|-]

Prints the tokens of each input, one per line: start, stop, kind and text,
tab-separated (offsets are 1-based inclusive byte offsets into the input;
in the text, backslash, tab, CR and LF are written \\, \t, \r and \n).
With several inputs, each line starts with the file name. Reads standard
input when no file is given or for '-'. Memory stays bounded whatever the
input size.

Options:
  -c, --count        print only the number of tokens (per input, and a total
                     when there are several)
  --keep-space       report whitespace as space and newline tokens
  --no-clitics, --no-abbreviations, --no-initials, --no-urls, --no-emails,
  --no-numbers, --no-emoji, --no-punct-runs, --no-hard-wraps
                     turn a tokenizer refinement off
  -h, --help         show this help
]],
  options = { count = "flag", c = "flag", ["keep-space"] = "flag" },
  run = function(opts, files, streams)
    local tk = tokenizer_from(opts)
    local count_only = opts.count or opts.c
    local out = streams.stdout
    return count_inputs(files, streams, count_only, function(fh, prefix)
      local count = 0
      M.each_token_chunk(fh, tk, function(doc, n, base)
        count = count + n
        if count_only then return end
        local lines = {}
        for i = 1, n do
          local start, stop, kind = doc:token(i)
          lines[i] = record(prefix, base, start, stop, kind, doc:text(i))
        end
        out:write(table.concat(lines))
      end)
      return count
    end)
  end,
}
for _, name in ipairs(TOKENIZER_SWITCHES) do
  commands.tokenize.options["no-" .. name:gsub("_", "-")] = "flag"
end

-- gazetteers ----------------------------------------------------------------

local gazetteer_mod = require "glean.gazetteer"

-- A matcher from a compiled file or a source list (compiled on the fly);
-- nil and a message on bad input.
local function open_gazetteer(path, opts)
  if gazetteer_mod.is_compiled(path) then return glean.load(path) end
  local g = glean.gazetteer{ case = opts.case, accents = opts.accents }
  local n, err = g:load(path, { format = opts.format, label = opts.label })
  if not n then return nil, err end
  return g:compile()
end

-- Tokens a walk from one token may reach: the longest phrase, with the
-- dashes it may step over.
local function reach(m)
  local depth = m:stats().max_depth
  return depth > 0 and (depth - 1) * 3 + 1 or 1
end

--- Matches a stream chunk by chunk, memory bounded by the chunk size.
-- Calls `fn(doc, hits, base)` per chunk: hits are the final matches of that
-- chunk as `{first, last, entry_number, matcher_index}`, by first token,
-- last token and matcher; base is the byte offset of doc in the stream. A
-- chunk is cut only where no phrase can reach across and no match spans.
-- @param fh an open file
-- @tparam {Matcher,...} matchers tokenizing alike
-- @tparam table query as for m:matches
-- @tparam function fn
function M.each_match_chunk(fh, matchers, query, fn)
  local mo = matchers[1]:options()
  local tk = glean.tokenizer{ clitics = mo.clitics, abbreviations = mo.abbreviations,
    initials = mo.initials, urls = mo.urls, emails = mo.emails, numbers = mo.numbers,
    emoji = mo.emoji, punct_runs = mo.punct_runs, sentences = false }
  local width = 1
  for _, m in ipairs(matchers) do width = math.max(width, reach(m)) end
  local greedy = (query.overlap or "longest") ~= "all"
  each_chunk(fh, function(text, last, base)
    local doc = tk(text)
    local found = {}
    for k, m in ipairs(matchers) do
      local firsts, lasts, entries = m:hits(doc, query)
      found[k] = { firsts, lasts, entries }
    end
    local cut = #doc + 1          -- first token left for the next chunk
    if not last then
      -- the last token q <= n - width that follows whitespace and lies inside
      -- no match; only matches near the end can span it
      local n = doc:stable_prefix()
      cut = nil
      for q = n - width, 2, -1 do
        local ok = doc[q - 1].space_after
        if ok and greedy then
          for _, f in ipairs(found) do
            local firsts, lasts = f[1], f[2]
            for h = #firsts, 1, -1 do
              if lasts[h] < q then break end
              if firsts[h] < q then ok = false; break end
            end
            if not ok then break end
          end
        end
        if ok then cut = q; break end
      end
    end
    if cut then
      local keep = {}
      for k, f in ipairs(found) do
        local firsts, lasts, entries = f[1], f[2], f[3]
        for h = 1, #firsts do
          if firsts[h] >= cut then break end
          keep[#keep + 1] = { firsts[h], lasts[h], entries[h], k }
        end
      end
      if #found > 1 then
        table.sort(keep, function(a, b)
          if a[1] ~= b[1] then return a[1] < b[1] end
          if a[2] ~= b[2] then return a[2] < b[2] end
          return a[4] < b[4]
        end)
      end
      fn(doc, keep, base)
    end
    local resume = (cut and cut <= #doc) and select(1, doc:token(cut)) or (cut and #text + 1 or 1)
    doc:close()
    return resume
  end)
end

commands.compile = {
  usage = [[
Usage: glean compile [OPTIONS] INPUT... -o OUT.glz

Builds a compiled gazetteer from phrase lists: TSV (phrase, label,
key=value...), CSV with a header row, or JSON Lines, by file extension
(or --format). The compiled file loads in milliseconds (glean.load, -g).

Options:
  -o, --output FILE  the compiled file to write (required)
  --case MODE        smart (default), fold or exact
  --accents MODE     fold (default) or keep
  --format FORMAT    tsv, csv or jsonl for every input
  --label LABEL      label for entries that have none
  -h, --help         show this help
]],
  options = { o = "value", output = "value", case = "value", accents = "value",
              format = "value", label = "value" },
  run = function(opts, files, streams)
    local out = opts.o or opts.output
    if not out or #files == 0 then
      streams.stderr:write("glean compile: needs INPUT files and -o OUT\n")
      return EXIT_USAGE
    end
    local ok, g = pcall(glean.gazetteer, { case = opts.case, accents = opts.accents })
    if not ok then
      streams.stderr:write("glean compile: ", tostring(g), "\n")
      return EXIT_USAGE
    end
    for _, path in ipairs(files) do
      local n, err = g:load(path, { format = opts.format, label = opts.label })
      if not n then
        streams.stderr:write("glean compile: ", err, "\n")
        return EXIT_INPUT
      end
    end
    local m = g:compile()
    local saved, err = m:save(out)
    if not saved then
      streams.stderr:write("glean compile: ", err, "\n")
      return EXIT_INPUT
    end
    local st = m:stats()
    local function count(n, one, many) return n .. " " .. (n == 1 and one or many) end
    streams.stderr:write(("glean compile: %s, %s, %s -> %s\n"):format(
      count(st.phrases, "phrase", "phrases"), count(st.entries, "entry", "entries"),
      count(st.bytes, "byte", "bytes"), out))
    return EXIT_OK
  end,
}

commands.match = {
  usage = [[
Usage: glean match -g FILE [-g FILE...] [OPTIONS] [FILES|-]

Prints the gazetteer matches in each input, one per line: start, stop,
label and text, tab-separated (1-based inclusive byte offsets). A -g FILE
is a compiled gazetteer (recognised by its first bytes) or a phrase list
compiled on the fly. Streams: memory stays bounded whatever the input size.

Options:
  -g, --gazetteer FILE  a gazetteer (several may be given)
  --overlap POLICY      longest (default), all or first
  --labels L1,L2        only these labels
  -c, --count           print only the number of matches
  --case MODE, --accents MODE, --format FORMAT, --label LABEL
                        for phrase lists (see glean compile --help)
  -h, --help            show this help
]],
  options = { g = "list", gazetteer = "list", overlap = "value", labels = "value",
              count = "flag", c = "flag", case = "value", accents = "value",
              format = "value", label = "value" },
  run = function(opts, files, streams)
    local sources = {}
    for _, list in ipairs{ opts.g or {}, opts.gazetteer or {} } do
      for _, path in ipairs(list) do sources[#sources + 1] = path end
    end
    if #sources == 0 then
      streams.stderr:write("glean match: needs at least one -g FILE\n")
      return EXIT_USAGE
    end
    local query = { overlap = opts.overlap or "longest" }
    if query.overlap ~= "longest" and query.overlap ~= "all" and query.overlap ~= "first" then
      streams.stderr:write("glean match: --overlap must be longest, all or first\n")
      return EXIT_USAGE
    end
    if opts.labels then
      query.labels = {}
      for l in opts.labels:gmatch("[^,]+") do query.labels[#query.labels + 1] = l end
    end
    local matchers = {}
    for _, path in ipairs(sources) do
      local ok, m, err = pcall(open_gazetteer, path, opts)
      if not ok then
        streams.stderr:write("glean match: ", tostring(m), "\n")
        return EXIT_USAGE
      end
      if not m then
        streams.stderr:write("glean match: ", err, "\n")
        return EXIT_INPUT
      end
      matchers[#matchers + 1] = m
    end
    local count_only = opts.count or opts.c
    local out = streams.stdout
    return count_inputs(files, streams, count_only, function(fh, prefix)
      local count = 0
      M.each_match_chunk(fh, matchers, query, function(doc, hits, base)
        count = count + #hits
        if count_only then return end
        local lines = {}
        for i, h in ipairs(hits) do
          local start, stop = doc:span(h[1], h[2])
          lines[i] = record(prefix, base, start, stop,
                            tostring(matchers[h[4]]:entry(h[3]).label or ""),
                            doc:text(h[1], h[2]))
        end
        out:write(table.concat(lines))
      end)
      return count
    end)
  end,
}

-- extract ------------------------------------------------------------------

local batch = require "glean.batch"
local json = require "glean.json"

--- Finds a report format: a module name under glean.formats, or the path
-- of a Lua file returning function(report, opts).
-- @tparam string name
-- @return the format function, or nil and a message
-- @usage local render = assert(cli.format("json"))
function M.format(name)
  local fn, err
  if name:find("[/\\]") or name:find("%.lua$") then
    local chunk, lerr = loadfile(name)
    if not chunk then return nil, lerr end
    local ok, value = pcall(chunk)
    fn, err = ok and value or nil, not ok and value or nil
  elseif name:find("^[%w_]+$") and name ~= "base" then
    local ok, value = pcall(require, "glean.formats." .. name)
    fn, err = ok and value or nil, not ok and ("unknown format '" .. name .. "'") or nil
  else
    err = "unknown format '" .. name .. "'"
  end
  if fn and type(fn) ~= "function" then
    return nil, "format '" .. name .. "' is not a function(report, opts)"
  end
  return fn, err
end

-- The formats glean has: the modules beside glean.formats.json.
local function format_names()
  local json_path = glean.searchpath("glean.formats.json", package.path)
  local names = {}
  if json_path then
    local dir = json_path:match("^(.*)/[^/]*$") or "."
    local p = io.popen("ls " .. batch.shell_quote(dir) .. " 2>/dev/null")
    if p then
      for file in p:lines() do
        local name = file:match("^([%w_]+)%.lua$")
        if name and name ~= "base" then names[#names + 1] = name end
      end
      p:close()
    end
  end
  if #names == 0 then names = { "json", "jsonl", "text" } end
  table.sort(names)
  return names
end

-- The first line of a format module's LDoc comment.
local function format_summary(name)
  local path = glean.searchpath("glean.formats." .. name, package.path)
  local fh = path and io.open(path, "rb")
  if not fh then return "" end
  -- the LDoc comment's first sentence
  local parts = {}
  for line in fh:lines() do
    local text = line:match("^%-%-%-?%s?(.*)$")
    if not text or text:find("^@") or text == "" then break end
    parts[#parts + 1] = text
  end
  fh:close()
  local summary = table.concat(parts, " "):gsub("^The `[%w_]+` report format:%s*", "")
  return summary:match("^(.-%.)%s") or summary:match("^(.-%.)$") or summary
end

-- Options shared by extract and explain: the news pipeline's.
local PIPELINE_OPTIONS = { date = "value", gazetteer = "list", rules = "list" }

local function news_pipeline(opts, streams, cmd)
  if opts.date and not opts.date:match("^%d%d%d%d%-%d%d%-%d%d$") then
    streams.stderr:write("glean ", cmd, ": --date wants YYYY-MM-DD, got '", opts.date, "'\n")
    return nil, EXIT_USAGE
  end
  local pl, err = require("glean.news").pipeline{ gazetteers = opts.gazetteer,
                                                   rules = opts.rules, date = opts.date }
  if not pl then
    streams.stderr:write("glean ", cmd, ": ", tostring(err), "\n")
    return nil, EXIT_INPUT
  end
  return pl
end

-- The command that runs one worker of `glean extract -j N` (see
-- glean.batch: documents as JSON Lines in, framed reports out).
local function worker_command(opts)
  local interp, script = arg and arg[-1], arg and arg[0]
  local parts = { interp, script, "extract", "--worker",
                  "--format", opts.f or opts.format or "text",
                  "--color", opts.color_on and "always" or "never" }
  local function add(flag, value) parts[#parts + 1] = flag; parts[#parts + 1] = value end
  if opts["csv-table"] then add("--csv-table", opts["csv-table"]) end
  for _, g in ipairs(opts.gazetteer or {}) do add("--gazetteer", g) end
  for _, r in ipairs(opts.rules or {}) do add("--rules", r) end
  if opts.date then add("--date", opts.date) end
  for i, p in ipairs(parts) do parts[i] = batch.shell_quote(p) end
  return table.concat(parts, " ")
end

-- One document's report, rendered: true and the output, or false and the
-- error. A table's header row (csv) only before the first document.
local function render_document(pl, render, render_opts, name, text, first)
  return pcall(function()
    local report = pl:extract(text, { doc = name })
    render_opts.text, render_opts.header = text, first
    return render(report, render_opts)
  end)
end

-- A worker: JSON Lines documents on stdin, one framed result each.
local function run_worker(pl, render, render_opts, streams)
  for line in streams.stdin:lines() do
    if line == "" then break end            -- the end (see glean.batch)
    local doc = json.decode(line)
    local ok, out = render_document(pl, render, render_opts, doc.id, doc.text, doc.first == true)
    batch.write_frame(streams.stdout, ok, ok and out or tostring(out))
    batch.tidy()
  end
  return EXIT_OK
end

commands.extract = {
  usage = [[
Usage: glean extract [OPTIONS] [FILES|DIRS|-]

Runs the bundled news rules over articles and reports the people,
organisations, places, quotations with their speakers, roles, aliases and
dates. Directories are read recursively (files matching --glob); '-' or no
input reads standard input. Documents stream: memory does not grow with
their number.

Options:
  -f, --format NAME    text (default), json, jsonl, csv, markdown, html (see
                       glean formats), or a Lua file returning
                       function(report, opts)
  -o, --output FILE    write there instead of standard output
  --date YYYY-MM-DD    reference date for relative dates (default: a
                       dateline in the article)
  --gazetteer FILE     your own phrases (TSV phrase<TAB>label[<TAB>key=value],
                       labels PERSON, ORG, LOC, NORP, MISC), winning over the
                       bundled lists; may be given several times
  --rules FILE         a rule file whose phases run after the bundled ones;
                       may be given several times
  --glob PATTERN       files to read in directories (default *.txt)
  --input FORMAT       text (default: one document per file) or jsonl (one
                       JSON object per line, one document each)
  --text-field NAME    with --input jsonl: the field holding the text (text)
  --id-field NAME      with --input jsonl: the field naming the document (id)
  -j, --jobs N         run N worker processes (output stays in input order)
  --color WHEN         auto (default: when standard output is a terminal and
                       NO_COLOR is unset), always or never
  --csv-table TABLE    with --format csv: mentions (default), entities, quotes
                       or dates
  --progress WHEN      auto (default: on a terminal, for more than one
                       document), always or never; on standard error
  -h, --help           show this help

Exit status: 0 when every document was processed, 1 when some could not be
(each is reported on standard error, the others are still processed), 2
for a usage error.
]],
  options = { f = "value", format = "value", o = "value", output = "value", date = "value",
              gazetteer = "list", rules = "list", glob = "value", input = "value",
              ["text-field"] = "value", ["id-field"] = "value", j = "value", jobs = "value",
              color = "value", ["csv-table"] = "value", progress = "value", worker = "flag" },
  run = function(opts, files, streams)
    local function usage_error(msg)
      streams.stderr:write("glean extract: ", msg, "\n")
      return EXIT_USAGE
    end
    local jobs = tonumber(opts.j or opts.jobs or "1")
    if not jobs or jobs < 1 or jobs ~= math.floor(jobs) then
      return usage_error("-j wants a positive whole number")
    end
    if opts.input and opts.input ~= "text" and opts.input ~= "jsonl" then
      return usage_error("--input wants text or jsonl, got '" .. opts.input .. "'")
    end
    for _, name in ipairs{ "color", "progress" } do
      local v = opts[name]
      if v and v ~= "auto" and v ~= "always" and v ~= "never" then
        return usage_error("--" .. name .. " wants auto, always or never, got '" .. v .. "'")
      end
    end
    local table_name = opts["csv-table"]
    if table_name and table_name ~= "mentions" and table_name ~= "entities"
       and table_name ~= "quotes" and table_name ~= "dates" then
      return usage_error("--csv-table wants mentions, entities, quotes or dates, got '"
                         .. table_name .. "'")
    end
    local render, ferr = M.format(opts.f or opts.format or "text")
    if not render then return usage_error(ferr) end
    local pl, code = news_pipeline(opts, streams, "extract")
    if not pl then return code end
    local out, path = streams.stdout, opts.o or opts.output
    if path then
      local fh, oerr = io.open(path, "wb")
      if not fh then
        streams.stderr:write("glean extract: ", oerr, "\n")
        return EXIT_INPUT
      end
      out = fh
    end
    local color = opts.color or "auto"
    opts.color_on = color == "always"
                    or (color == "auto" and not path and not os.getenv("NO_COLOR")
                        and streams.stdout == io.stdout and batch.is_terminal(1))
    local docs = batch.documents(files, {
      glob = opts.glob, input = opts.input, text_field = opts["text-field"],
      id_field = opts["id-field"], stdin = streams.stdin,
    })
    local show = opts.progress or "auto"
    local progress
    if show == "always" or (show == "auto" and streams.stderr == io.stderr
                            and batch.is_terminal(2)) then
      progress = batch.progress(streams.stderr)
    end
    local failed, count = 0, 0
    local function report_failure(doc)
      failed = failed + 1
      local msg = tostring(doc.error)
      -- io.open's messages already name the file
      if msg:sub(1, #doc.name + 2) ~= doc.name .. ": " then msg = doc.name .. ": " .. msg end
      streams.stderr:write(progress and "\r\27[K" or "", "glean extract: ", msg, "\n")
    end
    local render_opts = { color = opts.color_on, table = table_name }
    if opts.worker then return run_worker(pl, render, render_opts, streams) end
    local function done(doc, ok, output)
      if ok then out:write(output) else report_failure({ name = doc.name, error = output }) end
      count = count + 1
      if progress then progress:add(1, doc.bytes) end
    end
    if jobs > 1 and arg and arg[-1] and arg[0] then
      local ok, err = batch.parallel(docs, { jobs = jobs, command = worker_command(opts),
                                             on_error = report_failure, on_result = done })
      if not ok then
        streams.stderr:write("glean extract: ", err, "\n")
        failed = failed + 1
      end
    else
      for doc in docs do
        if doc.error then
          report_failure(doc)
        else
          local ok, result = render_document(pl, render, render_opts, doc.name, doc.text,
                                             count == 0)
          done({ name = doc.name, bytes = #doc.text }, ok, result)
          batch.tidy()
        end
      end
    end
    if progress then progress:finish() end
    if path then out:close() end
    return failed > 0 and EXIT_INPUT or EXIT_OK
  end,
}

commands.explain = {
  usage = [[
Usage: glean explain [OPTIONS] FILE

Runs the news rules over one article and prints, phase by phase, which rule
made each span, what it linked, and which rule or overlap policy dropped
each candidate.

Options:
  --date YYYY-MM-DD, --gazetteer FILE, --rules FILE   as for glean extract
  -h, --help           show this help
]],
  options = PIPELINE_OPTIONS,
  run = function(opts, files, streams)
    if #files ~= 1 then
      streams.stderr:write("glean explain: needs one FILE (or -)\n")
      return EXIT_USAGE
    end
    local pl, code = news_pipeline(opts, streams, "explain")
    if not pl then return code end
    local status = EXIT_OK
    for doc in batch.documents(files, { stdin = streams.stdin }) do
      if doc.error then
        streams.stderr:write("glean explain: ", doc.name, ": ", tostring(doc.error), "\n")
        status = EXIT_INPUT
      else
        local d = pl:run(doc.text, { explain = true })
        streams.stdout:write(d:explain(), "\n")
        d:close()
      end
    end
    return status
  end,
}

commands.formats = {
  usage = [[
Usage: glean formats

Lists the report formats glean extract --format takes. A Lua file
returning function(report, opts) is a format too (--format ./mine.lua).
]],
  options = {},
  run = function(_, _, streams)
    for _, name in ipairs(format_names()) do
      streams.stdout:write(string.format("%-10s %s\n", name, format_summary(name)))
    end
    return EXIT_OK
  end,
}

local ORDER = { "extract", "explain", "formats", "tokenize", "match", "compile" }
local SUMMARY = {
  tokenize = "print the tokens of texts, one per line, or their number",
  match = "print the gazetteer matches in texts, or their number",
  compile = "compile phrase lists into a gazetteer file",
  extract = "report people, organisations, places, quotations and dates in news",
  explain = "show which rule made or dropped each span of an article",
  formats = "list the report formats",
}

local function main_usage()
  local lines = {
    "Usage: glean [--help] [--version] COMMAND [ARGS]",
    "",
    "glean extracts information from text: who is in a news article, who said what,",
    "where and when; and tokens, sentences and gazetteer matches.",
    "",
    "Commands:",
  }
  for _, name in ipairs(ORDER) do
    lines[#lines + 1] = string.format("  %-10s %s", name, SUMMARY[name])
  end
  lines[#lines + 1] = ""
  lines[#lines + 1] = "Run 'glean COMMAND --help' for the options of a command."
  return table.concat(lines, "\n") .. "\n"
end

--- The version line printed by `glean --version`.
-- @treturn string
function M.version()
  local runtime = (type(jit) == "table" and jit.version) or _VERSION
  return string.format("glean %s (%s, Unicode %s)", glean._VERSION,
                       runtime, glean.unicode_version)
end

--- Runs the command line.
-- @tparam {string,...} argv the arguments (without the program name)
-- @tparam[opt] table streams `stdin`, `stdout`, `stderr` (default: io's)
-- @treturn int exit code
-- @usage os.exit(cli.main(arg))
function M.main(argv, streams)
  streams = streams or { stdin = io.stdin, stdout = io.stdout, stderr = io.stderr }
  local cmd = argv[1]
  if cmd == nil or cmd == "-h" or cmd == "--help" or cmd == "help" then
    streams[cmd == nil and "stderr" or "stdout"]:write(main_usage())
    return cmd == nil and EXIT_USAGE or EXIT_OK
  end
  if cmd == "--version" or cmd == "-V" then
    streams.stdout:write(M.version(), "\n")
    return EXIT_OK
  end
  local command = commands[cmd]
  if not command then
    streams.stderr:write("glean: unknown command '", tostring(cmd),
                         "' (run 'glean --help' for the list)\n")
    return EXIT_USAGE
  end
  local args = {}
  for i = 2, #argv do args[#args + 1] = argv[i] end
  local spec = { help = "flag", h = "flag" }
  for k, v in pairs(command.options) do spec[k] = v end
  local opts, rest = parse_args(args, spec)
  if not opts then
    streams.stderr:write("glean ", cmd, ": ", rest, "\n", "Run 'glean ", cmd,
                         " --help' for usage.\n")
    return EXIT_USAGE
  end
  if opts.help or opts.h then
    streams.stdout:write(command.usage)
    return EXIT_OK
  end
  return command.run(opts, rest, streams)
end

-- Exposed for the specs.
M._parse_args = parse_args

return M
