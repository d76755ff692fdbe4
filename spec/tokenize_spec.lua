-- The tokeniser: tricky cases, kinds, flags, folded forms, options.
local glean = require "glean"
local support = require "support"

local U = support.utf8_char

-- The token texts of text, optionally with "/kind" appended.
local function texts(text, opts, with_kind)
  local doc = glean.tokenize(text, opts)
  local out = {}
  for i, start, stop, kind in doc:tokens() do
    out[i] = text:sub(start, stop) .. (with_kind and ("/" .. kind) or "")
  end
  return out
end

local function kinds(text, opts) return texts(text, opts, true) end

describe("tokenize: tricky cases", function()
  local cases = {
    { "possessive, curly apostrophe", "Putin’s speech", { "Putin", "’s", "speech" } },
    { "possessive, straight apostrophe", "Putin's speech", { "Putin", "'s", "speech" } },
    { "contraction n't", "don't go", { "do", "n't", "go" } },
    { "contraction, curly, capitals", "DON’T", { "DO", "N’T" } },
    { "contractions 'm 're 've 'll 'd", "I'm we're they've she'll he'd",
      { "I", "'m", "we", "'re", "they", "'ve", "she", "'ll", "he", "'d" } },
    { "names with apostrophes stay whole", "O'Neill and rock'n'roll",
      { "O'Neill", "and", "rock'n'roll" } },
    { "plural possessive apostrophe", "the Ukrainians’ hopes",
      { "the", "Ukrainians", "’", "hopes" } },
    { "pre-tokenised clitics", "Japan 's exports do n't", { "Japan", "'s", "exports", "do", "n't" } },
    { "curly double quotes", "“absolutely no evidence”",
      { "“/punct", "absolutely/word", "no/word", "evidence/word", "”/punct" }, true },
    { "straight quotes", [[he said "yes"]], { "he", "said", '"', "yes", '"' } },
    { "guillemets", "«Oui»", { "«", "Oui", "»" } },
    { "em dashes", "he — and many others — underestimated",
      { "he", "—", "and", "many", "others", "—", "underestimated" } },
    { "hyphenated words split at the hyphen", "long-term", { "long", "-", "term" } },
    { "MI6", "agency MI6 (aka", { "agency/word", "MI6/word", "(/punct", "aka/word" }, true },
    { "percentages", "3.5%", { "3.5/number", "%/punct" }, true },
    { "thousands and decimals", "1,250.5 tonnes", { "1,250.5/number", "tonnes/word" }, true },
    { "currency", "$5bn", { "$/symbol", "5bn/word" }, true },
    { "dates stay in parts", "2025-09-19", { "2025", "-", "09", "-", "19" } },
    { "initialisms", "the U.S. and the U.K.", { "the", "U.S.", "and", "the", "U.K." } },
    { "titles", "Mr. Smith and Dr. Jones", { "Mr.", "Smith", "and", "Dr.", "Jones" } },
    { "e.g. and i.e.", "e.g. this, i.e. that", { "e.g.", "this", ",", "i.e.", "that" } },
    { "initials", "J. K. Rowling", { "J.", "K.", "Rowling" } },
    { "the pronoun I is no initial", "so did I. Then", { "so", "did", "I", ".", "Then" } },
    { "a sentence-final word keeps its period apart", "He went home.",
      { "He", "went", "home", "." } },
    { "ellipsis", "wait... what", { "wait", "...", "what" } },
    { "double hyphen", "yes--no", { "yes", "--", "no" } },
    { "URL with query, final period excluded", "See https://example.com/a?b=1&c=2.",
      { "See/word", "https://example.com/a?b=1&c=2/url", "./punct" }, true },
    { "URL with balanced parentheses", "(https://en.wikipedia.org/wiki/Foo_(bar))",
      { "(", "https://en.wikipedia.org/wiki/Foo_(bar)", ")" } },
    { "www URL", "visit www.example.org/news now",
      { "visit/word", "www.example.org/news/url", "now/word" }, true },
    { "e-mail address", "mail jane.doe+news@example.co.uk.",
      { "mail/word", "jane.doe+news@example.co.uk/email", "./punct" }, true },
    { "e-mail with hyphens", "x first-last@mail.example.com y",
      { "x/word", "first-last@mail.example.com/email", "y/word" }, true },
    { "an @ without a domain is no e-mail", "a@b", { "a", "@", "b" } },
    { "handles are not e-mails", "@glean", { "@", "glean" } },
    { "emoji with a skin tone", "ok " .. U(0x1F44D) .. U(0x1F3FD),
      { "ok/word", U(0x1F44D) .. U(0x1F3FD) .. "/emoji" }, true },
    { "ZWJ family", U(0x1F468) .. U(0x200D) .. U(0x1F469) .. U(0x200D) .. U(0x1F467),
      { U(0x1F468) .. U(0x200D) .. U(0x1F469) .. U(0x200D) .. U(0x1F467) .. "/emoji" }, true },
    { "two flags", U(0x1F1EC) .. U(0x1F1E7) .. U(0x1F1EB) .. U(0x1F1F7),
      { U(0x1F1EC) .. U(0x1F1E7), U(0x1F1EB) .. U(0x1F1F7) } },
    { "keycap", "1" .. U(0xFE0F) .. U(0x20E3), { "1" .. U(0xFE0F) .. U(0x20E3) .. "/emoji" }, true },
    { "text-style pictographs are symbols", U(0xA9) .. " 2025", { U(0xA9) .. "/symbol", "2025/number" }, true },
    { "CJK ideographs one by one", "東京都", { "東", "京", "都" } },
    { "katakana runs stay together", "カタカナ語", { "カタカナ", "語" } },
    { "Hangul words", "서울 시장", { "서울", "시장" } },
    { "combining marks stay with their letter", "e" .. U(0x301) .. "cole",
      { "e" .. U(0x301) .. "cole/word" }, true },
    { "Hebrew", "שלום עולם", { "שלום", "עולם" } },
    { "Hebrew acronym with gershayim", "צה\"ל", { "צה\"ל" } },
    { "Arabic", "مرحبا بالعالم", { "مرحبا", "بالعالم" } },
    { "invalid byte between words", "ab\255cd", { "ab/word", "\255/invalid", "cd/word" }, true },
    { "truncated sequence is one invalid token", "x\226\130",
      { "x/word", "\226\130/invalid" }, true },
    { "overlong encoding: two invalid tokens", "\192\128", { "\192/invalid", "\128/invalid" }, true },
    { "surrogate encoding is invalid", "\237\160\128", { "\237/invalid", "\160/invalid", "\128/invalid" }, true },
    { "tab and no-break space separate tokens", "a\tb" .. U(0xA0) .. "c", { "a", "b", "c" } },
    { "byte order mark is whitespace", U(0xFEFF) .. "Hello", { "Hello" } },
    { "no trailing newline", "The end", { "The", "end" } },
    { "CRLF line ends", "one\r\ntwo\r\n", { "one", "two" } },
  }
  for _, c in ipairs(cases) do
    it(c[1], function()
      assert.same(c[3], texts(c[2], nil, c[4]))
    end)
  end

  it("gives no tokens and no sentences for the empty string", function()
    local doc = glean.tokenize("")
    assert.equal(0, #doc)
    assert.equal(0, doc:sentence_count())
    assert.is_nil(doc[1])
  end)

  it("ends the last token at the last byte", function()
    local doc = glean.tokenize("The end")
    local _, stop = doc:token(-1)
    assert.equal(7, stop)
  end)

  it("keeps offsets exact after invalid bytes", function()
    local text = "\255\254 Moore"
    local doc = glean.tokenize(text)
    local start, stop = doc:token(-1)
    assert.equal("Moore", text:sub(start, stop))
  end)
end)

describe("tokenize: token views", function()
  local doc = glean.tokenize("Sir richard Moore, head of MI6, said “no” 3 times.")
  local function find(text)
    for i = 1, #doc do if doc[i].text == text then return doc[i] end end
  end

  it("carry text, offsets, kind and index", function()
    local t = doc[3]
    assert.same({ "Moore", 13, 17, "word", 3 }, { t.text, t.start, t.stop, t.kind, t.index })
  end)

  it("flag capitalised, upper-case and lower-case words", function()
    assert.is_true(find("Moore").is_title)
    assert.is_false(find("Moore").is_upper)
    assert.is_true(find("MI6").is_upper)
    assert.is_false(find("MI6").is_title)
    assert.is_true(find("richard").is_lower)
    assert.is_true(find("richard").is_alpha)
    assert.is_false(find("MI6").is_alpha)
  end)

  it("flag digits, punctuation, quotes and brackets", function()
    assert.is_true(find("3").is_digit)
    assert.is_true(find(",").is_punct)
    assert.is_false(find(",").is_quote)
    assert.is_true(find("“").is_quote)
    assert.is_true(glean.tokenize("(x)")[1].is_bracket)
    assert.is_false(find("“").is_bracket)
  end)

  it("record the space after a token", function()
    assert.is_false(find("Moore").space_after)
    assert.is_true(find("Sir").space_after)
  end)

  it("mark sentence starts and number sentences", function()
    local d = glean.tokenize("One. Two.")
    assert.is_true(d[1].is_sentence_start)
    assert.is_false(d[2].is_sentence_start)
    assert.is_true(d[3].is_sentence_start)
    assert.same({ 1, 1, 2, 2 }, { d[1].sentence, d[2].sentence, d[3].sentence, d[4].sentence })
  end)

  it("mark abbreviations and clitics", function()
    local d = glean.tokenize("Mr. Putin’s")
    assert.is_true(d[1].is_abbrev)
    assert.is_true(d[3].is_clitic)
    assert.is_false(d[2].is_clitic)
  end)

  it("single capitals are title case and upper case", function()
    local t = glean.tokenize("A")[1]
    assert.is_true(t.is_title)
    assert.is_true(t.is_upper)
  end)

  it("judge title case from the first letter after digits", function()
    assert.is_true(glean.tokenize("3Com")[1].is_title)
    assert.is_false(glean.tokenize("3COM")[1].is_title)
    assert.is_false(glean.tokenize("1990s")[1].is_title)
  end)

  it("tell whether a token has lower-case or upper-case letters", function()
    local d = glean.tokenize("iPhone MI6 the 42 Éric")
    assert.same({ true, true }, { d[1].has_lower, d[1].has_upper })
    assert.same({ false, true }, { d[2].has_lower, d[2].has_upper })
    assert.same({ true, false }, { d[3].has_lower, d[3].has_upper })
    assert.same({ false, false }, { d[4].has_lower, d[4].has_upper })
    assert.same({ true, true }, { d[5].has_lower, d[5].has_upper })
  end)

  it("call McDonald capitalised and iPhone neither", function()
    assert.is_true(glean.tokenize("McDonald")[1].is_title)
    local t = glean.tokenize("iPhone")[1]
    assert.is_false(t.is_title)
    assert.is_false(t.is_upper)
    assert.is_false(t.is_lower)
  end)
end)

describe("tokenize: folded forms and shapes", function()
  local function view(text) return glean.tokenize(text)[1] end

  it("lower is the full case folding", function()
    assert.equal("i" .. U(0x307) .. "stanbul", view("İstanbul").lower)
    assert.equal("strasse", view("STRASSE").lower)
    assert.equal("strasse", view("Straße").lower)
    assert.equal("finance", view(U(0xFB01) .. "nance").lower)
  end)

  it("norm also folds accents, in Latin, Greek and Cyrillic", function()
    assert.equal("istanbul", view("İstanbul").norm)
    assert.equal("ecole", view("École").norm)
    assert.equal("ecole", view("e" .. U(0x301) .. "cole").norm)
    assert.equal("αθηνα", view("Αθήνα").norm)
    assert.equal("елка", view("Ёлка").norm)
    assert.equal("lodz", view("Łódź").norm)
    assert.equal("zelenskyy", view("ZELENSKYY").norm)
  end)

  it("norm unifies apostrophes, quotes and dashes", function()
    assert.equal("'s", glean.tokenize("Putin’s")[2].norm)
    assert.equal('"', view("“").norm)
    assert.equal('"', view("»").norm)
    assert.equal("-", view("—").norm)
    assert.equal("...", view("…").norm)
  end)

  it("norm maps full-width forms to ASCII", function()
    assert.equal("abc1", view("ＡＢＣ１").norm)
  end)

  it("keeps malformed bytes unchanged in folded forms", function()
    local t = view("\255")
    assert.equal("\255", t.lower)
    assert.equal("\255", t.norm)
  end)

  it("shapes collapse runs after four", function()
    assert.equal("Xxxxx", view("Zelenskyy").shape)
    assert.equal("XXd", view("MI6").shape)
    assert.equal("X.X.", view("U.S.").shape)
    assert.equal("x.x.", view("e.g.").shape)
    assert.equal("d,ddd.d", view("1,250.5").shape)
    assert.equal("Xxxxx", view("Éric").shape .. "x")
  end)

  it("offers the forms without a view table", function()
    local doc = glean.tokenize("Straße MI6")
    assert.equal("strasse", doc:norm(1))
    assert.equal("mi6", doc:lower(2))
    assert.equal("XXd", doc:shape(2))
    assert.is_nil(doc:norm(3))
  end)
end)

describe("tokenize: sentences", function()
  local function sentences(text, opts)
    local doc = glean.tokenize(text, opts)
    local out = {}
    for s, first, last in doc:sentences() do out[s] = doc:text(first, last) end
    return out
  end

  it("split after full stops, question and exclamation marks", function()
    assert.same({ "It rained.", "Did it?", "Yes!" }, sentences("It rained. Did it? Yes!"))
  end)

  it("do not split after titles and initials", function()
    assert.same({ "Mr. J. K. Rowling spoke.", "Then she left." },
                sentences("Mr. J. K. Rowling spoke. Then she left."))
  end)

  it("split after an initialism only before a sentence opener", function()
    assert.same({ "U.S. President Trump spoke." }, sentences("U.S. President Trump spoke."))
    assert.same({ "It grew in the U.S.", "The rest fell." },
                sentences("It grew in the U.S. The rest fell."))
  end)

  it("end a heading without a full stop at a blank line", function()
    assert.same({ "Shifting focus to defence partnerships", "While NATO met, talks went on." },
                sentences("Shifting focus to defence partnerships\n\nWhile NATO met, talks went on."))
  end)

  it("end a heading followed by a capitalised line", function()
    assert.same({ "Markets", "Stocks rose." }, sentences("Markets\nStocks rose."))
  end)

  it("join hard-wrapped lines", function()
    assert.same({ "The minister said that\nthe funds would arrive." },
                sentences("The minister said that\nthe funds would arrive."))
    assert.same({ "The minister said that", "the funds would arrive." },
                sentences("The minister said that\nthe funds would arrive.", { hard_wraps = false }))
  end)

  it("keep closing quotes with their sentence", function()
    assert.same({ "“We are ready.”", "Then she left." },
                sentences("“We are ready.” Then she left."))
  end)

  it("continue after a quoted question when a lower-case word follows", function()
    assert.same({ "“Why?” he asked.", "“Stop!”", "The man left." },
                sentences("“Why?” he asked. “Stop!” The man left."))
  end)

  it("split a quote that closes with a different mark", function()
    local text = "“He cannot succeed,\" Moore said. \"Bluntly, he has lost.”"
    assert.same({ "“He cannot succeed,\" Moore said.", "\"Bluntly, he has lost.”" },
                sentences(text))
  end)

  it("leave a single URL's inner question mark alone", function()
    assert.same({ "See https://x.org/a?Q=1 now." }, sentences("See https://x.org/a?Q=1 now."))
  end)

  it("give sentence bounds by number", function()
    local doc = glean.tokenize("One. Two three.")
    assert.equal(2, doc:sentence_count())
    assert.same({ 3, 5 }, { doc:sentence(2) })
    assert.same({ 3, 5 }, { doc:sentence(-1) })
    assert.is_nil(doc:sentence(3))
    assert.equal(2, doc:sentence_of(4))
  end)
end)

describe("tokenize: options", function()
  it("keep_space makes whitespace runs tokens", function()
    assert.same({ "a/word", " /space", "b/word", "\n\n/newline", "c/word" },
                kinds("a b\n\nc", { keep_space = true }))
  end)

  it("keep_space merges a whole run of mixed whitespace", function()
    assert.same({ "a", " \t ", "b" }, texts("a \t b", { keep_space = true }))
  end)

  it("clitics = false keeps words whole", function()
    assert.same({ "Putin’s", "don't" }, texts("Putin’s don't", { clitics = false }))
  end)

  it("abbreviations = false splits the period off", function()
    assert.same({ "Mr", ".", "Smith" }, texts("Mr. Smith", { abbreviations = false }))
  end)

  it("a list of abbreviations adds to the built-in ones", function()
    local opts = { abbreviations = { "Approx.", "Cllr." } }
    assert.same({ "Cllr.", "Jones", "and", "Mr.", "Smith" }, texts("Cllr. Jones and Mr. Smith", opts))
  end)

  it("matches capitalised headlines against the abbreviation list", function()
    assert.same({ "MR.", "SMITH" }, texts("MR. SMITH"))
  end)

  it("initials = false splits single capitals from their period", function()
    assert.same({ "J", ".", "Rowling" }, texts("J. Rowling", { initials = false }))
  end)

  it("urls = false and emails = false leave the parts", function()
    assert.same({ "http", ":", "//", "x.org" }, texts("http://x.org", { urls = false }))
    assert.same({ "a", "@", "x.org" }, texts("a@x.org", { emails = false }))
  end)

  it("numbers = false splits separators", function()
    assert.same({ "1", ",", "250", ".", "5" }, texts("1,250.5", { numbers = false }))
  end)

  it("emoji = false reports emoji as symbols", function()
    assert.same({ U(0x1F44D) .. "/symbol" }, kinds(U(0x1F44D), { emoji = false }))
  end)

  it("sentences = false skips sentence boundaries", function()
    local doc = glean.tokenize("One. Two.", { sentences = false })
    assert.equal(4, #doc)
    assert.equal(0, doc:sentence_count())
    assert.is_nil(doc[3].sentence)
    assert.is_false(doc[3].is_sentence_start)
    assert.is_nil(doc:sentence_of(3))
    for _ in doc:sentences() do error("no sentences expected") end
  end)

  it("punct_runs = false keeps each character apart", function()
    assert.same({ "wait", ".", ".", "." }, texts("wait...", { punct_runs = false }))
  end)

  it("glean.tokenizer validates once and is reusable", function()
    local tk = glean.tokenizer{ clitics = false }
    assert.same({ "it's" }, texts("it's", tk))
    assert.equal(2, #tk("a b"))
    assert.equal(2, #tk:tokenize("a b"))
    assert.is_false(tk:options().clitics)
    assert.is_true(tk:options().urls)
    assert.matches("^glean.Tokenizer", tostring(tk))
  end)

  it("rejects unknown options, naming them", function()
    local ok, err = pcall(glean.tokenize, "x", { clitic = true })
    assert.is_false(ok)
    assert.matches("unknown option 'clitic'", err)
  end)

  it("rejects options of the wrong type, naming them", function()
    local ok, err = pcall(glean.tokenizer, { urls = "yes" })
    assert.is_false(ok)
    assert.matches("bad option 'urls' %(boolean expected, got string%)", err)
    ok, err = pcall(glean.tokenizer, { abbreviations = { "Dr" } })
    assert.is_false(ok)
    assert.matches("abbreviations", err)
  end)

  it("rejects a text that is not a string", function()
    local ok, err = pcall(glean.tokenize, 42)
    assert.is_false(ok)
    assert.matches("bad argument #1 to 'tokenize' %(string expected, got number%)", err)
    ok, err = pcall(glean.tokenize, "x", "fast")
    assert.is_false(ok)
    assert.matches("bad argument #2", err)
  end)

  it("lists the built-in abbreviations", function()
    local list = glean.abbreviations()
    assert.equal("prefix", list["Mr."])
    assert.equal("plain", list["Inc."])
    assert.is_nil(list["U.S."])   -- initialisms are recognised by pattern
  end)
end)
