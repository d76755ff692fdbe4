-- Writes N short synthetic news articles (written from templates here, with
-- made-up names) into a directory, for batch tests and benchmarks of
-- glean extract.
--
--   lua5.4 tools/gen_articles.lua DIR [N [SEED]]
local dir, n, seed = arg[1], tonumber(arg[2] or "1000"), tonumber(arg[3] or "1")
if not dir then
  io.stderr:write("usage: lua5.4 tools/gen_articles.lua DIR [N [SEED]]\n")
  os.exit(2)
end
os.execute("mkdir -p '" .. dir:gsub("'", "'\\''") .. "'")

-- A small deterministic generator (the same articles on every runtime).
local state = seed
local function rand(k)
  state = (state * 1103515245 + 12345) % 2147483648
  return state % k + 1
end
local function pick(list) return list[rand(#list)] end

local given = { "Marta", "Jonas", "Elena", "Tomas", "Ingrid", "Pavel", "Sofia", "Karin",
                "Lukas", "Aino" }
local family = { "Varga", "Berger", "Lund", "Holt", "Rask", "Olsen", "Kell", "Brant", "Moss",
                 "Vane" }
local bodies = { "Harbour Council", "Transport Agency", "River Commission", "Energy Ministry",
                 "Rail Authority", "Water Board" }
local places = { "Oslo", "Lisbon", "Vienna", "Tallinn", "Geneva", "Warsaw", "Helsinki", "Dublin" }
local nations = { "Norwegian", "Portuguese", "Austrian", "Estonian", "Swiss", "Polish", "Finnish" }
local days = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" }
local roles = { "chief executive", "director", "spokesman", "head", "chairman" }
local verbs = { "said", "warned", "added", "told reporters" }
local claims = { "We will not wait any longer", "The plan is not finished",
                 "Nobody wants to pay for it", "This is a good day for the region" }

local pad = string.rep("0", #tostring(n))
for i = 1, n do
  local person = pick(given) .. " " .. pick(family)
  local surname = person:match("(%S+)$")
  local body = pick(nations) .. " " .. pick(bodies)
  local place = pick(places)
  local text = table.concat({
    place:upper() .. ", " .. rand(28) .. " March 2025 — " .. person .. ", the " .. pick(roles)
      .. " of the " .. body .. ", " .. pick(verbs) .. " on " .. pick(days)
      .. " that the talks in " .. place .. " would go on.",
    "",
    "“" .. pick(claims) .. ",” " .. surname .. " said. The " .. body .. " will meet again in "
      .. rand(9) .. " weeks.",
    "",
  }, "\n")
  local name = (pad .. i):sub(-#pad)
  local fh = assert(io.open(dir .. "/article-" .. name .. ".txt", "wb"))
  fh:write(text)
  fh:close()
end
