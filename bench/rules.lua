--- Rules benchmark: a rule file of 100 token rules and 10 LPeg text rules
-- (bench/rules/news100.lua) over a news corpus, one document at a time.
-- Usage: lua5.4 bench/rules.lua [--trusted] [FILE [REPEATS]]
--        lua5.4 bench/rules.lua --sample [N] [FILE]
-- FILE defaults to ../shared/corpus/news.txt (documents separated by an
-- empty line); REPEATS to 5. Times `pipeline:run(document)` (and closing
-- the Doc) over every document, CPU time, median of REPEATS; file reading
-- and splitting are not timed. To show where the time goes, the pipelines
-- of the rule file's first 0, 1, 2, ... phases are timed too (0 phases:
-- tokenising alone), in the same rounds; each phase's cost is the
-- difference between consecutive medians. Then: spans and links per label,
-- spans per MB, peak RSS. --sample prints the first N (default 20) spans of
-- each label and links of each kind instead. The rule file is loaded as a
-- user's file is by default (`glean.rules.load(path)`: sandboxed, every
-- call of its code and every LPeg match of its patterns under limits);
-- --trusted loads it as the host's own (`{ trusted = true }`: no limits),
-- which times the engine alone. Runs on Lua 5.1 to 5.4 and LuaJIT, with
-- glean.core from build/<runtime>/.
local runtime = rawget(_G, "jit") and "luajit" or "lua" .. _VERSION:match("%d+%.%d+")
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
package.cpath = "build/" .. runtime .. "/?.so;" .. package.cpath
package.path = "bench/?.lua;" .. package.path
local timing = require "bench"
local glean = require "glean"

local RULES = "bench/rules/news100.lua"
local DEFAULT = "../shared/corpus/news.txt"

