/*
** Declarations shared by the Lua binding files (l*.c).
*/
#ifndef GL_LGLEAN_H
#define GL_LGLEAN_H

#include "lua.h"
#include "lauxlib.h"
#include "tokenize.h"
#include "pattern.h"

#define GL_DOC_TYPE        "glean.Doc"
#define GL_TOKENIZER_TYPE  "glean.Tokenizer"

/* A tokenizer: validated options and its abbreviation set. */
typedef struct gl_LTokenizer {
  gl_TokOptions opts;
  gl_AbbrevSet abbrevs;
} gl_LTokenizer;

/* A tokenised text; the text itself is pinned as the user value. */
typedef struct gl_LDoc {
  const unsigned char *text;
  size_t len;
  gl_Tokens t;
  gl_TokOptions opts;   /* as used; opts.abbrevs is not kept */
  int busy;             /* patterns are running over it: it cannot close */
  int closed;
} gl_LDoc;

/* Tokenises the string at index 'text' with 'o'; pushes the new Doc. */
GL_FUNC gl_LDoc *gl_doc_new (lua_State *L, int text, const gl_TokOptions *o);
/* The open Doc at index idx, or an argument error. */
GL_FUNC gl_LDoc *gl_doc_check (lua_State *L, int idx);

/* The Tokenizer at index idx, or an argument error. */
GL_FUNC gl_LTokenizer *gl_tokenizer_check (lua_State *L, int idx);
/* Are two option sets tokenising alike (same token boundaries)? */
GL_FUNC int gl_same_tokens (const gl_TokOptions *a, const gl_TokOptions *b);
/* Registers userdata type tname: the metamethods meta and, unless NULL,
** the methods as __index, also stored as core[field] when field is not
** NULL (for methods added in Lua). core must be at the top of the stack. */
GL_FUNC void gl_register_type (lua_State *L, const char *tname, const luaL_Reg *meta,
                               const luaL_Reg *methods, const char *field);
/* Raises "not enough memory". */
GL_FUNC int gl_memory_error (lua_State *L);

GL_FUNC void gl_open_doc (lua_State *L);        /* tokenizer, segments */
GL_FUNC void gl_open_gazetteer (lua_State *L);  /* gazetteer, load */
GL_FUNC void gl_open_pattern (lua_State *L);    /* program */
GL_FUNC void gl_open_sandbox (lua_State *L);    /* sandbox_call */

#endif
