/*
** Folding and shapes, driven by the generated tables in unicode_data.c.
*/
#include <string.h>

#include "normalize.h"
#include "segment.h"

size_t gl_fold (const unsigned char *s, size_t n, unsigned char *out,
                int form) {
  size_t i = 0, o = 0;
  while (i < n) {
    unsigned c = s[i];
    if (c < 0x80) {   /* ASCII: only letters and the backtick change */
      if (c >= 'A' && c <= 'Z') c += 32;
      else if (c == '`' && form == GL_FORM_NORM) c = '\'';
      out[o++] = (unsigned char)c;
      i++;
    }
    else {
      uint32_t cp;
      size_t k = gl_utf8_decode(s, n, i, &cp);
      const gl_FoldEntry *e = (cp == GL_INVALID_CP) ? NULL : gl_fold_entry(cp);
      unsigned off = 0, len = GL_FOLD_IDENTITY;
      if (e != NULL) {
        off = (form == GL_FORM_LOWER) ? e->lower_off : e->norm_off;
        len = (form == GL_FORM_LOWER) ? e->lower_len : e->norm_len;
      }
      if (len == GL_FOLD_IDENTITY) memcpy(out + o, s + i, k), o += k;
      else memcpy(out + o, gl_fold_pool + off, len), o += len;
      i += k;
    }
  }
  return o;
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
