/*
** Folding and shapes, driven by the generated tables in unicode_data.c.
*/
#include <string.h>

#include "normalize.h"
#include "segment.h"

#define R4(f, b)   f(b), f(b + 1), f(b + 2), f(b + 3)
#define R16(f, b)  R4(f, b), R4(f, b + 4), R4(f, b + 8), R4(f, b + 12)
#define R128(f)    R16(f, 0), R16(f, 16), R16(f, 32), R16(f, 48), R16(f, 64), R16(f, 80), \
                   R16(f, 96), R16(f, 112)
#define HIGH128    R16(ZERO, 0), R16(ZERO, 0), R16(ZERO, 0), R16(ZERO, 0), R16(ZERO, 0), \
                   R16(ZERO, 0), R16(ZERO, 0), R16(ZERO, 0)
#define ZERO(b)    0
#define LOWER(b)   ((b) >= 'A' && (b) <= 'Z' ? (b) + 32 : (b))
#define UNIFIED(b) ((b) == '`' ? '\'' : (b))
#define NORM(b)    UNIFIED(LOWER(b))

const unsigned char gl_ascii_fold[GL_FORM_COUNT][256] = {
  { R128(LOWER), HIGH128 },      /* GL_FORM_LOWER */
  { R128(NORM), HIGH128 },       /* GL_FORM_NORM */
  { R128(NORM), HIGH128 },       /* GL_FORM_CASE */
  { R128(UNIFIED), HIGH128 },    /* GL_FORM_ACCENT */
  { R128(UNIFIED), HIGH128 }     /* GL_FORM_UNIFY */
};

size_t gl_fold_bounded (const unsigned char *s, size_t n, unsigned char *out,
                        size_t cap, int form) {
  size_t i = 0, o = 0;
  int fold_case = (form == GL_FORM_LOWER || form == GL_FORM_NORM || form == GL_FORM_CASE);
  int unify = (form != GL_FORM_LOWER);
  while (i < n) {
    unsigned c = s[i];
    if (c < 0x80) {   /* ASCII: only letters and the backtick change */
      if (o >= cap) return (size_t)-1;
      if (fold_case && c >= 'A' && c <= 'Z') c += 32;
      else if (unify && c == '`') c = '\'';
      out[o++] = (unsigned char)c;
      i++;
    }
    else {
      uint32_t cp;
      size_t k = gl_utf8_decode(s, n, i, &cp);
      const gl_FoldEntry *e = (cp == GL_INVALID_CP) ? NULL : gl_fold_entry(cp);
      const unsigned char *src = s + i;
      size_t len = k;
      if (e != NULL && e->len[form] != GL_FOLD_IDENTITY) {
        src = gl_fold_pool + e->off[form];
        len = e->len[form];
      }
      if (len > cap - o) return (size_t)-1;
      memcpy(out + o, src, len);
      o += len;
      i += k;
    }
  }
  return o;
}

size_t gl_fold (const unsigned char *s, size_t n, unsigned char *out,
                int form) {
  return gl_fold_bounded(s, n, out, GL_FOLD_BUFSIZE(n), form);
}

size_t gl_shape (const unsigned char *s, size_t n, unsigned char *out) {
  size_t i = 0, o = 0;
  size_t run = 0;                   /* length of the current run */
  size_t last = 0, lastlen = 0;     /* the last shape unit written */
  while (i < n) {
    gl_Char ch;
    unsigned gc;
    unsigned char unit[4];
    size_t ulen = 1;
    gl_char_at(s, n, i, &ch);
    gc = GL_P_GC(ch.props);
    if (ch.cp == GL_INVALID_CP) { memcpy(unit, s + i, ch.n); ulen = ch.n; }
    else if (gc == GL_GC_LU || gc == GL_GC_LT) unit[0] = 'X';
    else if (gc >= GL_GC_LL && gc <= GL_GC_LO) unit[0] = 'x';
    else if (gc == GL_GC_ND) unit[0] = 'd';
    else if (gc >= GL_GC_MN && gc <= GL_GC_ME) { i += ch.n; continue; }
    else { memcpy(unit, s + i, ch.n); ulen = ch.n; }
    i += ch.n;
    if (run > 0 && ulen == lastlen && memcmp(out + last, unit, ulen) == 0) {
      if (++run > 4) continue;
    }
    else run = 1;
    last = o;
    lastlen = ulen;
    memcpy(out + o, unit, ulen);
    o += ulen;
  }
  return o;
}