local sample, trusted
local args = {}
do
  local i = 1
  while arg[i] do
    if arg[i] == "--trusted" then
      trusted = true
    elseif arg[i] == "--sample" then
      sample = 20
      if tonumber(arg[i + 1]) then sample = tonumber(arg[i + 1]); i = i + 1 end
    else
      args[#args + 1] = arg[i]
    end
    i = i + 1
  end
end
local path, repeats = args[1] or DEFAULT, tonumber(args[2] or "5")

local text, docs = timing.documents(path, "bench/rules")
local mb = #text / 1e6

local phases = assert(glean.rules.load(RULES, { trusted = trusted }))
local nrules = 0
for _, ph in ipairs(phases) do nrules = nrules + #ph.rules end
if nrules == 0 then error("bench/rules: glean.rules.load(\"" .. RULES .. "\") gave no rules") end

local median = timing.median

local function run_all(pipeline)
  for i = 1, #docs do
    local doc = pipeline:run(docs[i])
    doc:close()
  end
end

local function peak_rss_mb()
  local status = io.open("/proc/self/status")
  if not status then return nil end
  local hwm = status:read("*a"):match("VmHWM:%s*(%d+)")
  status:close()
  return hwm and tonumber(hwm) / 1024
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  return keys
end

local pipeline = glean.pipeline{ phases = phases }

if sample then
  -- The first `sample` spans of each label and links of each kind.
  local spans, links, nspans, nlinks = {}, {}, {}, {}
  local function attrs_string(attrs)
    local out = {}
    for _, k in ipairs(sorted_keys(attrs)) do out[#out + 1] = k .. "=" .. tostring(attrs[k]) end
    return #out > 0 and " {" .. table.concat(out, ", ") .. "}" or ""
  end
  for i = 1, #docs do
    local doc = pipeline:run(docs[i])
    for _, s in ipairs(doc:spans()) do
      local list = spans[s.label] or {}
      spans[s.label] = list
      nspans[s.label] = (nspans[s.label] or 0) + 1
      if #list < sample then
        list[#list + 1] = ("  %5d  %-40s %s%s"):format(i, ("%q"):format(s.text):gsub("\\\n", " "),
                                                      s.rule, attrs_string(s.attrs))
      end
    end
    for _, l in ipairs(doc:links()) do
      local list = links[l.kind] or {}
      links[l.kind] = list
      nlinks[l.kind] = (nlinks[l.kind] or 0) + 1
      if #list < sample then
        list[#list + 1] = ("  %5d  %q -%s-> %q"):format(i, l.from.text, l.kind, l.to.text)
      end
    end
    doc:close()
  end
  for _, label in ipairs(sorted_keys(spans)) do
    print(("== %s: %d spans; the first %d (document, text, rule, attributes)")
          :format(label, nspans[label], #spans[label]))
    print(table.concat(spans[label], "\n"))
  end
  for _, kind in ipairs(sorted_keys(links)) do
    print(("== links %s: %d; the first %d"):format(kind, nlinks[kind], #links[kind]))
    print(table.concat(links[kind], "\n"))
  end
  os.exit(0)
end

-- The numbers of token rules and text rules of a phase.
local function rule_kinds(ph)
  local tk, tx = 0, 0
  for _, r in ipairs(ph.rules) do
    if r.kind == "token" then tk = tk + 1 else tx = tx + 1 end
  end
  return tk, tx
end

-- The rule set.
local ntoken, ntext = 0, 0
local rows = {}
for _, ph in ipairs(phases) do
  local tk, tx = rule_kinds(ph)
  ntoken, ntext = ntoken + tk, ntext + tx
  rows[#rows + 1] = ("  %-10s overlap %-9s %3d token rules  %2d text rules")
                    :format(ph.name, ph.overlap, tk, tx)
end
print(("rule set: %s, %d phases, %d token rules, %d text rules%s")
      :format(RULES, #phases, ntoken, ntext,
              (ntoken == 100 and ntext == 10) and "" or " (the benchmark wants 100 and 10)"))
print(table.concat(rows, "\n"))
print(("input: %s, %.1f MB, %d documents; %s; rule file loaded %s"):format(path, mb, #docs,
      runtime == "luajit" and rawget(_G, "jit").version or _VERSION,
      trusted and "trusted (no sandbox limits)" or "untrusted (sandboxed, the default)"))

-- What the whole pipeline finds (an untimed run, which also warms up).
local labels, kinds, nspans, nlinks = {}, {}, 0, 0
for i = 1, #docs do
  local doc = pipeline:run(docs[i])
  for _, s in ipairs(doc:spans()) do
    labels[s.label] = (labels[s.label] or 0) + 1
    nspans = nspans + 1
  end
  for _, l in ipairs(doc:links()) do
    kinds[l.kind] = (kinds[l.kind] or 0) + 1
    nlinks = nlinks + 1
  end
  doc:close()
end

-- Pipelines of the first k phases, k = 0 .. #phases, timed in turn in each
-- round.
local prefixes = {}
for k = 0, #phases do
  local list = {}
  for j = 1, k do list[j] = phases[j] end
  prefixes[k + 1] = { pipeline = glean.pipeline{ phases = list }, times = {} }
end
for r = 1, repeats do
  for _, p in ipairs(prefixes) do
    collectgarbage()
    collectgarbage()
    local t0 = os.clock()
    run_all(p.pipeline)
    p.times[r] = os.clock() - t0
  end
end

print(("\npipeline:run per document, CPU time, median of %d:"):format(repeats))
local total = median(prefixes[#prefixes].times)
local previous = 0
local split = { tokenize = 0, ["text rules"] = 0, ["token rules"] = 0, ["mixed phases"] = 0 }
for k, p in ipairs(prefixes) do
  local t = median(p.times)
  local name, what, part = "tokenize (no phases)", "", "tokenize"
  if k > 1 then
    local tk, tx = rule_kinds(phases[k - 1])
    name = "+ " .. phases[k - 1].name
    if tk == 0 then what, part = ("(%d text rules)"):format(tx), "text rules"
    elseif tx == 0 then what, part = ("(%d token rules)"):format(tk), "token rules"
    else what, part = ("(%d token, %d text rules)"):format(tk, tx), "mixed phases" end
  end
  print(("  %-22s %-18s %6.3f s  %6.1f MB/s   this step %6.3f s (%2.0f%%)")
        :format(name, what, t, mb / t, t - previous, 100 * (t - previous) / total))
  split[part] = split[part] + (t - previous)
  previous = t
end
local parts = {}
for _, part in ipairs{ "tokenize", "text rules", "token rules", "mixed phases" } do
  if split[part] ~= 0 then
    parts[#parts + 1] = ("%s %.0f%%"):format(part, 100 * split[part] / total)
  end
end
print("split: " .. table.concat(parts, ", "))
print(("whole pipeline: %.1f MB/s (%.3f s, %.1f k documents/s)")
      :format(mb / total, total, #docs / total / 1e3))

print(("\nspans: %d (%.0f per MB); links: %d"):format(nspans, nspans / mb, nlinks))
local out = {}
for _, l in ipairs(sorted_keys(labels)) do out[#out + 1] = l .. " " .. labels[l] end
print("  " .. table.concat(out, ", "))
out = {}
for _, k in ipairs(sorted_keys(kinds)) do out[#out + 1] = k .. " " .. kinds[k] end
print("  links: " .. table.concat(out, ", "))
local rss = peak_rss_mb()
if rss then print(("peak RSS: %.1f MB (input %.1f MB)"):format(rss, mb)) end
