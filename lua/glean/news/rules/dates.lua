-- News rules: dates and durations.
--
-- Makes DATE spans (attributes: kind = "absolute" | "relative", grain,
-- value when known without a reference date, mod, part) and DURATION spans
-- (value, grain, amount), with LPeg text rules over the raw text; and,
-- for the entity rules, HEADLINE spans (see the end of this file). A span
-- covers exactly the date's words: "19 September", "Friday" (not "on"),
-- "the end of this month", "early in the year"; "five years" is a
-- DURATION, "five years ago" a DATE.
--
-- Runs early (it needs no other spans), so month and weekday words are
-- listed here. Load it with the resolver in scope:
--
--   glean.rules.load(path, { env = { dates = require "glean.news.dates" } })
--
-- Guarding against false positives:
--   * month and weekday names must be capitalised ("march" the verb never
--     matches), and abbreviations ("Sept.", "Jan") need a day or a year;
--   * a month name alone ("in March") and a year alone ("in 2025") are
--     dates only after a preposition ("in", "since", "by", ...), and a
--     month name alone never before "'s" or another capitalised word:
--     "Theresa May", "May's cabinet" and "2025 people" are not dates;
--   * every candidate must resolve (dates.resolve), so "31 February" and
--     "2025-13-45" are not dates;
--   * "a year" is no duration after "once", "twice", "per", "every" or an
--     amount ("$5m a year"), "one day" is not a duration, and ages ("a
--     45-year-old", "five years old") are not durations.
-- luacheck: read globals T rule phase C lpeg dates

if type(dates) ~= "table" or type(dates.resolve) ~= "function" then
  error("the date rules need the resolver: load them with "
        .. "{ env = { dates = require \"glean.news.dates\" } }", 0)
end

local P, R, S = lpeg.P, lpeg.R, lpeg.S

-- Helpers -----------------------------------------------------------------

local function words(s)
  local out = {}
  for w in s:gmatch("%S+") do out[#out + 1] = w end
  return out
end

local function set(list)
  local out = {}
  for _, w in ipairs(list) do out[w] = true end
  return out
end

local digit, letter = R"09", R("az", "AZ")
local boundary = -(letter + digit)                    -- a word ends here

-- A word in any case: ci"last" matches "last", "Last", "LAST".
local function ci(w)
  local p = P(true)
  for ch in w:gmatch(".") do
    if ch:match("%a") then p = p * S(ch:lower() .. ch:upper()) else p = p * P(ch) end
  end
  return p
end

-- One of the words, ending at a word boundary, as a trie: the words are
-- grouped by their first character, so that a word that is none of them
-- fails after a character or two. In any case, or exactly as written
-- when `exact`.
local function trie(list, exact)
  local groups, order = {}, {}
  for _, w in ipairs(list) do
    local c = exact and w:sub(1, 1) or w:sub(1, 1):lower()
    if not groups[c] then
      groups[c] = {}
      order[#order + 1] = c
    end
    if #w > 1 then table.insert(groups[c], w:sub(2)) else groups[c].whole = true end
  end
  local p = P(false)
  for _, c in ipairs(order) do
    local g = groups[c]
    local rest = #g > 0 and trie(g, exact) or P(false)
    if g.whole then rest = rest + boundary end
    p = p + ((not exact and c:match("%a")) and S(c .. c:upper()) or P(c)) * rest
  end
  return p
end

-- Spaces within a line, or one line break (a non-breaking space counts).
local blank = S" \t" + P"\194\160"
local sp = blank ^ 1 * (P"\r" ^ -1 * P"\n" * blank ^ 0) ^ -1 + P"\r" ^ -1 * P"\n" * blank ^ 0
local dash = P"-" + P"\226\128\147"                   -- hyphen or en dash

-- Vocabulary --------------------------------------------------------------

local MONTHS = words[[January February March April May June July August September
  October November December]]
local MONTH_ABBR = words"Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
local WEEKDAYS = words"Monday Tuesday Wednesday Thursday Friday Saturday Sunday"

-- Capitalised: "March" or "MARCH", never "march".
local function capitalised(list)
  local out = {}
  for _, w in ipairs(list) do
    out[#out + 1] = w
    out[#out + 1] = w:upper()
  end
  return trie(out, true)
end
local month_full = capitalised(MONTHS)
local month_any = month_full + capitalised(MONTH_ABBR) * P"." ^ -1
local weekday = capitalised(WEEKDAYS)

local ordinal = ci"st" + ci"nd" + ci"rd" + ci"th"
local day = (P"3" * S"01" + S"12" * digit + P"0" ^ -1 * R"19") * ordinal ^ -1 * boundary
local year = (P"1" * digit + P"20" + P"21") * digit * digit * boundary
               * -(S"-/.," * digit)               -- not "2024-25", "2025.5", "2,025"
local any_word = trie

-- Number words and vague quantities, for durations and "... ago".
local UNITS_SINGLE = words"second minute hour day week fortnight month year decade century"
local UNITS_PLURAL = words[[seconds minutes hours days weeks fortnights months years decades
  centuries]]
local unit_single = any_word(UNITS_SINGLE)
local unit_any = any_word(UNITS_PLURAL) + unit_single
local units_ago = any_word(words[[days weeks months years decades day week month year decade
  fortnight fortnights]])
local ONES = words"one two three four five six seven eight nine"
local TEENS = words[[ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen
  nineteen]]
local TENS = words"twenty thirty forty fifty sixty seventy eighty ninety"
local numword = any_word(TENS) * (dash * any_word(ONES) + P(true)) + any_word(TEENS)
                + any_word(ONES) + ci"a hundred" * boundary + ci"hundred" * boundary
local digits = digit ^ 1 * (P"," * digit * digit * digit) ^ 0 * (P"." * digit ^ 1) ^ -1 * boundary
local vague = (ci"a" * sp) ^ -1 * ci"few" * boundary + any_word(words"several many some")
              + ci"a" * sp * ci"couple" * sp * ci"of" * boundary
local article = any_word(words"a an")
local quantity = digits + numword + vague + article

-- Dates --------------------------------------------------------------------

-- The forms are grouped by their first word, so that a word that starts
-- none of them is passed over quickly.
local comma = P"," ^ -1
local of = ci"of" * sp
local year_after = (comma * sp * year) ^ -1
local apostrophe = P"'" + P"\226\128\153"

-- Absolute dates ------------------------------------------------------------

-- "2025-09-19", "19/09/2025", "19.09.2025", "19 September (2025)",
-- "19th of Sept.", "1990s"
local iso = digit * digit * digit * digit * dash * digit * digit * dash * digit * digit * boundary
local numeric = digit * digit ^ -1 * (P"/" * digit * digit ^ -1 * P"/"
                + P"." * digit * digit ^ -1 * P".") * digit * digit * digit * digit * boundary
local decade_digits = (P"1" * digit + P"20") * digit * P"0s" * boundary
local by_number = iso + numeric + day * sp * of ^ -1 * month_any * year_after + decade_digits

-- "September 19(, 2025)", "Sept. 2025", "September of 2025"
local by_month = month_any * sp * (day * year_after + of ^ -1 * year)

-- "mid-September", "early 2025", "late September 2025"
local mod_word = any_word(words"early late") + ci"mid"
local mod_abs = (ci"mid" * dash + mod_word * sp) * (month_any * (sp * year) ^ -1 + year)
local quarter_ord = any_word(words"first second third fourth")
local quarter = ci"q" * R"14" * sp * year
                + quarter_ord * sp * ci"quarter" * boundary * (sp * of * year) ^ -1

-- Relative dates ------------------------------------------------------------

local how = any_word(words"this last next")
local rel_unit = any_word(words"week weekend month year quarter")
local part = any_word(words"morning afternoon evening night")
local bound = any_word(words"end start beginning middle")
local after_bound = bound * sp * of
                    * ((how + ci"the") * sp * rel_unit + month_full * (sp * year) ^ -1 + year)

-- After "the": "the 19th of September", "the 1990s", "the '90s", "the
-- third quarter (of 2025)", "the end of this month", "the day before
-- yesterday", "the weekend"
local the_forms = ci"the" * sp
  * (day * sp * of * month_any * year_after + decade_digits
     + apostrophe ^ -1 * digit * P"0s" * boundary
     + quarter_ord * sp * ci"quarter" * boundary * (sp * of * year) ^ -1
     + after_bound
     + ci"day" * sp * (ci"before" * sp * ci"yesterday" + ci"after" * sp * ci"tomorrow") * boundary
     + ci"weekend" * boundary)

-- Other words: "yesterday (morning)", "today", "this afternoon", "last
-- night", "last week", "next Friday", "this May", "earlier this year",
-- "late last month", "early in the year", "end of this month", "Friday
-- (evening)"
local by_word = any_word(words"yesterday tomorrow") * (sp * part) ^ -1
  + any_word(words"today tonight")
  + how * sp * (rel_unit + weekday + month_full + any_word(words"morning afternoon evening")
                + ci"night" * boundary)
  + any_word(words"early late earlier later") * sp * (how * sp * rel_unit
    + ci"in" * sp * ci"the" * sp * any_word(words"week month year"))
  + ci"mid" * dash * how * sp * rel_unit
  + mod_abs + quarter + after_bound
  + ci"day" * sp * (ci"before" * sp * ci"yesterday" + ci"after" * sp * ci"tomorrow") * boundary
  + weekday * (sp * part) ^ -1

-- Durations and counted dates -------------------------------------------------

-- "five years", "18 months", "a decade", "several weeks", "two-week"
-- (never an age: "a 45-year-old", "five years old"); "two days ago",
-- "three months from now"
local not_age = -(sp ^ -1 * dash ^ -1 * ci"old" * boundary)
local ago = ci"ago" * boundary + ci"from" * sp * ci"now" * boundary

-- The rules -------------------------------------------------------------------
--
-- The grammar above (`all`) says what a date is, over the raw text. Trying
-- it at every word would be slow, so token rules, run by the machine in
-- C, first find where a date can start: the first word of a form with the
-- word after it ("the 19th", "in March", "five years", "last week"), or
-- one word that can be a date alone ("Friday", "1990s"). Their matches
-- only mark places: at each, in text order, the action tries `all` there
-- and makes the DATE or DURATION span over what it matched, skipping
-- places inside a date already found. The spans are those of one text
-- rule with `all` as its pattern: leftmost first, non-overlapping, whole
-- tokens only.

-- dates.resolve without a reference, remembered for the texts seen last
-- (a document repeats "today", "last year", ...).
local cache, cached = {}, 0
local function resolved(text)
  local r = cache[text]
  if r == nil then
    r = dates.resolve(text) or false
    if cached >= 512 then cache, cached = {}, 0 end
    cache[text] = r
    cached = cached + 1
  end
  return r or nil
end

-- A month or a year alone is a date after one of these words ("in March",
-- "since 2019"); the span is the month or year only. A month is not one
-- before "'s" ("May's cabinet"), nor one of the months that are also given
-- names before a capitalised word ("in May Smith's view").
local CUES = words[[in since by until till from through throughout during before after
  of for around circa year]]
local possessive = P"'s" + P"\226\128\153s"
local name_month = capitalised(words"May June April August")
local lone_month = month_full * -possessive * -(sp * (day + year))
                   - name_month * sp * R"AZ"
local function named(p) return lpeg.Cp() * p * lpeg.Cp() end

-- The first words of all matches.
local function concat(...)
  local out = {}
  for _, list in ipairs{ ... } do
    for _, w in ipairs(list) do out[#out + 1] = w end
  end
  return out
end
local FIRST = concat(MONTHS, MONTH_ABBR, WEEKDAYS, ONES, TEENS, TENS, CUES, words[[hundred a an
  several many some few the this last next early late earlier later mid yesterday tomorrow
  today tonight day end start beginning middle first second third fourth q1 q2 q3 q4]])

-- What `all` matched: "date", "duration", or "alone" (then the start and
-- end of the month or year too); then where the match ends.
local counted = quantity * sp * (units_ago * sp * ago * lpeg.Cc"date"
                                + unit_any * not_age * lpeg.Cc"duration")
                + (digits + numword) * dash * unit_single * not_age * lpeg.Cc"duration"
local all = #(digit + trie(FIRST))
            * (the_forms * lpeg.Cc"date"
               + trie(CUES) * sp * lpeg.Cc"alone" * named(lone_month + year)
               + counted
               + (by_number + by_month + by_word) * lpeg.Cc"date") * lpeg.Cp()

-- Words that make "a year" a rate, not a length.
local RATE = set(words"once twice thrice times per every")
local SCALE = set(words"thousand million billion trillion m bn mn k")

-- Where the last date of the current document ends (a byte offset), and
-- the place tried last; the document's text, and the Doc's methods (a
-- method call through the Doc costs two C calls), fetched once per Doc.
local current, text_of, done_to, tried = nil, nil, 0, 0
local token_of, text_at, locate

local function lower_at(doc, i)
  if i < 1 or i > #doc then return nil end
  return text_at(doc, i, i):lower()
end

local function is_duration(text, first, doc)
  local lower = text:lower()
  if lower == "one day" then return false end
  local before = lower_at(doc, first - 1)
  if before == "every" then return false end
  if lower:match("^an? ") and before and (RATE[before] or SCALE[before] or before:match("%d")) then
    return false
  end
  return true
end

local function alnum(b) return b and (b >= 48 and b <= 57 or b >= 65 and b <= 90
                                      or b >= 97 and b <= 122) end

local function make(m, doc)
  if doc ~= current then
    current, text_of, done_to, tried = doc, doc:source(), 0, 0
    token_of, text_at, locate = doc.token, doc.text, doc.locate
  end
  local pos = token_of(doc, m.first)         -- (m.start, without the match's lookup)
  if pos < done_to or pos == tried then return end
  tried = pos
  local text = text_of
  -- like a text rule: a place inside a run of letters and digits is no place
  if pos > 1 and alnum(text:byte(pos - 1)) then return end
  local kind, a, b, e = lpeg.match(all, text, pos)
  if not kind then return end
  if kind ~= "alone" then e = a end
  if e <= pos then return end
  local first, last, exact = locate(doc, pos, e - 1)
  if not first or not exact then return end
  done_to = e
  if kind == "duration" then
    local said = text_at(doc, first, last)
    local r = is_duration(said, first, doc) and dates.duration(said)
    if r then
      m:add_span("DURATION", { first = first, last = last },
                 { value = r.value, grain = r.grain, amount = r.amount })
    end
    return
  end
  if kind == "alone" then
    local ok
    first, last, ok = locate(doc, a, b - 1)
    if not first or not ok then return end
  end
  local r = resolved(text_at(doc, first, last))
  if r then
    m:add_span("DATE", { first = first, last = last },
               { kind = r.relative and "relative" or "absolute", grain = r.grain,
                 value = r.value, mod = r.mod, part = r.part })
  end
end

-- Where a date can start: token rules ------------------------------------------
--
-- Each is a superset of the places where `all` matches: a word that starts
-- a form, and a word that can follow it. Within one rule matches do not
-- overlap, so no rule's second word can be its own first word.

-- Each rule's first word is one predicate, a set of words (the machine
-- then passes over the other tokens quickly), and so is its second one
-- mostly. The sets may say more than `all` (lower case "friday"); `all`
-- decides.
local function numbers(from, to, suffix)
  local out = {}
  for n = from, to do out[#out + 1] = tostring(n) .. (suffix or "") end
  return out
end
local function suffixed(list, suffix)
  local out = {}
  for i, w in ipairs(list) do out[i] = w .. suffix end
  return out
end
local DASHES = { "-", "\226\128\147" }
local MONTH_FORMS = concat(MONTHS, MONTH_ABBR, suffixed(MONTH_ABBR, "."))
local DAYS = concat(numbers(1, 31), numbers(0, 9))       -- 0 to 9 are also 00 to 09
for i = 1, 10 do DAYS[31 + i] = "0" .. DAYS[31 + i] end
local ORDINALS = {}
for _, suffix in ipairs(words"st nd rd th") do
  for _, d in ipairs(DAYS) do ORDINALS[#ORDINALS + 1] = d .. suffix end
end
local YEARS = numbers(1000, 2199)
local DECADES = numbers(100, 209, "0s")
local QUANTITY = concat(ONES, TEENS, TENS, words"a an few several many some hundred")
local UNITS = concat(UNITS_SINGLE, UNITS_PLURAL, words"few couple hundred")
local number_t = T.kind"number"

local starts = {
  -- one word: "Friday", "today", "Q3 2025", "1990s"
  T.lower(concat(WEEKDAYS, DECADES, words"yesterday tomorrow today tonight q1 q2 q3 q4")),
  -- "19.09.2025" (by its shape, which the machine reads in C; "dddd" is
  -- four digits or more: `all` decides)
  T.all(number_t, T.shape{ "d.d.dddd", "d.dd.dddd", "dd.d.dddd", "dd.dd.dddd" }),
  -- "the 19th of", "the 1990s", "the '90s", "the third quarter", "the end of"
  T.lower"the" * T.lower(concat(DAYS, ORDINALS, DECADES, numbers(0, 9, "0s"),
                                { "'", "\226\128\153" }, words[[first second third fourth end
                                start beginning middle day weekend]])),
  -- "in March", "since 2019"
  T.lower(CUES) * T.lower(concat(MONTHS, YEARS)),
  -- "18 months", "18-month", "2025-09-19", "19/09/2025", "19 September", "19 of"
  number_t * T.lower(concat(UNITS, DASHES, { "/", "of" }, MONTH_FORMS)),
  -- "five years", "a few days", "two-week", "twenty-five"
  T.lower(QUANTITY) * T.lower(concat(UNITS, DASHES)),
  -- "19th of September", "19th Sept."
  T.lower(ORDINALS) * T.lower(concat({ "of" }, MONTH_FORMS)),
  -- "September 19", "Sept. 2025", "September of 2025", "Sept. 19th"
  T.lower(MONTH_FORMS) * (number_t + T.lower(concat({ "of" }, ORDINALS))),
  -- "early in the year", "late this year", "mid-September", "late 2025", "third quarter",
  -- "end of", "day before yesterday"
  T.lower(words[[early late earlier later mid first second third fourth end start beginning
                 middle day]])
    * T.lower(concat(words"this last next in quarter of before after", DASHES, MONTH_FORMS, YEARS)),
  -- "last week", "next Friday", "this morning", "last September"
  T.lower(words"this last next")
    * T.lower(concat(words"week weekend month year quarter morning afternoon evening night",
                     WEEKDAYS, MONTHS)),
}

local list = {}
for i, p in ipairs(starts) do list[i] = rule{ name = "dates" .. i, pattern = p, action = make } end

-- Headlines set in capitals, for the entity rules (rules/entities.lua): a
-- sentence with three words in capitals and none in lower case, a span
-- HEADLINE. Found here, in the first phase, since a phase of their own
-- would cost another pass over each document; with overlap "all" the rule
-- keeps its own leftmost-longest matches, as a phase of its own would.
local quiet = T.all(-T.has_lower, -T.all(T.upper, T.alpha))
local loud = T.all(T.upper, T.alpha)
list[#list + 1] = rule{ name = "headline", label = "HEADLINE",
                        pattern = T.sos * (quiet ^ 0 * loud) ^ 3 * (quiet + loud) ^ 0 * T.eos }

return phase{ name = "dates", overlap = "all", rules = list }
