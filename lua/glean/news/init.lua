--- The news layer: the bundled rule set for news articles and the report.
--
-- `news.pipeline(opts)` builds a pipeline from the bundled lexicons and
-- rule files (dates, entities, roles and aliases, quotations), plus the
-- user's gazetteers and rule files; `pipeline:extract(text, opts)` runs it
-- and returns the report (`glean.news.report`): entities with their
-- mentions, aliases and roles, quotations with speakers, dates.
--
-- @module glean.news
-- @usage
-- local news = require "glean.news"
-- local report = news.extract("Sir Richard Moore, the head of MI6, said ...")
-- for _, e in ipairs(report.entities) do print(e.id, e.label, e.name) end

local glean = require "glean"
local rules = require "glean.rules"
local spans_mod = require "glean.spans"
local report_mod = require "glean.news.report"
local coref = require "glean.news.coref"

local type, ipairs, pairs, pcall, error, tostring, setmetatable, getmetatable, require =
      type, ipairs, pairs, pcall, error, tostring, setmetatable, getmetatable, require
local core = require "glean.core"
local package, table = package, table

local M = {}

--- The bundled rule files, in the order their phases run.
M.rule_files = { "dates", "entities", "roles", "quotes" }

--- The labels of entity mentions.
M.entity_labels = coref.LABELS

--- The path of a bundled rule file, found beside the installed modules.
-- @tparam string name "dates", "entities", "roles" or "quotes"
-- @treturn string|nil
-- @usage print(news.rule_file("entities"))
function M.rule_file(name)
  return glean.searchpath("glean.news.rules." .. name, package.path)
end

-- Host helpers the rule files see as `news` -------------------------------

local helpers = {}

local is_mention = coref.is_mention
local first_at = spans_mod.first_at

-- The span over exactly first..last with one of these labels (a set):
-- a mention the rules made rather than a lexicon's span, when both are.
-- The rule files ask for spans that earlier phases made, which a phase
-- finds merged into the Doc's span list (spans.annotations(doc).spans,
-- in text order: by first token, longer first) when it starts: a binary
-- search finds the first span at `first` (an index of the list would be
-- made again whenever the list is a new one).
local function find_span(doc, labels, first, last)
  local list = spans_mod.annotations(doc).spans
  local found
  for j = first_at(list, first), #list do
    local s = list[j]
    if s.first ~= first then break end
    if s.last == last and labels[s.label] then
      if is_mention(s) then return s end
      found = found or s
    end
  end
  return found
end

--- The span of this label over exactly tokens first..last (a mention the
-- rules made, rather than a lexicon's span, when there are both), made by
-- an earlier phase.
local label_sets = {}      -- label -> { [label] = true }, made once
function helpers.span_at(doc, label, first, last)
  local set = label_sets[label]
  if not set then
    set = { [label] = true }
    label_sets[label] = set
  end
  return find_span(doc, set, first, last)
end

--- The entity mention over exactly tokens first..last, made by an earlier
-- phase.
function helpers.mention_at(doc, first, last)
  local s = find_span(doc, M.entity_labels, first, last)
  return s and is_mention(s) and s or nil
end

--- The nearest mention with one of these labels ending before token i, in
-- the same sentence or else in the one before ("Its director"), made by an
-- earlier phase.
function helpers.before(doc, labels, i)
  local sentence = doc:sentence_of(i)
  local rank = {}
  for k, label in ipairs(labels) do rank[label] = rank[label] or k end
  -- the spans of earlier phases in text order (as find_span reads them):
  -- the last one starting before token i, then back to the sentence
  -- before i's (a long text's spans are not all read)
  local all = spans_mod.annotations(doc).spans
  local hi = first_at(all, i) - 1
  -- the one ending last; on a tie, of the label listed first, then the
  -- first in text order
  local best, best_rank
  for k = hi, 1, -1 do
    local s = all[k]
    local at = doc:sentence_of(s.first)
    if at < sentence - 1 then break end
    local r = rank[s.label]
    if r and s.last < i and is_mention(s) and
       (not best or s.last > best.last or (s.last == best.last and r <= best_rank)) then
      best, best_rank = s, r
    end
  end
  return best
end

local small = { ["of"] = true, ["and"] = true, ["the"] = true, ["for"] = true, ["on"] = true,
                ["&"] = true, ["de"] = true, ["in"] = true }

