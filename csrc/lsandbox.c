/*
** core.sandbox_call: calls a function under an instruction budget (a count
** hook) and a memory budget (a wrapper around the state's allocator), for
** running untrusted rule files. glean.sandbox builds the environment.
**
** The budget of a call lives in a userdata on the calling C function's
** stack. The allocator wrapper gets it as its ud; the hook, which has no
** ud, finds the innermost call through an anchor kept in the registry
** (per state, so no global mutable state). Calls nest: an inner call's
** allocator forwards to the outer wrapper, and the hook charges every
** budget in the chain.
*/
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "compat.h"
#include "lglean.h"

/* Instructions between two hook calls: the granularity of the budget. */
#if !defined(GL_SANDBOX_STEP)
#define GL_SANDBOX_STEP   1000
#endif

#define STOP_PREFIX  "rule file stopped: "

enum { RUNNING = 0, STOP_INSTRUCTIONS, STOP_MEMORY };

typedef struct Budget {
  struct Budget *prev;          /* the enclosing call's budget, or NULL */
  lua_Alloc allocf;             /* the allocator being wrapped */
  void *allocud;
  long long mem_limit, mem_net; /* bytes; net growth since the call began */
  unsigned long long ins_limit, ins_used;
  int step;                     /* hook count */
  int stopped;                  /* RUNNING or why the call was stopped */
  lua_Hook oldhook;             /* the hook to restore */
  int oldmask, oldcount;
  char msg[LUA_IDSIZE + 96];    /* the stop message */
} Budget;

/* Per state, in the registry: the innermost running call. */
typedef struct Anchor {
  Budget *cur;
} Anchor;

static const char anchor_key = 0;

/* Records the first reason to stop; 'where' is "" or "source:line: ". */
static void stop (Budget *b, int why, const char *where) {
  if (b->stopped != RUNNING) return;
  b->stopped = why;
  if (why == STOP_INSTRUCTIONS)
    snprintf(b->msg, sizeof(b->msg), "%s" STOP_PREFIX
             "too much work (more than %llu instructions)", where, b->ins_limit);
  else
    snprintf(b->msg, sizeof(b->msg), "%s" STOP_PREFIX "more than %lld bytes of memory",
             where, b->mem_limit);
}

/*
** Forwards to the wrapped allocator and counts the net growth. Once over
** the limit (or stopped for any reason) it refuses every growth until the
** call ends, so a script that catches the memory error cannot go on;
** frees and shrinks always go through. No Lua API here.
*/
static void *sb_alloc (void *ud, void *ptr, size_t osize, size_t nsize) {
  Budget *b = (Budget *)ud;
  size_t old = ptr != NULL ? osize : 0;   /* osize is a type tag for new blocks */
  void *p;
  if (nsize > old) {
    /* room left; unsigned, as the net may be negative */
    unsigned long long room = (unsigned long long)b->mem_limit - (unsigned long long)b->mem_net;
    if (b->stopped != RUNNING) return NULL;
    if ((unsigned long long)(nsize - old) > room) {
      stop(b, STOP_MEMORY, "");
      return NULL;
    }
  }
  p = b->allocf(b->allocud, ptr, osize, nsize);
  if (p != NULL || nsize == 0) b->mem_net += (long long)nsize - (long long)old;
  return p;
}

static Budget *current (lua_State *L) {
  Anchor *a;
  lua_pushlightuserdata(L, (void *)&anchor_key);
  lua_rawget(L, LUA_REGISTRYINDEX);
  a = (Anchor *)lua_touserdata(L, -1);
  lua_pop(L, 1);
  return a != NULL ? a->cur : NULL;
}

/*
** Charges the instructions to every budget in the chain and raises once
** one is spent. It then fires at every instruction and raises again, so
** whichever frame catches the error is hit at its next instruction: a
** pcall loop around an endless loop cannot outlive it. A coroutine created
** inside a call keeps the hook after the call; with no call running it
** does nothing.
*/
static void sb_hook (lua_State *L, lua_Debug *ar) {
  Budget *b = current(L), *p;
  if (b == NULL) return;
  for (p = b; p != NULL; p = p->prev) {
    p->ins_used += (unsigned long long)b->step;
    if (p->ins_used > p->ins_limit && p->stopped == RUNNING) {
      char where[LUA_IDSIZE + 24] = "";
      if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
        snprintf(where, sizeof(where), "%s:%d: ", ar->short_src, ar->currentline);
      stop(p, STOP_INSTRUCTIONS, where);
    }
  }
  for (p = b; p != NULL; p = p->prev) {
    if (p->stopped != RUNNING) {
      if (b->step != 1) {
        b->step = 1;
        lua_sethook(L, sb_hook, LUA_MASKCOUNT, 1);
      }
      lua_pushstring(L, p->msg);   /* fails with a memory error once out of memory */
      lua_error(L);
    }
  }
}

