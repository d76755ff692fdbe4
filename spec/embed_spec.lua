-- The embedding examples (examples/embed/): C hosts that embed Lua 5.4 and
-- link glean.core in. `make -s embed` builds them; host runs the news
-- pipeline on stdin, threads runs it in several threads sharing one mapped
-- lexicon. Their output must be the library's own, in input order.
--
-- The hosts are Lua 5.4 programs whatever runs the suite: they are checked
-- once, in the Lua 5.4 run.

local support = require "support"

local HOST, THREADS = "build/embed/host", "build/embed/threads"
local ARTICLES = { "examples/news/harbour.txt", "examples/news/summit.txt",
                   "examples/news/wire.txt" }

local function shell_ok(cmd)
  local p = io.popen(cmd .. " >/dev/null 2>&1 && echo yes")
  local out = p and p:read("*a") or ""
  if p then p:close() end
  return out:find("yes") ~= nil
end

local function quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

-- Runs a shell command; returns its exit status, stdout and stderr.
local function run(cmd)
  local out, err = os.tmpname(), os.tmpname()
  local p = assert(io.popen(cmd .. " >" .. out .. " 2>" .. err .. "; echo $?"))
  local status = tonumber(p:read("*a"):match("(%d+)%s*$"))
  p:close()
  local o, e = support.read_file(out) or "", support.read_file(err) or ""
  os.remove(out)
  os.remove(err)
  return status, o, e
end

-- Why the hosts cannot be checked here, or nil.
local function unavailable()
  if _VERSION ~= "Lua 5.4" or rawget(_G, "jit") then
    return "the embedding hosts are checked in the Lua 5.4 run"
  end
  local cc = os.getenv("CC") or "cc"
  if not shell_ok("command -v " .. cc) then return "no C compiler (" .. cc .. ")" end
  if not shell_ok("test -f /usr/include/lua5.4/lua.h") then
    return "no Lua 5.4 headers (Debian's liblua5.4-dev)"
  end
  if not support.read_file("build/data/news.glz") then return "no build/data/news.glz (make data)" end
  local status, _, err = run("make -s embed")
  if status ~= 0 then error("make embed failed:\n" .. err) end
  return nil
end

