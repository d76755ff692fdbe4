--- Quotations for the news rules: the quote-mark scanner and the speaker
-- helpers that `glean/news/rules/quotes.lua` uses.
--
-- The scanner pairs quotation marks over raw text: curly “ ” and ‘ ’,
-- straight " and ', guillemets « » and ‹ ›, „ “ and mixtures (a curly
-- opening mark closed by a straight one and the other way round). A single
-- mark inside a double-quoted passage is a nested quote, not a quotation
-- of its own. Apostrophes ("Putin’s", "don't", "’90s", "the Smiths’
-- house") are never taken for quotation marks. A paragraph that opens a
-- quote without closing it continues into the next one: when the next
-- paragraph opens with a mark, its quote is a continuation (a quote of
-- its own, `continues`); when it has no new opening mark, the quote runs
-- on to its closing mark there. An unbalanced mark never reaches further
-- than a paragraph that closes it, two paragraph breaks on at most (see
-- CARRY_BREAKS below).
--
-- The speaker helpers keep, per Doc, what the rule phases found (quotes,
-- cue candidates, speakers) so that a later phase can pick the best cue
-- for each quote, carry pronouns and continuations over to the most
-- recent compatible speaker, and leave scare quotes without one.
--
-- @module glean.news.quotes
-- @usage
-- local quotes = require "glean.news.quotes"
-- for _, q in ipairs(quotes.scan('“We will win,” she said.')) do
--   print(q.start, q.stop, q.closed)   --> 1 21 true
-- end

local lpeg = require "lpeg"

local type, error, ipairs, setmetatable = type, error, ipairs, setmetatable
local byte, sub, find = string.byte, string.sub, string.find

local M = {}

-- Marks -------------------------------------------------------------------

-- Each quotation mark: its family ("double" or "single") and its glyph
-- role: "open", "close" or "either" (decided by the context).
local MARKS = {
  ['"'] = { "double", "either" }, ["'"] = { "single", "either" },
  ["''"] = { "double", "either" },
  ["\226\128\156"] = { "double", "open" },    -- “
  ["\226\128\157"] = { "double", "close" },   -- ”
  ["\226\128\158"] = { "double", "open" },    -- „
  ["\226\128\159"] = { "double", "open" },    -- ‟
  ["\194\171"] = { "double", "open" },        -- «
  ["\194\187"] = { "double", "close" },       -- »
  ["\226\128\152"] = { "single", "open" },    -- ‘
  ["\226\128\153"] = { "single", "close" },   -- ’
  ["\226\128\154"] = { "single", "open" },    -- ‚
  ["\226\128\185"] = { "single", "open" },    -- ‹
  ["\226\128\186"] = { "single", "close" },   -- ›
}
M.MARKS = MARKS

-- Character classes of the bytes around a mark. ASCII is decided by the
-- byte; a multi-byte character by its first byte, with the few
-- punctuation characters that matter recognised whole.
local function is_space_byte(b) return b == 32 or (b >= 9 and b <= 13) end
local OPENING = { [40] = true, [91] = true, [123] = true, [60] = true }      -- ( [ { <
local CLOSING_PUNCT = {                                                       -- . , ; : ! ? ) ] }
  [46] = true, [44] = true, [59] = true, [58] = true, [33] = true, [63] = true,
  [41] = true, [93] = true, [125] = true,
}
local DASHES = { ["\226\128\147"] = true, ["\226\128\148"] = true }           -- – —
local NBSP = "\194\160"

local function is_alnum_byte(b)
  return b and ((b >= 48 and b <= 57) or (b >= 65 and b <= 90) or (b >= 97 and b <= 122)
                or b >= 192)
end

-- What precedes byte i: "space" (start, whitespace, an opening bracket, a
-- dash or another opening mark), "word" or "punct".
local function before(text, i)
  if i <= 1 then return "space" end
  local b = byte(text, i - 1)
  if is_space_byte(b) or OPENING[b] then return "space" end
  if b < 128 then
    if is_alnum_byte(b) then return "word" end
    if b == 45 or b == 47 then return "space" end                  -- - /
    return "punct"
  end
  -- a multi-byte character: find its first byte
  local j = i - 1
  while j > 1 and byte(text, j) >= 128 and byte(text, j) < 192 do j = j - 1 end
  local ch = sub(text, j, i - 1)
  if DASHES[ch] or ch == NBSP then return "space" end
  local m = MARKS[ch]
  if m and m[2] == "open" then return "space" end
  if m then return "punct" end
  return "word"
end

-- What follows the mark ending at byte e: "space" (end, whitespace),
-- "punct" (closing punctuation, a dash, another mark) or "word".
local function after(text, e)
  local b = byte(text, e + 1)
  if not b or is_space_byte(b) then return "space" end
  if b < 128 then
    if CLOSING_PUNCT[b] or b == 45 then return "punct" end
    if b == 34 or b == 39 then return "punct" end
    if is_alnum_byte(b) then return "word" end
    return "punct"
  end
  local ch = sub(text, e + 1, e + 3)
  if DASHES[ch] or MARKS[ch] or MARKS[sub(ch, 1, 2)] then return "punct" end
  if sub(ch, 1, 2) == NBSP then return "space" end
  if ch == "\226\128\166" then return "punct" end                  -- …
  return "word"
end

-- Contractions that begin with an apostrophe.
local ELISIONS = { em = true, n = true, tis = true, twas = true, til = true, cause = true,
                   s = true, t = true, d = true, ll = true, re = true, ve = true, m = true,
                   bout = true, round = true, nuff = true, cos = true }

-- The word (ASCII letters) that starts at byte i, in lower case.
local function word_at(text, i)
  local w = text:match("^[%a]+", i)
  return w and w:lower()
end

-- The role of the mark m at i..e in its context: "open", "close", "either"
-- or nil (an apostrophe, or a mark between spaces that pairs with
-- nothing).
local function role(text, m, i, e)
  local info = MARKS[m]
  local family, glyph = info[1], info[2]
  local pre, post = before(text, i), after(text, e)
  local open_ctx = pre == "space" and post ~= "space"
  local close_ctx = pre ~= "space" and post ~= "word"
  if family == "single" then
    local nb = byte(text, e + 1)
    -- letters on both sides: an apostrophe (Putin’s, don't, rock'n'roll)
    if pre == "word" and post == "word" then return nil end
    if glyph == "close" or m == "'" then
      -- before digits ("’90s") or an elision ("’em", "'tis"): an apostrophe
      if pre ~= "word" and nb and nb >= 48 and nb <= 57 then return nil end
      if pre ~= "word" and ELISIONS[word_at(text, e + 1) or ""] then return nil end
    end
    if glyph == "close" then
      if close_ctx then return "close" end
      return nil                    -- ’ opening a word is an elision
    end
    if glyph == "open" then
      if open_ctx or (pre == "punct" and post == "word") then return "open" end
      if close_ctx then return "close" end
      return nil
    end
    -- the straight single mark
    if open_ctx then return "open" end
    if close_ctx then return "close" end
    return nil
  end
  -- double marks
  if glyph == "open" then
    if close_ctx and not open_ctx and post ~= "punct" then return "close" end
    if close_ctx and not open_ctx then return "either" end
    if pre == "space" and post == "space" then return nil end
    return "open"
  elseif glyph == "close" then
    if open_ctx and not close_ctx then return "open" end
    if pre == "space" and post == "space" then return nil end
    return "close"
  end
  if open_ctx and not close_ctx then return "open" end
  if close_ctx and not open_ctx then return "close" end
  if pre == "space" and post == "space" then return "float" end
  return "either"
end

-- Does the float mark k (a straight " between spaces) open a quote? In
-- text tokenised beforehand, with marks and punctuation set apart by
-- spaces (`" Demand is weak , " he said .`), every mark floats: one opens
-- when a word follows it (after its space, in the paragraph) and a later
-- double mark of the paragraph can close it.
local function float_opens(text, marks, k, stop)
  local j = marks[k].e + 1
  while j <= stop and is_space_byte(byte(text, j)) do j = j + 1 end
  if j > stop or before(text, j + 1) ~= "word" then return false end
  for m = k + 1, #marks do
    local later = marks[m]
    if later.family == "double" and (later.role == "close" or later.role == "either"
                                     or later.role == "float") then
      return true
    end
  end
  return false
end

-- Paragraphs --------------------------------------------------------------

-- The first non-space byte from byte pos on, or nil (mostly the one at
-- pos: a byte read is cheaper than a pattern search).
local function non_space(text, pos)
  local b = byte(text, pos)
  if b and not is_space_byte(b) then return pos end
  return find(text, "%S", pos)
end

-- Is the text hard-wrapped (most lines of a similar, moderate length)? Then
-- only blank lines separate paragraphs; otherwise every line break does.
local function hard_wrapped(text)
  local lines, wrapped, pos, n = 0, 0, 1, #text
  while pos <= n do
    local nl = find(text, "\n", pos, true) or n + 1
    local ns = non_space(text, pos)
    if ns and ns < nl then                          -- a line with a non-space
      lines = lines + 1
      local len = nl - pos
      if len >= 40 and len <= 100 then wrapped = wrapped + 1 end
    end
    pos = nl + 1
  end
  return lines >= 5 and wrapped >= 0.8 * lines
end

-- What separates paragraphs in a text (a Lua pattern).
local function separator(text)
  return hard_wrapped(text) and "\n[ \t\r\f\v]*\n" or "\n"
end

-- The paragraph found from byte pos on: its first and last non-space
-- bytes, and where the next one is looked for (nil after the last); nil
-- when there is none.
local function next_paragraph(text, pos, sep)
  local s = non_space(text, pos)
  if not s then return nil end
  local brk, brk_end = find(text, sep, s)
  local last = brk and brk - 1 or #text
  while last > s and is_space_byte(byte(text, last)) do last = last - 1 end
  return s, last, brk and brk_end + 1
end

--- The paragraphs of a text: an array of `{start, stop}` (byte offsets;
-- `stop` is the last non-space byte). A blank line separates paragraphs;
-- so does a single line break, unless the text is hard-wrapped.
-- @tparam string text
-- @treturn {table,...}
-- @usage for _, p in ipairs(quotes.paragraphs(text)) do print(p.start, p.stop) end
function M.paragraphs(text)
  local out, pos, sep = {}, 1, separator(text)
  while pos do
    local start, stop, nxt = next_paragraph(text, pos, sep)
    if not start then break end
    out[#out + 1] = { start = start, stop = stop }
    pos = nxt
  end
  return out
end

-- Every quotation mark of a text, found in one LPeg pass: a flat array
-- (position, mark, position, mark, ...). "''" is one mark, not two.
local MARK_SCAN
do
  local glyph = lpeg.P"''"
  local list = {}
  for m in pairs(MARKS) do if m ~= "''" then list[#list + 1] = m end end
  table.sort(list)
  for _, m in ipairs(list) do glyph = glyph + lpeg.P(m) end
  local skip = (1 - lpeg.S"\"'\194\226") ^ 0
  MARK_SCAN = lpeg.Ct((skip * (lpeg.Cp() * lpeg.C(glyph) + 1)) ^ 0)
end

-- Is byte b an ASCII letter or digit?
local function ascii_alnum(b)
  return b and ((b >= 48 and b <= 57) or (b >= 65 and b <= 90) or (b >= 97 and b <= 122))
end

-- The marks of a text that have a role: an array of {i, e, mark, family,
-- role}, in text order.
local function marks_of(text)
  local found = MARK_SCAN:match(text)
  local out = {}
  for k = 1, #found, 2 do
    local i, m = found[k], found[k + 1]
    local e = i + #m - 1
    -- the most frequent: an apostrophe between ASCII letters or digits
    -- ("don't"), which role() finds to be none, after a longer look
    if not ((m == "'" or m == "\226\128\153") and i > 1 and ascii_alnum(byte(text, i - 1))
            and ascii_alnum(byte(text, e + 1))) then
      local r = role(text, m, i, e)
      if r then out[#out + 1] = { i = i, e = e, mark = m, family = MARKS[m][1], role = r } end
    end
  end
  return out
end

-- The last non-space byte before i (and not before lo).
local function trim_back(text, i, lo)
  while i > lo and is_space_byte(byte(text, i)) do i = i - 1 end
  return i
end

-- Scanning ----------------------------------------------------------------

local MAX_SINGLE = 600      -- bytes: a single-quoted passage longer than this is not one

local function by_start(a, b) return a.start < b.start end

-- The quotes of one paragraph (p_start..p_stop), in text order, from its
-- marks; and whether it leaves a double quote open (carried: the
-- paragraph before did).
local function paragraph_quotes(text, marks, p_start, p_stop, carried)
  local found = {}          -- this paragraph's quotes
  local open = nil          -- the pending double opening mark
  local open_continues = false
  -- a paragraph opening with a mark after an open one continues it
  local first = marks[1]
  local continues_here = carried and first and first.i == p_start
                         and first.family == "double" and first.role ~= "close"
  for k = 1, #marks do
    local mk = marks[k]
    if mk.family == "double" then
      if not open then
        if mk.role == "open" or mk.role == "either"
           or (mk.role == "float" and float_opens(text, marks, k, p_stop)) then
          open = mk
          open_continues = continues_here and k == 1
        end
      elseif mk.role == "close" or mk.role == "either" or mk.role == "float" then
        found[#found + 1] = { start = open.i, stop = mk.e, open = open.mark, close = mk.mark,
                              closed = true, continues = open_continues, family = "double" }
        open, open_continues = nil, false
      else
        -- an opening mark while a quote is open: the earlier mark was
        -- never closed; it ends before this one
        local stop = trim_back(text, mk.i - 1, open.i)
        if stop > open.e then
          found[#found + 1] = { start = open.i, stop = stop, open = open.mark, close = nil,
                                closed = false, continues = open_continues, family = "double" }
        end
        open, open_continues = mk, false
      end
    end
  end
  local left_open = false
  if open then
    -- left open at the paragraph's end: the quote stops there
    if p_stop > open.e then
      found[#found + 1] = { start = open.i, stop = p_stop, open = open.mark, close = nil,
                            closed = false, continues = open_continues, family = "double" }
      left_open = true
    end
  end
  -- single marks outside the double-quoted passages
  local k, nm = 1, #marks
  local fi = 1
  while k <= nm do
    local mk = marks[k]
    while found[fi] and found[fi].stop < mk.i do fi = fi + 1 end
    local inside = found[fi] and found[fi].start <= mk.i and mk.i <= found[fi].stop
    if mk.family == "single" and mk.role == "open" and not inside then
      -- the first closing single mark after it, in the paragraph, not
      -- crossing a double-quoted passage
      local limit = found[fi] and found[fi].start or p_stop + 1
      local j = k + 1
      local close = nil
      while j <= nm and marks[j].i < limit and marks[j].i - mk.i <= MAX_SINGLE do
        local c = marks[j]
        if c.family == "single" and (c.role == "close" or c.role == "either") then
          close = c
          break
        end
        j = j + 1
      end
      if close and close.i > mk.e + 1 then
        found[#found + 1] = { start = mk.i, stop = close.e, open = mk.mark, close = close.mark,
                              closed = true, continues = false, family = "single" }
        k = j + 1
      else
        k = k + 1
      end
    else
      k = k + 1
    end
  end
  if #found > 1 then table.sort(found, by_start) end
  return found, left_open
end

-- A quote carried over paragraph breaks without a new opening mark.
--
-- News style re-opens a quote that goes on in the next paragraph with a
-- new opening mark (“… year.¶“Then …”): those are two quotes, the second
-- a continuation (`continues`). A writer may also leave the mark out (“…
-- and¶we will …,” she said): then the quote runs on to its closing mark.
-- An unbalanced mark (a typo) must not swallow the text after it, so the
-- carry is bounded: a quote left open at a paragraph's end runs on into
-- the next paragraph only when that paragraph closes it, that is when its
-- first double mark is a closing one (not one that could as well open,
-- such as a straight mark between two letters, often an apostrophe in
-- wire copy: `Brazil"s`); it runs on over a paragraph with no double mark
-- at all (one that is itself continued the same way) to the paragraph
-- after, across CARRY_BREAKS paragraph breaks at most. A paragraph whose
-- first double mark opens a quote (a continuation, or a quote of its
-- own) stops the carry: the open quote ends at its own paragraph's end.
local CARRY_BREAKS = 2

-- The paragraph where a quote left open by the paragraph before byte pos
-- closes, as described above: its last non-space byte, where the
-- paragraph after it is looked for, and the index in `all` of the first
-- mark after it; nil when the quote does not run on. (all[next_mark] is
-- the first mark after the paragraph that left the quote open.)
local function carried_close(text, all, next_mark, pos, sep)
  for _ = 1, CARRY_BREAKS do
    if not pos then return nil end
    local p_start, p_stop, nxt = next_paragraph(text, pos, sep)
    if not p_start then return nil end
    local first_double
    local j = next_mark
    while all[j] and all[j].i <= p_stop do
      if all[j].family == "double" then first_double = first_double or all[j] end
      j = j + 1
    end
    if first_double then
      if first_double.role == "close" then return p_stop, nxt, j end
      return nil
    end
    next_mark, pos = j, nxt
  end
  return nil
end

--- Finds the top-level quotations of a text.
-- Each quotation is a table `{start, stop, open, close, closed, continues,
-- family}`: byte offsets (1-based, inclusive) covering its marks, the
-- opening and closing marks (`close` is nil when the paragraph ended
-- first), `closed` (whether a closing mark ends it), `continues` (it
-- re-opens a quote that the previous paragraph left open) and `family`
-- ("double" or "single"). Nested quotes are not listed.
-- @tparam string text
-- @treturn {table,...} in text order
-- @usage for _, q in ipairs(quotes.scan(text)) do print(text:sub(q.start, q.stop)) end
function M.scan(text)
  if type(text) ~= "string" then
    error("bad argument #1 to 'scan' (string expected, got " .. type(text) .. ")", 2)
  end
  local out = {}
  local all = marks_of(text)
  if #all == 0 then return out end
  local sep = separator(text)
  local carried = false       -- the previous paragraph left a quote open
  local next_mark, pos = 1, 1
  -- the paragraphs as M.paragraphs finds them, up to the last mark; most
  -- have no marks, and make no quote and leave none open
  while pos and all[next_mark] do
    local p_start, p_stop, nxt = next_paragraph(text, pos, sep)
    if not p_start then break end
    pos = nxt
    if all[next_mark].i > p_stop then
      carried = false
    else
      local marks = {}
      while all[next_mark] and all[next_mark].i <= p_stop do
        if all[next_mark].i >= p_start then marks[#marks + 1] = all[next_mark] end
        next_mark = next_mark + 1
      end
      local found, left_open = paragraph_quotes(text, marks, p_start, p_stop, carried)
      -- a quote left open that runs on into the next paragraphs: the
      -- paragraphs as one (rarely: the first one is read again)
      while left_open do
        local stop, from, upto = carried_close(text, all, next_mark, pos, sep)
        if not stop then break end
        while next_mark < upto do
          marks[#marks + 1] = all[next_mark]
          next_mark = next_mark + 1
        end
        p_stop, pos = stop, from
        found, left_open = paragraph_quotes(text, marks, p_start, p_stop, carried)
      end
      carried = left_open
      for q = 1, #found do out[#out + 1] = found[q] end
    end
  end
  return out
end

-- The scanner as an LPeg pattern for a text rule ---------------------------

-- One document's quotes by start byte, for the last text seen.
local last_text, last_by_start = nil, nil

local function quotes_by_start(text)
  if text ~= last_text then
    local by = {}
    local found = M.scan(text)
    for k = 1, #found do local q = found[k]; by[q.start] = q end
    last_text, last_by_start = text, by
  end
  return last_by_start
end

--- An LPeg pattern that matches a whole top-level quotation where one
-- starts (as `scan` finds them): the pattern of the QUOTE text rule. It
-- captures nothing (a match-time capture's values would stay on LPeg's
-- stack while a scan goes on); `add_quote` finds the quotation again.
-- @usage rule{ name = "quote", label = "QUOTE", pattern = quotes.pattern }
M.pattern = #lpeg.S("\"'\194\226") * lpeg.Cmt(lpeg.P(true), function(s, i)
  local q = quotes_by_start(s)[i]
  if not q then return false end
  return q.stop + 1
end)

-- Speakers ----------------------------------------------------------------

-- What the rule phases found in each Doc (weak keys: it goes with the Doc):
-- quotes = {span, ...} in text order, quote_at = first token -> span,
-- quote_nr = span -> its place in quotes,
-- cands = span -> {candidate, ...}, ents = first token -> {last, label}
-- (see entities),
-- speakers = {span, ...} in the order made, speaker_at = first * (#doc +
-- 1) + last -> span, info = span -> {speaker, antecedent};
-- and what it read of the Doc: source, n (tokens); text, low, start =
-- token -> its text, lower-case form, first byte (see load); doc_token and
-- doc_text, the Doc's methods, fetched once (a method call through the Doc
-- costs two C calls). Nothing here refers to the Doc itself, which would
-- keep it alive (Lua 5.1 has no ephemerons).
local state = setmetatable({}, { __mode = "k" })

local function doc_state(doc)
  local s = state[doc]
  if not s then
    s = { quotes = {}, quote_at = {}, quote_nr = {}, cands = {}, speakers = {}, speaker_at = {},
          info = {},
          source = doc:source(), n = #doc, text = {}, low = {}, start = {},
          doc_token = doc.token, doc_text = doc.text }
    state[doc] = s
  end
  return s
end

local function set(list)
  local t = {}
  for w in list:gmatch("%S+") do t[w] = true end
  return t
end

local lower = string.lower

-- Words before a noun that open a description ("the newspaper", "several
-- NATO leaders").
local DETERMINERS = set[[the a an this that these those his her their its our my your
  several many some few most all both each every other another one two three four five six
  seven eight nine ten dozens hundreds numerous various multiple such no any]]
local PRONOUNS = { he = "he", she = "he", i = "he", they = "they", we = "they",
                   it = "it", you = "they" }
-- Words that end a subject when reading back from the cue.
local BREAKERS = set[[that which who whom whose when where while whereas because although
  though if but and or nor so as after before since until than then also in on at during with
  without via to from by into about over under against among between upon once even just
  only still yet however meanwhile now later earlier said says is was are were be been
  being has have had do does did not never what how why]]
local PREPOSITIONS = set[[in on at through from during with by into over under after before
  near across outside inside around along behind beyond throughout toward towards]]
-- Words that end a speaker named after its cue ("said Mr. Smith in a
-- statement", "said Smith on Tuesday").
local CUTS = set[[in on at during after before when while as last this that to who which
  whose yesterday today tonight earlier later monday tuesday wednesday thursday friday
  saturday sunday and but because via with according referring speaking adding noting
  citing explaining]]
-- Auxiliaries and adverbs between a speaker and its cue ("has reiterated",
-- "also said").
local AUX = set[[has have had also later then would will once previously again further
  recently just was is were are quickly repeatedly reportedly publicly privately tuesday
  monday wednesday thursday friday saturday sunday yesterday today earlier never often
  frequently]]
M.AUX = AUX
local PASSIVE = set[[be been being]]
local WEEKDAYS = set[[monday tuesday wednesday thursday friday saturday sunday]]
-- Small words that may sit inside a name ("Secretary of State John Kerry").
local NAME_GLUE = set[[of the for and & de del der van von la le al bin da di du]]

local function is_cap(t)
  local b = byte(t, 1)
  if not b then return false end
  if b >= 65 and b <= 90 then return true end
  if b == 195 then local c = byte(t, 2); return c and c >= 128 and c <= 158 end
  if b >= 48 and b <= 57 then return byte(t, 2) ~= nil and find(t, "%u") ~= nil end  -- "G7" no
  return false
end

local function is_word(t) return find(t, "[%w\128-\255]") ~= nil and not MARKS[t] end

local function is_sep(t)
  return t == "," or t == ";" or t == "\226\128\148" or t == "\226\128\147" or t == "--"
end

-- Tokens, read from the Doc once per Doc and token, into s.text and
-- s.start (and s.low, for the tokens that the helpers below read). The
-- rules read the same few dozen tokens around each quote many times over;
-- a table per token, or a Doc method call per read, cost more than the
-- checks made on them. Regions are token ranges, comma segments arrays of
-- token numbers.
local function load(s, doc, i)
  local start, stop = s.doc_token(doc, i)
  local t = sub(s.source, start, stop)
  s.text[i], s.start[i] = t, start
  return t
end

-- The text of token i (1 <= i <= #doc), its lower-case form, its bytes.
local function text_of(s, doc, i) return s.text[i] or load(s, doc, i) end

local function low_of(s, doc, i)
  local l = s.low[i]
  if not l then
    l = lower(s.text[i] or load(s, doc, i))
    s.low[i] = l
  end
  return l
end

local function start_of(s, doc, i)
  if not s.text[i] then load(s, doc, i) end
  return s.start[i]
end

local function stop_of(s, doc, i)
  local t = s.text[i] or load(s, doc, i)
  return s.start[i] + #t - 1
end

-- The tokens first..last as an array of token numbers, their text and
-- lower-case forms read (the helpers below read s.text and s.low).
local function tokens(s, doc, first, last)
  local out = {}
  if not first or not last then return out end
  local text, low = s.text, s.low
  for i = first, last do
    if not low[i] then low[i] = lower(text[i] or load(s, doc, i)) end
    out[#out + 1] = i
  end
  return out
end

-- Is token i a hyphen between spaces ("OSLO, March 3 - Dame Kari Holm
-- said")? It is a dash then, and separates like one.
local function spaced_hyphen(s, i)
  if s.text[i] ~= "-" then return false end
  local source, start = s.source, s.start[i]      -- (one byte long)
  local b, a = start > 1 and byte(source, start - 1), byte(source, start + 1)
  return b and is_space_byte(b) and a and is_space_byte(a) or false
end

-- The comma segments of tokens first..last: the tokens split at commas,
-- semicolons and dashes, without parenthesised parts ("Sen. Smith
-- (D-Mass.)" -> "Sen. Smith"), each an array of token numbers (their text
-- and lower-case forms read); empty parts and parts without a letter
-- ("Smith, 82, said") are left out. next_segment gives them one at a time
-- (most callers need the first only): the one from token i on (depth:
-- the parentheses open before i), where the next one starts and the depth
-- there; nil when there is none.
local function next_segment(s, doc, i, last, depth)
  local text, low = s.text, s.low
  local cur, letters = {}, false
  while i <= last do
    local t = text[i] or load(s, doc, i)
    if t == "(" or t == "[" then depth = depth + 1
    elseif (t == ")" or t == "]") and depth > 0 then depth = depth - 1
    elseif depth == 0 then
      if is_sep(t) or spaced_hyphen(s, i) then
        if letters then return cur, i + 1, depth end
        cur = {}
      else
        if not low[i] then low[i] = lower(t) end
        cur[#cur + 1] = i
        letters = letters or find(t, "%a") ~= nil
      end
    end
    i = i + 1
  end
  if letters then return cur, i, depth end
  return nil
end

local function segments(s, doc, first, last)
  local out, i, depth = {}, first, 0
  while true do
    local sg
    sg, i, depth = next_segment(s, doc, i, last, depth)
    if not sg then return out end
    out[#out + 1] = sg
  end
end

-- Is this run of tokens a name: capitalised at both ends, mostly
-- capitalised, short, not opened by a determiner or a preposition?
local function name_like(s, sg)
  local n = #sg
  if n == 0 or n > 7 then return false end
  local text, low = s.text, s.low
  local first, last = sg[1], sg[n]
  if not is_cap(text[first]) or DETERMINERS[low[first]] or BREAKERS[low[first]] then
    return false
  end
  if not is_cap(text[last]) then return false end
  local caps = 0
  for k = 1, n do if is_cap(text[sg[k]]) then caps = caps + 1 end end
  return caps * 2 >= n
end

--- The kind of a speaker mention: "pronoun", "name" or "description".
-- @tparam {string,...} words the words of the mention
-- @treturn string
-- @usage quotes.speaker_kind{"several", "NATO", "leaders"}   --> "description"
function M.speaker_kind(words)
  local n = #words
  if n == 0 then return nil end
  local low1 = lower(words[1])
  if n == 1 and PRONOUNS[low1] then return "pronoun" end
  if DETERMINERS[low1] then
    for k = 2, n do
      local w = words[k]
      if not is_cap(w) and not NAME_GLUE[lower(w)] and is_word(w) and not find(w, "^[’']") then
        return "description"
      end
    end
    return "name"
  end
  if is_cap(words[n]) then return "name" end
  return "description"
end

local function kind_of(s, sg)
  local words = {}
  for k = 1, #sg do words[k] = s.text[sg[k]] end
  return M.speaker_kind(words)
end

local function possessive(t) return find(t, "^[’']s$") ~= nil end

-- Is token b right after token a, with no space between them?
local function joined(s, a, b) return s.start[b] == s.start[a] + #s.text[a] end

-- Is sg[j] part of a hyphenated word, that is a "-" joined to the words
-- on both sides or a word joined to such a hyphen after it ("so-called",
-- "then-president")? A description takes such a word whole, even when
-- its first part alone would end it ("so", "then").
local function hyphenated(s, sg, j)
  local a, b = sg[j], sg[j + 1]
  if not a or not b then return false end
  local text = s.text
  if text[a] == "-" then
    local w = sg[j - 1]
    return w ~= nil and is_word(text[w]) and is_word(text[b]) and joined(s, w, a)
           and joined(s, a, b)
  end
  local c = sg[j + 2]
  return text[b] == "-" and c ~= nil and is_word(text[a]) and is_word(text[c])
         and joined(s, a, b) and joined(s, b, c)
end

-- The noun phrase that ends a run of tokens (read back from its end): a
-- name (capitalised words, with "of", "the" ... inside), or a description
-- back to its determiner ("a spokesman for the campaign"), or a pronoun.
local function tail_np(s, sg)
  local text, low = s.text, s.low
  local n = #sg
  while n > 0 and not is_word(text[sg[n]]) do n = n - 1 end
  if n == 0 then return nil end
  local last = sg[n]
  if PRONOUNS[low[last]] then return { last } end
  local k = n
  if is_cap(text[last]) and not WEEKDAYS[low[last]] then
    -- a run of capitalised words (and glue between them)
    while k > 1 do
      local t = sg[k - 1]
      if is_cap(text[t]) and not BREAKERS[low[t]] then k = k - 1
      elseif NAME_GLUE[low[t]] and k > 2 and is_cap(text[sg[k - 2]])
             and not BREAKERS[low[sg[k - 2]]] then
        k = k - 1
      elseif possessive(text[t]) and k > 2 then k = k - 1
      else break end
    end
    -- "The", "A" opening it belongs to the phrase
    while k > 1 and DETERMINERS[low[sg[k - 1]]] do k = k - 1 end
    while k < n and (BREAKERS[low[sg[k]]] and not DETERMINERS[low[sg[k]]]) do k = k + 1 end
  else
    local count = 1
    while k > 1 and count < 10 do
      local t = sg[k - 1]
      local lt = low[t]
      if (text[t] == "-" or text[sg[k]] == "-") and hyphenated(s, sg, k - 1) then
        k = k - 1
      elseif DETERMINERS[lt] then
        k = k - 1
        -- "a spokesman for the campaign": go on over "for", "of", "at"
        local p = low[sg[k - 1]]
        if p and (p == "of" or p == "for" or p == "at" or p == "with") and k > 2
           and not BREAKERS[low[sg[k - 2]]] then
          k = k - 1
        else
          break
        end
      elseif BREAKERS[lt] and not (lt == "of" or lt == "for") or not is_word(text[t])
             and not possessive(text[t]) and text[t] ~= "-" then
        break
      else
        k = k - 1
      end
      count = count + 1
    end
    while k < n and BREAKERS[low[sg[k]]] do k = k + 1 end
  end
  local out = {}
  for j = k, n do out[#out + 1] = sg[j] end
  if #out == 1 and (BREAKERS[low[out[1]]] or DETERMINERS[low[out[1]]]) then return nil end
  return out
end


-- The name, pronoun or description that opens a comma segment, unless
-- it opens with a preposition or a conjunction (then nil).
local function segment_np(s, sg)
  local text, low = s.text, s.low
  local k = 1
  while sg[k] and (low[sg[k]] == "and" or low[sg[k]] == "but" or low[sg[k]] == "so"
                   or low[sg[k]] == "then" or low[sg[k]] == "also") do k = k + 1 end
  local t = sg[k]
  if not t or BREAKERS[low[t]] and not DETERMINERS[low[t]] then return nil end
  if PRONOUNS[low[t]] then return { t } end
  local out = { t }
  if DETERMINERS[low[t]] then
    for j = k + 1, math.min(#sg, k + 4) do
      local u = sg[j]
      if (BREAKERS[low[u]] or not is_word(text[u])) and not hyphenated(s, sg, j) then break end
      out[#out + 1] = u
    end
    return out
  end
  if is_cap(text[t]) then
    local j = k + 1
    while sg[j] and (is_cap(text[sg[j]]) or possessive(text[sg[j]])
                     or (NAME_GLUE[low[sg[j]]] and sg[j + 1] and is_cap(text[sg[j + 1]]))) do
      out[#out + 1] = sg[j]
      j = j + 1
    end
  end
  return out
end

-- The noun phrase that opens a clause, tokens first..last (the subject of
-- "X attacked Y, saying ..."): of the comma segments, the first that does
-- not open with a preposition or a conjunction; its leading name, pronoun
-- or description.
local function lead_np(s, doc, first, last)
  local i, depth = first, 0
  while true do
    local sg
    sg, i, depth = next_segment(s, doc, i, last, depth)
    if not sg then return nil end
    local np = segment_np(s, sg)
    if np then return np end
  end
end

-- The speaker of a cue that follows it (the subject, in tokens i..j): of
-- the comma segments before the cue, the last one's closing noun phrase,
-- or the name before it when the last one is an apposition ("Sir Jane
-- Doe, the head of X, warned") or a relative clause ("Smith, who ...,
-- said").
local function subject_of(s, doc, i, j)
  local segs = segments(s, doc, i, j)
  local n = #segs
  if n == 0 then return nil end
  local last, prev = segs[n], segs[n - 1]
  if prev then
    local w = s.low[last[1]]
    if w == "who" or w == "which" or w == "whose" then return tail_np(s, prev) end
    -- "Hillary Clinton, at a later press gaggle, said": an adverbial
    if BREAKERS[w] and not DETERMINERS[w] then return tail_np(s, prev) end
    if kind_of(s, last) == "description" and DETERMINERS[w] and name_like(s, prev) then
      return prev
    end
    -- "Marten Olsen, chief executive of Olsen Marine, told": a role in
    -- apposition, opened by a lower-case noun
    if name_like(s, prev) and find(s.text[last[1]], "^%l") and not BREAKERS[w]
       and not DETERMINERS[w] and not PRONOUNS[w] and not AUX[w] then
      return prev
    end
  end
  local np = tail_np(s, last)
  -- "Protesters marching through the streets chanted": the head comes first
  if np and np[1] > last[1] then
    local k = 1
    while last[k] ~= np[1] do k = k + 1 end
    if PREPOSITIONS[s.low[last[k - 1]]] then return segment_np(s, last) or np end
  end
  return np
end

-- The speaker named after its cue ("said Mr. Smith, an economist"): the
-- first comma segment, up to a word that ends it ("in a statement").
local function object_of(s, doc, first, last)
  local low = s.low
  local sg = next_segment(s, doc, first, last, 0)
  if not sg then return nil end
  if PRONOUNS[low[sg[1]]] then return { sg[1] } end
  local out, words = {}, 0
  for k = 1, #sg do
    local t = sg[k]
    if k > 1 and CUTS[low[t]] then break end
    if k == 1 and BREAKERS[low[t]] and not DETERMINERS[low[t]] then return nil end
    out[#out + 1] = t
    -- a hyphenated word counts as one ("the so-called head of X")
    local text = s.text
    if not (text[t] == "-" and hyphenated(s, sg, k)
            or k > 1 and text[sg[k - 1]] == "-" and hyphenated(s, sg, k - 1)) then
      words = words + 1
    end
  end
  if words > 8 then return nil end
  return out
end

-- Quotes -----------------------------------------------------------------

--- Records a QUOTE span made by the quote rule (its action), with the
-- scanner's findings as attributes (`continues`, `closed = false`).
-- @tparam Match m the match of the quote rule
-- @tparam Doc doc
-- @usage action = function(m, doc) quotes.add_quote(m, doc) end
function M.add_quote(m, doc)
  local span = m.span
  if not span then error("bad argument #1 to 'add_quote' (the quote rule must have a label)", 2) end
  local q = quotes_by_start(doc:source())[span.start]
  if type(q) == "table" then
    if q.continues then span.attrs.continues = true end
    if not q.closed then span.attrs.closed = false end
  end
  local s = doc_state(doc)
  s.quotes[#s.quotes + 1] = span
  s.quote_at[span.first] = span
  s.quote_nr[span] = #s.quotes
  return span
end

-- The entity spans a speaker may overlap, by first token -> {last, label}:
-- of each label, the leftmost-longest spans that do not overlap one
-- another (a later label wins at the same first token). Made once per Doc,
-- when the first speaker is. (doc:spans lists spans by first token, longer
-- first: what this needs, without sorting again.)
local ENTITY_LABELS = { "PERSON", "ORG", "NORP" }

local function entities(doc, s)
  local ents = s.ents
  if ents then return ents end
  ents = {}
  local of = {}
  for _, label in ipairs(ENTITY_LABELS) do of[label] = {} end
  for _, sp in ipairs(doc:spans(ENTITY_LABELS)) do
    local list = of[sp.label]
    list[#list + 1] = sp
  end
  for _, label in ipairs(ENTITY_LABELS) do
    local list = of[label]
    local reach = 0
    for _, sp in ipairs(list) do
      if sp.first > reach then
        ents[sp.first] = { last = sp.last, label = label }
        reach = sp.last
      end
    end
  end
  s.ents = ents
  return ents
end

-- The label of an entity overlapping tokens first..last, if any.
local function entity_label(doc, s, first, last)
  local ents = entities(doc, s)
  for i = first - 4, last do
    local e = ents[i]
    if e and e.last >= first then return e.label end
  end
  return nil
end

-- Auxiliaries between the subject and the cue belong to the cue: those
-- that end tokens first..last, and the tokens before them (the new last).
local function trim_cue_aux(s, doc, first, last)
  local aux = {}
  while last >= first and AUX[low_of(s, doc, last)] do
    table.insert(aux, 1, s.text[last])
    last = last - 1
  end
  return aux, last
end

-- The last content character of a quote: "," in “We will,” and so on.
local function content_end(s, doc, q)
  local i = q.last
  if MARKS[text_of(s, doc, i)] then i = i - 1 end
  return i >= q.first and text_of(s, doc, i) or ""
end

-- Free tokens, as the rule file's FREE pattern has them: not a sentence
-- end (". ! ? …"), not a paragraph's last token, not inside a quote, not
-- a cue word, not "according"; or the pair "- called" ("so-called").
local STOP_TEXT = { ["."] = true, ["!"] = true, ["?"] = true, ["\226\128\166"] = true }

-- Is a blank line (two line breaks) after token j? (Two "\n" in the gap
-- after it, or none and two "\r".)
local function paragraph_after(s, doc, j)
  local text, stop = s.source, stop_of(s, doc, j)
  local nxt = j < s.n and start_of(s, doc, j + 1) or #text + 1
  if nxt <= stop + 2 then return false end         -- no gap, or one byte
  local b = find(text, "\n", stop + 1, true)
  if b and b < nxt then
    b = find(text, "\n", b + 1, true)
    return b ~= nil and b < nxt
  end
  b = find(text, "\r", stop + 1, true)
  if not b or b >= nxt then return false end
  b = find(text, "\r", b + 1, true)
  return b ~= nil and b < nxt
end

-- Does a speaker region end at token j (read; its text t): a sentence
-- end, a cue, a quote, a paragraph's end? k walks the Doc's quotes along
-- with j, from a quote that ends before the region (not from the first:
-- that made a Doc's regions cost the square of its quotes). (Called for
-- every token of every region: the common cases first, without a call.)
local function region_ends(s, doc, j, t, cues, k)
  local quotes = s.quotes
  while quotes[k] and quotes[k].last < j do k = k + 1 end
  if STOP_TEXT[t] or cues[t] or #t == 9 and lower(t) == "according"
     or quotes[k] and quotes[k].first <= j then
    return true, k
  end
  -- mostly a space, no more, before the next token: no blank line
  local nxt = j < s.n and (s.start[j + 1] or start_of(s, doc, j + 1)) or #s.source + 1
  return nxt > s.start[j] + #t + 1 and paragraph_after(s, doc, j), k
end

-- Is token j, a "-", the first of a "- called" pair (one FREE unit)?
local function called_after(s, doc, j)
  return j < s.n and low_of(s, doc, j + 1) == "called"
end

-- The run of free tokens from token i on, at most max of them (a "-
-- called" pair counting as one): its range {first, last}, or nil when
-- empty. Quote k ends before token i.
local function free_run(s, doc, i, max, cues, k)
  local n, j, units = s.n, i, 0
  local text = s.text
  while units < max and j <= n do
    local t = text[j] or load(s, doc, j)
    if t == "-" and called_after(s, doc, j) then
      j = j + 2
    else
      local stop
      stop, k = region_ends(s, doc, j, t, cues, k)
      if stop then break end
      j = j + 1
    end
    units = units + 1
  end
  if j == i then return nil end
  return { first = i, last = j - 1 }
end

-- The number of FREE units of tokens first..last (a "- called" pair is
-- one), counted up to max + 1 at most.
local function units(s, doc, first, last, max)
  local n, j = 0, first
  while j <= last and n <= max do
    if j < last and text_of(s, doc, j) == "-" and called_after(s, doc, j) then
      j = j + 2
    else
      j = j + 1
    end
    n = n + 1
  end
  return n
end

-- The last max FREE units of a range {first, last} (read from its end).
local function last_units(s, doc, r, max)
  if r.last - r.first < max then return r end      -- fewer tokens than units
  local j, n = r.last, 0
  while j >= r.first and n < max do
    if j > r.first and low_of(s, doc, j) == "called" and text_of(s, doc, j - 1) == "-" then
      j = j - 2
    else
      j = j - 1
    end
    n = n + 1
  end
  if j < r.first then return r end
  return { first = j + 1, last = r.last }
end

-- FREE tokens from token i on (1 to max units), then a cue word: the
-- region {first, last} and the cue {first, last} of the longest such
-- run, or nil. Quote k ends before token i.
local function run_to_cue(s, doc, i, max, cues, k)
  local n, j, u = s.n, i, 0
  local text = s.text
  local best
  while j <= n do
    local t = text[j] or load(s, doc, j)
    if u >= 1 and cues[t] then best = j end
    if u >= max then break end
    if t == "-" and called_after(s, doc, j) then
      -- "-" alone, then "called" as the cue
      if cues.called and text[j + 1] == "called" and u + 1 <= max then
        best = j + 1
      end
      j = j + 2
    else
      local stop
      stop, k = region_ends(s, doc, j, t, cues, k)
      if stop then break end
      j = j + 1
    end
    u = u + 1
  end
  if not best then return nil end
  return { first = i, last = best - 1 }, { first = best, last = best }
end

local subject_candidate, continued_back
-- Subjects that name no one: "There is “…”", "It was “…”".
local EMPTY_SUBJECTS = set"there it this that here what"

-- Words after a cue that show it has an object of its own ("he urged North
-- Korea to ...") rather than closing a reporting clause ("he said on
-- Tuesday", "he said.").
local CLAUSE_END = set[[in on at during to that of after before while last this yesterday
  today tonight monday tuesday wednesday thursday friday saturday sunday earlier later when
  as adding noting saying according from via]]
local TELL = set[[told tell tells telling asked ask asks asking]]

-- Does the text between two byte offsets hold a line break?
local function broken(s, from, to)
  if to < from then return false end
  local b = find(s.source, "\n", from, true)
  return b ~= nil and b <= to
end

-- The first token of the region first..last after its last line break.
local function after_break(s, doc, first, last)
  -- mostly there is none: one search over the whole region
  if first >= last or not broken(s, stop_of(s, doc, first) + 1, start_of(s, doc, last) - 1) then
    return first
  end
  for k = last, first + 1, -1 do
    if broken(s, stop_of(s, doc, k - 1) + 1, start_of(s, doc, k) - 1) then return k end
  end
  return first
end

-- Does token i open a sentence?
local function sentence_start(s, doc, i)
  if i <= 1 then return true end
  local t = text_of(s, doc, i - 1)
  if t == "." or t == "!" or t == "?" then return true end
  return broken(s, stop_of(s, doc, i - 1) + 1, start_of(s, doc, i) - 1)
end

-- With no cue: the subject of a sentence whose verb governs the quote
-- ("Cruz exhorted Republicans to “vote your conscience”"), when it is a
-- name or a pronoun followed by a verb-like word.
subject_candidate = function(doc, s, q, first, last)
  if first > last then return nil end      -- (candidate saw it open a sentence)
  local np = lead_np(s, doc, first, last)
  if not np then return nil end
  local kind = kind_of(s, np)
  if kind == "description" or #np == 1 and EMPTY_SUBJECTS[s.low[np[1]]] then return nil end
  for k = 1, #np do if possessive(s.text[np[k]]) then return nil end end
  local nxt = np[#np] + 1
  if nxt >= q.first then return nil end
  local w = text_of(s, doc, nxt)
  local lw = lower(w)
  -- a possessive ("Oslo’s neighbours") is no verb
  if not is_word(w) or find(w, "^[’']") or is_cap(w) or DETERMINERS[lw]
     or BREAKERS[lw] and not AUX[lw] then
    return nil
  end
  local list = s.cands[q] or {}
  s.cands[q] = list
  list[#list + 1] = { how = "subject", first = np[1], last = np[#np], cue = w, dist = 20 }
  return list[#list]
end

--- Records what a cue rule found for a quote. `how` says where the speaker
-- is: "after" (the subject of a cue after the quote: "“…,” X said"),
-- "inverted" ("“…,” said X"), "before" ("X said … “…”"), "participle"
-- (the subject of the clause before "…, saying “…”"), "colon" (the
-- subject of the clause before "…: “…”"), "according" ("according to X"
-- before or after the quote). The match has captures `quote`, `cue`
-- (except for "colon"), `region` (where the speaker is) and, for "before"
-- and "participle", `mid` (what lies between the cue and the quote).
-- With `opts.region_after = n`, the region is not a capture but the run
-- of free tokens after the cue (see `free_run`), at most n of them
-- (cheaper in the pattern machine than a trailing `FREE ^ -n`); then
-- `opts.cues` is the set of cue words (lower case).
-- @tparam Match m
-- @tparam Doc doc
-- @tparam string how
-- @tparam[opt] table opts `region_after`, `cues`
-- @treturn table|nil the candidate `{how, first, last, cue, dist}`
-- @usage where = function(m, doc) quotes.candidate(m, doc, "after"); return false end
function M.candidate(m, doc, how, opts)
  local s = doc_state(doc)
  local qc = m.captures.quote
  local q = qc and s.quote_at[qc.first]
  if not q then return nil end
  local rc, cc, mc = m.captures.region, m.captures.cue, m.captures.mid
  if opts and opts.cue_within then
    -- "“…,” X said": the free tokens after the quote, then a cue word
    rc, cc = run_to_cue(s, doc, q.last + 1, opts.cue_within, opts.cues or {}, s.quote_nr[q])
    if not rc then return nil end
  end
  if opts and opts.cue_next then
    -- "“…,” said X": a cue right after the quote, or after a comma, a
    -- dash or a colon
    local i = q.last + 1
    if i <= s.n and opts.cue_next[text_of(s, doc, i)] then i = i + 1 end
    if i > s.n or not (opts.cues or {})[text_of(s, doc, i)] then return nil end
    cc = { first = i, last = i }
  end
  if opts and opts.byline then
    -- "“…” ― Jane Doe" then a line break: a dash, a title-case word and
    -- up to 5 more tokens
    local i, n = q.last + 1, s.n
    if i + 2 > n or not opts.byline[text_of(s, doc, i)] or not doc[i + 1].is_title then
      return nil
    end
    local last
    for k = 5, 0, -1 do
      local j = i + 1 + k
      if j + 1 <= n and doc[j + 1].newline_after then last = j; break end
    end
    if not last then return nil end
    cc, rc = { first = i, last = i }, { first = i + 1, last = last }
  end
  if opts and opts.region_after and cc then
    rc = free_run(s, doc, cc.last + 1, opts.region_after, opts.cues or {},
                  cc.last >= q.last and s.quote_nr[q] or 1)
  end
  if opts and (opts.region_max or opts.mid_max) then
    -- unbounded windows in the pattern: the bounds are kept here
    if mc and opts.mid_max and units(s, doc, mc.first, mc.last, opts.mid_max) > opts.mid_max then
      return nil
    end
    if rc and opts.region_max then
      rc = last_units(s, doc, rc, opts.region_max)
    end
  end
  local text, low = s.text, s.low
  local cue = cc and tokens(s, doc, cc.first, cc.last) or {}
  local cue_word = cue[#cue] and low[cue[#cue]] or ""
  local participle = find(cue_word, "ing$") ~= nil
  local after_quote = rc and rc.first > q.last
  -- the region, tokens first..last (none when first > last); its tokens
  -- are read as needed (most helpers need its first comma segment only)
  local first, last = 1, 0
  if after_quote then
    -- nothing after the quote across a line break
    local upto = cc and cc.last > rc.last and cc.last or rc.last
    if broken(s, q.stop + 1, stop_of(s, doc, upto)) then return nil end
    first, last = rc.first, rc.last
  elseif rc then
    -- before the quote: the region after its last line break, where a
    -- colon may end the paragraph that introduces the quote
    first, last = after_break(s, doc, rc.first, rc.last), rc.last
    local limit = q.start - 1
    if q.first > 1 and text_of(s, doc, q.first - 1) == ":" then
      limit = s.start[q.first - 1]
    end
    if broken(s, start_of(s, doc, first), limit) then return nil end
    -- without a cue, a subject opens a sentence
    if how == "subject" and not sentence_start(s, doc, first) then return nil end
  end
  if how == "subject" then return subject_candidate(doc, s, q, first, last) end
  -- "X attacked Y, saying “…”" is the participle rule's; "X asking “…”"
  -- and "“…,” X said" are not
  if participle and (how == "after" or how == "before" and last >= first
                     and text_of(s, doc, last) == ",") then
    return nil
  end
  -- a cue used as a noun: "his tweets", "the reports"
  local before_cue = cc and cc.first > 1 and low_of(s, doc, cc.first - 1)
  if before_cue and (DETERMINERS[before_cue] and before_cue ~= "that" or possessive(before_cue)
                     or before_cue == "-") then
    return nil
  end
  local cue_words, speaker = {}
  if how == "byline" then
    speaker, cue = object_of(s, doc, first, last), {}
  elseif how == "inverted" or how == "according" then
    speaker = object_of(s, doc, first, last)
  elseif how == "participle" or how == "colon" then
    speaker = lead_np(s, doc, first, last)
  else
    cue_words, last = trim_cue_aux(s, doc, first, last)
    -- a passive cue ("was told", "being read as") has no speaker before it
    if last >= first and PASSIVE[low_of(s, doc, last)] then return nil end
    speaker = subject_of(s, doc, first, last)
  end
  if not speaker or #speaker == 0 then return nil end
  local mid = mc and tokens(s, doc, mc.first, mc.last) or {}
  for k = 1, #cue do cue_words[#cue_words + 1] = text[cue[k]] end
  if mid[1] and low[mid[1]] == "that" and (how == "before" or how == "participle") then
    cue_words[#cue_words + 1] = "that"
  end
  local dist = 0
  local ends = content_end(s, doc, q)
  if how == "before" or how == "participle" or how == "according" and not after_quote then
    local list = how == "according" and tokens(s, doc, first, last) or mid
    for k = 1, #list do
      local t = list[k]
      if is_word(text[t]) and low[t] ~= "that" then dist = dist + 1 end
    end
    if how == "according" then dist = dist - #speaker end
    if ends == "," then dist = dist + 0.5 end
    if how == "participle" then dist = dist + 0.25 end
  elseif how == "after" then
    for t = first, speaker[1] - 1 do
      if is_word(text_of(s, doc, t)) then dist = dist + 1 end
    end
    if ends == "." then dist = dist + 1.5 end
    -- a cue with an object of its own reports something else
    local nxt = cc and cc.last < s.n and text_of(s, doc, cc.last + 1)
    if nxt and is_word(nxt) and not CLAUSE_END[lower(nxt)] and not TELL[cue_word] then
      dist = dist + 6
    end
  elseif how == "colon" then
    dist = 5
  elseif how == "byline" then
    dist = 1
  else
    for k = 1, #mid do if is_word(text[mid[k]]) then dist = dist + 1 end end
    if ends == "." then dist = dist + 1.5 end
  end
  local list = s.cands[q] or {}
  s.cands[q] = list
  list[#list + 1] = { how = how, first = speaker[1], last = speaker[#speaker],
                      cue = #cue_words > 0 and table.concat(cue_words, " ") or nil, dist = dist }
  return list[#list]
end

-- Does the quote open a sentence (or a paragraph)?
local function opens_sentence(doc, s, q)
  local p = q.first - 1
  if p < 1 then return true end
  local t = text_of(s, doc, p)
  if broken(s, stop_of(s, doc, p) + 1, start_of(s, doc, q.first) - 1) then return true end
  if t == "." or t == "!" or t == "?" or t == ":" or t == "\226\128\166" then return true end
  -- an abbreviation that ends the sentence too ("analyst at X Inc. “Apparently
  -- ...”"): a capital opens the quote
  if #t > 1 and byte(t, -1) == 46 and q.first + 1 <= q.last
     and is_cap(text_of(s, doc, q.first + 1)) then
    return true
  end
  -- right after another quote that ended a sentence (the quotes are in
  -- text order: those before q only)
  for k = (s.quote_nr[q] or #s.quotes + 1) - 1, 1, -1 do
    local other = s.quotes[k]
    if other.last == p then
      local e = content_end(s, doc, other)
      return e == "." or e == "!" or e == "?" or e == ","
    end
    if other.last < p then break end
  end
  return false
end

-- Is the pronoun's antecedent candidate compatible with it?
local function compatible(doc, s, pron, sp)
  local info = s.info[sp]
  local label = nil
  if info then
    -- the label of an entity the speaker overlaps (looked up when needed)
    if info.label == nil then info.label = entity_label(doc, s, sp.first, sp.last) or false end
    label = info.label or nil
  end
  local want = PRONOUNS[lower(pron.text)]
  if want == "he" then
    if label then return label == "PERSON" end
    if sp.attrs.kind == "name" then return true end
    return not find(sp.text, "s$")
  elseif want == "they" then
    if label then return label ~= "PERSON" end
    return sp.attrs.kind == "description" or find(sp.text, "s$") ~= nil
  elseif want == "it" then
    if label then return label == "ORG" end
    return sp.attrs.kind == "description" and not find(sp.text, "s$")
  end
  return true
end

-- The most recent speaker span (name or description) before token i
-- compatible with a pronoun span (any, when pron is nil).
local function antecedent(doc, s, pron, upto)
  for k = #s.speakers, 1, -1 do
    local sp = s.speakers[k]
    if sp.first < upto and sp.attrs.kind ~= "pronoun" and (not pron or compatible(doc, s, pron, sp))
    then
      return sp
    end
  end
  return nil
end

-- The number of words inside a quote's marks, counted up to max + 1 at
-- most (the caller compares it with max).
local function quote_words(s, doc, q, max)
  local n, text = 0, s.text
  for i = q.first, q.last do
    if is_word(text[i] or s.doc_text(doc, i, i)) then
      n = n + 1
      if n > max then break end
    end
  end
  return n
end

-- A continuation that names its speaker ("“… next year.¶“Then …,” she
-- said") gives it to the quotes it continues, the paragraphs before it
-- left open, that have none: the speaker of a quote carried over
-- paragraphs is one (as PolNeAR's annotators and the seed article's
-- reader have it: each paragraph's part a quote, all the same speaker's).
-- A quote before it that found its own speaker, or a continuation of an
-- earlier one, keeps its speaker.
continued_back = function(m, s, q)
  local info = s.info[q]
  local k = s.quote_nr[q]
  while q.attrs.continues and k > 1 do
    local prev = s.quotes[k - 1]
    if prev.attrs.closed ~= false or prev.last + 1 ~= q.first or s.info[prev] then return end
    m:link(prev, "speaker", info.speaker)
    if info.antecedent then m:link(prev, "antecedent", info.antecedent) end
    s.info[prev] = { speaker = info.speaker, antecedent = info.antecedent }
    prev.attrs.scare = nil
    q, k = prev, k - 1
  end
end

--- Picks the speaker of a quote from what the cue rules found (the
-- nearest cue; after the quote when the quote ends with a comma), makes
-- its SPEAKER span and links, and sets the QUOTE's `cue`, `scare` and
-- `continues` attributes. Quotes without a cue continue the previous
-- quote's speaker when they open a sentence close after it; short ones
-- (`scare_words` words or fewer) are scare quotes.
-- @tparam Match m a match over one QUOTE span
-- @tparam Doc doc
-- @tparam[opt] table opts `scare_words` [4], `carry_paragraphs` [1] (how
-- many paragraph breaks a continuation may cross)
-- @usage action = function(m, doc) quotes.resolve(m, doc) end
function M.resolve(m, doc, opts)
  opts = opts or {}
  local s = doc_state(doc)
  local q = s.quote_at[m.first]
  if not q then return nil end
  local cands = s.cands[q]
  local best
  for _, c in ipairs(cands or {}) do
    if not best or c.dist < best.dist then best = c end
  end
  -- a transcript: “PENCE: Well, ...”
  local f = q.first + 1
  if not best and f + 1 <= q.last and text_of(s, doc, f + 1) == ":" then
    local w = text_of(s, doc, f)
    if #w > 1 and not find(w, "%l") and find(w, "^%u") then
      best = { first = f, last = f, how = "transcript" }
    end
  end
  if best then
    local key = best.first * (s.n + 1) + best.last
    local sp = s.speaker_at[key]
    if not sp then
      local words = {}
      for i = best.first, best.last do words[#words + 1] = text_of(s, doc, i) end
      sp = m:add_span("SPEAKER", { first = best.first, last = best.last },
                      { kind = M.speaker_kind(words) })
      s.speaker_at[key] = sp
      s.speakers[#s.speakers + 1] = sp
      s.info[sp] = {}
    end
    q.attrs.cue = best.cue
    m:link(q, "speaker", sp)
    local ante
    if sp.attrs.kind == "pronoun" then
      ante = antecedent(doc, s, sp, sp.first)
      if ante then m:link(q, "antecedent", ante) end
    end
    s.info[q] = { speaker = sp, antecedent = ante or (sp.attrs.kind ~= "pronoun" and sp or nil) }
    -- (a transcript's "NAME:" names its own paragraph's speaker only)
    if q.attrs.continues and best.how ~= "transcript" then continued_back(m, s, q) end
    return sp
  end
  -- no cue: a continuation of the previous quote, or a scare quote
  local words = quote_words(s, doc, q, opts.scare_words or 4)
  local prev
  for k = (s.quote_nr[q] or #s.quotes + 1) - 1, 1, -1 do
    if s.quotes[k].last < q.first then prev = s.quotes[k]; break end
  end
  local pinfo = prev and s.info[prev]
  local carry = false
  if pinfo and pinfo.speaker then
    local between = sub(s.source, prev.stop + 1, q.start - 1)
    local _, breaks = between:gsub("\n%s*", "")
    if breaks == 0 and not find(between, "[%.!?]") then
      carry = true                  -- in the same sentence: “a,” “b” and “c”
    elseif q.attrs.continues or opens_sentence(doc, s, q) then
      -- a new sentence: a long quote continues over a paragraph break, a
      -- short one only in the same paragraph
      carry = breaks <= (words > (opts.scare_words or 4) and (opts.carry_paragraphs or 1) or 0)
    end
  end
  if carry then
    do
      q.attrs.continues = true
      m:link(q, "speaker", pinfo.speaker)
      if pinfo.antecedent then m:link(q, "antecedent", pinfo.antecedent) end
      s.info[q] = { speaker = pinfo.speaker, antecedent = pinfo.antecedent }
      return pinfo.speaker
    end
  end
  if words <= (opts.scare_words or 4) then q.attrs.scare = true end
  return nil
end

--- The speaker span linked to a quote span, and its antecedent (for a
-- pronoun or a continuation), from the Doc's links.
-- @tparam Doc doc
-- @tparam table quote a QUOTE span
-- @treturn table|nil the SPEAKER span
-- @treturn table|nil the antecedent SPEAKER span
-- @usage local sp, ante = quotes.speaker_of(doc, q)
function M.speaker_of(doc, quote)
  local sp, ante
  for _, l in ipairs(doc:links()) do
    if l.from == quote then
      if l.kind == "speaker" then sp = l.to elseif l.kind == "antecedent" then ante = l.to end
    end
  end
  return sp, ante
end

return M