/*
** Message handler: a non-string error value becomes a message with the
** position of the nearest Lua code, as a string one would have.
*/
static int sb_msgh (lua_State *L) {
  lua_Debug ar;
  int level;
  if (lua_type(L, 1) == LUA_TSTRING) return 1;
  if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
  lua_settop(L, 1);
  lua_pushliteral(L, "");
  for (level = 1; lua_getstack(L, level, &ar); level++) {
    lua_getinfo(L, "Sl", &ar);
    if (ar.currentline > 0) {
      lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
      break;
    }
  }
  if (lua_type(L, 1) == LUA_TNUMBER) {
    lua_pushvalue(L, 1);
    lua_tostring(L, -1);
  }
  else
    lua_pushfstring(L, "error object is a %s value", luaL_typename(L, 1));
  lua_concat(L, lua_gettop(L) - 1);
  return 1;
}

/* limits[key]: a positive number, or nil for no limit ('none'). */
static unsigned long long limit_field (lua_State *L, const char *key,
                                       unsigned long long none) {
  lua_Number n;
  lua_getfield(L, 1, key);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return none;
  }
  n = lua_tonumber(L, -1);
  if (lua_type(L, -1) != LUA_TNUMBER || !(n >= 1))
    luaL_argerror(L, 1, lua_pushfstring(L, "'%s' must be a number, 1 or more", key));
  lua_pop(L, 1);
  return n >= (lua_Number)none ? none : (unsigned long long)n;
}

/***
** Calls fn(...) under limits, like pcall. `limits` is a table with
** `instructions` (VM instructions, counted every 1000) and `memory` (net
** bytes allocated during the call); a missing field means no limit.
** Returns `true, results...`; or `false, err` when fn raised an error (a
** non-string error value becomes a message with the position of the nearest
** Lua code; a __tostring metamethod is used if present); or
** `false, message, kind` when a limit stopped the call: kind is
** "instructions" or "memory" and the message contains "rule file stopped: "
** (preceded by "source:line: " where an instruction limit struck).
** A stopped call stays stopped: with a memory limit every later growth is
** refused, and the hook then raises at every instruction, so a script
** catching the error cannot go on. The allocator and hook (and any hook
** set before) are restored on every path; calls nest.
** Not counted: time inside C functions, and (in PUC Lua) coroutines created
** before the call. On LuaJIT compiled traces do not run hooks: turn the
** JIT off for the code run (`jit.off(fn, true)`).
** @function sandbox_call
** @tparam table limits `{instructions = N, memory = BYTES}`
** @tparam function fn
** @param ... arguments for fn
** @return true and fn's results; or false, an error, and the limit's name
*/
static int sb_call (lua_State *L) {
  Anchor *a = (Anchor *)lua_touserdata(L, lua_upvalueindex(1));
  unsigned long long ins, mem;
  unsigned long long mem_none = (unsigned long long)LLONG_MAX;
  Budget budget, *b = &budget;      /* lives as long as the call: on the C stack */
  int st;
  if ((unsigned long long)SIZE_MAX < mem_none) mem_none = (unsigned long long)SIZE_MAX;
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  ins = limit_field(L, "instructions", ULLONG_MAX);
  mem = limit_field(L, "memory", mem_none);
  memset(b, 0, sizeof(*b));
  lua_pushnil(L);
  lua_replace(L, 1);                     /* 1: nil, 2: msgh, 3: fn, 4...: args */
  lua_pushcfunction(L, sb_msgh);
  lua_insert(L, 2);
  b->ins_limit = ins;
  b->mem_limit = (long long)mem;
  b->step = ins < GL_SANDBOX_STEP ? (int)ins : GL_SANDBOX_STEP;
  b->oldhook = lua_gethook(L);
  b->oldmask = lua_gethookmask(L);
  b->oldcount = lua_gethookcount(L);
  b->allocf = lua_getallocf(L, &b->allocud);
  /* nothing below raises until everything is restored */
  b->prev = a->cur;
  a->cur = b;
  if (mem != mem_none) lua_setallocf(L, sb_alloc, b);
  lua_sethook(L, sb_hook, LUA_MASKCOUNT, b->step);
  st = lua_pcall(L, lua_gettop(L) - 3, LUA_MULTRET, 2);
  lua_sethook(L, b->oldhook, b->oldmask, b->oldcount);
  if (mem != mem_none) lua_setallocf(L, b->allocf, b->allocud);
  a->cur = b->prev;
  if (b->stopped != RUNNING) {
    lua_settop(L, 2);
    lua_pushboolean(L, 0);
    lua_pushstring(L, b->msg);
    lua_pushstring(L, b->stopped == STOP_MEMORY ? "memory" : "instructions");
    return 3;
  }
  luaL_checkstack(L, 1, "too many results");
  lua_pushboolean(L, st == 0);
  if (st != 0) {
    lua_insert(L, -2);
    return 2;
  }
  lua_insert(L, 3);
  return lua_gettop(L) - 2;
}

