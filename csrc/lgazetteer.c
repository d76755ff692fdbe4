/*
** Lua bindings of gazetteers: the builder (glean.Gazetteer), the compiled
** matcher (glean.Matcher) and glean.load, which maps a compiled file.
*/
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1              /* MAP_POPULATE */
#endif

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__unix__) || defined(__APPLE__)
#define GL_HAVE_MMAP 1
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "lua.h"
#include "lauxlib.h"

#include "compat.h"
#include "gazetteer.h"
#include "lembed.h"
#include "lglean.h"
#include "match.h"

#define GL_GAZETTEER_TYPE  "glean.Gazetteer"
#define GL_MATCHER_TYPE    "glean.Matcher"
#define GL_RESULT_TYPE     "glean.MatchResult"

/* ======================================================================
** Builder
** ====================================================================== */

typedef struct LBuilder {
  gl_GzBuilder b;
} LBuilder;

static LBuilder *builder_check (lua_State *L, int idx) {
  LBuilder *lb = (LBuilder *)luaL_checkudata(L, idx, GL_GAZETTEER_TYPE);
  if (lb->b.alloc == NULL) luaL_argerror(L, idx, "attempt to use a closed " GL_GAZETTEER_TYPE);
  return lb;
}

static int raise_status (lua_State *L, int st) {
  switch (st) {
    case GL_ENOMEM: return gl_memory_error(L);
    case GL_GZ_EEMPTY: return luaL_argerror(L, 2, "empty phrase (no token to match)");
    case GL_GZ_ELONG: return luaL_argerror(L, 2, "phrase longer than 255 tokens");
    case GL_GZ_ETOOMANY: return luaL_error(L, "gazetteer too large (4 GiB at most)");
    default: return luaL_error(L, "gazetteer error %d", st);
  }
}

/***
** core.gazetteer(case, accents, tokenizer [, abbreviations]): a builder.
*/
static int gb_new (lua_State *L) {
  static const char *const cases[] = { "fold", "exact", "smart", NULL };
  static const char *const accents[] = { "fold", "keep", NULL };
  int case_mode = luaL_checkoption(L, 1, "fold", cases);
  int accent_mode = luaL_checkoption(L, 2, "fold", accents);
  gl_LTokenizer *tk = gl_tokenizer_check(L, 3);
  void *ud;
  lua_Alloc allocf = lua_getallocf(L, &ud);
  LBuilder *lb;
  int st;
  lua_settop(L, 4);
  lb = (LBuilder *)gl_newuserdata(L, sizeof(LBuilder));
  memset(lb, 0, sizeof(*lb));                /* harmless until initialised */
  luaL_getmetatable(L, GL_GAZETTEER_TYPE);
  lua_setmetatable(L, -2);
  st = gl_gzb_init(&lb->b, allocf, ud, case_mode, accent_mode, &tk->opts);
  if (st == GL_OK && lua_istable(L, 4)) {
    size_t i, n = gl_rawlen(L, 4);
    for (i = 1; i <= n && st == GL_OK; i++) {
      size_t len;
      const char *a;
      lua_rawgeti(L, 4, (int)i);
      a = lua_tolstring(L, -1, &len);
      if (a != NULL) st = gl_gzb_add_abbrev(&lb->b, a, len);
      lua_pop(L, 1);
    }
  }
  if (st != GL_OK) raise_status(L, st);
  return 1;
}

static int cmp_attr (const void *x, const void *y) {
  const gl_GzAttrIn *a = (const gl_GzAttrIn *)x, *b = (const gl_GzAttrIn *)y;
  size_t n = a->klen < b->klen ? a->klen : b->klen;
  int c = memcmp(a->key, b->key, n);
  return c ? c : (a->klen > b->klen) - (a->klen < b->klen);
}