-- Short documents of our own: people, roles, places, quotes and dates.
local function generated_docs(dir)
  local people = { "Maria Lindqvist", "Tomasz Nowak", "Aiko Tanaka", "Peter Okafor" }
  local roles = { "the mayor of Gothenburg", "a spokesman for the European Commission",
                  "the chief executive of Nordhavn Shipping", "a senator from Ohio" }
  local days = { "on Monday", "on 3 March 2025", "last week", "on Friday" }
  local said = { "the bridge would open in May", "talks with Poland had stalled",
                 "prices in Japan would rise", "the port needed more cranes" }
  local docs = {}
  for i = 1, 8 do
    local p, r = people[(i - 1) % 4 + 1], roles[(i + 1) % 4 + 1]
    local d, s = days[(i + 2) % 4 + 1], said[i % 4 + 1]
    local surname = p:match("(%S+)$")
    local text = ("%s, %s, said %s that %s.\n\n\"We will not wait,\" %s told reporters in Berlin. "
                  .. "%s added that %s.\n"):format(p, r, d, s, surname, surname, said[(i + 2) % 4 + 1])
    local path = ("%s/doc%d.txt"):format(dir, i)
    local fh = assert(io.open(path, "wb"))
    fh:write(text)
    fh:close()
    docs[#docs + 1] = path
  end
  return docs
end

describe("embedding examples", function()
  local why = unavailable()
  if why then
    it("build and run (skipped)", function() pending(why) end)
    return
  end

  local dir
  setup(function()
    dir = os.tmpname()
    os.remove(dir)
    assert(shell_ok("mkdir " .. quote(dir)))
  end)
  teardown(function()
    if dir then os.execute("rm -rf " .. quote(dir)) end
  end)

  it("host prints the report the library makes of standard input", function()
    local news, json = require "glean.news", require "glean.formats.json"
    for _, path in ipairs(ARTICLES) do
      local status, out, err = run(HOST .. " --doc " .. quote(path) .. " <" .. quote(path))
      assert.are.equal(0, status, err)
      local text = assert(support.read_file(path))
      assert.are.equal(json(news.extract(text, { doc = path })), out)
    end
  end)

  it("threads prints, in input order, what host prints document by document", function()
    local docs = generated_docs(dir)
    for _, a in ipairs(ARTICLES) do docs[#docs + 1] = a end
    local one = {}
    for i, path in ipairs(docs) do
      local status, out, err = run(HOST .. " --doc " .. quote(path) .. " <" .. quote(path))
      assert.are.equal(0, status, err)
      one[i] = out
    end
    local expected = table.concat(one)
    expected = expected .. expected          -- --repeat 2
    local args = {}
    for i, path in ipairs(docs) do args[i] = quote(path) end
    local status, out, err = run(THREADS .. " -v -j 4 --repeat 2 " .. table.concat(args, " "))
    assert.are.equal(0, status, err)
    assert.are.equal(expected, out)
    -- one mapping, four threads that all worked: thread t makes the
    -- reports of documents t, t + 4, t + 8... (from 0)
    assert.truthy(err:find("news.glz mapped once at", 1, true), err)
    for t = 0, 3 do
      local n = tonumber(err:match("thread " .. t .. " made (%d+) reports"))
      assert.are.equal(math.floor((#docs * 2 - 1 - t) / 4) + 1, n)
    end
    -- and the same with one thread, and more threads than documents
    for _, j in ipairs({ 1, 7 }) do
      local s2, out2, err2 = run(THREADS .. " -j " .. j .. " " .. table.concat(args, " "))
      assert.are.equal(0, s2, err2)
      assert.are.equal(table.concat(one), out2)
    end
  end)

  it("hosts exit with 1 and a message when Lua raises or data is bad", function()
    local status, out, err = run(HOST .. " --lua /nonexistent </dev/null")
    assert.are.equal(1, status)
    assert.are.equal("", out)
    assert.truthy(err:find("^host: host%.c:%d+: module 'glean%.news' not found"), err)

    status, out, err = run(THREADS .. " -j 2 --lua /nonexistent " .. ARTICLES[3])
    assert.are.equal(1, status)
    assert.are.equal("", out)
    assert.truthy(err:find("threads: threads.c:%d+: module 'glean%.news' not found"), err)

    -- a damaged lexicon: the shared-buffer Matcher validates it
    local bytes = assert(support.read_file("build/data/news.glz"))
    local bad = bytes:sub(1, 4000) .. string.char((bytes:byte(4001) + 1) % 256) .. bytes:sub(4002)
    local fh = assert(io.open(dir .. "/news.glz", "wb"))
    fh:write(bad)
    fh:close()
    status, out, err = run(THREADS .. " --data " .. quote(dir) .. " " .. ARTICLES[3])
    assert.are.equal(1, status)
    assert.are.equal("", out)
    assert.truthy(err:find("threads: news.glz: ", 1, true), err)

    status, out, err = run(THREADS .. " --data " .. quote(dir .. "/none") .. " " .. ARTICLES[3])
    assert.are.equal(1, status)
    assert.are.equal("", out)
    assert.truthy(err:find("none/news.glz: No such file", 1, true), err)
  end)

  it("hosts exit with 2 on usage errors", function()
    for _, args in ipairs({ "", "-j 0 x", "-j many x", "--repeat 0 x", "--bogus x" }) do
      local status, out, err = run(THREADS .. " " .. args)
      assert.are.equal(2, status, args)
      assert.are.equal("", out)
      assert.truthy(err:find("usage: threads") or err:find("threads: bad"), err)
    end
    local status, _, err = run(HOST .. " extra </dev/null")
    assert.are.equal(2, status)
    assert.truthy(err:find("host: bad argument 'extra'", 1, true), err)
  end)

  it("glean.core keeps no writable global data (no .data or .bss in any object)", function()
    if not shell_ok("command -v size") then pending("no size (binutils)") return end
    local p = assert(io.popen("ls build/embed/obj/*.o"))
    local objects = {}
    for o in p:lines() do objects[#objects + 1] = o end
    p:close()
    local csrc = assert(io.popen("ls csrc/*.c | wc -l"))
    assert.are.equal(tonumber(csrc:read("*a")), #objects)
    csrc:close()
    for _, o in ipairs(objects) do
      local s = assert(io.popen("size -A " .. quote(o)))
      local sections = 0
      for line in s:lines() do
        local name, size = line:match("^(%.%S+)%s+(%d+)")
        if name then
          sections = sections + 1
          if name == ".data" or name == ".bss" then
            assert.are.equal(0, tonumber(size), o .. ": " .. name .. " holds mutable globals")
          end
        end
      end
      s:close()
      assert.is_true(sections > 0, o)
    end
  end)
end)

describe("news.pipeline's lexicon option (what the threaded host uses)", function()
  local news, json = require "glean.news", require "glean.formats.json"
  local gazetteer = require "glean.gazetteer"

  it("runs the pipeline over a Matcher the caller made", function()
    local bytes = support.read_file("build/data/news.glz")
    if not bytes then pending("no build/data/news.glz (make data)") return end
    local lexicon = assert(gazetteer.load_string(bytes))
    local pl = assert(news.pipeline{ lexicon = lexicon })
    assert.are.equal(lexicon, pl.gazetteers[1][1])
    local text = assert(support.read_file(ARTICLES[1]))
    assert.are.equal(json(news.extract(text, { doc = "a" })),
                     json(pl:extract(text, { doc = "a" })))
  end)

  it("knows proper names from the word list with a caller's lexicon, or its own", function()
    local bytes = support.read_file("build/data/news.glz")
    if not bytes then pending("no build/data/news.glz (make data)") return end
    local lexicon = assert(gazetteer.load_string(bytes))
    local words = assert(gazetteer.load_string(assert(support.read_file("build/data/words.glz"))))
    local text = "Baker said the depot will open in May."
    local function people(pl)
      local out = {}
      for _, e in ipairs(pl:extract(text).entities) do
        if e.label == "PERSON" then out[#out + 1] = e.name end
      end
      return out
    end
    assert.same({ "Baker" }, people(assert(news.pipeline())))
    assert.same({ "Baker" }, people(assert(news.pipeline{ lexicon = lexicon })))
    assert.same({ "Baker" }, people(assert(news.pipeline{ lexicon = lexicon, words = words })))
    -- a word list that does not know the name: not a person
    local none = gazetteer.new()
    none:add("Zzyzx", "PERSON")
    assert.same({}, people(assert(news.pipeline{ lexicon = lexicon, words = none:compile() })))
  end)

  it("rejects what is not a Matcher", function()
    assert.has_error(function() news.pipeline{ lexicon = "news.glz" } end,
                     "bad option 'lexicon' (Matcher expected, got string)")
    assert.has_error(function() news.pipeline{ words = "words.glz" } end,
                     "bad option 'words' (Matcher expected, got string)")
    local bad, why = news.pipeline{ words = io.stdout }
    assert.is_nil(bad)
    assert.truthy(tostring(why):find("bad option 'words'", 1, true), tostring(why))
    local ok, err = news.pipeline{ lexicon = io.stdout }
    assert.is_nil(ok)
    assert.truthy(tostring(err):find("Matcher", 1, true), tostring(err))
  end)
end)
