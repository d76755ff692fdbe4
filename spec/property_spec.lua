-- Properties that must hold for any input, checked on random strings of
-- valid and malformed UTF-8.
local glean = require "glean"
local support = require "support"

local U = support.utf8_char

-- Pieces that exercise every path: ASCII, joiners, clitics, abbreviations,
-- URLs, e-mails, emoji, marks, scripts, whitespace, invalid sequences.
local PIECES = {
  "a", "Z", "7", "word", "Moore", "MI6", "U.S", "Mr", "e.g", "n't", "'s", "don",
  ".", ",", ";", ":", "'", "’", "\"", "“", "”", "«", "(", ")", "-", "—", "_", "@",
  "%", "$", "/", "?", "!", "...", "http://", "www.", "x.org", "@ex.com",
  " ", " ", " ", "  ", "\t", "\n", "\n\n", "\r\n", "\r", U(0xA0), U(0xFEFF), U(0x2028),
  "é", "e" .. U(0x301), U(0x301), U(0x200D), U(0xFE0F), U(0x20E3), U(0x1F3FD),
  "中", "カ", "한", "ש", "\"", "ب", U(0x1F44D), U(0x1F1EC), U(0x1F1E7), U(0xA9),
  "\255", "\192", "\128", "\226\130", "\237\160\128", "\244\144\128\128", "\240\159",
}

local function random_text(rand)
  local parts = {}
  if rand(3) == 1 then                -- arbitrary bytes
    for i = 1, rand(40) - 1 do parts[i] = string.char(rand(256) - 1) end
  else
    for i = 1, rand(30) - 1 do parts[i] = PIECES[rand(#PIECES)] end
  end
  return table.concat(parts)
end

local FLAGS = { "is_title", "is_upper", "is_lower", "is_alpha", "is_digit", "is_punct",
                "is_quote", "is_bracket", "is_sentence_start", "space_after",
                "newline_after", "paragraph_after", "is_abbrev", "is_clitic",
                "has_lower", "has_upper" }

local function signature(doc)
  local out = {}
  for i = 1, #doc do
    local t = doc[i]
    local sig = { t.start, t.stop, t.kind, t.sentence }
    for _, f in ipairs(FLAGS) do sig[#sig + 1] = t[f] and f or "-" end
    out[i] = table.concat(sig, " ")
  end
  return out
end

local N = 1500

describe("tokens of random strings", function()
  local rand = support.rng(20261126)
  local texts = {}
  for i = 1, N do texts[i] = random_text(rand) end

  it("are in order, do not overlap and lie within the text", function()
    for _, text in ipairs(texts) do
      local doc = glean.tokenize(text)
      local last = 0
      for _, start, stop in doc:tokens() do
        assert(start > last and start <= stop and stop <= #text,
               ("bad token %d-%d after %d in %q"):format(start, stop, last, text))
        last = stop
      end
    end
  end)

  it("cover every byte that is not whitespace", function()
    for _, text in ipairs(texts) do
      local doc = glean.tokenize(text)
      local pos = 1
      local function gap_is_white(a, b)
        local codes = support.utf8_codes(text:sub(a, b))
        if not codes then return false end
        for _, cp in ipairs(codes) do if not support.is_white(cp) then return false end end
        return true
      end
      for _, start, stop in doc:tokens() do
        assert(gap_is_white(pos, start - 1), ("uncovered bytes %d-%d in %q"):format(pos, start - 1, text))
        pos = stop + 1
      end
      assert(gap_is_white(pos, #text), ("uncovered tail in %q"):format(text))
    end
  end)

  it("tile the whole text when whitespace is kept", function()
    local tk = glean.tokenizer{ keep_space = true }
    for _, text in ipairs(texts) do
      local doc = tk(text)
      local pos = 1
      for _, start, stop in doc:tokens() do
        assert(start == pos, ("gap before %d in %q"):format(start, text))
        pos = stop + 1
      end
      assert(pos == #text + 1, ("text not covered to its end: %q"):format(text))
    end
  end)

  it("are the same on the fast paths as on the reference path", function()
    local fast, ref = glean.tokenizer(), glean.tokenizer{ reference = true }
    for _, text in ipairs(texts) do
      assert.same(signature(ref(text)), signature(fast(text)))
    end
    local article = support.read_file("examples/article.txt")
    assert.same(signature(ref(article)), signature(fast(article)))
  end)

  it("fall into sentences that partition them", function()
    for _, text in ipairs(texts) do
      local doc = glean.tokenize(text)
      local expect = 1
      for _, first, last in doc:sentences() do
        assert(first == expect and last >= first, ("bad sentence %d-%d in %q"):format(first, last, text))
        expect = last + 1
      end
      assert.equal(#doc + 1, expect)
    end
  end)

  it("are the same whatever the chunking when streamed", function()
    local cli = require "glean.cli"
    local tk = glean.tokenizer()
    local big = {}
    for i = 1, 200 do big[i] = texts[i] end
    local text = table.concat(big, " ")
    local whole = {}
    local doc = tk(text)
    for i = 1, #doc do whole[i] = table.concat({ doc:token(i) }, " ") end
    local saved = cli.chunk_size
    for _, size in ipairs{ 1, 7, 100, 333, 4096 } do
      cli.chunk_size = size
      local got, pos = {}, 1
      local reader = { read = function(_, n)
        if pos > #text then return nil end
        local piece = text:sub(pos, pos + n - 1)
        pos = pos + n
        return piece
      end }
      cli.each_token_chunk(reader, tk, function(d, n, base)
        for i = 1, n do
          local start, stop, kind = d:token(i)
          got[#got + 1] = (base + start) .. " " .. (base + stop) .. " " .. kind
        end
      end)
      assert.same(whole, got)
    end
    cli.chunk_size = saved
  end)
end)