/* Reads the entry at idx (nil, a label string, or a table of attributes)
** into a scratch array (a userdata left on the stack); returns its size. */
static size_t read_entry (lua_State *L, int idx, gl_GzAttrIn **out) {
  size_t n = 0, cap;
  gl_GzAttrIn *attrs;
  if (lua_isnoneornil(L, idx)) { *out = NULL; return 0; }
  if (lua_type(L, idx) == LUA_TSTRING) {
    attrs = (gl_GzAttrIn *)lua_newuserdata(L, sizeof(gl_GzAttrIn));
    memset(attrs, 0, sizeof(*attrs));
    attrs->key = "label";
    attrs->klen = 5;
    attrs->type = GL_GZ_T_STRING;
    attrs->str = lua_tolstring(L, idx, &attrs->slen);
    *out = attrs;
    return 1;
  }
  if (!lua_istable(L, idx))
    luaL_argerror(L, idx, "entry must be a table of attributes or a label string");
  for (cap = 0, lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1)) cap++;
  attrs = (gl_GzAttrIn *)lua_newuserdata(L, (cap ? cap : 1) * sizeof(gl_GzAttrIn));
  for (lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1)) {
    gl_GzAttrIn *a = &attrs[n];
    int vt = lua_type(L, -1);
    if (lua_type(L, -2) != LUA_TSTRING)
      luaL_argerror(L, idx, "entry attribute names must be strings");
    memset(a, 0, sizeof(*a));
    a->key = lua_tolstring(L, -2, &a->klen);
    if (a->klen == 6 && memcmp(a->key, "phrase", 6) == 0)
      luaL_argerror(L, idx, "'phrase' is reserved: entries report their phrase");
    if (vt == LUA_TSTRING) {
      a->type = GL_GZ_T_STRING;
      a->str = lua_tolstring(L, -1, &a->slen);
    }
    else if (vt == LUA_TNUMBER) {
#if LUA_VERSION_NUM >= 503
      if (lua_isinteger(L, -1)) {
        a->type = GL_GZ_T_INTEGER;
        a->integer = (int64_t)lua_tointeger(L, -1);
      }
      else
#endif
      {
        a->type = GL_GZ_T_NUMBER;
        a->number = (double)lua_tonumber(L, -1);
      }
    }
    else {
      lua_pushfstring(L, "bad entry attribute '%s' (string or number expected, got %s)",
                      a->key, luaL_typename(L, -1));
      luaL_argerror(L, idx, lua_tostring(L, -1));
    }
    n++;
  }
  qsort(attrs, n, sizeof(gl_GzAttrIn), cmp_attr);   /* the same entry, the same bytes */
  *out = attrs;
  return n;
}

/***
** g:add(phrase [, entry]): adds a phrase; returns g.
*/
static int gb_add (lua_State *L) {
  LBuilder *lb = builder_check(L, 1);
  size_t len, nattrs;
  const char *phrase = luaL_checklstring(L, 2, &len);
  gl_GzAttrIn *attrs;
  int st;
  lua_settop(L, 3);
  nattrs = read_entry(L, 3, &attrs);
  st = gl_gzb_add(&lb->b, phrase, len, attrs, nattrs);
  if (st != GL_OK) return raise_status(L, st);
  lua_settop(L, 1);
  return 1;
}

static int gb_len (lua_State *L) {
  LBuilder *lb = builder_check(L, 1);
  lua_pushinteger(L, (lua_Integer)lb->b.nentries);
  return 1;
}

static int gb_gc (lua_State *L) {
  LBuilder *lb = (LBuilder *)luaL_checkudata(L, 1, GL_GAZETTEER_TYPE);
  gl_gzb_free(&lb->b);
  return 0;
}

static int gb_tostring (lua_State *L) {
  LBuilder *lb = (LBuilder *)luaL_checkudata(L, 1, GL_GAZETTEER_TYPE);
  lua_pushfstring(L, GL_GAZETTEER_TYPE " (%d entries) (%p)", (int)lb->b.nentries, (void *)lb);
  return 1;
}

static int matcher_new (lua_State *L, int buffer, const unsigned char *base,
                        size_t size);

/***
** g:compile(): a Matcher. The builder stays usable.
*/
static int gb_compile (lua_State *L) {
  LBuilder *lb = builder_check(L, 1);
  size_t size;
  unsigned char *buf;
  int st = gl_gzb_size(&lb->b, &size);
  if (st != GL_OK) return raise_status(L, st);
  buf = (unsigned char *)lua_newuserdata(L, size);
  if ((st = gl_gzb_write(&lb->b, buf, size)) != GL_OK) return raise_status(L, st);
  return matcher_new(L, lua_gettop(L), buf, size);
}


/* ======================================================================
** Matcher
** ====================================================================== */

typedef struct LMatcher {
  gl_Gz gz;
  void *map;                  /* the mapped file, or NULL */
  size_t maplen;
  gl_TokOptions topts;
  gl_AbbrevSet abbrevs;
  gl_GzResult scratch;        /* caches kept across queries; hits move out */
  int closed;
} LMatcher;

/* User value fields. */
#define UV_BUFFER   1         /* the userdata holding the buffer, if any */
#define UV_ENTRIES  2         /* entry id + 1 -> entry table */
#define UV_LABELS   3         /* label -> string id, built on first use */
#define UV_NODES    4         /* entry id -> its trie node, built on first use */

static LMatcher *matcher_check (lua_State *L, int idx) {
  LMatcher *m = (LMatcher *)luaL_checkudata(L, idx, GL_MATCHER_TYPE);
  if (m->closed) luaL_argerror(L, idx, "attempt to use a closed " GL_MATCHER_TYPE);
  return m;
}

static void matcher_release (LMatcher *m) {
  gl_abbrev_free(&m->abbrevs);
  gl_gzr_free(&m->scratch);
#if defined(GL_HAVE_MMAP)
  if (m->map) munmap(m->map, m->maplen);
#endif
  m->map = NULL;
  m->closed = 1;
}

