-- Project-local LuaRocks configuration (loaded by luarocks run inside this
-- checkout). Debian installs LPeg as a system package that LuaRocks cannot
-- see; declaring it provided lets `luarocks make` resolve the dependency
-- without a rocks server. On other systems LuaRocks installs lpeg as usual.
rocks_provided = {
  lpeg = "1.0.2-1",
}
