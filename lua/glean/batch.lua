--- Batches of documents for the command line: where documents come from
-- (files, directories, standard input, JSON Lines), worker processes that
-- keep the output in input order, and a progress line.
--
-- Everything streams: one document (or one batch per worker) is in memory
-- at a time, whatever the number of documents.
--
-- @module glean.batch
-- @usage
-- local batch = require "glean.batch"
-- for doc in batch.documents({ "articles/" }, { glob = "*.txt" }) do
--   if doc.text then print(doc.name, #doc.text) else print(doc.name, doc.error) end
-- end

local json = require "glean.json"

local io, os, string, table, math = io, os, string, table, math
local ipairs, type, tostring, tonumber, setmetatable, coroutine, collectgarbage =
      ipairs, type, tostring, tonumber, setmetatable, coroutine, collectgarbage

local M = {}

-- Quotes a string for sh.
local function shell_quote(s)
  return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end
M.shell_quote = shell_quote

-- A directory opens with a trailing "/", a file (or a pipe) does not; and
-- nothing is read, so a pipe given as a path keeps its bytes.
local function is_directory(path)
  local fh = io.open(path .. "/", "rb")
  if not fh then return false end
  fh:close()
  return true
end

-- The files under a directory whose names match a shell glob, sorted.
local function directory_files(dir, glob)
  local cmd = "find " .. shell_quote(dir) .. " -type f -name " .. shell_quote(glob)
              .. " 2>/dev/null | LC_ALL=C sort"
  local p = io.popen(cmd)
  local out = {}
  if p then
    for line in p:lines() do out[#out + 1] = line end
    p:close()
  end
  return out
end

--- Iterates over the documents of the inputs, in order. Each is a table
-- `{name, text}`, or `{name, error}` when it could not be read (the
-- iteration goes on). An input is a file, a directory (its files whose
-- names match `opts.glob`, default "*.txt", recursively, sorted) or "-"
-- (standard input); no inputs means standard input. With `opts.input =
-- "jsonl"`, each line of each input is a JSON object holding a document:
-- its text in `opts.text_field` (default "text") and its name in
-- `opts.id_field` (default "id"; else "FILE:LINE").
-- @tparam {string,...} inputs
-- @tparam[opt] table opts `glob`, `input` ("text" or "jsonl"), `text_field`,
-- `id_field`, `stdin` (a file handle standing for "-")
-- @treturn function an iterator
-- @usage for doc in batch.documents(arg, { input = "jsonl" }) do ... end
function M.documents(inputs, opts)
  opts = opts or {}
  local glob = opts.glob or "*.txt"
  local jsonl = opts.input == "jsonl"
  local text_field, id_field = opts.text_field or "text", opts.id_field or "id"
  local stdin = opts.stdin or io.stdin
  if #inputs == 0 then inputs = { "-" } end
  return coroutine.wrap(function()
    local function one_file(name)
      local fh, err
      if name == "-" then fh = stdin else fh, err = io.open(name, "rb") end
      if not fh then
        coroutine.yield({ name = name, error = err })
        return
      end
      if not jsonl then
        local text = fh:read("*a")
        if name ~= "-" then fh:close() end
        coroutine.yield({ name = name, text = text or "" })
        return
      end
      local n = 0
      for line in fh:lines() do
        n = n + 1
        if line:find("%S") then
          local where = name .. ":" .. n
          local obj, jerr = json.decode(line)
          if type(obj) ~= "table" then
            coroutine.yield({ name = where, error = "not a JSON object: " .. tostring(jerr) })
          elseif type(obj[text_field]) ~= "string" then
            coroutine.yield({ name = where, error = "no string field '" .. text_field .. "'" })
          else
            local id = obj[id_field]
            coroutine.yield({ name = (type(id) == "string" or type(id) == "number")
                                     and tostring(id) or where,
                              text = obj[text_field] })
          end
        end
      end
      if name ~= "-" then fh:close() end
    end
    for _, name in ipairs(inputs) do
      if name ~= "-" and is_directory(name) then
        for _, path in ipairs(directory_files(name, glob)) do one_file(path) end
      else
        one_file(name)
      end
    end
  end)
end

local tidy_count = 0

--- Call after each document of a long batch: every 100 documents, a full
-- garbage collection, so that memory stays near what one document needs
-- (left to itself, the collector lets garbage grow to several times that).
-- @usage for doc in docs do work(doc); batch.tidy() end
function M.tidy()
  tidy_count = tidy_count + 1
  if tidy_count % 100 == 0 then collectgarbage() end
end

-- Progress ------------------------------------------------------------------

--- Is this standard stream (1 or 2) a terminal? (Asks `test -t`.)
-- @tparam int fd
-- @treturn boolean
-- @usage if batch.is_terminal(2) then ... end
function M.is_terminal(fd)
  local status = os.execute("test -t " .. math.floor(fd))
  if type(status) == "number" then return status == 0 end     -- Lua 5.1
  return status == true
end

local Progress = {}
Progress.__index = Progress

--- A progress line on a stream: documents, documents/s and MB/s, redrawn
-- at most every `opts.every` seconds of wall time (default 0.2).
-- @param stream where to write (stderr)
-- @tparam[opt] table opts `every` (seconds of CPU time between redraws)
-- @treturn table with `:add(docs, bytes)` and `:finish()`
-- @usage local p = batch.progress(io.stderr); p:add(1, #text); p:finish()
function M.progress(stream, opts)
  return setmetatable({ stream = stream, docs = 0, bytes = 0, failed = 0,
                        started = os.time(), clock = os.clock(), shown = -1,
                        every = opts and opts.every or 0.2 }, Progress)
end

function Progress:draw()
  local elapsed = math.max(os.time() - self.started, os.clock() - self.clock, 1e-3)
  local line = string.format("\r%d documents  %.1f docs/s  %.2f MB/s%s", self.docs,
                             self.docs / elapsed, self.bytes / 1e6 / elapsed,
                             self.failed > 0 and ("  " .. self.failed .. " failed") or "")
  self.stream:write(line, "\27[K")
end

function Progress:add(docs, bytes, failed)
  self.docs, self.bytes = self.docs + docs, self.bytes + (bytes or 0)
  self.failed = self.failed + (failed or 0)
  -- redrawn when a second of wall time or `every` of CPU time has passed
  -- (a parent waiting for its workers uses little CPU); one document needs
  -- no progress line
  local now, second = os.clock(), os.time()
  if self.docs > 1 and (now - self.shown >= self.every or second ~= self.second) then
    self.shown, self.second = now, second
    self:draw()
  end
end

function Progress:finish()
  if self.docs > 1 then
    self:draw()
    self.stream:write("\n")
  end
end

-- Workers ---------------------------------------------------------------------
--
-- A worker is a long-lived process reading documents as JSON Lines on its
-- standard input (a named pipe) and answering each with one framed result
-- on its standard output: "ok <length>\n<bytes>" or "error <length>\n<message>".
-- An empty line tells it to stop.
-- Batches of documents go to the workers in turn, and a worker gets its
-- next batch only once its answers to the previous one have been read:
-- results come back in input order, nothing deadlocks (a worker is idle
-- when it is written to), and memory holds one batch per worker.

--- Writes one framed result (for worker processes).
-- @param out a file handle
-- @tparam boolean ok
-- @tparam string bytes the output, or the error message
-- @usage batch.write_frame(io.stdout, true, rendered)
function M.write_frame(out, ok, bytes)
  out:write(ok and "ok " or "error ", #bytes, "\n", bytes)
  out:flush()
end

local function read_frame(fh)
  local header = fh:read("*l")
  if not header then return nil, "worker ended early" end
  local status, len = header:match("^(%a+) (%d+)$")
  if not status then return nil, "bad worker answer: " .. header:sub(1, 80) end
  local bytes = tonumber(len) > 0 and fh:read(tonumber(len)) or ""
  if not bytes or #bytes ~= tonumber(len) then return nil, "worker ended early" end
  return status == "ok", bytes
end

--- Runs documents through `jobs` worker processes and hands back their
-- results in input order.
-- @tparam function docs an iterator of documents (as `batch.documents`)
-- @tparam table opts `jobs`, `command` (the shell command of a worker, reading
-- standard input), `on_result` (called in input order with the document
-- `{name, bytes}` and `true, output` or `false, message`), `on_error` (called
-- with each document that could not be read), `batch_docs` and
-- `batch_bytes` (the most documents or bytes sent at once, 16 and 256 KB)
-- @return true, or nil and a message when a worker could not be run
-- @usage batch.parallel(docs, { jobs = 4, command = cmd, on_result = write })
function M.parallel(docs, opts)
  local dir = os.tmpname()
  os.remove(dir)
  if not os.execute("mkdir " .. shell_quote(dir)) then
    return nil, "cannot make a temporary directory"
  end
  local workers = {}
  local function cleanup()
    for _, w in ipairs(workers) do
      if w.input then w.input:close() end
      if w.output then w.output:close() end
    end
    os.execute("rm -rf " .. shell_quote(dir))
  end
  for i = 1, opts.jobs do
    local fifo = dir .. "/in" .. i
    if not os.execute("mkfifo " .. shell_quote(fifo)) then
      cleanup()
      return nil, "cannot make a named pipe"
    end
    -- the worker's shell opens the pipe to read as we open it to write
    local output = io.popen(opts.command .. " < " .. shell_quote(fifo), "r")
    local input = output and io.open(fifo, "wb")
    workers[i] = { input = input, output = output, queue = {} }
    if not input then
      cleanup()
      return nil, "cannot start a worker: " .. opts.command
    end
  end
  -- Documents go in batches (a few at a time amortise the round trips); a
  -- worker gets its next batch once its answers to the last are read.
  local max_docs, max_bytes = opts.batch_docs or 16, opts.batch_bytes or 256 * 1024
  local pending, next_worker, err, sent = {}, 1, nil, 0
  local filling = { docs = {}, bytes = 0 }
  local function collect()                 -- the oldest batch's answers
    local b = table.remove(pending, 1)
    for _, doc in ipairs(b.docs) do
      local ok, bytes = read_frame(b.worker.output)
      if ok == nil then err = err or bytes; ok, bytes = false, bytes end
      opts.on_result(doc, ok, bytes)
    end
  end
  local function send()
    if #filling.docs == 0 then return end
    if #pending >= opts.jobs then collect() end
    local w = workers[next_worker]
    next_worker = next_worker % opts.jobs + 1
    for _, doc in ipairs(filling.docs) do
      w.input:write(json.encode({ id = doc.name, text = doc.text, first = sent == 0 }), "\n")
      sent = sent + 1
      doc.bytes, doc.text = #doc.text, nil
    end
    w.input:flush()
    pending[#pending + 1] = { docs = filling.docs, worker = w }
    filling = { docs = {}, bytes = 0 }
  end
  for doc in docs do
    if doc.error then
      if opts.on_error then opts.on_error(doc) end
    else
      local d = filling.docs
      d[#d + 1] = { name = doc.name, text = doc.text }
      filling.bytes = filling.bytes + #doc.text
      if #d >= max_docs or filling.bytes >= max_bytes then send() end
    end
  end
  send()
  while #pending > 0 do collect() end
  for _, w in ipairs(workers) do
    -- an empty line ends a worker: it may not see the end of its pipe,
    -- whose writing end the other workers inherited
    w.input:write("\n")
    w.input:close()
    w.input = nil
    w.output:read("*a")
    w.output:close()
    w.output = nil
  end
  cleanup()
  if err then return nil, err end
  return true
end

return M
