/*
** UAX #29 word and sentence boundaries (Unicode 15.0 rules, numbered as in
** the annex). Conformance is checked against WordBreakTest.txt and
** SentenceBreakTest.txt by spec/segment_spec.lua.
*/
#include "segment.h"

/* ======================================================================
** Word boundaries
** ====================================================================== */

#define WB(p)   ((int)GL_P_WB(p))

/* Extend, Format and ZWJ are transparent for rules WB5 and later (WB4). */
static int wb_ignorable (int c) {
  return c == GL_WB_EXTEND || c == GL_WB_FORMAT || c == GL_WB_ZWJ;
}

static int wb_ahletter (int c) {
  return c == GL_WB_ALETTER || c == GL_WB_HEBREW_LETTER;
}

static int wb_midnumletq (int c) {
  return c == GL_WB_MIDNUMLET || c == GL_WB_SINGLE_QUOTE;
}

/* Word_Break class of the first character at or after i that is not
** ignorable, or -1 at the end of the text. */
static int wb_lookahead (const unsigned char *s, size_t len, size_t i) {
  gl_Char ch;
  while (i < len) {
    int c;
    gl_char_at(s, len, i, &ch);
    c = WB(ch.props);
    if (!wb_ignorable(c)) return c;
    i += ch.n;
  }
  return -1;
}

/* Decides rules WB5 to WB16 between the non-ignorable characters 'prev'
** (preceded by 'prev2') and 'cur'; 'next' is fetched lazily. Returns 1 when
** there is no boundary. */
static int wb_joins (int prev2, int prev, int cur, unsigned ri_run,
                     const unsigned char *s, size_t len, size_t after) {
  if (wb_ahletter(prev)) {
    if (wb_ahletter(cur)) return 1;                                /* WB5 */
    if (prev == GL_WB_HEBREW_LETTER && cur == GL_WB_SINGLE_QUOTE)
      return 1;                                                    /* WB7a */
    if (cur == GL_WB_MIDLETTER || wb_midnumletq(cur))              /* WB6 */
      return wb_ahletter(wb_lookahead(s, len, after));
    if (cur == GL_WB_NUMERIC) return 1;                            /* WB9 */
    if (cur == GL_WB_EXTENDNUMLET) return 1;                       /* WB13a */
    if (prev == GL_WB_HEBREW_LETTER && cur == GL_WB_DOUBLE_QUOTE)  /* WB7b */
      return wb_lookahead(s, len, after) == GL_WB_HEBREW_LETTER;
    return 0;
  }
  switch (prev) {
    case GL_WB_MIDLETTER: case GL_WB_MIDNUMLET: case GL_WB_SINGLE_QUOTE:
      if (wb_ahletter(prev2) && wb_ahletter(cur)) return 1;        /* WB7 */
      if (prev != GL_WB_MIDLETTER && prev2 == GL_WB_NUMERIC &&
          cur == GL_WB_NUMERIC) return 1;                          /* WB11 */
      return 0;
    case GL_WB_MIDNUM:
      return prev2 == GL_WB_NUMERIC && cur == GL_WB_NUMERIC;       /* WB11 */
    case GL_WB_DOUBLE_QUOTE:
      return prev2 == GL_WB_HEBREW_LETTER &&
             cur == GL_WB_HEBREW_LETTER;                           /* WB7c */
    case GL_WB_NUMERIC:
      if (cur == GL_WB_NUMERIC || wb_ahletter(cur)) return 1;      /* WB8, WB10 */
      if (cur == GL_WB_MIDNUM || wb_midnumletq(cur))               /* WB12 */
        return wb_lookahead(s, len, after) == GL_WB_NUMERIC;
      return cur == GL_WB_EXTENDNUMLET;                            /* WB13a */
    case GL_WB_KATAKANA:
      return cur == GL_WB_KATAKANA || cur == GL_WB_EXTENDNUMLET;   /* WB13, WB13a */
    case GL_WB_EXTENDNUMLET:
      return cur == GL_WB_EXTENDNUMLET || cur == GL_WB_NUMERIC ||  /* WB13a, WB13b */
             cur == GL_WB_KATAKANA || wb_ahletter(cur);
    case GL_WB_REGIONAL_INDICATOR:
      return cur == GL_WB_REGIONAL_INDICATOR && (ri_run & 1);      /* WB15, WB16 */
    default:
      return 0;
  }
}

size_t gl_word_next (const unsigned char *s, size_t len, size_t pos) {
  gl_Char ch;
  size_t i = pos;
  int raw, prev, prev2 = -1;
  unsigned ri_run;
  gl_char_at(s, len, i, &ch);
  i += ch.n;
  raw = prev = WB(ch.props);
  if (prev == GL_WB_CR)                                            /* WB3, WB3a */
    return (i < len && s[i] == '\n') ? i + 1 : i;
  if (prev == GL_WB_LF || prev == GL_WB_NEWLINE) return i;         /* WB3a */
  ri_run = (prev == GL_WB_REGIONAL_INDICATOR);
  while (i < len) {
    int cur;
    unsigned char b = s[i];
    /* Fast path: ASCII letters and digits after a letter or digit. */
    if (b < 0x80 && (prev == GL_WB_ALETTER || prev == GL_WB_NUMERIC) &&
        raw == prev) {
      if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') {
        prev2 = prev; raw = prev = GL_WB_ALETTER; i++; continue;
      }
      if (b >= '0' && b <= '9') {
        prev2 = prev; raw = prev = GL_WB_NUMERIC; i++; continue;
      }
    }
    gl_char_at(s, len, i, &ch);
    cur = WB(ch.props);
    if (cur == GL_WB_CR || cur == GL_WB_LF || cur == GL_WB_NEWLINE)
      break;                                                       /* WB3b */
    if (raw == GL_WB_ZWJ && (ch.props & GL_P_EXTPICT)) {           /* WB3c */
      /* joined; falls through to become the new 'prev' */
    }
    else if (raw == GL_WB_WSEGSPACE && cur == GL_WB_WSEGSPACE) {   /* WB3d */
      /* joined */
    }
    else if (wb_ignorable(cur)) {                                  /* WB4 */
      raw = cur;
      i += ch.n;
      continue;
    }
    else if (!wb_joins(prev2, prev, cur, ri_run, s, len, i + ch.n))
      break;                                                       /* WB999 */
    ri_run = (cur == GL_WB_REGIONAL_INDICATOR) ? ri_run + 1 : 0;
    prev2 = prev;
    raw = prev = cur;
    i += ch.n;
  }
  return i;
}


