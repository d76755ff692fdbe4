--- glean: fast information extraction from text.
--
-- The facade of the library: tokenisation and segmentation, gazetteers,
-- token patterns, rules and pipelines, all over the same Doc.
--
-- Positions are byte offsets, 1-based and inclusive, like `string.find`:
-- `text:sub(start, stop)` is a token's text.
--
-- @module glean
-- @usage
-- local glean = require "glean"
-- local doc = glean.tokenize("Sir Richard Moore, the head of MI6, warned.")
-- for i, start, stop, kind in doc:tokens() do print(i, doc:text(i), kind) end

local core = require "glean.core"

local type, error, getmetatable = type, error, getmetatable
local package, io = package, io

local M = {}

--- The version of glean.
M._VERSION = "0.1.0"

--- `package.searchpath`, on Lua 5.1 too: the first file a module name
-- maps to on a path (for finding data and rule files beside the modules).
-- @tparam string name a module name ("glean.news.rules.dates")
-- @tparam string path a path such as `package.path`
-- @treturn string|nil the file
-- @usage print(glean.searchpath("glean.formats.json", package.path))
function M.searchpath(name, path)
  if package.searchpath then return package.searchpath(name, path) end
  local file = name:gsub("%.", "/")
  for template in path:gmatch("[^;]+") do
    local candidate = template:gsub("%?", file)
    local fh = io.open(candidate, "rb")
    if fh then fh:close(); return candidate end
  end
  return nil
end

--- The Unicode version of the character tables ("15.0.0").
M.unicode_version = core.unicode_version

--- Creates a tokenizer whose options are validated once.
-- Options (all booleans, defaults in brackets):
--
-- - `keep_space` [false]: whitespace runs become tokens of kind `space` or
--   `newline`; otherwise they are skipped and only recorded as
--   `space_after` on the token before.
-- - `clitics` [true]: split possessive and contraction clitics, straight or
--   curly apostrophe ("Putin’s" → "Putin" "’s", "don't" → "do" "n't").
-- - `abbreviations` [true]: keep known abbreviations whole with their period
--   ("Mr.", "Inc.", "U.S.", "e.g."); a list of strings adds to the built-in
--   list (see `glean.abbreviations`), `false` turns it off.
-- - `initials` [true]: keep a single capital and its period whole ("J.").
-- - `urls`, `emails` [true]: URLs and e-mail addresses as one token.
-- - `numbers` [true]: numbers keep their separators ("1,250.5"); `false`
--   splits them ("1" "," "250" "." "5").
-- - `emoji` [true]: emoji sequences (modifiers, ZWJ sequences, flags,
--   keycaps) get kind `emoji`; `false` reports them as `symbol`.
-- - `punct_runs` [true]: a run of one punctuation character is one token
--   ("...", "--").
-- - `hard_wraps` [true]: no sentence break at a single line break inside a
--   sentence (the line ends without a terminator and the next line starts
--   in lower case or with a digit).
-- - `sentences` [true]: find sentence boundaries; `false` saves the time
--   when only tokens are wanted (then `doc:sentences()` yields nothing and
--   token views have no `sentence`).
-- - `reference` [false]: bypass the ASCII fast paths and run every character
--   through the general rules; the result is the same, only slower (the
--   specs use it to check the fast paths).
--
-- Unknown option names raise an error.
-- @tparam[opt] table opts options
-- @treturn Tokenizer call it, or its `tokenize` method, with a text
-- @usage
-- local tk = glean.tokenizer{ clitics = false }
-- local doc = tk("Putin’s speech")   --> 2 tokens
function M.tokenizer(opts)
  if opts ~= nil and type(opts) ~= "table" then
    error("bad argument #1 to 'tokenizer' (table expected, got " .. type(opts) .. ")", 2)
  end
  return core.tokenizer(opts)
end

local default_tokenizer = core.tokenizer()
local tokenizer_mt = getmetatable(default_tokenizer)

