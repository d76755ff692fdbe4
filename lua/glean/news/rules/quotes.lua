-- News rules: quotations and their speakers.
--
-- Loaded with
--   glean.rules.load(path, { env = { quotes = require "glean.news.quotes" } })
-- after the entity phases (PERSON, ORG, LOC and NORP spans help when they
-- are there; without them a run of capitalised words next to a cue is a
-- speaker). Two phases:
--
--   1. quote_marks:    one QUOTE span per top-level quotation (the marks
--                      are paired by glean.news.quotes.scan: curly,
--                      straight, single, guillemets, mixed, nested, over
--                      paragraphs; apostrophes are not marks);
--   2. quote_speakers: where a cue verb sits near a quote, the words it
--                      attaches to: "“…,” X said", "“…,” said X", "X said
--                      (that) … “…”", "according to X", with X in an
--                      apposition ("X, the head of Y, warned") or split
--                      from the quote by a clause; then, for each quote,
--                      the nearest cue wins; its words become a SPEAKER
--                      span (kind "name", "description" or "pronoun")
--                      linked as the quote's "speaker"; pronouns and
--                      continuation quotes are linked to the most recent
--                      compatible speaker as "antecedent"; short quotes
--                      without a cue are scare quotes.
--
-- luacheck: read globals T rule phase C lpeg quotes

-- Vocabulary --------------------------------------------------------------

