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

---------------------------------------------------------------- arguments

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
        opts[name] = value
      end
    end
    i = i + 1
  end
  return opts, rest
end

---------------------------------------------------------------- inputs

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
  local carry, base, want = "", 0, M.chunk_size
  while true do
    local data = fh:read(want)
    local text = data and carry .. data or carry
    if text == "" then return end
    local doc = tk(text)
    local n, resume
    if data then n, resume = doc:stable_prefix() else n, resume = #doc, #text + 1 end
    fn(doc, n, base)
    doc:close()
    if not data then return end
    base = base + resume - 1
    carry = text:sub(resume)
    -- no progress: read as much again, so that the work stays linear
    want = (n == 0) and math.max(M.chunk_size, #carry) or M.chunk_size
  end
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

---------------------------------------------------------------- commands

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
    local out = streams.stdout
    local several = #files > 1
    local total = 0
    local status = each_input(files, streams, function(fh, name)
      local count = 0
      local prefix = several and (name .. "\t") or ""
      M.each_token_chunk(fh, tk, function(doc, n, base)
        count = count + n
        if opts.count or opts.c then return end
        local lines = {}
        for i = 1, n do
          local start, stop, kind = doc:token(i)
          lines[i] = prefix .. (base + start) .. "\t" .. (base + stop) .. "\t" .. kind .. "\t"
            .. doc:text(i):gsub("[\\\t\r\n]", ESCAPES) .. "\n"
        end
        out:write(table.concat(lines))
      end)
      if opts.count or opts.c then
        out:write(several and (count .. "\t" .. name .. "\n") or (count .. "\n"))
      end
      total = total + count
    end)
    if (opts.count or opts.c) and several then out:write(total, "\ttotal\n") end
    return status
  end,
}
for _, name in ipairs(TOKENIZER_SWITCHES) do
  commands.tokenize.options["no-" .. name:gsub("_", "-")] = "flag"
end

local ORDER = { "tokenize" }
local SUMMARY = {
  tokenize = "print the tokens of texts, one per line, or their number",
}

local function main_usage()
  local lines = {
    "Usage: glean [--help] [--version] COMMAND [ARGS]",
    "",
    "glean extracts information from text: tokens and sentences today.",
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
