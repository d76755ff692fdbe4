/*
** Lua bindings of the tokeniser: the Tokenizer type (validated options),
** the Doc type (a tokenised text) and glean.segments.
*/
#include <string.h>

#include "lua.h"
#include "lauxlib.h"

#include "compat.h"
#include "lglean.h"
#include "normalize.h"
#include "segment.h"

/* ======================================================================
** Tokenizer
** ====================================================================== */

/* Boolean options, in the order of their fields in gl_TokOptions. */
static const char *const bool_options[] = {
  "keep_space", "clitics", "abbreviations", "initials", "urls", "emails",
  "numbers", "emoji", "punct_runs", "hard_wraps", "sentences", "reference", NULL
};

static unsigned char *option_field (gl_TokOptions *o, int i) {
  unsigned char *fields[] = {
    &o->keep_space, &o->clitics, &o->abbreviations, &o->initials, &o->urls,
    &o->emails, &o->numbers, &o->emoji, &o->punct_runs, &o->hard_wraps,
    &o->sentences, &o->reference
  };
  return fields[i];
}

int gl_memory_error (lua_State *L) {
  lua_pushliteral(L, "not enough memory");
  return lua_error(L);
}

#define memory_error(L)   ((void)gl_memory_error(L))

int gl_same_tokens (const gl_TokOptions *a, const gl_TokOptions *b) {
  return a->clitics == b->clitics && a->abbreviations == b->abbreviations &&
         a->initials == b->initials && a->urls == b->urls &&
         a->emails == b->emails && a->numbers == b->numbers &&
         a->punct_runs == b->punct_runs;
}

static void add_user_abbrevs (lua_State *L, gl_LTokenizer *tk, int list) {
  size_t i, n = gl_rawlen(L, list);
  for (i = 1; i <= n; i++) {
    size_t len;
    const char *a;
    lua_rawgeti(L, list, (int)i);
    a = lua_tolstring(L, -1, &len);
    if (lua_type(L, -1) != LUA_TSTRING || len < 2 || len > GL_ABBREV_MAXLEN ||
        a[len - 1] != '.')
      luaL_error(L, "bad option 'abbreviations' (entry %d must be a string "
                 "of 2 to %d bytes ending with '.')", (int)i, GL_ABBREV_MAXLEN);
    if (gl_abbrev_add(&tk->abbrevs, a, len, GL_ABBREV_PLAIN) != GL_OK)
      memory_error(L);
    lua_pop(L, 1);
  }
}

/* Reads the options table at idx into tk; raises on any unknown key. */
static void read_options (lua_State *L, int idx, gl_LTokenizer *tk) {
  int user_list = 0;
  gl_tokopts_default(&tk->opts);
  if (lua_isnoneornil(L, idx)) goto defaults;
  luaL_checktype(L, idx, LUA_TTABLE);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    int i;
    const char *key = (lua_type(L, -2) == LUA_TSTRING) ? lua_tostring(L, -2) : NULL;
    if (key == NULL)
      luaL_error(L, "bad option table (keys must be option names)");
    for (i = 0; bool_options[i] != NULL; i++)
      if (strcmp(key, bool_options[i]) == 0) break;
    if (bool_options[i] == NULL)
      luaL_error(L, "unknown option '%s'", key);
    if (strcmp(key, "abbreviations") == 0 && lua_type(L, -1) == LUA_TTABLE) {
      *option_field(&tk->opts, i) = 1;
      user_list = 1;
    }
    else if (lua_type(L, -1) == LUA_TBOOLEAN)
      *option_field(&tk->opts, i) = (unsigned char)lua_toboolean(L, -1);
    else
      luaL_error(L, "bad option '%s' (boolean expected, got %s)%s", key,
                 luaL_typename(L, -1),
                 strcmp(key, "abbreviations") == 0 ? " or a list of strings" : "");
    lua_pop(L, 1);
  }
defaults:
  if (tk->opts.abbreviations) {
    if (gl_abbrev_add_defaults(&tk->abbrevs) != GL_OK) memory_error(L);
    if (user_list) {
      lua_getfield(L, idx, "abbreviations");
      add_user_abbrevs(L, tk, gl_absindex(L, -1));
      lua_pop(L, 1);
    }
  }
  tk->opts.abbrevs = &tk->abbrevs;
}