local function words(s)
  local out = {}
  for w in s:gmatch("%S+") do out[#out + 1] = w end
  return out
end

-- Verbs that introduce or attribute speech (all their forms).
local SAY = words[[
  say says said saying tell tells told telling add adds added adding warn warns warned
  warning write writes wrote writing ask asks asked asking note notes noted noting
  explain explains explained explaining argue argues argued arguing claim claims claimed
  claiming insist insists insisted insisting state states stated declare declares declared
  announce announces announced recall recalls recalled acknowledge acknowledges
  acknowledged admit admits admitted suggest suggests suggested reply replies replied
  respond responds responded tweet tweeted tweeting posted report
  reports reported reiterate reiterates reiterated reiterating stress stresses stressed
  emphasize emphasizes emphasized emphasise emphasises emphasised observe observes
  observed remark remarked conclude concludes concluded concede concedes conceded
  predict predicts predicted promise promises promised vow vows vowed pledge pledges
  pledged urge urges urged joke jokes joked quip quips quipped boast boasts boasted
  complain complains complained charged counter countered
  contend contends contended maintain maintains maintained muse mused shout shouted
  yell yelled cry cried scream screamed call calls called calling describe describes
  described describing dub dubbed label labeled labelled brand branded continue
  continues continued wonder wonders wondered agree agrees agreed caution cautions
  cautioned testify testified assert asserts asserted allege alleges alleged tout touts
  touted accuse accuses accused mock mocked blast blasts blasted slam slams slammed
  declare proclaim proclaimed announce confirm confirms confirmed deny denies denied
  demand demands demanded concede insisting recount recounted recounts reflect
  reflected quote quoted quoting chant chanted read reads explained begs begged plead
  pleaded]]

-- in lower case: "the United States" holds no cue
local CUE_WORD = T.all(T.lower(SAY), T.lower_case)
local ACCORDING = T.lower"according" * T.lower"to"

-- What a sentence ends with; the tokens a speaker region may contain: not
-- a sentence end, not a paragraph's last token, not inside a quote, not a
-- cue (so that the nearest cue is the one found).
local STOP = T.text{ ".", "!", "?", "\226\128\166" } + T.paragraph_after
-- ("so-called" holds no cue either; quotes.candidate's free_run reads
-- FREE tokens the same way: keep the two in step).
local FREE = T.any - STOP - T.label"QUOTE" - CUE_WORD - T.lower"according"
             + T.text"-" * T.lower"called"
local QUOTE = T.span"QUOTE"
-- A clause may hold cue words: what the participle rule reads back over.
local CLAUSE = T.any - STOP - T.label"QUOTE"
local PARTICIPLE = T.all(CUE_WORD, T.match((1 - lpeg.P"ing" * -1) ^ 1 * "ing" * -1))
local DASH = { [","] = true, ["\226\128\148"] = true, ["\226\128\147"] = true, ["--"] = true,
              [":"] = true }
local BYLINE_DASH = { ["\226\128\149"] = true, ["\226\128\148"] = true, ["-"] = true,
                      ["--"] = true }

-- 1. Quotation marks ----------------------------------------------------------

phase{ name = "quote_marks", rules = {
  rule{ name = "quote", label = "QUOTE", pattern = quotes.pattern,
        action = function(m, doc) quotes.add_quote(m, doc) end },
} }

-- 2. Cues, and the speaker of each quote -------------------------------------
--
-- The cue rules record what they find, in their `where` checks, and make
-- nothing themselves; all `where` checks of a phase run before its
-- actions, so that the "speaker" rule's action, run for each quote in
-- text order, sees every cue of its quote. (The pattern machine reads a
-- pattern from its end: each pattern here ends at a quote or at "according
-- to", which few tokens are; what follows a quote or a cue is read by
-- quotes.candidate, in Lua.)

-- in lower case, for quotes.candidate
local CUES = {}
for _, w in ipairs(SAY) do CUES[w] = true end

-- what quotes.candidate reads after a quote (see quote_then_cue)
local SAID_AFTER = { cue_within = 41, cues = CUES }
local SAID_BEFORE = { cue_next = DASH, region_after = 12, cues = CUES }
local BYLINE = { byline = BYLINE_DASH }

local function cue_rule(name, pattern, how, opts)
  return rule{ name = name, pattern = pattern,
               where = function(m, doc) quotes.candidate(m, doc, how, opts); return false end }
end

phase{ name = "quote_speakers", overlap = "all", rules = {
  -- After a quote, read from the quote on by quotes.candidate, in this
  -- order (as patterns these would start at every cue word or line end):
  -- “…,” Moore said / “…,” Sir Jane Doe, the head of X, warned / “…”
  -- that …, Sir Jane Doe, the head of X warned
  --   QUOTE * C("region", FREE * FREE ^ -40) * C("cue", CUE_WORD)
  -- “…,” said Moore / “…,” says the newspaper
  --   QUOTE * DASH ^ -1 * C("cue", CUE_WORD) * C("region", FREE ^ -12)
  -- “…” ― Jane Doe (a byline under a quote)
  --   QUOTE * C("cue", BYLINE_DASH) * C("region", T.title * T.any ^ -5) * T.newline_after
  rule{ name = "quote_then_cue", pattern = C("quote", QUOTE),
        where = function(m, doc)
          quotes.candidate(m, doc, "after", SAID_AFTER)
          quotes.candidate(m, doc, "inverted", SAID_BEFORE)
          quotes.candidate(m, doc, "byline", BYLINE)
          return false
        end },
  -- Moore said: “…” / several leaders have reiterated Ukraine’s “…” /
  -- Sir Richard added that Putin was “…”
  -- (region: FREE * FREE ^ -30, mid: FREE ^ -40; the bounds are kept by
  -- quotes.candidate: bounded windows cost the pattern machine a state
  -- per step of the bound)
  cue_rule("speaker_cue_quote",
           C("region", FREE ^ 1) * C("cue", CUE_WORD) * C("mid", FREE ^ 0) * C("quote", QUOTE),
           "before", { region_max = 31, mid_max = 40 }),
  -- Trump attacked Clinton, saying “…” (the subject of the clause; the
  -- clause may hold other cues)
  cue_rule("clause_participle_quote",
           C("region", CLAUSE * CLAUSE ^ -40) * T.text"," * C("cue", PARTICIPLE)
           * C("mid", FREE ^ -40) * C("quote", QUOTE), "participle"),
  -- Obama is rolling out a new message: “…”
  cue_rule("clause_colon_quote", C("region", FREE * FREE ^ -30) * T.text":" * C("quote", QUOTE),
           "colon"),
  -- no cue: the subject of the sentence, a name or a pronoun before its
  -- verb ("Cruz exhorted Republicans to “…”")
  cue_rule("subject_quote", C("region", FREE ^ 1) * C("quote", QUOTE), "subject",
           { region_max = 41 }),
  -- “…”, according to the report (the report: up to 12 FREE tokens)
  cue_rule("quote_according_to", C("quote", QUOTE) * C("mid", FREE ^ -30) * C("cue", ACCORDING),
           "according", { region_after = 12, cues = CUES }),
  -- According to the report, “…”
  cue_rule("according_to_quote", C("cue", ACCORDING) * C("region", FREE ^ -60) * C("quote", QUOTE),
           "according"),
  -- for each quote, the nearest cue wins; its words become a SPEAKER span
  -- (kind "name", "description" or "pronoun") linked as the quote's
  -- "speaker"; pronouns and continuation quotes are linked to the most
  -- recent compatible speaker (a PERSON, ORG or NORP span tells what a
  -- pronoun may refer to) as "antecedent"; short quotes without a cue are
  -- scare quotes.
  rule{ name = "speaker", pattern = QUOTE,
        action = function(m, doc) quotes.resolve(m, doc, { scare_words = 4 }) end },
} }
