-- The rule example in examples/rules/ does what its README promises.
local glean = require "glean"
local support = require "support"

describe("examples/rules", function()
  local phases = assert(glean.rules.load("examples/rules/people.lua"))
  local text = assert(support.read_file("examples/rules/sentence.txt"))
  local doc = glean.pipeline{ phases = phases }:run(text, { explain = true })

  it("finds Sir richard Moore, with his title, and his role", function()
    local person = doc:spans("PERSON")[1]
    assert.equal("Sir richard Moore", person.text)
    assert.equal("Sir", person.attrs.title)
    assert.equal("richard Moore", person.attrs.name)
    local role = doc:spans("ROLE")[1]
    assert.equal("head of MI6", role.text)
    local links = doc:links("holds")
    assert.equal(1, #links)
    assert.equal(person, links[1].from)
    assert.equal(role, links[1].to)
  end)

  it("explains why", function()
    local why = doc:explain()
    assert.matches('+ PERSON "Sir richard Moore" (tokens 10-12) by rule "honorific_name"', why, 1, true)
    assert.matches('capture name = "richard Moore"', why, 1, true)
    assert.matches('+ ROLE "head of MI6" (tokens 15-17) by rule "head_of"', why, 1, true)
    assert.matches('- PERSON "Dame Eleanor Vance" (tokens 30-32) from rule "two_names" dropped: '
                   .. 'overlaps PERSON "Dame Eleanor Vance" (tokens 30-32) from rule "honorific_name" '
                   .. '(longest: the higher priority wins: 2 to 0)', why, 1, true)
    assert.matches('~ PERSON "Sir richard Moore" (tokens 10-12) -holds-> ROLE "head of MI6"', why, 1, true)
  end)

  it("runs as a script", function()
    local lua = arg and arg[-1] or "lua5.4"    -- the interpreter running the specs
    local cmd = ("LUA_PATH='lua/?.lua;lua/?/init.lua;;' LUA_CPATH=%q %s examples/rules/run.lua 2>&1")
                :format(package.cpath, lua)
    local out = io.popen(cmd):read("*a")
    assert.matches("PERSON  Sir richard Moore", out, 1, true)
    assert.matches("Sir richard Moore -holds-> head of MI6", out, 1, true)
  end)
end)
