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

  -- fuzz_tokenize: the ASCII fast path took a space before U+2004 THREE-PER-EM
  -- SPACE for a gap, but UAX #29 keeps horizontal spaces together (WB3d)
  -- and a mark after them (U+07EC, WB4) makes the three one token, from
  -- the ASCII space on: the general path's answer.
  it("the fast path tokenises a space before a non-ASCII space and a mark as the general one", function()
    local function tokens(text, reference)
      local doc = glean.tokenize(text, { reference = reference })
      local out = {}
      for i = 1, #doc do
        local t = doc[i]
        out[i] = ("%d-%d %s %s"):format(t.start, t.stop, t.kind, tostring(t.space_after))
      end
      return out
    end
    for _, text in ipairs{ "ksem \226\128\132\223\172 x", "a \226\128\132\226\128\132\223\172",
                           "a\t \226\128\132\223\172", "a \226\128\132 b", "a  \223\172" } do
      local fast = tokens(text, false)
      assert.same(tokens(text, true), fast, text)
    end
    assert.same({ "1-4 word false", "5-10 symbol true", "12-12 word false" },
                tokens("ksem \226\128\132\223\172 x", false))
  end)
end)
