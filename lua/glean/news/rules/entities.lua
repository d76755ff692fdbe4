-- The news rule set, part 2: entity mentions (PERSON, ORG, LOC, NORP, MISC).
--
-- Evidence comes from the bundled lexicons (spans labelled LOC, ORG, NORP,
-- HONORIFIC, ROLE, ORG_HEAD, ORG_SUFFIX, CUE, GIVEN_NAME, MONTH,
-- WEEKDAY; see data/lexicons/README.md), from a user gazetteer (spans with
-- attribute source = "user"), from capitalisation and from context: titles,
-- cue verbs, appositions, prepositions and organisation heads.
--
-- Each mention span covers the name alone: "Sir Richard Moore" gives the
-- PERSON span "Richard Moore" with attribute title = "Sir". The phase
-- settles overlaps by length, then priority: a longer name wins, and at
-- equal length the stronger evidence does.
--
-- In scope besides the rule vocabulary: `news`, the host's helpers
-- (news.common: the English words that exist in lower case; news.proper:
-- is this capitalised word a name in the word list?).

-- Words -------------------------------------------------------------------

-- Capitalised words that open sentences or clauses and are never names.
local function_list = {
  "the", "a", "an", "and", "but", "or", "nor", "so", "yet", "if", "while", "when", "whilst",
  "as", "at", "in", "on", "for", "to", "of", "from", "by", "with", "without", "into", "onto",
  "this", "that", "these", "those", "he", "she", "it", "they", "we", "i", "you", "his",
  "her", "its", "their", "our", "my", "your", "there", "here", "then", "than", "instead",
  "however", "meanwhile", "after", "before", "since", "despite", "although", "though",
  "because", "until", "unless", "where", "what", "who", "whom", "whose", "which", "why",
  "how", "all", "some", "many", "most", "more", "several", "few", "each", "every", "both",
  "no", "not", "yes", "one", "also", "still", "even", "only", "just", "now", "today",
  "tomorrow", "yesterday", "last", "next", "such", "other", "another", "any", "about",
  "over", "under", "against", "between", "among", "during", "through", "across",
  "via", "is", "are", "was", "were", "be", "been", "has", "have", "had", "do", "does",
  "did", "will", "would", "can", "could", "may", "might", "must", "shall", "should",
  "mr", "mrs", "ms", "dr", "st", "speaking", "asked", "according",
}
local function_words = T.lower(function_list)
local is_function_word = {}
for _, w in ipairs(function_list) do is_function_word[w] = true end