/* Puts the fields of table t (at index t) back as saved (the table at
** index fields, holding count fields, or -1: not known). One walk over t
** puts changed fields back and clears added ones (setting an existing
** field during a traversal is allowed); when it met fewer saved keys than
** there are, a walk over the saved fields puts the removed ones back. One
** walk instead of two halves the restore after each document. */
static void restore_fields (lua_State *L, int t, int fields, lua_Integer count) {
  lua_Integer met = 0;
  for (lua_pushnil(L); lua_next(L, t); ) {            /* key, current */
    lua_pushvalue(L, -2);
    lua_rawget(L, fields);                            /* key, current, saved */
    if (lua_isnil(L, -1)) {                           /* added since: clear */
      lua_pop(L, 2);
      lua_pushvalue(L, -1);
      lua_pushnil(L);
      lua_rawset(L, t);
      continue;
    }
    met++;
    if (!lua_rawequal(L, -1, -2)) {                   /* changed: put back */
      lua_pushvalue(L, -3);
      lua_insert(L, -2);                              /* key, current, key, saved */
      lua_rawset(L, t);
    }
    else lua_pop(L, 1);
    lua_pop(L, 1);
  }
  if (count >= 0 && met == count) return;
  for (lua_pushnil(L); lua_next(L, fields); ) {       /* key, saved */
    lua_pushvalue(L, -2);
    lua_rawget(L, t);
    if (lua_isnil(L, -1)) {                           /* removed: put back */
      lua_pop(L, 1);
      lua_pushvalue(L, -2);
      lua_insert(L, -2);                              /* key, key, saved */
      lua_rawset(L, t);
    }
    else lua_pop(L, 2);
  }
}

/***
** core.sandbox_restore(snap): puts the protected host tables of a
** snapshot back as they were. snap maps each table to `{fields = {...},
** count = number of fields, meta = metatable or false}` (see
** glean.sandbox; without count, the fields are walked twice). The same
** work as a Lua loop, in C: it runs when an untrusted rule file's phases
** end, once per document or more.
** @function sandbox_restore
** @tparam table snap
*/
static int sb_restore (lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  luaL_checkstack(L, 12, "sandbox_restore");
  for (lua_pushnil(L); lua_next(L, 1); ) {            /* 2: table, 3: saved */
    if (lua_istable(L, 2) && lua_istable(L, 3)) {
      lua_Integer count;
      lua_getfield(L, 3, "count");                    /* 4 */
      count = lua_isnumber(L, 4) ? lua_tointeger(L, 4) : -1;
      lua_getfield(L, 3, "fields");                   /* 5 */
      if (lua_istable(L, 5)) restore_fields(L, 2, 5, count);
      lua_getfield(L, 3, "meta");                     /* 6: saved metatable or false */
      if (!lua_getmetatable(L, 2)) lua_pushboolean(L, 0);   /* 7: current, raw */
      if (!lua_rawequal(L, 6, 7)) {
        if (lua_istable(L, 6)) lua_pushvalue(L, 6);
        else lua_pushnil(L);
        lua_setmetatable(L, 2);
      }
    }
    lua_settop(L, 2);
  }
  return 0;
}

void gl_open_sandbox (lua_State *L) {
  lua_pushlightuserdata(L, (void *)&anchor_key);
  lua_rawget(L, LUA_REGISTRYINDEX);
  if (lua_isnil(L, -1)) {                /* first load in this state */
    Anchor *a;
    lua_pop(L, 1);
    a = (Anchor *)lua_newuserdata(L, sizeof(Anchor));
    a->cur = NULL;
    lua_pushlightuserdata(L, (void *)&anchor_key);
    lua_pushvalue(L, -2);
    lua_rawset(L, LUA_REGISTRYINDEX);
  }
  lua_pushcclosure(L, sb_call, 1);
  lua_setfield(L, -2, "sandbox_call");
  lua_pushcfunction(L, sb_restore);
  lua_setfield(L, -2, "sandbox_restore");
}
