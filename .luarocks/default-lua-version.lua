-- Plain `luarocks make` in this checkout targets Lua 5.4.
return "5.4"