/***
** Creates a tokenizer with validated options.
** @function tokenizer
** @tparam[opt] table opts see glean.tokenize
** @treturn Tokenizer callable: `tk(text)` returns a Doc
*/
static int tk_new (lua_State *L) {
  void *ud;
  lua_Alloc allocf = lua_getallocf(L, &ud);
  gl_LTokenizer *tk;
  lua_settop(L, 1);
  tk = (gl_LTokenizer *)gl_newuserdata(L, sizeof(gl_LTokenizer));
  gl_tokopts_default(&tk->opts);          /* harmless state before raising */
  gl_abbrev_init(&tk->abbrevs, allocf, ud);
  luaL_getmetatable(L, GL_TOKENIZER_TYPE);
  lua_setmetatable(L, -2);
  read_options(L, 1, tk);
  return 1;
}

gl_LTokenizer *gl_tokenizer_check (lua_State *L, int idx) {
  return (gl_LTokenizer *)luaL_checkudata(L, idx, GL_TOKENIZER_TYPE);
}

#define tk_check   gl_tokenizer_check

static int tk_gc (lua_State *L) {
  gl_LTokenizer *tk = tk_check(L, 1);
  gl_abbrev_free(&tk->abbrevs);
  return 0;
}

static int tk_tokenize (lua_State *L) {
  gl_LTokenizer *tk = tk_check(L, 1);
  luaL_checktype(L, 2, LUA_TSTRING);
  gl_doc_new(L, 2, &tk->opts);
  return 1;
}

static int tk_options (lua_State *L) {
  gl_LTokenizer *tk = tk_check(L, 1);
  int i;
  lua_createtable(L, 0, 12);
  for (i = 0; bool_options[i] != NULL; i++) {
    lua_pushboolean(L, *option_field(&tk->opts, i));
    lua_setfield(L, -2, bool_options[i]);
  }
  return 1;
}

static int tk_tostring (lua_State *L) {
  lua_pushfstring(L, GL_TOKENIZER_TYPE " (%p)", lua_topointer(L, 1));
  return 1;
}


/* ======================================================================
** Doc
** ====================================================================== */

static int doc_gc (lua_State *L);

gl_LDoc *gl_doc_new (lua_State *L, int text, const gl_TokOptions *o) {
  void *ud;
  lua_Alloc allocf = lua_getallocf(L, &ud);
  size_t len;
  const char *s = lua_tolstring(L, text, &len);
  int status;
  gl_LDoc *d;
  text = gl_absindex(L, text);
  d = (gl_LDoc *)gl_newuserdata(L, sizeof(gl_LDoc));
  memset(d, 0, sizeof(*d));
  gl_tokens_init(&d->t, allocf, ud);
  d->text = (const unsigned char *)s;
  d->len = len;
  d->opts = *o;
  d->opts.abbrevs = NULL;
  luaL_getmetatable(L, GL_DOC_TYPE);
  lua_setmetatable(L, -2);
  lua_pushvalue(L, text);                  /* keep the text alive */
  gl_setuservalue(L, -2);
  status = gl_tokenize(&d->t, d->text, len, o);
  if (status == GL_ETOOBIG)
    luaL_error(L, "text too large to tokenize (4 GiB at most)");
  else if (status != GL_OK) {
    gl_tokens_free(&d->t);
    memory_error(L);
  }
  return d;
}

gl_LDoc *gl_doc_check (lua_State *L, int idx) {
  gl_LDoc *d = (gl_LDoc *)luaL_checkudata(L, idx, GL_DOC_TYPE);
  if (d->closed) luaL_argerror(L, idx, "attempt to use a closed " GL_DOC_TYPE);
  return d;
}

/*
** Doc methods are the calls a pipeline makes most (doc:text, doc:token...),
** and luaL_checkudata looks the type name up in the registry each time.
** So every Doc method and metamethod carries the Doc metatable as upvalue
** DOC_META (the iterators as their last upvalue) and compares argument 1's
** metatable with it. On a mismatch gl_doc_check or luaL_checkudata runs as
** before: it raises the usual error, or accepts a Doc should the upvalue
** have been replaced (debug.setupvalue).
*/
#define DOC_META      lua_upvalueindex(1)
#define DOC_METHODS   lua_upvalueindex(2)   /* of doc_index only */

