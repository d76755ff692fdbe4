-- The golden outputs of the report formats (spec/formats_spec.lua,
-- tools/update_golden_formats.lua): each format, with the options given,
-- on the stored report of each example article (spec/golden/NAME.json,
-- decoded, so that these files change only when a format changes) and the
-- article's text (examples/news/NAME.txt).
local M = {}

M.articles = { "harbour", "summit", "wire" }

-- file: the golden file's name under spec/golden/formats/ (%s: the article)
M.outputs = {
  { file = "%s.txt", format = "text" },
  { file = "%s.color.txt", format = "text", opts = { color = true }, only = "harbour" },
  { file = "%s.jsonl", format = "jsonl" },
  { file = "%s.mentions.csv", format = "csv" },
  { file = "%s.entities.csv", format = "csv", opts = { table = "entities" } },
  { file = "%s.quotes.csv", format = "csv", opts = { table = "quotes" } },
  { file = "%s.dates.csv", format = "csv", opts = { table = "dates" } },
  { file = "%s.md", format = "markdown" },
  { file = "%s.html", format = "html", with_text = true },
  { file = "%s.summary.html", format = "html", only = "harbour" },
}

local function read(path)
  local fh = assert(io.open(path, "rb"))
  local s = fh:read("*a")
  fh:close()
  return s
end
M.read = read

--- The stored report and the text of an article.
function M.article(name)
  local json = require "glean.json"
  local report = assert(json.decode(read("spec/golden/" .. name .. ".json")))
  return report, read("examples/news/" .. name .. ".txt")
end

--- The cases: { article, output, path } for every output and article.
function M.cases()
  local out = {}
  for _, o in ipairs(M.outputs) do
    for _, a in ipairs(M.articles) do
      if not o.only or o.only == a then
        out[#out + 1] = { article = a, output = o,
                          path = "spec/golden/formats/" .. o.file:format(a) }
      end
    end
  end
  return out
end

--- What a format renders for a case today.
function M.render(case)
  local report, text = M.article(case.article)
  local opts = {}
  for k, v in pairs(case.output.opts or {}) do opts[k] = v end
  if case.output.with_text then opts.text = text end
  return require("glean.formats." .. case.output.format)(report, opts)
end

return M
