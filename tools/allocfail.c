/*
** allocfail: a Lua 5.4 host whose allocator fails on request, for the
** allocation-failure sweep (tools/allocfail.lua, make allocfail).
**
**   allocfail SCRIPT [ARGS...]
**
** glean.core is linked in (luaL_requiref), so every block the core takes
** comes from this host's allocator (the core allocates through
** lua_getallocf only). The script sees a global table `allocfail`:
**
**   allocfail.run(n, f, ...)       the n-th growing allocation from now on,
**                                  and every later one, fail while f(...)
**                                  runs (pcall); returns injected, ok, ...
**                                  where injected tells whether any
**                                  allocation was refused
**   allocfail.run_once(n, f, ...)  the same, but only the n-th fails
**   allocfail.count(f, ...)        count, ok, ...: how many growing
**                                  allocations f(...) made
**   allocfail.usage()              bytes, blocks: what is allocated now
**   allocfail.where()              print the raw stack of the first
**                                  refused allocation of the last run
**                                  (glibc; addr2line -e HOST turns the
**                                  offsets into lines)
**   allocfail.trace(on)            print the stack of each refused
**                                  allocation (ASan builds; also with
**                                  ALLOCFAIL_TRACE in the environment)
**
** Frees and shrinks never fail (Lua relies on that). After the script,
** the state is closed and every block must have been given back: the
** host exits with status 3 if any byte is still allocated (a leak of the
** core would show there even without ASan or valgrind).
**
** Exit status: 0 when the script ran to the end, 1 when it raised (the
** message is printed), 2 for usage errors, 3 for a leak.
*/
#if defined(__linux__)
#include <execinfo.h>
#define AF_BACKTRACE 1
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"

#include "lembed.h"

/* With ALLOCFAIL_TRACE set in the environment, an ASan build prints the
** stack of every refused allocation (to find the code behind a finding). */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AF_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define AF_ASAN 1
#endif
#if defined(AF_ASAN)
void __sanitizer_print_stack_trace (void);
#define print_trace()   __sanitizer_print_stack_trace()
#else
#define print_trace()   ((void)0)
#endif

typedef struct Heap {
  size_t bytes, blocks;         /* allocated now */
  unsigned long long count;     /* growing allocations so far */
  unsigned long long fail_at;   /* 0: none; else fail this growth ... */
  int once;                     /* ... only it (1), or it and every later one */
  int injected;                 /* a growth was refused since arming */
  int trace;                    /* print the stack of refused growths */
  void *last[32];               /* the stack of the first refused growth */
  int nlast;
} Heap;

static void *af_alloc (void *ud, void *ptr, size_t osize, size_t nsize) {
  Heap *h = (Heap *)ud;
  size_t old = ptr != NULL ? osize : 0;
  void *p;
  if (nsize == 0) {
    if (ptr != NULL) {
      h->bytes -= old;
      h->blocks--;
    }
    free(ptr);
    return NULL;
  }
  if (nsize > old) {
    h->count++;
    if (h->fail_at != 0 && (h->once ? h->count == h->fail_at : h->count >= h->fail_at)) {
#if defined(AF_BACKTRACE)
      if (!h->injected) h->nlast = backtrace(h->last, 32);
#endif
      h->injected = 1;
      if (h->trace) print_trace();
      return NULL;
    }
  }
  p = realloc(ptr, nsize);
  if (p == NULL) return NULL;
  if (ptr == NULL) h->blocks++;
  h->bytes += nsize - old;
  return p;
}

static Heap *heap_of (lua_State *L) {
  void *ud;
  (void)lua_getallocf(L, &ud);
  return (Heap *)ud;
}

