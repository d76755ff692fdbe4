--- Name coreference: groups a Doc's entity mentions into entities.
--
-- Mentions are the spans the entity rules made (PERSON, ORG, LOC, NORP,
-- MISC). Before grouping, names found once are looked for again: a
-- person's surname alone ("Putin" in "Putin’s"), a known name in a
-- headline set in capitals, a place inside an organisation's name. Then:
--
-- - people: a full name, its surname alone, its given name with a title
--   ("Sir Richard"), whatever the case ("Sir richard Moore"); two full
--   names with different given names or surnames never merge;
-- - organisations, places, groups: the same words (case and accents
--   aside, without "the"), the same lexicon `id` or `code`;
-- - aliases: spans linked "alias" (acronym and expansion, "aka", "also
--   known as") join their entities.
--
-- Each entity's name is its longest full mention, with the case of its
-- words repaired from the other mentions.
--
-- @module glean.news.coref
-- @usage
-- local entities = coref.entities(doc)
-- for _, e in ipairs(entities) do print(e.id, e.label, e.name, #e.mentions) end

local spans_mod = require "glean.spans"

local pairs, next, rawget, type = pairs, next, rawget, type
local sort, concat = table.sort, table.concat
local find, byte, sub, upper = string.find, string.byte, string.sub, string.upper

local annotations, sorted_spans, first_at =
  spans_mod.annotations, spans_mod.sorted_spans, spans_mod.first_at
-- the Doc methods, taken once here rather than through each Doc's __index
local doc_methods = require("glean.core").doc_methods
local doc_token, doc_lower, doc_norm, doc_shape, doc_source, doc_locate =
  doc_methods.token, doc_methods.lower, doc_methods.norm, doc_methods.shape,
  doc_methods.source, doc_methods.locate

local M = {}

-- Does a name start with "The " or "the "? (byte by byte: a pattern
-- match costs more, for every entity)
local function starts_with_the(name)
  local t, h, e, space = byte(name, 1, 4)
  return (t == 84 or t == 116) and h == 104 and e == 101 and space == 32
end

--- The labels of entity mentions (a set).
local LABELS = { PERSON = true, ORG = true, LOC = true, NORP = true, MISC = true }
M.LABELS = LABELS

--- Is a span a mention the rules made, rather than a gazetteer's span
-- (the bundled lexicon's or a user's)?
-- @tparam table span
-- @treturn boolean
-- @usage if coref.is_mention(s) then ... end
function M.is_mention(span)
  return span.rule ~= "lexicon" and span.rule ~= "user"
end
local is_mention_default = M.is_mention
-- Rules whose evidence is weak: their single-word mentions take the label
-- of a known entity with the same name.
local WEAK = { loc_preposition = true, org_acronym = true, person_capitalised = true,
               person_before_cue = true, loc_based = true }

-- Tokens ------------------------------------------------------------------
--
-- Coreference reads a token's kind and offsets (doc:token), its lower-case
-- and normalised forms (doc:lower, doc:norm), its shape (doc:shape: is it
-- all letters?) and, seldom, a flag from its view: doc[i] builds a table
-- of 24 fields, so a flag the token's kind, shape or first letter settles
-- is not read from one.
--
-- The Doc being read, its text and methods, and per token index its view
-- once fetched: set by M.entities for the time of a call
-- (and put back after it, should an is_mention function call it again).
local cur_doc, cur_src, token_of, lower_of, norm_of, shape_of, views

local SKIP_KINDS = { punct = true, space = true, newline = true }
-- Particles of people's names, written in lower case inside them ("Ursula
-- von der Leyen"): the lower-case words of a name that are not respelt.
local PARTICLES = {}
for w in ("de du des del della di da dos das van von der den ter la le bin ibn al el")
         :gmatch("%S+") do
  PARTICLES[w] = true
end
-- propagate: up to this many words are searched for in the text, one
-- search each; more, and the tokens are read once instead
local TEXT_SEARCHES = 40
-- kinds whose tokens have no letter (never is_alpha)
local NO_LETTERS = { punct = true, space = true, newline = true, number = true }

-- (not kept per token: a table of them cost more than asking again)
local function lower(i)
  return lower_of(cur_doc, i)
end

local function view(i)
  if not views then views = {} end
  local v = views[i]
  if v == nil then
    v = cur_doc[i]
    views[i] = v
  end
  return v
end

-- A word of a name (is_alpha, or of kind "word" or "number"), given its
-- kind. A token is all letters (is_alpha) when its shape is all "X" and
-- "x" (letters; marks have none, anything else shows).
local function is_word(i, kind)
  if kind == "word" or kind == "number" then return true end
  if NO_LETTERS[kind] then return false end
  return find(shape_of(cur_doc, i), "^[Xx]+$") ~= nil
end

-- is_lower: an ASCII capital first means an upper-case letter.
local function is_lower(i)
  local b = byte(cur_src, (token_of(cur_doc, i)))
  if b >= 65 and b <= 90 then return false end
  return view(i).is_lower
end

-- is_lower and is_alpha (a word in lower case), given its start and kind.
local function is_lower_word(i, start, kind)
  if NO_LETTERS[kind] then return false end
  local b = byte(cur_src, start)
  if b >= 65 and b <= 90 then return false end
  local v = view(i)
  return v.is_lower and v.is_alpha
end

-- is_title or is_upper: an ASCII small letter first means neither.
-- An ASCII capital first, and no other byte beyond ASCII, means one of
-- them: the tokenizer calls such a token title case when a small letter
-- follows or no other capital does, else upper case (only a title-case
-- letter, never ASCII, makes neither).
local function is_cased_name(i)
  local start, stop = token_of(cur_doc, i)
  local b = byte(cur_src, start)
  if b >= 97 and b <= 122 then return false end
  if b >= 65 and b <= 90 and not find(sub(cur_src, start, stop), "[\128-\255]") then
    return true
  end
  local v = view(i)
  return v.is_title or v.is_upper
end

-- Mentions ------------------------------------------------------------------

-- The normalised words of tokens first..last, without a leading "the":
-- the key that groups mentions.
local key_parts = {}
local function key_from_parts(n)
  local from = (key_parts[1] == "the" and n > 1) and 2 or 1
  local key = concat(key_parts, " ", from, n)
  for j = 1, n do key_parts[j] = nil end
  return key
end

local function key_of(m)
  local key = m.key
  if not key then
    local n = 0
    for i = m.first, m.last do
      local _, _, kind = token_of(cur_doc, i)
      if not SKIP_KINDS[kind] then
        n = n + 1
        key_parts[n] = norm_of(cur_doc, i)
      end
    end
    key = key_from_parts(n)
    m.key = key
  end
  return key
end

local NO_WORDS = {}

-- Mentions are numbered as they are made (`made`): two over the same
-- tokens keep that order wherever mentions are sorted. (table.sort leaves
-- the order of ties to chance: Lua 5.4 picks a random pivot in a long
-- array, and a long text's report came out one way or another.)
local made = 0

-- A mention: `span`, `label`, `first`, `last`, `nested`; `words` (the
-- token indices of its words) and `key` (its normalised words; left to
-- key_of for a name of people, which needs none), read in one pass over
-- its tokens; `index` once the mentions are in order.
local function new_mention(span, label, nested)
  local first, last = span.first, span.last
  local words, key
  if first == last then
    local _, _, kind = token_of(cur_doc, first)
    if SKIP_KINDS[kind] then
      words, key = NO_WORDS, ""
    else
      -- (words and numbers settled here, without a call: most tokens)
      words = (kind == "word" or kind == "number" or is_word(first, kind)) and { first }
              or NO_WORDS
      key = norm_of(cur_doc, first)
    end
  else
    local keyed = label ~= "PERSON"
    local n, nw = 0, 0
    words = {}
    for i = first, last do
      local _, _, kind = token_of(cur_doc, i)
      if not SKIP_KINDS[kind] then
        if keyed then
          n = n + 1
          key_parts[n] = norm_of(cur_doc, i)
        end
        if kind == "word" or kind == "number" or is_word(i, kind) then
          nw = nw + 1
          words[nw] = i
        end
      end
    end
    key = keyed and key_from_parts(n) or false
  end
  made = made + 1
  return { span = span, label = label, first = first, last = last, nested = nested,
           words = words, key = key, index = 0, made = made }
end

-- What the rules' mentions (the first `n` of `mentions`, in text order)
-- mark each token with: the label of the first over it, or "ORG+PERSON"
-- inside "the Trump administration", where a person's name may be found.
local function marks(mentions, n)
  local taken = {}
  for j = 1, n do
    local m = mentions[j]
    local span = m.span
    local mark = span.rule == "org_administration" and "ORG+PERSON" or span.label
    for i = m.first, m.last do taken[i] = taken[i] or mark end
  end
  return taken
end

-- Mentions from the spans: the rules' entity spans, plus lexicon places and
-- groups inside an organisation's or event's name ("the British consulate
-- in Istanbul"). Returns them, how many are the rules', the marks when
-- they were needed, and whether two of the rules' cover the same tokens
-- (else the rules' are in strict text order, as the spans are).
local function collect(is_mention)
  local all = sorted_spans(annotations(cur_doc))
  local mentions, nm = {}, 0
  local inner, ni = nil, 0
  local default = is_mention == is_mention_default
  local tied, prev = false, nil
  for j = 1, #all do
    local s = all[j]
    local label = s.label
    if LABELS[label] then
      local rule = s.rule
      if default and rule ~= "lexicon" and rule ~= "user" or not default and is_mention(s) then
        nm = nm + 1
        mentions[nm] = new_mention(s, label, false)
        if prev and prev.first == s.first and prev.last == s.last then tied = true end
        prev = s
      end
      if rule == "lexicon" and (label == "LOC" or label == "NORP") then
        ni = ni + 1
        inner = inner or {}
        inner[ni] = s
      end
    end
  end
  local found, taken = nm, nil
  for j = 1, ni do
    local s = inner[j]
    local first, last = s.first, s.last
    taken = taken or marks(mentions, found)
    local outer = taken[first]
    if (outer == "ORG" or outer == "ORG+PERSON" or outer == "MISC")
       and taken[last] == outer then
      -- a mention over exactly these tokens? (the rules' are in text
      -- order: a binary search finds the first at `first`)
      local owned = false
      for k = first_at(mentions, first, found), found do
        local m = mentions[k]
        if m.first ~= first then break end
        if m.last == last then owned = true; break end
      end
      if not owned then
        nm = nm + 1
        mentions[nm] = new_mention(s, s.label, true)
      end
    end
  end
  return mentions, found, taken, tied
end

local function by_first(a, b) return a.first < b.first end

-- Looks for known names again: single tokens equal to a known surname (or
-- a multi-word name), outside any mention or inside an organisation's.
local function propagate(mentions, found, taken)
  -- the words to look for, in lower case (what the text's lower case
  -- shows), each with its label: people's surnames first, then the words
  -- of one-word names (by their keys; never "PERSON")
  local wanted, by_key = {}, nil
  local nm = #mentions
  for j = 1, nm do
    local m = mentions[j]
    local label = m.label
    if label == "PERSON" then
      local w = m.words
      if #w >= 2 then wanted[lower(w[#w])] = "PERSON" end
    elseif label ~= "NORP" and not m.nested and m.first == m.last then
      by_key = by_key or {}
      local key = m.key
      by_key[key] = by_key[key] or label
    end
  end
  if by_key then
    for j = 1, nm do
      local m = mentions[j]
      if m.first == m.last then
        local label = by_key[m.key]
        if label then
          local l = lower(m.first)
          wanted[l] = wanted[l] or label
        end
      end
    end
  elseif next(wanted) == nil then
    return
  end
  -- an ASCII word is searched for in the text (in ASCII lower case), not
  -- token by token; a word beyond ASCII, whose capitals string.lower
  -- leaves ("Öztürk"), among the tokens that hold a byte beyond ASCII (as
  -- any token whose lower case is that word does), by their lower case.
  -- A token found takes the mark of no other (its lower case is the
  -- word's), so the marks the rules' mentions made are the ones read.
  local added, wide
  taken = taken or marks(mentions, found)
  -- token i (bytes start..stop) is the word found again: a mention of its
  -- own unless a mention of the rules covers it (a PERSON inside an ORG's
  -- words, "ORG+PERSON", may be one)
  local function add_found(i, start, stop, label)
    local outer = taken[i]
    if (not outer or (outer == "ORG+PERSON" and label == "PERSON")) and is_cased_name(i) then
      local span = { first = i, last = i, start = start, stop = stop,
                     text = sub(cur_src, start, stop), attrs = {}, rule = "coref" }
      added = added or {}
      added[#added + 1] = new_mention(span, label, outer ~= nil)
    end
  end
  local locate = doc_locate
  local nascii = 0
  for word, label in pairs(wanted) do
    if find(word, "[\128-\255]") then
      wide = wide or {}
      wide[word] = label
    else
      nascii = nascii + 1
    end
  end
  if nascii > TEXT_SEARCHES then
    -- many words (a long text): one pass over the tokens, since a search
    -- of the whole text per word grows with the text's square
    for i = 1, #cur_doc do
      local start, stop, kind = token_of(cur_doc, i)
      if not SKIP_KINDS[kind] then
        local l = lower(i)
        local label = wanted[l]
        -- (an ASCII word is found as the text search finds it: in the
        -- token's own bytes; a word beyond ASCII, here, not below)
        if label and (wide and wide[l] or not find(sub(cur_src, start, stop), "[\128-\255]")) then
          add_found(i, start, stop, label)
        end
      end
    end
    wide = nil
  elseif nascii > 0 then
    local lowered = cur_src:lower()
    for word, label in pairs(wanted) do
      if not (wide and wide[word]) then
        local pos = 1
        while true do
          local s, e = find(lowered, word, pos, true)
          if not s then break end
          pos = e + 1
          local i, last, exact = locate(cur_doc, s, e)
          if exact and i == last and lower(i) == word then
            local start, stop = token_of(cur_doc, i)
            add_found(i, start, stop, label)
          end
        end
      end
    end
  end
  if wide then
    local pos = 1
    while true do
      local s = find(cur_src, "[\128-\255]", pos)
      if not s then break end
      local i = locate(cur_doc, s, s)
      if not i then
        pos = s + 1
      else
        local start, stop, kind = token_of(cur_doc, i)
        pos = stop + 1
        local label = not SKIP_KINDS[kind] and wide[lower(i)]
        if label then add_found(i, start, stop, label) end
      end
    end
  end
  if added then
    sort(added, by_first)
    for j = 1, #added do mentions[nm + j] = added[j] end
  end
  -- weak single-word mentions named like a known entity take its label
  -- (the rule that made a mention is its span's: "lexicon" for the ones
  -- nested, "coref" for the ones found here)
  for j = 1, #mentions do
    local m = mentions[j]
    if m.first == m.last and WEAK[m.span.rule] then
      local label = wanted[lower(m.first)] == "PERSON" and "PERSON"
                    or by_key and by_key[m.key]
      if label and label ~= m.label then m.label = label end
    end
  end
end

-- The mentions in text order: by first token, longer first, then as made.
local function text_order(a, b)
  if a.first ~= b.first then return a.first < b.first end
  if a.last ~= b.last then return a.last > b.last end
  return a.made < b.made
end

-- The mentions in text order. They come as a few runs in order (the
-- rules' mentions, the nested ones, the ones found again), which are
-- merged, one after the other, each in one pass; when two cover the same
-- tokens, or there are many runs, they are sorted (text_order).
local MAX_RUNS = 8
local function in_order(mentions, width)
  local n = #mentions
  local starts, runs, prev = { 1 }, 1, nil    -- where each run starts
  for j = 1, n do
    local m = mentions[j]
    local key = m.first * width - m.last
    m.index = key
    if prev and key <= prev then
      runs = runs + 1
      starts[runs] = j
    end
    prev = key
  end
  if runs == 1 then return mentions end
  if runs > MAX_RUNS then
    sort(mentions, text_order)
    return mentions
  end
  starts[runs + 1] = n + 1
  local acc, na = {}, starts[2] - 1
  for j = 1, na do acc[j] = mentions[j] end
  for r = 2, runs do
    local out, no = {}, 0
    local i, k, last = 1, starts[r], starts[r + 1] - 1
    while i <= na and k <= last do
      local a, b = acc[i], mentions[k]
      local ka, kb = a.index, b.index
      no = no + 1
      if ka < kb then
        out[no] = a
        i = i + 1
      elseif kb < ka then
        out[no] = b
        k = k + 1
      else                  -- two over the same tokens
        sort(mentions, text_order)
        return mentions
      end
    end
    for j = i, na do no = no + 1; out[no] = acc[j] end
    for j = k, last do no = no + 1; out[no] = mentions[j] end
    acc, na = out, no
  end
  return acc
end

-- Union-find over mentions: the root of a group is its first mention.
local function find_root(parent, i)
  while parent[i] ~= i do
    parent[i] = parent[parent[i]]
    i = parent[i]
  end
  return i
end

local function union(parent, a, b)
  -- (most are roots already: no call then)
  if parent[a] ~= a then a = find_root(parent, a) end
  if parent[b] ~= b then b = find_root(parent, b) end
  if a ~= b then
    if a < b then parent[b] = a else parent[a] = b end
  end
end

-- People by words (most first), then text order.
local function by_length(a, b)
  local na, nb = #a.words, #b.words
  if na ~= nb then return na > nb end
  if a.first ~= b.first then return a.first < b.first end
  return a.made < b.made
end

-- Sorts people by_length. They come in text order: when no two start at
-- the same token, an insertion sort finds the order without a call per
-- comparison, for the few people of an article.
local function sort_people(list)
  local n = #list
  local plain = n <= 32
  for j = 2, plain and n or 0 do
    local a, b = list[j - 1], list[j]
    if a.first >= b.first then
      plain = false
      break
    end
  end
  if not plain then
    sort(list, by_length)
    return
  end
  for j = 2, n do
    local m = list[j]
    local nw = #m.words
    local p = j - 1
    -- (text order in: an earlier one with as many words stays before)
    while p >= 1 and #list[p].words < nw do
      list[p + 1] = list[p]
      p = p - 1
    end
    list[p + 1] = m
  end
end

-- A long list of full names in text order (by first token; at the same
-- token, in the list's order), made once per list: in a long text one
-- surname may have thousands of full mentions, each short mention's search
-- a binary one then.
local LINEAR_NEAREST = 16
local function by_first_token(candidates)
  local sorted = candidates.sorted
  if sorted then return sorted end
  sorted = {}
  for j = 1, #candidates do sorted[j] = candidates[j] end
  local order = {}
  for j = 1, #candidates do order[candidates[j]] = j end
  sort(sorted, function(a, b)
    if a.first ~= b.first then return a.first < b.first end
    return order[a] < order[b]
  end)
  candidates.sorted = sorted
  return sorted
end

-- The nearest of the full names `candidates` to a short mention at token
-- `at`: before it, else the first after; `best` and its distance so far.
-- (At the same distance, the first in the list's order.)
local function nearest(candidates, at, best, best_d)
  if not candidates then return best, best_d end
  local f
  if #candidates <= LINEAR_NEAREST then
    local fd
    for j = 1, #candidates do
      local c = candidates[j]
      local d = at >= c.first and (at - c.first) or (1e9 + c.first - at)
      if not f or d < fd then f, fd = c, d end
    end
  else
    local sorted = by_first_token(candidates)
    local k = first_at(sorted, at + 1) - 1  -- the last one at or before `at`
    if k < 1 then k = 1 end                 -- else the first after
    local first = sorted[k].first
    while k > 1 and sorted[k - 1].first == first do k = k - 1 end
    f = sorted[k]
  end
  local d = at >= f.first and (at - f.first) or (1e9 + f.first - at)
  if not best or d < best_d then return f, d end
  return best, best_d
end

-- Groups people: full names first (longest first), then short mentions
-- attach to the nearest compatible full name before them (else after).
local function group_people(list, parent)
  sort_people(list)
  -- full names, indexed by surname: a full name joins an earlier one with
  -- the same surname and given name (or whose second word is its first:
  -- "Richard Moore" in "Sir Richard Moore")
  local fulls_by_last = {}
  local by_last, by_first_word = {}, {}
  for j = 1, #list do
    local m = list[j]
    local w = m.words
    local n = #w
    if n < 2 then break end
    local first, last = lower(w[1]), lower(w[n])
    local home
    local fulls = fulls_by_last[last]
    if fulls then
      for k = 1, #fulls do
        local fw = fulls[k].words
        if lower(fw[1]) == first or #fw > n and fw[2] and lower(fw[2]) == first then
          home = fulls[k]
          break
        end
      end
    end
    if home then union(parent, home.index, m.index)
    elseif fulls then fulls[#fulls + 1] = m
    else fulls_by_last[last] = { m } end
    -- the full names by surname and by given name, for the short ones
    local l = by_last[last]
    if l then l[#l + 1] = m else by_last[last] = { m } end
    l = by_first_word[first]
    if l then l[#l + 1] = m else by_first_word[first] = { m } end
  end
  -- a short mention goes with the nearest full name before it (else the
  -- first after) whose surname or given name it is
  if next(by_last) == nil then return end
  for j = #list, 1, -1 do
    local m = list[j]
    local w = m.words
    if #w > 1 then break end
    local word = lower(w[1])
    local best, best_d = nearest(by_last[word], m.first, nil, nil)
    best = nearest(by_first_word[word], m.first, best, best_d)
    if best then union(parent, best.index, m.index) end
  end
end

local small = { ["of"] = true, ["and"] = true, ["the"] = true, ["for"] = true, ["&"] = true }

-- Acronym of a name: "European Union" -> "eu".
local function acronym_of(m)
  local w = m.words
  local letters, n = nil, 0
  for j = 1, #w do
    local l = lower(w[j])
    if not small[l] then
      n = n + 1
      letters = n == 1 and sub(l, 1, 1) or letters .. sub(l, 1, 1)
    end
  end
  return n >= 2 and letters or nil
end

-- The canonical name: the longest full mention, each lower-case word
-- written as another mention writes it with capitals.
local function canonical(members)
  -- the most words; then written in mixed case ("Geneva", not "GENEVA");
  -- then the first in the text (a name before its alias)
  local m = members[1]
  if members[2] then
    local best_n, best_mixed
    m = nil
    for j = 1, #members do
      local o = members[j]
      if not o.nested or (m and not best_mixed) then
        local n = #o.words
        local mixed = find(o.span.text, "%l") ~= nil
        if not m or n > best_n or (n == best_n and mixed and not best_mixed)
           or (n == best_n and mixed == best_mixed and o.first < m.first) then
          m, best_n, best_mixed = o, n, mixed
        end
      end
    end
    m = m or members[1]
  end
  local person = m.label == "PERSON"
  -- the text of its tokens, one space between them (and, for a person,
  -- the words in lower case respelt): most often the mention's own text
  local plain = true
  if person or m.first ~= m.last then
    local prev_stop
    for i = m.first, m.last do
      local start, stop, kind = token_of(cur_doc, i)
      if prev_stop and (start > prev_stop + 2 or start == prev_stop + 2
                        and byte(cur_src, prev_stop + 1) ~= 32)
         or person and is_lower_word(i, start, kind) then
        plain = false
        break
      end
      prev_stop = stop
    end
  end
  local name
  if plain then
    name = m.span.text
  else
    local spelled
    if person then
      spelled = {}
      for j = 1, #members do
        local w = members[j].words
        for k = 1, #w do
          local i = w[k]
          if not is_lower(i) then
            local l = lower(i)
            if not spelled[l] then
              local start, stop = token_of(cur_doc, i)
              spelled[l] = sub(cur_src, start, stop)
            end
          end
        end
      end
    end
    local parts, np, prev_stop = {}, 0, nil
    for i = m.first, m.last do
      local start, stop, kind = token_of(cur_doc, i)
      local text = sub(cur_src, start, stop)
      if person and is_lower_word(i, start, kind) then
        local l = lower(i)
        -- (a particle inside the name stays as written: "Charles de Gaulle")
        if i == m.first or not PARTICLES[l] then
          text = spelled[l] or (upper(sub(text, 1, 1)) .. sub(text, 2))
        end
      end
      if prev_stop and start > prev_stop + 1 then
        np = np + 1
        parts[np] = " "
      end
      np = np + 1
      parts[np] = text
      prev_stop = stop
    end
    name = concat(parts)
  end
  if not person and starts_with_the(name) then name = sub(name, 5) end
  return name
end

--- A function giving the ids prefix .. n ("E1", "E2", ...), each string
-- made once (the first thousand kept): reports number many entities and
-- quotes per document.
-- @tparam string prefix
-- @treturn function n -> id
-- @usage local quote_id = coref.numbered("Q"); print(quote_id(3))   --> Q3
function M.numbered(prefix)
  local ids = {}
  return function(n)
    local id = ids[n]
    if not id then
      id = prefix .. n
      if n <= 1000 then ids[n] = id end
    end
    return id
  end
end
local entity_id = M.numbered("E")

-- Scratch counts of labels, for an entity's label.
local label_count = {}

-- Groups the mentions (in text order) of the Doc being read.
local function group(mentions)
  local nm = #mentions
  local parent, people, np = {}, nil, 0
  -- other labels: same words, same lexicon id or code (people are
  -- grouped below; a union's result does not depend on the order)
  local seen, seen_id, seen_code
  local org_words = false    -- any one-word ORG mention?
  for i = 1, nm do
    local m = mentions[i]
    m.index, parent[i] = i, i
    local label = m.label
    if label == "PERSON" then
      if #m.words > 0 then
        people = people or {}
        np = np + 1
        people[np] = m
      end
    else
      seen = seen or {}
      local by_key = seen[label]
      if not by_key then by_key = {}; seen[label] = by_key end
      local key = m.key or key_of(m)
      local at = by_key[key]
      if at then union(parent, at, i) else by_key[key] = i end
      local attrs = rawget(m.span, "attrs")
      if attrs then
        local id = attrs.id
        if id then
          if type(id) ~= "string" then id = "" .. id end
          seen_id = seen_id or {}
          at = seen_id[id]
          if at then union(parent, at, i) else seen_id[id] = i end
        end
        local code = attrs.code
        if code and label == "LOC" then
          if type(code) ~= "string" then code = "" .. code end
          seen_code = seen_code or {}
          at = seen_code[code]
          if at then union(parent, at, i) else seen_code[code] = i end
        end
      end
      if label == "ORG" and m.first == m.last then org_words = true end
    end
  end
  -- people
  if people then group_people(people, parent) end
  -- acronyms written out elsewhere in the text: "EU" and "European Union"
  if org_words then
    local by_acronym
    for i = 1, nm do
      local m = mentions[i]
      if m.label == "ORG" and m.first ~= m.last then
        local a = acronym_of(m)
        if a then
          by_acronym = by_acronym or {}
          by_acronym[a] = by_acronym[a] or i
        end
      end
    end
    if by_acronym then
      for i = 1, nm do
        local m = mentions[i]
        if m.label == "ORG" and m.first == m.last then
          local home = by_acronym[lower(m.first)]
          if home and view(m.first).is_upper then union(parent, home, i) end
        end
      end
    end
  end
  -- aliases linked by the rules
  local alias_pairs, by_span
  local links = annotations(cur_doc).links
  for j = 1, #links do
    local l = links[j]
    if l.kind == "alias" then
      if not by_span then
        by_span = {}
        for i = 1, nm do by_span[mentions[i].span] = mentions[i] end
      end
      local a, b = by_span[l.from], by_span[l.to]
      if a and b then
        union(parent, a.index, b.index)
        alias_pairs = alias_pairs or {}
        alias_pairs[#alias_pairs + 1] = a
        alias_pairs[#alias_pairs + 1] = b
      end
    end
  end
  -- the groups, in order of first mention (a group's first mention keeps
  -- the group's number, negated, in its index). A parent is an earlier
  -- mention, which by then points at its root: each mention is made to
  -- point at its own, so no path is walked twice.
  local groups, ng, doubled = {}, 0, nil
  for i = 1, nm do
    local m = mentions[i]
    local root = parent[i]
    if root ~= i then
      root = parent[root]
      parent[i] = root
    end
    if root == i then
      ng = ng + 1
      groups[ng] = { m }
      m.index = -ng
    else
      local g = -mentions[root].index
      local members = groups[g]
      local n = #members
      -- two mentions over the same tokens (two lexicon readings of a
      -- place): the group is marked, to list the span once (mentions in
      -- text order: the same tokens come one after the other)
      local prev = members[n]
      if prev.first == m.first and prev.last == m.last then
        doubled = doubled or {}
        doubled[g] = true
      end
      members[n + 1] = m
    end
  end
  return groups, alias_pairs, doubled
end

-- An entity's mentions (in text order), each span listed once: of two
-- over the same tokens, the first. (The entity's label, name and spans
-- are read from all of them, as before.)
local function distinct(members)
  local out, n = { members[1] }, 1
  for j = 2, #members do
    local m, prev = members[j], out[n]
    if m.first ~= prev.first or m.last ~= prev.last then
      n = n + 1
      out[n] = m
    end
  end
  return out
end

--- Groups the entity mentions of a Doc into entities.
-- @param doc a Doc run through the news pipeline
-- @tparam[opt] table opts `is_mention` (function(span) -> boolean: which
-- spans are mentions; default: spans not made by a gazetteer)
-- @treturn table an array of entities `{id, label, name, mentions = {...},
-- aliases = {...}, roles = {}, attrs = {...}}`, in order of first mention
-- (each mention `{span, label, first, last, nested, ...}`: its span, with
-- the offsets and text, and the label coreference gave it), and a table
-- span -> entity
-- @usage local entities, of_span = coref.entities(doc)
function M.entities(doc, opts)
  local doc0, src0, token0, lower0, norm0, shape0, views0 =
    cur_doc, cur_src, token_of, lower_of, norm_of, shape_of, views
  cur_doc, cur_src, token_of, lower_of, norm_of, shape_of = doc, doc_source(doc), doc_token,
                                                            doc_lower, doc_norm, doc_shape
  views = false
  local mentions, found, taken, tied = collect(opts and opts.is_mention or is_mention_default)
  propagate(mentions, found, taken)
  if tied or #mentions > found then mentions = in_order(mentions, #doc + 1) end
  local groups, alias_pairs, doubled = group(mentions)
  -- entities, in order of first mention
  local entities, of_span = groups, {}
  for n = 1, #groups do
    local members = groups[n]
    local first = members[1]
    local label, title = first.label, nil
    if members[2] == nil then
      local attrs = rawget(first.span, "attrs")
      title = attrs and attrs.title
    else
      for j = 1, #members do
        local m = members[j]
        local l = m.label
        label_count[l] = (label_count[l] or 0) + (m.nested and 0 or 1)
        if label_count[l] > (label_count[label] or 0) then label = l end
        if not title then
          local attrs = rawget(m.span, "attrs")
          title = attrs and attrs.title
        end
      end
      for j = 1, #members do label_count[members[j].label] = nil end
    end
    local e = { id = entity_id(n), label = label, mentions = members,
                attrs = title and { title = title } or {}, aliases = {}, roles = {},
                name = canonical(members) }
    for j = 1, #members do of_span[members[j].span] = e end
    if doubled and doubled[n] then e.mentions = distinct(members) end
    entities[n] = e
  end
  -- aliases: the other names an alias link gave the entity
  if alias_pairs then
    for j = 1, #alias_pairs, 2 do
      local e = of_span[alias_pairs[j].span]
      for k = j, j + 1 do
        local name = alias_pairs[k].span.text
        if starts_with_the(name) then name = sub(name, 5) end
        if name ~= e.name then
          local aliases, dup = e.aliases, false
          for a = 1, #aliases do if aliases[a] == name then dup = true end end
          if not dup then aliases[#aliases + 1] = name end
        end
      end
    end
  end
  cur_doc, cur_src, token_of, lower_of, norm_of, shape_of, views =
    doc0, src0, token0, lower0, norm0, shape0, views0
  return entities, of_span
end


return M
