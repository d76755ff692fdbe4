--- One compact JSON line per report, for batches.
--
-- The same JSON as the `json` format (invalid UTF-8 repaired, keys
-- sorted), on one line: one report per input document, so that a batch is
-- a JSON Lines file.
-- @module glean.formats.jsonl
-- @usage io.write(require("glean.formats.jsonl")(report))

local json = require "glean.json"
local base = require "glean.formats.base"

--- Renders a report as one line of JSON.
-- @tparam table report
-- @tparam[opt] table opts none used
-- @treturn string the JSON text and a newline
-- @usage for _, r in ipairs(reports) do io.write(jsonl(r)) end
return function(report, opts)
  report = base.check(report, opts, "jsonl")
  return json.encode(base.utf8_deep(report)) .. "\n"
end