/* The Doc (open or closed) at idx if its metatable is the one at meta,
** else NULL; like luaL_testudata without the registry. */
static inline gl_LDoc *doc_test (lua_State *L, int idx, int meta) {
  gl_LDoc *d = (gl_LDoc *)lua_touserdata(L, idx);
  if (d != NULL && lua_getmetatable(L, idx)) {
    int same = lua_rawequal(L, -1, meta);
    lua_pop(L, 1);
    if (same) return d;
  }
  return NULL;
}

/* The open Doc that is argument 1 of a Doc method, or gl_doc_check's error. */
static inline gl_LDoc *doc_self (lua_State *L) {
  gl_LDoc *d = doc_test(L, 1, DOC_META);
  return (d != NULL && !d->closed) ? d : gl_doc_check(L, 1);
}

/* Argument 1 of a Doc method that also accepts a closed Doc. */
static gl_LDoc *doc_self_any (lua_State *L) {
  gl_LDoc *d = doc_test(L, 1, DOC_META);
  return (d != NULL) ? d : (gl_LDoc *)luaL_checkudata(L, 1, GL_DOC_TYPE);
}

/* The open Doc an iterator holds as upvalue 1 (meta: its metatable upvalue). */
static gl_LDoc *doc_upvalue (lua_State *L, int meta) {
  gl_LDoc *d = doc_test(L, lua_upvalueindex(1), meta);
  return (d != NULL && !d->closed) ? d : gl_doc_check(L, lua_upvalueindex(1));
}

/* Converts a 1-based index, negative from the end, to 0-based; returns -1
** when it is out of range. */
static lua_Integer token_index (lua_Integer i, size_t n) {
  if (i < 0) i += (lua_Integer)n + 1;
  if (i < 1 || i > (lua_Integer)n) return -1;
  return i - 1;
}

/* Clamps a range like string.sub; returns 0 when it is empty. */
static int token_range (lua_State *L, gl_LDoc *d, int ai, int aj,
                        size_t *first, size_t *last) {
  lua_Integer n = (lua_Integer)d->t.ntok;
  lua_Integer i = luaL_checkinteger(L, ai);
  lua_Integer j = luaL_optinteger(L, aj, i);
  if (i < 0) i += n + 1;
  if (j < 0) j += n + 1;
  if (i < 1) i = 1;
  if (j > n) j = n;
  if (i > j) return 0;
  *first = (size_t)(i - 1);
  *last = (size_t)(j - 1);
  return 1;
}

static void push_folded (lua_State *L, const unsigned char *s, size_t n,
                         int form) {
  unsigned char small[256];
  unsigned char *buf = small;
  size_t need = (form < 0) ? n : GL_FOLD_BUFSIZE(n), len;
  if (need > sizeof(small)) buf = (unsigned char *)lua_newuserdata(L, need);
  len = (form < 0) ? gl_shape(s, n, buf) : gl_fold(s, n, buf, form);
  lua_pushlstring(L, (const char *)buf, len);
  if (buf != small) lua_remove(L, -2);
}

#define FORM_SHAPE   (-1)

static void push_kind (lua_State *L, int kind) {
  lua_pushstring(L, gl_kind_names[kind]);
}

static const struct { const char *name; unsigned flag; } view_flags[] = {
  { "is_title", GL_F_TITLE }, { "is_upper", GL_F_UPPER },
  { "is_lower", GL_F_LOWER }, { "is_alpha", GL_F_ALPHA },
  { "is_digit", GL_F_DIGIT }, { "is_punct", GL_F_PUNCT },
  { "is_quote", GL_F_QUOTE }, { "is_bracket", GL_F_BRACKET },
  { "is_sentence_start", GL_F_SENT_START }, { "space_after", GL_F_SPACE_AFTER },
  { "newline_after", GL_F_NEWLINE_AFTER }, { "paragraph_after", GL_F_PARA_AFTER },
  { "is_abbrev", GL_F_ABBREV }, { "is_clitic", GL_F_CLITIC },
  { "has_lower", GL_F_HAS_LOWER }, { "has_upper", GL_F_HAS_UPPER },
  { NULL, 0 }
};

