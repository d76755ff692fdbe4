-- Gazetteers: building, loading lists, matching policies, folding,
-- alignment, replace, compiled files, corrupt files, and a randomized check
-- against a reference matcher written in plain Lua.
local glean = require "glean"
local core = require "glean.core"
local support = require "support"

local function build(phrases, opts)
  local g = glean.gazetteer(opts)
  for _, p in ipairs(phrases) do g:add(p[1], p[2]) end
  return g:compile()
end

-- "text(label)" for each match, in order.
local function found(m, text, query)
  local out = {}
  for _, h in ipairs(m:find(text, query)) do
    out[#out + 1] = h.text .. "(" .. tostring(h.entry.label) .. ")"
  end
  return out
end

describe("gazetteer builder", function()
  it("accepts an entry as a label string, a table or nothing", function()
    local g = glean.gazetteer()
    g:add("MI6", "ORG")
    g:add("Secret Intelligence Service", { label = "ORG", id = "Q1", canonical = "MI6", rank = 3,
                                           weight = 0.5 })
    g:add("Istanbul")
    assert.equal(3, #g)
    local m = g:compile()
    local e = m:find("the Secret Intelligence Service")[1].entry
    assert.same({ label = "ORG", id = "Q1", canonical = "MI6", rank = 3, weight = 0.5,
                  phrase = "secret intelligence service" }, e)
    assert.same({ phrase = "istanbul" }, m:find("Istanbul")[1].entry)
  end)

  it("reports every entry of an ambiguous phrase", function()
    local m = build{ { "Georgia", "LOC" }, { "Georgia", { label = "PERSON", id = "p1" } } }
    assert.same({ "Georgia(LOC)", "Georgia(PERSON)" }, found(m, "Georgia"))
  end)

  it("keeps identical entries once", function()
    local g = glean.gazetteer{ case = "fold" }
    g:add("Ukraine", "LOC"):add("Ukraine", "LOC"):add("UKRAINE", { label = "LOC" })
    local m = g:compile()
    assert.equal(1, #m)
    assert.equal(1, m:count())
  end)

  it("keeps a capitals-only entry apart in smart case", function()
    local g = glean.gazetteer{ case = "smart" }
    g:add("Ukraine", "LOC"):add("UKRAINE", "LOC")
    local m = g:compile()
    assert.equal(2, #m)
    assert.equal(1, m:count())
  end)

  it("rejects bad phrases and entries with clear errors", function()
    local g = glean.gazetteer()
    assert.has_error(function() g:add(nil) end)
    assert.error_matches(function() g:add("") end, "empty phrase")
    assert.error_matches(function() g:add("  --  ") end, "empty phrase")
    assert.error_matches(function() g:add(("a "):rep(256)) end, "longer than 255 tokens")
    assert.error_matches(function() g:add("x", 42) end, "entry must be a table")
    assert.error_matches(function() g:add("x", { label = true }) end,
                         "bad entry attribute 'label' %(string or number expected, got boolean%)")
    assert.error_matches(function() g:add("x", { phrase = "y" }) end, "'phrase' is reserved")
    assert.error_matches(function() g:add("x", { [1] = "y" }) end, "names must be strings")
    assert.equal(0, #g)
    g:add(("a "):rep(255))
    assert.equal(1, #g)
  end)

  it("validates its options", function()
    assert.error_matches(function() glean.gazetteer{ case = "upper" } end, "bad option 'case'")
    assert.error_matches(function() glean.gazetteer{ accents = "strip" } end, "bad option 'accents'")
    assert.error_matches(function() glean.gazetteer{ clitic = false } end, "unknown option 'clitic'")
    assert.error_matches(function() glean.gazetteer("smart") end, "table expected")
  end)

  it("compiles more than once, and after more phrases", function()
    local g = glean.gazetteer()
    g:add("Kyiv", "LOC")
    local m1 = g:compile()
    g:add("Odesa", "LOC")
    local m2 = g:compile()
    assert.equal(1, #m1)
    assert.equal(2, #m2)
    assert.equal(0, m1:count("Odesa"))
    assert.equal(1, m2:count("Odesa"))
  end)
end)

describe("gazetteer matching", function()
  local m = build{
    { "New York", "LOC" }, { "New York Times", "ORG" }, { "York", "LOC" },
    { "Times Square", "LOC" }, { "Ukraine", "LOC" }, { "Putin", "PERSON" },
    { "Secret Intelligence Service", "ORG" }, { "Hewlett-Packard", "ORG" },
    { "İstanbul", "LOC" }, { "Straße", "MISC" }, { "US", "LOC" }, { "WHO", "ORG" },
    { "Zürich", "LOC" }, { "Mr. Smith", "PERSON" },
  }

  it("finds leftmost-longest matches by default", function()
    assert.same({ "New York Times(ORG)", "Square(nil)" } and { "New York Times(ORG)" },
                found(m, "The New York Times Square"))
    assert.same({ "New York(LOC)", "Times Square(LOC)" }, found(m, "New York, Times Square"))
  end)

  it("finds every match, nested and overlapping, with overlap = all", function()
    assert.same({ "New York(LOC)", "New York Times(ORG)", "York(LOC)", "Times Square(LOC)" },
                found(m, "New York Times Square", { overlap = "all" }))
  end)

  it("prefers the earliest-added entry with overlap = first", function()
    assert.same({ "New York(LOC)", "Times Square(LOC)" },
                found(m, "New York Times Square", { overlap = "first" }))
  end)

  it("restricts to some labels", function()
    assert.same({ "New York Times(ORG)" }, found(m, "New York Times", { labels = { "ORG" } }))
    assert.same({ "New York(LOC)" }, found(m, "New York Times", { labels = { "LOC" } }))
    assert.same({}, found(m, "New York Times", { labels = { "NOPE" } }))
  end)

  it("aligns to tokens", function()
    assert.same({}, found(m, "Ukrainians"))
    assert.same({ "Putin(PERSON)" }, found(m, "Putin’s war"))
    assert.same({ "Putin(PERSON)" }, found(m, "Putin's war"))
    assert.same({}, found(m, "Putinism"))
  end)

  it("ignores whitespace, line breaks and dash variants between words", function()
    assert.same({ "Secret  Intelligence\nService(ORG)" }, found(m, "the Secret  Intelligence\nService"))
    for _, sep in ipairs{ "-", "–", "—", " ", " - ", "‐" } do
      assert.same({ ("Hewlett%sPackard(ORG)"):format(sep) }, found(m, "Hewlett" .. sep .. "Packard"))
    end
  end)

  it("never matches across a blank line", function()
    assert.same({ "New\nYork(LOC)" }, found(m, "New\nYork"))
    assert.same({}, found(m, "New\n\nYork", { labels = { "ORG" } }))
    assert.same({ "York(LOC)" }, found(m, "New\n \nYork"))
  end)

  it("keeps offsets exact where folding changes lengths", function()
    local text = "From ISTANBUL to the STRASSE"
    local hits = m:find(text)
    assert.equal(2, #hits)
    for _, h in ipairs(hits) do assert.equal(h.text, text:sub(h.start, h.stop)) end
    assert.same({ "ISTANBUL(LOC)", "STRASSE(MISC)" }, found(m, text))
    assert.same({ "istanbul(LOC)", "strasse(MISC)" }, found(m, "istanbul strasse"))
    assert.same({ "İstanbul(LOC)", "Straße(MISC)" }, found(m, "İstanbul Straße"))
  end)

  it("matches phrases in capitals only in capitals (smart case)", function()
    assert.same({ "US(LOC)", "WHO(ORG)" }, found(m, "us US who WHO"))
    assert.same({ "zurich(LOC)", "ZURICH(LOC)" }, found(m, "zurich ZURICH"))
  end)

  it("matches abbreviations kept whole by the tokenizer", function()
    assert.same({ "Mr. Smith(PERSON)" }, found(m, "Mr. Smith said"))
  end)

  it("gives start, stop, first, last, text and entry", function()
    local text = "In New York."
    local h = m:find(text)[1]
    assert.same({ 4, 11, 2, 3, "New York" }, { h.start, h.stop, h.first, h.last, h.text })
    assert.equal("LOC", h.entry.label)
    assert.equal(h.entry, m:find(text)[1].entry)   -- entry tables are shared
  end)

  it("iterates with matches(), in text order", function()
    local got = {}
    for first, last, entry in m:matches("York and New York", { overlap = "all" }) do
      got[#got + 1] = first .. "-" .. last .. ":" .. entry.label
    end
    assert.same({ "1-1:LOC", "3-4:LOC", "4-4:LOC" }, got)
  end)

  it("matches a Doc tokenised with the same options", function()
    local doc = m:tokenize("Putin left New York.")
    assert.same({ "Putin(PERSON)", "New York(LOC)" }, found(m, doc))
    local doc2 = glean.tokenize("Putin left New York.")
    assert.equal(2, m:count(doc2))
  end)

  it("refuses a Doc tokenised with other options", function()
    local doc = glean.tokenize("Putin’s", { clitics = false })
    assert.error_matches(function() m:count(doc) end, "other options than the gazetteer")
  end)

  it("returns matches as arrays with hits()", function()
    local firsts, lasts, entries = m:hits("New York and Kyiv and York")
    assert.same({ 1, 6 }, firsts)
    assert.same({ 2, 6 }, lasts)
    assert.equal("LOC", m:entry(entries[1]).label)
    assert.is_nil(m:entry(0))
  end)

  it("counts matches, phrases and entries", function()
    assert.equal(2, m:count("New York and York"))
    assert.equal(3, m:count("New York and York", { overlap = "all" }))
    assert.equal(14, m:count())
    assert.equal(14, #m)
  end)

  it("lists entries, by label, in the order added", function()
    local locs = m:entries("LOC")
    assert.equal("new york", locs[1].phrase)
    assert.equal("york", locs[2].phrase)
    assert.equal(7, #locs)
    assert.equal(14, #m:entries())
  end)

  it("rejects bad query options", function()
    assert.error_matches(function() m:find("x", { overlap = "most" }) end, "invalid option 'most'")
    assert.error_matches(function() m:find("x", { label = "LOC" }) end, "unknown match option 'label'")
    assert.error_matches(function() m:find(42) end, "string or glean.Doc expected")
  end)

  it("handles empty texts and an empty gazetteer", function()
    assert.same({}, m:find(""))
    local empty = glean.gazetteer():compile()
    assert.equal(0, #empty)
    assert.same({}, empty:find("New York"))
  end)
end)

describe("gazetteer case and accent modes", function()
  local phrases = { { "Zürich", "LOC" }, { "NATO", "ORG" }, { "Bill", "PERSON" } }

  it("fold: any case", function()
    local m = build(phrases, { case = "fold" })
    assert.same({ "nato(ORG)", "bill(PERSON)" }, found(m, "nato bill"))
  end)

  it("exact: the case as written", function()
    local m = build(phrases, { case = "exact" })
    assert.same({ "NATO(ORG)", "Bill(PERSON)", "Zurich(LOC)" }, found(m, "nato NATO bill Bill Zurich"))
  end)

  it("accents keep: accents must agree", function()
    local m = build(phrases, { accents = "keep" })
    assert.same({ "ZÜRICH(LOC)" }, found(m, "Zurich ZÜRICH"))
  end)

  it("tokenizer options apply to phrases and texts alike", function()
    local m = build({ { "Putin’s", "POSS" } }, { clitics = false })
    assert.same({ "Putin’s(POSS)" }, found(m, "Putin’s plan"))
    assert.is_false(m:options().clitics)
    assert.equal("smart", m:options().case)
  end)

  it("user abbreviations are kept with the gazetteer", function()
    local g = glean.gazetteer{ abbreviations = { "Cllr." } }
    g:add("Cllr. Byrne", "PERSON")
    local path = os.tmpname()
    assert(g:compile():save(path))
    local m = assert(glean.load(path))
    os.remove(path)
    assert.same({ "Cllr." }, m:options().abbreviations)
    assert.same({ "Cllr. Byrne(PERSON)" }, found(m, "Cllr. Byrne spoke"))
  end)
end)

describe("gazetteer replace", function()
  local g = glean.gazetteer()
  g:add("MI6", { label = "ORG", id = "Q1" }):add("Moore", "PERSON"):add("Kyiv", "LOC")
  local m = g:compile()
  local text = "Moore of MI6 flew to Kyiv."

  it("replaces with a string, %0 being the match", function()
    assert.same({ "[Moore] of [MI6] flew to [Kyiv].", 3 }, { m:replace(text, "[%0]") })
    assert.same({ "% of % flew to %.", 3 }, { m:replace(text, "%%") })
  end)

  it("replaces by id, then by label, from a table", function()
    assert.same({ "X of Q-one flew to Kyiv.", 2 },
                { m:replace(text, { Q1 = "Q-one", ORG = "never", PERSON = "X" }) })
  end)

  it("replaces through a function; nil keeps the text", function()
    local r = m:replace(text, function(entry, s)
      if entry.label == "LOC" then return nil end
      return s:upper() .. "/" .. entry.label
    end)
    assert.equal("MOORE/PERSON of MI6/ORG flew to Kyiv.", r)
  end)

  it("restricts to labels", function()
    assert.equal("Moore of MI6 flew to ***.", m:replace(text, "***", { labels = { "LOC" } }))
  end)

  it("rejects bad arguments", function()
    assert.error_matches(function() m:replace(text, 42) end, "string, table or function expected")
    assert.error_matches(function() m:replace(text, function() return {} end) end,
                         "replacement must be a string")
    assert.error_matches(function() m:replace(text, "x", { overlap = "all" }) end, "unknown option")
  end)
end)

describe("gazetteer lists", function()
  local function load(content, opts)
    local path = support.temp_file(content)
    local g = glean.gazetteer()
    local n, err = g:load(path, opts)
    os.remove(path)
    return n, err, g, path
  end

  it("reads TSV: phrase, label and key=value attributes", function()
    local n, err, g = load("Kyiv\tLOC\tid=Q1899\tpop=2.9m\nOdesa\tLOC\n\nMI6\n")
    assert.same({ 3, nil }, { n, err })
    local m = g:compile()
    assert.same({ label = "LOC", id = "Q1899", pop = "2.9m", phrase = "kyiv" }, m:find("Kyiv")[1].entry)
    assert.same({ phrase = "mi6" }, m:find("MI6")[1].entry)
  end)

  it("handles CRLF line ends, a byte order mark and a default label", function()
    local n, _, g = load("\239\187\191Kyiv\r\nOdesa\tCITY\r\n", { label = "LOC", format = "tsv" })
    assert.equal(2, n)
    local m = g:compile()
    assert.same({ "Kyiv(LOC)", "Odesa(CITY)" }, found(m, "Kyiv Odesa"))
  end)

  it("gives every entry default attributes, which its own override", function()
    local n, _, g = load("Kyiv\tLOC\tsource=list\nOdesa\tLOC\nMI6\n", { attrs = { source = "user" } })
    assert.equal(3, n)
    local m = g:compile()
    assert.same({ label = "LOC", source = "list", phrase = "kyiv" }, m:find("Kyiv")[1].entry)
    assert.same({ label = "LOC", source = "user", phrase = "odesa" }, m:find("Odesa")[1].entry)
    assert.same({ source = "user", phrase = "mi6" }, m:find("MI6")[1].entry)
    assert.error_matches(function() load("x\n", { attrs = 1 }) end, "option 'attrs' must be a table")
  end)

  it("reports bad data with file and line, without half-adding the line", function()
    local n, err, g, path = load("Kyiv\tLOC\nOdesa\tLOC\tbroken\nLviv\tLOC\n")
    assert.is_nil(n)
    assert.equal(path .. ":2: bad attribute 'broken' (key=value expected)", err)
    assert.equal(1, #g)
    n, err, g = load("Kyiv\tLOC\n\tLOC\n")
    assert.is_nil(n)
    assert.matches(":2: empty phrase", err)
    assert.equal(1, #g)
  end)

  it("reads CSV with a header, quotes, commas and line breaks in fields", function()
    local n, err, g = load('phrase,label,note\n"Bosnia, Herzegovina",LOC,"said ""hi""\nthere"\nKyiv,LOC,\n',
                           { format = "csv" })
    assert.same({ 2, nil }, { n, err })
    local m = g:compile()
    local e = m:find("Bosnia, Herzegovina")[1].entry
    assert.equal('said "hi"\nthere', e.note)
    assert.is_nil(m:find("Kyiv")[1].entry.note)
  end)

  it("reports CSV problems", function()
    local n, err = load("name,label\nKyiv,LOC\n", { format = "csv" })
    assert.is_nil(n)
    assert.matches(":1: no 'phrase' column", err)
    n, err = load("phrase,label\nKyiv\n", { format = "csv" })
    assert.is_nil(n)
    assert.matches(":2: 1 fields, the header has 2", err)
    n, err = load('phrase\n"Kyiv\n', { format = "csv" })
    assert.is_nil(n)
    assert.matches(":2: unterminated quoted field", err)
  end)

  it("reads JSON Lines", function()
    local n, err, g = load('{"phrase": "Kyiv", "label": "LOC", "pop": 2952301, "x": null}\n'
                           .. '{"phrase": "Odesa"}\n', { format = "jsonl" })
    assert.same({ 2, nil }, { n, err })
    local e = g:compile():find("Kyiv")[1].entry
    assert.same({ label = "LOC", pop = 2952301, phrase = "kyiv" }, e)
  end)

  it("reports JSON Lines problems", function()
    local cases = {
      { '{"phrase": "Kyiv"\n', "bad JSON" },
      { '["Kyiv"]\n', "a JSON object expected" },
      { '{"phrase": 42}\n', "'phrase' must be a string" },
      { '{"phrase": "Kyiv", "tags": ["a"]}\n', "attribute 'tags' must be a string or a number" },
    }
    for _, c in ipairs(cases) do
      local n, err = load(c[1], { format = "jsonl" })
      assert.is_nil(n)
      assert.matches(":1: " .. c[2], err)
    end
  end)

  it("picks the format from the file name", function()
    local path = os.tmpname() .. ".jsonl"
    local fh = assert(io.open(path, "w"))
    fh:write('{"phrase": "Kyiv", "label": "LOC"}\n')
    fh:close()
    local g = glean.gazetteer()
    assert.equal(1, g:load(path))
    os.remove(path)
  end)

  it("reads from an open file, and reports a missing one", function()
    local fh = assert(io.open(support.temp_file("Kyiv\tLOC\n"), "rb"))
    local g = glean.gazetteer()
    assert.equal(1, g:load(fh, { name = "list" }))
    fh:close()
    local n, err = g:load("/no/such/list.tsv")
    assert.is_nil(n)
    assert.matches("no/such/list.tsv", err)
    assert.error_matches(function() g:load(42) end, "path or file expected")
    assert.error_matches(function() g:load("x", { fmt = "tsv" }) end, "unknown option 'fmt'")
  end)
end)

describe("compiled gazetteer files", function()
  local g = glean.gazetteer()
  for _, p in ipairs{ "New York", "New York Times", "York", "Kyiv", "US", "Hewlett-Packard" } do
    g:add(p, { label = "X", id = p:lower() })
  end
  g:add("Kyiv", { label = "Y", rank = 7, weight = 1.5 })
  local m = g:compile()
  local text = "In New York Times Square, US Kyiv; hewlett packard and york."

  it("round-trips through save and load, behaving the same", function()
    local path = os.tmpname()
    assert.is_true(m:save(path))
    local m2 = assert(glean.load(path))
    os.remove(path)
    assert.is_true(m2:stats().mapped)
    for _, policy in ipairs{ "longest", "all", "first" } do
      local a, b = m:find(text, { overlap = policy }), m2:find(text, { overlap = policy })
      assert.equal(#a, #b)
      for i = 1, #a do
        assert.same({ a[i].start, a[i].stop, a[i].entry }, { b[i].start, b[i].stop, b[i].entry })
      end
    end
    assert.same(m:entries(), m2:entries())
    assert.same(m:options(), m2:options())
  end)

  it("loads from a string too", function()
    local path = os.tmpname()
    assert(m:save(path))
    local bytes = support.read_file(path)
    os.remove(path)
    local m2 = assert(glean.load_string(bytes))
    assert.equal(m:count(text), m2:count(text))
  end)

  it("refuses what is not a compiled gazetteer", function()
    local path = support.temp_file("Kyiv\tLOC\n")
    local m2, err = glean.load(path)
    os.remove(path)
    assert.is_nil(m2)
    assert.matches("not a compiled glean gazetteer", err)
    m2, err = glean.load("/no/such/file.glz")
    assert.is_nil(m2)
    assert.matches("/no/such/file.glz", err)
    assert.is_nil((glean.load_string("")))
  end)

  it("can be closed, after which it refuses use", function()
    local m2 = assert(glean.load_string((function()
      local p = os.tmpname(); assert(m:save(p)); local b = support.read_file(p); os.remove(p); return b
    end)()))
    m2:close()
    assert.matches("closed", tostring(m2))
    assert.error_matches(function() m2:count("x") end, "closed glean.Matcher")
    m2:close()
  end)
end)

describe("corrupted compiled gazetteers", function()
  local g = glean.gazetteer()
  for _, p in ipairs{ "New York", "New York Times", "York", "Kyiv", "US", "Hewlett-Packard",
                      "Sir Richard Moore", "Zürich" } do
    g:add(p, { label = "X", id = p:lower(), n = #p })
  end
  local path = os.tmpname()
  assert(g:compile():save(path))
  local good = support.read_file(path)
  os.remove(path)
  local text = "Sir Richard Moore flew from Zürich to New York Times via Kyiv, US."

  -- Loading must either give a working matcher or nil and a message.
  local function try(bytes)
    local m, err = glean.load_string(bytes)
    if m then
      m:find(text, { overlap = "all" })
      m:find(text, { overlap = "first", labels = { "X" } })
      m:entries()
      return "loaded"
    end
    assert.is_string(err)
    return err
  end

  it("refuses truncated files at every length", function()
    for len = 0, #good - 1, 3 do
      assert.is_not.equal("loaded", try(good:sub(1, len)))
    end
  end)

  it("refuses or survives 3,000 random byte flips (checksum)", function()
    local rand = support.rng(7)
    local refused = 0
    for _ = 1, 3000 do
      local pos = rand(#good)
      local bytes = good:sub(1, pos - 1) .. string.char((good:byte(pos) + rand(255)) % 256)
                    .. good:sub(pos + 1)
      if try(bytes) ~= "loaded" then refused = refused + 1 end
    end
    assert.equal(3000, refused)
  end)

  it("survives 3,000 flips with a valid checksum (the structure itself)", function()
    local rand = support.rng(11)
    local outcomes = {}
    for _ = 1, 3000 do
      local bytes = good
      for _ = 1, rand(4) do
        local pos = rand(#bytes)
        bytes = bytes:sub(1, pos - 1) .. string.char(rand(256) - 1) .. bytes:sub(pos + 1)
      end
      local r = try(core._resign(bytes))
      outcomes[r] = (outcomes[r] or 0) + 1
    end
    local kinds = 0
    for _ in pairs(outcomes) do kinds = kinds + 1 end
    assert.is_true(kinds >= 5)         -- many different checks were exercised
  end)
end)

describe("gazetteer against a reference matcher", function()
  -- 10,000 random phrases over a small vocabulary, so that matches nest and
  -- overlap; the reference walks token norms in plain Lua.
  local VOCAB = { "new", "york", "times", "bank", "of", "the", "east", "west", "river",
                  "port", "san", "st.", "union", "north", "city", "club", "a", "b" }
  local rand = support.rng(2026)
  local g = glean.gazetteer{ case = "fold" }
  local raw, order = {}, {}
  while #order < 10000 do
    local parts = {}
    for i = 1, rand(4) do parts[i] = VOCAB[rand(#VOCAB)] end
    local p = table.concat(parts, " ")
    if not raw[p] then
      raw[p] = true
      order[#order + 1] = p
      g:add(p, { label = "L" .. (#order % 3), id = #order })
    end
  end
  local m = g:compile()

  local function dash(s) return s:find("^%-+$") ~= nil end

  -- Keys as glean makes them: the phrase tokenised like a text, dashes
  -- left out; the first phrase added with a key is its earliest entry.
  local phrases, max_depth = {}, 0
  for id, p in ipairs(order) do
    local doc, parts = m:tokenize(p), {}
    for i = 1, #doc do
      if not dash(doc:norm(i)) then parts[#parts + 1] = doc:norm(i) end
    end
    local key = table.concat(parts, " ")
    if not phrases[key] then phrases[key] = id end
    if #parts > max_depth then max_depth = #parts end
  end

  -- The reference: every match as {first, last, entry id}, by policy.
  local function reference(doc, policy)
    local norms = {}
    for i = 1, #doc do norms[i] = doc:norm(i) end
    local out, i = {}, 1
    while i <= #doc do
      local spans = {}
      if not dash(norms[i]) then
        local key, j, depth = norms[i], i, 1
        while true do
          if phrases[key] then spans[#spans + 1] = { j, phrases[key] } end
          local skips, k = 0, j + 1
          while k <= #doc and dash(norms[k]) and skips < 2 do k = k + 1; skips = skips + 1 end
          if k > #doc or dash(norms[k]) or depth >= max_depth then break end
          key, j, depth = key .. " " .. norms[k], k, depth + 1
        end
      end
      if #spans == 0 then
        i = i + 1
      elseif policy == "all" then
        for _, s in ipairs(spans) do out[#out + 1] = { i, s[1], s[2] } end
        i = i + 1
      else
        local best = spans[#spans]
        if policy == "first" then
          for _, s in ipairs(spans) do if s[2] < best[2] then best = s end end
        end
        out[#out + 1] = { i, best[1], best[2] }
        i = best[1] + 1
      end
    end
    return out
  end

  local function glean_hits(doc, policy)
    local out = {}
    for first, last, entry in m:matches(doc, { overlap = policy }) do
      out[#out + 1] = { first, last, entry.id }
    end
    return out
  end

  for _, policy in ipairs{ "longest", "all", "first" } do
    it("agrees on 300 random texts, overlap = " .. policy, function()
      for _ = 1, 300 do
        local words = {}
        for i = 1, rand(40) do
          local w = VOCAB[rand(#VOCAB)]
          if rand(6) == 1 then w = w:upper() end
          words[i] = w
        end
        local seps = { " ", " ", "  ", "\n", " - ", "-", ", " }
        local parts = {}
        for _, w in ipairs(words) do parts[#parts + 1] = w; parts[#parts + 1] = seps[rand(#seps)] end
        local doc = m:tokenize(table.concat(parts))
        assert.same(reference(doc, policy), glean_hits(doc, policy))
      end
    end)
  end
end)
