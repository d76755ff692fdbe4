/*
** Lua bindings of token-pattern programs (glean.Program). The Lua layer
** (glean.pattern) compiles pattern trees into the tables read here; this
** file checks them, so that a hand-made table cannot crash the machine.
*/
#include <stdlib.h>
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "compat.h"
#include "lglean.h"
#include "pattern.h"
#include "unicode_data.h"

#define GL_PROGRAM_TYPE  "glean.Program"
#define GL_RUN_TYPE      "glean.ProgramRun"
#define GL_FORMS_TYPE    "glean.Forms"

/* Token forms shared by the programs of a pipeline over one Doc. */
typedef struct LForms {
  gl_PForms f;
} LForms;

typedef struct LProgram {
  gl_Prog p;
  gl_PRun run;          /* reused from one text to the next */
  int busy;             /* run is in use (an extern callback is running) */
  double work;          /* of the last run (see prog:stats) */
} LProgram;

typedef struct LRun {
  gl_PRun run;
} LRun;

static LProgram *program_check (lua_State *L, int idx) {
  LProgram *lp = (LProgram *)luaL_checkudata(L, idx, GL_PROGRAM_TYPE);
  if (lp->p.alloc == NULL) luaL_argerror(L, idx, "attempt to use a closed " GL_PROGRAM_TYPE);
  return lp;
}

static int program_gc (lua_State *L) {
  LProgram *lp = (LProgram *)luaL_checkudata(L, 1, GL_PROGRAM_TYPE);
  if (lp->busy) return luaL_error(L, "attempt to close a running " GL_PROGRAM_TYPE);
  gl_pm_free(&lp->run);
  gl_prog_free(&lp->p);
  return 0;
}

static int run_gc (lua_State *L) {
  LRun *lr = (LRun *)luaL_checkudata(L, 1, GL_RUN_TYPE);
  gl_pm_free(&lr->run);
  return 0;
}

/* --- reading a program ------------------------------------------------- */

