-- The allocation-failure sweep, run by the allocfail host (tools/allocfail.c):
--
--   build/allocfail/allocfail tools/allocfail.lua [--quick] [NAME...]
--
-- For each operation (tokenize, gazetteer compile, load, match, a rule
-- pipeline, a rule file load, the news pipeline, report formats) it first
-- runs the operation normally for the expected result and the number of
-- allocations A it makes, then for N = 1, 2, ... makes the N-th allocation
-- and every later one fail while the operation runs. Each such run must end
-- with an error containing "not enough memory" (or return nil and such a
-- message, or the expected result when the failure hit something
-- optional); the operation is then run once more without failures and must
-- give the expected result (the state is still usable). N takes every
-- value up to A (up to DENSE, then MAX_TRIALS values with a stride); with
-- --quick, the long operations (news) take every N up to QUICK_DENSE and
-- QUICK_TRIALS values after that, and building the news pipeline (55,000
-- allocations, a minute and a half for 300 runs) is left out; without
-- --quick that one takes every N up to SLOW_DENSE, then MAX_TRIALS values
-- with a stride. Then the same with only the
-- N-th allocation failing (Lua 5.4 retries after a full collection, so
-- this mostly reaches the C core's own failure paths).
--
-- Memory: after each operation's sweep and a full collection, the bytes
-- in use must be back near where they were (no growth in proportion to
-- the number of runs); after the script the host checks that every block
-- was freed by lua_close, and ASan (make allocfail) checks the rest.
--
-- Prints one line per operation and "allocfail: N operations, N runs, ok";
-- raises (exit status 1) on the first failure.

package.path = "lua/?.lua;lua/?/init.lua;" .. package.path

local allocfail = rawget(_G, "allocfail")
assert(allocfail, "run this with the allocfail host (make allocfail)")

local glean = require "glean"
local lpeg = require "lpeg"

local quick = false
local only = {}
local at, at_mode   -- --at=N or --once=N: one run (with ALLOCFAIL_TRACE set, a stack)
for _, a in ipairs(arg) do
  if a == "--quick" then quick = true
  elseif a:match("^%-%-at=%d+$") then at, at_mode = tonumber(a:match("%d+")), "persistent"
  elseif a:match("^%-%-once=%d+$") then at, at_mode = tonumber(a:match("%d+")), "single"
  else only[a] = true end
end

-- Every N up to DENSE, then MAX_TRIALS values with a stride; with
-- --quick (make test), only for the operations marked long.
local MAX_TRIALS = 400
local DENSE = 20000
local QUICK_DENSE, QUICK_TRIALS = 100, 60
local SLOW_DENSE = 400                   -- for the slow ones (news pipeline)

-- A canonical string for a value: tables sorted by key, cycles cut.
local function dump(v, seen)
  local t = type(v)
  if t == "string" then return string.format("%q", v) end
  if t ~= "table" then return tostring(v) end
  seen = seen or {}
  if seen[v] then return "<cycle>" end
  seen[v] = true
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b)
    if type(a) == type(b) and (type(a) == "number" or type(a) == "string") then return a < b end
    return type(a) < type(b)
  end)
  local out = {}
  for _, k in ipairs(keys) do
    out[#out + 1] = "[" .. dump(k, seen) .. "]=" .. dump(v[k], seen)
  end
  seen[v] = nil
  return "{" .. table.concat(out, ",") .. "}"
end

local function spans_of(doc)
  local out = {}
  for _, s in ipairs(doc:spans()) do
    out[#out + 1] = { s.start, s.stop, s.label, s.rule, s.attrs }
  end
  local links = {}
  for _, l in ipairs(doc:links()) do
    links[#links + 1] = { l.kind, l.from and l.from.start, l.to and l.to.start }
  end
  return { out, links }
end

-- Fixtures, made before any sweep (the operations must not change them).
local TEXT = "Dame Eleanor Vance, the head of MI6, said on Friday: “We’ll cut costs by "
  .. "5 per cent.” Ms. Vance met U.S. officials in São Paulo (Brazil) at 10:30. "
  .. "Contact: press@example.org, https://example.org/a?b=1 \xff\xfe 😀👍🏽.\n\n"
  .. "A second paragraph; Mr. J. K. Okafor didn't agree."

local function gazetteer()
  local g = glean.gazetteer{ case = "smart", accents = "fold" }
  g:add("Secret Intelligence Service", { label = "ORG", id = "Q1", canonical = "MI6" })
  g:add("MI6", { label = "ORG", id = "Q1" })
  g:add("São Paulo", "LOC"):add("Brazil", "LOC"):add("US", "LOC")
  g:add("Eleanor Vance", { label = "PERSON", role = "head" })
  return g:compile()
end
local MATCHER = gazetteer()
local GLZ = os.tmpname()
assert(MATCHER:save(GLZ))
local fh = assert(io.open(GLZ, "rb"))
local GLZ_BYTES = fh:read("a")
fh:close()
os.remove(GLZ)

local T, rule, phase = glean.pattern, glean.rule, glean.phase
local function phases()
  return {
    phase{ name = "people", rules = {
      rule{ name = "honorific", label = "PERSON",
            pattern = T.C("title", T.lower{ "dame", "sir", "ms", "mr" } * T.punct^-1)
              * T.C("name", T.title^1),
            action = function(m) m:set("title", m:text("title")) end },
      rule{ name = "known", label = "PERSON", pattern = T.span"PERSON",
            where = function(m) return m.last >= m.first end },
    } },
    phase{ name = "roles", overlap = "priority", rules = {
      rule{ name = "head_of", label = "ROLE",
            pattern = T.lower"head" * T.lower"of" * T.span"ORG",
            attrs = function() return { kind = "head" } end },
      rule{ name = "percent", label = "PERCENT",
            pattern = lpeg.R"09"^1 * (lpeg.P"%" + " per cent") },
      rule{ name = "time", label = "TIME", pattern = lpeg.R"09"^1 * ":" * lpeg.R"09" * lpeg.R"09",
            action = function(m, doc)
              local p = doc:spans("PERSON")[1]
              if p then m:link(p, "at", m) end
            end },
    } },
  }
end
local PIPELINE = glean.pipeline{ gazetteers = { MATCHER }, phases = phases() }

local RULE_FILE = [[
local people = phase{ name = "people", rules = {
  rule{ name = "honorific", label = "PERSON",
        pattern = C("title", T.lower{ "dame", "sir" }) * C("name", T.title^1),
        action = function(m) m:set("title", m:text("title"):upper()) end },
} }
local n = 0
for i = 1, 50 do n = n + #string.rep("ab", i) end
return { people, phase{ name = "money", rules = {
  rule{ name = "percent", label = "PERCENT",
        pattern = lpeg.R"09"^1 * (lpeg.P"%" + " per cent"),
        where = function(m) return n > 0 end },
} } }
]]

local news = require "glean.news"
local NEWS_TEXT = "LONDON, March 14 (Staff) - Sir Ian Moss, the head of the Nordic Harbour "
  .. "Council (NHC), warned on Friday that the plan was “not credible”. "
  .. "“We will not sign it,” Moss said. The NHC will meet next week in Oslo."
local NEWS_OPTS = { date = "2025-03-14" }
local REPORT = news.extract(NEWS_TEXT, NEWS_OPTS)
local formats = {
  json = require "glean.formats.json",
  text = require "glean.formats.text",
  html = require "glean.formats.html",
}

-- name -> function returning a value to compare (a string after dump)
local OPS = {
  { "tokenize", function()
      local doc = glean.tokenize(TEXT)
      local out = {}
      for i, s, e, kind in doc:tokens() do out[i] = s .. ":" .. e .. kind end
      for s, first, last in doc:sentences() do out[#out + 1] = s .. "=" .. first .. "-" .. last end
      local v = doc[5]
      out[#out + 1] = v.norm .. v.shape .. tostring(v.is_title)
      return out
    end },
  { "tokenizer options", function()
      local tk = glean.tokenizer{ clitics = false, abbreviations = { "Cllr." }, keep_space = true }
      local doc = tk(TEXT)
      return { #doc, doc:text(1, 5) }
    end },
  { "segments", function()
      return { glean.segments(TEXT, "word"), glean.segments(TEXT, "sentence") }
    end },
  { "gazetteer compile", function()
      local m = gazetteer()
      return { #m, m:count(TEXT) }
    end },
  { "load (file)", function()
      local path = os.tmpname()
      local f = assert(io.open(path, "wb"))
      f:write(GLZ_BYTES)
      f:close()
      local m, err = glean.load(path)
      os.remove(path)
      if not m then return nil, err end
      return { #m, m:count(TEXT) }
    end },
  { "load_string", function()
      local m, err = glean.load_string(GLZ_BYTES)
      if not m then return nil, err end
      return { #m, m:count(TEXT) }
    end },
  { "load_string (corrupt)", function()
      local bad = GLZ_BYTES:sub(1, 40) .. "\0\0\0\0" .. GLZ_BYTES:sub(45)
      return { glean.load_string(bad) }
    end },
  { "match", function()
      local out = {}
      for _, hit in ipairs(MATCHER:find(TEXT, { overlap = "all" })) do
        out[#out + 1] = { hit.start, hit.stop, hit.text, hit.entry.label }
      end
      local doc = glean.tokenize(TEXT)
      for first, last, entry in MATCHER:matches(doc) do
        out[#out + 1] = { first, last, entry.id }
      end
      out[#out + 1] = MATCHER:replace(TEXT, { Q1 = "[org]", LOC = "[place]" })
      return out
    end },
  { "pipeline", function()
      return spans_of(PIPELINE:run(TEXT, { explain = true }))
    end },
  { "pipeline (new)", function()
      local p = glean.pipeline{ gazetteers = { MATCHER }, phases = phases() }
      return spans_of(p:run(TEXT))
    end },
  { "rule file", function()
      local ph, err = glean.rules.load(RULE_FILE, { string = true, name = "af.lua" })
      if not ph then return nil, err end
      local p = glean.pipeline{ phases = ph }
      return spans_of(p:run(TEXT))
    end },
  { "news", function()
      return news.extract(NEWS_TEXT, NEWS_OPTS)
    end, long = true },
  { "news pipeline", function()
      local pl, err = news.pipeline()
      if not pl then return nil, err end
      return pl:extract(NEWS_TEXT, NEWS_OPTS)
    end, long = true, slow = true },
  { "format json", function() return formats.json(REPORT) end },
  { "format text", function() return formats.text(REPORT, { color = false }) end },
  { "format html", function() return formats.html(REPORT) end },
}

-- Does a failed run look like an allocation failure?
local function memory_message(e)
  return type(e) == "string" and e:find("not enough memory", 1, true) ~= nil
end

local function pack(...) return { n = select("#", ...), ... } end

-- The outcome of one run of op under allocfail.run* (results after injected).
local function judge(name, n, mode, expected, _, injected, ok, ...)
  if not ok then
    local e = ...
    if not memory_message(e) then
      error(string.format("%s, %s failure at allocation %d: error without "
        .. "'not enough memory': %s", name, mode, n, tostring(e)), 0)
    end
    if not injected then
      error(string.format("%s, %s failure at allocation %d: an error although no allocation "
        .. "failed: %s", name, mode, n, tostring(e)), 0)
    end
    return "error"
  end
  local v, msg = ...
  if v == nil and msg ~= nil and expected.value ~= nil then
    if not memory_message(msg) then
      error(string.format("%s, %s failure at allocation %d: nil, %s", name, mode, n,
                          tostring(msg)), 0)
    end
    return "nil"
  end
  local got = dump(pack(...))
  if got ~= expected.dump then allocfail.where() end
  if got ~= expected.dump then
    error(string.format("%s, %s failure at allocation %d: a different result "
      .. "(injected: %s)\n  got:      %s\n  expected: %s", name, mode, n,
      tostring(injected), got:sub(1, 300), expected.dump:sub(1, 300)), 0)
  end
  return injected and "same" or "done"
end

-- The N to try for an operation of A allocations.
local function schedule(A, long, slow)
  local ns, seen = {}, {}
  local function add(n)
    n = math.floor(n)
    if n >= 1 and n <= A + 1 and not seen[n] then seen[n] = true; ns[#ns + 1] = n end
  end
  local dense, trials = DENSE, MAX_TRIALS
  if quick and long then dense, trials = QUICK_DENSE, QUICK_TRIALS end
  if slow then dense, trials = SLOW_DENSE, MAX_TRIALS end
  for n = 1, math.min(A + 1, dense) do add(n) end
  if A + 1 > dense then
    local stride = math.max(1, (A + 1 - dense) / trials)
    local n = dense + stride / 2
    while n <= A do add(n); n = n + stride end
    add(A); add(A + 1)
  end
  table.sort(ns)
  return ns
end

local total_runs = 0
local function sweep(name, op, long, slow)
  local t0 = os.clock()
  collectgarbage()
  local count, ok = allocfail.count(op)
  local expected_results = pack(op())
  assert(ok, name .. ": fails without injected failures")
  local expected = { value = expected_results[1], dump = dump(expected_results) }
  collectgarbage()
  collectgarbage()
  local before = allocfail.usage()
  local stats = { error = 0, ["nil"] = 0, same = 0, done = 0 }
  local ns = at and { at } or schedule(count, long, slow)
  for _, mode in ipairs(at and { at_mode } or { "persistent", "single" }) do
    local run = mode == "persistent" and allocfail.run or allocfail.run_once
    for _, n in ipairs(ns) do
      collectgarbage()   -- the same heap before each run: a finding can be replayed
      local how = judge(name, n, mode, expected, nil, run(n, op))
      stats[how] = stats[how] + 1
      total_runs = total_runs + 1
      if how == "done" then break end   -- the operation needs fewer allocations
      -- the state is usable: the same result once more
      if how ~= "done" then
        local again = dump(pack(op()))
        if again ~= expected.dump then
          error(string.format("%s: after a %s failure at allocation %d the next run "
            .. "differs\n  got:      %s\n  expected: %s", name, mode, n, again:sub(1, 300),
            expected.dump:sub(1, 300)), 0)
        end
      end
    end
  end
  collectgarbage()
  collectgarbage()
  local after = allocfail.usage()
  -- caches may grow a little (interned strings, a vocabulary), not per run
  if after - before > 256 * 1024 then
    error(string.format("%s: %d bytes more in use after %d runs", name, after - before,
                        2 * #ns), 0)
  end
  print(string.format("allocfail: %-22s %7d allocations, %5d runs: %d errors, %d nil, "
    .. "%d same result, %d not reached; memory %+d bytes; %.1f s", name, count,
    stats.error + stats["nil"] + stats.same + stats.done, stats.error, stats["nil"], stats.same,
    stats.done, after - before, os.clock() - t0))
end

local n_ops = 0
for _, o in ipairs(OPS) do
  if only[o[1]] or (next(only) == nil and not (quick and o.slow)) then
    sweep(o[1], o[2], o.long, o.slow)
    n_ops = n_ops + 1
  end
end
print(string.format("allocfail: %d operations, %d runs, ok", n_ops, total_runs))
