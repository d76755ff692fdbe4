/*
** What the two embedding examples share (common.h).
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"

#include "common.h"
#include "lembed.h"

const char *embed_lua_dir (const char *option) {
  const char *env = getenv("GLEAN_LUA");
  if (option != NULL) return option;
  if (env != NULL && *env != '\0') return env;
  return GLEAN_ROOT "/lua";
}

/* package.path = "DIR/?.lua;DIR/?/init.lua;" .. package.path */
static int set_path (lua_State *L) {
  const char *dir = (const char *)lua_touserdata(L, 1);
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "path");
  lua_pushfstring(L, "%s/?.lua;%s/?/init.lua;%s", dir, dir, lua_tostring(L, -1));
  lua_setfield(L, -3, "path");
  return 0;
}

#if defined(EMBED_LPEG)
/* Debian's lua-lpeg library, linked in (the Makefile's LPEG_LIB). */
int luaopen_lpeg (lua_State *L);
#endif

/* The steps that may raise, under lua_pcall. */
static int open_state (lua_State *L) {
  luaL_openlibs(L);
  /* package.loaded["glean.core"] = luaopen_glean_core(): linked in */
  luaL_requiref(L, "glean.core", luaopen_glean_core, 0);
  lua_pop(L, 1);
#if defined(EMBED_LPEG)
  luaL_requiref(L, "lpeg", luaopen_lpeg, 0);
  lua_pop(L, 1);
#endif
  lua_pushcfunction(L, set_path);
  lua_pushvalue(L, 1);
  lua_call(L, 1, 0);
  return 0;
}

lua_State *embed_newstate (const char *lua_dir) {
  lua_State *L = luaL_newstate();
  if (L == NULL) return NULL;
  lua_pushcfunction(L, open_state);
  lua_pushlightuserdata(L, (void *)lua_dir);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    lua_close(L);
    return NULL;
  }
  return L;
}

int embed_run (lua_State *L, const char *code, const char *name, int nargs, int nres) {
  if (luaL_loadbuffer(L, code, strlen(code), name) != LUA_OK) {
    lua_insert(L, -1 - nargs);
    lua_pop(L, nargs);
    return 1;
  }
  lua_insert(L, -1 - nargs);
  if (lua_pcall(L, nargs, nres, 0) != LUA_OK) {
    if (lua_type(L, -1) != LUA_TSTRING) {   /* error(table) and such */
      luaL_tolstring(L, -1, NULL);
      lua_remove(L, -2);
    }
    return 1;
  }
  return 0;
}

char *embed_read_stream (FILE *f, size_t *len) {
  size_t cap = 1 << 16, n = 0;
  char *buf = (char *)malloc(cap), *grown;
  if (buf == NULL) return NULL;
  for (;;) {
    n += fread(buf + n, 1, cap - n - 1, f);
    if (ferror(f)) { free(buf); return NULL; }
    if (feof(f)) break;
    if (n + 1 == cap) {
      if ((grown = (char *)realloc(buf, cap * 2)) == NULL) { free(buf); return NULL; }
      buf = grown;
      cap *= 2;
    }
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

char *embed_read_file (const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf;
  int err;
  if (f == NULL) return NULL;
  buf = embed_read_stream(f, len);
  err = errno;
  fclose(f);
  errno = err;
  return buf;
}
