/*
** host: a C program that embeds Lua 5.4 and glean. It links glean.core
** into itself (registered with luaL_requiref: no shared object is
** searched for), runs the news pipeline over standard input and prints
** the report as JSON.
**
**   build/embed/host [--lua DIR] [--doc NAME] < article.txt
**
** Exit status: 0 success, 1 when Lua raised (the message is printed),
** 2 usage error.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "common.h"

/* The Lua side: text and document name in, JSON out. */
static const char extract_code[] =
  "local text, name = ...\n"
  "local news = require 'glean.news'\n"
  "local json = require 'glean.formats.json'\n"
  "return json(news.extract(text, { doc = name }))\n";

/* The help on stdout (status 0) or, after a usage error, on stderr. */
static int usage (int status) {
  fprintf(status == 0 ? stdout : stderr,
    "usage: host [--lua DIR] [--doc NAME] < TEXT\n"
    "  Runs glean's news pipeline on standard input and prints the JSON report.\n"
    "  --lua DIR   directory of glean's Lua modules (default $GLEAN_LUA, else\n"
    "              the source tree's lua/: " GLEAN_ROOT "/lua)\n"
    "  --doc NAME  the document's name in the report\n");
  return status;
}

int main (int argc, char **argv) {
  const char *lua_dir = NULL, *doc = NULL;
  char *text;
  size_t len, outlen;
  const char *out;
  lua_State *L;
  int i;
  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return usage(0);
    else if (strcmp(argv[i], "--lua") == 0 && i + 1 < argc) lua_dir = argv[++i];
    else if (strcmp(argv[i], "--doc") == 0 && i + 1 < argc) doc = argv[++i];
    else {
      fprintf(stderr, "host: bad argument '%s'\n", argv[i]);
      return usage(2);
    }
  }
  if ((text = embed_read_stream(stdin, &len)) == NULL) {
    fprintf(stderr, "host: cannot read standard input: %s\n", strerror(errno));
    return 1;
  }
  if ((L = embed_newstate(embed_lua_dir(lua_dir))) == NULL) {
    fprintf(stderr, "host: cannot create a Lua state (out of memory)\n");
    free(text);
    return 1;
  }
  lua_pushlstring(L, text, len);
  free(text);
  if (doc != NULL) lua_pushstring(L, doc); else lua_pushnil(L);
  if (embed_run(L, extract_code, "=host.c", 2, 1) != 0) {
    fprintf(stderr, "host: %s\n", lua_tostring(L, -1));
    lua_close(L);
    return 1;
  }
  out = lua_tolstring(L, -1, &outlen);
  if (out == NULL) {
    fprintf(stderr, "host: the report is not a string\n");
    lua_close(L);
    return 1;
  }
  fwrite(out, 1, outlen, stdout);
  lua_close(L);
  return fflush(stdout) == 0 ? 0 : 1;
}