/* Calls the function at index 'first' with the values above it, with the
** heap armed; returns injected, ok, results... */
static int armed_call (lua_State *L, unsigned long long n, int once) {
  Heap *h = heap_of(L);
  int st, base;
  luaL_checktype(L, 2, LUA_TFUNCTION);
  luaL_checkstack(L, 2, NULL);
  base = 1;                       /* results start above index 1 */
  h->count = 0;
  h->fail_at = n;
  h->once = once;
  h->injected = 0;
  st = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
  h->fail_at = 0;
  lua_pushboolean(L, h->injected);
  lua_replace(L, 1);
  lua_pushboolean(L, st == LUA_OK);
  lua_insert(L, base + 1);
  return lua_gettop(L);
}

static unsigned long long check_n (lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 1);
  luaL_argcheck(L, n >= 1, 1, "1 or more expected");
  return (unsigned long long)n;
}

static int af_run (lua_State *L) {
  return armed_call(L, check_n(L), 0);
}

static int af_run_once (lua_State *L) {
  return armed_call(L, check_n(L), 1);
}

static int af_count (lua_State *L) {
  Heap *h = heap_of(L);
  int st;
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_pushnil(L);
  lua_insert(L, 1);               /* 1: the count, 2: f */
  h->count = 0;
  h->fail_at = 0;
  st = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
  lua_pushinteger(L, (lua_Integer)h->count);
  lua_replace(L, 1);
  lua_pushboolean(L, st == LUA_OK);
  lua_insert(L, 2);
  return lua_gettop(L);
}

static int af_usage (lua_State *L) {
  Heap *h = heap_of(L);
  lua_pushinteger(L, (lua_Integer)h->bytes);
  lua_pushinteger(L, (lua_Integer)h->blocks);
  return 2;
}

static int af_where (lua_State *L) {
#if defined(AF_BACKTRACE)
  Heap *h = heap_of(L);
  backtrace_symbols_fd(h->last, h->nlast, 2);
#endif
  (void)L;
  return 0;
}

static int af_trace (lua_State *L) {
  heap_of(L)->trace = lua_toboolean(L, 1);
  return 0;
}

static const luaL_Reg af_funcs[] = {
  { "trace", af_trace },
  { "where", af_where },
  { "run", af_run },
  { "run_once", af_run_once },
  { "count", af_count },
  { "usage", af_usage },
  { NULL, NULL }
};

/* Opens the libraries, links glean.core in, runs the script with its
** arguments as ... and as the global arg. */
static int pmain (lua_State *L) {
  int argc = (int)lua_tointeger(L, 1);
  char **argv = (char **)lua_touserdata(L, 2);
  int i;
  luaL_openlibs(L);
  luaL_requiref(L, "glean.core", luaopen_glean_core, 0);
  lua_pop(L, 1);
  luaL_newlib(L, af_funcs);
  lua_setglobal(L, "allocfail");
  lua_createtable(L, argc, 1);
  for (i = 0; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i);
  }
  lua_setglobal(L, "arg");
  if (luaL_loadfile(L, argv[0]) != LUA_OK) return lua_error(L);
  for (i = 1; i < argc; i++) lua_pushstring(L, argv[i]);
  lua_call(L, argc - 1, 0);
  return 0;
}

int main (int argc, char **argv) {
  Heap heap;
  lua_State *L;
  int status = 0;
  if (argc < 2) {
    fprintf(stderr, "usage: %s SCRIPT [ARGS...]\n", argv[0]);
    return 2;
  }
  memset(&heap, 0, sizeof(heap));
  heap.trace = getenv("ALLOCFAIL_TRACE") != NULL;
  L = lua_newstate(af_alloc, &heap);
  if (L == NULL) {
    fprintf(stderr, "allocfail: cannot create a state\n");
    return 1;
  }
  lua_pushcfunction(L, pmain);
  lua_pushinteger(L, argc - 1);
  lua_pushlightuserdata(L, argv + 1);
  if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "allocfail: %s\n", msg != NULL ? msg : "(error object is not a string)");
    status = 1;
  }
  lua_close(L);
  if (heap.bytes != 0 || heap.blocks != 0) {
    fprintf(stderr, "allocfail: leak: %zu bytes in %zu blocks still allocated after lua_close\n",
            heap.bytes, heap.blocks);
    status = 3;
  }
  return status;
}
