-- Quotations and their speakers: glean.news.quotes and the rule file
-- lua/glean/news/rules/quotes.lua. Every sentence here is written for
-- these tests.
local glean = require "glean"
local quotes = require "glean.news.quotes"

local RULES = "lua/glean/news/rules/quotes.lua"

-- The quotations scan finds, as their text.
local function scanned(text)
  local out = {}
  for i, q in ipairs(quotes.scan(text)) do out[i] = text:sub(q.start, q.stop) end
  return out
end

local pipeline
local function run(text, extra_phases)
  local phases = assert(glean.rules.load(RULES, { env = { quotes = quotes } }))
  if extra_phases then
    local all = {}
    for _, ph in ipairs(extra_phases) do all[#all + 1] = ph end
    for _, ph in ipairs(phases) do all[#all + 1] = ph end
    return glean.pipeline{ phases = all }:run(text)
  end
  pipeline = pipeline or glean.pipeline{ phases = phases }
  return pipeline:run(text)
end

-- Each quote of a Doc: {text, speaker text, speaker kind, antecedent text,
-- attrs}.
local function found(doc)
  local out = {}
  for i, q in ipairs(doc:spans("QUOTE")) do
    local sp, ante = quotes.speaker_of(doc, q)
    out[i] = { text = q.text, speaker = sp and sp.text, kind = sp and sp.attrs.kind,
               antecedent = ante and ante.text, attrs = q.attrs }
  end
  return out
end

describe("glean.news.quotes.scan", function()
  it("pairs curly double marks", function()
    assert.same({ "“The bridge will open in May,”" },
                scanned("“The bridge will open in May,” the engineer said."))
  end)

  it("pairs straight double marks", function()
    assert.same({ '"We are ready,"', '"All of us."' },
                scanned('"We are ready," Ada Lin said. "All of us."'))
  end)

  it("pairs straight double marks set apart by spaces, as in text tokenised beforehand", function()
    assert.same({ '" The ferry is late , "' },
                scanned('" The ferry is late , " the captain said .'))
    assert.same({ '" We stay . "' }, scanned('Ada Lin said : " We stay . "'))
    assert.same({ '" One , "', '" two . "' }, scanned('" One , " she said , " two . "'))
    -- a mark alone, or before punctuation, opens nothing
    assert.same({}, scanned('The " key is lost .'))
    assert.same({}, scanned('A mark " , and " . here'))
  end)

  it("pairs single curly marks, as in a scare quote", function()
    assert.same({ "‘old guard’" }, scanned("The ‘old guard’ stayed away from the vote."))
  end)

  it("pairs guillemets, single guillemets and low-high marks", function()
    assert.same({ "«Nous restons»" }, scanned("Le maire a dit: «Nous restons» hier."))
    assert.same({ "‹hier›" }, scanned("Er sagte ‹hier› und ging."))
    assert.same({ "„Wir bleiben“" }, scanned("Sie sagte: „Wir bleiben“ und ging."))
  end)

  it("pairs mixed marks without merging the text between two quotes", function()
    local text = '“The tide is turning. But slowly," Lin said. "Nobody expected it. '
                 .. 'Not even us.”'
    assert.same({ '“The tide is turning. But slowly,"', '"Nobody expected it. Not even us.”' },
                scanned(text))
  end)

  it("keeps a single-quoted passage inside a double one nested", function()
    assert.same({ "“They kept calling it ‘the plan’ for weeks,”" },
                scanned("“They kept calling it ‘the plan’ for weeks,” she said."))
  end)

  it("ends a quote left open at the paragraph's end; the next one continues it", function()
    local text = "Lin said: “The first part is done.\n\n“The second part starts now,” she added."
    local qs = quotes.scan(text)
    assert.equal(2, #qs)
    assert.equal("“The first part is done.", text:sub(qs[1].start, qs[1].stop))
    assert.is_false(qs[1].closed)
    assert.is_true(qs[2].continues)
    assert.is_true(qs[2].closed)
  end)

  it("continues only a quote left open by the paragraph just before", function()
    local text = "Lin said: “The first part is done.\n\nNo marks in this one.\n\n"
                 .. "“The second part,” she added."
    local qs = quotes.scan(text)
    assert.equal(2, #qs)
    assert.is_false(qs[1].closed)
    assert.equal("“The second part,”", text:sub(qs[2].start, qs[2].stop))
    assert.is_false(qs[2].continues)
  end)

  it("never lets an unbalanced mark swallow the next paragraph", function()
    local text = "He called it “a failure and left.\n\nThe council met on “Tuesday” as planned."
    local got = scanned(text)
    assert.equal(2, #got)
    assert.equal("“a failure and left.", got[1])
    assert.equal("“Tuesday”", got[2])
  end)

  it("runs a quote left open on into the next paragraph when that one closes it", function()
    local text = "Ada Lin spoke at the depot.\n\n“We will open the route in May, and\n\n"
                 .. "we will extend it to the coast after that,” she said."
    local qs = quotes.scan(text)
    assert.equal(1, #qs)
    assert.equal("“We will open the route in May, and\n\nwe will extend it to the coast "
                 .. "after that,”", text:sub(qs[1].start, qs[1].stop))
    assert.is_true(qs[1].closed)
    assert.is_false(qs[1].continues)
    -- straight marks the same
    assert.same({ '"We will open the route, and\n\nextend it,"' },
                scanned('"We will open the route, and\n\nextend it," she said.'))
  end)

  it("runs a quote on over a paragraph without marks, two paragraph breaks at most", function()
    assert.same({ "“One step,\n\nthen another,\n\nthen a third,”" },
                scanned("“One step,\n\nthen another,\n\nthen a third,” Lin said."))
    -- three breaks: the quote ends at its paragraph's end, the mark far
    -- away closes nothing
    assert.same({ "“One step," },
                scanned("“One step,\n\nthen another,\n\nthen a third,\n\nthen one more,” "
                        .. "Lin said."))
  end)

  it("does not run a quote on into a paragraph that opens one first", function()
    assert.same({ "“We will open the route,", "“in May”" },
                scanned("“We will open the route,\n\nNobody said “in May” at all,” he said."))
    -- nor over a mark that may as well open (an apostrophe typed as ")
    assert.same({ '"s mills.', '"s best year, they said.' },
                scanned('Output rose at Nordale"s mills.\n\nIt is Nordale"s best year, '
                        .. 'they said.'))
  end)

  it("does not take apostrophes for quotation marks", function()
    assert.same({}, scanned("Lin’s plan, the Smiths’ house and the ’90s: don't ask, it's late."))
    assert.same({}, scanned("Rock 'n' roll in the '80s was the Joneses' thing."))
    assert.same({ "'It's done,'" }, scanned("'It's done,' she said of Lin’s plan."))
  end)

  it("handles empty text, marks at the edges and malformed bytes", function()
    assert.same({}, quotes.scan(""))
    assert.same({}, quotes.scan("\""))
    assert.same({ '"a\255b"' }, scanned('"a\255b"'))
    assert.same({ "“end”" }, scanned("“end”"))
  end)

  it("raises on a bad argument", function()
    assert.has_error(function() quotes.scan(nil) end,
                     "bad argument #1 to 'scan' (string expected, got nil)")
  end)
end)

describe("glean.news.quotes.paragraphs", function()
  it("splits at line breaks, and at blank lines only in hard-wrapped text", function()
    local text = "  First line.  \nSecond line.\n\n\n  Third after a blank line.\n"
    local got = {}
    for i, p in ipairs(quotes.paragraphs(text)) do got[i] = text:sub(p.start, p.stop) end
    assert.same({ "First line.", "Second line.", "Third after a blank line." }, got)
    local line = "The harbour council met on Monday to discuss the plan for\n"
    text = line:rep(6) .. "\nA second paragraph starts here.\n"
    got = {}
    for i, p in ipairs(quotes.paragraphs(text)) do got[i] = text:sub(p.start, p.stop) end
    assert.same({ line:rep(6):sub(1, -2), "A second paragraph starts here." }, got)
  end)
end)

describe("glean.news.quotes.speaker_kind", function()
  it("tells names, descriptions and pronouns apart", function()
    assert.equal("pronoun", quotes.speaker_kind{ "she" })
    assert.equal("name", quotes.speaker_kind{ "Dame", "Olive", "Park" })
    assert.equal("description", quotes.speaker_kind{ "several", "harbour", "officials" })
    assert.equal("description", quotes.speaker_kind{ "the", "newspaper" })
    assert.equal("name", quotes.speaker_kind{ "the", "Harbour", "Trust" })
  end)
end)

describe("news quote rules", function()
  it("finds a speaker named before a cue after the quote", function()
    local q = found(run("“We will rebuild the bridge,” Ada Lin said."))
    assert.equal(1, #q)
    assert.equal("Ada Lin", q[1].speaker)
    assert.equal("name", q[1].kind)
    assert.equal("said", q[1].attrs.cue)
  end)

  it("finds the speaker of a quote in text tokenised beforehand", function()
    local q = found(run('" The tolls stay , " said Ada Lin , the transport chief .'))
    assert.equal(1, #q)
    assert.equal("Ada Lin", q[1].speaker)
    assert.equal("said", q[1].attrs.cue)
  end)

  it("finds a speaker after an inverted cue", function()
    local q = found(run("“The tolls stay,” said Ada Lin, the transport chief, on Monday."))
    assert.equal("Ada Lin", q[1].speaker)
    assert.equal("said", q[1].attrs.cue)
  end)

  it("finds a speaker before a cue before the quote", function()
    local q = found(run("Ada Lin warned: “The ferry is not safe.”"))
    assert.equal("Ada Lin", q[1].speaker)
    assert.equal("warned", q[1].attrs.cue)
  end)

  it("finds the speaker of 'X told reporters'", function()
    local q = found(run("Ada Lin told reporters “the ferry is not safe” after the meeting."))
    assert.equal("Ada Lin", q[1].speaker)
    assert.equal("told", q[1].attrs.cue)
  end)

  it("does not take a dateline into the speaker", function()
    for _, text in ipairs{
      "OSLO, March 3, 2025 - Dame Kari Holm, the director of the Polar Institute (PI), said "
        .. "on Friday that the plan was “far from ready”.",
      "OSLO (Wire) - Dame Kari Holm said on Friday that the plan was “far from ready”." } do
      local q = found(run(text))
      assert.equal(1, #q)
      assert.equal("Dame Kari Holm", q[1].speaker)
    end
  end)

  it("finds the speaker of each of several quotes in a row", function()
    local q = found(run("“We stay,” Ada Lin said. “We go,” said Tom Hale, the mayor. “We wait,” "
                        .. "Kari Holm said, “and we see.”"))
    assert.equal(4, #q)
    assert.equal("Ada Lin", q[1].speaker)
    assert.equal("Tom Hale", q[2].speaker)
    assert.equal("Kari Holm", q[3].speaker)
    assert.equal("Kari Holm", q[4].speaker)
    for i = 1, 4 do assert.equal("said", q[i].attrs.cue) end
  end)

  it("leaves a parenthesised part out of the speaker", function()
    for _, text in ipairs{
      "“The tolls stay,” said Sen. Ada Lin (D-Oslo), the transport chief, on Monday.",
      "Sen. Ada Lin (D-Oslo), the transport chief, said: “The tolls stay.”" } do
      local q = found(run(text))
      assert.equal(1, #q)
      assert.equal("Sen. Ada Lin", q[1].speaker)
      assert.equal("said", q[1].attrs.cue)
    end
  end)

  it("takes the name before a role in apposition that has no article", function()
    local q = found(run("Ruth Ames, chief executive of Ames Freight Ltd, told reporters that "
                        .. "the firm would “wait and see”."))
    assert.equal(1, #q)
    assert.equal("Ruth Ames", q[1].speaker)
  end)

  it("gives no speaker to a short quote near a passive verb or a possessive", function()
    local q = found(run("The city will build a “sea wall”, given the trips to Riga being read "
                        .. "as a test. Oslo’s neighbours will back a new “ice shield” soon."))
    assert.equal(2, #q)
    assert.is_nil(q[1].speaker)
    assert.is_nil(q[2].speaker)
    assert.is_true(q[1].attrs.scare)
    assert.is_true(q[2].attrs.scare)
  end)

  it("takes the name of an apposition after the quote, far from the cue", function()
    local q = found(run("There is “no plan at all” that the harbour will reopen this year, "
                        .. "Dame Olive Park, the head of the Port Authority (the regional "
                        .. "agency) warned on Monday."))
    assert.equal(1, #q)
    assert.equal("Dame Olive Park", q[1].speaker)
    assert.equal("warned", q[1].attrs.cue)
    assert.is_nil(q[1].attrs.scare)
  end)

  it("finds 'X added that Y was “…”' across the clause", function()
    local q = found(run("Speaking in Leeds, after ten years in the job, Sir Tom Hale added "
                        .. "that the council was “dragging its feet”"))
    assert.equal("Sir Tom Hale", q[1].speaker)
    assert.equal("added that", q[1].attrs.cue)
  end)

  it("finds a group described as the speaker of 'have reiterated'", function()
    local q = found(run("While several harbour officials have reiterated the town’s "
                        .. "“firm commitment” to the plan, nothing has moved."))
    assert.equal("several harbour officials", q[1].speaker)
    assert.equal("description", q[1].kind)
    assert.equal("have reiterated", q[1].attrs.cue)
  end)

  it("finds 'according to X' before and after the quote", function()
    local q = found(run("“The vote was rigged,” according to the newspaper."))
    assert.equal("the newspaper", q[1].speaker)
    assert.equal("according to", q[1].attrs.cue)
    q = found(run("According to the union, the offer was “an insult to every nurse.”"))
    assert.equal("the union", q[1].speaker)
  end)

  it("links a pronoun speaker to the most recent speaker", function()
    local q = found(run("“The tolls stay,” Ada Lin said. The crowd booed.\n\n"
                        .. "“We have no other money,” she added."))
    assert.equal(2, #q)
    assert.equal("she", q[2].speaker)
    assert.equal("pronoun", q[2].kind)
    assert.equal("Ada Lin", q[2].antecedent)
  end)

  it("links a pronoun to a compatible speaker: 'it' to an organisation", function()
    local orgs = glean.phase{ name = "orgs", rules = {
      glean.rule{ name = "org", label = "ORG", pattern = glean.pattern.text"Trust" },
      glean.rule{ name = "person", label = "PERSON",
                  pattern = glean.pattern.text"Ada" * glean.pattern.text"Lin" },
    } }
    local doc = run("“We will sell,” Trust said. “The tolls stay,” Ada Lin said.\n\n"
                    .. "“The sale is off,” it said.", { orgs })
    local q = found(doc)
    assert.equal("it", q[3].speaker)
    assert.equal("Trust", q[3].antecedent)
  end)

  it("gives a continuation quote the previous quote's speaker (mixed marks)", function()
    local q = found(run('“The tide is turning. But slowly," Lin said. "Nobody expected it. '
                        .. 'Not even us.”'))
    assert.equal(2, #q)
    assert.equal("Lin", q[1].speaker)
    assert.equal("Lin", q[2].speaker)
    assert.is_true(q[2].attrs.continues)
    assert.is_nil(q[2].attrs.cue)
    assert.equal("Lin", q[2].antecedent)
  end)

  it("carries a quote over a paragraph break", function()
    local q = found(run("Ada Lin said: “The first part is done.\n\n"
                        .. "“The second part starts now and will take a year.”"))
    assert.equal(2, #q)
    assert.equal("Ada Lin", q[1].speaker)
    assert.equal("Ada Lin", q[2].speaker)
    assert.is_true(q[2].attrs.continues)
  end)

  it("finds the speaker of a quote carried over a paragraph without a new mark", function()
    local q = found(run("Ada Lin spoke at the depot.\n\n“We will open the route in May, and\n\n"
                        .. "we will extend it to the coast after that,” she said."))
    assert.equal(1, #q)
    assert.equal("she", q[1].speaker)
    assert.equal("said", q[1].attrs.cue)
    assert.matches("extend it to the coast after that,”$", q[1].text)
  end)

  it("gives a re-opened continuation's speaker to the paragraphs it continues", function()
    local q = found(run("Ada Lin spoke at the depot. “We will open the route in May.\n\n"
                        .. "“Then we will extend it to the coast,” she said."))
    assert.equal(2, #q)
    assert.equal("she", q[1].speaker)
    assert.equal("she", q[2].speaker)
    assert.is_nil(q[1].attrs.continues)
    assert.is_true(q[2].attrs.continues)
    assert.equal("said", q[2].attrs.cue)
    -- over three paragraphs, and a short first part is no scare quote
    q = found(run("The depot opened. “It is late.\n\n“The route took four years to plan.\n\n"
                  .. "“Now it is done,” Ada Lin said."))
    assert.equal(3, #q)
    for i = 1, 3 do assert.equal("Ada Lin", q[i].speaker) end
    assert.is_nil(q[1].attrs.scare)
    -- a part with a speaker of its own keeps it
    q = found(run("Tom Hale said: “It is late.\n\n“Now it is done,” Ada Lin said."))
    assert.equal("Tom Hale", q[1].speaker)
    assert.equal("Ada Lin", q[2].speaker)
  end)

  it("carries a speaker to the next quote after a sentence that ends with an abbreviation",
     function()
    local q = found(run('"Sales will rise," said Ada Lin of Nordale Freight Inc. "The winter '
                        .. 'was mild and costs fell."\n\n"Nobody expected that," she added.'))
    assert.equal(3, #q)
    assert.equal("Ada Lin of Nordale Freight Inc.", q[1].speaker)
    assert.equal("Ada Lin of Nordale Freight Inc.", q[2].speaker)
    assert.is_true(q[2].attrs.continues)
    assert.equal("she", q[3].speaker)
  end)

  it("keeps hyphenated words in a described speaker", function()
    local q = found(run("“We will build the line,” the so-called transport chief of the city "
                        .. "said."))
    assert.equal("the so-called transport chief of the city", q[1].speaker)
    assert.equal("description", q[1].kind)
    q = found(run("“We will build the line,” said the so-called transport chief of the city."))
    assert.equal("the so-called transport chief of the city", q[1].speaker)
    q = found(run("The self-styled reformer attacked the plan, saying “it will never work.”"))
    assert.equal("The self-styled reformer", q[1].speaker)
    q = found(run("“It will never work,” the then-mayor of the town said."))
    assert.equal("the then-mayor of the town", q[1].speaker)
    -- a spaced hyphen still separates ("OSLO - Dame Kari Holm said")
    q = found(run("OSLO - Dame Kari Holm said on Friday that the plan was “far from ready”."))
    assert.equal("Dame Kari Holm", q[1].speaker)
  end)

  it("leaves scare quotes without a speaker", function()
    local q = found(run("“The tolls stay,” Ada Lin said. The town wants a “green corridor” "
                        .. "by spring.\n\nInstead, the ‘old guard’ — as ever — stays home."))
    assert.equal(3, #q)
    assert.is_nil(q[2].speaker)
    assert.is_true(q[2].attrs.scare)
    assert.is_nil(q[3].speaker)
    assert.is_true(q[3].attrs.scare)
  end)

  it("makes scare quotes of quotes of four words or fewer only", function()
    local q = found(run("The town wants a “new green corridor by spring” soon. It wants a "
                        .. "“green corridor” too."))
    assert.equal(2, #q)
    assert.is_nil(q[1].attrs.scare)
    assert.is_true(q[2].attrs.scare)
  end)

  it("works without entity spans and with them", function()
    local people = glean.phase{ name = "people", rules = {
      glean.rule{ name = "person", label = "PERSON",
                  pattern = glean.pattern.text"Ada" * glean.pattern.text"Lin" },
    } }
    local doc = run("“We will rebuild the bridge,” Ada Lin said.", { people })
    assert.equal(1, #doc:spans("PERSON"))
    assert.equal("Ada Lin", found(doc)[1].speaker)
  end)

  it("makes SPEAKER spans and speaker links", function()
    local doc = run("“We will rebuild the bridge,” Ada Lin said.")
    local sp = doc:spans("SPEAKER")
    assert.equal(1, #sp)
    assert.equal("name", sp[1].attrs.kind)
    local links = doc:links("speaker")
    assert.equal(1, #links)
    assert.equal("QUOTE", links[1].from.label)
    assert.equal(sp[1], links[1].to)
  end)

  it("does not attribute across an unbalanced mark's paragraph", function()
    local q = found(run("The report was “a failure and left.\n\nThe council met on Tuesday, "
                        .. "Ada Lin said."))
    assert.equal(1, #q)
    assert.is_nil(q[1].speaker)
  end)
end)
