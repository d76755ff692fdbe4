-- Rules, phases and pipelines: spans, overlaps, cascades, actions, text
-- rules, gazetteers, explain.
local glean = require "glean"
local lpeg = require "lpeg"

local T, rule, phase, pipeline = glean.pattern, glean.rule, glean.phase, glean.pipeline

-- "LABEL text" for each span, in text order.
local function spans_of(doc, label)
  local out = {}
  for i, s in ipairs(doc:spans(label)) do out[i] = s.label .. " " .. s.text end
  return out
end

local function run(phases, text, opts)
  return pipeline{ phases = phases }:run(text, opts)
end

describe("rule", function()
  it("makes a span per match, with its fields", function()
    local doc = run({ phase{ rules = { rule{ name = "mi6", label = "ORG", pattern = T.text"MI6",
                                             attrs = { id = "Q1" } } } } },
                    "The head of MI6 spoke.")
    local s = doc:spans()[1]
    assert.same({ start = 13, stop = 15, first = 4, last = 4, label = "ORG", rule = "mi6",
                  text = "MI6", attrs = { id = "Q1" } },
                { start = s.start, stop = s.stop, first = s.first, last = s.last, label = s.label,
                  rule = s.rule, text = s.text, attrs = s.attrs })
  end)

  it("copies its attributes for each span", function()
    local doc = run({ phase{ rules = { rule{ label = "X", pattern = T.text"a", attrs = { n = 1 } } } } },
                    "a a")
    local a, b = doc:spans()[1], doc:spans()[2]
    a.attrs.n = 2
    assert.equal(1, b.attrs.n)
  end)

  it("checks its definition", function()
    local cases = {
      { {}, "field 'pattern' missing" },
      { { pattern = T.any, labl = "X" }, "unknown field 'labl'" },
      { { pattern = T.any, label = 5 }, "field 'label' must be a string, got number" },
      { { pattern = T.title ^ 0 }, "the pattern can match no token" },
      { { pattern = 42 }, "field 'pattern': token pattern expected, got number" },
      { { pattern = T.any, snap = "shrink" }, "field 'snap' must be \"widen\" or \"drop\"" },
    }
    for _, case in ipairs(cases) do
      local ok, err = pcall(rule, case[1])
      assert.is_false(ok)
      assert.matches(case[2], err, 1, true)
      assert.matches("bad argument #1 to 'rule'", err, 1, true)
    end
  end)
end)

describe("phase", function()
  it("checks its definition", function()
    assert.has_error(function() phase{ rules = { 1 } } end,
                     "bad argument #1 to 'phase' (rules[1] is not a rule)")
    assert.has_error(function() phase{ rules = {}, overlap = "shortest" } end,
                     "bad argument #1 to 'phase' (overlap must be \"longest\", \"priority\", "
                     .. "\"first\" or \"all\", got shortest)")
  end)

  local short = rule{ name = "short", label = "A", pattern = T.title, priority = 5 }
  local long = rule{ name = "long", label = "B", pattern = T.title ^ 2 }
  local text = "Ann Lee and Bo"

  it("longest: the longer match wins, then the higher priority", function()
    assert.same({ "B Ann Lee", "A Bo" }, spans_of(run({ phase{ rules = { short, long } } }, text)))
    local p1 = rule{ name = "p1", label = "P1", pattern = T.title ^ 2, priority = 1 }
    local p2 = rule{ name = "p2", label = "P2", pattern = T.title * T.title, priority = 2 }
    assert.same({ "P2 Ann Lee" }, spans_of(run({ phase{ rules = { p1, p2 } } }, "Ann Lee")))
  end)

  it("priority: the higher priority wins, then the longer", function()
    local doc = run({ phase{ overlap = "priority", rules = { long, short } } }, text)
    assert.same({ "A Ann", "A Lee", "A Bo" }, spans_of(doc))
  end)

  it("first: the rule listed first wins", function()
    assert.same({ "A Ann", "A Lee", "A Bo" },
                spans_of(run({ phase{ overlap = "first", rules = { short, long } } }, text)))
    assert.same({ "B Ann Lee", "A Bo" },
                spans_of(run({ phase{ overlap = "first", rules = { long, short } } }, text)))
  end)

  it("all: every match stays", function()
    assert.same({ "B Ann Lee", "A Ann", "A Lee", "A Bo" },
                spans_of(run({ phase{ overlap = "all", rules = { short, long } } }, text)))
  end)

  it("a rule's own matches never overlap (leftmost-longest)", function()
    local r = rule{ label = "X", pattern = T.any * T.any }
    assert.same({ "X a b", "X c d" }, spans_of(run({ phase{ overlap = "all", rules = { r } } }, "a b c d e")))
  end)
end)

