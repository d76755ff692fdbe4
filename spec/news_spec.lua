-- The news rule set: entities, coreference, roles, aliases, the report and
-- glean extract, on sentences written for these specs.
local news = require "glean.news"
local json = require "glean.json"
local support = require "support"
local jsonschema = require "jsonschema"

local null = json.null
local schema = assert(json.decode(assert(support.read_file("docs/report-schema.json"))))

local function extract(text, opts)
  return news.extract(text, opts)
end

local entity_of, mention_texts = support.entity_of, support.mention_texts

local function names(report, label)
  local out = {}
  for _, e in ipairs(report.entities) do
    if e.label == label then out[#out + 1] = e.name end
  end
  table.sort(out)
  return out
end

-- Every report the suite makes is checked against the schema, in its JSON
-- form.
local function valid(report)
  local decoded = assert(json.decode(json.encode(report)))
  local ok, err = jsonschema.validate(schema, decoded)
  assert(ok, err)
  return report
end

describe("news entities", function()
  it("finds people after honorifics, without the honorific", function()
    local r = valid(extract("Yesterday Dame Ann Lowry met Mr. Tobias Grant in the capital."))
    local ann = entity_of(r, "Ann Lowry", "PERSON")
    assert.is_not_nil(ann)
    assert.equal("Dame", ann.attrs.title)
    local tobias = entity_of(r, "Tobias Grant", "PERSON")
    assert.is_not_nil(tobias)
    assert.equal("Mr", tobias.attrs.title)
  end)

  it("mends a lower-case given name after an honorific in the entity's name", function()
    local r = valid(extract("Sir peter Vance spoke first. Later Sir Peter left, and Vance stayed."))
    local e = entity_of(r, "peter Vance", "PERSON")
    assert.is_not_nil(e)
    assert.equal("Peter Vance", e.name)
    assert.same({ "peter Vance", "Peter", "Vance" }, mention_texts(e))
  end)

  it("finds people from roles, given names, cue verbs and appositions", function()
    local r = valid(extract("Finnish premier Aino Rask visited. Donald Pell was there. "
      .. "\"It works,\" said Oskar Brant. Mira Holt, the chief executive of Lumo, agreed."))
    for _, name in ipairs{ "Aino Rask", "Donald Pell", "Oskar Brant", "Mira Holt" } do
      assert.is_not_nil(entity_of(r, name, "PERSON"), name)
    end
    assert.is_not_nil(entity_of(r, "Finnish", "NORP"))
  end)

  it("finds organisations by their heads, suffixes and acronyms", function()
    local r = valid(extract("The Ministry of Coastal Affairs fined Brightwater Shipping Ltd. "
      .. "after the NCSA report, and the Vantor administration said nothing."))
    assert.is_not_nil(entity_of(r, "Ministry of Coastal Affairs", "ORG"))
    assert.is_not_nil(entity_of(r, "Brightwater Shipping Ltd.", "ORG"))
    assert.is_not_nil(entity_of(r, "NCSA", "ORG"))
    assert.is_not_nil(entity_of(r, "Vantor administration", "ORG"))
  end)

  it("finds places and groups from the lexicons, whole words only", function()
    local r = valid(extract("Ukrainians in Kyiv and Poles in Warsaw watched Ukraine's match."))
    assert.same({ "Kyiv", "Ukraine", "Warsaw" }, names(r, "LOC"))
    local ukraine = entity_of(r, "Ukraine", "LOC")
    assert.same({ "Ukraine" }, mention_texts(ukraine))
    assert.is_not_nil(entity_of(r, "Ukrainians", "NORP"))
  end)

  it("does not take capitalised sentence openers or lower-case words for names", function()
    local r = valid(extract("Bluntly, nothing happened. Shifting focus, the turkey was eaten."))
    assert.same({}, names(r, "PERSON"))
    assert.same({}, names(r, "LOC"))
  end)

  it("takes a lone surname that is also a word for a person before a cue", function()
    for _, text in ipairs{ "Baker said the depot will open in May.",
                           "The depot opened. Walker told reporters it was late.",
                           'Baker said : " We will win . "' } do
      local r = valid(extract(text))
      assert.same({ text:match("^The") and "Walker" or "Baker" }, names(r, "PERSON"), text)
    end
    -- the quote's speaker is that person
    local r = valid(extract('Baker said : " We will win . "'))
    assert.equal(1, #r.quotes)
    assert.equal(entity_of(r, "Baker", "PERSON").id, r.quotes[1].speaker)
    -- words that are no names, places and organisations' heads are not;
    -- nor the first word of a longer name elsewhere in the text (a firm's
    -- short name)
    for _, text in ipairs{ "Officials said the depot will open in May.",
                           "Police told reporters the depot was late.",
                           "Senate said nothing.", "China said the depot was late.",
                           "Shares of Baker Freight Inc. rose.\n\nBaker said sales rose." } do
      assert.same({}, names(valid(extract(text)), "PERSON"), text)
    end
    -- a sentence's first word that is no English word stays a name
    assert.same({ "Okonkwo" }, names(valid(extract("Okonkwo said the depot was late.")),
                                     "PERSON"))
  end)

  it("builds the pipeline without the common-words list: no word is then common", function()
    local text = "Shares of BEAR fell on Monday, Ann Lee said."
    -- with the list, "BEAR" is a word in capitals; without, an acronym
    assert.is_nil(entity_of(valid(extract(text)), "BEAR", "ORG"))
    local pl = assert(news.pipeline{ common_words = {} })
    local r = valid(pl:extract(text))
    assert.is_not_nil(entity_of(r, "BEAR", "ORG"))
    assert.is_not_nil(entity_of(r, "Ann Lee", "PERSON"))
    -- a list of one's own; the default pipeline's is left alone
    r = valid(assert(news.pipeline{ common_words = { "bear" } }):extract(text))
    assert.is_nil(entity_of(r, "BEAR", "ORG"))
    assert.is_nil(entity_of(valid(extract(text)), "BEAR", "ORG"))
    assert.has_error(function() news.pipeline{ common_words = "bear" } end,
                     "bad option 'common_words' (table expected, got string)")
  end)

  it("keeps a name on its line (headlines, datelines)", function()
    local r = valid(extract("HARBOUR TALKS STALL\nOSLO 2025-03-14\nMarten Olsen said the talks failed."))
    assert.is_not_nil(entity_of(r, "Marten Olsen", "PERSON"))
    for _, e in ipairs(r.entities) do
      for _, m in ipairs(e.mentions) do assert.is_nil(m.text:find("\n"), m.text) end
    end
  end)

  it("reads pre-tokenised text", function()
    local r = valid(extract("Japan 's central bank said on Friday that Kenji Sato would lead it ."))
    assert.is_not_nil(entity_of(r, "Japan", "LOC"))
    assert.is_not_nil(entity_of(r, "Kenji Sato", "PERSON"))
  end)

  it("gives a user gazetteer's entries priority over the bundled rules", function()
    local path = support.temp_file("Harbour Watch\tORG\nGrimsvik\tLOC\n")
    local pl = assert(news.pipeline{ gazetteers = { path } })
    local r = valid(pl:extract("Grimsvik said Harbour Watch was wrong."))
    os.remove(path)
    assert.is_not_nil(entity_of(r, "Grimsvik", "LOC"))
    assert.is_not_nil(entity_of(r, "Harbour Watch", "ORG"))
    assert.is_nil(entity_of(r, "Grimsvik", "PERSON"))
    -- a compiled user gazetteer counts as much as a list
    local compiled = os.tmpname()
    local g = require("glean").gazetteer{ case = "smart" }
    g:add("Selka Dawn", "MISC")
    assert(g:compile():save(compiled))
    r = valid(assert(news.pipeline{ gazetteers = { compiled } })
              :extract("The Selka Dawn left port."))
    os.remove(compiled)
    assert.is_not_nil(entity_of(r, "Selka Dawn", "MISC"))
    -- a context rule ("from X": a place) does not outweigh the user's entry
    path = support.temp_file("Vantor\tORG\n")
    pl = assert(news.pipeline{ gazetteers = { path } })
    r = valid(pl:extract("The army bought drones from Vantor, and others."))
    os.remove(path)
    assert.is_not_nil(entity_of(r, "Vantor", "ORG"))
    assert.is_nil(entity_of(r, "Vantor", "LOC"))
  end)
end)

describe("news sentences", function()
  it("keep a sub-heading without a full stop apart from the next sentence", function()
    local glean = require "glean"
    local doc = glean.tokenize("The plan failed.\n\nA harbour plan without a harbour\n\n"
                               .. "While ministers talked, nothing moved.")
    local texts = {}
    for _, first, last in doc:sentences() do texts[#texts + 1] = doc:text(first, last) end
    assert.same({ "The plan failed.", "A harbour plan without a harbour",
                  "While ministers talked, nothing moved." }, texts)
  end)
end)

describe("news coreference", function()
  it("groups full names, surnames, possessives and titled given names", function()
    local r = valid(extract("Sir Richard Vane, a diplomat, arrived. Vane's car was late. "
      .. "Sir Richard smiled. Later VANE left."))
    local e = entity_of(r, "Richard Vane", "PERSON")
    assert.same({ "Richard Vane", "Vane", "Richard", "VANE" }, mention_texts(e))
  end)

  it("never merges people with the same surname and different given names", function()
    local r = valid(extract("Marten Olsen met Kari Olsen. Marten Olsen said Olsen was right."))
    local marten, kari = entity_of(r, "Marten Olsen", "PERSON"), entity_of(r, "Kari Olsen", "PERSON")
    assert.is_not_nil(marten)
    assert.is_not_nil(kari)
    assert.are_not.equal(marten, kari)
  end)

  it("joins an acronym and its expansion, and 'aka' aliases", function()
    local r = valid(extract("The Nordic Harbour Council (NHC) met. Later the NHC voted. "
      .. "The Signals Bureau, also known as Blue House, declined."))
    local nhc = entity_of(r, "NHC", "ORG")
    assert.equal("Nordic Harbour Council", nhc.name)
    assert.same({ "NHC" }, nhc.aliases)
    assert.equal(3, #nhc.mentions)
    local par = entity_of(valid(extract("The Port Authority of Rotterdam (PAR) said no.")),
                          "PAR", "ORG")
    assert.is_not_nil(par)
    assert.equal("Port Authority of Rotterdam", par.name)
    local bureau = entity_of(r, "Signals Bureau", "ORG")
    assert.is_not_nil(bureau)
    assert.equal(bureau, entity_of(r, "Blue House"))
  end)

  it("finds a person's name inside 'the X administration'", function()
    local r = valid(extract("Donald Pell won. The Pell administration then changed course."))
    local pell = entity_of(r, "Donald Pell", "PERSON")
    assert.same({ "Donald Pell", "Pell" }, mention_texts(pell))
    assert.is_not_nil(entity_of(r, "Pell administration", "ORG"))
  end)
end)

describe("news roles", function()
  local function roles_of(e)
    local out = {}
    for _, r in ipairs(e.roles) do out[#out + 1] = r.text end
    return out
  end

  it("reads roles in appositions, before names and after 'as'", function()
    local r = valid(extract("Sir Ian Moss, the head of Norway's coastal agency NCSA, spoke. "
      .. "After three years as head of NCSA, Sir Ian resigned. "
      .. "Swedish premier Lena Berg and its own president, Aino Rask, watched."))
    local ian = entity_of(r, "Ian Moss", "PERSON")
    assert.same({ "the head of Norway's coastal agency NCSA", "head of NCSA" }, roles_of(ian))
    local ncsa = entity_of(r, "NCSA", "ORG")
    assert.equal(ncsa.id, ian.roles[1].of)
    assert.equal(ncsa.id, ian.roles[2].of)
    assert.same({ "Swedish premier" }, roles_of(entity_of(r, "Lena Berg", "PERSON")))
    assert.same({ "president" }, roles_of(entity_of(r, "Aino Rask", "PERSON")))
  end)

  it("reads 'X, chief executive of Y' and 'Y's spokesman X'", function()
    local r = valid(extract("Mira Holt, chief executive of Lumo Shipping Ltd, agreed. "
      .. "Lumo Shipping Ltd's spokesman Per Lund declined."))
    local mira, per = entity_of(r, "Mira Holt", "PERSON"), entity_of(r, "Per Lund", "PERSON")
    local lumo = entity_of(r, "Lumo Shipping Ltd", "ORG")
    assert.equal("chief executive of Lumo Shipping Ltd", mira.roles[1].text)
    assert.equal(lumo.id, mira.roles[1].of)
    assert.equal("spokesman", per.roles[1].text)
    assert.equal(lumo.id, per.roles[1].of)
  end)
end)

describe("news report", function()
  local article = assert(support.read_file("examples/news/harbour.txt"))
  local report = valid(extract(article, { doc = "harbour.txt" }))

  it("follows the schema: name, doc, offsets into the input", function()
    assert.equal("glean.report/1", report.schema)
    assert.equal("harbour.txt", report.doc)
    for _, e in ipairs(report.entities) do
      for _, m in ipairs(e.mentions) do
        assert.equal(m.text, article:sub(m.start, m.stop))
      end
    end
    for _, q in ipairs(report.quotes) do
      assert.equal(q.text, article:sub(q.start, q.stop))
      if q.speaker_mention ~= null then
        assert.equal(q.speaker_mention.text, article:sub(q.speaker_mention.start, q.speaker_mention.stop))
      end
    end
  end)

  it("resolves dates against the dateline, or --date", function()
    assert.equal("2025-03-14", report.date)
    local friday
    for _, d in ipairs(report.dates) do if d.text == "Friday" then friday = d end end
    assert.equal("2025-03-14", friday.value)
    local r = valid(extract("They met on Friday.", { date = "2025-09-24" }))
    assert.equal("2025-09-19", r.dates[1].value)
    assert.equal("day", r.dates[1].grain)
  end)

  it("links quotes to speaker entities, and scare quotes to nobody", function()
    local carter = entity_of(report, "helen Carter", "PERSON")
    local said, scare = 0, 0
    for _, q in ipairs(report.quotes) do
      if q.speaker == carter.id then said = said + 1 end
      if q.text == "“shared commitment”" then
        assert.equal(null, q.speaker)
        scare = scare + 1
      end
    end
    assert.equal(4, said)
    assert.equal(1, scare)
  end)

  it("gives the speaker entity to quotes carried over paragraphs", function()
    -- without a new opening mark: one quote, to its closing mark
    local r = valid(extract("Mira Holt spoke at the depot.\n\n“We will open the route in May, "
                            .. "and\n\nwe will extend it after that,” she said."))
    local holt = entity_of(r, "Mira Holt", "PERSON")
    assert.equal(1, #r.quotes)
    assert.matches("extend it after that,”$", r.quotes[1].text)
    assert.equal(holt.id, r.quotes[1].speaker)
    assert.equal("she", r.quotes[1].speaker_mention.text)
    -- re-opened with a mark: two quotes, one speaker
    r = valid(extract("Mira Holt spoke at the depot. “We will open the route in May.\n\n"
                      .. "“Then we will extend it after that,” she said."))
    holt = entity_of(r, "Mira Holt", "PERSON")
    assert.equal(2, #r.quotes)
    assert.equal(holt.id, r.quotes[1].speaker)
    assert.equal(holt.id, r.quotes[2].speaker)
  end)

  it("reports a described speaker whole, hyphenated words included", function()
    local r = valid(extract("“We will build the line,” the so-called transport chief of the city "
                            .. "said."))
    assert.equal("the so-called transport chief of the city", r.quotes[1].speaker_mention.text)
    local e = entity_of(r, "the so-called transport chief of the city")
    assert.is_not_nil(e)
    assert.equal(e.id, r.quotes[1].speaker)
  end)

  it("renders as text, JSON and JSON Lines", function()
    local text = require("glean.formats.text")(report)
    assert.matches("People:", text, 1, true)
    assert.matches("Helen Carter", text, 1, true)
    local decoded = json.decode(require("glean.formats.json")(report))
    assert.equal(#report.entities, #decoded.entities)
    local line = require("glean.formats.jsonl")(report)
    assert.equal(1, select(2, line:gsub("\n", "")))
    assert.same(decoded, json.decode(line))
  end)
end)

describe("glean extract", function()
  local cli = require "glean.cli"

  local function run(argv, stdin)
    local out, err = {}, {}
    local streams = {
      stdin = stdin and support.string_file and support.string_file(stdin) or io.stdin,
      stdout = { write = function(_, ...) for _, s in ipairs{ ... } do out[#out + 1] = s end end },
      stderr = { write = function(_, ...) for _, s in ipairs{ ... } do err[#err + 1] = s end end },
    }
    local code = cli.main(argv, streams)
    return code, table.concat(out), table.concat(err)
  end

  it("writes one JSON line per document of a directory, in order", function()
    local dir = os.tmpname()
    os.remove(dir)
    os.execute("mkdir " .. dir)
    for i, text in ipairs{ "Marten Olsen left Oslo.", "Aino Rask stayed in Kyiv." } do
      local fh = assert(io.open(dir .. "/" .. i .. ".txt", "w"))
      fh:write(text)
      fh:close()
    end
    local code, out = run{ "extract", "--format", "jsonl", dir }
    os.remove(dir .. "/1.txt")
    os.remove(dir .. "/2.txt")
    os.remove(dir)
    assert.equal(0, code)
    local lines = {}
    for line in out:gmatch("[^\n]+") do lines[#lines + 1] = valid(json.decode(line)) end
    assert.equal(2, #lines)
    assert.equal(dir .. "/1.txt", lines[1].doc)
    assert.equal("Marten Olsen", lines[1].entities[1].name)
    assert.equal("Aino Rask", lines[2].entities[1].name)
  end)

  it("says what was wrong: a bad date or format is a usage error, a missing file an input error",
     function()
    local code, _, err = run{ "extract", "--date", "tomorrow", "x.txt" }
    assert.equal(2, code)
    assert.matches("--date wants YYYY-MM-DD", err, 1, true)
    code, _, err = run{ "extract", "--format", "nope", "x.txt" }
    assert.equal(2, code)
    assert.matches("unknown format 'nope'", err, 1, true)
    code, _, err = run{ "extract", "/no/such/article.txt" }
    assert.equal(1, code)
    assert.matches("/no/such/article.txt", err, 1, true)
  end)

  it("runs a user's rule file after the bundled rules", function()
    local rules = support.temp_file(
      "return rule{ name = 'festival', label = 'MISC', pattern = T.text'Harbourfest' * T.kind'number' }\n")
    local article = support.temp_file("Marten Olsen opened Harbourfest 2025 in Oslo.")
    local code, out = run{ "extract", "--format", "json", "--rules", rules, article }
    os.remove(rules)
    os.remove(article)
    assert.equal(0, code)
    local r = valid(json.decode(out))
    assert.is_not_nil(entity_of(r, "Harbourfest 2025", "MISC"))
    assert.is_not_nil(entity_of(r, "Marten Olsen", "PERSON"))
  end)

  it("takes a report format from a Lua file", function()
    local path = support.temp_file("return function(report) return #report.entities .. '\\n' end\n")
    local fmt = path .. ".lua"
    os.rename(path, fmt)
    local article = support.temp_file("Marten Olsen left Oslo.")
    local code, out = run{ "extract", "--format", fmt, article }
    os.remove(fmt)
    os.remove(article)
    assert.equal(0, code)
    assert.equal("2\n", out)
  end)
end)