local function is_tokenizer(x)
  return type(x) == "userdata" and getmetatable(x) == tokenizer_mt
end

--- Tokenises a text into a Doc.
-- The Doc keeps the text alive and holds the tokens in C arrays:
-- `#doc`, `doc:token(i)` (start, stop, kind without a table), `doc[i]` (a
-- view table with `text`, `start`, `stop`, `kind`, `lower`, `norm`, `shape`,
-- `sentence`, `space_after` and the `is_*` flags), `doc:tokens()`,
-- `doc:sentences()`, `doc:text(i [, j])`, `doc:span(i [, j])`. Negative
-- indexes count from the end.
-- @tparam string text UTF-8 text; malformed bytes become `invalid` tokens
-- @tparam[opt] table|Tokenizer opts options (see `tokenizer`) or a tokenizer
-- @treturn Doc
-- @usage
-- local doc = glean.tokenize("Putin’s U.S. visit")
-- print(#doc, doc:text(2), doc[3].kind)   --> 4  ’s  word
function M.tokenize(text, opts)
  if type(text) ~= "string" then
    error("bad argument #1 to 'tokenize' (string expected, got " .. type(text) .. ")", 2)
  end
  if opts == nil then return default_tokenizer(text) end
  if is_tokenizer(opts) then return opts(text) end
  if type(opts) ~= "table" then
    error("bad argument #2 to 'tokenize' (table or tokenizer expected, got "
          .. type(opts) .. ")", 2)
  end
  return core.tokenizer(opts)(text)
end

--- Start offsets of the UAX #29 segments of a text.
-- Follows Unicode Standard Annex #29 exactly (spaces and punctuation are
-- segments too); a maximal invalid UTF-8 subsequence counts as one U+FFFD.
-- @tparam string text
-- @tparam string kind `"word"` or `"sentence"`
-- @treturn {int,...} 1-based byte offsets, in order
-- @usage
-- glean.segments("Hi, you.", "word")   --> {1, 3, 4, 5, 8}
M.segments = core.segments

local gazetteer = require "glean.gazetteer"
require "glean.spans"   -- adds doc:spans, doc:links, ... to every Doc

--- Creates a gazetteer builder (see `glean.gazetteer`).
-- @function gazetteer
-- @tparam[opt] table opts `case`, `accents` and tokenizer options
-- @usage local g = glean.gazetteer{ case = "smart" }
M.gazetteer = gazetteer.new

--- Maps a compiled gazetteer file; a Matcher, or nil and a message.
-- @function load
-- @tparam string path
-- @usage local m = assert(glean.load("names.glz"))
M.load = gazetteer.load

--- A Matcher over compiled gazetteer bytes held in a string.
-- @function load_string
-- @tparam string bytes
-- @usage local m = assert(glean.load_string(blob))
M.load_string = gazetteer.load_string

local pattern = require "glean.pattern"
local rules = require "glean.rules"

--- Token patterns (`glean.pattern`), conventionally `local T = glean.pattern`.
-- @usage local T = glean.pattern; local p = T.lower"sir" * T.title^1
M.pattern = pattern

--- Makes a rule (see `glean.rules.rule`).
-- @function rule
-- @usage local r = glean.rule{ name = "mi6", pattern = glean.pattern.text"MI6", label = "ORG" }
M.rule = rules.rule

--- Makes a phase (see `glean.rules.phase`).
-- @function phase
-- @usage local ph = glean.phase{ name = "orgs", rules = { r } }
M.phase = rules.phase

--- Makes a pipeline (see `glean.rules.pipeline`).
-- @function pipeline
-- @usage local doc = glean.pipeline{ phases = { ph } }:run("MI6 said.")
M.pipeline = rules.pipeline

--- The rules module: `glean.rules.load` runs rule files.
M.rules = rules