/* Pushes a closed Matcher, ready for matcher_open: everything that can
** raise happens here, before a file is mapped. */
static LMatcher *matcher_alloc (lua_State *L, int buffer) {
  void *ud;
  lua_Alloc allocf = lua_getallocf(L, &ud);
  LMatcher *m = (LMatcher *)gl_newuserdata(L, sizeof(LMatcher));
  memset(m, 0, sizeof(*m));
  m->closed = 1;
  gl_abbrev_init(&m->abbrevs, allocf, ud);
  gl_gzr_init(&m->scratch, allocf, ud);
  luaL_getmetatable(L, GL_MATCHER_TYPE);
  lua_setmetatable(L, -2);
  lua_createtable(L, 4, 0);
  if (buffer) {
    lua_pushvalue(L, buffer);
    lua_rawseti(L, -2, UV_BUFFER);
  }
  lua_newtable(L);
  lua_rawseti(L, -2, UV_ENTRIES);
  gl_setuservalue(L, -2);
  return m;
}

/* Validates base[0..size) for the Matcher on the top of the stack (which
** owns 'map' from now on). Returns NULL, or a message (m stays closed). */
static const char *matcher_open (lua_State *L, LMatcher *m, const unsigned char *base,
                                 size_t size, void *map) {
  const char *err;
  uint32_t i;
  m->map = map;
  m->maplen = size;
  if ((err = gl_gz_open(&m->gz, base, size)) != NULL) {
    matcher_release(m);
    return err;
  }
  gl_tokopts_default(&m->topts);
  m->topts.clitics = m->gz.opts->clitics;
  m->topts.abbreviations = m->gz.opts->abbreviations;
  m->topts.initials = m->gz.opts->initials;
  m->topts.urls = m->gz.opts->urls;
  m->topts.emails = m->gz.opts->emails;
  m->topts.numbers = m->gz.opts->numbers;
  m->topts.emoji = m->gz.opts->emoji;
  m->topts.punct_runs = m->gz.opts->punct_runs;
  m->topts.hard_wraps = m->gz.opts->hard_wraps;
  m->topts.sentences = 0;
  /* m is still closed, so its __gc would not free the abbreviations: free
  ** them (and the mapping) before raising */
  if (m->topts.abbreviations && gl_abbrev_add_defaults(&m->abbrevs) != GL_OK) {
    matcher_release(m);
    gl_memory_error(L);
  }
  for (i = 0; i < m->gz.opts->nabbrev; i++) {
    size_t len;
    const unsigned char *a = gl_gz_string(&m->gz, m->gz.abbrevs[i], &len);
    if (gl_abbrev_add(&m->abbrevs, (const char *)a, len, GL_ABBREV_PLAIN) != GL_OK) {
      matcher_release(m);
      gl_memory_error(L);
    }
  }
  m->topts.abbrevs = &m->abbrevs;
  m->closed = 0;
  return NULL;
}

/* A Matcher over the buffer in the userdata at index 'buffer': pushes it,
** or nil and a message. */
static int matcher_new (lua_State *L, int buffer, const unsigned char *base,
                        size_t size) {
  LMatcher *m = matcher_alloc(L, buffer);
  const char *err = matcher_open(L, m, base, size, NULL);
  if (err == NULL) return 1;
  lua_pushnil(L);
  lua_pushstring(L, err);
  return 2;
}

/* Pushes the phrase of a trie node: the matching forms of the tokens on
** the path to it, separated by spaces. Parents are found by binary search:
** the children ranges of breadth-first nodes are in order. */
static void push_phrase (lua_State *L, LMatcher *m, uint32_t node) {
  uint32_t path[GL_GZ_MAX_DEPTH], depth = 0;
  const gl_GzNode *nd = m->gz.nodes;
  luaL_Buffer b;
  while (node != 0 && depth < GL_GZ_MAX_DEPTH) {
    uint32_t lo = 0, hi = node;         /* the last p with nd[p].child <= node */
    path[depth++] = m->gz.label[node];
    while (hi - lo > 1) {
      uint32_t mid = lo + (hi - lo) / 2;
      if (nd[mid].child <= node) lo = mid; else hi = mid;
    }
    node = lo;
  }
  luaL_buffinit(L, &b);
  while (depth > 0) {
    uint32_t t = path[--depth];
    luaL_addlstring(&b, (const char *)m->gz.vpool + m->gz.voffs[t],
                    m->gz.voffs[t + 1] - m->gz.voffs[t]);
    if (depth > 0) luaL_addchar(&b, ' ');
  }
  luaL_pushresult(&b);
}

