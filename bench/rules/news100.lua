-- English news: 100 token rules and 10 LPeg text rules, in four phases.
--
-- The rule set of the rules benchmark (bench/rules.lua), written as a user
-- would write one for newswire text:
--
--   1. lexical   (10 text rules)  dates, money, percentages, times, quotes,
--                                 e-mail addresses and handles, tickers;
--   2. entities  (66 token rules) people by their titles, organisations by
--                                 their last word, places and nationalities
--                                 from short lists, dates, amounts, roles;
--   3. context   (23 token rules) names known by what surrounds them ("X
--                                 said", "in X", "X-based", "head of X"),
--                                 positions, changes and prices, built on
--                                 the spans of phases 1 and 2;
--   4. relations (11 token rules) links between spans: a person and their
--                                 role, employer or age, a quote and its
--                                 speaker, an organisation and its acronym
--                                 or ticker.
--
-- Loaded with glean.rules.load, which runs it in a sandbox with T, rule,
-- phase, C and lpeg in scope.
-- luacheck: read globals T rule phase lpeg

local P, R, S, Cg, Cc = lpeg.P, lpeg.R, lpeg.S, lpeg.Cg, lpeg.Cc

-- Helpers -----------------------------------------------------------------

-- The words of a string, as an array: words"a b c" --> {"a", "b", "c"}.
local function words(s)
  local out = {}
  for w in s:gmatch("%S+") do out[#out + 1] = w end
  return out
end

-- Any of these phrases, word by word (exact text): phrases{"New York"}.
local function phrases(list)
  local alt
  for _, phrase in ipairs(list) do
    local seq
    for w in phrase:gmatch("%S+") do seq = seq and seq * T.text(w) or T.text(w) end
    alt = alt and alt + seq or seq
  end
  return alt
end

-- A capitalised word that is one of these (in any case): the last word of
-- "Acme Corp", "Labour Party". Title: one in title case ("Senator").
local CAPITAL = T.title + T.upper
local function Cap(list) return T.all(CAPITAL, T.lower(list)) end
local function Title(list) return T.all(T.title, T.lower(list)) end

-- The digits of a number's text as a number: "1,750" --> 1750.
local function tonum(s) return s and tonumber((s:gsub(",", ""))) end

-- Vocabulary --------------------------------------------------------------

local MONTHS = words[[january february march april may june july august september
  october november december jan jan. feb feb. mar mar. apr apr. jun jun. jul jul.
  aug aug. sep sep. sept sept. oct oct. nov nov. dec dec.]]
local WEEKDAYS = words"monday tuesday wednesday thursday friday saturday sunday"

-- Capitalised words that do not begin or continue a name.
local STOP = words[[the a an and or but nor of in on at to for from by with as if
  he she it they we i you his her its their our this that these those there here
  when while after before since until what who which where why how all some any
  no not yes also meanwhile however although though because so then now
  said says mr mr. mrs mrs. ms ms. dr dr. prof prof. sir dame lord lady
  president minister secretary chairman today yesterday tomorrow]]
for _, w in ipairs(MONTHS) do STOP[#STOP + 1] = w end
for _, w in ipairs(WEEKDAYS) do STOP[#STOP + 1] = w end

-- Last words of company names, and heads of other organisations' names:
-- never part of a person's name.
local COMPANY = words[[inc inc. corp corp. corporation co co. company cos ltd ltd.
  limited plc llc ag sa s.a. nv n.v. gmbh bv spa ab oy bhd pty lp]]
local NOT_PERSON = words[[group holdings bank bancorp partnership partners industries
  association union party ministry department university college commission
  committee council agency board trust fund lines airlines brothers]]
for _, list in ipairs{ STOP, COMPANY } do
  for _, w in ipairs(list) do NOT_PERSON[#NOT_PERSON + 1] = w end
end

-- Words of names. The *_ON forms continue a name, so they never start a
-- sentence: a headline's last word and the next line's first stay apart.
local NAME = T.title - T.lower(NOT_PERSON)           -- a word of a person's name
local NAME_ON = NAME - T.sentence_start
local INITIAL = T.shape{ "X.", "X.X.", "X.X.X." } - T.sentence_start   -- "F.", "H.W."
local PERSON_NAME = NAME_ON * (INITIAL^-1 * NAME_ON)^-3   -- after a title: "John F. Kennedy"
-- A word of an organisation's name: capitalised, or a short acronym (long
-- words in capitals are mostly headlines).
local ACRONYM = T.all(T.upper, T.shape{ "XX", "XXX", "X.X.", "X.X.X." })
local CAPW = (T.title + ACRONYM) - T.lower(STOP)
local CAPW_ON = CAPW - T.sentence_start
local CONNECT = T.text{ "&", "-" } + T.lower{ "and", "of", "for", "de" }
local RUN = CAPW * (CONNECT^-1 * CAPW_ON)^-4         -- "Securities and Exchange"
local MONTH = T.all(T.title, T.lower(MONTHS))
local WEEKDAY = T.lower(WEEKDAYS)

-- Labels of phases 1 and 2: context rules only name what is still unnamed.
local NAMED = T.label{ "PERSON", "ORG", "PLACE", "NORP", "DATE", "ROLE", "TICKER",
                       "MONEY", "QUANTITY", "PERCENT", "TIME" }
local FREE = NAME - NAMED                            -- an unnamed name word
local FREE_ON = FREE - T.sentence_start
local FREE_NAME = FREE * FREE_ON * FREE_ON^-1        -- two or three of them
local FREE_PLACE = FREE * FREE_ON^-2                 -- one to three
local FREE_RUN = (CAPW - NAMED) * (CONNECT^-1 * (CAPW_ON - NAMED))^-3
-- What comes before a lone surname: not a capitalised word, not "the", not
-- a preposition.
local BEFORE_NAME = T.all(-CAPITAL, -T.lower(words[[the a an its this that their in at on
  of to for from by with near]]))

local LEXICAL = T.label{ "MONEY", "PERCENT", "DATE", "TIME" }
local NUMBER = T.kind"number" - LEXICAL              -- not in a text rule's span
local DAY = T.all(T.shape{ "d", "dd", "dxx", "ddxx" },               -- 1 to 31, 1st, 22nd
                  T.match((R"12" * R"09" + P"3" * S"01" + P"0"^-1 * R"19")
                          * (P"st" + P"nd" + P"rd" + P"th")^-1))
local YEAR = T.all(T.kind"number", T.shape"dddd", T.match(R"12" * R"09"^3))
local AGE = T.all(T.kind"number", T.shape"dd")
local NUMWORD = T.lower(words[[a one two three four five six seven eight nine ten
  eleven twelve twenty thirty fifty hundred several few some tens hundreds dozens]])
local SCALE = T.lower(words"thousand million millions mln billion billions bln bn trillion")
local CURRENCY = T.lower(words[[dollar dollars dlr dlrs cent cents cts euro euros
  pound pounds sterling stg yen franc francs mark marks lira lire guilder guilders
  rupee rupees yuan peso pesos rouble roubles ruble rubles riyal riyals crown crowns
  kronor krona rand cruzado cruzados austral australs]])
local CURRENCY_OF = T.text{ "U.S.", "US", "Canadian", "Australian", "Swiss", "French",
                            "Belgian", "Taiwan", "Singapore", "HK" }
                    + phrases{ "New Zealand", "Hong Kong" }
local SAID = T.lower(words[[said says added warned explained noted insisted argued
  stated announced admitted claimed denied predicted wrote commented replied]])
local ROLE_MOD = T.lower(words[[chief deputy vice senior executive managing general
  acting former assistant associate joint interim]]) * T.text"-"^-1

-- "Finance Minister", "Secretary of State".
local OFFICE = T.all(T.title, T.lower(words"minister secretary commissioner"))

-- Sets the title and name attributes of a titled person's span.
local function titled(m)
  m:set("title", m:text("title"))
  m:set("name", m:text("name"))
end

-- 1. Text rules -----------------------------------------------------------

local digit, letter = R"09", R("az", "AZ")
local blank = S" \t"^1                                -- within a line
local boundary = -(letter + digit)                    -- a word ends here
local int = digit^1 * (P"," * digit * digit * digit)^0
local number = int * (P"." * digit^1)^-1
local signed = S"+-"^-1 * number

-- A named value: the text p matched, as m.values[name] (T.C would give
-- the tokens it covers instead).
local function value(name, p) return Cg(lpeg.C(p), name) end

-- One of the strings, the longest first, ending at a word boundary.
local function either(list)
  local sorted = {}
  for i, w in ipairs(list) do sorted[i] = w end
  table.sort(sorted, function(a, b) return #a > #b end)
  local p = P(false)
  for _, w in ipairs(sorted) do p = p + P(w) end
  return p * boundary
end

local month_names = words[[January February March April May June July August
  September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec]]
local month = either(month_names) * P"."^-1
local day = (P"3" * S"01" + S"12" * digit + P"0"^-1 * R"19") * (P"st" + P"nd" + P"rd" + P"th")^-1
            * boundary
local year = (P"19" + P"20") * digit * digit * boundary
local weekday = either(words"Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
                * P","^-1 * blank

local month_number = {}
for i = 1, 12 do month_number[month_names[i]:sub(1, 3)] = i end   -- "Jan" -> 1

-- ISO 8601 form of a date rule's values (day, month, year).
local function iso_date(m)
  local v = m.values
  local mon = tonumber(v.month) or month_number[v.month:sub(1, 3)]
  local d = tonum(v.day:match("%d+"))
  if not (mon and d) then return {} end
  return { iso = string.format("%s-%02d-%02d", v.year, mon, d) }
end

local scale = either(words"trillion billion million thousand bn bln mln m b k")
local symbol = P"US$" + P"A$" + P"C$" + P"HK$" + P"NZ$" + P"S$" + P"$" + P"£" + P"€" + P"¥"
local code = either(words"USD EUR GBP JPY CHF DM") * blank
local symbol_code = { ["$"] = "USD", ["US$"] = "USD", ["£"] = "GBP", ["€"] = "EUR", ["¥"] = "JPY",
                      ["A$"] = "AUD", ["C$"] = "CAD", ["HK$"] = "HKD", ["NZ$"] = "NZD",
                      ["S$"] = "SGD" }
local multiplier = { trillion = 1e12, billion = 1e9, bn = 1e9, bln = 1e9, b = 1e9,
                     million = 1e6, mln = 1e6, m = 1e6, thousand = 1e3, k = 1e3 }

local hour = P"2" * R"03" + S"01" * digit + digit
local minute = R"05" * digit
local ampm = S"aApP" * (P".m." + P".M." + S"mM") * boundary
local zone = (either(words"GMT BST EST EDT CST CDT PST PDT CET UTC") + P"local time")

local alnum = letter + digit

-- A quotation within one line; its words are the capture "inside".
local function quoted(open, close)
  return P(open) * T.C("inside", (1 - P(close) - P"\n")^1) * P(close)
end

local lexical = phase{ name = "lexical", overlap = "longest", rules = {
  rule{ name = "date_dmy", label = "DATE", attrs = iso_date,     -- 12 March 2024
        pattern = weekday^-1 * value("day", day) * blank * value("month", month)
                  * P","^-1 * blank * value("year", year) },
  rule{ name = "date_mdy", label = "DATE", attrs = iso_date,     -- March 12, 2024
        pattern = weekday^-1 * value("month", month) * blank * value("day", day)
                  * (P"," * blank^-1 + blank) * value("year", year) },
  rule{ name = "date_numeric", label = "DATE", attrs = iso_date, -- 2024-03-12, 12/3/1987
        pattern = value("year", year) * P"-" * value("month", digit * digit) * P"-"
                  * value("day", digit * digit) * boundary
                + value("day", digit * digit^-1) * P"/" * value("month", digit * digit^-1)
                  * P"/" * value("year", year) },
  rule{ name = "money", label = "MONEY",                         -- $5.2 billion, £300, €12m
        pattern = value("currency", symbol + code) * blank^-1 * value("amount", number)
                  * (blank^-1 * value("scale", scale))^-1 * boundary,
        attrs = function(m)
          local v = m.values
          local cur = v.currency:match("^(%S+)")
          return { currency = symbol_code[cur] or cur,
                   value = tonum(v.amount) * (multiplier[v.scale and v.scale:lower()] or 1) }
        end },
  rule{ name = "percent_sign", label = "PERCENT",                -- 5.3%, -0.5 %
        pattern = value("value", signed) * blank^-1 * P"%",
        attrs = function(m) return { value = tonum(m.values.value) } end },
  rule{ name = "percent_words", label = "PERCENT",               -- 5 per cent, 2.1 pct
        pattern = value("value", signed) * blank
                  * (P"per" * blank * P"cent" + P"percentage" * blank * P"point" * P"s"^-1
                     + P"percent" + P"pct") * boundary,
        attrs = function(m) return { value = tonum(m.values.value) } end },
  rule{ name = "time", label = "TIME",                           -- 10:30 am, 1530 GMT
        pattern = (hour * P":" * minute * boundary * (blank^-1 * ampm)^-1
                   + hour * (P"." * minute)^-1 * blank^-1 * ampm
                   + hour * P"."^-1 * minute * #(blank * zone))
                  * (blank * T.C("zone", zone))^-1,
        attrs = function(m) return { zone = m:text("zone") } end },
  rule{ name = "quote", label = "QUOTE",                         -- "..." and “...”
        pattern = quoted('"', '"') + quoted("“", "”") },
  rule{ name = "contact", label = "CONTACT",                     -- ann@example.com, @glean
        pattern = Cg(Cc"email", "kind") * (alnum + S"._%+-")^1 * P"@" * (alnum + P"-")^1
                  * (P"." * (alnum + P"-")^1)^1
                + Cg(Cc"handle", "kind") * P"@" * (alnum + P"_")^1,
        attrs = function(m) return { kind = m.values.kind } end },
  rule{ name = "ticker", label = "TICKER",                       -- Standard Oil Co <SRD>
        pattern = P"<" * value("symbol", R"AZ"^1 * (P"." * R"AZ"^1)^-1) * P">",
        attrs = function(m) return { symbol = m.values.symbol } end },
} }

-- 2. Entities -------------------------------------------------------------

local entities = phase{ name = "entities", overlap = "longest", rules = {
  -- People, by a title before the name ----------------------------------
  rule{ name = "person_courtesy", label = "PERSON", action = titled, priority = 2,
        pattern = T.C("title", Title(words[[mr mr. mrs mrs. ms ms. miss messrs messrs. dr dr.
                                            prof prof.]]))
                  * T.C("name", PERSON_NAME) },
  rule{ name = "person_honorific", label = "PERSON", action = titled, priority = 2,
        pattern = T.C("title", Title(words[[sir dame lord lady baroness baron rev rev.
                    reverend father rabbi imam sheikh cardinal archbishop bishop]]))
                  * T.C("name", PERSON_NAME) },
  rule{ name = "person_head_of_state", label = "PERSON", action = titled, priority = 2,
        pattern = T.C("title", T.lower{ "vice", "crown", "former", "late" }^-1 * T.text"-"^-1
                    * Title(words[[president king queen prince princess emperor pope chancellor
                                 premier ayatollah sultan emir]]))
                  * T.C("name", PERSON_NAME) },
  rule{ name = "person_prime_minister", label = "PERSON", action = titled, priority = 2,
        pattern = T.C("title", T.lower"prime" * T.lower"minister") * T.C("name", PERSON_NAME) },
  rule{ name = "person_minister", label = "PERSON", action = titled, priority = 2,
        pattern = T.C("title", (CAPW * CAPW_ON^-1 * (OFFICE - T.sentence_start) + OFFICE)
                    * (T.lower"of" * T.lower"the"^-1 * CAPW_ON)^-1)   -- Secretary of State
                  * T.C("name", PERSON_NAME) },
  rule{ name = "person_legislator", label = "PERSON", action = titled, priority = 2,
        pattern = T.C("title", Title(words[[senator sen. sen congressman congresswoman
                    representative rep. governor gov. gov mayor ambassador]]))
                  * T.C("name", PERSON_NAME) },
  rule{ name = "person_judicial", label = "PERSON", action = titled, priority = 2,
        pattern = T.C("title", Title"chief"^-1 * Title(words"judge justice magistrate")
                    + Title"attorney" * Title"general")
                  * T.C("name", PERSON_NAME) },
  rule{ name = "person_military", label = "PERSON", action = titled, priority = 2,
        pattern = T.C("title", Title(words[[general gen. gen colonel col. major maj. captain
                    capt. lieutenant lt. admiral adm. sergeant sgt. commander marshal]]))
                  * T.C("name", (NAME_ON - T.lower(words[[motors electric dynamics mills foods
                    accident instrument instruments signal assembly agreement secretary
                    manager counsel council election elections public strike league]]))
                    * (INITIAL^-1 * NAME_ON)^-2) },
  rule{ name = "person_described", label = "PERSON", action = titled, priority = 1,
        pattern = T.C("title", T.lower(words[[chairman chairwoman spokesman spokeswoman
                    spokesperson analyst economist strategist trader coach manager striker
                    midfielder singer actor actress director author]]))
                  * T.C("name", PERSON_NAME) },
  rule{ name = "person_chief", label = "PERSON", action = titled, priority = 2,
        pattern = T.C("title", T.lower{ "chief", "managing" }
                    * T.lower(words"executive economist director officer"))
                  * T.C("name", PERSON_NAME) },
  rule{ name = "person_regnal", label = "PERSON", action = titled, priority = 3,
        pattern = T.C("title", Title(words"king queen pope emperor tsar czar"))
                  * T.C("name", NAME_ON * NAME_ON^-1
                                * T.text(words"I II III IV V VI VII VIII IX X XI XII")) },
  rule{ name = "person_initial", label = "PERSON", priority = 1,
        pattern = NAME * INITIAL * NAME_ON },                   -- John F. Kennedy
  rule{ name = "person_suffix", label = "PERSON", priority = 1,
        pattern = NAME * INITIAL^-1 * NAME_ON * T.text","^-1 * T.text{ "Jr.", "Jr", "Sr.", "Sr" } },

  -- Organisations, by their last word -----------------------------------
  rule{ name = "org_company", label = "ORG", attrs = { type = "company" },
        pattern = RUN * T.C("suffix", Cap(COMPANY)),
        action = function(m) m:set("suffix", m:text("suffix")) end },
  rule{ name = "org_and_co", label = "ORG", attrs = { type = "company" },  -- Smith Barney & Co
        pattern = RUN * T.text","^-1 * RUN^-1 * T.text{ "&", "and" } * T.text{ "Co", "Co." } },
  rule{ name = "org_business", label = "ORG", attrs = { type = "company" },
        pattern = RUN * Cap(words[[group holdings holding partners associates industries
                    enterprises international systems technologies motors airlines airways
                    petroleum oil energy bancorp financial securities capital investments
                    communications pharmaceuticals foods brothers bros bros. electric
                    electronics chemical chemicals steel mining resources]]) },
  rule{ name = "org_bank", label = "ORG", attrs = { type = "bank" },
        pattern = RUN * Cap(words"bank bancorp bankshares banque") },
  rule{ name = "org_bank_of", label = "ORG", attrs = { type = "bank" },     -- Bank of England
        pattern = RUN^-1 * Cap"bank" * T.lower"of" * CAPW * CAPW_ON^-1 },
  rule{ name = "org_ministry_of", label = "ORG", attrs = { type = "government" },
        pattern = Cap(words"ministry department") * T.lower{ "of", "for" } * T.lower"the"^-1
                  * RUN },
  rule{ name = "org_ministry", label = "ORG", attrs = { type = "government" }, -- Finance Ministry
        pattern = RUN * Cap(words"ministry department office") },
  rule{ name = "org_university_of", label = "ORG", attrs = { type = "education" },
        pattern = RUN^-1 * Cap(words"university college institute school academy")
                  * T.lower"of" * RUN },
  rule{ name = "org_university", label = "ORG", attrs = { type = "education" },
        pattern = RUN * Cap(words"university college polytechnic academy") },
  rule{ name = "org_party", label = "ORG", attrs = { type = "party" },
        pattern = RUN * Cap"party" },
  rule{ name = "org_public_body", label = "ORG", attrs = { type = "government" },
        pattern = RUN * Cap(words[[commission committee council agency authority board
                    bureau administration service reserve tribunal court]]) },
  rule{ name = "org_association", label = "ORG", attrs = { type = "association" },
        pattern = RUN * Cap(words[[union association federation confederation league
                    alliance society foundation trust fund institute organisation
                    organization club syndicate consortium coalition forum programme
                    program]]) },
  rule{ name = "org_x_of_y", label = "ORG",                  -- Chamber of Commerce
        pattern = RUN^-1 * Cap(words[[union association federation confederation
                    organisation organization society chamber league council commission
                    committee court institute board]])
                  * T.lower"of" * T.lower"the"^-1 * RUN },
  rule{ name = "org_acronym", label = "ORG", attrs = { type = "acronym" },
        pattern = T.text(words[[OPEC NATO IMF EEC EC UN GATT FBI CIA SEC FDA FTC EPA NASA
                   BBC CNN IBM GM BP ICI Reuters Reuter AFP UEFA FIFA OECD IOC NHS
                   ANC PLO IRA KGB IEA]]) },
  rule{ name = "org_sports", label = "ORG", attrs = { type = "club" },
        pattern = RUN * Cap(words"united rovers athletic wanderers fc rangers albion hotspur") },
  rule{ name = "org_media", label = "ORG", attrs = { type = "media" },
        pattern = RUN * Cap(words[[times post journal herald telegraph guardian tribune
                    gazette magazine television broadcasting newspaper]]) },
  rule{ name = "org_exchange", label = "ORG", attrs = { type = "exchange" },
        pattern = RUN * Cap"exchange" },
  rule{ name = "org_institution", label = "ORG", attrs = { type = "government" },
        pattern = phrases{ "Federal Reserve", "Fed", "Bundesbank", "Congress", "Parliament",
                           "Senate", "Pentagon", "Kremlin", "White House", "Treasury",
                           "Downing Street", "Bank of England", "Bank of Japan",
                           "European Commission", "World Bank", "Supreme Court" } },

  -- Places and nationalities --------------------------------------------
  rule{ name = "place_country", label = "PLACE", attrs = { type = "country" },
        pattern = T.text(words[[Afghanistan Algeria Argentina Australia Austria Bahrain
                   Bangladesh Belgium Bolivia Brazil Britain Bulgaria Burma Canada Chile China
                   Colombia Cuba Cyprus Denmark Ecuador Egypt England Ethiopia Finland France
                   Germany Ghana Greece Hungary India Indonesia Iran Iraq Ireland Israel Italy
                   Japan Jordan Kenya Kuwait Lebanon Libya Malaysia Mexico Morocco Nicaragua
                   Nigeria Norway Pakistan Panama Peru Philippines Poland Portugal Qatar
                   Romania Russia Scotland Singapore Spain Sudan Sweden Switzerland Syria
                   Taiwan Thailand Tunisia Turkey Uganda Ukraine Uruguay Venezuela Vietnam
                   Wales Yugoslavia Zambia Zimbabwe]]) },
  rule{ name = "place_country_multi", label = "PLACE", attrs = { type = "country" },
        pattern = phrases{ "United States", "United Kingdom", "Soviet Union", "West Germany",
                           "East Germany", "South Africa", "South Korea", "North Korea",
                           "Saudi Arabia", "New Zealand", "Sri Lanka", "Ivory Coast",
                           "Costa Rica", "El Salvador", "United Arab Emirates",
                           "Czech Republic", "Puerto Rico", "Hong Kong" } },
  rule{ name = "place_country_abbrev", label = "PLACE", attrs = { type = "country" },
        pattern = T.text{ "U.S.", "US", "U.K.", "UK", "USA", "U.S.A.", "UAE", "USSR" } },
  rule{ name = "place_city", label = "PLACE", attrs = { type = "city" },
        pattern = T.text(words[[London Paris Tokyo Washington Moscow Beijing Peking Bonn
                   Frankfurt Zurich Geneva Brussels Rome Madrid Milan Amsterdam Stockholm
                   Oslo Vienna Athens Sydney Melbourne Toronto Montreal Ottawa Chicago Houston
                   Dallas Boston Detroit Singapore Manila Jakarta Seoul Bangkok Delhi Bombay
                   Cairo Baghdad Tehran Beirut Jerusalem Johannesburg Lagos Nairobi Dublin
                   Edinburgh Manchester Liverpool Glasgow Osaka Shanghai Taipei Karachi]]) },
  rule{ name = "place_city_multi", label = "PLACE", attrs = { type = "city" },
        pattern = phrases{ "New York", "Los Angeles", "San Francisco", "Buenos Aires",
                           "Rio de Janeiro", "Sao Paulo", "Mexico City", "Kuala Lumpur",
                           "New Delhi", "Tel Aviv", "St Louis", "St. Louis", "Las Vegas",
                           "Abu Dhabi", "Cape Town", "The Hague", "Wall Street" } },
  rule{ name = "place_city_state", label = "PLACE", attrs = { type = "city" },
        pattern = NAME * NAME_ON^-1 * T.text"," * T.text(words[[Ala. Ariz. Calif. Colo. Conn.
                   Fla. Ga. Ill. Ind. Kan. Ky. La. Mass. Md. Mich. Minn. Mo. N.C. N.J. N.Y.
                   Ohio Okla. Ore. Pa. Tenn. Texas Va. Wash. Wis. California Florida]]) },
  rule{ name = "place_geo", label = "PLACE", attrs = { type = "geo" },
        pattern = RUN * Cap(words[[river mountains island islands sea ocean gulf bay lake
                    valley peninsula strait straits coast desert province region]]) },
  rule{ name = "place_geo_of", label = "PLACE", attrs = { type = "geo" },  -- Gulf of Mexico
        pattern = Cap(words"gulf bay strait straits isle cape republic kingdom")
                  * T.lower"of" * T.lower"the"^-1 * RUN },
  rule{ name = "place_region", label = "PLACE", attrs = { type = "region" },
        pattern = phrases{ "Europe", "Asia", "Africa", "America", "Latin America",
                           "North America", "South America", "Middle East", "Far East",
                           "Gulf", "Scandinavia", "Caribbean", "Pacific", "Atlantic",
                           "Western Europe", "Eastern Europe", "Southeast Asia" } },
  rule{ name = "norp", label = "NORP",
        pattern = T.text(words[[American British French German Japanese Chinese Soviet
                   Russian Italian Spanish Canadian Australian Brazilian Mexican Indian
                   Iranian Iraqi Israeli Palestinian Arab European Saudi Egyptian Dutch
                   Belgian Swiss Swedish Norwegian Danish Korean Taiwanese Argentine
                   Venezuelan Nigerian Kuwaiti Turkish Greek Polish Irish Scottish Welsh
                   English African Asian Western Communist Conservative Labour Democrat
                   Democratic Republican Moslem Muslim Christian Catholic Jewish]]) },
  rule{ name = "norp_compass", label = "NORP",                -- West German
        pattern = T.text{ "West", "East", "North", "South" } * T.text"-"^-1
                  * T.text{ "German", "Germans", "Korean", "Koreans", "African", "Africans" } },

  -- Dates the text rules leave: no year, relative, parts of years ---------
  rule{ name = "date_month_day", label = "DATE", priority = 1,
        pattern = (MONTH - LEXICAL) * (DAY - LEXICAL) },
  rule{ name = "date_day_month", label = "DATE", priority = 1,
        pattern = (DAY - LEXICAL) * T.lower"of"^-1 * (MONTH - LEXICAL) },
  rule{ name = "date_month_year", label = "DATE",
        pattern = (MONTH - LEXICAL) * T.text","^-1 * YEAR },
  rule{ name = "date_month_range", label = "DATE",            -- March/April
        pattern = MONTH * T.text{ "/", "-" } * MONTH },
  rule{ name = "date_weekday", label = "DATE",
        pattern = WEEKDAY * T.lower{ "morning", "afternoon", "evening", "night" }^-1 },
  rule{ name = "date_relative", label = "DATE",
        pattern = T.lower{ "last", "next", "this", "coming", "past", "previous" }
                  * T.lower(words[[week weekend month year quarter spring summer autumn fall
                               winter season decade century]]) },
  rule{ name = "date_holiday", label = "DATE", attrs = { type = "holiday" },
        pattern = phrases{ "Christmas", "Easter", "New Year", "Thanksgiving", "Ramadan",
                           "Labor Day", "Independence Day", "Boxing Day" } },
  rule{ name = "date_deictic", label = "DATE",
        pattern = T.lower{ "yesterday", "today", "tomorrow", "tonight" } },
  rule{ name = "date_quarter", label = "DATE",                -- 1986 fourth quarter
        pattern = YEAR^-1 * T.lower{ "first", "second", "third", "fourth", "final" }
                  * T.text"-"^-1 * T.lower{ "quarter", "half" } },
  rule{ name = "date_ago", label = "DATE",                    -- three years ago
        pattern = (NUMBER + NUMWORD) * T.lower{ "days", "weeks", "months", "years", "decades" }
                  * T.lower"ago" },
  rule{ name = "date_fiscal", label = "DATE",                 -- fiscal 1987, crop year 1986/87
        pattern = T.lower{ "fiscal", "calendar", "financial", "crop", "marketing" }
                  * T.lower"year"^-1 * YEAR * (T.text"/" * T.shape{ "dd", "dddd" })^-1 },
  rule{ name = "date_part_of_year", label = "DATE",           -- mid-1987, late March
        pattern = T.lower{ "early", "mid", "late", "end" } * T.text"-"^-1 * (YEAR + MONTH) },
  rule{ name = "date_decade", label = "DATE",                 -- the 1980s
        pattern = T.all(T.shape"ddddx", T.match(R"12" * R"09" * R"09" * P"0s")) },

  -- Amounts ---------------------------------------------------------------
  rule{ name = "money_currency_word", label = "MONEY",        -- 500 mln U.S. dlrs
        pattern = T.C("amount", NUMBER * SCALE^-1) * CURRENCY_OF^-1 * T.C("currency", CURRENCY),
        action = function(m) m:set("currency", m:text("currency"):lower()) end },
  rule{ name = "money_range", label = "MONEY",                -- 340 to 350 cruzados
        pattern = NUMBER * T.lower{ "to", "and", "-" } * NUMBER * SCALE^-1 * CURRENCY_OF^-1
                  * CURRENCY },
  rule{ name = "money_words", label = "MONEY",                -- two billion dollars
        pattern = NUMWORD * SCALE * CURRENCY_OF^-1 * CURRENCY },
  rule{ name = "quantity_unit", label = "QUANTITY",           -- 155,221 bags
        pattern = T.C("value", NUMBER * SCALE^-1) * T.C("unit", T.lower(words[[shares barrels
                    bpd tonnes tons tonne ounces bushels bales bags kilos kg km miles metres
                    meters feet acres hectares megawatts points cars vehicles units jobs
                    workers people employees passengers troops votes seats]])),
        action = function(m) m:set("unit", m:text("unit"):lower()) end },
  rule{ name = "quantity_points", label = "QUANTITY",         -- 50 basis points
        pattern = NUMBER * T.lower{ "basis", "percentage" } * T.lower{ "point", "points" } },
  rule{ name = "quantity_scale", label = "QUANTITY",          -- 5.93 mln
        pattern = NUMBER * SCALE },
  rule{ name = "quantity_words", label = "QUANTITY",          -- two million
        pattern = NUMWORD * SCALE },

  -- Roles -----------------------------------------------------------------
  rule{ name = "role_business", label = "ROLE", attrs = { type = "business" },
        pattern = ROLE_MOD^-2 * T.lower(words[[chairman chairwoman president director
                    executive officer manager treasurer controller partner founder owner]]) },
  rule{ name = "role_government", label = "ROLE", attrs = { type = "government" },
        pattern = ROLE_MOD^-2 * T.lower(words[[minister secretary governor ambassador
                    commissioner senator mayor envoy negotiator spokesman spokeswoman
                    spokesperson]]) },
  rule{ name = "role_c_suite", label = "ROLE", attrs = { type = "business" },
        pattern = T.text{ "CEO", "CFO", "COO", "CTO" } },
  rule{ name = "role_profession", label = "ROLE", attrs = { type = "profession" },
        pattern = T.lower(words[[analyst analysts economist economists strategist trader
                    traders dealer dealers broker brokers banker bankers lawyer lawyers]]) },
} }

-- 3. Context --------------------------------------------------------------

-- An action that adds a span over one capture, with attributes.
local function span_over(label, capture, attrs)
  return function(m)
    local a = {}
    for k, v in pairs(attrs or {}) do a[k] = v end
    m:add_span(label, capture, a)
  end
end

local context = phase{ name = "context", overlap = "priority", rules = {
  -- People known by what they do ------------------------------------------
  rule{ name = "said_after_name", priority = 3,               -- John Smith said
        pattern = T.C("name", FREE_NAME) * SAID,
        action = span_over("PERSON", "name", { evidence = "said" }) },
  rule{ name = "said_after_surname", priority = 1,            -- ..., Smith said
        pattern = BEFORE_NAME * T.C("name", FREE_ON) * SAID,
        action = span_over("PERSON", "name", { evidence = "said" }) },
  rule{ name = "said_before_name", priority = 2,              -- said John Smith
        pattern = SAID * T.C("name", FREE_NAME),
        action = span_over("PERSON", "name", { evidence = "said" }) },
  rule{ name = "according_to_name", priority = 2,
        pattern = T.lower"according" * T.lower"to" * T.C("name", FREE_NAME),
        action = span_over("PERSON", "name", { evidence = "according to" }) },
  rule{ name = "told", priority = 2,                          -- John Smith told reporters
        pattern = T.C("name", FREE_NAME) * T.lower{ "told", "tells" },
        action = span_over("PERSON", "name", { evidence = "told" }) },
  rule{ name = "who_clause", priority = 2,                    -- John Smith, who ...
        pattern = T.C("name", FREE_NAME) * T.text"," * T.lower"who",
        action = span_over("PERSON", "name", { evidence = "who" }) },
  rule{ name = "name_age", priority = 3,                      -- John Smith, 45,
        pattern = T.C("name", FREE_NAME) * T.text"," * T.C("age", AGE) * T.text",",
        action = function(m)
          m:add_span("PERSON", "name", { evidence = "age", age = tonum(m:text("age")) })
        end },

  -- Places known by a preposition or a phrase -----------------------------
  rule{ name = "place_in", priority = 1,                      -- in Bahia, at Abadan
        pattern = T.lower{ "in", "at", "near", "outside", "across", "throughout" }
                  * T.C("place", FREE_PLACE),
        action = span_over("PLACE", "place", { evidence = "in" }) },
  rule{ name = "place_from", priority = 1,
        pattern = T.lower{ "from", "into", "via", "toward", "towards" } * T.C("place", FREE_PLACE),
        action = span_over("PLACE", "place", { evidence = "from" }) },
  rule{ name = "place_travel", priority = 2,                  -- flew to Geneva
        pattern = T.lower(words[[visit visited visiting flew arrived returned travelled
                    traveled]]) * T.lower{ "to", "in", "from", "for" }^-1
                  * T.C("place", FREE_PLACE),
        action = span_over("PLACE", "place", { evidence = "travel" }) },
  rule{ name = "place_based", priority = 2,                   -- Bahia-based
        pattern = T.C("place", FREE * FREE_ON^-1) * T.text"-" * T.lower"based",
        action = span_over("PLACE", "place", { evidence = "based" }) },
  rule{ name = "place_city_of", priority = 2,                 -- the port of Basra
        pattern = T.C("kind", T.lower(words[[city town village port province state region
                                             island capital]]))
                  * T.lower"of" * T.C("place", FREE_PLACE),
        action = function(m)
          m:add_span("PLACE", "place", { type = m:text("kind"):lower(), evidence = "of" })
        end },
  rule{ name = "place_directional", label = "PLACE", priority = 2,  -- northern Iraq
        pattern = T.C("part", T.lower(words[[northern southern eastern western central north
                    south east west northeast northwest southeast southwest]]))
                  * T.C("place", T.span"PLACE"),
        attrs = function(m) return { type = "region", part = m:text("part"):lower() } end },

  -- Organisations known by their context -----------------------------------
  rule{ name = "org_shares_of", priority = 1,                 -- shares of Acme
        pattern = T.lower(words"shares stock stake unit subsidiary division parent")
                  * T.lower{ "of", "in" } * T.C("org", FREE_RUN),
        action = span_over("ORG", "org", { evidence = "shares of" }) },
  rule{ name = "org_analyst_at", priority = 1,                -- analyst at Smith Barney
        pattern = T.span"ROLE" * T.lower{ "at", "with" } * T.C("org", FREE_RUN),
        action = span_over("ORG", "org", { evidence = "works at" }) },
  rule{ name = "org_before_ticker", priority = 2,             -- STANDARD OIL <SRD>
        pattern = T.C("org", (CAPITAL - T.lower(STOP) - NAMED)^1) * T.C("ticker", T.span"TICKER"),
        action = function(m)
          m:add_span("ORG", "org", { ticker = m:text("ticker"):sub(2, -2) })
        end },

  -- Positions, changes, prices, ranges ------------------------------------
  rule{ name = "position_of_org", label = "POSITION", priority = 3,  -- chief executive of Acme
        pattern = T.C("role", T.span"ROLE") * T.lower{ "of", "at", "for" } * T.lower"the"^-1
                  * T.C("org", T.span{ "ORG", "PLACE" }),
        attrs = function(m) return { role = m:text("role"):lower(), org = m:text("org") } end },
  rule{ name = "position_possessive", label = "POSITION", priority = 3,  -- Acme's chairman
        pattern = T.C("org", T.span"ORG") * T.text{ "'s", "’s" } * T.C("role", T.span"ROLE"),
        attrs = function(m) return { role = m:text("role"):lower(), org = m:text("org") } end },
  rule{ name = "position_head_of", label = "POSITION", priority = 3,  -- head of the IMF
        pattern = T.C("role", T.lower(words"head leader chief boss founder member"))
                  * T.lower"of" * T.lower"the"^-1 * T.C("org", T.span{ "ORG", "PLACE" } + FREE_RUN),
        attrs = function(m) return { role = m:text("role"):lower(), org = m:text("org") } end },
  rule{ name = "position_portfolio", label = "POSITION", priority = 2,  -- minister for trade
        pattern = T.C("role", T.lower{ "minister", "secretary" }) * T.lower{ "of", "for" }
                  * T.C("portfolio", (CAPW - NAMED) * (T.lower"and"^-1 * (CAPW_ON - NAMED))^-3),
        attrs = function(m)
          return { role = m:text("role"):lower(), portfolio = m:text("portfolio") }
        end },
  rule{ name = "change", label = "CHANGE", priority = 2,     -- rose 5.3%, fell by 2 points
        pattern = T.C("verb", T.lower(words[[rose fell gained lost dropped climbed jumped
                    slipped eased declined increased decreased surged plunged tumbled soared
                    slumped edged rise fall]]))
                  * T.lower"by"^-1 * T.C("amount", T.span{ "PERCENT", "MONEY", "QUANTITY" }),
        action = function(m)
          local up = { rose = true, gained = true, climbed = true, jumped = true,
                       increased = true, surged = true, soared = true, rise = true }
          m:set("direction", up[m:text("verb"):lower()] and "up" or "down")
        end },
  rule{ name = "price_per", label = "PRICE", priority = 2,   -- 18 dlrs a barrel
        pattern = T.C("price", T.span"MONEY") * T.lower{ "a", "per", "an" }
                  * T.C("unit", T.lower(words[[share barrel tonne ton ounce bushel pound kilo
                    hour day year month]])),
        attrs = function(m) return { unit = m:text("unit"):lower() } end },
  rule{ name = "date_range", label = "DATE_RANGE", priority = 1,
        pattern = T.span"DATE" * T.lower{ "to", "until", "through", "-", "and" } * T.span"DATE" },
} }

-- 4. Relations ------------------------------------------------------------

-- An action linking the spans over two captures: from -kind-> to.
local function link(from_labels, from, kind, to_labels, to)
  return function(m, doc)
    local a = doc:span_at(m.captures[from], from_labels)
    local b = doc:span_at(m.captures[to], to_labels)
    if a and b then m:link(a, kind, b) end
  end
end

local relations = phase{ name = "relations", overlap = "all", rules = {
  rule{ name = "person_comma_role",                           -- John Smith, chairman of Acme
        pattern = T.C("person", T.span"PERSON") * T.text"," * T.lower{ "the", "a", "an" }^-1
                  * T.C("role", T.span{ "POSITION", "ROLE" }),
        action = link("PERSON", "person", "role", { "POSITION", "ROLE" }, "role") },
  rule{ name = "role_comma_person",                           -- Acme's chairman, John Smith
        pattern = T.C("role", T.span{ "POSITION", "ROLE" }) * T.text","
                  * T.C("person", T.span"PERSON"),
        action = link("PERSON", "person", "role", { "POSITION", "ROLE" }, "role") },
  rule{ name = "org_person",                                  -- Acme chairman John Smith
        pattern = T.C("org", T.span"ORG") * T.C("person", T.span("PERSON", { title = true })),
        action = link("PERSON", "person", "employer", "ORG", "org") },
  rule{ name = "person_of_org",                               -- John Smith of Salomon Brothers
        pattern = T.C("person", T.span"PERSON") * T.text","^-1 * T.lower"of"
                  * T.C("org", T.span"ORG"),
        action = link("PERSON", "person", "affiliation", "ORG", "org") },
  rule{ name = "quote_then_speaker",                          -- "Good," Smith said
        pattern = T.C("quote", T.span"QUOTE") * T.text","^-1
                  * T.C("speaker", T.span{ "PERSON", "ORG" }) * SAID,
        action = link("QUOTE", "quote", "speaker", { "PERSON", "ORG" }, "speaker") },
  rule{ name = "quote_said_speaker",                          -- "Good," said Mr Smith
        pattern = T.C("quote", T.span"QUOTE") * T.text","^-1 * SAID
                  * T.C("speaker", T.span{ "PERSON", "ORG" }),
        action = link("QUOTE", "quote", "speaker", { "PERSON", "ORG" }, "speaker") },
  rule{ name = "speaker_said_quote",                          -- Smith said: "Good."
        pattern = T.C("speaker", T.span{ "PERSON", "ORG" }) * SAID * T.text{ ":", "," }^-1
                  * T.lower"that"^-1 * T.C("quote", T.span"QUOTE"),
        action = link("QUOTE", "quote", "speaker", { "PERSON", "ORG" }, "speaker") },
  rule{ name = "org_acronym_alias",                           -- Securities and ... (SEC)
        pattern = T.C("long", T.span"ORG") * T.text"(" * T.C("short", T.all(T.upper, T.alpha))
                  * T.text")",
        action = function(m, doc)
          local long = doc:span_at(m.captures.long, "ORG")
          local short = doc:span_at(m.captures.short, "ORG")
                        or m:add_span("ORG", "short", { type = "acronym" })
          if long and short then m:link(short, "alias", long) end
        end },
  rule{ name = "org_ticker",                                  -- Standard Oil Co <SRD>
        pattern = T.C("org", T.span"ORG") * T.C("ticker", T.span"TICKER"),
        action = function(m, doc)
          local org = doc:span_at(m.captures.org, "ORG")
          local ticker = doc:span_at(m.captures.ticker, "TICKER")
          if org and ticker then
            org.attrs.ticker = ticker.attrs.symbol
            m:link(org, "ticker", ticker)
          end
        end },
  rule{ name = "org_based_in",                                -- Tokyo-based Nomura Securities
        pattern = T.C("place", T.span"PLACE") * T.text"-" * T.lower"based"
                  * T.C("org", T.span"ORG"),
        action = link("ORG", "org", "based_in", "PLACE", "place") },
  rule{ name = "person_age",                                  -- Mr Smith, 45,
        pattern = T.C("person", T.span"PERSON") * T.text"," * T.C("age", AGE) * T.text",",
        action = function(m, doc)
          local p = doc:span_at(m.captures.person, "PERSON")
          if p then p.attrs.age = tonum(m:text("age")) end
        end },
} }

return { lexical, entities, context, relations }
