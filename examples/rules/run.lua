-- Runs the example rule file over a sentence and prints the spans, the
-- links and the explanation. From the repository root:
--   lua5.4 examples/rules/run.lua [file]
-- (after `make`, with package paths as `make demo` sets them).
local glean = require "glean"

local here = (arg and arg[0] or ""):match("^(.*[/\\])") or "./"
local phases = assert(glean.rules.load(here .. "people.lua"))
local path = arg and arg[1] or here .. "sentence.txt"
local fh = assert(io.open(path, "rb"))
local text = fh:read("*a")
fh:close()

local doc = glean.pipeline{ phases = phases }:run(text, { explain = true })

print("Spans:")
for _, s in ipairs(doc:spans()) do
  local attrs = {}
  for k, v in pairs(s.attrs) do attrs[#attrs + 1] = k .. "=" .. tostring(v) end
  table.sort(attrs)
  print(("  %-7s %-22s %s"):format(s.label, s.text, table.concat(attrs, " ")))
end
print("Links:")
for _, l in ipairs(doc:links()) do
  print(("  %s -%s-> %s"):format(l.from.text, l.kind, l.to.text))
end
print("Explanation:")
io.write(doc:explain())
