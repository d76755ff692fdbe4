-- A small HTML reader for the specs and tools/browser_check.lua: checks that
-- tags balance (a tag stack), that attributes are well quoted, and (strict)
-- that text holds no raw '>' and no '&' that does not start a character
-- reference; returns the element tree with each element's text content.
-- Not a full HTML parser: it reads what glean's html format writes and what
-- Chromium's --dump-dom serialises.
local M = {}

local VOID = {}
for t in ("area base br col embed hr img input link meta source track wbr"):gmatch("%S+") do
  VOID[t] = true
end
local RAW = { script = true, style = true, textarea = true, title = true }

local function utf8_char(cp)
  local char, floor = string.char, math.floor
  if cp < 0x80 then return char(cp) end
  if cp < 0x800 then return char(0xC0 + floor(cp / 64), 0x80 + cp % 64) end
  if cp < 0x10000 then
    return char(0xE0 + floor(cp / 4096), 0x80 + floor(cp / 64) % 64, 0x80 + cp % 64)
  end
  return char(0xF0 + floor(cp / 262144), 0x80 + floor(cp / 4096) % 64,
              0x80 + floor(cp / 64) % 64, 0x80 + cp % 64)
end

local NAMED = { amp = "&", lt = "<", gt = ">", quot = '"', apos = "'", nbsp = "\194\160" }

--- Decodes character references (named ones above, decimal, hexadecimal).
function M.decode(s)
  return (s:gsub("&(#?[%w]+);", function(ref)
    if ref:sub(1, 1) == "#" then
      local n = ref:sub(2, 2):lower() == "x" and tonumber(ref:sub(3), 16) or tonumber(ref:sub(2))
      return n and utf8_char(n) or nil
    end
    return NAMED[ref]
  end))
end

local function check_text(s, at, strict)
  if not strict then return end
  local gt = s:find(">", 1, true)
  if gt then error(("raw '>' in text at byte %d"):format(at + gt - 1), 0) end
  for amp in s:gmatch("()&") do
    if not s:find("^&#?%w+;", amp) then
      error(("'&' that starts no character reference at byte %d"):format(at + amp - 1), 0)
    end
  end
end

local function parse_attrs(s, at)
  local attrs, i = {}, 1
  while true do
    i = s:find("[^%s]", i)
    if not i then break end
    local name, e = s:match("^([^%s\"'>/=]+)()", i)
    if not name then
      if s:sub(i) == "/" then break end
      error(("bad attribute syntax at byte %d: %s"):format(at, s:sub(i, i + 40)), 0)
    end
    name = name:lower()
    i = e
    local v
    local eq = s:match("^%s*=%s*()", i)
    if eq then
      local q = s:sub(eq, eq)
      if q == '"' or q == "'" then
        local close = s:find(q, eq + 1, true)
        if not close then error(("unterminated attribute value at byte %d"):format(at), 0) end
        v = s:sub(eq + 1, close - 1)
        i = close + 1
        if s:find("^[^%s/]", i) then
          error(("attribute %s: text after its closing quote at byte %d"):format(name, at), 0)
        end
      else
        local val, e2 = s:match("^([^%s\"'=<>`]+)()", eq)
        if not val then error(("bad unquoted value of %s at byte %d"):format(name, at), 0) end
        v, i = val, e2
      end
      if v:find("<", 1, true) then
        error(("raw '<' in attribute %s at byte %d"):format(name, at), 0)
      end
      v = M.decode(v)
    else
      v = ""
    end
    if attrs[name] ~= nil then error(("attribute %s twice at byte %d"):format(name, at), 0) end
    attrs[name] = v
  end
  return attrs
end

