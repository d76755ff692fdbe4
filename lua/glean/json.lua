--- JSON decoding and encoding, in plain Lua (5.1 to 5.4, LuaJIT).
--
-- Decoding follows RFC 8259: objects become tables, arrays become
-- sequences, `null` becomes `json.null`. Encoding writes objects with
-- their keys sorted, so that output is stable; `json.null` and empty tables
-- marked with `json.array` encode as `null` and `[]`.
--
-- @module glean.json
-- @usage
-- local json = require "glean.json"
-- local t = assert(json.decode('{"phrase": "MI6", "label": "ORG"}'))
-- print(json.encode(t))   --> {"label":"ORG","phrase":"MI6"}

local byte, char, find, sub, format = string.byte, string.char, string.find, string.sub,
                                      string.format
local concat, sort = table.concat, table.sort
local floor, huge = math.floor, math.huge
local pairs, ipairs, type, tostring, tonumber, setmetatable, getmetatable, error, pcall =
      pairs, ipairs, type, tostring, tonumber, setmetatable, getmetatable, error, pcall

local M = {}

--- The value of JSON `null`.
M.null = setmetatable({}, { __tostring = function() return "null" end })

local array_mt = { __jsontype = "array" }

--- Marks a table to encode as an array even when empty.
-- @tparam table t
-- @treturn table t
function M.array(t)
  return setmetatable(t or {}, array_mt)
end

-- decoding ----------------------------------------------------------------

local function utf8_encode(cp)
  if cp < 0x80 then return char(cp) end
  if cp < 0x800 then return char(0xC0 + floor(cp / 64), 0x80 + cp % 64) end
  if cp < 0x10000 then
    return char(0xE0 + floor(cp / 4096), 0x80 + floor(cp / 64) % 64, 0x80 + cp % 64)
  end
  return char(0xF0 + floor(cp / 262144), 0x80 + floor(cp / 4096) % 64,
              0x80 + floor(cp / 64) % 64, 0x80 + cp % 64)
end

local ESCAPES = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f",
                  n = "\n", r = "\r", t = "\t" }

local decode_value

local function fail(_, i, msg)
  error({ json = format("%s at byte %d", msg, i) }, 0)
end

local function skip(s, i)
  local _, e = find(s, "^[ \t\r\n]*", i)
  return e + 1
end

local function decode_string(s, i)
  local parts, n = {}, 0
  i = i + 1
  while true do
    local a, b = find(s, '^[^"\\%c]+', i)
    if a then n = n + 1; parts[n] = sub(s, a, b); i = b + 1 end
    local c = sub(s, i, i)
    if c == '"' then return concat(parts), i + 1 end
    if c == "\\" then
      local e = sub(s, i + 1, i + 1)
      if e == "u" then
        local hex = sub(s, i + 2, i + 5)
        if not find(hex, "^%x%x%x%x$") then fail(s, i, "bad \\u escape") end
        local cp = tonumber(hex, 16)
        i = i + 6
        if cp >= 0xD800 and cp <= 0xDBFF then   -- a surrogate pair
          local lo = find(s, "^\\u[dD][c-fC-F]%x%x", i) and tonumber(sub(s, i + 2, i + 5), 16)
          if lo then
            cp = 0x10000 + (cp - 0xD800) * 1024 + (lo - 0xDC00)
            i = i + 6
          else
            cp = 0xFFFD
          end
        elseif cp >= 0xDC00 and cp <= 0xDFFF then
          cp = 0xFFFD
        end
        n = n + 1; parts[n] = utf8_encode(cp)
      elseif ESCAPES[e] then
        n = n + 1; parts[n] = ESCAPES[e]
        i = i + 2
      else
        fail(s, i, "bad escape")
      end
    elseif c == "" then
      fail(s, i, "unterminated string")
    else
      fail(s, i, "control character in string")
    end
  end
end

local function decode_array(s, i, depth)
  local t, n = {}, 0
  i = skip(s, i + 1)
  if sub(s, i, i) == "]" then return M.array(t), i + 1 end
  while true do
    local v
    v, i = decode_value(s, i, depth)
    n = n + 1; t[n] = v
    i = skip(s, i)
    local c = sub(s, i, i)
    if c == "]" then return M.array(t), i + 1 end
    if c ~= "," then fail(s, i, "',' or ']' expected") end
    i = skip(s, i + 1)
  end
end

local function decode_object(s, i, depth)
  local t = {}
  i = skip(s, i + 1)
  if sub(s, i, i) == "}" then return t, i + 1 end
  while true do
    if sub(s, i, i) ~= '"' then fail(s, i, "string key expected") end
    local k
    k, i = decode_string(s, i)
    i = skip(s, i)
    if sub(s, i, i) ~= ":" then fail(s, i, "':' expected") end
    local v
    v, i = decode_value(s, skip(s, i + 1), depth)
    t[k] = v
    i = skip(s, i)
    local c = sub(s, i, i)
    if c == "}" then return t, i + 1 end
    if c ~= "," then fail(s, i, "',' or '}' expected") end
    i = skip(s, i + 1)
  end