describe("phases", function()
  it("run in order; later ones see earlier spans (cascade)", function()
    local names = phase{ name = "names", rules = {
      rule{ label = "PERSON", pattern = T.lower{ "sir", "dame" } * T.title ^ 1 } } }
    local roles = phase{ name = "roles", rules = {
      rule{ label = "ROLE", pattern = T.lower"head" * T.lower"of" * T.upper } } }
    local appos = rule{ label = "APPOS",
                        pattern = T.span"PERSON" * T.text"," * T.lower"the" ^ -1 * T.span"ROLE" }
    local doc = run({ names, roles, phase{ rules = { appos } } },
                    "Sir Richard Moore, the head of MI6, spoke.")
    assert.same({ "APPOS Sir Richard Moore, the head of MI6", "PERSON Sir Richard Moore",
                  "ROLE head of MI6" }, spans_of(doc))
    -- a phase does not see its own spans
    doc = run({ names, phase{ rules = { roles.rules[1], appos } } },
              "Sir Richard Moore, the head of MI6, spoke.")
    assert.same({ "PERSON Sir Richard Moore", "ROLE head of MI6" }, spans_of(doc))
    -- the other order: the cascade has nothing to see yet
    doc = run({ appos, names, roles }, "Sir Richard Moore, the head of MI6, spoke.")
    assert.same({ "PERSON Sir Richard Moore", "ROLE head of MI6" }, spans_of(doc))
  end)

  it("find the words of later phases, and the same words document after document", function()
    -- the pipeline keeps the tokens' forms (and which strings of its rules
    -- they are) from one phase and one text to the next: a phase whose
    -- words the earlier ones never looked for, a text cache filled past
    -- its size (2^18 distinct texts), and the texts after it
    local p = pipeline{ phases = {
      phase{ name = "one", rules = { rule{ label = "A", pattern = T.lower{ "alpha" } } } },
      phase{ name = "two", rules = { rule{ label = "B", pattern = T.lower{ "beta", "w299999" } },
                                    rule{ label = "C", pattern = T.shape"Xxxxx" } } },
    } }
    for _ = 1, 2 do
      assert.same({ "A Alpha", "C Alpha", "B beta", "A ALPHA", "B BETA" },
                  spans_of(p:run("Alpha beta ALPHA BETA")))
    end
    local words = {}
    for i = 1, 300000 do words[i] = "w" .. i end
    local doc = p:run(table.concat(words, " ") .. " Alpha")
    assert.same({ "B w299999", "A Alpha", "C Alpha" }, spans_of(doc))
    assert.same({ "A alpha", "B W299999" }, spans_of(p:run("alpha W299999")))
  end)

  it("see gazetteer spans, labels and attributes", function()
    local g = glean.gazetteer()
    g:add("MI6", { label = "ORG", country = "UK" })
    g:add("Richard Moore", "PERSON")
    local m = g:compile()
    local pl = pipeline{ gazetteers = { m }, phases = { phase{ rules = {
      rule{ name = "uk_head", label = "ROLE",
            pattern = T.lower"head" * T.lower"of" * T.span("ORG", { country = "UK" }) },
      rule{ name = "sir", label = "TITLED", pattern = T.lower"sir" * T.label"PERSON" ^ 1 },
    } } } }
    local doc = pl:run("Sir Richard Moore, the head of MI6, spoke.")
    assert.same({ "TITLED Sir Richard Moore", "PERSON Richard Moore", "ROLE head of MI6", "ORG MI6" },
                spans_of(doc))
    local org = doc:spans("ORG")[1]
    assert.equal("UK", org.attrs.country)
    assert.equal("gazetteer1", org.rule)
    -- attributes every span of a gazetteer gets, unless its entry has them
    doc = pipeline{ gazetteers = { { m, name = "mine", attrs = { source = "me", country = "X" } } } }
          :run("MI6 and Richard Moore")
    local spans = doc:spans()
    assert.same({ "mine", "me", "UK" }, { spans[1].rule, spans[1].attrs.source, spans[1].attrs.country })
    assert.same({ "me", "X" }, { spans[2].attrs.source, spans[2].attrs.country })
    assert.has_error(function() pipeline{ gazetteers = { { m, attrs = 1 } } } end,
      "bad argument #1 to 'pipeline' (gazetteers[1].attrs must be a table)")
  end)

  it("give each gazetteer span attributes of its own, in text order", function()
    local g = glean.gazetteer()
    g:add("MI6", { label = "ORG", country = "UK" })
    g:add("Moore", "PERSON")
    local m = g:compile()
    local later = glean.gazetteer()
    later:add("Sir", "HONORIFIC")
    local pl = pipeline{ gazetteers = { m, { later:compile(), name = "titles" } } }
    for _ = 1, 2 do                     -- the second run reads the kept entries
      local doc = pl:run("MI6 and Sir Moore, MI6 and Moore")
      assert.same({ "ORG MI6", "HONORIFIC Sir", "PERSON Moore", "ORG MI6", "PERSON Moore" },
                  spans_of(doc))
      local spans = doc:spans()
      assert.same({ "gazetteer1", "titles" }, { spans[1].rule, spans[2].rule })
      assert.same({ 1, 3, "MI6" }, { spans[1].start, spans[1].stop, spans[1].text })
      assert.same({ 13, 17, 4, 4 }, { spans[3].start, spans[3].stop, spans[3].first, spans[3].last })
      -- one span's attributes changed leave the other's and the entry's alone
      spans[1].attrs.country = "changed"
      spans[1].attrs.extra = true
      assert.same({ country = "UK", phrase = "mi6" }, spans[4].attrs)
      spans[3].attrs.note = 1
      assert.same({ phrase = "moore" }, spans[5].attrs)
      doc:close()
    end
  end)

  it("make gazetteer spans in C with checked arguments", function()
    local core = require "glean.core"
    local doc = glean.tokenizer():tokenize("a b c")
    local pending = {}
    local template = { k = 1 }
    local sorted = core.gazetteer_spans(doc, pending, { 3, 1, 2 }, { 3, 2, 2 }, { 1, 2, 3 },
                                        { "X", "Y" }, { template, false }, "g",
                                        require("glean.spans").span_mt)
    assert.is_false(sorted)             -- "a b" after "c"; entry 3 has no label
    assert.same({ "X c", "Y a b" }, { pending[1].label .. " " .. pending[1].text,
                                      pending[2].label .. " " .. pending[2].text })
    assert.same({ { k = 1 }, "g" }, { pending[1].attrs, pending[2].rule })
    assert.are_not.equal(template, pending[1].attrs)    -- a copy
    -- no attributes: an empty table made when first asked for
    assert.is_nil(rawget(pending[2], "attrs"))
    assert.same({}, pending[2].attrs)
    assert.is_true(core.gazetteer_spans(doc, {}, { 1, 2 }, { 1, 3 }, { 1, 1 }, { "X" }, {}, "g"))
    assert.has_error(function()
      core.gazetteer_spans(doc, {}, { 2 }, { 4 }, { 1 }, { "X" }, {}, "g")
    end, "hit 1 out of the Doc's tokens")
    assert.has_error(function() core.gazetteer_spans(doc, {}, { 1 }, { 1 }, { 1 }, { "X" }, {}) end)
    assert.has_error(function() core.gazetteer_spans({}, {}, {}, {}, {}, {}, {}, "g") end)
  end)
