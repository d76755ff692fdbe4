-- glean extract over many documents: inputs (files, directories, JSON
-- Lines), worker processes in input order, progress, explain and formats.
local batch = require "glean.batch"
local cli = require "glean.cli"
local json = require "glean.json"
local support = require "support"

local temp_dir, write = support.temp_dir, support.write_file

local function run(argv, stdin_text)
  local out, err = {}, {}
  local stdin = io.tmpfile()
  stdin:write(stdin_text or "")
  stdin:seek("set")
  local code = cli.main(argv, {
    stdin = stdin,
    stdout = { write = function(_, ...) for _, s in ipairs{ ... } do out[#out + 1] = s end end },
    stderr = { write = function(_, ...) for _, s in ipairs{ ... } do err[#err + 1] = s end end },
  })
  stdin:close()
  return code, table.concat(out), table.concat(err)
end

-- The program itself (workers need a command to run).
local function program(args)
  local p = assert(io.popen(support.interpreter() .. " bin/glean " .. args .. " 2>&1"))
  local out = p:read("*a")
  local ok, _, code = p:close()
  if type(ok) == "number" then code = ok end
  return out, code or (ok and 0 or 1)
end

describe("batch.documents", function()
  it("reads files, directories (recursively, by glob) and skips what it cannot read", function()
    local dir = temp_dir()
    assert(os.execute("mkdir " .. dir .. "/sub"))
    write(dir .. "/b.txt", "two")
    write(dir .. "/sub/a.txt", "one")
    write(dir .. "/notes.md", "not me")
    local seen = {}
    for doc in batch.documents({ dir, dir .. "/missing.txt" }) do
      seen[#seen + 1] = doc.text and (doc.name:sub(#dir + 2) .. "=" .. doc.text)
                        or ("error " .. doc.name:match("[^/]+$"))
    end
    assert.same({ "b.txt=two", "sub/a.txt=one", "error missing.txt" }, seen)
    seen = {}
    for doc in batch.documents({ dir }, { glob = "*.md" }) do seen[#seen + 1] = doc.text end
    assert.same({ "not me" }, seen)
    os.execute("rm -rf " .. dir)
  end)

  it("reads JSON Lines: a text field, an id field, and bad lines reported", function()
    local path = support.temp_file('{"id": "a", "body": "Alpha"}\n\n{"body": "Beta"}\n'
                                   .. '{"id": 3}\nnot json\n')
    local seen = {}
    for doc in batch.documents({ path }, { input = "jsonl", text_field = "body" }) do
      seen[#seen + 1] = doc.text and (doc.name:gsub("^.*:", "line ") .. "=" .. doc.text)
                        or ("error " .. doc.name:gsub("^.*:", "line "))
    end
    os.remove(path)
    assert.same({ "a=Alpha", "line 3=Beta", "error line 4", "error line 5" }, seen)
  end)
end)

describe("glean extract in batches", function()
  local dir
  setup(function()
    dir = temp_dir()
    assert(os.execute(support.interpreter() .. " tools/gen_articles.lua " .. dir .. " 40 7"))
  end)
  teardown(function() os.execute("rm -rf " .. dir) end)

  it("gives the same reports, in the same order, with worker processes", function()
    local one, code1 = program("extract --format jsonl " .. dir)
    local three, code3 = program("extract --format jsonl -j 3 " .. dir)
    assert.equal(0, code1)
    assert.equal(0, code3)
    assert.equal(one, three)
    local n = 0
    for line in three:gmatch("[^\n]+") do
      n = n + 1
      local r = assert(json.decode(line))
      assert.equal(("%s/article-%02d.txt"):format(dir, n), r.doc)
    end
    assert.equal(40, n)
  end)

  it("writes one CSV header for the whole batch, with workers too", function()
    local out = program("extract --format csv -j 2 " .. dir)
    local headers = select(2, out:gsub("doc,entity", ""))
    assert.equal(1, headers)
  end)

  it("shows progress on standard error when asked, and counts failures", function()
    local code, out, err = run({ "extract", "--format", "jsonl", "--progress", "always",
                                 dir .. "/article-01.txt", dir .. "/nope.txt",
                                 dir .. "/article-02.txt" })
    assert.equal(1, code)
    assert.equal(2, select(2, out:gsub("\n", "")))
    assert.matches("nope.txt: No such file", err, 1, true)
    assert.is_nil(err:find("nope.txt: " .. dir .. "/nope.txt", 1, true))
    assert.matches("2 documents  [%d.]+ docs/s  [%d.]+ MB/s", err)
  end)

  it("reads JSON Lines from standard input", function()
    local code, out = run({ "extract", "--input", "jsonl", "--format", "jsonl", "-" },
                          '{"id": "n1", "text": "Marten Olsen left Oslo."}\n')
    assert.equal(0, code)
    local r = assert(json.decode(out))
    assert.equal("n1", r.doc)
    assert.equal("Marten Olsen", r.entities[1].name)
  end)

  it("refuses bad options with a usage error", function()
    for _, argv in ipairs{ { "-j", "0" }, { "--input", "xml" }, { "--color", "sometimes" },
                           { "--csv-table", "links" } } do
      local code, _, err = run({ "extract", argv[1], argv[2], "x.txt" })
      assert.equal(2, code, argv[1])
      assert.matches(argv[1], err, 1, true)
    end
  end)
end)

describe("glean explain and glean formats", function()
  it("explains which rule made each span", function()
    local path = support.temp_file("Sir Ian Moss said the plan would fail.")
    local code, out = run({ "explain", path })
    os.remove(path)
    assert.equal(0, code)
    assert.matches('phase "entities"', out, 1, true)
    assert.matches('PERSON "Ian Moss"', out, 1, true)
    assert.matches('person_honorific', out, 1, true)
  end)

  it("lists the formats with a line each", function()
    local code, out = run({ "formats" })
    assert.equal(0, code)
    for _, name in ipairs{ "csv", "html", "json", "jsonl", "markdown", "text" } do
      assert.matches("\n?" .. name .. "%s+%S", out)
    end
    assert.is_nil(out:find("base"))
  end)
end)
