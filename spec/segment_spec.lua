-- UAX #29 conformance: replays Unicode's own WordBreakTest.txt and
-- SentenceBreakTest.txt (Debian's unicode-data package), one test per case.
local glean = require "glean"
local support = require "support"

local UCD = os.getenv("GLEAN_UCD") or "/usr/share/unicode"

-- Parses a *BreakTest.txt line ("÷ 0041 × 0308 ÷ 0020 ÷") into the text and
-- the 1-based byte offsets where segments start.
local function parse_case(line)
  local data, comment = line:match("^([^#]*)#?%s*(.*)$")
  if not data:find("÷") then return nil end
  local parts, starts, pos, mark = {}, {}, 1, nil
  for field in data:gmatch("%S+") do
    if field == "÷" or field == "×" then
      mark = field
    else
      if mark == "÷" then starts[#starts + 1] = pos end
      local ch = support.utf8_char(tonumber(field, 16))
      parts[#parts + 1] = ch
      pos = pos + #ch
    end
  end
  return table.concat(parts), starts, comment
end

local function replay(file, kind, expected_cases)
  local path = UCD .. "/auxiliary/" .. file
  local fh = io.open(path, "r")
  if not fh then
    pending(file .. " not found in " .. UCD .. " (install unicode-data)")
    return
  end
  local n = 0
  for line in fh:lines() do
    local text, starts, comment = parse_case(line)
    if text then
      n = n + 1
      local case = n
      it(("case %d: %s"):format(case, comment:sub(1, 60)), function()
        assert.same(starts, glean.segments(text, kind))
      end)
    end
  end
  fh:close()
  it("replays all " .. expected_cases .. " cases of " .. file, function()
    assert.equal(expected_cases, n)
  end)
end

describe("UAX #29 word boundaries (WordBreakTest.txt)", function()
  replay("WordBreakTest.txt", "word", 1823)
end)

describe("UAX #29 sentence boundaries (SentenceBreakTest.txt)", function()
  replay("SentenceBreakTest.txt", "sentence", 502)
end)

describe("glean.segments", function()
  it("returns no segments for the empty string", function()
    assert.same({}, glean.segments("", "word"))
    assert.same({}, glean.segments("", "sentence"))
  end)

  it("counts spaces and punctuation as word segments", function()
    assert.same({ 1, 3, 4, 5, 8 }, glean.segments("Hi, you.", "word"))
  end)

  it("splits sentences after terminators and paragraph separators", function()
    local text = "He left. She stayed.\nThe end"
    assert.same({ 1, 10, 22 }, glean.segments(text, "sentence"))
  end)

  it("treats each maximal invalid subsequence as one character", function()
    -- \226\130 (E2 82) is a truncated 3-byte sequence: one segment, then 'A'
    assert.same({ 1, 3, 4 }, glean.segments("\226\130A\255", "word"))
  end)

  it("rejects a bad kind and a missing text with errors naming the argument", function()
    assert.has_error(function() glean.segments("x", "line") end)
    local ok, err = pcall(glean.segments, nil, "word")
    assert.is_false(ok)
    assert.matches("bad argument #1", err)
  end)
end)
