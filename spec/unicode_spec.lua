-- The generated Unicode tables and the version they report.
local glean = require "glean"
local support = require "support"

local UCD = os.getenv("GLEAN_UCD") or "/usr/share/unicode"

describe("Unicode data", function()
  it("reports its version as glean.unicode_version", function()
    assert.matches("^%d+%.%d+%.%d+$", glean.unicode_version)
  end)

  it("is the version named in the generated files' banner", function()
    for _, name in ipairs{ "csrc/unicode_data.c", "csrc/unicode_data.h" } do
      local first = support.read_file(name):match("^[^\n]*")
      assert.equal("/* Generated from Unicode " .. glean.unicode_version ..
                   " by tools/gen_unicode.lua; do not edit. */", first)
    end
  end)

  it("carries no date, so that regenerating changes nothing", function()
    local head = support.read_file("csrc/unicode_data.c"):sub(1, 2000)
    assert.is_nil(head:match("%d%d%d%d%-%d%d%-%d%d"))
  end)

  it("matches the installed Unicode Character Database", function()
    local first = support.read_file(UCD .. "/auxiliary/WordBreakProperty.txt")
    if not first then return pending("no UCD in " .. UCD) end
    assert.equal("# WordBreakProperty-" .. glean.unicode_version .. ".txt", first:match("^[^\n]*"))
  end)

  it("knows characters added in this version", function()
    -- U+1E030 MODIFIER LETTER CYRILLIC SMALL A (Unicode 15.0) is a letter
    local doc = glean.tokenize(support.utf8_char(0x1E030))
    assert.equal("word", select(3, doc:token(1)))
  end)
end)

describe("core.fold", function()
  local core = require "glean.core"

  it("folds ASCII as string.lower does, ` to ' in the norm form", function()
    math.randomseed(11)
    for _ = 1, 2000 do
      local t = {}
      for j = 1, math.random(0, 10) do t[j] = string.char(math.random(0, 127)) end
      local s = table.concat(t)
      assert.equal(s:lower(), core.fold(s, "lower"))
      assert.equal((s:lower():gsub("`", "'")), core.fold(s, "norm"))
    end
  end)

  it("folds case and, in the norm form, accents beyond ASCII", function()
    assert.equal("élysée", core.fold("ÉLYSÉE", "lower"))
    assert.equal("elysee", core.fold("Élysée", "norm"))
    assert.equal("strasse", core.fold("Straße", "lower"))
    assert.equal("Xxxxx", core.fold("Paris", "shape"))
  end)
end)
