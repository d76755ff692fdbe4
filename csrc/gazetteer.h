/*
** Gazetteer builder: phrases with their entries, compiled into the flat
** buffer described in gzformat.h. Plain C99: no Lua headers.
*/
#ifndef GL_GAZETTEER_H
#define GL_GAZETTEER_H

#include "gltypes.h"
#include "gzformat.h"
#include "tokenize.h"

/* Status codes beyond gltypes.h's. */
enum {
  GL_GZ_EEMPTY = 100,   /* the phrase has no token to match */
  GL_GZ_ELONG,          /* the phrase has more than GL_GZ_MAX_DEPTH tokens */
  GL_GZ_ETOOMANY        /* the buffer would pass 4 GiB */
};

/* Interned byte strings: id -> bytes, and bytes -> id by hashing. */
typedef struct gl_StrTab {
  uint32_t *slots;            /* id + 1, or 0; nslots a power of two */
  size_t nslots;
  uint32_t *offs;             /* n + 1 offsets into pool */
  size_t n, capoffs;
  unsigned char *pool;
  size_t poollen, poolcap;
  size_t maxlen;              /* longest string */
} gl_StrTab;

/* An attribute given to gl_gzb_add. */
typedef struct gl_GzAttrIn {
  const char *key;
  size_t klen;
  int type;                   /* GL_GZ_T_* */
  const char *str;            /* GL_GZ_T_STRING */
  size_t slen;
  int64_t integer;            /* GL_GZ_T_INTEGER */
  double number;              /* GL_GZ_T_NUMBER */
} gl_GzAttrIn;

typedef struct gl_GzBNode {
  uint32_t token;             /* token id on the edge into the node */
  uint32_t head;              /* its last entry + 1, or 0 (a chain via next) */
} gl_GzBNode;

typedef struct gl_GzBEntry {
  uint32_t node, label, attr_start, nattrs, flags;
  uint32_t next;              /* next entry of the same node + 1, or 0 */
} gl_GzBEntry;

typedef struct gl_GzBuilder {
  gl_Alloc alloc;
  void *ud;
  int case_mode, accents, form;
  gl_TokOptions topts;
  gl_AbbrevSet abbrevs;       /* for tokenising phrases */
  uint32_t *user_abbrevs;     /* string ids, saved with the options */
  size_t nabbrev, capabbrev;
  gl_Tokens toks;             /* scratch */
  unsigned char *fold;        /* scratch */
  size_t foldcap;
  uint32_t *path;             /* scratch: token ids of one phrase */
  gl_StrTab vocab, strings;
  /* the trie while building: (parent << 32 | token) -> child */
  uint64_t *edge_keys;
  uint32_t *edge_vals;
  size_t edge_slots, nedges;
  gl_GzBNode *nodes;
  size_t nnodes, capnodes;
  gl_GzBEntry *entries;
  size_t nentries, capentries;
  gl_GzAttr *attrs;
  size_t nattrs, capattrs;
  uint32_t max_depth;
} gl_GzBuilder;

/* Sets up an empty builder; topts->abbrevs is ignored (see add_abbrev). */
GL_FUNC int gl_gzb_init (gl_GzBuilder *b, gl_Alloc alloc, void *ud,
                         int case_mode, int accents, const gl_TokOptions *topts);
/* Adds a user abbreviation to the phrase tokenizer (before any phrase). */
GL_FUNC int gl_gzb_add_abbrev (gl_GzBuilder *b, const char *s, size_t len);
GL_FUNC void gl_gzb_free (gl_GzBuilder *b);

/* Adds a phrase with one entry (its attributes; "label" is the label).
** Returns GL_OK, GL_ENOMEM, GL_GZ_EEMPTY or GL_GZ_ELONG; on an error
** nothing of the phrase is added. Identical entries of a phrase are kept
** once. */
GL_FUNC int gl_gzb_add (gl_GzBuilder *b, const char *phrase, size_t len,
                        const gl_GzAttrIn *attrs, size_t nattrs);

/* Size of the compiled buffer, in bytes. */
GL_FUNC int gl_gzb_size (gl_GzBuilder *b, size_t *size);
/* Writes the compiled buffer (gl_gzb_size bytes, 8-byte aligned). */
GL_FUNC int gl_gzb_write (gl_GzBuilder *b, unsigned char *out, size_t size);

#endif
