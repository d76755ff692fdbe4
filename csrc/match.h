/*
** Compiled gazetteers: validation of a buffer (from memory or a mapped
** file) and matching over tokens. Plain C99: no Lua headers.
*/
#ifndef GL_MATCH_H
#define GL_MATCH_H

#include "gltypes.h"
#include "gzformat.h"
#include "tokenize.h"

/* A validated compiled gazetteer: views into its buffer. */
typedef struct gl_Gz {
  const unsigned char *base;
  size_t size;
  const gl_GzHeader *h;
  const gl_GzOptions *opts;
  const uint32_t *abbrevs;        /* opts->nabbrev string ids */
  const gl_GzSlot *slots;
  const uint32_t *voffs;
  const unsigned char *vpool;
  const gl_GzNode *nodes;
  const uint32_t *label, *list;
  const uint64_t *filter;
  const gl_GzEntry *entries;
  const gl_GzAttr *attrs;
  const uint32_t *soffs;
  const unsigned char *spool;
  int form;
} gl_Gz;

/* Token ids of text tokens that are not in the vocabulary, or transparent. */
#define GL_GZ_NOTOKEN   0xFFFFFFFFu
#define GL_GZ_SKIP      0xFFFFFFFEu

enum { GL_GZ_LONGEST, GL_GZ_ALL, GL_GZ_FIRST };

typedef struct gl_GzQuery {
  int policy;                 /* GL_GZ_LONGEST, GL_GZ_ALL or GL_GZ_FIRST */
  int filter;                 /* restrict to the labels below */
  const uint32_t *labels;     /* label string ids, sorted */
  size_t nlabels;
  int count_only;             /* count hits without storing them */
} gl_GzQuery;

typedef struct gl_GzHit {
  uint32_t first, last;       /* 0-based token indexes, inclusive */
  uint32_t entry;
  uint32_t node;              /* the trie node of the phrase */
} gl_GzHit;

/* Token id and first trie step of a text token. */
typedef struct gl_GzTokId {
  uint32_t id;                /* token id, GL_GZ_NOTOKEN or GL_GZ_SKIP */
  uint32_t root;              /* the root's child for it, or 0 */
} gl_GzTokId;

/* Token ids are computed ahead of the walks into a ring this large: more
** than a walk can look ahead ((GL_GZ_MAX_DEPTH - 1) * (GL_GZ_MAX_SKIP + 1)). */
#define GL_GZ_RING   1024u

/* A cache of recent text tokens and their ids (most text is made of a few
** thousand frequent tokens, whose lookups it saves). */
#define GL_GZ_CACHE      4096u
#define GL_GZ_CACHE_LEN  16u

typedef struct gl_GzCacheEntry {
  uint64_t w[2];              /* the token's bytes as in the text, zero-padded */
  uint32_t len;               /* its length + 1, 0 for an empty entry */
  gl_GzTokId tid;
  uint32_t unused;
} gl_GzCacheEntry;

/* A cache of recent trie steps (node, token) -> child, for long texts. */
#define GL_GZ_MEMO   4096u

typedef struct gl_GzStep {
  uint32_t node, token, child;    /* node 0: an empty entry */
} gl_GzStep;

/*
** Results and scratch space of matching, grown with 'alloc'. Keep one per
** gazetteer and reuse it: its caches stay valid across calls as long as
** the gazetteer is the same ('owner'), which short texts profit from.
*/
typedef struct gl_GzResult {
  gl_GzHit *hits;
  size_t n, cap;
  gl_GzTokId *ring;           /* scratch: GL_GZ_RING token ids */
  gl_GzCacheEntry *cache;     /* scratch: GL_GZ_CACHE entries */
  gl_GzStep *memo;            /* scratch: GL_GZ_MEMO entries */
  const gl_Gz *owner;         /* the gazetteer the caches hold ids of */
  unsigned char *fold;        /* scratch: one folded token */
  size_t capfold;
  gl_Alloc alloc;
  void *ud;
} gl_GzResult;

/*
** Validates buf[0..size) (8-byte aligned) in time linear in its size and
** fills gz. Returns NULL, or a message saying what is wrong.
*/
GL_FUNC const char *gl_gz_open (gl_Gz *gz, const unsigned char *buf, size_t size);

/* String id -> its bytes (id < nstrings). */
static inline const unsigned char *gl_gz_string (const gl_Gz *gz, uint32_t id,
                                                 size_t *len) {
  *len = gz->soffs[id + 1] - gz->soffs[id];
  return gz->spool + gz->soffs[id];
}

/* Looks a string up among the strings (labels); returns its id or
** GL_GZ_NOTOKEN. Linear: for the few label lookups of a query. */
GL_FUNC uint32_t gl_gz_find_string (const gl_Gz *gz, const char *s, size_t len);

/* Is punctuation token k (of text s) made of dashes and hyphens only? */
GL_FUNC int gl_gz_dashes (const gl_Token *k, const unsigned char *s);

/* Is token k (of text s) one that matching steps over: whitespace, and
** dashes between words ("Hewlett-Packard" = "Hewlett–Packard" = "Hewlett
** Packard")? */
static inline int gl_gz_transparent (const gl_Token *k, const unsigned char *s) {
  if (k->kind != GL_KIND_PUNCT) return k->kind == GL_KIND_SPACE || k->kind == GL_KIND_NEWLINE;
  return gl_gz_dashes(k, s);
}

GL_FUNC void gl_gzr_init (gl_GzResult *r, gl_Alloc alloc, void *ud);
GL_FUNC void gl_gzr_free (gl_GzResult *r);

/* Finds the phrases of gz in the tokens of text; hits go to r (emptied
** first), in text order. Returns GL_OK or GL_ENOMEM. */
GL_FUNC int gl_gz_match (const gl_Gz *gz, const gl_Token *tok, size_t ntok,
                         const unsigned char *text, const gl_GzQuery *q,
                         gl_GzResult *r);

#endif