/* Pushes the view table of token i (0-based). */
static void push_view (lua_State *L, gl_LDoc *d, size_t i) {
  const gl_Token *k = &d->t.tok[i];
  const unsigned char *s = d->text + k->start;
  size_t n = k->stop - k->start;
  int f;
  lua_createtable(L, 0, 24);
  lua_pushlstring(L, (const char *)s, n);
  lua_setfield(L, -2, "text");
  lua_pushinteger(L, (lua_Integer)k->start + 1);
  lua_setfield(L, -2, "start");
  lua_pushinteger(L, (lua_Integer)k->stop);
  lua_setfield(L, -2, "stop");
  push_kind(L, k->kind);
  lua_setfield(L, -2, "kind");
  push_folded(L, s, n, GL_FORM_LOWER);
  lua_setfield(L, -2, "lower");
  push_folded(L, s, n, GL_FORM_NORM);
  lua_setfield(L, -2, "norm");
  push_folded(L, s, n, FORM_SHAPE);
  lua_setfield(L, -2, "shape");
  if (d->t.nsent > 0) {
    lua_pushinteger(L, (lua_Integer)gl_sentence_of(&d->t, i) + 1);
    lua_setfield(L, -2, "sentence");
  }
  lua_pushinteger(L, (lua_Integer)i + 1);
  lua_setfield(L, -2, "index");
  for (f = 0; view_flags[f].name != NULL; f++) {
    lua_pushboolean(L, (k->flags & view_flags[f].flag) != 0);
    lua_setfield(L, -2, view_flags[f].name);
  }
}

/***
** Number of tokens: `#doc`.
*/
static int doc_len (lua_State *L) {
  gl_LDoc *d = doc_self(L);
  lua_pushinteger(L, (lua_Integer)d->t.ntok);
  return 1;
}

/* doc[i] gives a token view; doc.name a method (upvalues DOC_META and
** DOC_METHODS). */
static int doc_index (lua_State *L) {
  if (lua_type(L, 2) == LUA_TNUMBER) {
    gl_LDoc *d = doc_self(L);
    /* range-check as a float first: casting a huge float is undefined */
    lua_Number x = lua_tonumber(L, 2), n = (lua_Number)d->t.ntok;
    lua_Integer i;
    if (x >= -n && x <= n && (lua_Number)(i = (lua_Integer)x) == x &&
        (i = token_index(i, d->t.ntok)) >= 0)
      push_view(L, d, (size_t)i);
    else
      lua_pushnil(L);
    return 1;
  }
  doc_self_any(L);                      /* methods resolve even when closed */
  lua_pushvalue(L, 2);
  lua_rawget(L, DOC_METHODS);
  return 1;
}

/***
** Start, stop and kind of token i, without building a table.
** @function Doc:token
*/
static int doc_token (lua_State *L) {
  gl_LDoc *d = doc_self(L);
  lua_Integer i = token_index(luaL_checkinteger(L, 2), d->t.ntok);
  const gl_Token *k;
  if (i < 0) { lua_pushnil(L); return 1; }
  k = &d->t.tok[i];
  lua_pushinteger(L, (lua_Integer)k->start + 1);
  lua_pushinteger(L, (lua_Integer)k->stop);
  push_kind(L, k->kind);
  return 3;
}

static int doc_tokens_iter (lua_State *L) {
  gl_LDoc *d = doc_upvalue(L, lua_upvalueindex(3));
  lua_Integer last = lua_tointeger(L, lua_upvalueindex(2));
  lua_Integer i = lua_tointeger(L, 2) + 1;
  const gl_Token *k;
  if (i > last || i > (lua_Integer)d->t.ntok) return 0;
  k = &d->t.tok[i - 1];
  lua_pushinteger(L, i);
  lua_pushinteger(L, (lua_Integer)k->start + 1);
  lua_pushinteger(L, (lua_Integer)k->stop);
  push_kind(L, k->kind);
  return 4;
}

/***
** Iterates over tokens: `for i, start, stop, kind in doc:tokens([i [, j]])`.
*/
static int doc_tokens (lua_State *L) {
  gl_LDoc *d = doc_self(L);
  size_t first = 0, last = 0;
  int nonempty;
  if (lua_isnoneornil(L, 2)) {
    nonempty = d->t.ntok > 0;
    last = d->t.ntok ? d->t.ntok - 1 : 0;
  }
  else {
    if (lua_isnoneornil(L, 3)) { lua_settop(L, 2); lua_pushinteger(L, -1); }
    nonempty = token_range(L, d, 2, 3, &first, &last);
  }
  lua_pushvalue(L, 1);
  lua_pushinteger(L, nonempty ? (lua_Integer)last + 1 : 0);
  lua_pushvalue(L, DOC_META);
  lua_pushcclosure(L, doc_tokens_iter, 3);
  lua_pushnil(L);
  lua_pushinteger(L, (lua_Integer)first);
  return 3;
}