-- A token that can be a word of a name: capitalised (title case, or an
-- acronym), and not a function word, a month, a weekday, a cue verb or an
-- honorific. A capitalised common word opening a sentence ("Bluntly",
-- "Shifting", but also "Marten") is a name word only when an uncommon
-- name word follows it ("Marten Olsen").
local acronym = T.all(T.upper, T.shape{ "XX", "XXX", "XXXX", "XXd", "Xd", "XXXd", "X&X" })
local cap = T.title + acronym
-- English words that exist in lower case (news.common: T.lower of the
-- COMMON list, a set the machine looks tokens up in).
local common = news.common
-- Capitalised words the word list knows as names (news.proper(word)).
local proper = news.proper
local opener = T.all(T.sentence_start, common)
-- Headlines set in capitals (spans HEADLINE, made by the first phase,
-- rules/dates.lua's) tell nothing by their case: names there come from
-- the lists, or from elsewhere in the text (coreference).
local base = T.all(cap, -function_words,
                   -T.label{ "MONTH", "WEEKDAY", "CUE", "HONORIFIC", "ROLE", "HEADLINE" })
local word = T.all(base, -opener)
-- Particles inside personal names: "Ursula von der Leyen", "Mohammed bin Salman".
local particle = T.lower{ "de", "van", "von", "der", "den", "da", "di", "du", "del", "della",
                          "la", "le", "bin", "ibn", "al", "el", "dos", "das", "ter" }
local hyphen = T.text{ "-", "‐" }
-- "Jean-Luc", "Al-Assad" stay one name word. A name does not go on past
-- the end of a line (a headline, a dateline, a table's row): every word
-- but the last has no line break after it.
local joins = -T.newline_after
local nword = word * (hyphen * cap) ^ -1
local particle_on = T.all(particle, joins)
-- "J." or "J" as a middle initial: "George W. Bush".
local initial = T.all(T.upper, T.shape{ "X", "X." }, joins) * T.all(T.text".", joins) ^ -1

-- People's names are written in title case ("NCSA" is no one's name).
local pw = T.all(T.title, base)
local mid = initial ^ -1 * particle_on ^ -2
local pw_on = T.all(pw, joins, -opener) * mid + pw * hyphen * T.all(cap, joins) * mid
local pw_end = T.all(pw, -opener) * (hyphen * cap) ^ -1
-- Two words or more; `first` and `next` narrow what the first and the
-- other words may be.
local function names_of(first, next)
  local cap_on = hyphen * T.all(cap, joins) * mid
  local on = T.all(pw, joins, -opener, first) * mid + T.all(pw, first) * cap_on
  local later_on = T.all(pw, joins, -opener, next) * mid + T.all(pw, next) * cap_on
  local last = T.all(pw, -opener, next) * (hyphen * cap) ^ -1
  local rare = T.all(pw, -common, next)
  return on * later_on ^ 0 * last
         + T.all(pw, joins, opener, first) * mid
           * (T.all(rare, joins) * mid * later_on ^ 0 * last + rare * (hyphen * cap) ^ -1)
end
local full_name = names_of(T.any, T.any)
-- one word or more
local person_name = full_name + pw_end

local cue = T.span"CUE"
local comma = T.text","
local the = T.lower{ "the", "a", "an" }
local possessive = T.text{ "'s", "’s", "'", "’" }


-- Names from lists count when written as names are (with a capital
-- first: "Turkey" is a place, "turkey" is not; a number alone is no name).
-- A token that opens with an ASCII capital has one; else its shape tells
-- (an "X" for each run of capitals: no view of it needed, doc[i] builds a
-- table of every field). The Doc's text and methods are fetched once per
-- Doc: a method call through the Doc costs two C calls.
local byte, find = string.byte, string.find
local cur_doc, cur_src, token_of, lower_of, shape_of
local function written_as_name(m, doc)
  if doc ~= cur_doc then
    cur_doc, cur_src = doc, doc:source()
    token_of, lower_of, shape_of = doc.token, doc.lower, doc.shape
  end
  local first = m.first
  local b = byte(cur_src, (token_of(doc, first)))
  if not (b and b >= 65 and b <= 90) and not find(shape_of(doc, first), "X", 1, true) then
    return false
  end
  return not (first == m.last and is_function_word[lower_of(doc, first)])
end

-- Helpers for actions: the name alone becomes the span. When the rule's
-- pattern is C("name", ...), the name is the whole match: its span is made
-- from the match's tokens, without the captures (each a table, and three
-- calls into the Doc).
local function person(key)
  return function(m)
    local attrs = {}
    if m.captures.title then attrs.title = (m:text("title"):gsub("%.$", "")) end
    if m.captures.role then attrs.role = m:text("role") end
    m:add_span("PERSON", key or "name", attrs)
  end
end

local function person_whole(m)
  m:add_span("PERSON", nil, {})
end

local function labelled(label)
  return function(m) m:add_span(label, "name") end
end

local function labelled_whole(label)
  return function(m) m:add_span(label) end
end

-- People ------------------------------------------------------------------

local people = {
  -- "Sir Richard Moore", "Mr. Lund", and the typo "Sir richard Moore": after
  -- an honorific one lower-case word may open the name.
  rule{ name = "person_honorific", priority = 5,
        pattern = C("title", T.span"HONORIFIC") * T.text"." ^ -1
                  * C("name", T.all(T.lower_case, T.alpha, -function_words) ^ -1 * person_name),
        action = person() },
  -- "President Trump", "Russian premier Vladimir Putin", "its own president,
  -- Volodymyr Zelenskyy": a role before a full name (or a capitalised
  -- title before a surname).
  rule{ name = "person_after_role", priority = 4,
        pattern = C("role", T.span"ROLE") * comma ^ -1 * C("name", full_name),
        action = person() },
  rule{ name = "person_after_title", priority = 4,
        pattern = C("role", T.all(T.title, T.label"ROLE")) * C("name", pw_end),
        action = person() },
  -- A known given name opens a name: "Donald Trump", "Marten Olsen".
  rule{ name = "person_given_name", priority = 3,
        pattern = C("name", T.all(pw, T.label"GIVEN_NAME", joins) * mid * pw_on ^ 0 * pw_end),
        action = person_whole },
  -- "the firm's spokesman Per Lund", "Y's spokesman X".
  rule{ name = "person_spokesman", priority = 3,
        pattern = possessive * C("role", T.span"ROLE") * C("name", person_name),
        action = person() },
}