end

-- -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][-+]?[0-9]+)?
local function decode_number(s, i)
  local j = i
  if sub(s, j, j) == "-" then j = j + 1 end
  if sub(s, j, j) == "0" then j = j + 1
  else
    local _, e = find(s, "^[1-9]%d*", j)
    if not e then fail(s, i, "bad number") end
    j = e + 1
  end
  if sub(s, j, j) == "." then
    local _, e = find(s, "^%d+", j + 1)
    if not e then fail(s, i, "bad number") end
    j = e + 1
  end
  if find(s, "^[eE]", j) then
    local _, e = find(s, "^[eE][-+]?%d+", j)
    if not e then fail(s, i, "bad number") end
    j = e + 1
  end
  return tonumber(sub(s, i, j - 1)), j
end

local MAX_DEPTH = 200

function decode_value(s, i, depth)
  local c = sub(s, i, i)
  if depth > MAX_DEPTH then fail(s, i, "nested too deeply") end
  if c == "{" then return decode_object(s, i, depth + 1) end
  if c == "[" then return decode_array(s, i, depth + 1) end
  if c == '"' then return decode_string(s, i) end
  if c == "-" or find(c, "^%d") then return decode_number(s, i) end
  if sub(s, i, i + 3) == "true" then return true, i + 4 end
  if sub(s, i, i + 4) == "false" then return false, i + 5 end
  if sub(s, i, i + 3) == "null" then return M.null, i + 4 end
  fail(s, i, c == "" and "unexpected end" or "unexpected character")
end

--- Decodes a JSON text.
-- @tparam string s
-- @return the value, or nil and a message ("... at byte N")
-- @usage local t, err = json.decode(line)
function M.decode(s)
  if type(s) ~= "string" then
    error("bad argument #1 to 'decode' (string expected, got " .. type(s) .. ")", 2)
  end
  local ok, v, i = pcall(decode_value, s, skip(s, 1), 0)
  if not ok then
    if type(v) == "table" and v.json then return nil, v.json end
    error(v, 0)
  end
  i = skip(s, i)
  if i <= #s then return nil, format("trailing characters at byte %d", i) end
  return v
end

-- encoding ----------------------------------------------------------------

local ESCAPE_OUT = { ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
                     ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" }

local function encode_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return ESCAPE_OUT[c] or format("\\u%04x", byte(c))
  end) .. '"'
end

local function is_array(t)
  if getmetatable(t) == array_mt then return true end
  local n = #t
  if n == 0 then return false end
  local count = 0
  for _ in pairs(t) do count = count + 1 end
  return count == n
end

local encode_value

local function encode_number(v)
  if v ~= v or v == huge or v == -huge then return "null" end
  if math.type and math.type(v) == "integer" then return tostring(v) end
  if v == floor(v) and v > -2^53 and v < 2^53 then return format("%d", v) end
  return format("%.17g", v)
end

function encode_value(v, out, indent, level, seen)
  local t = type(v)
  if v == M.null or v == nil then out[#out + 1] = "null"
  elseif t == "boolean" then out[#out + 1] = tostring(v)
  elseif t == "number" then out[#out + 1] = encode_number(v)
  elseif t == "string" then out[#out + 1] = encode_string(v)
  elseif t == "table" then
    if seen[v] then error("cannot encode a table that contains itself", 0) end
    seen[v] = true
    local nl = indent and ("\n" .. indent:rep(level + 1)) or ""
    local close_nl = indent and ("\n" .. indent:rep(level)) or ""
    if is_array(v) then
      if #v == 0 then out[#out + 1] = "[]" else
        out[#out + 1] = "["
        for i = 1, #v do
          if i > 1 then out[#out + 1] = "," end
          out[#out + 1] = nl
          encode_value(v[i], out, indent, level + 1, seen)
        end
        out[#out + 1] = close_nl .. "]"
      end
    else
      local keys = {}
      for k in pairs(v) do
        if type(k) ~= "string" then
          error("cannot encode a table with a " .. type(k) .. " key", 0)
        end
        keys[#keys + 1] = k
      end
      sort(keys)
      if #keys == 0 then out[#out + 1] = "{}" else
        out[#out + 1] = "{"
        for i, k in ipairs(keys) do
          if i > 1 then out[#out + 1] = "," end
          out[#out + 1] = nl .. encode_string(k) .. (indent and ": " or ":")
          encode_value(v[k], out, indent, level + 1, seen)
        end
        out[#out + 1] = close_nl .. "}"
      end
    end
    seen[v] = nil
  else
    error("cannot encode a " .. t, 0)
  end
end

--- Encodes a value as JSON.
-- @param v a table, string, number, boolean or json.null
-- @tparam[opt] table opts `indent` (a string, e.g. "  ") for pretty output
-- @treturn string
-- @usage print(json.encode({ b = 1, a = { 1, 2 } }))   --> {"a":[1,2],"b":1}
function M.encode(v, opts)
  local out = {}
  encode_value(v, out, opts and opts.indent, 0, {})
  return concat(out)
end

return M