static void sentence_bounds (gl_LDoc *d, size_t s, size_t *first, size_t *last) {
  *first = d->t.sent[s];
  *last = (s + 1 < d->t.nsent) ? d->t.sent[s + 1] - 1 : d->t.ntok - 1;
}

static int doc_sentences_iter (lua_State *L) {
  gl_LDoc *d = doc_upvalue(L, lua_upvalueindex(2));
  lua_Integer s = lua_tointeger(L, 2);
  size_t first, last;
  if (s < 0 || (size_t)s >= d->t.nsent) return 0;
  sentence_bounds(d, (size_t)s, &first, &last);
  lua_pushinteger(L, s + 1);
  lua_pushinteger(L, (lua_Integer)first + 1);
  lua_pushinteger(L, (lua_Integer)last + 1);
  return 3;
}

/***
** Iterates over sentences: `for s, first, last in doc:sentences()`.
*/
static int doc_sentences (lua_State *L) {
  doc_self(L);
  lua_pushvalue(L, 1);
  lua_pushvalue(L, DOC_META);
  lua_pushcclosure(L, doc_sentences_iter, 2);
  lua_pushnil(L);
  lua_pushinteger(L, 0);
  return 3;
}

/***
** First and last token of sentence s (negative from the end).
*/
static int doc_sentence (lua_State *L) {
  gl_LDoc *d = doc_self(L);
  lua_Integer s = token_index(luaL_checkinteger(L, 2), d->t.nsent);
  size_t first, last;
  if (s < 0) { lua_pushnil(L); return 1; }
  sentence_bounds(d, (size_t)s, &first, &last);
  lua_pushinteger(L, (lua_Integer)first + 1);
  lua_pushinteger(L, (lua_Integer)last + 1);
  return 2;
}

static int doc_sentence_count (lua_State *L) {
  gl_LDoc *d = doc_self(L);
  lua_pushinteger(L, (lua_Integer)d->t.nsent);
  return 1;
}

static int doc_sentence_of (lua_State *L) {
  gl_LDoc *d = doc_self(L);
  lua_Integer i = token_index(luaL_checkinteger(L, 2), d->t.ntok);
  if (i < 0 || d->t.nsent == 0) lua_pushnil(L);
  else lua_pushinteger(L, (lua_Integer)gl_sentence_of(&d->t, (size_t)i) + 1);
  return 1;
}

/***
** Text from the start of token i to the end of token j (default i),
** clamped like string.sub.
*/
static int doc_text (lua_State *L) {
  gl_LDoc *d = doc_self(L);
  size_t first, last;
  if (!token_range(L, d, 2, 3, &first, &last)) lua_pushliteral(L, "");
  else {
    size_t a = d->t.tok[first].start, b = d->t.tok[last].stop;
    lua_pushlstring(L, (const char *)d->text + a, b - a);
  }
  return 1;
}

/***
** Byte offsets (1-based, inclusive) covered by tokens i to j.
*/
static int doc_span (lua_State *L) {
  gl_LDoc *d = doc_self(L);
  size_t first, last;
  if (!token_range(L, d, 2, 3, &first, &last)) { lua_pushnil(L); return 1; }
  lua_pushinteger(L, (lua_Integer)d->t.tok[first].start + 1);
  lua_pushinteger(L, (lua_Integer)d->t.tok[last].stop);
  return 2;
}

