-- A small JSON Schema validator for the specs: the keywords
-- docs/report-schema.json uses (type, const, enum, pattern, required,
-- properties, additionalProperties, items, minimum, oneOf, anyOf, $ref to
-- "#/$defs/..."). Values are decoded JSON (glean.json, null = json.null).
-- Portable to Lua 5.1-5.4 and LuaJIT.
local json = require "glean.json"

local M = {}

-- Translates the regular expressions the schema uses (anchors, literals,
-- bracket classes, + * ? and {n}) into Lua patterns.
local function lua_pattern(re)
  local out, i = {}, 1
  while i <= #re do
    local c = re:sub(i, i)
    local atom
    if c == "^" and i == 1 then out[#out + 1] = "^"; i = i + 1
    elseif c == "$" and i == #re then out[#out + 1] = "$"; i = i + 1
    else
      if c == "[" then
        local close = re:find("]", i + 1, true)
        if not close then error("unsupported pattern " .. re) end
        atom = re:sub(i, close):gsub("%%", "%%%%")
        i = close + 1
      elseif c:match("[%w%-_ ]") then
        atom = c:match("%w") and c or "%" .. c
        i = i + 1
      else
        error("unsupported pattern " .. re)
      end
      local q = re:sub(i, i)
      if q == "+" or q == "*" or q == "?" then
        out[#out + 1] = atom .. (q == "*" and "*" or q == "+" and "+" or "?")
        i = i + 1
      elseif q == "{" then
        local n, close = re:match("^{(%d+)}()", i)
        if not n then error("unsupported pattern " .. re) end
        out[#out + 1] = atom:rep(tonumber(n))
        i = close
      else
        out[#out + 1] = atom
      end
    end
  end
  return table.concat(out)
end

local function type_of(v)
  if v == json.null or v == nil then return "null" end
  local t = type(v)
  if t == "number" then
    return (v == math.floor(v)) and "integer" or "number"
  elseif t == "table" then
    if getmetatable(v) and getmetatable(v).__jsontype == "array" then return "array" end
    if next(v) == nil then return "object" end
    return #v > 0 and "array" or "object"
  end
  return t
end

local function type_ok(v, want)
  local have = type_of(v)
  if type(want) == "table" then
    for _, w in ipairs(want) do if type_ok(v, w) then return true end end
    return false
  end
  if want == "number" then return have == "number" or have == "integer" end
  if want == "array" and have == "object" and type(v) == "table" and next(v) == nil then
    return true
  end
  return have == want
end

local validate

local function resolve(root, ref)
  local name = ref:match("^#/%$defs/(.+)$")
  local target = name and root["$defs"] and root["$defs"][name]
  if not target then error("unsupported $ref " .. ref) end
  return target
end

function validate(root, schema, v, path, errors)
  if schema["$ref"] then return validate(root, resolve(root, schema["$ref"]), v, path, errors) end
  local function fail(msg) errors[#errors + 1] = path .. ": " .. msg end
  if schema.type and not type_ok(v, schema.type) then
    return fail("expected " .. (type(schema.type) == "table" and table.concat(schema.type, "|")
                or schema.type) .. ", got " .. type_of(v))
  end
  if schema.const ~= nil and v ~= schema.const then
    fail("expected " .. tostring(schema.const))
  end
  if schema.enum then
    local ok = false
    for _, x in ipairs(schema.enum) do if x == v or (x == json.null and v == nil) then ok = true end end
    if not ok then fail("not one of the allowed values: " .. tostring(v)) end
  end
  if schema.pattern and type(v) == "string" and not v:find(lua_pattern(schema.pattern)) then
    fail("'" .. v .. "' does not match " .. schema.pattern)
  end
  if schema.minimum and type(v) == "number" and v < schema.minimum then
    fail(v .. " is below " .. schema.minimum)
  end
  if schema.oneOf or schema.anyOf then
    local list, count = schema.oneOf or schema.anyOf, 0
    for _, s in ipairs(list) do
      local e = {}
      validate(root, s, v, path, e)
      if #e == 0 then count = count + 1 end
    end
    if count == 0 or (schema.oneOf and count > 1) then
      fail((schema.oneOf and "oneOf" or "anyOf") .. ": " .. count .. " alternatives match")
    end
  end
  if type(v) ~= "table" or v == json.null then return end
  if schema.items and type_of(v) == "array" then
    for i, x in ipairs(v) do validate(root, schema.items, x, path .. "[" .. i .. "]", errors) end
  end
  if type_of(v) == "object" then
    for _, k in ipairs(schema.required or {}) do
      if v[k] == nil then fail("missing required field '" .. k .. "'") end
    end
    local props = schema.properties or {}
    for k, x in pairs(v) do
      if props[k] then validate(root, props[k], x, path .. "." .. k, errors)
      elseif schema.additionalProperties == false then fail("unexpected field '" .. tostring(k) .. "'")
      elseif type(schema.additionalProperties) == "table" then
        validate(root, schema.additionalProperties, x, path .. "." .. tostring(k), errors)
      end
    end
  end
end

--- Validates a decoded JSON value: returns true, or nil and the errors.
function M.validate(schema, value)
  local errors = {}
  validate(schema, schema, value, "$", errors)
  if #errors > 0 then return nil, table.concat(errors, "\n") end
  return true
end

M.lua_pattern = lua_pattern
return M
