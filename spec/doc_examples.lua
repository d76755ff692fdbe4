-- Runs the examples of a Markdown document (README.md, docs/guide/*.md), so
-- that they cannot rot; used by spec/readme_spec.lua and spec/guide_spec.lua.
--
-- - ```lua blocks run in this process; each `print(...) --> value` line must
--   print that value (compared with runs of white space made one space).
-- - ```sh blocks run with `sh -e` in a scratch directory that links every
--   top-level entry of the repository (so `examples/news/harbour.txt` is
--   there) and keeps the files the blocks create; `glean` is
--   `lua5.4 bin/glean`. Every command must succeed.
-- - A block whose first line is `# not run` (sh) or `-- not run` (lua) is
--   shown, not run.
-- - A block right after a line `<!-- file: NAME -->` is not run: it is
--   written to NAME in the scratch directory before the document's sh
--   blocks run (a rule file, a format module, a phrase list they use).
local support = require "support"

local M = {}

--- The fenced code blocks of a Markdown text, in order: `{lang = "lua",
-- code = "...", line = n, file = NAME or nil, skip = boolean}`.
function M.blocks(text)
  local blocks, open, previous, n = {}, nil, nil, 0
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    n = n + 1
    if open then
      if line:match("^%s*```%s*$") then
        local code = table.concat(open.lines, "\n") .. "\n"
        local first = code:match("^[^\n]*")
        blocks[#blocks + 1] = {
          lang = open.lang, code = code, line = open.line, file = open.file,
          skip = first:match("^%s*#%s*not run") ~= nil or first:match("^%s*%-%-%s*not run") ~= nil,
        }
        open = nil
      else
        open.lines[#open.lines + 1] = line:sub(open.indent + 1)
      end
    else
      local indent, lang = line:match("^(%s*)```%s*([%w_%-]*)%s*$")
      if indent then
        open = { lang = lang, line = n, lines = {}, indent = #indent,
                 file = previous and previous:match("^%s*<!%-%-%s*file:%s*(%S+)%s*%-%->%s*$") }
      end
      if line:find("%S") then previous = line end
    end
  end
  assert(not open, "an unclosed ``` block at line " .. (open and open.line or 0))
  return blocks
end

local function squash(s) return (s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")) end

--- Runs a Lua block; returns the values its `print(...) --> value` lines
-- should print and the values they printed, in order.
function M.run_lua(code, name)
  local expected, printed = {}, {}
  for line in code:gmatch("[^\n]+") do
    local want = line:match("^%s*print%b().-%-%->%s*(.-)%s*$")
    if want then expected[#expected + 1] = squash(want) end
  end
  local env = setmetatable({}, { __index = _G })
  local current = {}
  env.print = function(...)
    local parts = {}
    for k = 1, select("#", ...) do parts[k] = tostring((select(k, ...))) end
    current[#current + 1] = table.concat(parts, " ")
  end
  env.io = setmetatable({ write = function() end }, { __index = io })
  -- record, for each print marked with -->, the line it printed
  local marked = code:gsub("(\n?)([ \t]*)print(%b())([^\n]-%-%->)", function(nl, ind, args, rest)
    return nl .. ind .. "__mark(" .. args:sub(2, -2) .. ")" .. rest
  end)
  env.__mark = function(...)
    env.print(...)
    printed[#printed + 1] = squash(current[#current])
  end
  local chunk
  if setfenv then
    chunk = assert(loadstring(marked, "=" .. name))
    setfenv(chunk, env)
  else
    chunk = assert(load(marked, "=" .. name, "t", env))
  end
  chunk()
  return expected, printed
end

local function quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local function exec(command)
  local a, b, c = os.execute(command)
  if type(a) == "number" then return a == 0, a end      -- Lua 5.1, LuaJIT without 5.2 mode
  return a == true and b == "exit" and c == 0, c
end

--- A scratch directory for the sh blocks of one document: `:write(name,
-- text)`, `:run(code)` (true, or false and the output), `:remove()`.
function M.scratch(interpreter)
  local root = assert(io.popen("pwd")):read("*l")
  local dir = os.tmpname()
  os.remove(dir)
  assert(exec("mkdir " .. quote(dir) .. " && cd " .. quote(dir)
              .. " && for f in " .. quote(root) .. "/*; do ln -s \"$f\" .; done"))
  local self = { dir = dir }
  function self.write(_, name, text)
    assert(not name:find("/") and not name:find("^%."), "file blocks are plain names: " .. name)
    local fh = assert(io.open(dir .. "/" .. name, "wb"))
    fh:write(text)
    fh:close()
  end
  function self.run(_, code)
    local script = table.concat({
      "cd " .. quote(dir) .. " || exit 97",
      "glean() { " .. interpreter .. " " .. quote(root .. "/bin/glean") .. " \"$@\"; }",
      "set -e",
      code,
    }, "\n")
    local path = support.temp_file(script)
    local out = os.tmpname()
    local ok, status = exec("sh " .. quote(path) .. " >" .. quote(out) .. " 2>&1")
    os.remove(path)
    local output = support.read_file(out) or ""
    os.remove(out)
    if ok then return true end
    return false, "exit status " .. tostring(status) .. ":\n" .. output:sub(-3000)
  end
  function self.remove()
    exec("rm -rf " .. quote(dir))
  end
  return self
end

--- Whether a sh block may run here: no make, luarocks, apt-get or sudo
-- (the build and the suite are not the examples' business).
function M.safe_shell(code)
  for line in code:gmatch("[^\n]+") do
    for _, word in ipairs{ "make", "luarocks", "apt%-get", "sudo" } do
      if line:find("^%s*" .. word .. "%f[%s]") or line:find("[;&|]%s*" .. word .. "%f[%s]") then
        return false
      end
    end
  end
  return true
end

--- Whether this run is the one that runs the sh blocks (the Lua 5.4 one:
-- they run `lua5.4 bin/glean`, the same whatever runtime runs the suite).
function M.runs_shell()
  return _VERSION == "Lua 5.4" and not rawget(_G, "jit")
end

--- Declares the busted tests of one document; `bt` holds the spec's
-- `describe`, `it`, `teardown` and `assert` (busted gives them to spec
-- files only).
function M.describe_document(path, bt)
  local describe, it, teardown, assert = bt.describe, bt.it, bt.teardown, bt.assert
  local text = assert(support.read_file(path), "cannot read " .. path)
  local blocks = M.blocks(text)
  local lua_n, sh_n = 0, 0
  for _, b in ipairs(blocks) do
    if not b.file and not b.skip then
      if b.lang == "lua" then lua_n = lua_n + 1 elseif b.lang == "sh" then sh_n = sh_n + 1 end
    end
  end
  describe(path .. " examples", function()
    local scratch
    for _, b in ipairs(blocks) do
      -- (a file block is written for the sh blocks: nothing to run on its own)
      if b.lang == "lua" and not b.file and not b.skip then
        it("lua block at line " .. b.line .. " runs and prints what it says", function()
          local expected, printed = M.run_lua(b.code, path .. ":" .. b.line)
          assert.are.same(expected, printed)
        end)
      elseif b.lang == "sh" and not b.file and not b.skip then
        if M.runs_shell() then
          it("sh block at line " .. b.line .. " succeeds", function()
            assert(M.safe_shell(b.code), path .. ":" .. b.line .. ": a block that runs make, "
                   .. "luarocks, apt-get or sudo must start with '# not run'")
            if not scratch then
              scratch = M.scratch("lua5.4")
              for _, f in ipairs(blocks) do
                if f.file then scratch:write(f.file, f.code) end
              end
            end
            local ok, err = scratch:run(b.code)
            assert(ok, path .. ":" .. b.line .. ": " .. tostring(err))
          end)
        end
      end
    end
    teardown(function() if scratch then scratch:remove() end end)
  end)
  return lua_n, sh_n, blocks
end

return M
