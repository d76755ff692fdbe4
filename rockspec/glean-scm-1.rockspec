rockspec_format = "3.0"
package = "glean"
version = "scm-1"
source = {
  url = "git+https://example.invalid/glean.git",
}
description = {
  summary = "Fast information extraction from text, with a C core",
  detailed = [[
glean tokenises text (Unicode-correct, UAX #29 based, with byte offsets),
splits sentences, and extracts entities, quotations and dates with rules
written in Lua. The heavy work is done in C.
]],
  license = "MIT",
  homepage = "https://example.invalid/glean",
  labels = { "nlp", "text", "unicode", "tokenizer" },
}
dependencies = {
  "lua >= 5.1, < 5.5",
  "lpeg >= 1.0",
}
build = {
  type = "builtin",
  modules = {
    ["glean.core"] = {
      sources = {
        "csrc/abbrev.c",
        "csrc/gazetteer.c",
        "csrc/ldoc.c",
        "csrc/lgazetteer.c",
        "csrc/lglean.c",
        "csrc/lpattern.c",
        "csrc/lsandbox.c",
        "csrc/match.c",
        "csrc/normalize.c",
        "csrc/pattern.c",
        "csrc/segment.c",
        "csrc/tokenize.c",
        "csrc/unicode_data.c",
      },
      incdirs = { "csrc" },
    },
    ["glean"] = "lua/glean/init.lua",
    ["glean.batch"] = "lua/glean/batch.lua",
    ["glean.cli"] = "lua/glean/cli.lua",
    ["glean.gazetteer"] = "lua/glean/gazetteer.lua",
    ["glean.formats.base"] = "lua/glean/formats/base.lua",
    ["glean.formats.csv"] = "lua/glean/formats/csv.lua",
    ["glean.formats.html"] = "lua/glean/formats/html.lua",
    ["glean.formats.json"] = "lua/glean/formats/json.lua",
    ["glean.formats.jsonl"] = "lua/glean/formats/jsonl.lua",
    ["glean.formats.markdown"] = "lua/glean/formats/markdown.lua",
    ["glean.formats.text"] = "lua/glean/formats/text.lua",
    ["glean.json"] = "lua/glean/json.lua",
    ["glean.news.dates"] = "lua/glean/news/dates.lua",
    ["glean.news.rules.dates"] = "lua/glean/news/rules/dates.lua",
    ["glean.news"] = "lua/glean/news/init.lua",
    ["glean.news.coref"] = "lua/glean/news/coref.lua",
    ["glean.news.lexicon"] = "lua/glean/news/lexicon.lua",
    ["glean.news.quotes"] = "lua/glean/news/quotes.lua",
    ["glean.news.report"] = "lua/glean/news/report.lua",
    ["glean.news.rules.entities"] = "lua/glean/news/rules/entities.lua",
    ["glean.news.rules.quotes"] = "lua/glean/news/rules/quotes.lua",
    ["glean.news.rules.roles"] = "lua/glean/news/rules/roles.lua",
    ["glean.pattern"] = "lua/glean/pattern.lua",
    ["glean.rules"] = "lua/glean/rules.lua",
    ["glean.sandbox"] = "lua/glean/sandbox.lua",
    ["glean.sandbox_lpeg"] = "lua/glean/sandbox_lpeg.lua",
    ["glean.spans"] = "lua/glean/spans.lua",
  },
  install = {
    bin = { glean = "bin/glean" },
    -- the compiled lexicons (make data), beside glean/news/lexicon.lua
    lua = {
      ["glean.news.data.news"] = "build/data/news.glz",
      ["glean.news.data.words"] = "build/data/words.glz",
      ["glean.news.data.common"] = "build/data/common.tsv",
    },
  },
  copy_directories = { "examples" },
}
test = {
  type = "busted",
}