-- Organisations -----------------------------------------------------------

-- Words inside an organisation's name: "Bank of England", "Ministry of
-- Foreign Affairs", "Procter & Gamble".
-- A capitalised cue verb inside a name is a name word ("Signals Bureau").
local org_word = T.all(T.has_upper, -function_words, T.label{ "NORP", "LOC" }) + word
                 + T.all(T.title, T.label"CUE", -T.sentence_start)
local org_head = T.all(cap, T.label"ORG_HEAD", -T.label"HEADLINE")
local org_of = T.lower{ "of", "for", "on" } * T.lower"the" ^ -1 * org_word ^ 1
local organisations = {
  rule{ name = "org_lexicon", priority = 3,
        pattern = C("name", T.span"ORG"), where = written_as_name,
        action = labelled_whole("ORG") },
  -- "Secret Intelligence Service", "Ministry of Defence", "Bank of England".
  rule{ name = "org_head", priority = 4,
        pattern = C("name", (org_word + T.text"&") ^ 0 * org_head * (org_head + org_word) ^ 0
                            * org_of ^ -1),
        action = labelled_whole("ORG") },
  -- "Olsen Marine AS", "Acme Widgets Inc."
  rule{ name = "org_suffix", priority = 4,
        pattern = C("name", (org_word + T.text"&") ^ 1 * comma ^ -1 * T.span"ORG_SUFFIX"),
        action = labelled_whole("ORG") },
  -- "the Trump administration", "the Macron government".
  rule{ name = "org_administration", priority = 4,
        pattern = the * C("name", nword * T.lower{ "administration", "government", "cabinet",
                                                   "campaign" }),
        action = labelled("ORG") },
  -- "the British consulate in Istanbul", "the Danish embassy in Geneva".
  rule{ name = "org_mission", priority = 4,
        pattern = the * C("name", (T.span"NORP" + T.span"LOC") * T.lower{ "consulate", "embassy",
                                 "mission", "high commission" }
                                 * (T.lower"in" * T.span"LOC") ^ -1),
        action = labelled("ORG") },
  -- "Caisse Centrale Desjardins du Quebec", "Banco Central de Chile": two
  -- name words or more, a particle, a known place. The place makes it an
  -- organisation rather than a person named with a particle ("Charles de
  -- Gaulle"), which it would be else (person_capitalised, of lower
  -- priority, matches the same words).
  rule{ name = "org_particle_place", priority = 1,
        pattern = C("name", org_word ^ 2 * T.lower{ "de", "du", "des", "del", "della", "di" }
                            * T.span"LOC"),
        action = labelled_whole("ORG") },
  -- Acronyms: "NATO", "MI6", "NCSA".
  rule{ name = "org_acronym", priority = 1,
        pattern = C("name", T.all(acronym, -common,
                                  -T.label{ "LOC", "NORP", "MONTH", "HEADLINE" })),
        action = labelled_whole("ORG") },
}

-- Places, groups, other names ----------------------------------------------

local places = {
  rule{ name = "loc_lexicon", priority = 3,
        pattern = C("name", T.span"LOC"), where = written_as_name,
        action = labelled_whole("LOC") },
  rule{ name = "norp_lexicon", priority = 3,
        pattern = C("name", T.span"NORP"), where = written_as_name,
        action = labelled_whole("NORP") },
  -- "the West", "the Middle East" (in the lexicon), "the ‘rest of the West’".
  rule{ name = "loc_the_west", priority = 2,
        pattern = T.lower"the" * C("name", T.text{ "West", "East", "North", "South" }),
        action = labelled("LOC") },
  -- Events and works: "World Cup", "Cold War", "Nobel Peace Prize".
  rule{ name = "misc_event", priority = 3,
        pattern = C("name", org_word ^ 1 * T.text{ "War", "Cup", "Games", "Olympics", "Prize",
                                                  "Award", "Awards", "Summit", "Festival",
                                                  "Championship", "Championships", "Open",
                                                  "Treaty", "Accord", "Accords", "Act" }),
        action = labelled_whole("MISC") },
  -- Two or more capitalised words that nothing else explains: most often
  -- a person in news copy.
  rule{ name = "person_capitalised", priority = 0,
        pattern = C("name", names_of(-T.label{ "LOC", "NORP", "ORG", "ORG_HEAD" },
                                     -T.label{ "ORG_HEAD", "NORP" })),
        action = person_whole },
}