/* The trie node of entry e: inverts ENTRY_LIST once, into a userdata. */
static uint32_t node_of_entry (lua_State *L, int mi, LMatcher *m, uint32_t e) {
  const uint32_t *map;
  gl_getuservalue(L, mi);
  lua_rawgeti(L, -1, UV_NODES);
  map = (const uint32_t *)lua_touserdata(L, -1);
  if (map == NULL) {
    uint32_t *w, p, k, n = m->gz.h->nnodes;
    lua_pop(L, 1);
    w = (uint32_t *)lua_newuserdata(L, (m->gz.h->nentries + 1) * sizeof(uint32_t));
    memset(w, 0, (m->gz.h->nentries + 1) * sizeof(uint32_t));   /* a hostile list may skip some */
    for (p = 0; p < n; p++)
      for (k = m->gz.nodes[p].entry; k < m->gz.nodes[p + 1].entry; k++)
        w[m->gz.list[k] & ~GL_GZ_L_CAPS] = p;
    lua_pushvalue(L, -1);
    lua_rawseti(L, -3, UV_NODES);
    map = w;
  }
  lua_pop(L, 2);
  return map[e];
}

/* Pushes the entry table of entry e (cached: the same table each time);
** 'node' is its trie node, or GL_GZ_NOTOKEN when not known. */
static void push_entry (lua_State *L, int mi, LMatcher *m, uint32_t e, uint32_t node) {
  const gl_GzEntry *en = &m->gz.entries[e];
  uint32_t a;
  size_t len;
  const unsigned char *s;
  gl_getuservalue(L, mi);
  lua_rawgeti(L, -1, UV_ENTRIES);
  lua_remove(L, -2);
  lua_rawgeti(L, -1, (int)e + 1);
  if (!lua_isnil(L, -1)) { lua_remove(L, -2); return; }
  lua_pop(L, 1);
  lua_createtable(L, 0, (int)(en[1].attr_start - en->attr_start) + 1);
  for (a = en->attr_start; a < en[1].attr_start; a++) {
    const gl_GzAttr *at = &m->gz.attrs[a];
    s = gl_gz_string(&m->gz, at->key, &len);
    lua_pushlstring(L, (const char *)s, len);
    if (at->type == GL_GZ_T_STRING) {
      s = gl_gz_string(&m->gz, (uint32_t)at->value, &len);
      lua_pushlstring(L, (const char *)s, len);
    }
    else if (at->type == GL_GZ_T_INTEGER) {
      int64_t v;
      memcpy(&v, &at->value, 8);
      lua_pushinteger(L, (lua_Integer)v);
    }
    else {
      double v;
      memcpy(&v, &at->value, 8);
      lua_pushnumber(L, (lua_Number)v);
    }
    lua_rawset(L, -3);
  }
  if (en->label) {
    s = gl_gz_string(&m->gz, en->label - 1, &len);
    lua_pushlstring(L, (const char *)s, len);
    lua_setfield(L, -2, "label");
  }
  if (node == GL_GZ_NOTOKEN) node = node_of_entry(L, mi, m, e);
  push_phrase(L, m, node);
  lua_setfield(L, -2, "phrase");
  lua_pushvalue(L, -1);
  lua_rawseti(L, -3, (int)e + 1);
  lua_remove(L, -2);
}

/* --- queries ------------------------------------------------------------ */

typedef struct LResult {
  gl_GzResult r;
} LResult;

static int result_gc (lua_State *L) {
  LResult *res = (LResult *)luaL_checkudata(L, 1, GL_RESULT_TYPE);
  gl_gzr_free(&res->r);
  return 0;
}

/* The string id of a label, through a table built on first use. */
static uint32_t label_id (lua_State *L, int mi, LMatcher *m, int str) {
  uint32_t id;
  gl_getuservalue(L, mi);
  lua_rawgeti(L, -1, UV_LABELS);
  if (lua_isnil(L, -1)) {
    uint32_t e;
    lua_pop(L, 1);
    lua_newtable(L);
    for (e = 0; e < m->gz.h->nentries; e++) {
      uint32_t l = m->gz.entries[e].label;
      if (l) {
        size_t len;
        const unsigned char *s = gl_gz_string(&m->gz, l - 1, &len);
        lua_pushlstring(L, (const char *)s, len);
        lua_pushinteger(L, (lua_Integer)l - 1);
        lua_rawset(L, -3);
      }
    }
    lua_pushvalue(L, -1);
    lua_rawseti(L, -3, UV_LABELS);
  }
  lua_pushvalue(L, str);
  lua_rawget(L, -2);
  id = lua_isnil(L, -1) ? GL_GZ_NOTOKEN : (uint32_t)lua_tointeger(L, -1);
  lua_pop(L, 3);
  return id;
}

static int cmp_u32 (const void *x, const void *y) {
  uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
  return (a > b) - (a < b);
}

