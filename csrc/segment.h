/*
** Text segmentation, exactly as Unicode Standard Annex #29 specifies
** (word and sentence boundaries). Plain C99: no Lua headers.
*/
#ifndef GL_SEGMENT_H
#define GL_SEGMENT_H

#include "gltypes.h"
#include "utf8.h"
#include "unicode_data.h"

/* Properties given to a maximal invalid subsequence: those of U+FFFD. */
#define GL_PROPS_INVALID   ((unsigned)GL_GC_SO << 9)

/* One decoded character: code point (or GL_INVALID_CP), properties, length. */
typedef struct gl_Char {
  uint32_t cp;
  unsigned props;
  size_t n;
} gl_Char;

static inline void gl_char_at (const unsigned char *s, size_t len, size_t i,
                               gl_Char *ch) {
  ch->n = gl_utf8_decode(s, len, i, &ch->cp);
  ch->props = (ch->cp == GL_INVALID_CP) ? GL_PROPS_INVALID : gl_props(ch->cp);
}

/*
** Both functions take a boundary pos < len (0-based) and return the next
** boundary after it (at most len). Every boundary is a valid restart point:
** no rule of UAX #29 looks back across a boundary in a way that changes the
** next one, so segmenting from any boundary gives the same result as
** segmenting from the start of the text.
*/
GL_FUNC size_t gl_word_next (const unsigned char *s, size_t len, size_t pos);
GL_FUNC size_t gl_sentence_next (const unsigned char *s, size_t len, size_t pos);

#endif
