/*
** UTF-8 decoding with exact handling of malformed input.
** Plain C99: no Lua headers.
*/
#ifndef GL_UTF8_H
#define GL_UTF8_H

#include "gltypes.h"

/* Code point reported for a maximal invalid subsequence. */
#define GL_INVALID_CP   0xFFFFFFFFu

/*
** Decodes the character that starts at s[i] (i < len) and returns its length
** in bytes (1 to 4). A malformed sequence yields GL_INVALID_CP and the length
** of its maximal invalid subsequence: the longest prefix of a well-formed
** sequence, or one byte when s[i] cannot start one (Unicode 15.0, section
** 3.9, "U+FFFD Substitution of Maximal Subparts"). Thus offsets never shift
** and every byte belongs to exactly one character or invalid subsequence.
*/
static inline size_t gl_utf8_decode (const unsigned char *s, size_t len,
                                     size_t i, uint32_t *cp) {
  unsigned c = s[i];
  unsigned lo = 0x80, hi = 0xBF;   /* allowed range of the second byte */
  size_t need, k;
  uint32_t v;
  if (c < 0x80) { *cp = c; return 1; }
  if (c >= 0xC2 && c <= 0xDF) { need = 1; v = c & 0x1F; }
  else if (c >= 0xE0 && c <= 0xEF) {
    need = 2; v = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;
    else if (c == 0xED) hi = 0x9F;   /* no surrogates */
  }
  else if (c >= 0xF0 && c <= 0xF4) {
    need = 3; v = c & 0x07;
    if (c == 0xF0) lo = 0x90;
    else if (c == 0xF4) hi = 0x8F;   /* nothing above U+10FFFF */
  }
  else { *cp = GL_INVALID_CP; return 1; }
  for (k = 1; k <= need; k++) {
    unsigned b;
    if (i + k >= len) { *cp = GL_INVALID_CP; return k; }
    b = s[i + k];
    if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) {
      *cp = GL_INVALID_CP;
      return k;
    }
    v = (v << 6) | (b & 0x3F);
  }
  *cp = v;
  return need + 1;
}

/* Writes the UTF-8 form of cp (< 0x110000) to buf; returns its length. */
static inline size_t gl_utf8_encode (uint32_t cp, unsigned char *buf) {
  if (cp < 0x80) { buf[0] = (unsigned char)cp; return 1; }
  if (cp < 0x800) {
    buf[0] = (unsigned char)(0xC0 | (cp >> 6));
    buf[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    buf[0] = (unsigned char)(0xE0 | (cp >> 12));
    buf[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    buf[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  buf[0] = (unsigned char)(0xF0 | (cp >> 18));
  buf[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
  buf[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
  buf[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

#endif