/* Reads the query options at idx: {overlap = ..., labels = {...}}. */
static void read_query (lua_State *L, int mi, LMatcher *m, int idx, gl_GzQuery *q) {
  static const char *const policies[] = { "longest", "all", "first", NULL };
  memset(q, 0, sizeof(*q));
  if (lua_isnoneornil(L, idx)) return;
  luaL_checktype(L, idx, LUA_TTABLE);
  for (lua_pushnil(L); lua_next(L, idx); lua_pop(L, 1)) {
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
    if (strcmp(k, "overlap") == 0) q->policy = luaL_checkoption(L, -1, NULL, policies);
    else if (strcmp(k, "labels") == 0) {
      size_t i, n;
      uint32_t *ids;
      if (!lua_istable(L, -1)) luaL_error(L, "bad option 'labels' (table expected)");
      n = gl_rawlen(L, -1);
      ids = (uint32_t *)lua_newuserdata(L, (n ? n : 1) * sizeof(uint32_t));
      lua_insert(L, -3);                 /* keep the scratch below the key */
      q->nlabels = 0;
      for (i = 1; i <= n; i++) {
        uint32_t id;
        lua_rawgeti(L, -1, (int)i);
        if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "bad option 'labels' (strings expected)");
        id = label_id(L, mi, m, lua_gettop(L));
        lua_pop(L, 1);
        if (id != GL_GZ_NOTOKEN) ids[q->nlabels++] = id;
      }
      qsort(ids, q->nlabels, sizeof(uint32_t), cmp_u32);
      q->labels = ids;
      q->filter = 1;
    }
    else luaL_error(L, "unknown match option '%s'", k);
  }
}

/* The Doc to match: the argument itself, or the string tokenised with the
** matcher's options (pushed). Returns its index. */
static gl_LDoc *target_doc (lua_State *L, int mi, LMatcher *m, int arg, int *idx) {
  gl_LDoc *d;
  if (lua_type(L, arg) == LUA_TSTRING) {
    d = gl_doc_new(L, arg, &m->topts);
    *idx = lua_gettop(L);
    return d;
  }
  d = (gl_LDoc *)gl_testudata(L, arg, GL_DOC_TYPE);
  if (d == NULL) luaL_argerror(L, arg, "string or glean.Doc expected");
  if (d->closed) luaL_argerror(L, arg, "attempt to use a closed " GL_DOC_TYPE);
  if (!gl_same_tokens(&d->opts, &m->topts))
    luaL_argerror(L, arg, "the Doc was tokenized with other options than the gazetteer "
                  "(tokenize strings with m:tokenize, or use the same options)");
  (void)mi;
  *idx = arg;
  return d;
}

/* Runs a query: pushes the result userdata; returns it. */
static LResult *run_query (lua_State *L, int mi, LMatcher *m, gl_LDoc *d,
                           const gl_GzQuery *q) {
  void *ud;
  lua_Alloc allocf = lua_getallocf(L, &ud);
  LResult *res = (LResult *)lua_newuserdata(L, sizeof(LResult));
  int st;
  gl_gzr_init(&res->r, allocf, ud);
  luaL_getmetatable(L, GL_RESULT_TYPE);
  lua_setmetatable(L, -2);
  st = gl_gz_match(&m->gz, d->t.tok, d->t.ntok, d->text, q, &m->scratch);
  if (st == GL_ENOMEM) gl_memory_error(L);
  else if (st != GL_OK) luaL_error(L, "text has too many tokens");
  res->r.hits = m->scratch.hits;        /* the hits belong to this query now */
  res->r.n = m->scratch.n;
  res->r.cap = m->scratch.cap;
  m->scratch.hits = NULL;
  m->scratch.n = m->scratch.cap = 0;
  (void)mi;
  return res;
}

/* The common start of a query method m:q(doc_or_text [, opts]): runs the
** query; pushes its result (below it, maybe a Doc and scratch); gives the
** Doc and its stack index. */
static LResult *start_query (lua_State *L, int count_only, gl_LDoc **d, int *di) {
  LMatcher *m = matcher_check(L, 1);
  gl_GzQuery q;
  lua_settop(L, 3);
  read_query(L, 1, m, 3, &q);
  q.count_only = count_only;
  *d = target_doc(L, 1, m, 2, di);
  return run_query(L, 1, m, *d, &q);
}

static int matches_iter (lua_State *L) {
  LMatcher *m = matcher_check(L, lua_upvalueindex(1));
  LResult *res = (LResult *)lua_touserdata(L, lua_upvalueindex(2));
  lua_Integer k = lua_tointeger(L, lua_upvalueindex(4));
  const gl_GzHit *h;
  if (k < 0 || (size_t)k >= res->r.n) return 0;
  lua_pushinteger(L, k + 1);
  lua_replace(L, lua_upvalueindex(4));
  h = &res->r.hits[k];
  lua_pushinteger(L, (lua_Integer)h->first + 1);
  lua_pushinteger(L, (lua_Integer)h->last + 1);
  push_entry(L, lua_upvalueindex(1), m, h->entry, h->node);
  return 3;
}

/***
** m:matches(doc_or_text [, opts]): for first, last, entry in ... do.
*/
static int m_matches (lua_State *L) {
  gl_LDoc *d;
  int di;
  start_query(L, 0, &d, &di);
  lua_pushvalue(L, 1);
  lua_insert(L, -2);
  lua_pushvalue(L, di);                 /* keeps the Doc (and text) alive */
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, matches_iter, 4);
  return 1;
}

