-- The news lexicons: the generator, the hand-written lists, precedence of
-- the entries of one phrase, loading (compiled and from the lists).
local support = require "support"
local glean = require "glean"
local lexicon = require "glean.news.lexicon"

local temp_dir, write = support.temp_dir, support.write_file

local function rm(dir) os.execute("rm -rf '" .. dir .. "'") end

local function run(cmd)
  local p = assert(io.popen(cmd .. " 2>&1; echo status=$?"))
  local out = p:read("*a")
  p:close()
  return out
end

-- The rows of a TSV file as {phrase, label, attrs-as-text}, by phrase.
local function rows_by_phrase(path)
  local by = {}
  for line in io.lines(path) do
    local phrase, rest = line:match("^([^\t]*)\t(.*)$")
    by[phrase] = by[phrase] or {}
    table.insert(by[phrase], rest)
  end
  return by
end

local function has_row(by, phrase, text)
  for _, r in ipairs(by[phrase] or {}) do if r == text then return true end end
  return false
end

-- Labels and entries at each matched span, in the order reported.
local function readings(m, text, opts)
  local out = {}
  for _, h in ipairs(m:find(text, opts or { overlap = "all" })) do
    out[#out + 1] = { text = h.text, entry = h.entry, start = h.start }
  end
  return out
end

local function labels_of(m, text, phrase)
  local out = {}
  for _, r in ipairs(readings(m, text)) do
    if r.text == phrase then out[#out + 1] = r.entry.label .. (r.entry.type and
      ("/" .. r.entry.type) or "") end
  end
  return table.concat(out, " ")
end

local GENERATED = "build/data"
local function generated(file) return support.read_file(GENERATED .. "/" .. file) ~= nil end

describe("tools/gen_lexicons.lua", function()
  it("turns small Debian-like inputs into sorted lists, with its filters", function()
    local src, out = temp_dir(), temp_dir()
    write(src .. "/iso_3166-1.json", [[{"3166-1": [
      {"alpha_2": "KR", "name": "Korea, Republic of", "common_name": "South Korea"},
      {"alpha_2": "PS", "name": "Palestine, State of", "official_name": "the State of Palestine"},
      {"alpha_2": "GE", "name": "Georgia"},
      {"alpha_2": "JE", "name": "Jersey"}]}]])
    write(src .. "/iso_3166-2.json", [[{"3166-2": [
      {"code": "US-GA", "name": "Georgia", "type": "State"},
      {"code": "ES-MD", "name": "Madrid, Comunidad de", "type": "Autonomous community"},
      {"code": "FR-CVL", "name": "Centre", "type": "Metropolitan region"},
      {"code": "PH-03", "name": "Central Luzon (Region III)", "type": "Region"},
      {"code": "BE-WAL", "name": "wallonne, R\u00e9gion", "type": "Region"},
      {"code": "MA-SAL", "name": "Sal\u00e9", "type": "Prefecture"},
      {"code": "DE-TH", "name": "Th\u00fcringen", "type": "Land"}]}]])
    write(src .. "/iso_4217.json", [[{"4217": [
      {"alpha_3": "EUR", "name": "Euro"}, {"alpha_3": "ALL", "name": "Lek"}]}]])
    write(src .. "/zone.tab", "# comment\nUA\t+5026+03031\tEurope/Kyiv\tmost of Ukraine\n"
      .. "AR\t-3436-05827\tAmerica/Argentina/Buenos_Aires\n"
      .. "JE\t+491101-0020624\tEurope/Jersey\n"
      .. "US\t+470659-1011757\tAmerica/North_Dakota/Center\n"
      .. "AQ\t-7750+16636\tAntarctica/McMurdo\n")
    write(src .. "/words", "all\ncentre\ncenter\nlek's\nGeorgia\nMay\nmay\nsale\n")
    local log = run(("ISO_CODES='%s' ZONE_TAB='%s/zone.tab' WORDS='%s/words' "
      .. "lua5.4 tools/gen_lexicons.lua gen '%s'"):format(src, src, src, out))
    assert.matches("status=0", log)

    local countries = rows_by_phrase(out .. "/countries.tsv")
    assert.is_true(has_row(countries, "Republic of Korea", "LOC\ttype=country\tcode=KR"))
    assert.is_true(has_row(countries, "South Korea", "LOC\ttype=country\tcode=KR"))
    assert.is_nil(countries["Korea"])                   -- ambiguous: it has a common name
    assert.is_true(has_row(countries, "Palestine", "LOC\ttype=country\tcode=PS"))
    assert.is_true(has_row(countries, "State of Palestine", "LOC\ttype=country\tcode=PS"))
    assert.is_true(has_row(countries, "Georgia", "LOC\ttype=country\tcode=GE"))

    local subs = rows_by_phrase(out .. "/subdivisions.tsv")
    assert.is_true(has_row(subs, "Georgia",
      "LOC\ttype=subdivision\tcode=US-GA\tcountry=US\tdivision=state"))
    assert.is_true(has_row(subs, "Madrid",
      "LOC\ttype=subdivision\tcode=ES-MD\tcountry=ES\tdivision=autonomous_community"))
    assert.is_true(has_row(subs, "Central Luzon",
      "LOC\ttype=subdivision\tcode=PH-03\tcountry=PH\tdivision=region"))
    assert.is_nil(subs["Centre"])                        -- an English word
    assert.is_nil(subs["wallonne"])
    assert.is_nil(subs["Salé"])                          -- "sale", once its accent is folded
    assert.is_true(has_row(subs, "Thüringen",
      "LOC\ttype=subdivision\tcode=DE-TH\tcountry=DE\tdivision=land"))

    local cities = rows_by_phrase(out .. "/cities.tsv")
    assert.is_true(has_row(cities, "Kyiv", "LOC\ttype=city\tcountry=UA\ttz=Europe/Kyiv"))
    assert.is_true(has_row(cities, "Buenos Aires",
      "LOC\ttype=city\tcountry=AR\ttz=America/Argentina/Buenos_Aires"))
    assert.is_nil(cities["Jersey"])                      -- a country
    assert.is_nil(cities["Center"])                      -- a word
    assert.is_nil(cities["McMurdo"])                     -- Antarctica

    local cur = rows_by_phrase(out .. "/iso_currencies.tsv")
    assert.is_true(has_row(cur, "Euro", "CURRENCY\tcode=EUR"))
    assert.is_true(has_row(cur, "EUR", "CURRENCY\tcode=EUR"))
    assert.is_true(has_row(cur, "Lek", "CURRENCY\tcode=ALL"))
    assert.is_nil(cur["ALL"])                            -- "all" is a word

    assert.equal("all\tCOMMON\ncenter\tCOMMON\ncentre\tCOMMON\nmay\tCOMMON\nsale\tCOMMON\n",
                 support.read_file(out .. "/common.tsv"))
    assert.equal("Georgia\tPROPER\nMay\tPROPER\n", support.read_file(out .. "/proper.tsv"))
    rm(src); rm(out)
  end)

  it("has written the lists of the installed Debian packages (make data)", function()
    if not generated("countries.tsv") then
      return pending("no " .. GENERATED .. "/countries.tsv: run make data")
    end
    local countries = rows_by_phrase(GENERATED .. "/countries.tsv")
    assert.is_true(has_row(countries, "France", "LOC\ttype=country\tcode=FR"))
    assert.is_true(has_row(countries, "Georgia", "LOC\ttype=country\tcode=GE"))
    assert.is_true(has_row(countries, "United Kingdom", "LOC\ttype=country\tcode=GB"))
    assert.is_true(has_row(countries, "Iran", "LOC\ttype=country\tcode=IR"))
    local subs = rows_by_phrase(GENERATED .. "/subdivisions.tsv")
    assert.is_true(has_row(subs, "Georgia",
      "LOC\ttype=subdivision\tcode=US-GA\tcountry=US\tdivision=state"))
    local cities = rows_by_phrase(GENERATED .. "/cities.tsv")
    assert.is_true(has_row(cities, "Istanbul", "LOC\ttype=city\tcountry=TR\ttz=Europe/Istanbul"))
    local cur = rows_by_phrase(GENERATED .. "/iso_currencies.tsv")
    assert.is_true(has_row(cur, "Euro", "CURRENCY\tcode=EUR"))
    local common = rows_by_phrase(GENERATED .. "/common.tsv")
    assert.truthy(common["said"] and common["the"])
    assert.is_nil(common["Moore"])
  end)
end)

describe("the hand-written lists", function()
  local hand = {}
  for _, s in ipairs(lexicon.sources()) do
    if s.origin == "hand" then hand[#hand + 1] = s end
  end

  -- What each label's rows must carry.
  local function check_entry(e)
    local l = e.label
    if l == "HONORIFIC" then return e.title ~= nil
    elseif l == "ROLE" then return e.kind == "title" or e.kind == "noun"
    elseif l == "ORG_HEAD" or l == "ORG_SUFFIX" then return e.type ~= nil
    elseif l == "ORG" then return e.id ~= nil and e.type ~= nil
    elseif l == "LOC" then
      return (e.type == "country" and e.code ~= nil) or (e.type == "city" and e.country ~= nil)
        or e.type == "region" or e.type == "continent"
    elseif l == "NORP" then
      return (e.type == "nationality" and (e.country or ""):match("^%u%u$") ~= nil)
        or e.type == "region" or e.type == "religion" or e.type == "political"
        or e.type == "ethnic"
    elseif l == "CUE" then return e.lemma ~= nil
    elseif l == "MONTH" then return type(e.num) == "number" and e.num >= 1 and e.num <= 12
    elseif l == "WEEKDAY" then return type(e.num) == "number" and e.num >= 1 and e.num <= 7
    elseif l == "CURRENCY" then return true
    elseif l == "GIVEN_NAME" then return e.gender == "m" or e.gender == "f" or e.gender == "x"
    end
    return false
  end

  it("are all there", function()
    assert.equal(10, #hand)
    for _, s in ipairs(hand) do assert.is_true(s.exists, s.path) end
  end)

  it("parse with no bad rows, with the gazetteer's loader and lexicon.read", function()
    for _, s in ipairs(hand) do
      local g = glean.gazetteer()
      local n = assert(g:load(s.path, { format = "tsv" }))
      local rows = assert(lexicon.read(s.path))
      assert.equal(n, #rows, s.path)
      assert.is_true(n > 0, s.path)
    end
  end)

  it("have known labels, the attributes each label needs, and no repeated row", function()
    local bad, seen, total = {}, {}, 0
    for _, s in ipairs(hand) do
      for _, r in ipairs(assert(lexicon.read(s.path))) do
        total = total + 1
        local phrase, e = r[1], r[2]
        if not check_entry(e) or phrase ~= phrase:gsub("^%s+", ""):gsub("%s+$", "") then
          bad[#bad + 1] = ("%s:%d: %s"):format(s.path, r[3], phrase)
        end
        local key = phrase .. "\t" .. e.label .. "\t" .. tostring(e.type) .. "\t"
          .. tostring(e.id) .. tostring(e.code) .. tostring(e.country) .. tostring(e.kind)
        if seen[key] then bad[#bad + 1] = ("%s:%d: repeated %s"):format(s.path, r[3], phrase) end
        seen[key] = true
      end
    end
    assert.same({}, bad)
    assert.is_true(total > 3000)
  end)

  it("write roles in lower case and cover the sizes asked for", function()
    local counts = {}
    for _, s in ipairs(hand) do
      for _, r in ipairs(assert(lexicon.read(s.path))) do
        local l = r[2].label
        counts[l] = (counts[l] or 0) + 1
        if l == "ROLE" and r[1]:lower() ~= r[1] then            -- "MP", "MEPs"
          assert.truthy(r[1]:match("^%u+s?$"), "a role in mixed case: " .. r[1])
        end
      end
    end
    assert.is_true(counts.ROLE >= 300)
    assert.is_true(counts.ORG >= 300)
    assert.is_true(counts.GIVEN_NAME >= 1000)
    assert.equal(12 + 20, counts.MONTH)
    assert.is_true(counts.WEEKDAY >= 14)
  end)
end)

describe("precedence of the entries of one phrase", function()
  local hand, gen, lx

  setup(function()
    hand, gen = temp_dir(), temp_dir()
    write(hand .. "/places.tsv", "Washington\tLOC\ttype=city\tcountry=US\n"
      .. "Iran\tLOC\ttype=country\tcode=IR\n")
    write(hand .. "/given_names.tsv", "Georgia\tGIVEN_NAME\tgender=f\nMay\tGIVEN_NAME\tgender=f\n"
      .. "Chad\tGIVEN_NAME\tgender=m\n")
    write(hand .. "/calendar.tsv", "May\tMONTH\tnum=5\n")
    write(hand .. "/orgs.tsv", "NATO\tORG\tid=nato\ttype=international\n"
      .. "Nato\tORG\tid=nato\ttype=international\n")
    write(gen .. "/subdivisions.tsv",
      "Georgia\tLOC\ttype=subdivision\tcode=US-GA\tcountry=US\n"
      .. "Washington\tLOC\ttype=subdivision\tcode=US-WA\tcountry=US\n")
    write(gen .. "/countries.tsv", "Georgia\tLOC\ttype=country\tcode=GE\n"
      .. "Iran\tLOC\ttype=country\tcode=IR\tfrom=iso\n"
      .. "Chad\tLOC\ttype=country\tcode=TD\n")
    write(gen .. "/cities.tsv", "Washington\tLOC\ttype=city\tcountry=US\ttz=x\n")
    write(gen .. "/common.tsv", "may\tCOMMON\nchad\tCOMMON\n")
    write(gen .. "/proper.tsv", "May\tPROPER\n")
    lx = assert(lexicon.build{ sources = hand, generated = gen })
  end)

  teardown(function() rm(hand); rm(gen) end)

  it("orders by label, then hand-written before generated, then by type", function()
    assert.equal("LOC/country LOC/subdivision GIVEN_NAME", labels_of(lx.news, "Georgia", "Georgia"))
    assert.equal("MONTH GIVEN_NAME", labels_of(lx.news, "in May", "May"))
    assert.equal("LOC/city LOC/subdivision", labels_of(lx.news, "Washington", "Washington"))
    -- the first entry is what a longest-match query's first hit and replace use
    assert.equal("MONTH", lx.news:find("May")[1].entry.label)
    assert.equal("in GE", (lx.news:replace("in Georgia", function(e) return e.code end)))
  end)

  it("drops a generated entry that a hand-written one gives, keeps one NATO", function()
    local iran = readings(lx.news, "Iran")
    assert.equal(1, #iran)
    assert.is_nil(iran[1].entry.from)
    local washington = readings(lx.news, "Washington")
    assert.equal(2, #washington)                       -- the tz city is the hand-written one
    assert.is_nil(washington[1].entry.tz)
    assert.equal(1, #readings(lx.news, "NATO"))
    assert.equal(1, #readings(lx.news, "Nato"))
  end)

  it("marks names that are English words, and keeps the words apart", function()
    local chad = readings(lx.news, "Chad")
    assert.equal("LOC", chad[1].entry.label)
    assert.equal("1", chad[1].entry.common)
    assert.equal("1", chad[2].entry.common)
    assert.is_nil(readings(lx.news, "Georgia")[1].entry.common)
    assert.is_nil(readings(lx.news, "May")[1].entry.common)  -- MONTH is not marked
    assert.equal("COMMON PROPER", labels_of(lx.words, "May", "May"))
    assert.equal(0, #lx.news:find("may", { labels = { "COMMON" } }))
  end)

  it("reports lists that are missing, and bad rows with their place", function()
    local missing = {}
    for _, p in ipairs(lx.missing) do missing[p] = true end
    assert.is_true(missing[hand .. "/cues.tsv"])
    assert.is_nil(missing[hand .. "/places.tsv"])
    assert.equal(16 - 9, #lx.missing)
    local bad = temp_dir()
    write(bad .. "/roles.tsv", "president\tROLE\tkind=title\nno label here\n")
    local ok, err = lexicon.build{ sources = bad, generated = bad }
    assert.is_nil(ok)
    assert.equal(bad .. "/roles.tsv:2: a phrase and a label expected", err)
    write(bad .. "/roles.tsv", "president\tROLE\tkind\n")
    ok, err = lexicon.build{ sources = bad, generated = bad }
    assert.is_nil(ok)
    assert.matches("roles.tsv:1: bad attribute 'kind'", err, 1, true)
    rm(bad)
  end)
end)

describe("lexicon.load", function()
  local compiled = support.read_file(GENERATED .. "/news.glz") ~= nil
                   and support.read_file(GENERATED .. "/words.glz") ~= nil

  it("loads the compiled files of build/data, once", function()
    if not compiled then return pending("no " .. GENERATED .. "/news.glz: run make data") end
    local lx = assert(lexicon.load())
    assert.is_true(lx.compiled)
    assert.matches("build/data$", lx.dir)
    assert.same({}, lx.missing)
    assert.equal(lx.news, lx.matchers[1])
    assert.equal(1, #lx.matchers)
    assert.is_true(#lx.news > 5000)
    assert.is_true(#lx.words > 50000)
    assert.equal(lx, lexicon.load())                   -- cached
    local again = assert(lexicon.load{ path = GENERATED })
    assert.equal(again, lexicon.load{ path = GENERATED })
    assert.is_true(again.compiled)
  end)

  it("lists the common words for token sets, once", function()
    if not generated("common.tsv") then return pending("no " .. GENERATED .. "/common.tsv: run make data") end
    local words = lexicon.common_words()
    assert.is_true(#words > 50000)
    local set = {}
    for _, w in ipairs(words) do set[w] = true end
    assert.is_true(set["the"] and set["bluntly"] and set["turkey"])
    assert.is_nil(set["Turkey"])
    assert.equal(words, lexicon.common_words())
  end)

  it("reads every COMMON line of common.tsv: first, last without a line break, CRLF", function()
    -- (a child process: GLEAN_DATA is read, and the list kept, once per process)
    local dir = temp_dir()
    write(dir .. "/common.tsv", "first\tCOMMON\r\nsecond word\tCOMMON\nname\tPROPER\n"
                                .. "prefix\tCOMMONER\nlast\tCOMMON")
    local rt = support.runtime()
    local out = run("GLEAN_DATA='" .. dir .. "' " .. support.interpreter()
                    .. " -e \"package.path = 'lua/?.lua;lua/?/init.lua;' .. package.path;"
                    .. " package.cpath = 'build/" .. rt .. "/?.so;' .. package.cpath;"
                    .. " io.write(table.concat(require('glean.news.lexicon').common_words(), '|'), '\\n')\"")
    rm(dir)
    assert.equal("first|second word|last\nstatus=0\n", out)
  end)

  it("takes GLEAN_DATA's directory and build/data before the installed place", function()
    if not compiled then return pending("no " .. GENERATED .. "/news.glz: run make data") end
    local lx = assert(lexicon.load())
    -- with GLEAN_DATA unset in the suite, the source tree's build/data is found
    if os.getenv("GLEAN_DATA") then return pending("GLEAN_DATA is set") end
    assert.matches("/build/data$", "/" .. lx.dir)
  end)

  it("says when a given path has no lexicons", function()
    local empty = temp_dir()
    local lx, err = lexicon.load{ path = empty }
    assert.is_nil(lx)
    assert.matches("news.glz", err, 1, true)
    rm(empty)
    assert.has_error(function() lexicon.load("build/data") end,
      "bad argument #1 to 'load' (table expected, got string)")
    assert.has_error(function() lexicon.load{ path = 1 } end,
      "bad option 'path' (string expected, got number)")
  end)

  it("builds from the lists in memory when asked or when nothing is compiled", function()
    local lx = assert(lexicon.load{ compiled = false })
    assert.is_false(lx.compiled)
    assert.is_nil(lx.dir)
    assert.equal(lx, lexicon.load{ compiled = false })
    assert.equal(lx.news, lx.matchers[1])
    local hits = readings(lx.news, "Sir Ann told Reuters")
    assert.equal("HONORIFIC", hits[1].entry.label)
    if generated("common.tsv") and compiled then
      assert.same({}, lx.missing)
      local from_file = assert(lexicon.load())
      assert.equal(#from_file.news, #lx.news)
      assert.equal(#from_file.words, #lx.words)
    else
      assert.is_true(#lx.missing > 0)
    end
  end)

  it("lists its sources", function()
    local s = lexicon.sources()
    assert.equal(16, #s)
    assert.matches("data/lexicons/cues.tsv$", s[1].path)
    assert.equal("hand", s[1].origin)
    assert.equal("news", s[1].matcher)
    assert.equal("words", s[#s].matcher)
    assert.matches("build/data/proper.tsv$", s[#s].path)
    assert.equal("/x/roles.tsv", lexicon.sources{ sources = "/x" }[9].path)
  end)
end)

describe("the news lexicon on a sentence", function()
  local text = "Sir Ann Leigh, Britain's foreign minister, told Reuters in Kyiv on Friday "
    .. "3 May that NATO and the European Union (EU) would act, the Russian premier said."

  local function check(lx, full)
    local got = {}
    for _, h in ipairs(lx.news:find(text)) do     -- longest matches, first entry each
      if not got[h.text] then got[h.text] = h.entry end
    end
    assert.equal("HONORIFIC", got["Sir"].label)
    assert.equal("Sir", got["Sir"].title)
    assert.equal("GIVEN_NAME", got["Ann"].label)
    assert.is_nil(got["Leigh"])
    assert.equal("LOC", got["Britain"].label)
    assert.equal("GB", got["Britain"].code)
    assert.equal("ROLE", got["foreign minister"].label)
    assert.equal("title", got["foreign minister"].kind)
    assert.is_nil(got["minister"])                   -- inside the longer role
    assert.equal("CUE", got["told"].label)
    assert.equal("tell", got["told"].lemma)
    assert.equal("ORG", got["Reuters"].label)
    assert.equal("LOC", got["Kyiv"].label)
    assert.equal("city", got["Kyiv"].type)
    assert.equal("WEEKDAY", got["Friday"].label)
    assert.equal(5, got["Friday"].num)
    assert.equal("MONTH", got["May"].label)
    assert.equal(5, got["May"].num)
    assert.equal("nato", got["NATO"].id)
    assert.equal("eu", got["European Union"].id)
    assert.equal("eu", got["EU"].id)
    assert.equal("NORP", got["Russian"].label)
    assert.equal("RU", got["Russian"].country)
    assert.equal("ROLE", got["premier"].label)
    assert.equal("say", got["said"].lemma)
    assert.is_nil(got["that"])
    if full then
      local words = {}
      for _, h in ipairs(lx.words:find("Zelenskyy told the premier", { overlap = "all" })) do
        words[#words + 1] = h.text .. ":" .. h.entry.label
      end
      assert.same({ "told:COMMON", "the:COMMON", "premier:COMMON" }, words)
    end
  end

  it("finds the expected labels with the compiled lexicons", function()
    if not generated("news.glz") then return pending("no compiled lexicons: run make data") end
    check(assert(lexicon.load()), true)
  end)

  it("finds the expected labels with the lexicons built in memory", function()
    check(assert(lexicon.load{ compiled = false }), generated("common.tsv"))
  end)
end)
