-- Helpers shared by the specs; portable to Lua 5.1-5.4 and LuaJIT.
local M = {}

local char, floor = string.char, math.floor

--- UTF-8 encoding of one code point (the utf8 library is 5.3+ only).
function M.utf8_char(cp)
  if cp < 0x80 then return char(cp) end
  if cp < 0x800 then return char(0xC0 + floor(cp / 0x40), 0x80 + cp % 0x40) end
  if cp < 0x10000 then
    return char(0xE0 + floor(cp / 0x1000), 0x80 + floor(cp / 0x40) % 0x40, 0x80 + cp % 0x40)
  end
  return char(0xF0 + floor(cp / 0x40000), 0x80 + floor(cp / 0x1000) % 0x40,
              0x80 + floor(cp / 0x40) % 0x40, 0x80 + cp % 0x40)
end

--- Decodes strictly valid UTF-8: returns the array of code points, or nil
-- if s is not well-formed.
function M.utf8_codes(s)
  local out, i, n = {}, 1, #s
  while i <= n do
    local c = s:byte(i)
    local len, cp, lo, hi = 1, c, 0x80, 0xBF
    if c >= 0xC2 and c <= 0xDF then len, cp = 2, c - 0xC0
    elseif c >= 0xE0 and c <= 0xEF then
      len, cp = 3, c - 0xE0
      if c == 0xE0 then lo = 0xA0 elseif c == 0xED then hi = 0x9F end
    elseif c >= 0xF0 and c <= 0xF4 then
      len, cp = 4, c - 0xF0
      if c == 0xF0 then lo = 0x90 elseif c == 0xF4 then hi = 0x8F end
    elseif c >= 0x80 then return nil end
    for k = 1, len - 1 do
      local b = s:byte(i + k)
      if not b or b < (k == 1 and lo or 0x80) or b > (k == 1 and hi or 0xBF) then return nil end
      cp = cp * 64 + (b - 0x80)
    end
    out[#out + 1] = cp
    i = i + len
  end
  return out
end

--- Unicode White_Space, plus U+FEFF which glean also skips.
function M.is_white(cp)
  return (cp >= 0x09 and cp <= 0x0D) or cp == 0x20 or cp == 0x85 or cp == 0xA0
    or cp == 0x1680 or (cp >= 0x2000 and cp <= 0x200A) or cp == 0x2028
    or cp == 0x2029 or cp == 0x202F or cp == 0x205F or cp == 0x3000 or cp == 0xFEFF
end

--- Reads a whole file, or returns nil.
function M.read_file(path)
  local fh = io.open(path, "rb")
  if not fh then return nil end
  local data = fh:read("*a")
  fh:close()
  return data
end

--- Writes data to a file (replacing it).
function M.write_file(path, data)
  local fh = assert(io.open(path, "wb"))
  fh:write(data)
  fh:close()
end

--- Writes data to a new temporary file and returns its name.
function M.temp_file(data)
  local name = os.tmpname()
  M.write_file(name, data)
  return name
end

--- Makes a new, empty temporary directory and returns its name.
function M.temp_dir()
  local path = os.tmpname()
  os.remove(path)
  assert(os.execute("mkdir -p '" .. path .. "'"))
  return path
end

--- A deterministic pseudo-random generator (same sequence on every Lua).
function M.rng(seed)
  local state = seed % 2147483647
  if state <= 0 then state = state + 2147483646 end
  return function(n)      -- an integer in [1, n]
    state = (state * 48271) % 2147483647
    return state % n + 1
  end
end

--- The Lua interpreter running the suite, for spawning child processes.
function M.interpreter()
  local i = -1
  while arg and arg[i - 1] do i = i - 1 end
  return arg and arg[i] or "lua5.4"
end

--- The runtime name used for build directories ("lua5.4", "luajit").
function M.runtime()
  if type(jit) == "table" then return "luajit" end
  return "lua" .. _VERSION:match("%d+%.%d+")
end

--- The entity of a news report with a mention of exactly this text (and
-- this label, if given), or nil.
function M.entity_of(report, text, label)
  for _, e in ipairs(report.entities) do
    if not label or e.label == label then
      for _, m in ipairs(e.mentions) do
        if m.text == text then return e end
      end
    end
  end
  return nil
end

--- The texts of an entity's mentions, in order.
function M.mention_texts(e)
  local out = {}
  for _, m in ipairs(e.mentions) do out[#out + 1] = m.text end
  return out
end

return M
