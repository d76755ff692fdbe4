/*
** Abbreviations that the tokeniser keeps whole with their period ("Mr.",
** "Inc.", "Calif."): a built-in English list plus the user's additions, in a
** hash set. Plain C99: no Lua headers.
*/
#ifndef GL_ABBREV_H
#define GL_ABBREV_H

#include "gltypes.h"

/*
** How an abbreviation relates to sentence ends:
** PREFIX ones announce what follows ("Mr. Smith", "No. 10", "Jan. 5") and
** never end a sentence on the same line; PLAIN ones ("Inc.", "etc.",
** "U.S.") end a sentence only when a typical sentence opener follows.
*/
enum { GL_ABBREV_NONE = 0, GL_ABBREV_PLAIN = 1, GL_ABBREV_PREFIX = 2 };

typedef struct gl_AbbrevEntry {
  uint32_t off;        /* offset of the text in the pool */
  uint16_t len;        /* 0 marks an empty slot */
  uint8_t kind;        /* GL_ABBREV_PLAIN or GL_ABBREV_PREFIX */
  uint8_t unused;
} gl_AbbrevEntry;

typedef struct gl_AbbrevSet {
  gl_AbbrevEntry *slots;
  size_t nslots, count;    /* nslots is 0 or a power of two */
  char *pool;
  size_t poolsize, poollen;
  gl_Alloc alloc;
  void *ud;
} gl_AbbrevSet;

/* Longest abbreviation accepted, in bytes. */
#if !defined(GL_ABBREV_MAXLEN)
#define GL_ABBREV_MAXLEN   32
#endif

GL_FUNC void gl_abbrev_init (gl_AbbrevSet *set, gl_Alloc alloc, void *ud);
GL_FUNC void gl_abbrev_free (gl_AbbrevSet *set);
/* Adds text (which must end with '.'); returns GL_OK or GL_ENOMEM. */
GL_FUNC int gl_abbrev_add (gl_AbbrevSet *set, const char *text, size_t len,
                           int kind);
GL_FUNC int gl_abbrev_add_defaults (gl_AbbrevSet *set);
/* Kind of the abbreviation s[0..len), or GL_ABBREV_NONE. */
GL_FUNC int gl_abbrev_find (const gl_AbbrevSet *set, const unsigned char *s,
                            size_t len);
/* The built-in list, NULL-terminated, for documentation and tests. */
GL_FUNC const char *gl_abbrev_default (size_t i, int *kind);

/* Common English sentence openers: after a PLAIN abbreviation, a sentence
** break stands only before one of these. */
GL_FUNC int gl_is_sentence_opener (const unsigned char *s, size_t len);

#endif
