/*
** Per-token forms used for matching and shapes. The forms (GL_FORM_* in
** unicode_data.h):
**   LOWER   full case folding;
**   NORM    case folding, then accents removed from Latin, Greek and
**           Cyrillic letters and quotes, apostrophes and dashes unified;
**   CASE    case folding and unification, accents kept;
**   ACCENT  accent folding and unification, case kept;
**   UNIFY   unification only.
** Plain C99: no Lua headers.
*/
#ifndef GL_NORMALIZE_H
#define GL_NORMALIZE_H

#include "gltypes.h"
#include "unicode_data.h"

/* Bytes a caller must provide to fold n input bytes. */
#define GL_FOLD_BUFSIZE(n)   ((n) * GL_FOLD_MAX_EXPANSION)

/* Writes form 'form' of s[0..n) to out (GL_FOLD_BUFSIZE(n) bytes) and
** returns its length. Malformed bytes are copied unchanged. */
GL_FUNC size_t gl_fold (const unsigned char *s, size_t n, unsigned char *out,
                        int form);

/* Like gl_fold, but out holds only 'cap' bytes: returns (size_t)-1 as soon
** as the form would be longer. */
GL_FUNC size_t gl_fold_bounded (const unsigned char *s, size_t n,
                                unsigned char *out, size_t cap, int form);

/*
** ASCII folding tables, one per form: byte -> folded byte, or 0 for bytes
** that need gl_fold (non-ASCII and NUL).
*/
GL_DATA const unsigned char gl_ascii_fold[GL_FORM_COUNT][256];

/*
** Writes the shape of s[0..n) to out (at least n bytes) and returns its
** length: upper and title case letters become 'X', other letters 'x',
** decimal digits 'd', marks vanish, anything else stays; a run of one
** shape character is cut after four ("Zelenskyy" -> "Xxxxx", "MI6" ->
** "XXd", "1,250.5" -> "d,ddd.d").
*/
GL_FUNC size_t gl_shape (const unsigned char *s, size_t n, unsigned char *out);

#endif
