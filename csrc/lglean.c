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

void gl_register_type (lua_State *L, const char *tname, const luaL_Reg *meta,
                       const luaL_Reg *methods, const char *field) {
  luaL_newmetatable(L, tname);
  gl_setfuncs(L, meta, 0);
  if (methods != NULL) {
    lua_newtable(L);
    gl_setfuncs(L, methods, 0);
    if (field != NULL) {
      lua_pushvalue(L, -1);
      lua_setfield(L, -4, field);
    }
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
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