-- Entries of a user gazetteer win over everything else.
local user = {}
for _, label in ipairs{ "PERSON", "ORG", "LOC", "NORP", "MISC" } do
  user[#user + 1] = rule{ name = "user_" .. label:lower(), priority = 9,
                          pattern = C("name", T.span(label, { source = "user" })),
                          where = written_as_name, action = labelled_whole(label) }
end

-- Names known by their context: found in a phase of their own, among the
-- words no earlier rule or list has named, so that the context words do
-- not make these matches longer than the names around them.
local free = -T.label{ "PERSON", "ORG", "LOC", "NORP", "MISC" }
local free_full = names_of(free, free)
local free_name = free_full + T.all(pw, -opener, free) * (hyphen * cap) ^ -1
local person_named = person()
-- Is the word, somewhere in the text, followed by another capitalised one
-- (after a comma, at most: "Sears, Roebuck and Co")? Each place the word
-- is found (a plain search) is checked; the answers are kept for the text,
-- since a long text asks of many words, each a search of all of it.
local longer_src, longer = nil, {}
local function opens_longer_name(src, w)
  if src ~= longer_src then longer_src, longer = src, {} end
  local known = longer[w]
  if known ~= nil then return known end
  local pos, found = 1, false
  while true do
    local s, e = find(src, w, pos, true)
    if not s then break end
    if find(src, "^%w", s) and (s == 1 or not find(src, "^%w", s - 1))
       and find(src, "^,?[ \t]+%u", e + 1) then
      found = true
      break
    end
    pos = s + 1
  end
  longer[w] = found
  return found
end
local in_context = {
  -- "Oslo-based", "in Tallinn": a single unknown name after a place
  -- preposition, weak evidence.
  rule{ name = "loc_based", priority = 2,
        pattern = C("name", T.all(word, free) * (hyphen * T.all(cap, free)) ^ -1) * hyphen
                  * T.lower"based",
        action = labelled("LOC") },
  rule{ name = "loc_preposition", priority = 0,
        pattern = T.lower{ "in", "near", "outside", "across", "to", "from" }
                  * C("name", T.all(word, T.title, free, -T.label"GIVEN_NAME")) * -cap,
        action = labelled("LOC") },
  -- Cue verbs: "Moore said", "said Per Lund", "Carter told reporters".
  rule{ name = "person_before_cue", priority = 2,
        pattern = C("name", free_name) * comma ^ -1 * cue, action = person() },
  -- "Smith said", "Lund told reporters": a capitalised word alone right
  -- before a cue, opening a sentence (or the text), that `opener` keeps
  -- out of names when it is an English word too ("smith"): a person when
  -- the word list knows it as a name (news.proper: "Smith", "Trump"; not
  -- "Officials", "Police"), no lexicon as a place, an organisation, a
  -- group or an organisation's head ("Senate"), and the text does not
  -- show it as the first word of a longer name ("Corning Glass Works ...
  -- Corning said": a firm's short name). The action asks, for the few
  -- matches: a `where` check would cost the phase a pass over all its
  -- candidates, and `opener` in the pattern another copy of the word set.
  -- (Any sentence's first word matches; the lower priority lets
  -- person_before_cue have those that are not common words.)
  rule{ name = "person_opener_cue", priority = 1,
        pattern = C("name", T.all(pw, T.sentence_start, free, -T.label"ORG_HEAD")) * cue,
        action = function(m, doc)
          local w = doc:text(m.first, m.first)
          if proper(w) and not opens_longer_name(doc:source(), w) then person_named(m) end
        end },
  rule{ name = "person_after_cue", priority = 2,
        pattern = cue * C("name", free_full),
        action = person() },
  -- Appositions: "Ingrid Solberg, the prime minister", "Marten Olsen,
  -- chief executive of Olsen Marine", "Ann Lee, 54,".
  rule{ name = "person_apposition", priority = 2,
        pattern = C("name", free_full) * comma
                  * (the + T.lower{ "its", "his", "her", "their" }) ^ -1
                  * (T.span"NORP" + T.span"LOC" * possessive + T.lower_case) ^ -2 * T.span"ROLE",
        action = person() },
  rule{ name = "person_age", priority = 2,
        pattern = C("name", free_full) * comma * T.kind"number" * comma,
        action = person() },
}

local all = {}
for _, list in ipairs{ user, people, organisations, places } do
  for _, r in ipairs(list) do all[#all + 1] = r end
end
return {
  phase{ name = "entities", overlap = "longest", rules = all },
  phase{ name = "entities_in_context", overlap = "longest", rules = in_context },
}