/***
** m:find(doc_or_text [, opts]): an array of {start, stop, first, last,
** text, entry}.
*/
static int m_find (lua_State *L) {
  LMatcher *m = matcher_check(L, 1);
  gl_LDoc *d;
  size_t k;
  int di;
  LResult *res = start_query(L, 0, &d, &di);
  lua_createtable(L, (int)res->r.n, 0);
  for (k = 0; k < res->r.n; k++) {
    const gl_GzHit *h = &res->r.hits[k];
    uint32_t a = d->t.tok[h->first].start, b = d->t.tok[h->last].stop;
    lua_createtable(L, 0, 6);
    lua_pushinteger(L, (lua_Integer)a + 1);
    lua_setfield(L, -2, "start");
    lua_pushinteger(L, (lua_Integer)b);
    lua_setfield(L, -2, "stop");
    lua_pushinteger(L, (lua_Integer)h->first + 1);
    lua_setfield(L, -2, "first");
    lua_pushinteger(L, (lua_Integer)h->last + 1);
    lua_setfield(L, -2, "last");
    lua_pushlstring(L, (const char *)d->text + a, b - a);
    lua_setfield(L, -2, "text");
    push_entry(L, 1, m, h->entry, h->node);
    lua_setfield(L, -2, "entry");
    lua_rawseti(L, -2, (int)k + 1);
  }
  return 1;
}

/***
** m:hits(doc_or_text [, opts]): the matches as three arrays (first tokens,
** last tokens, entry numbers), without building a table per match; for
** bulk work. Entry numbers give their table through m:entry(n).
*/
static int m_hits (lua_State *L) {
  gl_LDoc *d;
  size_t k;
  int di;
  LResult *res = start_query(L, 0, &d, &di);
  lua_createtable(L, (int)res->r.n, 0);
  lua_createtable(L, (int)res->r.n, 0);
  lua_createtable(L, (int)res->r.n, 0);
  for (k = 0; k < res->r.n; k++) {
    const gl_GzHit *h = &res->r.hits[k];
    lua_pushinteger(L, (lua_Integer)h->first + 1);
    lua_rawseti(L, -4, (int)k + 1);
    lua_pushinteger(L, (lua_Integer)h->last + 1);
    lua_rawseti(L, -3, (int)k + 1);
    lua_pushinteger(L, (lua_Integer)h->entry + 1);
    lua_rawseti(L, -2, (int)k + 1);
  }
  return 3;
}

/***
** m:entry(n): the table of entry number n (1 to #m), as in the order added.
*/
static int m_entry (lua_State *L) {
  LMatcher *m = matcher_check(L, 1);
  lua_Integer n = luaL_checkinteger(L, 2);
  if (n < 1 || n > (lua_Integer)m->gz.h->nentries) {
    lua_pushnil(L);
    return 1;
  }
  push_entry(L, 1, m, (uint32_t)(n - 1), GL_GZ_NOTOKEN);
  return 1;
}

/***
** m:count(doc_or_text [, opts]): the number of matches; m:count() the
** number of distinct phrases.
*/
static int m_count (lua_State *L) {
  LMatcher *m = matcher_check(L, 1);
  gl_LDoc *d;
  int di;
  if (lua_isnoneornil(L, 2)) {
    lua_pushinteger(L, (lua_Integer)m->gz.h->nphrases);
    return 1;
  }
  lua_pushinteger(L, (lua_Integer)start_query(L, 1, &d, &di)->r.n);
  return 1;
}

static int m_len (lua_State *L) {
  LMatcher *m = matcher_check(L, 1);
  lua_pushinteger(L, (lua_Integer)m->gz.h->nentries);
  return 1;
}

/***
** m:entries([label]): the entries (with that label), in the order added.
*/
static int m_entries (lua_State *L) {
  LMatcher *m = matcher_check(L, 1);
  size_t len = 0;
  const char *want = luaL_optlstring(L, 2, NULL, &len);
  uint32_t e;
  int n = 0;
  lua_newtable(L);
  for (e = 0; e < m->gz.h->nentries; e++) {
    if (want) {
      uint32_t l = m->gz.entries[e].label;
      size_t ll;
      const unsigned char *s;
      if (l == 0) continue;
      s = gl_gz_string(&m->gz, l - 1, &ll);
      if (ll != len || memcmp(s, want, len) != 0) continue;
    }
    push_entry(L, 1, m, e, GL_GZ_NOTOKEN);
    lua_rawseti(L, -2, ++n);
  }
  return 1;
}

/***
** m:tokenize(text): a Doc tokenised with the gazetteer's options.
*/
static int m_tokenize (lua_State *L) {
  LMatcher *m = matcher_check(L, 1);
  gl_TokOptions o = m->topts;
  luaL_checktype(L, 2, LUA_TSTRING);
  o.sentences = 1;
  gl_doc_new(L, 2, &o);
  return 1;
}

