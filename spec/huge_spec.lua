-- Huge and odd inputs (docs/hardening.md, section 4): a long stream through
-- the command line's chunked reader (tokens and matches counted, peak
-- memory measured), a single long line, millions of tokens without a
-- space, every byte value, an empty gazetteer, documents full of quotation
-- marks through the news pipeline, deeply nested brackets and quotes.
--
-- make test runs it with small sizes (a few seconds); make test-huge sets
-- GLEAN_HUGE=1 for the real ones: 1 GB of text made on the fly (never
-- written to disk), a 100 MB line, 10 million tokens, 100,000 quotation
-- marks. Figures go to stderr and, with GLEAN_HUGE=1, build/huge/figures.txt.
local glean = require "glean"
local support = require "support"

local HUGE = os.getenv("GLEAN_HUGE") == "1"
local MB = 1024 * 1024
local SIZES = HUGE and {
  stream_blocks = 4096,        -- 256 KB blocks: 1 GB
  line = 100 * MB,
  tokens = 10000000,
  quotes = 100000,
  depth = 100000,
  seconds = 60,                -- time bound of one document's work
} or {
  stream_blocks = 16,          -- 4 MB
  line = 4 * MB,
  tokens = 1000000,
  quotes = 10000,
  depth = 10000,
  seconds = 20,
}
-- Peak resident memory of a child streaming any amount of text (the
-- chunked reader holds one 2 MB chunk and its tokens).
local STREAM_RSS_KB = 200 * 1024