/* The first token whose stop is beyond byte offset b (0-based), or ntok. */
static size_t token_after (const gl_LDoc *d, size_t b) {
  size_t lo = 0, hi = d->t.ntok;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (d->t.tok[mid].stop <= b) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/***
** The tokens a byte range overlaps: first, last and whether the range,
** without its leading and trailing whitespace, starts and ends exactly at
** token boundaries; nil if it holds no token.
** @function Doc:locate
*/
static int doc_locate (lua_State *L) {
  gl_LDoc *d = doc_self(L);
  lua_Integer i = luaL_checkinteger(L, 2), j = luaL_checkinteger(L, 3);
  size_t first, last, a, b;
  if (i < 1) i = 1;
  if (j > (lua_Integer)d->len) j = (lua_Integer)d->len;
  if (i > j || d->t.ntok == 0) { lua_pushnil(L); return 1; }
  a = (size_t)i - 1;                   /* [a, b) in 0-based bytes */
  b = (size_t)j;
  while (a < b && strchr(" \t\r\n\f\v", d->text[a]) && d->text[a]) a++;
  while (b > a && strchr(" \t\r\n\f\v", d->text[b - 1]) && d->text[b - 1]) b--;
  if (a == b) { lua_pushnil(L); return 1; }
  first = token_after(d, a);
  if (first == d->t.ntok || d->t.tok[first].start >= b) { lua_pushnil(L); return 1; }
  last = token_after(d, b - 1);
  if (last == d->t.ntok || d->t.tok[last].start >= b) last--;
  lua_pushinteger(L, (lua_Integer)first + 1);
  lua_pushinteger(L, (lua_Integer)last + 1);
  lua_pushboolean(L, d->t.tok[first].start == a && d->t.tok[last].stop == b);
  return 3;
}

static int doc_form (lua_State *L, int form) {
  gl_LDoc *d = doc_self(L);
  lua_Integer i = token_index(luaL_checkinteger(L, 2), d->t.ntok);
  const gl_Token *k;
  if (i < 0) { lua_pushnil(L); return 1; }
  k = &d->t.tok[i];
  push_folded(L, d->text + k->start, k->stop - k->start, form);
  return 1;
}

static int doc_lower (lua_State *L) { return doc_form(L, GL_FORM_LOWER); }
static int doc_norm (lua_State *L) { return doc_form(L, GL_FORM_NORM); }
static int doc_shape (lua_State *L) { return doc_form(L, FORM_SHAPE); }

/***
** The whole text the Doc was made from.
*/
static int doc_source (lua_State *L) {
  doc_self(L);
  gl_getuservalue(L, 1);
  return 1;
}

/* Text within this many bytes of the end may still change how it is
** tokenised when more text follows (URL trimming, e-mail local parts,
** abbreviation periods, look-ahead rules of UAX #29). */
#if !defined(GL_STREAM_MARGIN)
#define GL_STREAM_MARGIN   256
#endif

/***
** For streaming: how many leading tokens are final whatever text follows,
** and the offset where the unsettled rest begins. Prepend
** `text:sub(resume)` to the next chunk and tokenize again.
** @function Doc:stable_prefix
** @treturn int n, the number of final tokens
** @treturn int resume, a 1-based byte offset (#text + 1 when n is #doc)
*/
static int doc_stable_prefix (lua_State *L) {
  gl_LDoc *d = doc_self(L);
  const gl_Token *tok = d->t.tok;
  size_t n = d->t.ntok, k, limit;
  size_t found = 0;
  if (d->len > GL_STREAM_MARGIN && n > 1) {
    limit = d->len - GL_STREAM_MARGIN;
    /* best: restart at a token that follows whitespace */
    for (k = n - 1; k > 0 && !found; k--)
      if (tok[k].start <= limit && (tok[k - 1].flags & GL_F_SPACE_AFTER)) found = k;
    /* else at any segment boundary (a clitic start is not one) */
    for (k = n - 1; k > 0 && !found; k--)
      if (tok[k].start <= limit && !(tok[k].flags & GL_F_CLITIC)) found = k;
  }
  lua_pushinteger(L, (lua_Integer)found);
  lua_pushinteger(L, found ? (lua_Integer)tok[found].start + 1 : 1);
  return 2;
}

static int doc_gc (lua_State *L) {
  gl_LDoc *d = doc_self_any(L);
  if (d->busy) return luaL_error(L, "attempt to close a Doc while a pattern runs over it");
  gl_tokens_free(&d->t);
  d->closed = 1;
  return 0;
}

static int doc_tostring (lua_State *L) {
  gl_LDoc *d = doc_self_any(L);
  if (d->closed) lua_pushfstring(L, GL_DOC_TYPE " (closed) (%p)", (void *)d);
  else lua_pushfstring(L, GL_DOC_TYPE " (%d tokens, %d sentences) (%p)",
                       (int)d->t.ntok, (int)d->t.nsent, (void *)d);
  return 1;
}


/* ======================================================================
** glean.segments
** ====================================================================== */

/***
** Start offsets (1-based) of the UAX #29 word or sentence segments of text.
** @function segments
*/
static int l_segments (lua_State *L) {
  static const char *const kinds[] = { "word", "sentence", NULL };
  size_t len, pos = 0;
  const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
  int sentence = luaL_checkoption(L, 2, NULL, kinds);
  lua_Integer n = 0;
  lua_newtable(L);
  while (pos < len) {
    lua_pushinteger(L, (lua_Integer)pos + 1);
    lua_rawseti(L, -2, (int)++n);
    pos = sentence ? gl_sentence_next(s, len, pos) : gl_word_next(s, len, pos);
  }
  return 1;
}


/* ======================================================================
** Registration
** ====================================================================== */

static const luaL_Reg tk_methods[] = {
  { "tokenize", tk_tokenize }, { "options", tk_options }, { NULL, NULL }
};

static const luaL_Reg tk_meta[] = {
  { "__call", tk_tokenize }, { "__gc", tk_gc }, { "__tostring", tk_tostring },
  { NULL, NULL }
};

static const luaL_Reg doc_methods[] = {
  { "token", doc_token }, { "tokens", doc_tokens },
  { "sentences", doc_sentences }, { "sentence", doc_sentence },
  { "sentence_count", doc_sentence_count }, { "sentence_of", doc_sentence_of },
  { "text", doc_text }, { "span", doc_span }, { "lower", doc_lower },
  { "norm", doc_norm }, { "shape", doc_shape }, { "source", doc_source },
  { "stable_prefix", doc_stable_prefix }, { "locate", doc_locate },
  { "close", doc_gc }, { NULL, NULL }
};

static const luaL_Reg doc_meta[] = {
  { "__len", doc_len }, { "__gc", doc_gc }, { "__close", doc_gc },
  { "__tostring", doc_tostring }, { NULL, NULL }
};

/***
** core.fold(s, form): s in form "lower", "norm" or "shape", as token views
** and pattern predicates see it.
*/
static int l_fold (lua_State *L) {
  static const char *const names[] = { "lower", "norm", "shape", NULL };
  static const int forms[] = { GL_FORM_LOWER, GL_FORM_NORM, FORM_SHAPE };
  size_t n, i;
  const char *s = luaL_checklstring(L, 1, &n);
  int f = luaL_checkoption(L, 2, NULL, names);
  if (forms[f] != FORM_SHAPE) {         /* ASCII without capitals folds to itself */
    for (i = 0; i < n && (unsigned char)s[i] < 0x80 && !(s[i] >= 'A' && s[i] <= 'Z') &&
                !(s[i] == '`' && forms[f] == GL_FORM_NORM); i++)   /* norm: ` is ' */
      continue;
    if (i == n) {
      lua_settop(L, 1);                 /* word lists are mostly such words */
      return 1;
    }
  }
  push_folded(L, (const unsigned char *)s, n, forms[f]);
  return 1;
}

static const luaL_Reg module_funcs[] = {
  { "tokenizer", tk_new }, { "segments", l_segments }, { "fold", l_fold }, { NULL, NULL }
};

void gl_open_doc (lua_State *L) {
  gl_register_type(L, GL_TOKENIZER_TYPE, tk_meta, tk_methods, NULL);

  /* Doc: __index also answers doc[i], so it is a function over the
  ** methods; every C function gets the metatable as upvalue DOC_META */
  luaL_newmetatable(L, GL_DOC_TYPE);
  lua_pushvalue(L, -1);
  gl_setfuncs(L, doc_meta, 1);
  lua_newtable(L);
  lua_pushvalue(L, -2);
  gl_setfuncs(L, doc_methods, 1);
  lua_pushvalue(L, -1);
  lua_setfield(L, -4, "doc_methods");   /* core.doc_methods, for Lua additions */
  lua_pushvalue(L, -2);
  lua_insert(L, -2);                    /* DOC_META, DOC_METHODS */
  lua_pushcclosure(L, doc_index, 2);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);

  gl_setfuncs(L, module_funcs, 0);
  /* core.token_flags: view name -> bit; core.token_kinds: names by number */
  {
    int f;
    lua_newtable(L);
    for (f = 0; view_flags[f].name != NULL; f++) {
      lua_pushinteger(L, (lua_Integer)view_flags[f].flag);
      lua_setfield(L, -2, view_flags[f].name);
    }
    lua_setfield(L, -2, "token_flags");
    lua_createtable(L, GL_KIND_COUNT, 0);
    for (f = 0; f < GL_KIND_COUNT; f++) {
      lua_pushstring(L, gl_kind_names[f]);
      lua_rawseti(L, -2, f + 1);
    }
    lua_setfield(L, -2, "token_kinds");
  }
}