end)

describe("actions", function()
  it("get the match, its captures and the Doc; can set attributes and link", function()
    local seen
    local r = rule{ name = "titled", label = "PERSON",
      pattern = T.C("title", T.lower{ "sir", "dame" }) * T.C("name", T.title ^ 1),
      action = function(m, doc)
        seen = { rule = m.rule, first = m.first, last = m.last, text = m:text(),
                 name = m:text("name"), doc = doc }
        m:set("title", m:text("title"))
        local n = m:add_span("NAME", "name", { full = true })
        m:link(m.span, "name", n)
      end }
    local doc = run({ phase{ rules = { r } } }, "Yesterday Sir Richard Moore spoke.")
    assert.same({ rule = "titled", first = 2, last = 4, text = "Sir Richard Moore",
                  name = "Richard Moore" },
                { rule = seen.rule, first = seen.first, last = seen.last, text = seen.text, name = seen.name })
    assert.equal(doc, seen.doc)
    assert.equal("Sir", doc:spans("PERSON")[1].attrs.title)
    assert.same({ "NAME Richard Moore" }, spans_of(doc, "NAME"))
    local links = doc:links("name")
    assert.equal(1, #links)
    assert.equal("Sir Richard Moore", links[1].from.text)
    assert.equal("Richard Moore", links[1].to.text)
  end)

  it("returning false drops the span", function()
    local r = rule{ label = "X", pattern = T.title, action = function(m) return m:text() ~= "Bob" end }
    assert.same({ "X Ann", "X Cy" }, spans_of(run({ phase{ rules = { r } } }, "Ann Bob Cy")))
  end)

  it("attrs can be a function of the match", function()
    local r = rule{ label = "N", pattern = T.kind"number",
                    attrs = function(m) return { value = tonumber(m:text()) } end }
    local doc = run({ phase{ rules = { r } } }, "up 5 and 12")
    assert.equal(5, doc:spans()[1].attrs.value)
    assert.equal(12, doc:spans()[2].attrs.value)
  end)

  it("'where' refuses candidates before they compete", function()
    local long = rule{ name = "long", label = "L", pattern = T.title ^ 2,
                       where = function(m) return m:text() ~= "Ann Lee" end }
    local short = rule{ name = "short", label = "S", pattern = T.title }
    assert.same({ "S Ann", "S Lee", "L Bo Ray" },
                spans_of(run({ phase{ rules = { long, short } } }, "Ann Lee met Bo Ray")))
  end)

  it("'where' refusals leave the other matches intact", function()
    local seen = {}
    local ph = phase{ rules = {
      rule{ name = "refused", label = "A", pattern = T.text"a", where = function() return false end },
      rule{ name = "b", label = "B", pattern = T.text"b",
            action = function(m) seen[#seen + 1] = m.first .. "-" .. m.last .. " " .. m:text() end },
    } }
    local doc = run({ ph }, "a b b")
    assert.same({ "2-2 b", "3-3 b" }, seen)
    assert.same({ "B b", "B b" }, spans_of(doc))
  end)

  it("an action error is the caller's error", function()
    local r = rule{ label = "X", pattern = T.any, action = function() error("bad action") end }
    local ok, err = pcall(run, { phase{ rules = { r } } }, "a")
    assert.is_false(ok)
    assert.matches("bad action", err)
  end)
end)

describe("text rules", function()
  local digits = lpeg.R"09" ^ 1
  local percent = rule{ name = "percent", label = "PERCENT",
                        pattern = T.C("n", digits * (lpeg.P"." * digits) ^ -1) * (lpeg.P"%" + " percent") }

  it("match LPeg patterns on the text, snapped to tokens", function()
    local doc = run({ phase{ rules = { percent } } }, "Sales rose 5.3% and then 7 percent.")
    assert.same({ "PERCENT 5.3%", "PERCENT 7 percent" }, spans_of(doc))
  end)

  it("report named captures as token ranges", function()
    local seen = {}
    local r = rule{ name = "p", label = "P", pattern = percent.pattern,
                    action = function(m) seen[#seen + 1] = m:text("n") end }
    run({ phase{ rules = { r } } }, "Sales rose 5.3% and then 7 percent.")
    assert.same({ "5.3", "7" }, seen)
  end)

  it("widen or drop matches that split tokens", function()
    local inner = lpeg.P"ee"
    local widen = rule{ label = "W", pattern = inner }
    local drop = rule{ label = "D", pattern = inner, snap = "drop" }
    assert.same({ "W ee" }, spans_of(run({ phase{ rules = { widen } } }, "ee")))
    assert.same({ "D ee" }, spans_of(run({ phase{ rules = { drop } } }, "ee")))
    -- "$5": the tokenizer makes "$" and "5"; a pattern over "$5" covers both
    local money = rule{ label = "M", pattern = lpeg.P"$" * digits, snap = "drop" }
    assert.same({ "M $5" }, spans_of(run({ phase{ rules = { money } } }, "paid $5 now")))
    -- a match that ends inside a token
    local part = lpeg.P"Mon"
    assert.same({ "W Monday" }, spans_of(run({ phase{ rules = { rule{ label = "W", pattern = part } } } },
                                             "on Monday")))
    assert.same({}, spans_of(run({ phase{ rules = { rule{ label = "D", pattern = part, snap = "drop" } } } },
                                 "on Monday")))
  end)

  it("are tried where a token can start, not inside a word", function()
    local r = rule{ label = "X", pattern = lpeg.P"day" }
    assert.same({ "X day" }, spans_of(run({ phase{ rules = { r } } }, "Monday, day")))
  end)

  it("compete with token rules in their phase", function()
    local tok = rule{ name = "num", label = "NUM", pattern = T.kind"number" }
    local doc = run({ phase{ rules = { tok, percent } } }, "up 5 percent and 6")
    assert.same({ "PERCENT 5 percent", "NUM 6" }, spans_of(doc))
  end)
end)

describe("pipeline", function()
  it("runs on a text or a Doc", function()
    local pl = pipeline{ phases = { phase{ rules = { rule{ label = "T", pattern = T.title } } } } }
    assert.same({ "T Ann" }, spans_of(pl:run("Ann ran")))
    local doc = glean.tokenize("Bo ran")
    assert.equal(doc, pl:run(doc))
    assert.same({ "T Bo" }, spans_of(doc))
  end)

  it("checks its arguments", function()
    assert.has_error(function() pipeline{ phases = { 5 } } end,
                     "bad argument #1 to 'pipeline' (phases[1] is not a phase, a rule or a rule set)")
    assert.has_error(function() pipeline{ stages = {} } end,
                     "bad argument #1 to 'pipeline' (unknown field 'stages')")
    local pl = pipeline{ phases = {} }
    assert.has_error(function() pl:run(5) end, "bad argument #1 to 'run' (string or Doc expected, got number)")
  end)

  it("takes bare rules and nested rule sets", function()
    local r1 = rule{ label = "A", pattern = T.text"a" }
    local r2 = rule{ label = "B", pattern = T.text"b" }
    local pl = pipeline{ phases = { r1, { phase{ rules = { r2 } } } } }
    assert.same({ "A a", "B b" }, spans_of(pl:run("a b")))
  end)
end)

describe("explain", function()
  it("says which rule made each span and what dropped the others", function()
    local titled = rule{ name = "titled", label = "PERSON",
                         pattern = T.C("title", T.lower"sir") * T.C("name", T.title ^ 1) }
    local pair = rule{ name = "pair", label = "PAIR", pattern = T.title * T.title }
    local doc = run({ phase{ name = "people", rules = { titled, pair } } },
                    "Yesterday Sir Richard Moore spoke.", { explain = true })
    local text = doc:explain()
    assert.matches('phase "people" %(overlap: longest%)', text)
    assert.matches('%+ PERSON "Sir Richard Moore" %(tokens 2%-4%) by rule "titled"', text)
    assert.matches('capture name = "Richard Moore"', text)
    assert.matches('%- PAIR "Yesterday Sir" %(tokens 1%-2%) from rule "pair" dropped: overlaps PERSON '
                   .. '"Sir Richard Moore" %(tokens 2%-4%) from rule "titled" %(longest: the longer match '
                   .. 'wins: 3 tokens to 2%)',
                   text)
  end)

  it("asks for explain mode when it was off", function()
    local doc = run({}, "a")
    assert.matches("run the pipeline with { explain = true }", doc:explain(), 1, true)
  end)
end)

describe("rule files", function()
  local support = require "support"

  it("load from a string: phases made, or returned", function()
    local phases = assert(glean.rules.load([[
      phase{ name = "a", rules = { rule{ label = "A", pattern = T.text"a" } } }
      phase{ name = "b", rules = { rule{ label = "B", pattern = T.span"A" * T.text"b" } } }
    ]]))
    assert.equal(2, #phases)
    assert.same({ "B a b", "A a" }, spans_of(pipeline{ phases = phases }:run("a b")))
    phases = assert(glean.rules.load("return { rule{ label = 'X', pattern = T.title } }\n"))
    assert.equal(1, #phases)
    assert.same({ "X Ann" }, spans_of(pipeline{ phases = phases }:run("Ann ran")))
  end)

  it("load from a file, with includes beside it", function()
    local dir = os.tmpname()
    os.remove(dir)
    os.execute("mkdir " .. dir)
    local main = assert(io.open(dir .. "/main.lua", "w"))
    main:write("local words = include 'words'\n",
               "return phase{ name = 'main', rules = { rule{ label = 'W', pattern = T.lower(words) } } }\n")
    main:close()
    local inc = assert(io.open(dir .. "/words.lua", "w"))
    inc:write("return { 'alpha', 'beta' }\n")
    inc:close()
    local phases = assert(glean.rules.load(dir .. "/main.lua"))
    assert.same({ "W Alpha", "W beta" }, spans_of(pipeline{ phases = phases }:run("Alpha and beta")))
    os.remove(dir .. "/main.lua")
    os.remove(dir .. "/words.lua")
    os.remove(dir)
  end)

  it("see the host's extra names given in opts.env, and nothing else new", function()
    local seen = {}
    local phases = assert(glean.rules.load([[
      return rule{ label = "W", pattern = T.lower(words),
                   action = function(m) note(m:text()) end }
    ]], { env = { words = { "alpha" }, note = function(s) seen[#seen + 1] = s end } }))
    assert.same({ "W Alpha" }, spans_of(pipeline{ phases = phases }:run("Alpha beta")))
    assert.same({ "Alpha" }, seen)
    local ok, err = glean.rules.load("return rule{ pattern = T.lower(words) }\n")
    assert.is_nil(ok)
    assert.matches("^rules:1: bad argument #1 to 'lower'", err)
    assert.has_error(function() glean.rules.load("x\n", { env = 1 }) end,
      "bad argument #2 to 'load' (opts.env: table expected, got number)")
  end)

  it("report syntax and runtime errors with the file and line", function()
    local path = support.temp_file("phase{ name = 'x', rules = {} }\nlocal = 1\n")
    local phases, err = glean.rules.load(path)
    assert.is_nil(phases)
    assert.matches(path:gsub("%p", "%%%0") .. ":2:", err)
    os.remove(path)
    phases, err = glean.rules.load("local x = 1\nrule{ pattern = 42 }\n", { name = "bad.lua" })
    assert.is_nil(phases)
    assert.matches("^bad%.lua:2: bad argument #1 to 'rule'", err)
  end)

  it("guard each function once, even when rules share its pattern", function()
    -- a T.pred and a T.match shared by two rules: the T.pred's function is
    -- wrapped once (a second wrapper would run the first under the limits),
    -- and T.match needs no wrapper of its own (its matcher runs it)
    local sandbox = require "glean.sandbox"
    local real_guard, wrapped = sandbox.guard, 0
    sandbox.guard = function(...) wrapped = wrapped + 1; return real_guard(...) end
    local ok, phases = pcall(glean.rules.load, [[
      local short = T.pred(function(tok) return #tok.text <= 3 end)
      local digits = T.match(lpeg.R"09"^1)
      return phase{ name = "p", overlap = "all", rules = {
        rule{ name = "a", label = "A", pattern = T.all(T.title, short) },
        rule{ name = "b", label = "B", pattern = T.all(T.title, short) * T.any },
        rule{ name = "c", label = "C", pattern = digits },
        rule{ name = "d", label = "D", pattern = digits * T.any },
      } }
    ]])
    sandbox.guard = real_guard
    assert.is_true(ok, phases)
    assert.equal(1, wrapped)
    assert.same({ "B Ann ran", "A Ann", "D 42 days", "C 42" },
                spans_of(pipeline{ phases = assert(phases) }:run("Ann ran 42 days")))
  end)

  it("have no io, os, require or load", function()
    for _, code in ipairs{ "io.open('/etc/passwd')", "os.execute('true')", "require 'lpeg'",
                           "load('return 1')", "debug.getinfo(1)", "string.dump(print)" } do
      local phases, err = glean.rules.load(code .. "\n", { name = "evil.lua" })
      assert.is_nil(phases, code)
      assert.matches("^evil%.lua:1: ", err)
    end
  end)

  it("stop a runaway file with a clear error", function()
    local phases, err = glean.rules.load("while true do end\n", { name = "loop.lua" })
    assert.is_nil(phases)
    assert.matches("loop%.lua:1: rule file stopped: too much work", err)
    phases, err = glean.rules.load("local t = {} while true do t[#t + 1] = {} end\n",
                                   { name = "hog.lua", memory = 4 * 2 ^ 20 })
    assert.is_nil(phases)
    assert.matches("rule file stopped: more than", err)
  end)

  it("run their actions under limits at extraction time", function()
    local phases = assert(glean.rules.load([[
      return { rule{ label = "X", pattern = T.text"a", action = function() while true do end end } }
    ]], { name = "slow.lua", call_instructions = 100000 }))
    local ok, err = pcall(pipeline{ phases = phases }.run, pipeline{ phases = phases }, "a")
    assert.is_false(ok)
    assert.matches("slow%.lua:1: rule file stopped: too much work", err)
    -- the host is intact afterwards
    assert.equal("xxx", ("x"):rep(3))
  end)

  it("cannot reach what the pipeline runs through a match or a rule's metatable", function()
    -- two phases of one file: the first one's action tampers with the
    -- match's internals and with the metatable of rules (r.__index is
    -- Rule itself), the second phase has rules without actions; the
    -- host's tables are put back only when the file's last phase ends
    local phases = assert(glean.rules.load([[
      local evil = function() error("unguarded") end
      local plain = rule{ label = "B", pattern = T.text"b" }
      phase{ name = "one", rules = { rule{ label = "A", pattern = T.C("x", T.text"a"),
        action = function(m)
          m._c.program = { core = { run = evil } }
          m._c.nt, m._c.capnames = 0, nil
          plain.__index.action, plain.__index.where = evil, evil
        end } } }
      phase{ name = "two", rules = { plain } }
    ]], { name = "tamper.lua" }))
    local p = pipeline{ phases = phases }
    for _ = 1, 2 do                            -- the second run sees what the first changed
      assert.same({ "A a", "B b", "A a" }, spans_of(p:run("a b a")))
    end
    local mt = getmetatable(glean.rule{ pattern = T.any })
    assert.is_nil(rawget(mt, "action"))
    assert.is_nil(rawget(mt, "where"))
  end)

  it("have their text rules' scan priced where the scan tries them", function()
    -- core.scan_cost counts the places the scan tries the text rules at
    -- with the scan's own skipping: a counting rule shows where it tries
    local core = require "glean.core"
    local ones = {}
    for b = 1, 256 do ones[b] = 1 end
    ones = core.byte_weights(ones)
    local tries = 0
    local counting = rule{ label = "X", pattern = lpeg.P(function() tries = tries + 1 end) }
    local p = pipeline{ phases = { phase{ rules = { counting } } } }
    for _, text in ipairs{ "The head of MI6, said  it.", "", " ", "a", "x--y\n\n\tz99 q",
                           "é ü, «hi»\r\n  1,234.5%", ("ab, "):rep(50) } do
      tries = 0
      p:run(text):close()
      -- (and at the end of the text, where no byte passes a first-byte test)
      assert.equal(tries, core.scan_cost(text, ones) + 1, text)
    end
  end)

  it("stop a text rule whose scan would cost too much before it runs", function()
    -- a rule whose every try does much work (a choice of 2,000 words
    -- after "a"), over a text of 400,000 places to try it: its scan is
    -- priced at load's rates before it starts, and refused
    local phases = assert(glean.rules.load([[
      local words = lpeg.P"w0"
      for i = 1, 2000 do words = words + lpeg.P("w" .. i) end
      return rule{ label = "X", pattern = lpeg.P"a" * lpeg.S" " * words }
    ]], { name = "costly.lua", instructions = 1e8, memory = 256 * 2 ^ 20 }))
    local p = pipeline{ phases = phases }
    assert.same({ "X a w7" }, spans_of(p:run("a w7")))
    local t0 = os.clock()
    local ok, err = pcall(p.run, p, ("a "):rep(400000))
    assert.is_false(ok)
    assert.matches("costly%.lua: rule file stopped: too much matching work", err)
    assert.is_true(os.clock() - t0 < 5)
  end)

  it("do not guard the actions of a trusted (the host's own) file", function()
    local source = [[
      return { rule{ label = "X", pattern = T.text"a",
                     action = function(m) local n = 0 for i = 1, 20000 do n = n + i end m:set("n", n) end } }
    ]]
    local guarded = assert(glean.rules.load(source, { call_instructions = 10000 }))
    assert.has_error(function() pipeline{ phases = guarded }:run("a") end)
    local trusted = assert(glean.rules.load(source, { call_instructions = 10000, trusted = true }))
    local doc = pipeline{ phases = trusted }:run("a")
    assert.equal(200010000, doc:spans("X")[1].attrs.n)
  end)

  it("refuse what is not a rule or a phase", function()
    local phases, err = glean.rules.load("return 42\n", { name = "odd.lua" })
    assert.is_nil(phases)
    assert.matches("odd.lua: a rule file returns a phase, a rule, or an array of them", err, 1, true)
  end)
end)

describe("Doc spans and links", function()
  it("add, list by label, link", function()
    local doc = glean.tokenize("Sir Richard Moore, the head of MI6, spoke.")
    local p = doc:add_span("PERSON", 1, 3, { title = "Sir" })
    local r = doc:add_span("ROLE", 6, 8)
    doc:add_span("ORG", -4)
    doc:link(p, "role", r)
    assert.same({ "PERSON Sir Richard Moore", "ROLE head of MI6", "ORG MI6" }, spans_of(doc))
    assert.same({ "ROLE head of MI6", "ORG MI6" }, spans_of(doc, { "ORG", "ROLE" }))
    assert.equal(1, #doc:links("role"))
    assert.equal(0, #doc:links("alias"))
    assert.has_error(function() doc:add_span("X", 0, 2) end)
    assert.has_error(function() doc:add_span(5, 1) end,
                     "bad argument #2 to 'add_span' (string expected, got number)")
    assert.has_error(function() doc:link(p, "x", 5) end,
                     "bad argument #4 to 'link' (span expected, got number)")
  end)

  it("stay in text order, longer first, ties in the order made", function()
    local doc = glean.tokenize("one two three four five six")
    local function order()
      local out = {}
      for i, s in ipairs(doc:spans()) do out[i] = s.label end
      return table.concat(out, " ")
    end
    doc:add_span("A", 2, 3)
    doc:add_span("B", 5)
    assert.equal("A B", order())              -- merged once: now the old spans
    doc:add_span("C", 4)                      -- pending, out of order
    doc:add_span("D", 2, 3)                   -- ties A: after it
    doc:add_span("E", 2, 4)                   -- longer: before A
    doc:add_span("F", 1)
    doc:add_span("G", 4)                      -- ties C: after it
    doc:add_span("H", 6)
    assert.equal("F E A D C G B H", order())
    doc:add_span("I", 1, 6)
    doc:add_span("J", 6)
    assert.equal("I F E A D C G B H J", order())
  end)

  it("span_at finds the span over exactly some tokens, as doc:spans lists them", function()
    local doc = glean.tokenize("one two three four five six")
    assert.is_nil(doc:span_at(2, 3))              -- no spans yet
    local a = doc:add_span("A", 2, 3)
    doc:add_span("B", 2, 4)
    doc:add_span("C", 5)
    local _ = doc:spans()                         -- A, B, C merged
    local d = doc:add_span("D", 2, 3)             -- pending, in order
    local e = doc:add_span("E", 1, 6)             -- pending, out of order
    assert.equal(a, doc:span_at(2, 3))            -- the first made
    assert.equal(d, doc:span_at(2, 3, "D"))       -- a pending one, by label
    assert.equal(d, doc:span_at(2, 3, { "X", "D" }))
    assert.equal(e, doc:span_at(1, 6))
    assert.equal("B", doc:span_at(2, 4).label)
    assert.equal("C", doc:span_at({ first = 5, last = 5 }, "C").label)   -- a range
    assert.is_nil(doc:span_at(2, 4, "A"))         -- wrong label
    assert.is_nil(doc:span_at(2, 2))              -- not exactly
    assert.is_nil(doc:span_at(nil, "A"))          -- a capture that matched nothing
    -- the same answer as a walk through doc:spans, for every range
    local function same_as_spans()
      for first = 1, #doc do
        for last = first, #doc do
          for _, label in ipairs({ false, "A", "D", "E", "F" }) do
            local want
            local got = doc:span_at(first, last, label or nil)   -- (before the merge)
            for _, s in ipairs(doc:spans(label or nil)) do
              if s.first == first and s.last == last then want = s; break end
            end
            assert.equal(want, got)
          end
        end
      end
    end
    same_as_spans()                               -- pending out of order
    local f = doc:add_span("F", 3, 4)             -- pending in order
    doc:add_span("F", 4, 6)
    assert.equal(f, doc:span_at(3, 4))
    same_as_spans()
    assert.has_error(function() doc:span_at("2", 3) end,
                     "bad argument #2 to 'span_at' (number or range expected, got string)")
    assert.has_error(function() doc:span_at(2) end,
                     "bad argument #3 to 'span_at' (number expected, got nil)")
    assert.has_error(function() doc:span_at({ first = 1 }) end,
                     "bad argument #2 to 'span_at' (range with numbers first and last expected)")
    assert.has_error(function() doc:span_at(2, 3, 7) end,
                     "bad argument #4 to 'span_at' (string or table expected, got number)")
    assert.has_error(function() doc:span_at({ first = 1, last = 1 }, 7) end,
                     "bad argument #3 to 'span_at' (string or table expected, got number)")
  end)

  it("span_at in an action finds the spans of a capture", function()
    local people = phase{ name = "people", rules = {
      rule{ name = "person", label = "PERSON", pattern = T.lower"dr" * T.title },
      rule{ name = "org", label = "ORG", pattern = T.text"Harbour" * T.text"Council" },
    } }
    local found = {}
    local links = phase{ name = "links", rules = {
      rule{ name = "member", pattern = T.C("who", T.span"PERSON") * T.lower"of"
                                       * T.C("org", T.span"ORG"),
            action = function(m, doc)
              local who = doc:span_at(m.captures.who, "PERSON")
              local org = doc:span_at(m.captures.org, "ORG")
              found[#found + 1] = who.text .. "/" .. org.text
              m:link(who, "member_of", org)
            end },
    } }
    local doc = run({ people, links }, "Dr Lee of Harbour Council and Dr Ng of Harbour Council.")
    assert.same({ "Dr Lee/Harbour Council", "Dr Ng/Harbour Council" }, found)
    assert.equal(2, #doc:links("member_of"))
  end)
end)
