-- The Doc object: indexing, iteration, ranges, lifetime.
local glean = require "glean"

describe("Doc", function()
  local text = "Sir Richard Moore warned. Putin listened."
  local doc = glean.tokenize(text)

  it("has a length: the number of tokens", function()
    assert.equal(8, #doc)
  end)

  it("gives start, stop and kind of a token without a table", function()
    local start, stop, kind = doc:token(3)
    assert.same({ 13, 17, "word" }, { start, stop, kind })
    assert.equal("Moore", text:sub(start, stop))
  end)

  it("counts negative indexes from the end", function()
    assert.same({ doc:token(8) }, { doc:token(-1) })
    assert.equal(".", doc[-1].text)
    assert.equal("Sir", doc[-8].text)
  end)

  it("returns nil outside the tokens", function()
    assert.is_nil(doc:token(0))
    assert.is_nil(doc:token(9))
    assert.is_nil(doc:token(-9))
    assert.is_nil(doc[0])
    assert.is_nil(doc[9])
    assert.is_nil(doc[1.5])
    assert.is_nil(doc[1e300])
    assert.is_nil(doc[-1e300])
  end)

  it("looks up methods by name, and nothing else", function()
    assert.is_function(doc.tokens)
    assert.is_nil(doc.nonexistent)
  end)

  it("iterates over all tokens", function()
    local seen = {}
    for i, start, stop, kind in doc:tokens() do
      seen[#seen + 1] = { i, text:sub(start, stop), kind }
    end
    assert.equal(8, #seen)
    assert.same({ 4, "warned", "word" }, seen[4])
    assert.same({ 8, ".", "punct" }, seen[8])
  end)

  it("iterates over a range of tokens, clamped like string.sub", function()
    local got = {}
    for i in doc:tokens(2, 4) do got[#got + 1] = i end
    assert.same({ 2, 3, 4 }, got)
    got = {}
    for i in doc:tokens(-2) do got[#got + 1] = i end
    assert.same({ 7, 8 }, got)
    got = {}
    for i in doc:tokens(0, 100) do got[#got + 1] = i end
    assert.equal(8, #got)
    for _ in doc:tokens(5, 4) do error("empty range must not iterate") end
  end)

  it("iterates over sentences with their first and last token", function()
    local got = {}
    for s, first, last in doc:sentences() do got[#got + 1] = { s, first, last } end
    assert.same({ { 1, 1, 5 }, { 2, 6, 8 } }, got)
  end)

  it("returns the text of a token or a range", function()
    assert.equal("Moore", doc:text(3))
    assert.equal("Richard Moore warned", doc:text(2, 4))
    assert.equal("listened.", doc:text(-2, -1))
    assert.equal(text, doc:text(1, -1))
    assert.equal("", doc:text(5, 2))
    assert.equal(text, doc:text(-100, 100))
  end)

  it("returns the byte span of a token or a range", function()
    assert.same({ 5, 17 }, { doc:span(2, 3) })
    assert.same({ 13, 17 }, { doc:span(3) })
    assert.is_nil(doc:span(4, 3))
  end)

  it("returns its source text", function()
    assert.equal(text, doc:source())
  end)

  it("keeps its text alive", function()
    local d
    do
      local s = ("word "):rep(1000) .. tostring(os.time())
      d = glean.tokenize(s)
    end
    collectgarbage()
    collectgarbage()
    assert.equal(1001, #d)
    assert.equal("word", d:text(1000))
  end)

  it("has a readable tostring", function()
    assert.matches("^glean.Doc %(8 tokens, 2 sentences%)", tostring(doc))
  end)

  it("can be closed early, after which it refuses use", function()
    local d = glean.tokenize("one two")
    d:close()
    assert.matches("closed", tostring(d))
    local ok, err = pcall(function() return #d end)
    assert.is_false(ok)
    assert.matches("closed glean.Doc", err)
    assert.has_error(function() d:token(1) end)
    assert.has_error(function() return d[1] end)
    d:close()   -- closing twice is harmless
  end)

  it("stops an iteration when closed mid-way", function()
    local d = glean.tokenize("a b c")
    assert.has_error(function()
      for i in d:tokens() do if i == 2 then d:close() end end
    end)
  end)

  it("is closed by a to-be-closed variable (Lua 5.4)", function()
    if _VERSION ~= "Lua 5.4" then return pending("needs Lua 5.4") end
    local chunk = assert((loadstring or load)([[
      local glean = ...
      local kept
      do
        local d <close> = glean.tokenize("x y")
        kept = d
      end
      return tostring(kept)
    ]]))
    assert.matches("closed", chunk(glean))
  end)

  it("rejects a non-integer index in methods", function()
    assert.has_error(function() doc:token("x") end)
    assert.has_error(function() doc:text(nil) end)
  end)

  it("rejects calls on something that is not a Doc", function()
    local ok, err = pcall(doc.token, {}, 1)
    assert.is_false(ok)
    assert.matches("glean.Doc expected", err)
  end)
end)

-- The C methods recognise their Doc by comparing its metatable with one
-- they carry (not by luaL_checkudata); every misuse must still raise the
-- usual error naming argument 1.
describe("Doc methods misused", function()
  local core = require "glean.core"
  local c_methods = {
    "token", "tokens", "sentences", "sentence", "sentence_count", "sentence_of",
    "text", "span", "lower", "norm", "shape", "source", "stable_prefix", "locate",
  }
  local doc = glean.tokenize("Sir Richard Moore warned. Putin listened.")
  local mt = getmetatable(doc)

  -- err names argument 1 (or, in Lua 5.4, the bad self of a method call)
  -- and says what.
  local function assert_misuse(what, ok, err)
    assert.is_false(ok)
    assert.is_string(err)
    assert.is_truthy(err:find("bad argument #1", 1, true) or err:find("bad self", 1, true),
                     "argument not named: " .. err)
    assert.is_truthy(err:find(what, 1, true), "'" .. what .. "' not in: " .. err)
  end

  local not_docs = {
    ["a table"] = {}, ["a number"] = 42, ["a string"] = "text", ["a boolean"] = true,
    ["a tokenizer"] = glean.tokenizer(), ["a gazetteer"] = glean.gazetteer(),
  }

  for label, x in pairs(not_docs) do
    it("rejects " .. label .. " as self, through core.doc_methods and a Doc's methods", function()
      for _, name in ipairs(c_methods) do
        assert_misuse("glean.Doc expected", pcall(core.doc_methods[name], x, 1, 1))
        assert_misuse("glean.Doc expected", pcall(doc[name], x, 1, 1))
      end
      assert_misuse("glean.Doc expected", pcall(core.doc_methods.close, x))
      assert_misuse("glean.Doc expected", pcall(mt.__len, x))
      assert_misuse("glean.Doc expected", pcall(mt.__tostring, x))
      assert_misuse("glean.Doc expected", pcall(mt.__index, x, 1))
      assert_misuse("glean.Doc expected", pcall(mt.__index, x, "text"))
    end)
  end

  it("rejects no self at all", function()
    assert_misuse("glean.Doc expected, got no value", pcall(core.doc_methods.text))
    assert_misuse("glean.Doc expected, got nil", pcall(doc.token, nil, 1))
  end)

  it("rejects a table given the Doc metatable", function()
    local fake = setmetatable({}, mt)
    -- its __gc would be Doc's, raising when the table is collected
    finally(function() setmetatable(fake, nil) end)
    for _, name in ipairs(c_methods) do
      assert_misuse("glean.Doc expected", pcall(core.doc_methods[name], fake, 1, 1))
    end
    assert_misuse("glean.Doc expected", pcall(function() return fake:text(1) end))
    assert_misuse("glean.Doc expected", pcall(function() return fake[1] end))
    assert_misuse("glean.Doc expected", pcall(mt.__len, fake))
    assert_misuse("glean.Doc expected", pcall(mt.__tostring, fake))
    assert_misuse("glean.Doc expected", pcall(core.doc_methods.close, fake))
  end)

  it("rejects a closed Doc, in method syntax and through core.doc_methods", function()
    local d = glean.tokenize("one two. three")
    local text = d.text
    d:close()
    for _, name in ipairs(c_methods) do
      assert_misuse("attempt to use a closed glean.Doc", pcall(function() return d[name](d, 1, 1) end))
      assert_misuse("attempt to use a closed glean.Doc", pcall(core.doc_methods[name], d, 1, 1))
    end
    assert_misuse("attempt to use a closed glean.Doc", pcall(text, d, 1))
    assert_misuse("attempt to use a closed glean.Doc", pcall(function() return #d end))
    assert_misuse("attempt to use a closed glean.Doc", pcall(function() return d[1] end))
    -- methods still resolve, closing again and tostring still work
    assert.equal(core.doc_methods.text, d.text)
    assert.has_no_error(function() d:close() end)
    assert.matches("^glean%.Doc %(closed%)", tostring(d))
  end)

  it("stops a sentence iteration when closed mid-way", function()
    local d = glean.tokenize("One. Two. Three.")
    local ok, err = pcall(function()
      for s in d:sentences() do if s == 2 then d:close() end end
    end)
    assert.is_false(ok)
    assert.matches("closed glean%.Doc", err)
  end)

  it("gives the same results through core.doc_methods and a Doc's methods", function()
    local other = glean.tokenize("Alpha beta gamma.")
    local text = doc.text       -- taken from one Doc, used on another
    assert.equal("beta gamma", text(other, 2, 3))
    assert.equal("Sir Richard", core.doc_methods.text(doc, 1, 2))
    assert.same({ 5, 17 }, { core.doc_methods.span(doc, 2, 3) })
    assert.equal("alpha", core.doc_methods.lower(other, 1))
    assert.equal(other:source(), core.doc_methods.source(other))
    local got = {}
    for i in core.doc_methods.tokens(other, 2) do got[#got + 1] = i end
    assert.same({ 2, 3, 4 }, got)
  end)
end)

describe("Doc:stable_prefix", function()
  it("settles nothing in a short text", function()
    local d = glean.tokenize("short text")
    assert.same({ 0, 1 }, { d:stable_prefix() })
  end)

  it("settles tokens that end well before the end, restarting after a space", function()
    local text = ("alpha beta "):rep(100)
    local d = glean.tokenize(text)
    local n, resume = d:stable_prefix()
    assert.is_true(n > 0 and n < #d)
    assert.equal(select(1, d:token(n + 1)), resume)
    assert.is_true(resume <= #text - 256)
    assert.equal(" ", text:sub(resume - 1, resume - 1))
  end)
end)
