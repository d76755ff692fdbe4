/*
** Per-token forms used for matching: full case folding ("lower"), the
** matching form ("norm": case fold, accent fold for Latin, Greek and
** Cyrillic, unified quotes, apostrophes and dashes) and the word shape.
** Plain C99: no Lua headers.
*/
#ifndef GL_NORMALIZE_H
#define GL_NORMALIZE_H

#include "gltypes.h"
#include "unicode_data.h"

enum { GL_FORM_LOWER, GL_FORM_NORM };

/* Bytes a caller must provide to fold n input bytes. */
#define GL_FOLD_BUFSIZE(n)   ((n) * GL_FOLD_MAX_EXPANSION)

/*
** Writes the folded form of s[0..n) to out (at least GL_FOLD_BUFSIZE(n)
** bytes) and returns its length. Malformed bytes are copied unchanged.
*/
GL_FUNC size_t gl_fold (const unsigned char *s, size_t n, unsigned char *out,
                        int form);

/*
** Writes the shape of s[0..n) to out (at least n bytes) and returns its
** length: upper and title case letters become 'X', other letters 'x',
** decimal digits 'd', marks vanish, anything else stays; a run of one
** shape character is cut after four ("Zelenskyy" -> "Xxxxx", "MI6" ->
** "XXd", "1,250.5" -> "d,ddd.d").
*/
GL_FUNC size_t gl_shape (const unsigned char *s, size_t n, unsigned char *out);

#endif