--- Does the acronym (tokens af..al) spell the initials of the name (tokens
-- nf..nl)? "European Union" / "EU", "Secret Intelligence Service" / "SIS".
function helpers.initials(doc, nf, nl, af, al)
  local letters = {}
  for i = nf, nl do
    local t = doc[i]
    if t.is_alpha and not small[t.lower] then letters[#letters + 1] = t.text:sub(1, 1):upper() end
  end
  local acronym = doc:text(af, al):gsub("[%.%s]", "")
  local spelt = table.concat(letters)
  return #acronym >= 2 and (spelt == acronym or spelt:sub(1, #acronym) == acronym
                            and #spelt <= #acronym + 1)
end

-- Pipelines ----------------------------------------------------------------

local function load_lexicon(opts)
  local matcher, words = opts.lexicon, opts.words
  if matcher == nil or words == nil then
    local lexicon = require "glean.news.lexicon"
    local lx, err = lexicon.load(opts.data and { path = opts.data } or nil)
    if not lx then
      -- (a caller's news lexicon without the word list: no word is known)
      if matcher ~= nil then return { { matcher, name = "lexicon", overlap = "all" } }, nil end
      return nil, err
    end
    matcher, words = matcher or lx.news, words or lx.words
  end
  -- every reading of a phrase ("Georgia": a country, a state, a name); the
  -- word list is a token set in the rules (news.common), not a gazetteer
  return { { matcher, name = "lexicon", overlap = "all" } }, words
end

-- A user gazetteer: TSV phrase<TAB>label[<TAB>key=value...], or a compiled
-- file. (The pipeline gives its spans source = "user", so that the rules
-- let them win.)
local function user_gazetteer(path)
  local gz = require "glean.gazetteer"
  if gz.is_compiled(path) then return gz.load(path) end
  local g = glean.gazetteer{ case = "smart" }
  local ok, err = g:load(path, { format = "tsv" })
  if not ok then return nil, err end
  return g:compile()
end

-- news.common, the rules' predicate for English words (a token whose
-- lower-case form is in the list). With no list (a source checkout used
-- before `make data` has made build/data/common.tsv), it matches nothing:
-- no capitalised word is then taken for a common word.
local NO_TOKEN = -glean.pattern.any
local function common_predicate(words)
  if #words == 0 then return NO_TOKEN end
  return glean.pattern.lower(words)
end

-- news.proper(word): does the word list (the `words` gazetteer) know this
-- capitalised word as a name ("Smith", "Trump"; not "Officials")? Asked
-- of the few words the rules need it for; the answers are kept, per
-- gazetteer. Without the gazetteer (a pipeline given a news lexicon,
-- `lexicon`, where no word list can be loaded), no word is known. (Every
-- reading is asked for, and the label checked here: a `labels` filter
-- would cost the gazetteer an index of its 75,000 entries by label, made
-- on the first query.)
local proper_of = setmetatable({}, { __mode = "k" })
local function never() return false end
local ALL = { overlap = "all" }
local function proper_check(words)
  if not words then return never end
  local check = proper_of[words]
  if check then return check end
  local known = {}
  check = function(word)
    local v = known[word]
    if v == nil then
      v = false
      for _, h in ipairs(words:find(word, ALL)) do
        if h.entry.label == "PROPER" and h.text == word then v = true break end
      end
      known[word] = v
    end
    return v
  end
  proper_of[words] = check
  return check
end

-- The helpers the rule files see as `news`, for one pipeline: the shared
-- ones, its word list (news.common) and its names (news.proper).
local function helpers_for(opts, words)
  local own = {}
  for k, v in pairs(helpers) do own[k] = v end
  if opts.common_words == nil then
    -- built here, once, rather than by the rule file under the sandbox's hook
    helpers.common = helpers.common
                     or common_predicate(require("glean.news.lexicon").common_words())
    own.common = helpers.common
  else
    own.common = common_predicate(opts.common_words)
  end
  own.proper = proper_check(words)
  return own
end

local Pipeline = {}
Pipeline.__index = Pipeline

--- Builds the news pipeline.
-- @tparam[opt] table opts `gazetteers` (paths of user gazetteers: TSV
-- `phrase<TAB>label[<TAB>key=value...]` or compiled), `rules` (paths of
-- user rule files, run after the bundled ones), `data` (the directory of
-- the compiled lexicons), `lexicon` (the news lexicon as a Matcher, instead
-- of `news.glz` from `data`: say one a C host made over a buffer it shares
-- between threads, examples/embed/), `words` (the word list as a Matcher,
-- instead of `words.glz` from `data`: the proper names it knows make "Smith
-- said" a person), `common_words` (the English words
-- that exist in lower case, an array, instead of the list `make data`
-- generates, `lexicon.common_words()`; an empty one: no word is common)
-- @return a news pipeline, or nil and a message
-- @usage local pl = assert(news.pipeline{ gazetteers = { "people.tsv" } })
function M.pipeline(opts)
  if opts ~= nil and type(opts) ~= "table" then
    error("bad argument #1 to 'pipeline' (table expected, got " .. type(opts) .. ")", 2)
  end
  opts = opts or {}
  if opts.lexicon ~= nil and type(opts.lexicon) ~= "userdata" then
    error("bad option 'lexicon' (Matcher expected, got " .. type(opts.lexicon) .. ")", 2)
  end
  if opts.words ~= nil and type(opts.words) ~= "userdata" then
    error("bad option 'words' (Matcher expected, got " .. type(opts.words) .. ")", 2)
  end
  if opts.common_words ~= nil and type(opts.common_words) ~= "table" then
    error("bad option 'common_words' (table expected, got " .. type(opts.common_words) .. ")",
          2)
  end
  local gazetteers, words = load_lexicon(opts)
  if not gazetteers then return nil, words end
  if words ~= nil then
    local mt = getmetatable(words)
    if not (mt and mt.__index == core.matcher_methods) then
      return nil, "bad option 'words' (Matcher expected, got a " .. tostring(words) .. ")"
    end
  end
  for _, path in ipairs(opts.gazetteers or {}) do
    local m, gerr = user_gazetteer(path)
    if not m then return nil, path .. ": " .. tostring(gerr) end
    gazetteers[#gazetteers + 1] = { m, name = "user", overlap = "longest",
                                    attrs = { source = "user" } }
  end
  local env = { news = helpers_for(opts, words), dates = require "glean.news.dates",
                quotes = require "glean.news.quotes" }
  local phases = {}
  for _, name in ipairs(M.rule_files) do
    local path = M.rule_file(name)
    if not path then return nil, "news rule file '" .. name .. "' not found on package.path" end
    -- glean's own rule files: loaded in the sandbox like any other, but
    -- their actions are not guarded call by call
    local loaded, lerr = rules.load(path, { env = env, name = "news/" .. name .. ".lua",
                                            trusted = true })
    if not loaded then return nil, lerr end
    phases[#phases + 1] = loaded
  end
  for _, path in ipairs(opts.rules or {}) do
    local loaded, lerr = rules.load(path)
    if not loaded then return nil, lerr end
    phases[#phases + 1] = loaded
  end
  local ok, pl = pcall(rules.pipeline, { gazetteers = gazetteers, phases = phases })
  if not ok then return nil, pl end
  -- the parts are kept for those who build variants (bench/news.lua)
  return setmetatable({ pipeline = pl, date = opts.date, gazetteers = gazetteers,
                        phases = pl.phases }, Pipeline)
end

--- Runs the rules over a text and returns the Doc with its spans and links.
-- @tparam string text
-- @tparam[opt] table opts as `Pipeline:run` (`explain`)
-- @treturn Doc
-- @usage local doc = pl:run(text)
function Pipeline:run(text, opts)
  return self.pipeline:run(text, opts)
end

--- Runs the rules and builds the report.
-- @tparam string text
-- @tparam[opt] table opts `doc` (the input's name), `date` (reference date
-- "YYYY-MM-DD" for relative dates; default: a dateline in the text)
-- @treturn table the report (schema glean.report/1)
-- @usage local report = pl:extract(text, { doc = "article.txt" })
function Pipeline:extract(text, opts)
  opts = opts or {}
  local doc = self.pipeline:run(text)
  local report = report_mod.build(doc, { doc = opts.doc, date = opts.date or self.date })
  doc:close()
  return report
end

local default

--- Extracts a report from a text with the bundled rules (the pipeline is
-- built once and kept).
-- @tparam string text
-- @tparam[opt] table opts as `Pipeline:extract`
-- @treturn table the report
-- @usage local report = news.extract(io.read("a"))
function M.extract(text, opts)
  if type(text) ~= "string" then
    error("bad argument #1 to 'extract' (string expected, got " .. type(text) .. ")", 2)
  end
  if not default then
    local err
    default, err = M.pipeline()
    if not default then error(err, 2) end
  end
  return default:extract(text, opts)
end

M.helpers = helpers

return M