/***
** m:save(path): writes the compiled gazetteer; true, or nil and a message.
*/
static int m_save (lua_State *L) {
  LMatcher *m = matcher_check(L, 1);
  const char *path = luaL_checkstring(L, 2);
  FILE *f = fopen(path, "wb");
  int ok;
  if (f == NULL) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s: %s", path, strerror(errno));
    return 2;
  }
  ok = fwrite(m->gz.base, 1, m->gz.size, f) == m->gz.size;
  ok = (fclose(f) == 0) && ok;
  if (!ok) {
    lua_pushnil(L);
    lua_pushfstring(L, "%s: %s", path, strerror(errno));
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}

static void set_bool (lua_State *L, const char *k, int v) {
  lua_pushboolean(L, v);
  lua_setfield(L, -2, k);
}

/***
** m:options(): case, accents and the tokenizer options it was built with.
*/
static int m_options (lua_State *L) {
  static const char *const cases[] = { "fold", "exact", "smart" };
  LMatcher *m = matcher_check(L, 1);
  const gl_GzOptions *o = m->gz.opts;
  uint32_t i;
  lua_newtable(L);
  lua_pushstring(L, cases[o->case_mode]);
  lua_setfield(L, -2, "case");
  lua_pushstring(L, o->accents == GL_GZ_ACCENTS_FOLD ? "fold" : "keep");
  lua_setfield(L, -2, "accents");
  set_bool(L, "clitics", o->clitics);
  set_bool(L, "initials", o->initials);
  set_bool(L, "urls", o->urls);
  set_bool(L, "emails", o->emails);
  set_bool(L, "numbers", o->numbers);
  set_bool(L, "emoji", o->emoji);
  set_bool(L, "punct_runs", o->punct_runs);
  set_bool(L, "hard_wraps", o->hard_wraps);
  set_bool(L, "keep_space", o->keep_space);
  if (o->abbreviations && o->nabbrev) {
    lua_createtable(L, (int)o->nabbrev, 0);
    for (i = 0; i < o->nabbrev; i++) {
      size_t len;
      const unsigned char *s = gl_gz_string(&m->gz, m->gz.abbrevs[i], &len);
      lua_pushlstring(L, (const char *)s, len);
      lua_rawseti(L, -2, (int)i + 1);
    }
  }
  else lua_pushboolean(L, o->abbreviations);
  lua_setfield(L, -2, "abbreviations");
  return 1;
}

/***
** m:stats(): sizes (phrases, entries, vocabulary, nodes, bytes, max_depth).
*/
static int m_stats (lua_State *L) {
  LMatcher *m = matcher_check(L, 1);
  const gl_GzHeader *h = m->gz.h;
  lua_newtable(L);
#define FIELD(name, v) (lua_pushinteger(L, (lua_Integer)(v)), lua_setfield(L, -2, name))
  FIELD("phrases", h->nphrases);
  FIELD("entries", h->nentries);
  FIELD("vocabulary", h->nvocab);
  FIELD("nodes", h->nnodes);
  FIELD("bytes", m->gz.size);
  FIELD("max_depth", h->max_depth);
#undef FIELD
  lua_pushboolean(L, m->map != NULL);
  lua_setfield(L, -2, "mapped");
  return 1;
}

static int m_gc (lua_State *L) {
  LMatcher *m = (LMatcher *)luaL_checkudata(L, 1, GL_MATCHER_TYPE);
  if (!m->closed || m->map) matcher_release(m);
  return 0;
}

static int m_tostring (lua_State *L) {
  LMatcher *m = (LMatcher *)luaL_checkudata(L, 1, GL_MATCHER_TYPE);
  if (m->closed) lua_pushfstring(L, GL_MATCHER_TYPE " (closed) (%p)", (void *)m);
  else lua_pushfstring(L, GL_MATCHER_TYPE " (%d phrases, %d entries) (%p)",
                       (int)m->gz.h->nphrases, (int)m->gz.h->nentries, (void *)m);
  return 1;
}


/* ======================================================================
** Loading
** ====================================================================== */