local figures = {}
local function figure(fmt, ...)
  local line = fmt:format(...)
  figures[#figures + 1] = line
  io.stderr:write("  [huge] ", line, "\n")
end

local function clock(f)
  local t = os.clock()
  local a, b = f()
  return os.clock() - t, a, b
end

-- A block of varied text (my own sentences), 256 KB, starting with a
-- capital and ending with a blank line, so that tokens and matches of
-- repeated blocks are those of one block times the count.
local BLOCK
do
  local rng = support.rng(7)
  local people = { "Anna Berg", "Tomas Keller", "Mira Osei", "Jun Park", "Lea Moreau" }
  local places = { "New York", "Zürich", "Kyiv", "São Paulo", "Ōsaka" }
  local parts = {}
  local size = 0
  while size < 256 * 1024 - 400 do
    local p = people[rng(#people)]
    local s = ("%s met officials in %s on %d May; \226\128\156We agreed,\226\128\157 %s said. "
               .. "Costs rose 3.5%% to $1,250.75 (see https://example.org/r?id=%d). ")
              :format(p, places[rng(#places)], rng(28), p, rng(999))
    if rng(4) == 1 then s = s .. "\n\n" end
    parts[#parts + 1] = s
    size = size + #s
  end
  BLOCK = table.concat(parts) .. "Done.\n\n"
end
local BLOCK_PHRASES = { "Anna Berg", "Tomas Keller", "New York", "Zürich", "São Paulo", "May" }

-- Writes a Lua script that runs glean's command line with argv, then
-- reports the peak resident set size (VmHWM, in kB) on stderr.
local function cli_script()
  local script = ([[
package.path = %q
package.cpath = %q
local cli = require "glean.cli"
local status = cli.main({ ... })
local fh = io.open("/proc/self/status")
local hwm = fh and fh:read("*a"):match("VmHWM:%%s*(%%d+)")
io.stderr:write("VmHWM ", hwm or "0", "\n")
os.exit(status)
]]):format(package.path, package.cpath)
  return support.temp_file(script)
end

-- Runs `producer | interpreter cli_script args...`; returns the child's
-- stdout, its peak RSS in kB and the wall time.
local function stream(producer, args)
  local script = cli_script()
  local errf = os.tmpname()
  local cmd = ("%s | %s %s %s 2>%s"):format(producer, support.interpreter(), script, args, errf)
  local t0 = os.time()
  local p = assert(io.popen(cmd))
  local out = p:read("*a")
  p:close()
  local wall = os.time() - t0
  local err = support.read_file(errf) or ""
  os.remove(script)
  os.remove(errf)
  return out, tonumber(err:match("VmHWM (%d+)")), wall, err
end

-- A producer writing the block n times (no newline between blocks).
local function repeat_block(path, n)
  return ("i=0; while [ $i -lt %d ]; do cat '%s'; i=$((i+1)); done"):format(n, path)
end

describe("huge inputs" .. (HUGE and " (GLEAN_HUGE=1)" or " (small sizes; make test-huge)"), function()
  local block_path, glz_path
  setup(function()
    block_path = support.temp_file(BLOCK)
    local g = glean.gazetteer()
    for _, p in ipairs(BLOCK_PHRASES) do g:add(p, "X") end
    glz_path = os.tmpname()
    assert(g:compile():save(glz_path))
  end)
  teardown(function()
    os.remove(block_path)
    os.remove(glz_path)
  end)

  it("streams text through glean tokenize --count in bounded memory", function()
    local n = SIZES.stream_blocks
    local per_block = #glean.tokenize(BLOCK)
    local out, rss, wall = stream(repeat_block(block_path, n), "tokenize --count")
    assert.equal(per_block * n, tonumber(out:match("^(%d+)")))
    assert.is_truthy(rss and rss > 0)
    assert.is_true(rss < STREAM_RSS_KB, ("peak RSS %d kB"):format(rss or -1))
    figure("tokenize --count: %.0f MB streamed, %d tokens, peak RSS %.0f MB, %d s wall",
           #BLOCK * n / MB, per_block * n, rss / 1024, wall)
  end)

  it("streams text through glean match --count in bounded memory", function()
    local n = SIZES.stream_blocks
    local m = assert(glean.load(glz_path))
    local per_block = m:count(BLOCK)
    assert.is_true(per_block > 100)
    local out, rss, wall = stream(repeat_block(block_path, n), "match --count -g " .. glz_path)
    assert.equal(per_block * n, tonumber(out:match("^(%d+)")))
    assert.is_true(rss < STREAM_RSS_KB, ("peak RSS %d kB"):format(rss or -1))
    figure("match --count: %.0f MB streamed, %d matches, peak RSS %.0f MB, %d s wall",
           #BLOCK * n / MB, per_block * n, rss / 1024, wall)
  end)

  it("streams a single line with no line break", function()
    local line = ("word "):rep(52428)           -- one 256 KB piece of the line
    local path = support.temp_file(line)
    local n = math.floor(SIZES.line / #line)
    local out, rss = stream(repeat_block(path, n), "tokenize --count")
    os.remove(path)
    assert.equal(n * 52428, tonumber(out:match("^(%d+)")))
    assert.is_true(rss < STREAM_RSS_KB, ("peak RSS %d kB"):format(rss or -1))
    figure("one %.0f MB line streamed: peak RSS %.0f MB", n * #line / MB, rss / 1024)
  end)

  it("tokenises and matches a single long line in memory within a small multiple of it", function()
    -- in a child, so that its peak RSS is that of this work alone
    local code = ([[
package.path = %q
package.cpath = %q
local glean = require "glean"
local text = ("Anna Berg went to New York and "):rep(%d)
local doc = glean.tokenize(text)
local m = glean.gazetteer():add("Anna Berg", "P"):add("New York", "L"):compile()
local t = os.clock()
local n = m:count(doc)
local fh = io.open("/proc/self/status")
io.write(#text, " ", #doc, " ", n, " ", fh:read("*a"):match("VmHWM:%%s*(%%d+)"), "\n")
]]):format(package.path, package.cpath, math.floor(SIZES.line / 31))
    local script = support.temp_file(code)
    local p = assert(io.popen(support.interpreter() .. " " .. script))
    local out = p:read("*a")
    p:close()
    os.remove(script)
    local size, ntok, nmatch, rss = out:match("^(%d+) (%d+) (%d+) (%d+)")
    size, ntok, nmatch, rss = tonumber(size), tonumber(ntok), tonumber(nmatch), tonumber(rss)
    assert.equal(math.floor(size / 31) * 7, ntok)
    assert.equal(math.floor(size / 31) * 2, nmatch)
    -- the text, its tokens (12 bytes each, one per 4.4 bytes), the doc's
    -- copy and the interpreter: within 8 times the text and 64 MB
    assert.is_true(rss * 1024 < 8 * size + 64 * MB,
                   ("peak RSS %d kB for %d bytes"):format(rss, size))
    figure("%.0f MB line in memory: %d tokens, %d matches, peak RSS %.0f MB (%.1f x the text)",
           size / MB, ntok, nmatch, rss / 1024, rss * 1024 / size)
  end)

  it("tokenises millions of tokens with no space", function()
    local n = SIZES.tokens
    local cases = {
      { "a,", n, "a,a,a,..." },                       -- every byte a token
      { "a-", n, "a-a-a-..." },
      { "a.", 1, "a.b.c... (one word, UAX #29)" },   -- MidNumLet joins: a single word
      { "!", 1, "!!!... (one punctuation run)" },
    }
    for _, c in ipairs(cases) do
      local text = c[1]:rep(math.floor(n / #c[1]))
      local secs, doc = clock(function() return glean.tokenize(text) end)
      assert.equal(c[2], #doc)
      assert.is_true(secs < SIZES.seconds, c[3] .. (": %.1f s"):format(secs))
      local m = glean.gazetteer():add("a a", "X"):compile()
      local secs2, hits = clock(function() return m:count(doc, { overlap = "all" }) end)
      assert.is_true(hits >= 0 and secs2 < SIZES.seconds)
      figure("%s: %d bytes, %d tokens, %.2f s to tokenise, %.2f s to match",
             c[3], #text, #doc, secs, secs2)
    end
  end)
end)

describe("odd inputs", function()
  local ALL = {}
  for b = 0, 255 do ALL[#ALL + 1] = string.char(b) end
  ALL = table.concat(ALL)

  it("takes every byte value, alone, repeated and in sequence", function()
    local m = glean.gazetteer():add("a", "X"):add("\195\169", "Y"):compile()
    for b = 0, 255 do
      local c = string.char(b)
      for _, text in ipairs{ c, c:rep(1000), "a" .. c .. "a", ALL:sub(b + 1) .. ALL:sub(1, b) } do
        local doc = glean.tokenize(text)
        local at = 1
        for i = 1, #doc do                 -- tokens in order, within the text
          local s, e = doc:span(i)
          assert.is_true(s >= at and e >= s and e <= #text)
          at = e + 1
        end
        assert.is_true(m:count(doc) >= 0)
      end
    end
  end)

  it("runs the news pipeline over every byte value", function()
    local news = require "glean.news"
    local report = news.extract(ALL:rep(20))
    assert.equal("table", type(report))
  end)

  it("matches nothing with an empty gazetteer, and saves and loads it", function()
    local m = glean.gazetteer():compile()
    assert.equal(0, #m)
    assert.equal(0, m:count())
    assert.same({}, m:find("Anna Berg went to New York"))
    assert.equal(0, m:count(""))
    assert.equal("x", m:replace("x", {}))
    local path = os.tmpname()
    assert(m:save(path))
    local m2 = assert(glean.load(path))
    os.remove(path)
    assert.equal(0, m2:count(ALL))
    assert(m:save(path))
    local m3 = assert(glean.load_string(support.read_file(path)))
    os.remove(path)
    assert.same({}, m3:find(ALL))
  end)

  -- Known and not yet fixed (docs/hardening.md, section 4): the news
  -- pipeline's text-rule scanner (lua/glean/rules.lua) runs the QUOTE
  -- rule's match-time capture inside LPeg predicates, and LPeg keeps each
  -- of its results on the Lua stack until the whole document is scanned:
  -- past about 8,000 quotation marks on Lua 5.1 and LuaJIT ("stack
  -- overflow (too many runtime captures)"), 32,767 on 5.2+ ("too many
  -- results in match-time capture"), extract raises. Such a document makes
  -- the test pending (counted as skipped) rather than passed.
  local function lpeg_limit(err)
    err = tostring(err)
    return err:find("too many results in match%-time capture") or
           err:find("too many runtime captures")
  end

  -- news.extract within the time bound: the report and the seconds, or
  -- nil when LPeg's limit above was hit.
  local function extract_in_time(text)
    local news = require "glean.news"
    local secs, ok, report = clock(function() return pcall(news.extract, text) end)
    if not ok and lpeg_limit(report) then return nil, secs end
    assert(ok, report)
    assert.equal("table", type(report))
    assert.is_true(secs < SIZES.seconds, ("%.1f s"):format(secs))
    return report, secs
  end

  it("runs the news pipeline over a document of quotation marks in bounded time", function()
    local n = SIZES.quotes
    for _, case in ipairs{
      { '"', "straight double quotes" },
      { "\226\128\156", "opening curly quotes" },
      { "'", "apostrophes" },
    } do
      local report, secs = extract_in_time(case[1]:rep(n))
      assert.is_not_nil(report)
      figure("news.extract, %d %s: %.2f s, %d quotes", n, case[2], secs, #report.quotes)
    end
  end)

  it("runs the news pipeline over a document of many quotations", function()
    local n = math.floor(SIZES.quotes / 2)
    local report, secs = extract_in_time(("\226\128\156Yes,\226\128\157 said Anna Berg. "):rep(n))
    if not report then
      figure("news.extract, %d quotations: LPeg's capture limit (%.2f s)", n, secs)
      return pending("LPeg's capture limit in the news scanner (docs/hardening.md)")
    end
    assert.equal(n, #report.quotes)
    figure("news.extract, %d quotations (%d marks): %.2f s", n, 2 * n, secs)
  end)

  it("takes deeply nested brackets and quotes", function()
    local d, limited = SIZES.depth, 0
    local cases = {
      ("("):rep(d) .. "Anna Berg" .. (")"):rep(d),
      ("[{("):rep(math.floor(d / 3)) .. "x" .. (")}]"):rep(math.floor(d / 3)),
      ("\226\128\156\226\128\152"):rep(d / 2) .. "Yes" .. ("\226\128\153\226\128\157"):rep(d / 2),
      ('"\''):rep(d / 2) .. "Yes" .. ('\'"'):rep(d / 2),
      ("(\226\128\156"):rep(d / 2),
    }
    for i, text in ipairs(cases) do
      local secs, doc = clock(function() return glean.tokenize(text) end)
      local _, stop = doc:span(#doc)
      assert.equal(#text, stop)             -- the last bracket is a token's end
      assert.is_true(secs < SIZES.seconds)
      local report, secs2 = extract_in_time(text)
      if report then
        figure("nesting case %d, depth %d: %d tokens, tokenise %.2f s, news.extract %.2f s",
               i, d, #doc, secs, secs2)
      else
        limited = limited + 1
        figure("nesting case %d, depth %d: news.extract hit LPeg's capture limit", i, d)
      end
    end
    if limited > 0 then
      pending(limited .. " case(s): LPeg's capture limit in the news scanner (docs/hardening.md)")
    end
  end)
end)

if HUGE then
  teardown(function()
    os.execute("mkdir -p build/huge")
    local fh = io.open("build/huge/figures.txt", "w")
    if fh then
      fh:write(table.concat(figures, "\n"), "\n")
      fh:close()
    end
  end)
end
