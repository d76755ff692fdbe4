--- The `json` report format: the report as pretty-printed JSON, keys in a
-- stable (sorted) order.
-- @module glean.formats.json
-- @usage io.write(require("glean.formats.json")(report))

local json = require "glean.json"

--- Renders a report as JSON.
-- @tparam table report
-- @tparam[opt] table opts `indent` (default two spaces)
-- @treturn string the JSON text, ending with a newline
-- @usage io.write(require("glean.formats.json")(report, { indent = "\t" }))
return function(report, opts)
  return json.encode(report, { indent = opts and opts.indent or "  " }) .. "\n"
end