/* ======================================================================
** Sentence boundaries
** ====================================================================== */

#define SB(p)   ((int)GL_P_SB(p))

static int sb_parasep (int c) {
  return c == GL_SB_SEP || c == GL_SB_CR || c == GL_SB_LF;
}

static int sb_saterm (int c) {
  return c == GL_SB_ATERM || c == GL_SB_STERM;
}

/* Class of the character at i, after skipping Extend and Format (SB5);
** stores its position in *at. Returns -1 at the end of the text. */
static int sb_class_at (const unsigned char *s, size_t len, size_t i,
                        size_t *at, size_t *n) {
  gl_Char ch;
  while (i < len) {
    int c;
    gl_char_at(s, len, i, &ch);
    c = SB(ch.props);
    if (c != GL_SB_EXTEND && c != GL_SB_FORMAT) {
      *at = i; *n = ch.n;
      return c;
    }
    i += ch.n;
  }
  *at = len; *n = 0;
  return -1;
}

/* End of the paragraph separator at i (CR LF counts as one, SB3). */
static size_t sb_after_parasep (const unsigned char *s, size_t len, size_t i,
                                size_t n) {
  if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') return i + 2;
  return i + n;
}

/*
** Called on a terminator (class 'term', at i with length n, 'before' being
** the class of the preceding non-ignorable character). Returns the boundary
** that follows the terminator sequence (SB11), or 0 when rules SB6-SB8a
** forbid one; then *resume is where scanning goes on.
*/
static size_t sb_after_term (const unsigned char *s, size_t len, size_t i,
                             size_t n, int term, int before, size_t *resume) {
  size_t at, k;
  int c = sb_class_at(s, len, i + n, &at, &k);
  if (term == GL_SB_ATERM) {
    if (c == GL_SB_NUMERIC) { *resume = at; return 0; }            /* SB6 */
    if (c == GL_SB_UPPER && (before == GL_SB_UPPER || before == GL_SB_LOWER)) {
      *resume = at; return 0;                                      /* SB7 */
    }
  }
  while (c == GL_SB_CLOSE) c = sb_class_at(s, len, at + k, &at, &k);  /* SB9 */
  while (c == GL_SB_SP) c = sb_class_at(s, len, at + k, &at, &k);     /* SB10 */
  if (c < 0) return len;                                           /* SB2 */
  if (sb_parasep(c)) return sb_after_parasep(s, len, at, k);       /* SB11 */
  if (term == GL_SB_ATERM) {                                       /* SB8 */
    size_t j = at, m = k;
    int d = c;
    while (d >= 0 && d != GL_SB_OLETTER && d != GL_SB_UPPER && d != GL_SB_LOWER &&
           !sb_parasep(d) && !sb_saterm(d))
      d = sb_class_at(s, len, j + m, &j, &m);
    if (d == GL_SB_LOWER) { *resume = at; return 0; }
  }
  if (c == GL_SB_SCONTINUE || sb_saterm(c)) {                      /* SB8a */
    *resume = at; return 0;
  }
  return at;                                                       /* SB11 */
}

/*
** Class of the last non-ignorable character in s[lo..i), for SB7; -1 when
** there is none. Decodes backwards: a character is found from its lead byte
** (at most three continuation bytes back); bytes that do not form one
** character ending at i are an invalid subsequence, class Other, exactly as
** forward decoding sees them.
*/
static int sb_class_before (const unsigned char *s, size_t lo, size_t i) {
  while (i > lo) {
    size_t k = i - 1;
    gl_Char ch;
    int c;
    while (k > lo && k + 3 >= i && (s[k] & 0xC0) == 0x80) k--;
    gl_char_at(s, i, k, &ch);
    if (k + ch.n != i) return GL_SB_OTHER;
    c = SB(ch.props);
    if (c != GL_SB_EXTEND && c != GL_SB_FORMAT) return c;
    i = k;
  }
  return -1;
}

size_t gl_sentence_next (const unsigned char *s, size_t len, size_t pos) {
  size_t i = pos;
  while (i < len) {
    gl_Char ch;
    int c;
    /* Only terminators, separators and non-ASCII can matter (SB4, SB11). */
    while (!(gl_ascii_class[s[i]] & GL_A_SBSTOP))
      if (++i == len) return len;
    gl_char_at(s, len, i, &ch);
    c = SB(ch.props);
    if (sb_parasep(c)) return sb_after_parasep(s, len, i, ch.n);   /* SB4 */
    if (sb_saterm(c)) {
      size_t resume = 0;
      size_t brk = sb_after_term(s, len, i, ch.n, c,
                                 sb_class_before(s, pos, i), &resume);
      if (brk) return brk;
      i = resume;
      continue;
    }
    i += ch.n;
  }
  return len;
}
