-- luacheck configuration (`make lint`).
std = "max"
max_line_length = 100
exclude_files = { "build/", "lua_modules/", ".luarocks/", "glean/" }
files["spec/"] = { std = "+busted", max_line_length = 120 }
files["bin/glean"] = { globals = { "package" } }
files["rockspec/"] = {
  globals = { "rockspec_format", "package", "version", "source", "description",
              "dependencies", "build", "test" },
}
files[".busted"] = { std = "max" }
files[".luarocks/"] = { globals = { "rocks_provided" } }
files["tools/"] = { std = "lua54" }
-- Rule files run in glean's sandbox, with the rule vocabulary in scope.
files["examples/rules/people.lua"] = { read_globals = { "T", "rule", "phase", "C", "lpeg" } }
files["bench/rules/"] = { read_globals = { "T", "rule", "phase", "C", "lpeg" } }
-- The bundled news rule files also see their host's helpers.
files["lua/glean/news/rules/"] = {
  read_globals = { "T", "rule", "phase", "C", "lpeg", "include", "news", "dates", "quotes" },
}