--- The built-in abbreviations.
-- @treturn table maps each abbreviation to `"prefix"` (announces a name or
-- number, never ends a sentence on its line) or `"plain"`
-- @usage
-- print(glean.abbreviations()["Mr."])   --> prefix
M.abbreviations = core.abbreviations

--- A tokenised text (userdata `glean.Doc`), from `glean.tokenize`.
-- Indexes are 1-based; negative ones count from the end, as in `string.sub`.
-- @type Doc

--- `#doc`: the number of tokens.
-- @function Doc:__len
-- @usage for i = 1, #doc do ... end

--- Start, stop and kind of token i, without building a table; nil out of range.
-- @function Doc:token
-- @tparam int i
-- @usage local start, stop, kind = doc:token(1)

--- `doc[i]`: a table with every field of token i (`text`, `start`, `stop`,
-- `kind`, `lower`, `norm`, `shape`, `sentence`, `index`, `space_after`,
-- `newline_after`, `paragraph_after`, `is_title`, `is_upper`, `is_lower`,
-- `is_alpha`, `is_digit`, `is_punct`, `is_quote`, `is_bracket`,
-- `is_sentence_start`, `is_abbrev`, `is_clitic`, `has_lower`, `has_upper`);
-- nil out of range. A new table each time: use `doc:token` in hot loops.
-- @function Doc:__index
-- @usage print(doc[1].text, doc[-1].kind)

--- Iterates over tokens i..j (all by default): index, start, stop, kind.
-- @function Doc:tokens
-- @tparam[opt] int i
-- @tparam[opt] int j
-- @usage for i, start, stop, kind in doc:tokens() do print(i, kind) end

--- Iterates over sentences: number, first token, last token.
-- @function Doc:sentences
-- @usage for s, first, last in doc:sentences() do print(s, doc:text(first, last)) end

--- First and last token of sentence s; nil out of range.
-- @function Doc:sentence
-- @tparam int s
-- @usage local first, last = doc:sentence(-1)

--- The number of sentences.
-- @function Doc:sentence_count
-- @usage print(doc:sentence_count())

--- The sentence number of token i.
-- @function Doc:sentence_of
-- @tparam int i
-- @usage print(doc:sentence_of(5))

--- The text from token i to token j (default i), clamped like `string.sub`.
-- @function Doc:text
-- @tparam int i
-- @tparam[opt] int j
-- @usage print(doc:text(2, 4))

--- Byte offsets (start, stop) covered by tokens i to j; nil when empty.
-- @function Doc:span
-- @tparam int i
-- @tparam[opt] int j
-- @usage local start, stop = doc:span(1, 3)

--- Folded forms and shape of token i, without a table.
-- @function Doc:norm
-- @tparam int i
-- @usage print(doc:norm(1), doc:lower(1), doc:shape(1))

--- The whole text the Doc was made from.
-- @function Doc:source
-- @usage assert(doc:source() == text)

--- For streaming: the number of leading tokens that are final whatever
-- text follows, and the offset where the unsettled rest begins.
-- @function Doc:stable_prefix
-- @usage local n, resume = doc:stable_prefix(); carry = text:sub(resume)

--- The tokens a byte range overlaps: first, last, and whether the range
-- (trimmed of whitespace) starts and ends on token boundaries; nil if it
-- holds no token.
-- @function Doc:locate
-- @tparam int start
-- @tparam int stop
-- @usage local first, last, exact = doc:locate(5, 14)

--- Frees the tokens now rather than at collection (also `<close>`).
-- @function Doc:close
-- @usage doc:close()

--- A tokenizer with validated options (userdata `glean.Tokenizer`).
-- @type Tokenizer

--- `tk(text)` or `tk:tokenize(text)`: a Doc.
-- @function Tokenizer:tokenize
-- @tparam string text
-- @usage local doc = glean.tokenizer{ clitics = false }:tokenize("it's")

--- The options, as a table of booleans.
-- @function Tokenizer:options
-- @usage print(glean.tokenizer():options().urls)

return M
