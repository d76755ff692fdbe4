--- Development evaluation of the quotation rules on PolNeAR dev.
-- Usage: lua5.4 tools/eval_quotes.lua [OUT.jsonl] [--errors N]
--
-- Runs the quote phases (lua/glean/news/rules/quotes.lua, alone: no entity
-- phases) over ../shared/eval/polnear/dev_text/*.txt, writes one report
-- per document (schema glean.report/1, quotes only) to OUT (default
-- build/eval_quotes.jsonl), then scores it with
-- ../shared/eval/polnear/score.py. Skips with a message when
-- ../shared/eval is absent. Nothing from PolNeAR is written into the
-- repository (build/ is ignored).
local runtime = rawget(_G, "jit") and "luajit" or "lua" .. _VERSION:match("%d+%.%d+")
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
package.cpath = "build/" .. runtime .. "/?.so;" .. package.cpath

local EVAL = "../shared/eval/polnear"
local RULES = "lua/glean/news/rules/quotes.lua"

local out_path, errors = "build/eval_quotes.jsonl", nil
do
  local i = 1
  while arg[i] do
    if arg[i] == "--errors" then errors = tonumber(arg[i + 1]); i = i + 1
    else out_path = arg[i] end
    i = i + 1
  end
end

local probe = io.open(EVAL .. "/score.py", "r")
if not probe then
  print("eval_quotes: " .. EVAL .. " is absent; skipped")
  os.exit(0)
end
probe:close()

local glean = require "glean"
local json = require "glean.json"
local quotes = require "glean.news.quotes"

local phases = assert(glean.rules.load(RULES, { env = { quotes = quotes } }))
local pipeline = glean.pipeline{ phases = phases }

local function read(path)
  local fh = assert(io.open(path, "rb"))
  local data = fh:read("*a")
  fh:close()
  return data
end

-- The documents, sorted by name.
local files = {}
local ls = assert(io.popen('ls "' .. EVAL .. '/dev_text"'))
for name in ls:lines() do
  if name:match("%.txt$") then files[#files + 1] = EVAL .. "/dev_text/" .. name end
end
ls:close()
table.sort(files)

local out = assert(io.open(out_path, "wb"))
local nquotes, nspeakers = 0, 0
local clock = os.clock()
for _, path in ipairs(files) do
  local text = read(path)
  local doc = pipeline:run(text)
  -- Without the entity phases, each speaker stands for an entity of its
  -- own whose mentions are the speaker span and its antecedent (what the
  -- report's coreference would add).
  local list, entities = {}, {}
  for _, q in ipairs(doc:spans("QUOTE")) do
    local sp, ante = quotes.speaker_of(doc, q)
    local id = json.null
    if sp then
      local mentions = { { start = sp.start, stop = sp.stop, text = sp.text } }
      if ante and ante ~= sp then
        mentions[2] = { start = ante.start, stop = ante.stop, text = ante.text }
      end
      id = "E" .. (#entities + 1)
      entities[#entities + 1] = { id = id, label = "SPEAKER", name = (ante or sp).text,
                                  mentions = mentions }
    end
    list[#list + 1] = {
      start = q.start, stop = q.stop, text = q.text, speaker = id,
      speaker_mention = sp and { start = sp.start, stop = sp.stop } or json.null,
      cue = q.attrs.cue or json.null,
    }
    nquotes = nquotes + 1
    if sp then nspeakers = nspeakers + 1 end
  end
  out:write(json.encode({ schema = "glean.report/1", doc = path, entities = json.array(entities),
                          quotes = json.array(list) }), "\n")
end
out:close()
print(string.format("eval_quotes: %d documents, %d quotes (%d with a speaker) in %.2f s CPU -> %s",
                    #files, nquotes, nspeakers, os.clock() - clock, out_path))
local cmd = "python3 " .. EVAL .. "/score.py " .. EVAL .. "/dev_quotes.jsonl " .. out_path
if errors then cmd = cmd .. " --errors " .. errors end
local ok = os.execute(cmd)
if ok ~= true and ok ~= 0 then os.exit(1) end
