--- The report as pretty-printed JSON, keys in a stable (sorted) order.
--
-- The report as it is (docs/report-schema.json), with one repair: a string
-- that is not well-formed UTF-8 (the input had bad bytes) has each bad byte
-- replaced by U+FFFD, so that the output is always valid JSON; offsets are
-- unchanged.
-- @module glean.formats.json
-- @usage io.write(require("glean.formats.json")(report))

local json = require "glean.json"
local base = require "glean.formats.base"

--- Renders a report as JSON.
-- @tparam table report
-- @tparam[opt] table opts `indent` (default two spaces)
-- @treturn string the JSON text, ending with a newline
-- @usage io.write(require("glean.formats.json")(report, { indent = "\t" }))
return function(report, opts)
  report, opts = base.check(report, opts, "json")
  return json.encode(base.utf8_deep(report), { indent = opts.indent or "  " }) .. "\n"
end
