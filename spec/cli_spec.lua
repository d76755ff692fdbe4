-- The command line: glean --help/--version and glean tokenize.
local cli = require "glean.cli"
local glean = require "glean"
local support = require "support"

-- In-memory streams: run(argv, stdin_text) -> status, stdout, stderr.
local function sink()
  local parts = {}
  return {
    write = function(self, ...)
      for i = 1, select("#", ...) do parts[#parts + 1] = tostring((select(i, ...))) end
      return self
    end,
    text = function() return table.concat(parts) end,
  }
end

local function source(text)
  local pos = 1
  return {
    read = function(_, n)
      if pos > #text then return nil end
      local piece = text:sub(pos, pos + n - 1)
      pos = pos + n
      return piece
    end,
  }
end

local function run(argv, stdin_text)
  local out, err = sink(), sink()
  local status = cli.main(argv, { stdin = source(stdin_text or ""), stdout = out, stderr = err })
  return status, out.text(), err.text()
end

local ARTICLE = "examples/article.txt"

describe("glean (command line)", function()
  it("prints its version", function()
    local status, out = run({ "--version" })
    assert.equal(0, status)
    assert.matches("^glean %d+%.%d+%.%d+ %(.+, Unicode %d+%.%d+%.%d+%)\n$", out)
  end)

  it("prints help on --help and exits 0", function()
    local status, out = run({ "--help" })
    assert.equal(0, status)
    assert.matches("Usage: glean", out)
    assert.matches("tokenize", out)
  end)

  it("prints usage on stderr and exits 2 without a command", function()
    local status, out, err = run({})
    assert.equal(2, status)
    assert.equal("", out)
    assert.matches("Usage: glean", err)
  end)

  it("rejects an unknown command with exit code 2", function()
    local status, _, err = run({ "frobnicate" })
    assert.equal(2, status)
    assert.matches("unknown command 'frobnicate'", err)
  end)
end)

describe("glean tokenize", function()
  local article = support.read_file(ARTICLE)

  it("prints start, stop, kind and text per token, tab-separated", function()
    local status, out = run({ "tokenize", ARTICLE })
    assert.equal(0, status)
    local doc = glean.tokenize(article)
    local n = 0
    for line in out:gmatch("([^\n]*)\n") do
      n = n + 1
      local start, stop, kind, text = line:match("^(%d+)\t(%d+)\t(%a+)\t(.*)$")
      local s, e, k = doc:token(n)
      assert.same({ s, e, k, article:sub(s, e) }, { tonumber(start), tonumber(stop), kind, text })
    end
    assert.equal(#doc, n)
  end)

  it("prints only the number of tokens with --count", function()
    local status, out = run({ "tokenize", "--count", ARTICLE })
    assert.equal(0, status)
    assert.equal(#glean.tokenize(article) .. "\n", out)
    assert.equal(out, select(2, run({ "tokenize", "-c", ARTICLE })))
  end)

  it("names the file on each line when given several", function()
    local status, out = run({ "tokenize", "--count", ARTICLE, ARTICLE })
    assert.equal(0, status)
    local n = #glean.tokenize(article)
    assert.equal(("%d\t%s\n%d\t%s\n%d\ttotal\n"):format(n, ARTICLE, n, ARTICLE, 2 * n), out)
    local _, lines = run({ "tokenize", ARTICLE, ARTICLE })
    assert.matches("^" .. ARTICLE:gsub("%p", "%%%0") .. "\t1\t7\tword\tHarbour\n", lines)
  end)

  it("reads standard input when given no file or '-'", function()
    local _, out = run({ "tokenize" }, "Hello, world.")
    assert.equal("1\t5\tword\tHello\n6\t6\tpunct\t,\n8\t12\tword\tworld\n13\t13\tpunct\t.\n", out)
    local _, out2 = run({ "tokenize", "--count", "-" }, "one two")
    assert.equal("2\n", out2)
  end)

  it("escapes whitespace in token text", function()
    local _, out = run({ "tokenize", "--keep-space" }, "a\tb\nc")
    assert.equal("1\t1\tword\ta\n2\t2\tspace\t\\t\n3\t3\tword\tb\n4\t4\tnewline\t\\n\n"
                 .. "5\t5\tword\tc\n", out)
  end)

  it("turns refinements off with --no-NAME", function()
    local _, out = run({ "tokenize", "--no-clitics", "--count" }, "Putin’s")
    assert.equal("1\n", out)
    local _, out2 = run({ "tokenize", "--count" }, "Putin’s")
    assert.equal("2\n", out2)
  end)

  it("reports an unreadable file, goes on with the others and exits 1", function()
    local status, out, err = run({ "tokenize", "--count", "no/such/file.txt", ARTICLE })
    assert.equal(1, status)
    assert.matches("no/such/file.txt", err)
    assert.matches("\ttotal\n$", out)
  end)

  it("rejects unknown options with exit code 2", function()
    local status, _, err = run({ "tokenize", "--fast" })
    assert.equal(2, status)
    assert.matches("unknown option '%-%-fast'", err)
  end)

  it("shows its own help", function()
    local status, out = run({ "tokenize", "--help" })
    assert.equal(0, status)
    assert.matches("Usage: glean tokenize", out)
  end)

  it("streams: offsets are global across chunks", function()
    local saved = cli.chunk_size
    cli.chunk_size = 300
    local _, small = run({ "tokenize", ARTICLE })
    cli.chunk_size = saved
    local _, whole = run({ "tokenize", ARTICLE })
    assert.equal(whole, small)
  end)

  it("runs as a program (bin/glean)", function()
    local cmd = ("%s bin/glean tokenize --count %s"):format(support.interpreter(), ARTICLE)
    local p = assert(io.popen(cmd))
    local out = p:read("*a")
    p:close()
    assert.equal(#glean.tokenize(article) .. "\n", out)
  end)
end)

describe("argument parsing", function()
  local spec = { count = "flag", c = "flag", format = "value" }

  it("accepts flags, values with = or a separate argument, and --", function()
    local opts, rest = cli._parse_args({ "-c", "--format=json", "a", "--", "--count" }, spec)
    assert.same({ c = true, format = "json" }, opts)
    assert.same({ "a", "--count" }, rest)
    opts = cli._parse_args({ "--format", "csv" }, spec)
    assert.equal("csv", opts.format)
  end)

  it("reports what was wrong", function()
    assert.same({ nil, "option '--format' needs a value" }, { cli._parse_args({ "--format" }, spec) })
    assert.same({ nil, "option '--count' takes no value" },
                { cli._parse_args({ "--count=3" }, spec) })
    assert.same({ nil, "unknown option '-x'" }, { cli._parse_args({ "-x" }, spec) })
  end)
end)

describe("glean compile and glean match", function()
  local list = support.temp_file(table.concat({
    "Valmara\tLOC", "Northern Ports Authority\tORG\tid=npa", "NPA\tORG\tid=npa",
    "Dame Helena Okafor\tPERSON", "Okafor\tPERSON", "Jonas Brell\tPERSON", "Brell\tPERSON",
    "Maritime Safety Agency\tORG", "Castellet\tLOC", "Rotterdam\tLOC", "Antwerp\tLOC",
    "Safety\tMISC", "Northern Ports\tMISC" }, "\n") .. "\n")
  local article = support.read_file(ARTICLE)

  it("compiles a list into a file that glean.load reads", function()
    local out = os.tmpname()
    local status, _, err = run({ "compile", list, "-o", out })
    assert.equal(0, status)
    assert.matches("13 phrases, 13 entries", err)
    local m = assert(glean.load(out))
    os.remove(out)
    assert.equal(13, #m)
  end)

  it("reports bad input and bad usage", function()
    local bad = support.temp_file("Kyiv\tLOC\tnope\n")
    local status, _, err = run({ "compile", bad, "-o", os.tmpname() })
    os.remove(bad)
    assert.equal(1, status)
    assert.matches(":1: bad attribute 'nope'", err)
    status = run({ "compile", list })
    assert.equal(2, status)
    status, _, err = run({ "match", ARTICLE })
    assert.equal(2, status)
    assert.matches("needs at least one %-g", err)
    status = run({ "match", "-g", list, "--overlap", "most", ARTICLE })
    assert.equal(2, status)
    status, _, err = run({ "match", "-g", "/no/such.tsv", ARTICLE })
    assert.equal(1, status)
    assert.matches("/no/such.tsv", err)
  end)

  it("prints start, stop, label and text per match", function()
    local status, out = run({ "match", "-g", list, ARTICLE })
    assert.equal(0, status)
    local m = glean.gazetteer()
    m:load(list)
    local hits = m:compile():find(article)
    local n = 0
    for line in out:gmatch("([^\n]*)\n") do
      n = n + 1
      local start, stop, label, text = line:match("^(%d+)\t(%d+)\t(%u*)\t(.*)$")
      assert.same({ hits[n].start, hits[n].stop, hits[n].entry.label, hits[n].text },
                  { tonumber(start), tonumber(stop), label, text })
    end
    assert.is_true(n > 10)
    assert.equal(#hits, n)
  end)

  it("counts, with labels and overlap policies", function()
    local _, all = run({ "match", "-c", "--overlap", "all", "-g", list, ARTICLE })
    local _, longest = run({ "match", "-c", "-g", list, ARTICLE })
    local _, orgs = run({ "match", "-c", "--labels", "ORG", "-g", list, ARTICLE })
    assert.is_true(tonumber(all) > tonumber(longest))
    assert.is_true(tonumber(orgs) < tonumber(longest))
    -- Northern Ports Authority, NPA twice, Maritime Safety Agency
    assert.equal("4\n", orgs)
  end)

  it("takes a compiled file and several gazetteers", function()
    local compiled = os.tmpname()
    assert.equal(0, (run({ "compile", list, "-o", compiled })))
    local extra = support.temp_file("regional assembly\tORG\n")
    local _, one = run({ "match", "-c", "-g", compiled, ARTICLE })
    local _, two = run({ "match", "-c", "-g", compiled, "--gazetteer", extra, ARTICLE })
    os.remove(compiled)
    os.remove(extra)
    assert.equal(tonumber(one) + 1, tonumber(two))
  end)

  it("streams: any chunk size gives the same matches", function()
    local big = support.temp_file(article:rep(12, "\n\n"))
    local extra = support.temp_file("Dame\tTITLE\nregional assembly\tORG\n")
    local saved = cli.chunk_size
    for _, policy in ipairs{ "longest", "all", "first" } do
      cli.chunk_size = saved
      local _, whole = run({ "match", "--overlap", policy, "-g", list, "-g", extra, big })
      for _, size in ipairs{ 200, 777, 5000 } do
        cli.chunk_size = size
        local _, streamed = run({ "match", "--overlap", policy, "-g", list, "-g", extra, big })
        assert.equal(whole, streamed)
      end
    end
    cli.chunk_size = saved
    os.remove(big)
    os.remove(extra)
  end)
end)
