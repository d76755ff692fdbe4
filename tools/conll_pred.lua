-- Turns glean reports (JSON Lines, one per CoNLL-2003 document) into the
-- prediction lines ../shared/eval/conll2003/score.py reads: one entity
-- mention per line, types mapped PERSON->PER, ORG->ORG, LOC->LOC,
-- NORP and MISC->MISC, offsets 0-based with an exclusive end.
--
--   lua5.4 tools/conll_pred.lua REPORTS.jsonl > PRED.jsonl
--
-- CoNLL annotates outermost names only, so mentions nested in another
-- mention are left out, as are speakers known only by a description.
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
local json = require "glean.json"

local TYPES = { PERSON = "PER", ORG = "ORG", LOC = "LOC", NORP = "MISC", MISC = "MISC" }

local input = arg[1] and assert(io.open(arg[1], "rb")) or io.stdin
for line in input:lines() do
  if line:find("%S") then
    local report = assert(json.decode(line))
    local doc = tostring(report.doc):match("([^/]+)%.txt$") or tostring(report.doc)
    local spans = {}
    for _, e in ipairs(report.entities) do
      local kind = e.attrs and e.attrs.kind
      if TYPES[e.label] and kind ~= "description" then
        for _, m in ipairs(e.mentions) do
          spans[#spans + 1] = { start = m.start, stop = m.stop, type = TYPES[e.label],
                                text = m.text }
        end
      end
    end
    table.sort(spans, function(a, b)
      if a.start ~= b.start then return a.start < b.start end
      return a.stop > b.stop
    end)
    local reach = 0
    for _, s in ipairs(spans) do
      if s.start > reach then        -- not inside the mention before
        io.write(json.encode({ doc = doc, start_byte = s.start - 1, end_byte = s.stop,
                               type = s.type, text = s.text }), "\n")
        reach = s.stop
      end
    end
  end
end
