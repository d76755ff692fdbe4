-- Token patterns: every predicate and operator, the machine against a
-- reference matcher in plain Lua, pathological patterns, bad programs.
local glean = require "glean"
local core = require "glean.core"
local lpeg = require "lpeg"
local reference = require "pattern_reference"

local T = glean.pattern

-- The matches of p over text (with spans) as "first-last" strings, or as
-- the matched texts with texts = true.
local function found(p, text, spans, texts)
  local doc = type(text) == "string" and glean.tokenize(text) or text
  local out = {}
  for i, m in ipairs(p:matches(doc, spans)) do
    out[i] = texts and doc:text(m.first, m.last) or (m.first .. "-" .. m.last)
  end
  return out
end

local function texts(p, text, spans) return found(p, text, spans, true) end

describe("token predicates", function()
  it("T.any matches every token", function()
    assert.same({ "a", "b", "." }, texts(T.any, "a b."))
  end)

  it("T.text matches the exact text, one string or a list", function()
    assert.same({ "MI6" }, texts(T.text"MI6", "MI6 mi6 Mi6"))
    assert.same({ "Mr", "Ms" }, texts(T.text{ "Mr", "Ms", "Dr" }, "Mr Smith and Ms Jones"))
  end)

  it("T.lower folds the token and the strings given", function()
    assert.same({ "Sir", "SIR", "sir" }, texts(T.lower"Sir", "Sir SIR sir Siren"))
    assert.same({ "STRASSE", "Straße" }, texts(T.lower"straße", "STRASSE Straße strase"))
  end)

  it("T.norm folds case and accents", function()
    assert.same({ "Élysée", "ELYSEE", "elysée" }, texts(T.norm"elysee", "Élysée ELYSEE elysée Elyse"))
  end)

  it("T.shape gives each token the shape the Doc gives it (ASCII and not)", function()
    -- the machine has a fast path for ASCII tokens; the Doc's shape is the
    -- reference
    local words = { "Hellooooo", "A1", "b2", "ABCDEFG", "x9999999", "Été", "naïve", "McDonald",
                    "U.S.", "1,000,000", "aaaaaBBBBB", "<SRD>", "e-mail", "O'Neil", "İstanbul" }
    math.randomseed(7)
    for _ = 1, 40 do        -- random ASCII words: letters, digits, a few signs
      local w = {}
      for k = 1, math.random(1, 12) do
        local r = math.random(1, 4)
        w[k] = r == 1 and string.char(math.random(65, 90)) or r == 2 and string.char(math.random(97, 122))
               or r == 3 and string.char(math.random(48, 57)) or "x"
      end
      words[#words + 1] = table.concat(w)
    end
    local doc = glean.tokenize(table.concat(words, " "))
    for i = 1, #doc do
      local tok = doc[i]
      local hits = T.shape(tok.shape):matches(doc)
      local ok = false
      for _, m in ipairs(hits) do ok = ok or m.first == i end
      assert.is_true(ok, "token " .. tok.text .. " (shape " .. tok.shape .. ")")
    end
  end)

  it("T.shape compares shapes", function()
    assert.same({ "Moore", "Smith" }, texts(T.shape"Xxxxx", "Moore MI6 Smith smith"))
    assert.same({ "MI6" }, texts(T.shape{ "XXd" }, "Moore MI6"))
  end)

  it("T.kind takes kind names", function()
    assert.same({ "5", "1,250" }, texts(T.kind"number", "up 5 to 1,250 now"))
    assert.same({ "up", "5" }, texts(T.kind{ "number", "word" }, "up 5 !"))
    assert.has_error(function() T.kind"noun" end,
                     "bad argument #1 to 'kind' (unknown token kind 'noun')")
  end)

  it("flags test one token", function()
    local text = "Moore of MI6 said “no” (twice) 42 times. Then U.S. officials didn't"
    assert.same({ "Moore", "Then" }, texts(T.title, text))
    assert.same({ "MI6", "U.S." }, texts(T.upper, text))
    assert.same({ "of", "said", "no", "twice", "times", "officials", "did", "n't" },
                texts(T.lower_case, text))
    assert.same({ "42" }, texts(T.digit, text))
    assert.same({ "“", "”", "(", ")", "." }, texts(T.punct, text))
    assert.same({ "“", "”" }, texts(T.quote, text))
    assert.same({ "(", ")" }, texts(T.bracket, text))
    assert.same({ "Moore", "Then" }, texts(T.sentence_start, text))
    assert.same({ "U.S." }, texts(T.abbrev, text))
    assert.same({ "n't" }, texts(T.clitic, text))
    assert.is_true(#texts(T.alpha, text) > 5)
    assert.same({ "MI6", "U.S." }, texts(T.all(T.has_upper, -T.title + T.upper), text))
  end)

  it("T.match matches the whole token text with LPeg", function()
    local digits = lpeg.R"09"
    assert.same({ "2024", "12345" }, texts(T.match(digits ^ 4), "in 2024 and 99 and 12345 or 2024a"))
    assert.has_error(function() T.match(nil) end,
                     "bad argument #1 to 'match' (LPeg pattern expected)")
  end)

  it("T.pred calls back once a token, with the token view and the Doc", function()
    local calls, seen_doc = 0, nil
    local p = T.pred(function(tok, doc)
      calls = calls + 1
      seen_doc = doc
      return #tok.text > 5
    end)
    local doc = glean.tokenize("a verylong b anotherlong")
    assert.same({ "verylong", "anotherlong" }, texts(p, doc))
    assert.is_true(calls <= #doc)
    assert.equal(doc, seen_doc)
  end)

  it("T.label matches tokens inside spans of a label", function()
    local spans = { { first = 2, last = 3, label = "ORG" }, { first = 5, last = 5, label = "LOC" } }
    assert.same({ "Foo", "Corp" }, texts(T.label"ORG", "The Foo Corp in Paris said", spans))
    assert.same({ "Foo", "Corp", "Paris" },
                texts(T.label{ "ORG", "LOC" }, "The Foo Corp in Paris said", spans))
    assert.same({}, texts(T.label"PERSON", "The Foo Corp in Paris said", spans))
  end)

  it("T.attr matches tokens inside spans with those attributes", function()
    local spans = {
      { first = 1, last = 1, label = "ORG", attrs = { country = "UK", kind = "party" } },
      { first = 3, last = 3, label = "ORG", attrs = { country = "FR" } },
      { first = 5, last = 5, label = "LOC", attrs = { country = "UK" } },
    }
    local text = "Labour and Renault in London"
    assert.same({ "Labour", "London" }, texts(T.attr{ country = "UK" }, text, spans))
    assert.same({ "Labour" }, texts(T.attr("ORG", { country = "UK" }), text, spans))
    assert.same({ "Labour", "Renault" }, texts(T.attr("ORG", { country = { "UK", "FR" } }), text, spans))
    assert.same({ "Labour" }, texts(T.attr{ kind = true }, text, spans))
    assert.has_error(function() T.attr{} end, "bad argument #1 to 'attr' (no attribute given)")
  end)
end)

describe("T.span", function()
  local text = "Sir Richard Moore , head of MI6 , spoke"
  local spans = {
    { first = 1, last = 3, label = "PERSON", attrs = { title = "Sir" } },
    { first = 5, last = 7, label = "ROLE" },
    { first = 7, last = 7, label = "ORG" },
  }

  it("consumes a whole span as a unit", function()
    assert.same({ "Sir Richard Moore , head of MI6" },
                texts(T.span"PERSON" * T.text"," * T.span"ROLE", text, spans))
    assert.same({ "of MI6" }, texts(T.lower"of" * T.span"ORG", text, spans))
  end)

  it("takes a list of labels, or attributes", function()
    assert.same({ "Sir Richard Moore", "head of MI6" }, texts(T.span{ "PERSON", "ROLE" }, text, spans))
    assert.same({ "Sir Richard Moore" }, texts(T.span("PERSON", { title = "Sir" }), text, spans))
    assert.same({}, texts(T.span("PERSON", { title = "Dame" }), text, spans))
  end)

  it("does not match part of a span", function()
    assert.same({}, texts(T.span"PERSON", "Richard Moore spoke", { { first = 1, last = 3, label = "X" } }))
    assert.same({}, texts(T.text"Moore" * T.span"ROLE", text, spans))
  end)
end)

describe("operators", function()
  it("a * b is a sequence; strings are T.text", function()
    assert.same({ "head of MI6" }, texts(T.lower"head" * "of" * T.upper, "the head of MI6"))
  end)

  it("a + b tries both; a single-token result stays negatable", function()
    assert.same({ "Mr", "Mrs" }, texts(T.text"Mr" + T.text"Mrs", "Mr and Mrs Smith"))
    assert.same({ "and", "Smith" }, texts(-(T.text"Mr" + T.text"Mrs"), "Mr and Mrs Smith"))
    assert.same({ "New York", "Paris" }, texts(T.text"New" * T.text"York" + T.text"Paris", "New York and Paris"))
  end)

  it("p^n is n or more, greedy", function()
    assert.same({ "Ann Lee", "Bo Ray Smith" }, texts(T.title ^ 2, "Ann Lee met Bo Ray Smith and Al"))
    assert.same({ "Ann Lee", "Bo Ray Smith", "Al" }, texts(T.title ^ 1, "Ann Lee met Bo Ray Smith and Al"))
  end)

  it("p^-n is at most n", function()
    local p = T.text"the" * T.title ^ -2 * T.text"Bank"
    assert.same({ "the Bank", "the World Bank", "the Big Old Bank" },
                texts(p, "the Bank the World Bank the Big Old Bank the A B C Bank"))
  end)

  it("-p is one token that p does not match; a - b is a and not b", function()
    assert.same({ "a ,", "b ," }, texts(-T.punct * T.text",", "a , b , , c"))
    assert.same({ "Ann", "Lee" }, texts(T.title - T.text"The", "The Ann Lee"))
    local ok, err = pcall(function() return -(T.any * T.any) end)
    assert.is_false(ok)
    assert.matches("single%-token predicate expected", err)
  end)

  it("T.all, T.seq and T.alt", function()
    assert.same({ "MI6" }, texts(T.all(T.upper, T.has_upper, -T.text"NATO"), "NATO and MI6"))
    assert.same({ "A & B" }, texts(T.seq(T.title, T.text"&", T.title), "A & B or C"))
    assert.same({ "5", "percent" }, texts(T.alt(T.kind"number", T.lower"percent"), "5 percent"))
  end)

  it("T.sos and T.eos anchor at sentence boundaries", function()
    -- no sentence ends before a lower-case word
    local text = "Ann went home. Bob came. and Carl stayed."
    assert.same({ "Ann", "Bob" }, texts(T.sos * T.title, text))
    assert.same({ "home.", "stayed." }, texts(T.any * T.punct * T.eos, text))
  end)

  it("T.C names captures; optional ones may be absent", function()
    local p = T.C("title", T.lower{ "sir", "dame" }) * T.C("name", T.title ^ 1)
              * (T.text"," * T.C("role", T.lower_case ^ 1)) ^ -1
    local doc = glean.tokenize("Sir Richard Moore, spy chief, and Dame Judi Dench")
    local ms = p:matches(doc)
    assert.equal(2, #ms)
    assert.equal("Sir", doc:text(ms[1].captures.title.first, ms[1].captures.title.last))
    assert.equal("Richard Moore", doc:text(ms[1].captures.name.first, ms[1].captures.name.last))
    assert.equal("spy chief", doc:text(ms[1].captures.role.first, ms[1].captures.role.last))
    assert.equal("Judi Dench", doc:text(ms[2].captures.name.first, ms[2].captures.name.last))
    assert.is_nil(ms[2].captures.role)
  end)

  it("captures follow greedy repetition, left alternatives first", function()
    local p = T.C("a", T.any ^ 0) * T.C("b", T.any ^ 1)
    local m = p:matches("x y z")[1]
    assert.same({ first = 1, last = 2 }, m.captures.a)
    assert.same({ first = 3, last = 3 }, m.captures.b)
  end)

  it("prints as it is written", function()
    assert.equal('T.lower{"dame", "sir"} * T.title^1', tostring(T.lower{ "sir", "dame" } * T.title ^ 1))
    assert.equal("(T.any^0)^0", tostring((T.any ^ 0) ^ 0))
    assert.equal('-T.text"x"', tostring(-T.text"x"))
  end)
end)

describe("bad patterns", function()
  it("refuses patterns that can match no token", function()
    local ok, err = pcall(T.compile, { T.title ^ 0 })
    assert.is_false(ok)
    assert.matches("can match no token", err)
    ok, err = pcall(T.compile, { T.sos })
    assert.is_false(ok)
    assert.matches("pattern 1 can match no token: T.sos", err)
  end)

  it("names the argument of bad constructors", function()
    assert.has_error(function() T.text(5) end, "bad argument #1 to 'text' (string or table of strings expected)")
    assert.has_error(function() T.text{} end, "bad argument #1 to 'text' (empty list)")
    assert.has_error(function() T.pred"x" end, "bad argument #1 to 'pred' (function expected, got string)")
    assert.has_error(function() return T.any ^ 1.5 end, "bad exponent for a token pattern (integer expected)")
    local ok, err = pcall(function() return T.any * lpeg.P"x" end)
    assert.is_false(ok)
    assert.matches("an LPeg pattern is not a token pattern", err)
  end)
end)

describe("matching", function()
  it("finds each rule's leftmost-longest non-overlapping matches", function()
    assert.same({ "1-5" }, found(T.any ^ 1 * T.text"x" + T.text"x", "a b x x x"))
    assert.same({ "1-2", "3-3" }, found(T.text"a" * T.text"b" + T.text"b", "a b b"))
    assert.same({ "1-2", "3-4" }, found(T.text"a" * T.any, "a a a a"))
  end)

  it("runs several rules in one pass, each on its own", function()
    local prog = T.compile{ T.title ^ 2, T.kind"number" * T.lower"percent", T.title }
    local doc = glean.tokenize("Ann Lee got 5 percent from Bo")
    local got = {}
    for _, m in ipairs(prog:run(doc)) do got[#got + 1] = m.rule .. ":" .. m.first .. "-" .. m.last end
    table.sort(got)
    assert.same({ "1:1-2", "2:4-5", "3:1-1", "3:2-2", "3:7-7" }, got)
  end)

  it("does not match across nothing: empty and space-only texts", function()
    assert.same({}, found(T.any, ""))
    assert.same({}, found(T.any, "   \n\n "))
  end)

  it("runs in time linear in tokens on pathological patterns", function()
    local prog = T.compile{ (T.any ^ 0) ^ 0 * T.text"x", (T.any + T.any * T.any) ^ 1 * T.text"z",
                            T.any ^ 0 * T.text"x" * T.any ^ 0 * T.text"y" }
    local work = {}
    for i, n in ipairs{ 25000, 100000 } do
      local doc = glean.tokenize(string.rep("a ", n - 1) .. "x")
      local ms = prog:run(doc)
      assert.equal(1, #ms)
      assert.same({ 1, n }, { ms[1].first, ms[1].last })
      work[i] = prog:stats().work
      assert.is_true(work[i] <= prog:stats().code * n)    -- tokens x program size
    end
    assert.is_true(work[2] <= 4.1 * work[1])               -- 4 x the tokens, 4 x the work
  end)

  it("skips a text with no span of the labels its rules need", function()
    local prog = T.compile{ T.span"QUOTE" * T.lower"said" * T.title,
                            T.all(T.title, T.label{ "PERSON", "ORG" }) ^ 2,
                            T.title * (T.span"ROLE" + T.label"ORG") }
    local doc = glean.tokenize("He said Ann Lee , the Acme chief , left")
    -- spans of other labels only: no rule can match, nothing is tried
    assert.same({}, prog:run(doc, { { first = 3, last = 4, label = "PLACE" } }))
    assert.equal(0, prog:stats().work)
    -- each label of a list, a span or a T.label, lets its rules run
    local function rules_found(spans)
      local out = {}
      for _, m in ipairs(prog:run(doc, spans)) do out[#out + 1] = m.rule .. ":" .. m.first .. "-" .. m.last end
      return out
    end
    assert.same({ "1:1-3" }, rules_found{ { first = 1, last = 1, label = "QUOTE" } })
    assert.is_true(prog:stats().work > 0)
    assert.same({ "2:3-4" }, rules_found{ { first = 3, last = 4, label = "PERSON" } })
    assert.same({ "2:3-4", "3:3-4" }, rules_found{ { first = 3, last = 4, label = "ORG" } })
    assert.same({ "3:4-5" }, rules_found{ { first = 5, last = 5, label = "ORG" } })
    assert.same({ "3:7-8" }, rules_found{ { first = 8, last = 8, label = "ROLE" } })
    -- a rule with no label requirement still runs beside them
    local mixed = T.compile{ T.span"QUOTE" * T.any, T.lower"said" }
    assert.equal(1, #mixed:run(doc, {}))
  end)

  it("calls T.pred at most once per token whatever the pattern", function()
    local calls = 0
    local p = T.pred(function() calls = calls + 1; return true end)
    local prog = T.compile{ (p ^ 1) ^ 1 * T.text"z", p * p * p, (p + p * p) ^ 2 }
    local doc = glean.tokenize(string.rep("w ", 500))
    prog:run(doc)
    assert.is_true(calls <= #doc)
  end)

  it("passes a T.pred error through, and the program stays usable", function()
    local boom = T.pred(function(tok) if tok.text == "b" then error("boom at b") end return true end)
    local prog = T.compile{ boom * T.any }
    local ok, err = pcall(prog.run, prog, glean.tokenize("a b c"))
    assert.is_false(ok)
    assert.matches("boom at b", err)
    assert.equal(1, #prog:run(glean.tokenize("a c")))
  end)

  it("keeps a callback from closing the Doc under it", function()
    local doc = glean.tokenize("a b c")
    local prog = T.compile{ T.pred(function(_, d) d:close(); return true end) }
    local ok, err = pcall(prog.run, prog, doc)
    assert.is_false(ok)
    assert.matches("attempt to close a Doc while a pattern runs over it", err, 1, true)
    doc:close()                                   -- and afterwards it can
    assert.matches("closed", tostring(doc))
  end)

  it("runs a program again from inside its own callback", function()
    local prog
    local inner = 0
    prog = T.compile{ T.pred(function(tok)
      if tok.text == "a" then inner = inner + #prog:run(glean.tokenize("b b")) end
      return true
    end) }
    assert.equal(3, #prog:run(glean.tokenize("a b a")))
    assert.equal(4, inner)
  end)
end)

describe("the machine against a reference matcher", function()
  -- Random patterns over a small alphabet, random texts and spans; the
  -- machine and pattern_reference must find the same matches.
  local words = { "a", "b", "A", "B", "x", ".", ",", "1", "Cd", "dé", "DÉ", "!", "the", "Bank" }
  local random = math.random
  local atoms = {
    function() return T.any end,
    function() return T.text{ "a", "b" } end,
    function() return T.text"x" end,
    function() return T.lower"a" end,
    function() return T.norm"de" end,
    function() return T.shape"Xx" end,
    function() return T.title end,
    function() return T.punct end,
    function() return T.kind"number" end,
    function() return T.label"L" end,
    function() return T.label"M" end,
    function() return T.attr{ k = "v" } end,
    function() return T.span"L" end,
    function() return T.span"M" end,
    function() return T.span("L", { k = { "v", "w" } }) end,
    function() return T.sos end,
    function() return T.eos end,
    function() return T.match(lpeg.P"a" + "b") end,
    function() return T.pred(function(t) return t.index % 3 == 0 end) end,
  }
  local function single()
    local p = atoms[random(1, 12)]()
    local r = random(1, 5)
    if r == 1 then p = -p
    elseif r == 2 then p = T.all(p, atoms[random(1, 12)]())
    elseif r == 3 then p = p + atoms[random(1, 12)]() end
    return p
  end
  local function gen(depth)
    if depth <= 0 or random() < 0.25 then
      if random() < 0.5 then return single() end
      return atoms[random(#atoms)]()
    end
    local r = random(1, 7)
    if r == 1 then return gen(depth - 1) * gen(depth - 1)
    elseif r == 2 then return gen(depth - 1) + gen(depth - 1)
    elseif r == 3 then return gen(depth - 1) ^ random(0, 2)
    elseif r == 4 then return gen(depth - 1) ^ -random(1, 2)
    elseif r == 5 then return T.C("c" .. random(1, 2), gen(depth - 1))
    elseif r == 6 then return gen(depth - 1) * gen(depth - 1) * gen(depth - 1)
    end
    return single()
  end
  local function text()
    local t = {}
    for i = 1, random(0, 14) do t[i] = words[random(#words)] end
    return table.concat(t, " ")
  end
  local function spans(n)
    local out = {}
    for _ = 1, random(0, 4) do
      if n == 0 then break end
      local a = random(1, n)
      out[#out + 1] = { first = a, last = math.min(n, a + random(0, 2)),
                        label = random() < 0.5 and "L" or "M",
                        attrs = random() < 0.5 and { k = random() < 0.5 and "v" or "w" } or nil }
    end
    return out
  end
  local function show(list)
    local out = {}
    for i, m in ipairs(list) do out[i] = m.first .. "-" .. m.last end
    return table.concat(out, " ")
  end

  it("finds the same matches on 10,000 random patterns", function()
    math.randomseed(20261126)
    local patterns, compared, matches = 0, 0, 0
    while patterns < 10000 do
      local pats = {}
      for k = 1, random(1, 3) do
        local p
        repeat p = gen(4) until not T.nullable(p)
        pats[k] = p
      end
      patterns = patterns + #pats
      local prog = T.compile(pats)
      for _ = 1, 2 do
        local doc = glean.tokenize(text())
        local sp = spans(#doc)
        local got = prog:run(doc, sp)
        for k, p in ipairs(pats) do
          local mine = {}
          for _, m in ipairs(got) do if m.rule == k then mine[#mine + 1] = m end end
          local want = reference.matches(p, doc, sp)
          if show(mine) ~= show(want) then
            local toks = {}
            for i = 1, #doc do toks[i] = doc:text(i) end
            error(("pattern %s over [%s]: machine %q, reference %q"):format(
              tostring(p), table.concat(toks, " | "), show(mine), show(want)))
          end
          compared = compared + 1
          matches = matches + #want
        end
      end
    end
    assert.is_true(compared >= 20000, compared)
    assert.is_true(matches > 20000, matches)    -- the patterns do match things
  end)
end)

describe("core.program", function()
  local function program(t)
    local base = { code = { 0, 0, 0, 7, 0, 0 }, preds = { 0, 0, 0 }, children = {}, sets = {},
                   fstart = { 0 }, rstart = { 0 }, ncaps = { 0 }, nlabels = 0, nexterns = 0 }
    for k, v in pairs(t) do base[k] = v end
    return core.program(base)
  end

  it("accepts a well-formed program", function()
    assert.equal(2, program{}:stats().code)
  end)

  it("refuses malformed programs with a reason", function()
    local cases = {
      { { code = { 0, 5, 0, 7, 0, 0 } }, "predicate out of range" },
      { { code = { 2, 9, 0, 7, 0, 0 } }, "jump out of range" },
      { { code = { 99, 0, 0, 7, 0, 0 } }, "unknown instruction" },
      { { code = { 0, 0, 0, 7, 3, 0 } }, "rule out of range" },
      { { code = { 0, 0, 0, 6, 0, 0 } }, "instruction without a successor" },
      { { fstart = { 7 } }, "rule start out of range" },
      { { preds = { 9, 0, 0 } }, "operand out of order" },
      { { preds = { 10, 0, 1 }, children = { 0 } }, "operand out of order" },
      { { preds = { 10, 5, 1 } }, "operands out of range" },
      { { preds = { 42, 0, 0 } }, "unknown predicate" },
      { { preds = { 7, 3, 0 } }, "label out of range" },
      { { code = { 0, 0, 0, 7, 0 } }, "partial record" },
      { { rstart = { 0, 0 } }, "differ in length" },
      { { code = { 0, -1, 0, 7, 0, 0 } }, "not a 32%-bit count" },
      { { label_reqs = { { 0 } } }, "label requirement out of range" },
      { { label_reqs = { { -1 } }, nlabels = 1 }, "label requirement 1: bad value" },
      { { label_reqs = { { 0 } }, nlabels = 1, fstart = { 0, 0 }, rstart = { 0, 0 },
          ncaps = { 0, 0 } }, "'label_reqs' and 'fstart' differ in length" },
      { { label_reqs = { 7 } }, "label requirement 1 is not a table" },
    }
    for _, case in ipairs(cases) do
      local ok, err = pcall(program, case[1])
      assert.is_false(ok, case[2])
      assert.matches(case[2], err)
    end
  end)

  it("refuses predicates nested too deeply", function()
    local preds = { 0, 0, 0 }
    for i = 1, 100 do
      preds[#preds + 1], preds[#preds + 2], preds[#preds + 3] = 9, i - 1, 0
    end
    local ok, err = pcall(program, { preds = preds, code = { 0, 100, 0, 7, 0, 0 } })
    assert.is_false(ok)
    assert.matches("nested too deeply", err)
  end)
end)

describe("a forms store shared by programs (core.forms)", function()
  -- each program's strings join the store's vocabulary when it first runs
  -- with it; the matches are those of a run without a store
  local texts_ = {
    "Dr. Ann Lee met the Mayor of Springfield in May.",
    "the mayor of SPRINGFIELD met Dr Lee, then Ann went home",
    "Nothing here: 42 apples, 7 pears; mayor, MAYOR, Mayor.",
  }
  local pats = {
    { T.lower{ "dr", "dr." } * T.title ^ 1, T.text"Mayor" * T.lower"of" * T.title },
    { T.lower{ "mayor", "may" } * T.any, T.shape"dd" * T.norm{ "apples", "pears" } },
    { T.text{ "Ann", "Lee", "May" } * T.lower{ "lee", "met", "went" } },
  }
  local function flat(prog, doc, forms, fresh)
    return prog.core:run(doc, {}, nil, false, prog.labels, prog.filters, forms, fresh)
  end

  it("finds what runs without it find, over doc after doc", function()
    local progs = {}
    for i, p in ipairs(pats) do progs[i] = T.compile(p) end
    local forms = core.forms()
    local n = 0
    for round = 1, 2 do
      for _, text in ipairs(texts_) do
        local doc = glean.tokenize(text)
        for i, prog in ipairs(progs) do
          local want, got = flat(prog, doc), flat(prog, doc, forms, i == 1)
          assert.same(want, got, ("round %d, program %d: %s"):format(round, i, text))
          n = n + #got
        end
      end
    end
    assert.is_true(n > 0)
  end)

  it("lets one program run with two stores, and a store outlive its pipeline", function()
    local prog = T.compile(pats[2])
    local doc = glean.tokenize(texts_[3])
    local a, b = core.forms(), core.forms()
    local want = flat(prog, doc)
    assert.is_true(#want > 0)
    assert.same(want, flat(prog, doc, a, true))
    assert.same(want, flat(prog, doc, b, true))
    local other = T.compile(pats[3])
    assert.same(flat(other, doc), flat(other, doc, a, false))   -- joins a's vocabulary
    assert.same(want, flat(prog, doc, a, false))
    prog = nil                          -- luacheck: ignore
    collectgarbage()
    collectgarbage()
    assert.same(want, flat(T.compile(pats[2]), doc, a, false))
  end)
end)
