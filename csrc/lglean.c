/*
** glean.core: the C core of glean. luaopen_glean_core is the only symbol
** the shared object exports.
*/
#include "lua.h"
#include "lauxlib.h"

#include "compat.h"
#include "lglean.h"
#include "abbrev.h"
#include "unicode_data.h"

/***
** The built-in abbreviations: a table mapping each one to "prefix" (never
** ends a sentence on its line) or "plain".
** @function abbreviations
*/
static int l_abbreviations (lua_State *L) {
  size_t i;
  int kind;
  const char *a;
  lua_newtable(L);
  for (i = 0; (a = gl_abbrev_default(i, &kind)) != NULL; i++) {
    lua_pushstring(L, kind == GL_ABBREV_PREFIX ? "prefix" : "plain");
    lua_setfield(L, -2, a);
  }
  return 1;
}

static const luaL_Reg core_funcs[] = {
  { "abbreviations", l_abbreviations },
  { NULL, NULL }
};

#if defined(__GNUC__) && !defined(_WIN32)
__attribute__((visibility("default")))
#endif
LUALIB_API int luaopen_glean_core (lua_State *L) {
  lua_newtable(L);
  gl_setfuncs(L, core_funcs, 0);
  gl_open_doc(L);
  gl_open_gazetteer(L);
  gl_open_pattern(L);
  gl_open_sandbox(L);
  lua_pushstring(L, gl_unicode_version);
  lua_setfield(L, -2, "unicode_version");
  return 1;
}