--- Parses s; returns the root { tag = "#root", children = {...} } or nil and
-- a message. Elements: { tag, attrs, children, parent, text (decoded text
-- content, descendants included), raw (the content of raw text elements) }.
-- opts.strict: text must not hold a raw '>' or a stray '&'.
function M.parse(s, opts)
  local strict = opts and opts.strict
  local root = { tag = "#root", attrs = {}, children = {}, parts = {} }
  local stack = { root }
  local function add_text(t)
    for k = 1, #stack do local p = stack[k].parts; p[#p + 1] = t end
  end
  local ok, err = pcall(function()
    local i, n = 1, #s
    while i <= n do
      local lt = s:find("<", i, true)
      local text = s:sub(i, (lt or n + 1) - 1)
      if #text > 0 then
        check_text(text, i, strict)
        add_text(M.decode(text))
      end
      if not lt then break end
      if s:sub(lt, lt + 3) == "<!--" then
        local e = s:find("-->", lt + 4, true)
        if not e then error(("unterminated comment at byte %d"):format(lt), 0) end
        i = e + 3
      elseif s:sub(lt, lt + 1) == "<!" then
        local e = s:find(">", lt, true)
        if not e then error(("unterminated declaration at byte %d"):format(lt), 0) end
        i = e + 1
      elseif s:sub(lt, lt + 1) == "</" then
        local name, e = s:match("^</([%w]+)%s*>()", lt)
        if not name then error(("bad end tag at byte %d"):format(lt), 0) end
        name = name:lower()
        local top = stack[#stack]
        if top.tag ~= name then
          error(("</%s> at byte %d closes <%s>"):format(name, lt, top.tag), 0)
        end
        top.text = table.concat(top.parts)
        stack[#stack] = nil
        i = e
      else
        local name = s:match("^<([%a][%w%-]*)", lt)
        if not name then
          if strict then error(("raw '<' in text at byte %d"):format(lt), 0) end
          add_text("<")
          i = lt + 1
        else
          -- the end of the tag: the first '>' outside quotes
          local j, q = lt + 1 + #name, nil
          while true do
            local c = s:sub(j, j)
            if c == "" then error(("unterminated tag <%s at byte %d"):format(name, lt), 0) end
            if q then
              if c == q then q = nil end
            elseif c == '"' or c == "'" then q = c
            elseif c == ">" then break end
            j = j + 1
          end
          local attrs = parse_attrs(s:sub(lt + 1 + #name, j - 1), lt)
          name = name:lower()
          local el = { tag = name, attrs = attrs, children = {}, parent = stack[#stack],
                       parts = {}, at = lt }
          local parent = stack[#stack]
          parent.children[#parent.children + 1] = el
          i = j + 1
          if VOID[name] or s:sub(j - 1, j - 1) == "/" then
            el.text = ""
          elseif RAW[name] then
            local close = s:lower():find("</" .. name, i, true)
            if not close then error(("unterminated <%s> at byte %d"):format(name, lt), 0) end
            el.raw = s:sub(i, close - 1)
            local txt = name == "title" or name == "textarea"
            if txt then check_text(el.raw, i, strict) end
            el.text = txt and M.decode(el.raw) or ""
            if txt then add_text(el.text) end
            local e = s:match("^</%a+%s*>()", close)
            if not e then error(("bad end tag at byte %d"):format(close), 0) end
            i = e
          else
            stack[#stack + 1] = el
          end
        end
      end
    end
    if #stack > 1 then
      error(("<%s> at byte %d is never closed"):format(stack[#stack].tag, stack[#stack].at), 0)
    end
    root.text = table.concat(root.parts)
  end)
  if not ok then return nil, err end
  return root
end

--- Every element under node (document order) for which pred(el) is true.
function M.all(node, pred, out)
  out = out or {}
  for _, c in ipairs(node.children) do
    if pred(c) then out[#out + 1] = c end
    M.all(c, pred, out)
  end
  return out
end

--- Whether an element's class attribute has the given class.
function M.has_class(el, class)
  local c = el.attrs and el.attrs.class
  if not c then return false end
  for word in c:gmatch("%S+") do
    if word == class then return true end
  end
  return false
end

return M
