/*
** The few Lua C API differences between Lua 5.1 (and LuaJIT 2.1), 5.2, 5.3
** and 5.4 that glean meets, behind gl_ names. Included by the l*.c binding
** files only.
*/
#ifndef GL_COMPAT_H
#define GL_COMPAT_H

#include "lua.h"
#include "lauxlib.h"

#if LUA_VERSION_NUM >= 502
#define gl_setfuncs       luaL_setfuncs
#define gl_testudata      luaL_testudata
#define gl_rawlen         lua_rawlen
#define gl_absindex       lua_absindex
#else
static inline int gl_absindex (lua_State *L, int idx) {
  return (idx > 0 || idx <= LUA_REGISTRYINDEX) ? idx : lua_gettop(L) + idx + 1;
}

static inline void gl_setfuncs (lua_State *L, const luaL_Reg *l, int nup) {
  luaL_checkstack(L, nup + 1, "too many upvalues");
  for (; l->name != NULL; l++) {
    int i;
    for (i = 0; i < nup; i++) lua_pushvalue(L, -nup);
    lua_pushcclosure(L, l->func, nup);
    lua_setfield(L, -(nup + 2), l->name);
  }
  lua_pop(L, nup);
}

static inline void *gl_testudata (lua_State *L, int idx, const char *tname) {
  void *p = lua_touserdata(L, idx);
  if (p != NULL && lua_getmetatable(L, idx)) {
    int same;
    luaL_getmetatable(L, tname);
    same = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    if (same) return p;
  }
  return NULL;
}

#define gl_rawlen         lua_objlen
#endif

/* A full userdata with room for one user value. */
#if LUA_VERSION_NUM >= 504
#define gl_newuserdata(L, size)   lua_newuserdatauv(L, size, 1)
#else
#define gl_newuserdata(L, size)   lua_newuserdata(L, size)
#endif

/*
** Pops a value and stores it as the user value of the userdata at idx.
** Lua 5.1 and 5.2 accept only tables there, so the value is wrapped.
*/
static inline void gl_setuservalue (lua_State *L, int idx) {
  idx = gl_absindex(L, idx);
#if LUA_VERSION_NUM >= 504
  lua_setiuservalue(L, idx, 1);
#elif LUA_VERSION_NUM == 503
  lua_setuservalue(L, idx);
#else
  lua_createtable(L, 1, 0);
  lua_insert(L, -2);
  lua_rawseti(L, -2, 1);
#if LUA_VERSION_NUM == 502
  lua_setuservalue(L, idx);
#else
  lua_setfenv(L, idx);
#endif
#endif
}

/* Pushes the value stored by gl_setuservalue. */
static inline void gl_getuservalue (lua_State *L, int idx) {
#if LUA_VERSION_NUM >= 504
  lua_getiuservalue(L, idx, 1);
#elif LUA_VERSION_NUM == 503
  lua_getuservalue(L, idx);
#else
#if LUA_VERSION_NUM == 502
  lua_getuservalue(L, idx);
#else
  lua_getfenv(L, idx);
#endif
  lua_rawgeti(L, -1, 1);
  lua_remove(L, -2);
#endif
}

#endif
