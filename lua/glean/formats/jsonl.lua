--- The `jsonl` report format: one compact JSON line per report, for
-- batches (one report per input document).
-- @module glean.formats.jsonl
-- @usage io.write(require("glean.formats.jsonl")(report))

local json = require "glean.json"

--- Renders a report as one line of JSON.
-- @tparam table report
-- @treturn string the JSON text and a newline
-- @usage for _, r in ipairs(reports) do io.write(jsonl(r)) end
return function(report)
  return json.encode(report) .. "\n"
end