/***
** core.load(path): maps a compiled file read-only; a Matcher, or nil and
** "path: message".
*/
static int l_load (lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  const char *err;
#if defined(GL_HAVE_MMAP)
  struct stat sb;
  void *map;
  int fd, flags = MAP_SHARED;
  LMatcher *m = matcher_alloc(L, 0);    /* before mapping: this may raise */
  lua_pushfstring(L, "%s: ", path);     /* error prefix, made now for the same reason */
  fd = open(path, O_RDONLY);
  if (fd < 0 || fstat(fd, &sb) != 0) {
    err = strerror(errno);
    if (fd >= 0) close(fd);
    goto fail;
  }
  if (sb.st_size < (off_t)sizeof(gl_GzHeader) || (uint64_t)sb.st_size > (uint64_t)UINT32_MAX) {
    close(fd);
    err = sb.st_size < (off_t)sizeof(gl_GzHeader) ? "not a compiled glean gazetteer"
                                                   : "too large";
    goto fail;
  }
#if defined(MAP_POPULATE)
  flags |= MAP_POPULATE;                /* validation reads it all anyway */
#endif
  map = mmap(NULL, (size_t)sb.st_size, PROT_READ, flags, fd, 0);
  close(fd);
  if (map == MAP_FAILED) { err = strerror(errno); goto fail; }
  err = matcher_open(L, m, (const unsigned char *)map, (size_t)sb.st_size, map);
  if (err == NULL) { lua_pop(L, 1); return 1; }
fail:
  lua_pushnil(L);
  lua_insert(L, -2);
  lua_pushstring(L, err);
  lua_concat(L, 2);
  return 2;
#else
  FILE *f = fopen(path, "rb");
  long size;
  unsigned char *buf;
  int n;
  if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
      fseek(f, 0, SEEK_SET) != 0) {
    if (f) fclose(f);
    lua_pushnil(L);
    lua_pushfstring(L, "%s: %s", path, strerror(errno));
    return 2;
  }
  buf = (unsigned char *)lua_newuserdata(L, size ? (size_t)size : 1);
  if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
    fclose(f);
    lua_pushnil(L);
    lua_pushfstring(L, "%s: read error", path);
    return 2;
  }
  fclose(f);
  n = matcher_new(L, lua_gettop(L), buf, (size_t)size);
  if (n == 2) {
    err = lua_tostring(L, -1);
    lua_pushfstring(L, "%s: %s", path, err);
    lua_replace(L, -2);
  }
  return n;
#endif
}

/***
** core.load_string(s): a Matcher over a copy of the compiled bytes s, or
** nil and a message.
*/
static int l_load_string (lua_State *L) {
  size_t size;
  const char *s = luaL_checklstring(L, 1, &size);
  unsigned char *buf = (unsigned char *)lua_newuserdata(L, size ? size : 1);
  memcpy(buf, s, size);                 /* userdata memory is aligned */
  return matcher_new(L, lua_gettop(L), buf, size);
}


/*
** gl_push_matcher(L, base, size): the C API of lembed.h. A Matcher over a
** compiled gazetteer the caller owns: nothing is copied, mapped or freed.
*/
int gl_push_matcher (lua_State *L, const void *base, size_t size) {
  if (base == NULL) {
    lua_pushnil(L);
    lua_pushliteral(L, "no buffer (NULL)");
    return 2;
  }
  return matcher_new(L, 0, (const unsigned char *)base, size);
}


/***
** core._resign(bytes): the compiled bytes with their checksum recomputed.
** For tests and fuzzing only: it lets damage to the structure itself reach
** the validation, instead of being caught by the checksum.
*/
static int l_resign (lua_State *L) {
  size_t size;
  const char *s = luaL_checklstring(L, 1, &size);
  unsigned char *buf;
  uint64_t sum;
  if (size < sizeof(gl_GzHeader)) { lua_settop(L, 1); return 1; }
  buf = (unsigned char *)lua_newuserdata(L, size);
  memcpy(buf, s, size);
  sum = gl_gz_sign(buf, size);
  memcpy(buf + offsetof(gl_GzHeader, checksum), &sum, sizeof(sum));
  lua_pushlstring(L, (const char *)buf, size);
  return 1;
}


/* ======================================================================
** Registration
** ====================================================================== */

static const luaL_Reg gb_methods[] = {
  { "add", gb_add }, { "compile", gb_compile }, { NULL, NULL }
};

static const luaL_Reg gb_meta[] = {
  { "__len", gb_len }, { "__gc", gb_gc }, { "__close", gb_gc },
  { "__tostring", gb_tostring }, { NULL, NULL }
};

static const luaL_Reg m_methods[] = {
  { "matches", m_matches }, { "find", m_find }, { "count", m_count },
  { "hits", m_hits }, { "entry", m_entry },
  { "entries", m_entries }, { "tokenize", m_tokenize }, { "save", m_save },
  { "options", m_options }, { "stats", m_stats }, { "close", m_gc },
  { NULL, NULL }
};

static const luaL_Reg m_meta[] = {
  { "__len", m_len }, { "__gc", m_gc }, { "__close", m_gc },
  { "__tostring", m_tostring }, { NULL, NULL }
};

static const luaL_Reg module_funcs[] = {
  { "gazetteer", gb_new }, { "load", l_load }, { "load_string", l_load_string },
  { "_resign", l_resign }, { NULL, NULL }
};

static const luaL_Reg result_meta[] = {
  { "__gc", result_gc }, { NULL, NULL }
};

void gl_open_gazetteer (lua_State *L) {
  gl_register_type(L, GL_GAZETTEER_TYPE, gb_meta, gb_methods, "gazetteer_methods");
  gl_register_type(L, GL_MATCHER_TYPE, m_meta, m_methods, "matcher_methods");
  gl_register_type(L, GL_RESULT_TYPE, result_meta, NULL, NULL);
  gl_setfuncs(L, module_funcs, 0);
}