/* Field k of the table at idx as an array of n unsigned 32-bit integers
** (n = the array's length, a multiple of 'unit'; NULL when 0), in memory
** from the program's allocator. */
static uint32_t *read_u32s (lua_State *L, gl_Prog *p, int idx, const char *k, size_t unit,
                            size_t *n) {
  size_t i, len;
  uint32_t *a;
  lua_getfield(L, idx, k);
  if (!lua_istable(L, -1)) luaL_error(L, "bad program: '%s' is not a table", k);
  len = gl_rawlen(L, -1);
  if (len % unit != 0) luaL_error(L, "bad program: '%s' has a partial record", k);
  *n = len;
  if (len == 0) { lua_pop(L, 1); return NULL; }
  if (len > ((size_t)-1) / 4 || (a = (uint32_t *)p->alloc(p->ud, NULL, 0, len * 4)) == NULL)
    gl_memory_error(L);
  for (i = 0; i < len; i++) {
    lua_Number x;
    lua_rawgeti(L, -1, (int)i + 1);
    x = lua_tonumber(L, -1);
    if (!lua_isnumber(L, -1) || !(x >= 0 && x <= 4294967295.0) || x != (lua_Number)(uint32_t)x) {
      p->alloc(p->ud, a, len * 4, 0);
      luaL_error(L, "bad program: '%s'[%d] is not a 32-bit count", k, (int)i + 1);
    }
    a[i] = (uint32_t)x;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return a;
}

static lua_Integer count_field (lua_State *L, int idx, const char *k) {
  lua_Integer v;
  lua_getfield(L, idx, k);
  v = lua_isnumber(L, -1) ? lua_tointeger(L, -1) : -1;
  if (v < 0 || v > 0x7fffffff) luaL_error(L, "bad program: '%s' is not a count", k);
  lua_pop(L, 1);
  return v;
}

/* Reads field 'name' of the spec at index 1, when present: an array of
** arrays of integers in 0 .. max, as n lists in (*lo)[0 .. n] and
** (*items)[0 .. total]; *cap: the allocated size of *items. Both arrays
** are the program's from the moment they exist (freed by gl_prog_free). */
static void read_lists (lua_State *L, gl_Prog *p, const char *name, const char *what,
                        lua_Integer max, uint32_t **lo, uint32_t **items, size_t *n,
                        size_t *cap) {
  size_t nl, li, total = 0;
  lua_getfield(L, 1, name);
  if (lua_isnil(L, -1)) { lua_pop(L, 1); return; }
  if (!lua_istable(L, -1)) luaL_error(L, "bad program: '%s' is not a table", name);
  nl = gl_rawlen(L, -1);
  for (li = 1; li <= nl; li++) {
    lua_rawgeti(L, -1, (int)li);
    if (!lua_istable(L, -1)) luaL_error(L, "bad program: %s %d is not a table", what, (int)li);
    total += gl_rawlen(L, -1);
    lua_pop(L, 1);
  }
  *lo = (uint32_t *)p->alloc(p->ud, NULL, 0, (nl + 1) * 4);
  if (*lo == NULL) gl_memory_error(L);
  *n = nl;
  for (li = 0; li <= nl; li++) (*lo)[li] = 0;
  *items = (uint32_t *)p->alloc(p->ud, NULL, 0, (total + 1) * 4);
  if (*items == NULL) gl_memory_error(L);
  *cap = total + 1;
  total = 0;
  for (li = 1; li <= nl; li++) {
    size_t k, m;
    lua_rawgeti(L, -1, (int)li);
    m = gl_rawlen(L, -1);
    for (k = 1; k <= m && total + 1 < *cap; k++) {
      lua_Integer v;
      lua_rawgeti(L, -1, (int)k);
      v = lua_tointeger(L, -1);
      lua_pop(L, 1);
      if (v < 0 || v > max) luaL_error(L, "bad program: %s %d: bad value", what, (int)li);
      (*items)[total++] = (uint32_t)v;
    }
    (*lo)[li] = (uint32_t)total;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* Strings the sets' table is sized for at once (a list's length is what
** it says; past this, the table grows as strings come). */
#define MAX_RESERVE ((size_t)1 << 22)

/***
** core.program(spec): a glean.Program from the tables the compiler of
** glean.pattern makes: code (op, x, y triples), preds (type, a, b
** triples), children, sets (arrays of strings), fstart, rstart, ncaps and
** optionally req (per rule: a predicate some token of every match
** satisfies, or 2^32 - 1), guards (arrays of rule numbers), label_reqs
** (per rule: an array of label ids, one of which a span of the text must
** have for the rule to run; empty: none), nlabels, nexterns. Program
** counters and ids are 0-based.
*/
static int l_program (lua_State *L) {
  void *ud;
  lua_Alloc allocf = lua_getallocf(L, &ud);
  LProgram *lp;
  gl_Prog *p;
  size_t n, i, k;
  const char *why;
  int st;
  luaL_checktype(L, 1, LUA_TTABLE);
  lp = (LProgram *)lua_newuserdata(L, sizeof(LProgram));
  memset(lp, 0, sizeof(*lp));
  luaL_getmetatable(L, GL_PROGRAM_TYPE);
  lua_setmetatable(L, -2);
  p = &lp->p;
  gl_prog_init(p, allocf, ud);   /* from here on, __gc frees what is read */
  p->nlabels = (uint32_t)count_field(L, 1, "nlabels");
  p->nexterns = (uint32_t)count_field(L, 1, "nexterns");
  p->code = (gl_PInst *)(void *)read_u32s(L, p, 1, "code", 3, &n);
  p->ncode = n / 3;
  p->preds = (gl_PPred *)(void *)read_u32s(L, p, 1, "preds", 3, &n);
  p->npreds = n / 3;
  p->children = read_u32s(L, p, 1, "children", 1, &p->nchildren);
  {
    size_t n1, n2, n3;
    uint32_t *fs = read_u32s(L, p, 1, "fstart", 1, &n1);
    p->fstart = fs;                     /* held by p until the counts agree */
    p->nrules = n1;
    p->rstart = read_u32s(L, p, 1, "rstart", 1, &n2);
    if (n2 != n1) {
      if (p->rstart) p->alloc(p->ud, p->rstart, n2 * 4, 0);
      p->rstart = NULL;
      luaL_error(L, "bad program: 'rstart' and 'fstart' differ in length");
    }
    p->ncaps = read_u32s(L, p, 1, "ncaps", 1, &n3);
    if (n3 != n1) {
      if (p->ncaps) p->alloc(p->ud, p->ncaps, n3 * 4, 0);
      p->ncaps = NULL;
      luaL_error(L, "bad program: 'ncaps' and 'fstart' differ in length");
    }
    lua_getfield(L, 1, "req");
    if (!lua_isnil(L, -1)) {
      p->req = read_u32s(L, p, 1, "req", 1, &n3);
      if (n3 != n1) {
        if (p->req) p->alloc(p->ud, p->req, n3 * 4, 0);
        p->req = NULL;
        luaL_error(L, "bad program: 'req' and 'fstart' differ in length");
      }
    }
    lua_pop(L, 1);
  }
  /* optional: arrays of rule numbers, and per rule, arrays of label ids */
  read_lists(L, p, "guards", "guard", 0x7fffffff, &p->guard_lo, &p->guard_rules, &p->nguards,
             &p->nguard_rules);
  read_lists(L, p, "label_reqs", "label requirement", p->nlabels ? p->nlabels - 1 : 0,
             &p->lreq_lo, &p->lreq, &p->nlreq_lists, &p->nlreq);
  if (p->lreq_lo && p->nlreq_lists != p->nrules)
    luaL_error(L, "bad program: 'label_reqs' and 'fstart' differ in length");
  lua_getfield(L, 1, "sets");
  if (!lua_istable(L, -1)) luaL_error(L, "bad program: 'sets' is not a table");
  n = gl_rawlen(L, -1);
  for (i = 0, k = 0; i < n; i++) {          /* the sets' sizes, to size the table once */
    lua_rawgeti(L, -1, (int)i + 1);
    if (lua_istable(L, -1) && k < MAX_RESERVE) k += gl_rawlen(L, -1);
    lua_pop(L, 1);
  }
  if (gl_prog_reserve(p, k < MAX_RESERVE ? k : MAX_RESERVE) != GL_OK) gl_memory_error(L);
  for (i = 0; i < n; i++) {
    size_t j, m;
    lua_rawgeti(L, -1, (int)i + 1);
    if (!lua_istable(L, -1)) luaL_error(L, "bad program: set %d is not a table", (int)i + 1);
    m = gl_rawlen(L, -1);
    for (j = 0; j < m; j++) {
      size_t len;
      const char *s;
      lua_rawgeti(L, -1, (int)j + 1);
      if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "bad program: set %d holds a non-string", (int)i + 1);
      s = lua_tolstring(L, -1, &len);
      if (gl_prog_add_string(p, (uint32_t)i, s, len) != GL_OK) gl_memory_error(L);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  st = gl_prog_finish(p, &why);
  if (st == GL_ENOMEM) gl_memory_error(L);
  if (st != GL_OK) luaL_error(L, "bad program: %s", why);
  return 1;
}

/* --- running ---------------------------------------------------------- */

typedef struct ExtCtx {
  lua_State *L;
  int fn;               /* stack index of the callback */
} ExtCtx;

/* Calls fn(ext + 1, token + 1) in protected mode; on an error, leaves the
** error value on the stack and returns -1. */
static int call_extern (void *vctx, uint32_t ext, size_t token) {
  ExtCtx *c = (ExtCtx *)vctx;
  lua_State *L = c->L;
  int v;
  lua_pushvalue(L, c->fn);
  lua_pushinteger(L, (lua_Integer)ext + 1);
  lua_pushinteger(L, (lua_Integer)token + 1);
  if (lua_pcall(L, 2, 1, 0) != 0) return -1;
  v = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return v;
}

/* Keys read from span and filter tables, pushed once per run. */
enum { SK_FIRST, SK_LAST, SK_LABEL, SK_ATTRS, SK_KEYS, SK_ID, SK_COUNT };
static const char *const span_fields[] = { "first", "last", "label", "attrs", "keys", "id" };

/* Pushes t[key] for a key string at stack index keys + k (raw; t is an
** absolute index). */
static int raw_field (lua_State *L, int t, int keys, int k) {
  lua_pushvalue(L, keys + k);
  lua_rawget(L, t);
  return lua_type(L, -1);
}

/* Does the span table at index sp pass the filter table at index f
** ({label =, keys = {...}, attrs = {...}}, see glean.pattern)? */
static int filter_accepts (lua_State *L, int f, int sp, int keys) {
  int ok = 1, attrs, fattrs, fkeys;
  size_t j, nk;
  int top = lua_gettop(L);
  if (raw_field(L, f, keys, SK_LABEL) != LUA_TNIL) {
    raw_field(L, sp, keys, SK_LABEL);
    ok = lua_rawequal(L, -1, -2);
  }
  if (ok && raw_field(L, sp, keys, SK_ATTRS) != LUA_TTABLE) ok = 0;
  attrs = lua_gettop(L);
  if (ok) {
    raw_field(L, f, keys, SK_ATTRS);
    fattrs = lua_gettop(L);
    raw_field(L, f, keys, SK_KEYS);
    fkeys = lua_gettop(L);
    if (!lua_istable(L, fattrs) || !lua_istable(L, fkeys)) ok = 0;
    nk = ok ? gl_rawlen(L, fkeys) : 0;
    for (j = 1; ok && j <= nk; j++) {
      int want, have;
      lua_rawgeti(L, fkeys, (int)j);
      lua_pushvalue(L, -1);
      lua_rawget(L, fattrs);
      want = lua_gettop(L);
      lua_pushvalue(L, -2);
      lua_rawget(L, attrs);
      have = lua_gettop(L);
      if (lua_isnil(L, have)) ok = 0;
      else if (lua_istable(L, want)) {
        size_t w, nw = gl_rawlen(L, want);
        ok = 0;
        for (w = 1; !ok && w <= nw; w++) {
          lua_rawgeti(L, want, (int)w);
          ok = lua_rawequal(L, -1, have);
          lua_pop(L, 1);
        }
      }
      else if (!(lua_isboolean(L, want) && lua_toboolean(L, want)))
        ok = lua_rawequal(L, want, have);
      lua_settop(L, have - 3);
    }
  }
  lua_settop(L, top);
  return ok;
}

/* Adds span first..last (1-based) with the label id at the top of the
** stack, if it is one; pops it. */
static int add_with_id (lua_State *L, gl_PRun *r, lua_Integer f, lua_Integer l) {
  int st = GL_OK;
  if (lua_isnumber(L, -1)) {
    lua_Integer id = lua_tointeger(L, -1);
    if (id >= 0 && id < 0x7fffffff)
      st = gl_pm_add_span(r, (uint32_t)(f - 1), (uint32_t)(l - 1), (uint32_t)id);
  }
  lua_pop(L, 1);
  return st;
}

/* Adds the spans the program can see: each span table of the array at
** idx whose label has an id in the labels table, and the synthetic labels
** of the filters (T.attr, T.span with attributes) it passes. */
static int add_span_tables (lua_State *L, gl_PRun *r, gl_LDoc *d, int idx, int labels,
                            int filters) {
  size_t i, n = gl_rawlen(L, idx), nf = lua_istable(L, filters) ? gl_rawlen(L, filters) : 0;
  int keys, k;
  luaL_checkstack(L, SK_COUNT + 16, "pattern run");
  keys = lua_gettop(L) + 1;
  for (k = 0; k < SK_COUNT; k++) lua_pushstring(L, span_fields[k]);
  for (i = 1; i <= n; i++) {
    int sp;
    lua_Integer f, l;
    size_t j;
    lua_rawgeti(L, idx, (int)i);
    sp = lua_gettop(L);
    if (!lua_istable(L, sp)) { lua_pop(L, 1); continue; }
    raw_field(L, sp, keys, SK_LABEL);
    lua_rawget(L, labels);              /* the label's id: read first, since */
    if (nf == 0 && lua_isnil(L, -1)) {  /* most spans are of labels unseen */
      lua_pop(L, 2);
      continue;
    }
    raw_field(L, sp, keys, SK_FIRST);
    raw_field(L, sp, keys, SK_LAST);
    f = lua_tointeger(L, -2);
    l = lua_tointeger(L, -1);
    lua_pop(L, 2);
    if (f < 1 || l < f || (size_t)l > d->t.ntok) { lua_pop(L, 2); continue; }
    if (add_with_id(L, r, f, l) != GL_OK) return GL_ENOMEM;
    for (j = 1; j <= nf; j++) {
      int ft;
      lua_rawgeti(L, filters, (int)j);
      ft = lua_gettop(L);
      if (lua_istable(L, ft) && filter_accepts(L, ft, sp, keys)) {
        raw_field(L, ft, keys, SK_ID);
        if (add_with_id(L, r, f, l) != GL_OK) return GL_ENOMEM;
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_settop(L, keys - 1);
  return GL_OK;
}

/* Raises the error of a run that failed with status st. */
static int run_error (lua_State *L, int st) {
  if (st == GL_EHOST) return lua_error(L);     /* the callback's error value */
  if (st == GL_ENOMEM) return gl_memory_error(L);
  if (st == GL_ETOOBIG) return luaL_error(L, "text has too many tokens");
  return luaL_error(L, "pattern run failed (%d)", st);
}

/***
** prog:run(doc, spans [, ext [, captures [, labels [, filters [, forms
** [, fresh]]]]]]): the
** leftmost-longest non-overlapping matches of every rule, as a flat array
** (rule, first, last, ...), 1-based, by first token. spans is a flat array
** (first, last, label, ...) with 1-based tokens and 0-based labels; or,
** with labels (name -> id), an array of span tables {first, last, label,
** attrs}, seen through labels and filters (see glean.pattern). forms
** (core.forms()) keeps the tokens' folded forms from one program to the
** next over the same Doc; fresh says the Doc is a new one. ext(n, i) answers
** extern predicate n on token i. With captures true, a second table maps
** each match number with captures to its capture boundaries (0-based
** positions between tokens, false when unset); with captures a table
** (rule number -> true), only the matches of those rules get theirs.
*/
static int program_run (lua_State *L) {
  LProgram *lp = program_check(L, 1);
  gl_LDoc *d = gl_doc_check(L, 2);
  LForms *forms;
  int want_caps = lua_toboolean(L, 5), some_caps = lua_istable(L, 5), st, temp = 0;
  gl_PRun *r;
  ExtCtx ctx;
  size_t i, n, k;
  void *ud;
  lua_Alloc allocf = lua_getallocf(L, &ud);
  uint32_t *slots = NULL;
  luaL_checktype(L, 3, LUA_TTABLE);
  if (lp->p.nexterns) luaL_checktype(L, 4, LUA_TFUNCTION);
  if (!lua_isnoneornil(L, 6)) luaL_checktype(L, 6, LUA_TTABLE);
  forms = lua_isnoneornil(L, 8) ? NULL : (LForms *)luaL_checkudata(L, 8, GL_FORMS_TYPE);
  lua_settop(L, 9);
  luaL_checkstack(L, 8, "pattern run");
  if (lp->busy) {       /* called again from a callback: a run of its own */
    LRun *lr = (LRun *)lua_newuserdata(L, sizeof(LRun));
    memset(lr, 0, sizeof(*lr));
    luaL_getmetatable(L, GL_RUN_TYPE);
    lua_setmetatable(L, -2);
    r = &lr->run;
    temp = 1;
  }
  else r = &lp->run;
  if (forms != NULL && (lua_toboolean(L, 9) || forms->f.tok != d->t.tok ||
                        forms->f.ntok != d->t.ntok || forms->f.text != d->text) &&
      gl_forms_init(&forms->f, d->t.tok, d->t.ntok, d->text, allocf, ud) != GL_OK) {
    gl_forms_free(&forms->f);
    return gl_memory_error(L);
  }
  if (forms != NULL && gl_forms_prog_index(&forms->f, &lp->p) < 0) {
    /* the program's strings join the store's vocabulary; the store keeps
    ** the program alive (its user value lists them) */
    if (gl_forms_add_prog(&forms->f, &lp->p) != GL_OK) return gl_memory_error(L);
    gl_getuservalue(L, 8);
    lua_pushvalue(L, 1);
    lua_rawseti(L, -2, (int)gl_rawlen(L, -2) + 1);
    lua_pop(L, 1);
  }
  st = gl_pm_init(r, &lp->p, d->t.tok, d->t.ntok, d->text, forms ? &forms->f : NULL,
                  allocf, ud);
  if (st != GL_OK) return run_error(L, st);
  n = lua_istable(L, 6) ? 0 : gl_rawlen(L, 3);
  if (lua_istable(L, 6) && lp->p.nlabels > 0 &&      /* no T.span, T.label: no spans */
      add_span_tables(L, r, d, 3, 6, 7) != GL_OK)
    return gl_memory_error(L);
  if (n % 3 != 0) luaL_argerror(L, 3, "spans: a flat array of (first, last, label)");
  for (i = 0; i < n; i += 3) {
    lua_Integer f, l, lab;
    lua_rawgeti(L, 3, (int)i + 1);
    lua_rawgeti(L, 3, (int)i + 2);
    lua_rawgeti(L, 3, (int)i + 3);
    f = lua_tointeger(L, -3);
    l = lua_tointeger(L, -2);
    lab = lua_tointeger(L, -1);
    lua_pop(L, 3);
    if (f >= 1 && l >= f && (size_t)l <= d->t.ntok && lab >= 0 && lab < 0x7fffffff &&
        gl_pm_add_span(r, (uint32_t)(f - 1), (uint32_t)(l - 1), (uint32_t)lab) != GL_OK)
      return gl_memory_error(L);
  }
  ctx.L = L;
  ctx.fn = 4;
  r->ext = call_extern;
  r->ext_ctx = &ctx;
  if (!temp) lp->busy = 1;
  d->busy++;
  st = gl_pm_find(r);
  d->busy--;
  if (!temp) lp->busy = 0;
  if (st != GL_OK) return run_error(L, st);
  lp->work = (double)r->work;
  lua_createtable(L, (int)(3 * r->nfound), 0);
  for (i = 0; i < r->nfound; i++) {
    lua_pushinteger(L, (lua_Integer)r->found[i].rule + 1);
    lua_rawseti(L, -2, (int)(3 * i + 1));
    lua_pushinteger(L, (lua_Integer)r->found[i].first + 1);
    lua_rawseti(L, -2, (int)(3 * i + 2));
    lua_pushinteger(L, (lua_Integer)r->found[i].last + 1);
    lua_rawseti(L, -2, (int)(3 * i + 3));
  }
  if (!want_caps) return 1;
  for (i = 0, k = 0; i < lp->p.nrules; i++) if (lp->p.ncaps[i] > k) k = lp->p.ncaps[i];
  slots = (uint32_t *)lua_newuserdata(L, (k ? k : 1) * sizeof(uint32_t));
  lua_newtable(L);
  for (i = 0; i < r->nfound; i++) {
    gl_PMatch m = r->found[i];
    uint32_t nc = lp->p.ncaps[m.rule];
    if (nc == 0) continue;
    if (some_caps) {                    /* only the rules listed */
      int listed = (lua_rawgeti(L, 5, (int)m.rule + 1), lua_toboolean(L, -1));
      lua_pop(L, 1);
      if (!listed) continue;
    }
    if (!temp) lp->busy = 1;
    d->busy++;
    st = gl_pm_captures(r, m.rule, m.first, m.last, slots);
    d->busy--;
    if (!temp) lp->busy = 0;
    if (st > 0) return run_error(L, st);
    if (st < 0) continue;
    lua_createtable(L, (int)nc, 0);
    for (k = 0; k < nc; k++) {
      if (slots[k] == UINT32_MAX) lua_pushboolean(L, 0);
      else lua_pushinteger(L, (lua_Integer)slots[k]);
      lua_rawseti(L, -2, (int)k + 1);
    }
    lua_rawseti(L, -2, (int)i + 1);
  }
  lua_remove(L, -2);                    /* the scratch slots */
  return 2;
}

/* --- settling overlaps ------------------------------------------------ */

typedef struct Cand {
  uint32_t first, last, rule, idx;      /* idx: 0-based position in the input */
  uint32_t won;
  lua_Number prio;
} Cand;

enum { POLICY_LONGEST, POLICY_PRIORITY, POLICY_FIRST, POLICY_ALL };

static int by_first (const void *x, const void *y) {
  const Cand *a = (const Cand *)x, *b = (const Cand *)y;
  if (a->first != b->first) return a->first < b->first ? -1 : 1;
  return (a->idx > b->idx) - (a->idx < b->idx);
}

#define CMP(x, y, better) if ((x) != (y)) return (better) ? -1 : 1

static int by_longest (const void *x, const void *y) {
  const Cand *a = (const Cand *)x, *b = (const Cand *)y;
  CMP(a->last - a->first, b->last - b->first, a->last - a->first > b->last - b->first);
  CMP(a->prio, b->prio, a->prio > b->prio);
  CMP(a->first, b->first, a->first < b->first);
  CMP(a->rule, b->rule, a->rule < b->rule);
  return (a->idx > b->idx) - (a->idx < b->idx);
}

static int by_priority (const void *x, const void *y) {
  const Cand *a = (const Cand *)x, *b = (const Cand *)y;
  CMP(a->prio, b->prio, a->prio > b->prio);
  return by_longest(x, y);
}

static int by_rule (const void *x, const void *y) {
  const Cand *a = (const Cand *)x, *b = (const Cand *)y;
  CMP(a->rule, b->rule, a->rule < b->rule);
  CMP(a->first, b->first, a->first < b->first);
  CMP(a->last, b->last, a->last > b->last);
  return (a->idx > b->idx) - (a->idx < b->idx);
}

#undef CMP

/***
** core.settle(cands, prios, ranks, policy [, explain]): settles the
** overlaps of candidate matches, a flat array (rule, first, last, ...)
** whose 1-based rule numbers index prios (priorities) and ranks (the order
** of the rules for "first" and ties). policy: "longest", "priority",
** "first" or "all".
** Returns the winners' candidate numbers (1-based) in text order; with
** explain, also a flat array (loser, winner, ...) of candidate numbers.
*/
static int l_settle (lua_State *L) {
  static const char *const policies[] = { "longest", "priority", "first", "all", NULL };
  static int (*const orders[])(const void *, const void *) = { by_longest, by_priority, by_rule };
  size_t n, i, j, nw = 0, nd = 0, cap_taken = 0;
  int policy, explain;
  Cand *c;
  uint32_t *taken = NULL;
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 3, LUA_TTABLE);
  policy = luaL_checkoption(L, 4, NULL, policies);
  explain = lua_toboolean(L, 5);
  lua_remove(L, 4);                     /* ranks at 3, explain at 4 */
  lua_settop(L, 4);
  n = gl_rawlen(L, 1);
  if (n % 3 != 0) luaL_argerror(L, 1, "a flat array of (rule, first, last)");
  n /= 3;
  c = (Cand *)lua_newuserdata(L, (n ? n : 1) * sizeof(Cand));      /* 5 */
  for (i = 0; i < n; i++) {
    lua_Integer v[3];
    int k;
    for (k = 0; k < 3; k++) {
      lua_rawgeti(L, 1, (int)(3 * i + k + 1));
      v[k] = lua_tointeger(L, -1);
      lua_pop(L, 1);
    }
    if (v[0] < 1 || v[1] < 1 || v[2] < v[1] || v[2] > 0x7fffffff)
      luaL_argerror(L, 1, "bad candidate (rule, first, last)");
    lua_rawgeti(L, 2, (int)v[0]);
    c[i].prio = lua_tonumber(L, -1);
    lua_rawgeti(L, 3, (int)v[0]);
    c[i].rule = (uint32_t)lua_tointeger(L, -1);   /* its rank */
    lua_pop(L, 2);
    c[i].first = (uint32_t)v[1];
    c[i].last = (uint32_t)v[2];
    c[i].idx = (uint32_t)i;
  }
  qsort(c, n, sizeof(Cand), by_first);
  lua_createtable(L, (int)n, 0);                                    /* 6: winners */
  lua_newtable(L);                                                  /* 7: dropped */
  for (i = 0; i < n; i = j + 1) {
    uint32_t reach = c[i].last;
    size_t k;
    j = i;
    while (j + 1 < n && c[j + 1].first <= reach) {
      j++;
      if (c[j].last > reach) reach = c[j].last;
    }
    if (policy == POLICY_ALL || j == i) {
      for (k = i; k <= j; k++) {
        lua_pushinteger(L, (lua_Integer)c[k].idx + 1);
        lua_rawseti(L, 6, (int)++nw);
      }
      continue;
    }
    /* a cluster: best first, each taking its tokens if they are free */
    {
      uint32_t lo = c[i].first, t;      /* c[i] is the leftmost: by_first */
      size_t span = (size_t)(reach - lo) + 1;
      qsort(c + i, j - i + 1, sizeof(Cand), orders[policy]);
      if (span > cap_taken) {
        cap_taken = span;
        taken = (uint32_t *)lua_newuserdata(L, cap_taken * sizeof(uint32_t));
        lua_replace(L, 4);              /* keeps the newest scratch alive */
      }
      memset(taken, 0, span * sizeof(uint32_t));
      for (k = i; k <= j; k++) {
        uint32_t blocker = 0;
        c[k].won = 0;
        for (t = c[k].first; t <= c[k].last && !blocker; t++) blocker = taken[t - lo];
        if (blocker) {
          if (explain) {
            lua_pushinteger(L, (lua_Integer)c[k].idx + 1);
            lua_rawseti(L, 7, (int)++nd);
            lua_pushinteger(L, (lua_Integer)blocker);
            lua_rawseti(L, 7, (int)++nd);
          }
          continue;
        }
        for (t = c[k].first; t <= c[k].last; t++) taken[t - lo] = c[k].idx + 1;
        c[k].won = 1;
      }
      qsort(c + i, j - i + 1, sizeof(Cand), by_first);
      for (k = i; k <= j; k++) {
        if (!c[k].won) continue;
        lua_pushinteger(L, (lua_Integer)c[k].idx + 1);
        lua_rawseti(L, 6, (int)++nw);
      }
    }
  }
  lua_pushvalue(L, 6);
  if (!explain) return 1;
  lua_pushvalue(L, 7);
  return 2;
}

/* --- making spans -------------------------------------------------------- */

/* The fields of a span, pushed once as keys (interning a key string for
** every field of every span would cost more than the rest). */
static const char *const span_keys[] = {
  "start", "stop", "first", "last", "label", "attrs", "rule", "text", NULL
};
enum { K_START, K_STOP, K_FIRST, K_LAST, K_LABEL, K_ATTRS, K_RULE, K_TEXT, K_COUNT };

/* Replaces the label on top of the stack with a new span table over tokens
** first..last (checked by the caller) with that label and its start, stop,
** first, last and text; the keys are at `keys`. */
static void span_table (lua_State *L, const gl_LDoc *d, int keys,
                        lua_Integer first, lua_Integer last) {
  const gl_Token *a = &d->t.tok[first - 1], *b = &d->t.tok[last - 1];
  int span;
  lua_createtable(L, 0, K_COUNT);
  lua_insert(L, -2);                    /* the label on top again */
  span = lua_gettop(L) - 1;
#define SET(key, push) (lua_pushvalue(L, keys + (key)), push, lua_rawset(L, span))
  lua_pushvalue(L, keys + K_LABEL);
  lua_insert(L, -2);
  lua_rawset(L, span);
  SET(K_START, lua_pushinteger(L, (lua_Integer)a->start + 1));
  SET(K_STOP, lua_pushinteger(L, (lua_Integer)b->stop));
  SET(K_FIRST, lua_pushinteger(L, first));
  SET(K_LAST, lua_pushinteger(L, last));
  SET(K_TEXT, lua_pushlstring(L, (const char *)d->text + a->start, b->stop - a->start));
#undef SET
}

/* The attributes of the span at `span`: a copy of the table on top of the
** stack (left there), or when that is no table, the metatable at `mt`
** (span_mt: an empty attrs table made on first use), if not nil. */
static void span_attrs (lua_State *L, int keys, int span, int mt) {
  if (lua_istable(L, -1)) {
    int from = lua_gettop(L);
    lua_pushvalue(L, keys + K_ATTRS);
    lua_newtable(L);
    for (lua_pushnil(L); lua_next(L, from); ) {
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_rawset(L, -4);
    }
    lua_rawset(L, span);
  }
  else if (!lua_isnil(L, mt)) {
    lua_pushvalue(L, mt);
    lua_setmetatable(L, span);
  }
}

/* A pending list being appended to: its length, the tokens of its last
** span, and whether it is still in text order. */
typedef struct Pending {
  size_t n;
  lua_Integer first, last;
  int in_order;
} Pending;

/* Reads the pending list at idx (its last span: the order of the spans
** appended after it is checked from there). */
static void pending_open (lua_State *L, int idx, Pending *pd) {
  pd->n = gl_rawlen(L, idx);
  pd->first = pd->last = 0;
  pd->in_order = 1;
  if (pd->n > 0) {
    lua_rawgeti(L, idx, (int)pd->n);
    lua_getfield(L, -1, "first");
    lua_getfield(L, -2, "last");
    pd->first = lua_tointeger(L, -2);
    pd->last = lua_tointeger(L, -1);
    lua_pop(L, 3);
  }
}

/* Appends the span on top of the stack (over first..last) to the pending
** list at idx, popping it. */
static void pending_add (lua_State *L, int idx, Pending *pd, lua_Integer first,
                         lua_Integer last) {
  if (pd->n > 0 && (first < pd->first || (first == pd->first && last > pd->last)))
    pd->in_order = 0;
  pd->first = first;
  pd->last = last;
  lua_rawseti(L, idx, (int)++pd->n);
}

/***
** core.make_spans(doc, pending, cands, winners, labels, names, attrs
** [, span_mt]): makes the spans of the winning candidates (see core.settle)
** whose rule number has a label in labels: tables {start, stop, first,
** last, label, attrs, rule, text} appended to pending, with attrs a copy of
** attrs[rule], or, for rules without, span_mt as metatable (it makes an
** empty attrs table on first use: most spans never need one; and 8 fields
** fit a table's hash part, 9 would double it). rule = names[rule].
** Returns whether pending stayed in text order, and an array aligned with
** winners holding each one's span (or false).
*/
static int l_make_spans (lua_State *L) {
  gl_LDoc *d = gl_doc_check(L, 1);
  size_t nw, i;
  Pending pd;
  int k, keys, span;
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 3, LUA_TTABLE);
  luaL_checktype(L, 4, LUA_TTABLE);
  luaL_checktype(L, 5, LUA_TTABLE);
  luaL_checktype(L, 6, LUA_TTABLE);
  luaL_checktype(L, 7, LUA_TTABLE);
  lua_settop(L, 8);
  lua_pushnil(L);                       /* 9: (nothing) */
  luaL_checkstack(L, K_COUNT + 10, "make_spans");
  pending_open(L, 2, &pd);
  nw = gl_rawlen(L, 4);
  lua_createtable(L, (int)nw, 0);                               /* 10: spans */
  keys = lua_gettop(L) + 1;
  for (k = 0; k < K_COUNT; k++) lua_pushstring(L, span_keys[k]);
  span = lua_gettop(L) + 1;
#define SET(key, push) (lua_pushvalue(L, keys + (key)), push, lua_rawset(L, span))
  for (i = 1; i <= nw; i++) {
    lua_Integer w, rn, first, last;
    lua_rawgeti(L, 4, (int)i);
    w = lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_rawgeti(L, 3, (int)(3 * w - 2));
    lua_rawgeti(L, 3, (int)(3 * w - 1));
    lua_rawgeti(L, 3, (int)(3 * w));
    rn = lua_tointeger(L, -3);
    first = lua_tointeger(L, -2);
    last = lua_tointeger(L, -1);
    lua_pop(L, 3);
    lua_rawgeti(L, 5, (int)rn);
    if (lua_type(L, -1) != LUA_TSTRING) {
      lua_pop(L, 1);
      lua_pushboolean(L, 0);
      lua_rawseti(L, 10, (int)i);
      continue;
    }
    if (first < 1 || last < first || (size_t)last > d->t.ntok)
      luaL_error(L, "candidate %d out of the Doc's tokens", (int)w);
    span_table(L, d, keys, first, last);                        /* span */
    SET(K_RULE, lua_rawgeti(L, 6, (int)rn));
    lua_rawgeti(L, 7, (int)rn);
    span_attrs(L, keys, span, 8);
    lua_pop(L, 1);
    lua_pushvalue(L, span);
    pending_add(L, 2, &pd, first, last);
    lua_rawseti(L, 10, (int)i);
  }
#undef SET
  lua_pushboolean(L, pd.in_order);
  lua_pushvalue(L, 10);
  return 2;
}

/***
** core.gazetteer_spans(doc, pending, firsts, lasts, entries, labels, attrs,
** rule [, span_mt]): makes the spans of a gazetteer's hits (Matcher:hits)
** and appends them to pending, as core.make_spans does: hit k covers
** tokens firsts[k]..lasts[k], its label is labels[entries[k]] and its
** attrs a copy of attrs[entries[k]] (or, when that is no table, span_mt as
** metatable). Hits whose entry has no label are skipped. Returns whether
** pending stayed in text order. (One call per gazetteer and Doc, instead
** of a Lua loop making each span.)
*/
static int l_gazetteer_spans (lua_State *L) {
  gl_LDoc *d = gl_doc_check(L, 1);
  size_t nh, i;
  Pending pd;
  int k, keys, span;
  for (k = 2; k <= 7; k++) luaL_checktype(L, k, LUA_TTABLE);
  luaL_checktype(L, 8, LUA_TSTRING);
  lua_settop(L, 9);
  luaL_checkstack(L, K_COUNT + 10, "gazetteer_spans");
  pending_open(L, 2, &pd);
  nh = gl_rawlen(L, 3);
  keys = lua_gettop(L) + 1;
  for (k = 0; k < K_COUNT; k++) lua_pushstring(L, span_keys[k]);
  span = lua_gettop(L) + 1;
  for (i = 1; i <= nh; i++) {
    lua_Integer first, last, entry;
    lua_rawgeti(L, 3, (int)i);
    lua_rawgeti(L, 4, (int)i);
    lua_rawgeti(L, 5, (int)i);
    first = lua_tointeger(L, -3);
    last = lua_tointeger(L, -2);
    entry = lua_tointeger(L, -1);
    lua_pop(L, 3);
    if (first < 1 || last < first || (size_t)last > d->t.ntok)
      luaL_error(L, "hit %d out of the Doc's tokens", (int)i);
    lua_rawgeti(L, 6, (int)entry);
    if (lua_type(L, -1) != LUA_TSTRING) {
      lua_pop(L, 1);
      continue;
    }
    span_table(L, d, keys, first, last);
    lua_pushvalue(L, keys + K_RULE);
    lua_pushvalue(L, 8);
    lua_rawset(L, span);
    lua_rawgeti(L, 7, (int)entry);
    span_attrs(L, keys, span, 9);
    lua_pop(L, 1);
    pending_add(L, 2, &pd, first, last);
  }
  lua_pushboolean(L, pd.in_order);
  return 1;
}

/* --- keeping spans in text order --------------------------------------- */

typedef struct SpanKey {
  lua_Number first, last;
  uint32_t idx;                 /* position in its list, 0-based */
} SpanKey;

/* Text order: by first token, longer first, then as made. */
static int by_text_order (const void *x, const void *y) {
  const SpanKey *a = (const SpanKey *)x, *b = (const SpanKey *)y;
  if (a->first != b->first) return a->first < b->first ? -1 : 1;
  if (a->last != b->last) return a->last > b->last ? -1 : 1;
  return (a->idx > b->idx) - (a->idx < b->idx);
}

/* Reads the first and last fields of the n span tables of the array at
** idx into keys (keys pushed at k_first, k_last). */
static void read_span_keys (lua_State *L, int idx, size_t n, SpanKey *keys, int k_first) {
  size_t i;
  for (i = 0; i < n; i++) {
    lua_rawgeti(L, idx, (int)i + 1);
    if (lua_istable(L, -1)) {
      lua_pushvalue(L, k_first);
      lua_rawget(L, -2);
      lua_pushvalue(L, k_first + 1);
      lua_rawget(L, -3);
      keys[i].first = lua_tonumber(L, -2);
      keys[i].last = lua_tonumber(L, -1);
      lua_pop(L, 3);
    }
    else {
      keys[i].first = keys[i].last = 0;
      lua_pop(L, 1);
    }
    keys[i].idx = (uint32_t)i;
  }
}

/***
** core.merge_spans(spans, pending, pending_sorted): a new array of the
** spans of both arrays in text order (by first token, longer first; spans
** over the same tokens in the order made: those of spans, then those of
** pending in their order). spans must be in text order already; pending
** too when pending_sorted is true.
*/
static int l_merge_spans (lua_State *L) {
  size_t no, np, i, j, n = 0;
  SpanKey *ko, *kp;
  int sorted;
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  sorted = lua_toboolean(L, 3);
  lua_settop(L, 2);
  no = gl_rawlen(L, 1);
  np = gl_rawlen(L, 2);
  if (no > 0x7ffffff0 || np > 0x7ffffff0 - no) return luaL_error(L, "too many spans");
  lua_pushliteral(L, "first");                                      /* 3 */
  lua_pushliteral(L, "last");                                       /* 4 */
  ko = (SpanKey *)lua_newuserdata(L, (no + np + 1) * sizeof(SpanKey));   /* 5 */
  kp = ko + no;
  read_span_keys(L, 1, no, ko, 3);
  read_span_keys(L, 2, np, kp, 3);
  if (!sorted && np > 1) qsort(kp, np, sizeof(SpanKey), by_text_order);
  lua_createtable(L, (int)(no + np), 0);                            /* 6 */
  for (i = 0, j = 0; i < no || j < np; ) {
    /* a pending span goes first only when strictly before in text order */
    if (j < np && (i >= no || kp[j].first < ko[i].first ||
                   (kp[j].first == ko[i].first && kp[j].last > ko[i].last))) {
      lua_rawgeti(L, 2, (int)kp[j++].idx + 1);
    }
    else lua_rawgeti(L, 1, (int)ko[i++].idx + 1);
    lua_rawseti(L, 6, (int)++n);
  }
  return 1;
}

/***
** core.select_spans(spans [, want]): a new array of the span tables of
** spans (an array) whose label is want (a string), or a key of want (a
** table: label -> true); all of them when want is nil. For doc:spans,
** which rule files call from actions: there, under the sandbox's
** instruction hook, a loop in Lua costs several times more.
*/
static int l_select_spans (lua_State *L) {
  size_t n, i, k = 0;
  int set;
  luaL_checktype(L, 1, LUA_TTABLE);
  set = lua_istable(L, 2);
  if (!set && !lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TSTRING);
  lua_settop(L, 2);
  n = gl_rawlen(L, 1);
  if (n > 0x7ffffff0) return luaL_error(L, "too many spans");
  lua_pushliteral(L, "label");                                      /* 3 */
  lua_createtable(L, lua_isnil(L, 2) ? (int)n : 0, 0);              /* 4 */
  for (i = 1; i <= n; i++) {
    int keep = 1;
    lua_rawgeti(L, 1, (int)i);                                      /* 5: span */
    if (!lua_isnil(L, 2)) {
      if (!lua_istable(L, 5)) keep = 0;
      else {
        lua_pushvalue(L, 3);
        lua_rawget(L, 5);                                           /* 6: label */
        if (set) {
          keep = !lua_isnil(L, 6) && (lua_rawget(L, 2), lua_toboolean(L, 6));
        }
        else keep = lua_type(L, 6) == LUA_TSTRING && lua_rawequal(L, 6, 2);
        lua_settop(L, 5);
      }
    }
    if (keep) lua_rawseti(L, 4, (int)++k);
    else lua_pop(L, 1);
  }
  return 1;
}

/* --- what the text-rule scan may cost -------------------------------- */

#define GL_BYTE_WEIGHTS "glean.ByteWeights"

/***
** core.byte_weights(t): 256 weights, t[b + 1] for byte value b (a number,
** 0 when missing), as a userdata for core.scan_cost.
*/
static int l_byte_weights (lua_State *L) {
  double *w;
  int b;
  luaL_checktype(L, 1, LUA_TTABLE);
  w = (double *)lua_newuserdata(L, 256 * sizeof(double));
  for (b = 0; b < 256; b++) {
    lua_rawgeti(L, 1, b + 1);
    w[b] = lua_isnumber(L, -1) ? (double)lua_tonumber(L, -1) : 0.0;
    if (!(w[b] >= 0)) w[b] = 0;         /* negative or NaN */
    lua_pop(L, 1);
  }
  luaL_newmetatable(L, GL_BYTE_WEIGHTS);
  lua_setmetatable(L, -2);
  return 1;
}

/* The scan's classes: ASCII letters and digits (GL_A_ALNUM), and the six
** ASCII blanks " \t\r\n\f\v" (GL_A_SPACE: ASCII White_Space is these). */
#define SCAN_WORD(c)   (gl_ascii_class[c] & GL_A_ALNUM)
#define SCAN_SPACE(c)  (gl_ascii_class[c] & GL_A_SPACE)

/***
** core.scan_cost(text, weights): the sum of the weights of the bytes at
** which the text-rule scan of glean.rules tries its patterns: it skips a
** run of ASCII letters and digits with the blanks after it, a run of
** blanks, or one other byte, and tries at the start of each (keep the
** two in step). An untrusted rule file's scan is charged this before it
** runs (weights: what trying each rule costs, by its first byte).
*/
static int l_scan_cost (lua_State *L) {
  size_t n, i = 0;
  const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &n);
  const double *w = (const double *)luaL_checkudata(L, 2, GL_BYTE_WEIGHTS);
  double sum = 0;
  while (i < n) {
    sum += w[s[i]];
    if (SCAN_WORD(s[i])) {
      while (i < n && SCAN_WORD(s[i])) i++;
      while (i < n && SCAN_SPACE(s[i])) i++;
    }
    else if (SCAN_SPACE(s[i])) {
      while (i < n && SCAN_SPACE(s[i])) i++;
    }
    else i++;
  }
  lua_pushnumber(L, (lua_Number)sum);
  return 1;
}

static void set_count (lua_State *L, const char *k, size_t v) {
  lua_pushinteger(L, (lua_Integer)v);
  lua_setfield(L, -2, k);
}

/***
** prog:stats(): sizes of the program and of its start dispatch, and the
** work of its last run (instructions visited and threads stepped).
*/
static int program_stats (lua_State *L) {
  LProgram *lp = program_check(L, 1);
  const gl_Prog *p = &lp->p;
  size_t i, keys = 0;
  for (i = 0; i < p->nkeys; i++) keys += p->keys[i].used != 0;
  lua_createtable(L, 0, 8);
  set_count(L, "code", p->ncode);
  set_count(L, "preds", p->npreds);
  set_count(L, "rules", p->nrules);
  set_count(L, "strings", p->nstrings);
  set_count(L, "starts", p->nstarts);
  set_count(L, "keys", keys);
  set_count(L, "groups", p->ngroups);
  set_count(L, "span_starts", p->span_n);
  set_count(L, "entries", p->nentries);
  set_count(L, "guards", p->nguards);
  lua_pushnumber(L, (lua_Number)lp->work);
  lua_setfield(L, -2, "work");
  return 1;
}

static int program_tostring (lua_State *L) {
  LProgram *lp = (LProgram *)luaL_checkudata(L, 1, GL_PROGRAM_TYPE);
  if (lp->p.alloc == NULL) lua_pushfstring(L, GL_PROGRAM_TYPE " (closed) (%p)", (void *)lp);
  else lua_pushfstring(L, GL_PROGRAM_TYPE " (%d rules) (%p)", (int)lp->p.nrules, (void *)lp);
  return 1;
}

static const luaL_Reg program_methods[] = {
  { "run", program_run }, { "stats", program_stats }, { "close", program_gc },
  { NULL, NULL }
};

static const luaL_Reg program_meta[] = {
  { "__gc", program_gc }, { "__tostring", program_tostring }, { NULL, NULL }
};

static int forms_gc (lua_State *L) {
  LForms *f = (LForms *)luaL_checkudata(L, 1, GL_FORMS_TYPE);
  gl_forms_free(&f->f);
  return 0;
}

/***
** core.forms(): a store of token forms to pass to prog:run, with the
** vocabulary of the programs run with it (kept alive by the store).
*/
static int l_forms (lua_State *L) {
  LForms *f = (LForms *)gl_newuserdata(L, sizeof(LForms));
  memset(f, 0, sizeof(*f));
  luaL_getmetatable(L, GL_FORMS_TYPE);
  lua_setmetatable(L, -2);
  lua_newtable(L);                      /* the programs of its vocabulary */
  gl_setuservalue(L, -2);
  return 1;
}

static const luaL_Reg run_meta[] = {
  { "__gc", run_gc }, { NULL, NULL }
};

static const luaL_Reg forms_meta[] = {
  { "__gc", forms_gc }, { NULL, NULL }
};

static const luaL_Reg module_funcs[] = {
  { "program", l_program }, { "forms", l_forms }, { "settle", l_settle },
  { "make_spans", l_make_spans },
  { "gazetteer_spans", l_gazetteer_spans }, { "merge_spans", l_merge_spans },
  { "select_spans", l_select_spans }, { "byte_weights", l_byte_weights },
  { "scan_cost", l_scan_cost }, { NULL, NULL }
};

void gl_open_pattern (lua_State *L) {
  gl_register_type(L, GL_PROGRAM_TYPE, program_meta, program_methods, NULL);
  gl_register_type(L, GL_RUN_TYPE, run_meta, NULL, NULL);
  gl_register_type(L, GL_FORMS_TYPE, forms_meta, NULL, NULL);
  gl_setfuncs(L, module_funcs, 0);
}
