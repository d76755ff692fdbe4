/*
** What the two embedding examples share: a Lua 5.4 state with glean.core
** linked in, the Lua modules' path, and reading whole files.
*/
#ifndef EMBED_COMMON_H
#define EMBED_COMMON_H

#include <stddef.h>
#include <stdio.h>

#include "lua.h"

/* The source tree the hosts were built in (the Makefile sets it). */
#if !defined(GLEAN_ROOT)
#define GLEAN_ROOT "."
#endif

/* The directory of glean's Lua modules: 'option' (--lua DIR) if not
** NULL, else $GLEAN_LUA, else the source tree's lua/. */
const char *embed_lua_dir (const char *option);

/* A new state with the standard libraries, glean.core registered as a
** loaded module (luaL_requiref: require never searches for it) and
** package.path starting with lua_dir. NULL if out of memory. */
lua_State *embed_newstate (const char *lua_dir);

/* Runs the chunk 'code' (named 'name') with the nargs values on the top of
** the stack as its arguments (...), leaving nres results. Returns 0, or 1
** with the error message on the top of the stack. */
int embed_run (lua_State *L, const char *code, const char *name, int nargs, int nres);

/* Reads a whole stream or file into a malloc'd buffer (*len bytes, plus a
** terminating zero). NULL on error (errno says why). */
char *embed_read_stream (FILE *f, size_t *len);
char *embed_read_file (const char *path, size_t *len);

#endif
