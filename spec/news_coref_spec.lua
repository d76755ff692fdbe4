-- Coreference paths that the speed work gave shortcuts: surnames found
-- again whatever their letters, people sorted with and without
-- table.sort, and the union-find over many mentions. Sentences written for
-- these specs.
local news = require "glean.news"

local support = require "support"
local entity_of, mention_texts = support.entity_of, support.mention_texts

describe("news coreference (found again)", function()
  it("finds a surname again in title case and in capitals, ASCII or not", function()
    local r = news.extract("Sir Tomas Brandt, a diplomat, arrived. Brandt's car was late. "
      .. "Later BRANDT left. Dr Emily Brontë spoke. Brontë's car was late. "
      .. "The vote on Brontë's plan failed.")
    local brandt = entity_of(r, "Tomas Brandt", "PERSON")
    assert.same({ "Tomas Brandt", "Brandt", "BRANDT" }, mention_texts(brandt))
    local bronte = entity_of(r, "Emily Brontë", "PERSON")
    assert.same({ "Emily Brontë", "Brontë", "Brontë" }, mention_texts(bronte))
  end)

  it("finds a surname that starts with a capital beyond ASCII, as an ASCII one", function()
    -- (mid-sentence, where only the names found before can find them)
    local pairs_ = {
      { "Émile Éluard wrote the letter on Tuesday. Critics praised Éluard on Friday.",
        "Emile Eluard wrote the letter on Tuesday. Critics praised Eluard on Friday.",
        "Émile Éluard", "Éluard", "Emile Eluard" },
      { "Ivana Ільченко chaired the panel. Reporters asked Ільченко about the budget.",
        "Ivana Ilchenko chaired the panel. Reporters asked Ilchenko about the budget.",
        "Ivana Ільченко", "Ільченко", "Ivana Ilchenko" },
    }
    for _, p in ipairs(pairs_) do
      local wide, ascii = news.extract(p[1]), news.extract(p[2])
      local e = entity_of(wide, p[3], "PERSON")
      assert.same({ p[3], p[4] }, mention_texts(e))
      assert.equal(#entity_of(ascii, p[5], "PERSON").mentions, #e.mentions)
      assert.equal(#ascii.entities, #wide.entities)
    end
  end)

  it("finds a surname beyond ASCII again in title case and in capitals", function()
    local r = news.extract("Zoë Ångström opened the hall. Guests thanked Ångström, "
      .. "and a sign said ÅNGSTRÖM.")
    assert.same({ "Zoë Ångström", "Ångström", "ÅNGSTRÖM" },
                mention_texts(entity_of(r, "Zoë Ångström", "PERSON")))
  end)

  it("finds surnames again in a text naming many people, as in a short one", function()
    -- (past some 40 names the tokens are read once rather than the text
    -- searched once per name)
    local parts, names = {}, {}
    for k = 1, 50 do
      names[k] = "Holt" .. string.char(97 + k % 26, 97 + math.floor(k / 26) % 26)
      parts[#parts + 1] = ("Dr Anna %s opened hall %d."):format(names[k], k)
    end
    parts[#parts + 1] = "Zoë Ångström opened the last hall."
    for k = 1, 50 do parts[#parts + 1] = ("Guests thanked %s warmly."):format(names[k]) end
    parts[#parts + 1] = "A sign said ÅNGSTRÖM. The holtab was a local cake."
    local r = news.extract(table.concat(parts, " "))
    for k = 1, 50 do
      assert.same({ "Anna " .. names[k], names[k] },
                  mention_texts(entity_of(r, "Anna " .. names[k], "PERSON")))
    end
    assert.same({ "Zoë Ångström", "ÅNGSTRÖM" },
                mention_texts(entity_of(r, "Zoë Ångström", "PERSON")))
    local short = news.extract("Dr Anna Holtab opened hall 1. Guests thanked Holtab warmly.")
    assert.same({ "Anna Holtab", "Holtab" },
                mention_texts(entity_of(short, "Anna Holtab", "PERSON")))
  end)

  it("does not take a surname written in small letters", function()
    local r = news.extract("Hanna Vikt spoke first. The vikt was a local cake.")
    assert.same({ "Hanna Vikt" }, mention_texts(entity_of(r, "Hanna Vikt", "PERSON")))
  end)
end)

describe("news coreference (nested places)", function()
  -- A lexicon's place over exactly the tokens of an organisation's name is
  -- that organisation, not a second entity: also far into a long article.
  for _, before in ipairs({ 0, 60 }) do
    it("joins no place to an organisation over the same words (" .. before
       .. " sentences before)", function()
      local parts = {}
      for k = 1, before do
        parts[k] = ("Officials in Geneva met Lena Berg%d on day %d."):format(k, k)
      end
      parts[#parts + 1] = "The collapse of the Soviet Union changed everything, Mira Holt said."
      local r = news.extract(table.concat(parts, " "))
      local org = entity_of(r, "Soviet Union", "ORG")
      assert.is_not_nil(org)
      assert.same({ "Soviet Union" }, mention_texts(org))
      assert.is_nil(entity_of(r, "Soviet Union", "LOC"))
    end)
  end
end)

describe("news coreference (distinct mentions)", function()
  -- Two lexicon readings of a place over the same tokens are one mention.
  local function assert_distinct(r)
    for _, e in ipairs(r.entities) do
      local seen = {}
      for _, m in ipairs(e.mentions) do
        local at = m.start .. ":" .. m.stop
        assert.is_nil(seen[at], e.name .. " lists " .. m.text .. " twice")
        seen[at] = true
      end
    end
  end

  it("lists a place inside an organisation's name once", function()
    local r = news.extract("The Swedish embassy in Istanbul reopened on Friday.")
    assert_distinct(r)
    assert.same({ "Istanbul" }, mention_texts(entity_of(r, "Istanbul", "LOC")))
    assert.same({ "Swedish embassy in Istanbul" },
                mention_texts(entity_of(r, "Swedish embassy in Istanbul", "ORG")))
  end)

  it("keeps the place's other mentions", function()
    local text = "The Swedish embassy in Istanbul reopened on Friday, a clerk "
      .. "at the embassy in Istanbul said. Istanbul was calm."
    local r = news.extract(text)
    assert_distinct(r)
    local e = entity_of(r, "Istanbul", "LOC")
    local starts = {}
    for _, m in ipairs(e.mentions) do starts[#starts + 1] = m.start end
    local expected, pos = {}, 1
    while true do
      local s = text:find("Istanbul", pos, true)
      if not s then break end
      expected[#expected + 1] = s
      pos = s + 1
    end
    assert.same(expected, starts)
  end)
end)

describe("news report (distinct mentions of a described speaker)", function()
  it("lists a description that speaks two quotations once", function()
    local r = news.extract('"The harbour will stay shut until spring," said the harbour '
      .. 'master. "Nobody expected a storm this late."')
    assert.equal(2, #r.quotes)
    local e = entity_of(r, "the harbour master", "PERSON")
    assert.same({ "the harbour master" }, mention_texts(e))
    assert.equal(e.id, r.quotes[1].speaker)
    assert.equal(e.id, r.quotes[2].speaker)
  end)
end)

describe("news coreference (people)", function()
  -- An article naming `n` people, each by full name and then by surname,
  -- with two sharing a surname: each surname joins the nearest full name.
  local function article(n)
    local parts = {}
    for k = 1, n do
      parts[#parts + 1] = ("Anna Surname%s met the press. Surname%s spoke."):format(
        string.char(96 + (k - 1) % 26 + 1) .. string.char(96 + math.floor((k - 1) / 26) + 1),
        string.char(96 + (k - 1) % 26 + 1) .. string.char(96 + math.floor((k - 1) / 26) + 1))
    end
    parts[#parts + 1] = "Jonas Kell met Petra Kell. Petra Kell left. Kell stayed."
    return table.concat(parts, " ")
  end

  for _, n in ipairs({ 2, 40 }) do
    it("groups full names and surnames among " .. n .. " people", function()
      local r = news.extract(article(n))
      local people = 0
      for _, e in ipairs(r.entities) do
        if e.label == "PERSON" then people = people + 1 end
      end
      assert.equal(n + 2, people)
      local first = entity_of(r, "Anna Surnameaa", "PERSON")
      assert.same({ "Anna Surnameaa", "Surnameaa" }, mention_texts(first))
      local jonas, petra = entity_of(r, "Jonas Kell", "PERSON"), entity_of(r, "Petra Kell", "PERSON")
      assert.are_not.equal(jonas, petra)
      assert.same({ "Jonas Kell" }, mention_texts(jonas))
      assert.same({ "Petra Kell", "Petra Kell", "Kell" }, mention_texts(petra))
    end)
  end

  it("joins each surname to the nearest full name before it, among many", function()
    -- 24 full names share the surname (more than are searched one by one),
    -- two people taking turns: each "Smith" follows its own full name
    local parts = {}
    for day = 1, 12 do
      parts[#parts + 1] = ("John Smith spoke on day %d. Smith left. "
                           .. "Jane Smith spoke too. Smith stayed."):format(day)
    end
    local r = news.extract(table.concat(parts, "\n\n"))
    for _, name in ipairs({ "John Smith", "Jane Smith" }) do
      local want = {}
      for day = 1, 12 do want[2 * day - 1], want[2 * day] = name, "Smith" end
      assert.same(want, mention_texts(entity_of(r, name, "PERSON")))
    end
  end)
end)

describe("news entity names", function()
  -- (sentences written for these specs)
  it("keep a person's lower-case particles as written, and respell other words", function()
    local r = news.extract("Ursula von der Leyen spoke first. Von der Leyen then left. "
      .. "Sir richard Moore said little. Mark van Bommel, a coach, agreed.")
    local names = {}
    for _, e in ipairs(r.entities) do
      if e.label == "PERSON" then names[#names + 1] = e.name end
    end
    assert.same({ "Ursula von der Leyen", "Richard Moore", "Mark van Bommel" }, names)
    assert.same({ "Ursula von der Leyen", "Von der Leyen" },
                mention_texts(entity_of(r, "Ursula von der Leyen", "PERSON")))
  end)

  it("make capitalised words, a particle and a known place an organisation", function()
    local r = news.extract("Caisse Centrale Desjardins du Quebec is issuing a bond, "
      .. "bankers said. Charles de Gaulle Airport was busy, and Jean de Brissac said so.")
    local org = entity_of(r, "Caisse Centrale Desjardins du Quebec", "ORG")
    assert.is_not_nil(org)
    assert.is_nil(entity_of(r, "Caisse Centrale Desjardins du Quebec", "PERSON"))
    assert.is_not_nil(entity_of(r, "Quebec", "LOC"))
    assert.equal("Jean de Brissac", entity_of(r, "Jean de Brissac", "PERSON").name)
  end)
end)
