-- Regressions found by the fuzzers of csrc/fuzz/ (docs/hardening.md): each
-- case is the smallest input that failed, turned into an assertion.
local glean = require "glean"

local ACUTE = "\204\129"   -- U+0301 COMBINING ACUTE ACCENT

describe("fuzz regressions", function()
  -- fuzz_gz_build: a text token longer than every vocabulary token was
  -- given up before folding, though an accent that folds away makes it
  -- shorter ("cafe" + U+0301 folds to "cafe").
  it("a phrase with a combining accent finds itself", function()
    for _, opts in ipairs{ {}, { case = "exact" }, { accents = "keep" }, { case = "smart" } } do
      local phrase = "cafe" .. ACUTE
      local m = glean.gazetteer(opts):add(phrase, "X"):compile()
      local hits = m:find("a " .. phrase .. " b")
      assert.equal(1, #hits)
      assert.equal(phrase, hits[1].text)
      -- and in a longer phrase, the accent on a middle word
      m = glean.gazetteer(opts):add("le cafe" .. ACUTE .. " noir", "X"):compile()
      assert.equal(1, m:count("le cafe" .. ACUTE .. " noir"))
    end
  end)
end)
