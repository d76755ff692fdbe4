/*
** Tokeniser. Each UAX #29 word segment becomes at most a few tokens; the
** refinements (section "Refinements") merge or split segments, and the
** sentence pass maps UAX #29 sentence boundaries onto tokens and adjusts
** them for news text (section "Sentences").
*/
#include <string.h>

#include "tokenize.h"
#include "segment.h"

const char *const gl_kind_names[GL_KIND_COUNT] = {
  "word", "number", "punct", "symbol", "space", "newline", "url", "email",
  "emoji", "invalid"
};

void gl_tokopts_default (gl_TokOptions *o) {
  o->keep_space = 0;
  o->clitics = o->abbreviations = o->initials = o->urls = o->emails = 1;
  o->numbers = o->emoji = o->punct_runs = o->hard_wraps = 1;
  o->reference = 0;
  o->sentences = 1;
  o->abbrevs = NULL;
}

void gl_tokens_init (gl_Tokens *t, gl_Alloc alloc, void *ud) {
  memset(t, 0, sizeof(*t));
  t->alloc = alloc;
  t->ud = ud;
}

void gl_tokens_free (gl_Tokens *t) {
  if (t->tok) t->alloc(t->ud, t->tok, t->captok * sizeof(gl_Token), 0);
  if (t->sent) t->alloc(t->ud, t->sent, t->capsent * sizeof(uint32_t), 0);
  t->tok = NULL; t->sent = NULL;
  t->ntok = t->captok = t->nsent = t->capsent = 0;
}

#define grow(t, arr, cap, need, size)   gl_grow((t)->alloc, (t)->ud, arr, cap, need, size)

static inline int push_token (gl_Tokens *t, size_t start, size_t stop,
                              int kind, unsigned flags) {
  gl_Token *k;
  if (t->ntok == t->captok &&
      grow(t, (void **)&t->tok, &t->captok, t->ntok + 1, sizeof(gl_Token)))
    return GL_ENOMEM;
  k = &t->tok[t->ntok++];
  k->start = (uint32_t)start;
  k->stop = (uint32_t)stop;
  k->flags = (uint16_t)flags;
  k->kind = (uint8_t)kind;
  k->abbrev = 0;
  return GL_OK;
}


/* ======================================================================
** Character classes
** ====================================================================== */

static int in_ranges (const uint32_t (*r)[2], size_t n, uint32_t cp) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (cp < r[mid][0]) hi = mid;
    else if (cp > r[mid][1]) lo = mid + 1;
    else return 1;
  }
  return 0;
}

#define NRANGES(a)   (sizeof(a) / sizeof((a)[0]))

static int is_quote_mark (uint32_t cp) {
  if (cp < 0x80) return cp == '"' || cp == '\'';
  return in_ranges(gl_quote_ranges, NRANGES(gl_quote_ranges), cp);
}

static int is_emoji_presentation (uint32_t cp) {
  return in_ranges(gl_emoji_presentation_ranges,
                   NRANGES(gl_emoji_presentation_ranges), cp);
}

static int is_white (const gl_Char *ch) {
  return (ch->props & GL_P_WHITE) || ch->cp == 0xFEFF;
}

static int is_line_break (unsigned props) {
  unsigned wb = GL_P_WB(props);
  return wb == GL_WB_CR || wb == GL_WB_LF || wb == GL_WB_NEWLINE;
}

static int is_letter_gc (unsigned gc) {
  return gc >= GL_GC_LU && gc <= GL_GC_LO;
}

static int is_mark_gc (unsigned gc) {
  return gc >= GL_GC_MN && gc <= GL_GC_ME;
}

static int is_punct_gc (unsigned gc) {
  return gc >= GL_GC_PC && gc <= GL_GC_PO;
}

/*
** Kind and flags of the text s[a..b). A range that starts with an invalid
** subsequence is reported as that subsequence alone (*stop tells where it
** ends); otherwise *stop = b.
*/
static int classify (const unsigned char *s, size_t a, size_t b,
                     int emoji_opt, unsigned *flagsp, size_t *stop) {
  size_t i = a;
  unsigned n_chars = 0, n_letters = 0, n_marks = 0, n_nd = 0, n_num = 0;
  unsigned n_punct = 0, n_quote = 0, n_bracket = 0, n_white = 0, n_breaks = 0;
  unsigned n_upper = 0, n_lower = 0, n_title = 0;
  int first_cased = 0;           /* 1: upper or title case, 2: lower case */
  int lower_after_first = 0, emoji = 0, first_extpict = 0;
  unsigned flags = 0;
  *stop = b;
  while (i < b) {
    gl_Char ch;
    unsigned gc;
    if (s[i] < 0x80) { ch.cp = s[i]; ch.n = 1; ch.props = gl_props(s[i]); }
    else gl_char_at(s, b, i, &ch);
    if (ch.cp == GL_INVALID_CP) {
      if (i == a) { *stop = a + ch.n; *flagsp = 0; return GL_KIND_INVALID; }
      *stop = i;                 /* cannot happen for a UAX #29 segment */
      break;
    }
    gc = GL_P_GC(ch.props);
    n_chars++;
    if (is_white(&ch)) {
      n_white++;
      if (is_line_break(ch.props)) {
        if (!(ch.cp == '\n' && i > a && s[i - 1] == '\r')) n_breaks++;
      }
    }
    if (is_letter_gc(gc)) {
      n_letters++;
      if (gc == GL_GC_LU || gc == GL_GC_LT) {
        if (gc == GL_GC_LU) n_upper++; else n_title++;
        if (!first_cased) first_cased = 1;
      }
      else if (gc == GL_GC_LL) {
        n_lower++;
        if (!first_cased) first_cased = 2;
        else lower_after_first = 1;
      }
    }
    else if (is_mark_gc(gc)) n_marks++;
    else if (gc >= GL_GC_ND && gc <= GL_GC_NO) {
      n_num++;
      if (gc == GL_GC_ND) n_nd++;
    }
    else if (is_punct_gc(gc)) {
      n_punct++;
      if (is_quote_mark(ch.cp)) n_quote++;
      else if (gc == GL_GC_PS || gc == GL_GC_PE) n_bracket++;
    }
    if (ch.cp >= 0x80) {   /* emoji evidence */
      if (ch.props & GL_P_EXTPICT) {
        if (i == a) first_extpict = 1;
        if (is_emoji_presentation(ch.cp)) emoji = 1;
      }
      else if (ch.cp == 0xFE0F || ch.cp == 0x20E3 ||
               (ch.cp >= 0x1F3FB && ch.cp <= 0x1F3FF) ||
               GL_P_WB(ch.props) == GL_WB_REGIONAL_INDICATOR) {
        if (ch.cp != 0xFE0F || first_extpict || i > a) emoji = 1;
      }
    }
    i += ch.n;
  }
  if (n_white == n_chars) {
    *flagsp = n_breaks;          /* the caller wants the line breaks */
    return n_breaks ? GL_KIND_NEWLINE : GL_KIND_SPACE;
  }
  if (n_letters && n_letters + n_marks == n_chars) flags |= GL_F_ALPHA;
  if (n_nd == n_chars) flags |= GL_F_DIGIT;
  if (n_punct == n_chars) {
    flags |= GL_F_PUNCT;
    if (n_quote == n_chars) flags |= GL_F_QUOTE;
    if (n_bracket == n_chars) flags |= GL_F_BRACKET;
  }
  if (n_lower) flags |= GL_F_HAS_LOWER;
  if (n_upper || n_title) flags |= GL_F_HAS_UPPER;
  if (n_upper && !n_lower && !n_title) flags |= GL_F_UPPER;
  if (n_lower && !n_upper && !n_title) flags |= GL_F_LOWER;
  if (first_cased == 1 && (n_upper + n_title + n_lower == 1 || lower_after_first))
    flags |= GL_F_TITLE;
  *flagsp = flags;
  if (emoji && (first_extpict || n_letters == 0)) {
    if (emoji_opt) return GL_KIND_EMOJI;
    return GL_KIND_SYMBOL;
  }
  if (n_letters) return GL_KIND_WORD;
  if (n_num) return GL_KIND_NUMBER;
  if (n_punct == n_chars) return GL_KIND_PUNCT;
  return GL_KIND_SYMBOL;
}


/* ======================================================================
** Refinements
** ====================================================================== */

typedef struct TokState {
  const unsigned char *s;
  size_t len;
  gl_Tokens *t;
  const gl_TokOptions *o;
  size_t gap_breaks;     /* line breaks since the last non-space token */
  size_t last_real;      /* index + 1 of the last non-space token, or 0 */
} TokState;

static int lower_ascii (int c) {
  return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static int ascii_ieq (const unsigned char *s, size_t n, const char *w) {
  size_t i;
  if (strlen(w) != n) return 0;
  for (i = 0; i < n; i++)
    if (lower_ascii(s[i]) != w[i]) return 0;
  return 1;
}

static int push_real (TokState *st, size_t a, size_t b, int kind,
                      unsigned extra) {
  unsigned flags;
  size_t stop;
  int k = classify(st->s, a, b, st->o->emoji, &flags, &stop);
  if (kind < 0) kind = k;
  if (push_token(st->t, a, b, kind, flags | extra)) return GL_ENOMEM;
  st->gap_breaks = 0;
  st->last_real = st->t->ntok;
  return GL_OK;
}

/* Whitespace run s[a..b) with 'breaks' line breaks. */
static inline int on_space (TokState *st, size_t a, size_t b, size_t breaks) {
  gl_Tokens *t = st->t;
  st->gap_breaks += breaks;
  if (st->last_real) {
    gl_Token *prev = &t->tok[st->last_real - 1];
    prev->flags |= GL_F_SPACE_AFTER;
    if (st->gap_breaks >= 1) prev->flags |= GL_F_NEWLINE_AFTER;
    if (st->gap_breaks >= 2) prev->flags |= GL_F_PARA_AFTER;
  }
  if (st->o->keep_space) {
    gl_Token *last = t->ntok ? &t->tok[t->ntok - 1] : NULL;
    int kind = breaks ? GL_KIND_NEWLINE : GL_KIND_SPACE;
    if (last && (last->kind == GL_KIND_SPACE || last->kind == GL_KIND_NEWLINE) &&
        last->stop == a) {
      last->stop = (uint32_t)b;            /* one token per whitespace run */
      if (breaks) last->kind = GL_KIND_NEWLINE;
    }
    else if (push_token(t, a, b, kind, 0)) return GL_ENOMEM;
  }
  return GL_OK;
}

/* --- URLs --------------------------------------------------------------- */

static int url_stop_char (const gl_Char *ch) {
  uint32_t c = ch->cp;
  if (c == GL_INVALID_CP || is_white(ch)) return 1;
  if (c < 0x80)
    return c < 0x20 || c == 0x7F || c == '<' || c == '>' || c == '"' ||
           c == '{' || c == '}' || c == '|' || c == '\\' || c == '^' ||
           c == '`';
  return c == 0x2018 || c == 0x2019 || c == 0x201C || c == 0x201D ||
         c == 0x00AB || c == 0x00BB || GL_P_GC(ch->props) == GL_GC_CC;
}

static size_t count_byte (const unsigned char *s, size_t a, size_t b, int c) {
  size_t n = 0;
  for (; a < b; a++) n += (s[a] == c);
  return n;
}

/* If a URL starts at the word segment s[a..b), returns its end, else 0. */
static size_t url_end (const unsigned char *s, size_t len, size_t a, size_t b) {
  size_t i, body, e;
  if (b - a >= 2 && b - a <= 16 && b + 3 < len &&
      s[b] == ':' && s[b + 1] == '/' && s[b + 2] == '/') {
    for (i = a; i < b; i++) {       /* scheme: ASCII letters and digits */
      int c = lower_ascii(s[i]);
      if (!((c >= 'a' && c <= 'z') || (i > a && c >= '0' && c <= '9'))) return 0;
    }
    body = b + 3;
  }
  else if (b - a > 4 && ascii_ieq(s + a, 4, "www.")) body = a + 4;
  else return 0;
  for (e = body; e < len; ) {
    gl_Char ch;
    gl_char_at(s, len, e, &ch);
    if (url_stop_char(&ch)) break;
    e += ch.n;
  }
  for (;;) {             /* trailing punctuation belongs to the sentence */
    int c;
    if (e <= body) return 0;
    c = s[e - 1];
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' ||
        c == '?' || c == '\'' || c == '*')
      e--;
    else if ((c == ')' && count_byte(s, a, e, '(') < count_byte(s, a, e, ')')) ||
             (c == ']' && count_byte(s, a, e, '[') < count_byte(s, a, e, ']')))
      e--;
    else break;
  }
  return e;
}

/* --- E-mail addresses --------------------------------------------------- */

static int email_local_char (int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || (c && strchr(".!#$%&'*+/=?^_`{|}~-", c));
}

static int alnum_ascii (int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* End of the domain that starts at s[i], or 0 if there is none: labels of
** letters, digits and inner hyphens, at least two, the last alphabetic. */
static size_t domain_end (const unsigned char *s, size_t len, size_t i) {
  size_t labels = 0, end = 0;
  for (;;) {
    size_t j = i;
    int alpha = 1;
    while (j < len && (alnum_ascii(s[j]) || s[j] == '-')) {
      if (!((s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'z')) alpha = 0;
      j++;
    }
    if (j == i || s[i] == '-' || s[j - 1] == '-') break;
    labels++;
    if (labels >= 2 && alpha && j - i >= 2) end = j;
    if (j + 1 < len && s[j] == '.' && alnum_ascii(s[j + 1])) i = j + 1;
    else break;
  }
  return end;
}

/* Called on an '@' segment at 'at': replaces the tokens of the local part
** and the '@' by one e-mail token. Returns its end, or 0. */
static size_t try_email (TokState *st, size_t at) {
  const unsigned char *s = st->s;
  gl_Tokens *t = st->t;
  size_t a = at, end, k;
  while (a > 0 && at - a < 64 && email_local_char(s[a - 1])) a--;
  if (a == at || s[a] == '.' || s[at - 1] == '.') return 0;
  end = domain_end(s, st->len, at + 1);
  if (!end) return 0;
  k = t->ntok;                     /* find the token that starts the local part */
  while (k > 0 && t->tok[k - 1].start > a) k--;
  if (k == 0 || t->tok[k - 1].start != a) return 0;
  t->ntok = k - 1;
  st->last_real = (k - 1 > 0) ? k - 1 : 0;
  while (st->last_real && (t->tok[st->last_real - 1].kind == GL_KIND_SPACE ||
                           t->tok[st->last_real - 1].kind == GL_KIND_NEWLINE))
    st->last_real--;
  if (push_real(st, a, end, GL_KIND_EMAIL, 0)) return (size_t)-1;
  return end;
}

/* --- Abbreviations ------------------------------------------------------ */

/* Letters separated by periods, one letter each: "U.S", "e.g", "J". */
static int is_initialism (const unsigned char *s, size_t a, size_t b,
                          int *single_upper) {
  size_t i = a, letters = 0;
  int upper = 0;
  while (i < b) {
    gl_Char ch;
    unsigned gc;
    gl_char_at(s, b, i, &ch);
    gc = GL_P_GC(ch.props);
    if (!is_letter_gc(gc)) return 0;
    upper = (gc == GL_GC_LU || gc == GL_GC_LT);
    letters++;
    i += ch.n;
    if (i == b) break;
    if (s[i] != '.') return 0;
    i++;
  }
  *single_upper = (letters == 1 && upper);
  return letters >= 1;
}

/* Kind of abbreviation formed by the word s[a..b) and the period at b. */
static int abbrev_kind (const TokState *st, size_t a, size_t b) {
  const unsigned char *s = st->s;
  size_t n = b + 1 - a;
  int kind, single_upper = 0;
  kind = gl_abbrev_find(st->o->abbrevs, s + a, n);
  if (kind == GL_ABBREV_NONE && n > 2 && n <= GL_ABBREV_MAXLEN) {
    /* "MR." in an all-capitals headline: try "Mr." */
    unsigned char buf[GL_ABBREV_MAXLEN];
    size_t i;
    int all_upper = 1;
    for (i = a; i < b; i++) if (!(s[i] >= 'A' && s[i] <= 'Z')) all_upper = 0;
    if (all_upper) {
      buf[0] = s[a];
      for (i = 1; i < n; i++) buf[i] = (unsigned char)lower_ascii(s[a + i]);
      kind = gl_abbrev_find(st->o->abbrevs, buf, n);
    }
  }
  if (kind == GL_ABBREV_NONE && is_initialism(s, a, b, &single_upper)) {
    /* a lone "I." is far more often the pronoun ending a sentence */
    if (b - a > 1 || (single_upper && st->o->initials && s[a] != 'I'))
      kind = GL_ABBREV_PLAIN;
  }
  return kind;
}

/* --- Clitics ------------------------------------------------------------ */

/* Length of the apostrophe ending at s[i-1], or 0. */
static size_t apostrophe_before (const unsigned char *s, size_t a, size_t i) {
  if (i > a && s[i - 1] == '\'') return 1;
  if (i >= a + 3 && s[i - 3] == 0xE2 && s[i - 2] == 0x80 && s[i - 1] == 0x99)
    return 3;                                   /* U+2019 */
  if (i >= a + 2 && s[i - 2] == 0xCA && s[i - 1] == 0xBC) return 2;  /* U+02BC */
  return 0;
}

/* Is s[a..b) a clitic's letters after the apostrophe ("s", "ll", ...)? */
static int clitic_suffix (const unsigned char *s, size_t a, size_t b) {
  static const char *const suffixes[] = { "s", "m", "d", "ll", "re", "ve", NULL };
  size_t k;
  for (k = 0; suffixes[k]; k++)
    if (ascii_ieq(s + a, b - a, suffixes[k])) return 1;
  return 0;
}

/* Where the word s[a..b) splits off a clitic, or 0. */
static size_t clitic_split (const unsigned char *s, size_t a, size_t b) {
  size_t i;
  for (i = b; i > a; i--) {          /* last apostrophe */
    size_t ap = apostrophe_before(s, a, i);
    if (ap) {
      size_t at = i - ap;
      if (at == a) return 0;
      if (clitic_suffix(s, i, b)) return at;
      if (ascii_ieq(s + i, b - i, "t") && at > a + 1 && lower_ascii(s[at - 1]) == 'n')
        return at - 1;
      return 0;
    }
  }
  return 0;
}

/* Pre-tokenised text ("Japan 's", "do n't"): is the segment s[a..b), after
** whitespace or at the start, an apostrophe and a clitic's letters, or "n't"?
** Returns the end of the clitic, or 0. */
static size_t loose_clitic (const TokState *st, size_t a, size_t b) {
  const unsigned char *s = st->s;
  size_t ap, e;
  if (a > 0 && !(gl_ascii_class[s[a - 1]] & GL_A_SPACE)) return 0;
  if (b - a == 3 && lower_ascii(s[a]) == 'n' && s[a + 1] == '\'' &&
      lower_ascii(s[a + 2]) == 't')
    return b;
  if (b - a == 5 && lower_ascii(s[a]) == 'n' && apostrophe_before(s, a, a + 4) == 3 &&
      lower_ascii(s[a + 4]) == 't')
    return b;
  ap = apostrophe_before(s, a, b);
  if (ap == 0 || ap != b - a || b >= st->len) return 0;
  e = gl_word_next(s, st->len, b);
  return clitic_suffix(s, b, e) ? e : 0;
}

/* --- Numbers ------------------------------------------------------------ */

/* numbers = false: "1,250.5" -> "1" "," "250" "." "5". */
static int push_split_number (TokState *st, size_t a, size_t b) {
  size_t i = a;
  while (i < b) {
    gl_Char ch;
    size_t j = i;
    gl_char_at(st->s, b, j, &ch);
    if (GL_P_WB(ch.props) == GL_WB_NUMERIC || is_mark_gc(GL_P_GC(ch.props))) {
      while (j < b) {
        gl_char_at(st->s, b, j, &ch);
        if (GL_P_WB(ch.props) != GL_WB_NUMERIC && !is_mark_gc(GL_P_GC(ch.props)) &&
            GL_P_WB(ch.props) != GL_WB_EXTEND && GL_P_WB(ch.props) != GL_WB_FORMAT)
          break;
        j += ch.n;
      }
    }
    else j += ch.n;
    if (push_real(st, i, j, -1, 0)) return GL_ENOMEM;
    i = j;
  }
  return GL_OK;
}

/* One non-whitespace segment s[a..b); returns where tokenising resumes. */
static size_t on_segment (TokState *st, size_t a, size_t b, int kind,
                          int *err) {
  const unsigned char *s = st->s;
  const gl_TokOptions *o = st->o;
  size_t e;
  if (kind == GL_KIND_WORD || kind == GL_KIND_NUMBER) {
    if (o->urls && (e = url_end(s, st->len, a, b)) != 0) {
      *err = push_real(st, a, e, GL_KIND_URL, 0);
      return e;
    }
  }
  if (kind == GL_KIND_WORD) {
    if (o->abbreviations && b < st->len && s[b] == '.' &&
        !(b + 1 < st->len && s[b + 1] == '.')) {
      int ak = abbrev_kind(st, a, b);
      if (ak != GL_ABBREV_NONE) {
        *err = push_real(st, a, b + 1, GL_KIND_WORD, GL_F_ABBREV);
        if (!*err) st->t->tok[st->t->ntok - 1].abbrev = (uint8_t)ak;
        return b + 1;
      }
    }
    if (o->clitics && (e = loose_clitic(st, a, b)) != 0) {
      *err = push_real(st, a, e, GL_KIND_WORD, GL_F_CLITIC);
      return e;
    }
    if (o->clitics && (e = clitic_split(s, a, b)) != 0) {
      *err = push_real(st, a, e, GL_KIND_WORD, 0);
      if (!*err) *err = push_real(st, e, b, GL_KIND_WORD, GL_F_CLITIC);
      return b;
    }
  }
  else if (kind == GL_KIND_NUMBER && !o->numbers) {
    *err = push_split_number(st, a, b);
    return b;
  }
  else if (kind == GL_KIND_PUNCT) {
    if (o->clitics && (e = loose_clitic(st, a, b)) != 0) {
      *err = push_real(st, a, e, GL_KIND_WORD, GL_F_CLITIC);
      return e;
    }
    if (o->emails && b - a == 1 && s[a] == '@' && a > 0) {
      e = try_email(st, a);
      if (e == (size_t)-1) { *err = GL_ENOMEM; return b; }
      if (e) return e;
    }
    if (o->punct_runs) {   /* repeats of the same character: "...", "--" */
      size_t n = b - a;
      while (b + n <= st->len && memcmp(s + a, s + b, n) == 0 &&
             gl_word_next(s, st->len, b) == b + n)
        b += n;
    }
  }
  *err = push_real(st, a, b, kind, 0);
  return b;
}


/* ======================================================================
** Sentences
** ====================================================================== */

static int is_space_kind (const gl_Token *k) {
  return k->kind == GL_KIND_SPACE || k->kind == GL_KIND_NEWLINE;
}

/* Sentence_Break class of the last character of token k. */
static int last_sb (const unsigned char *s, const gl_Token *k) {
  size_t i = k->stop;
  gl_Char ch;
  while (i > k->start && (s[i - 1] & 0xC0) == 0x80) i--;
  if (i > k->start) i--;
  while (i > k->start && (s[i] & 0xC0) == 0x80) i--;
  gl_char_at(s, k->stop, i, &ch);
  return (int)GL_P_SB(ch.props);
}

/* Does token p end a sentence by its punctuation ("end.", "end.”")? */
static int ends_with_terminator (const gl_Tokens *t, const unsigned char *s,
                                 size_t p) {
  for (;;) {
    const gl_Token *k = &t->tok[p];
    int sb = last_sb(s, k);
    if (sb == GL_SB_ATERM || sb == GL_SB_STERM) return 1;
    if (sb != GL_SB_CLOSE || p == 0) return 0;
    p--;                              /* look through closing quotes */
    while (p > 0 && is_space_kind(&t->tok[p])) p--;
  }
}

/* General category of the first character of token k. */
static unsigned first_gc (const unsigned char *s, const gl_Token *k) {
  gl_Char ch;
  gl_char_at(s, k->stop, k->start, &ch);
  return GL_P_GC(ch.props);
}

/* Should a sentence break stand between tokens p and n? */
static int keep_break (const gl_Tokens *t, const unsigned char *s,
                       const gl_TokOptions *o, size_t p, size_t n) {
  const gl_Token *prev = &t->tok[p], *next = &t->tok[n];
  unsigned gc = first_gc(s, next);
  if (prev->flags & GL_F_PARA_AFTER) return 1;
  if (prev->flags & GL_F_NEWLINE_AFTER)
    return !(o->hard_wraps && (gc == GL_GC_LL || gc == GL_GC_ND) &&
             !ends_with_terminator(t, s, p));
  /* '“Why?” he asked.': UAX #29 breaks after '?' or '!' whatever follows
  ** (SB11); a lower-case word on the same line continues the sentence. */
  if (gc == GL_GC_LL) return 0;
  if (prev->flags & GL_F_ABBREV) {
    if (prev->abbrev == GL_ABBREV_PREFIX) return 0;
    return gl_is_sentence_opener(s + next->start, next->stop - next->start);
  }
  return 1;
}

static int push_sentence (gl_Tokens *t, size_t first) {
  if (t->nsent == t->capsent &&
      grow(t, (void **)&t->sent, &t->capsent, t->nsent + 1, sizeof(uint32_t)))
    return GL_ENOMEM;
  t->sent[t->nsent++] = (uint32_t)first;
  t->tok[first].flags |= GL_F_SENT_START;
  return GL_OK;
}

static int find_sentences (gl_Tokens *t, const unsigned char *s, size_t len,
                           const gl_TokOptions *o) {
  size_t b = 0, k = 0, last = 0;
  if (t->ntok == 0) return GL_OK;
  if (push_sentence(t, 0)) return GL_ENOMEM;
  while ((b = gl_sentence_next(s, len, b)) < len) {
    size_t p;
    while (k < t->ntok && (t->tok[k].start < b || is_space_kind(&t->tok[k])))
      k++;
    if (k >= t->ntok) break;
    p = k;                            /* previous non-space token */
    while (p > 0 && is_space_kind(&t->tok[p - 1])) p--;
    if (p == 0 || k == last) continue;
    p--;
    if (t->tok[p].stop > b) continue; /* the boundary falls inside a token */
    if (keep_break(t, s, o, p, k)) {
      if (push_sentence(t, k)) return GL_ENOMEM;
      last = k;
    }
  }
  return GL_OK;
}

size_t gl_sentence_of (const gl_Tokens *t, size_t i) {
  size_t lo = 0, hi = t->nsent;
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (t->sent[mid] <= i) lo = mid; else hi = mid;
  }
  return lo;
}


/* ======================================================================
** ASCII fast paths
** ====================================================================== */

/*
** Length of the run of ASCII letters and digits at p (p[0] is one, at most
** n bytes); *seen gets the union of their GL_A_UPPER, GL_A_LOWER and
** GL_A_DIGIT classes. With SSE2 (every x86-64), 16 bytes per step: the
** loop exit no longer costs one mispredicted branch per byte class change.
*/
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>

static inline unsigned in_range16 (__m128i v, char lo, char hi) {
  /* bytes >= 0x80 are negative as signed chars, so never in range */
  return (unsigned)_mm_movemask_epi8(_mm_and_si128(
      _mm_cmpgt_epi8(v, _mm_set1_epi8((char)(lo - 1))),
      _mm_cmplt_epi8(v, _mm_set1_epi8((char)(hi + 1)))));
}

static inline size_t alnum_run (const unsigned char *p, size_t n,
                                unsigned *seen) {
  size_t i = 0;
  unsigned up = 0, lo = 0, dg = 0;
  while (i + 16 <= n) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
    unsigned mu = in_range16(v, 'A', 'Z'), ml = in_range16(v, 'a', 'z');
    unsigned md = in_range16(v, '0', '9');
    unsigned m = mu | ml | md;
    if (m != 0xFFFFu) {
      unsigned keep = (1u << __builtin_ctz(~m)) - 1;
      up |= mu & keep; lo |= ml & keep; dg |= md & keep;
      i += (size_t)__builtin_ctz(~m);
      *seen = (up ? GL_A_UPPER : 0) | (lo ? GL_A_LOWER : 0) | (dg ? GL_A_DIGIT : 0);
      return i;
    }
    up |= mu; lo |= ml; dg |= md;
    i += 16;
  }
  {
    unsigned c, acc = (up ? GL_A_UPPER : 0) | (lo ? GL_A_LOWER : 0) | (dg ? GL_A_DIGIT : 0);
    while (i < n && ((c = gl_ascii_class[p[i]]) & GL_A_ALNUM)) { acc |= c; i++; }
    *seen = acc & GL_A_ALNUM;
  }
  return i;
}
#else
static inline size_t alnum_run (const unsigned char *p, size_t n,
                                unsigned *seen) {
  size_t i = 0;
  unsigned c, acc = 0;
  while (i < n && ((c = gl_ascii_class[p[i]]) & GL_A_ALNUM)) { acc |= c; i++; }
  *seen = acc & GL_A_ALNUM;
  return i;
}
#endif

/*
** Handles the common cases at a segment boundary pos without decoding or
** classifying twice: a run of ASCII letters and digits that UAX #29 ends
** there (the next byte is ASCII and can join nothing), a run of ASCII
** whitespace, or a lone ASCII punctuation or symbol character. Returns the
** new position, or pos when the general path must decide; *err is set on
** allocation failure. Results are identical to the general path.
*/
static size_t fast_step (TokState *st, size_t pos, int *err) {
  const unsigned char *s = st->s;
  size_t len = st->len, e = pos + 1;
  unsigned c = gl_ascii_class[s[pos]];
  if (c & GL_A_ALNUM) {
    unsigned seen, flags = 0;
    size_t stop;
    e = pos + alnum_run(s + pos, len - pos, &seen);
    if (e < len) c = gl_ascii_class[s[e]];
    if (e < len && (s[e] >= 0x80 || (c & GL_A_JOINER))) {
      /* ',' ';' ':' join only digits to digits or letters to letters (WB6,
      ** WB7, WB11, WB12), so an ASCII non-alphanumeric after them settles
      ** it; "://" may start a URL, '.' an abbreviation, '\'' a clitic and
      ** '_' always joins: those go the general way. */
      unsigned b = s[e];
      if (s[e] >= 0x80 || !(b == ',' || b == ';' || b == ':')) return pos;
      if (e + 1 < len && (s[e + 1] >= 0x80 || (gl_ascii_class[s[e + 1]] & GL_A_ALNUM) ||
                          (b == ':' && s[e + 1] == '/')))
        return pos;
    }
    if (seen & (GL_A_UPPER | GL_A_LOWER)) {   /* a word; flags as classify() */
      if (seen & GL_A_LOWER) flags |= GL_F_HAS_LOWER;
      if (seen & GL_A_UPPER) flags |= GL_F_HAS_UPPER;
      if (!(seen & GL_A_DIGIT)) flags |= GL_F_ALPHA;
      if (!(seen & GL_A_LOWER)) flags |= GL_F_UPPER;
      else if (!(seen & GL_A_UPPER)) flags |= GL_F_LOWER;
      if (seen & GL_A_UPPER) {       /* title: first letter upper, and a lower */
        size_t i = pos;              /* letter follows or it is the only one */
        while (gl_ascii_class[s[i]] & GL_A_DIGIT) i++;
        if (gl_ascii_class[s[i]] & GL_A_UPPER) {
          if (seen & GL_A_LOWER) flags |= GL_F_TITLE;
          else {
            for (i++; i < e && !(gl_ascii_class[s[i]] & GL_A_UPPER); i++) {}
            if (i == e) flags |= GL_F_TITLE;
          }
        }
      }
    }
    else flags = GL_F_DIGIT;
    stop = e;
    /* the usual single space before another ASCII token: record it here */
    if (e + 1 < len && s[e] == ' ' && s[e + 1] < 0x80 &&
        !(gl_ascii_class[s[e + 1]] & GL_A_SPACE) && !st->o->keep_space) {
      flags |= GL_F_SPACE_AFTER;
      e++;
    }
    if (push_token(st->t, pos, stop,
                   (flags & GL_F_DIGIT) ? GL_KIND_NUMBER : GL_KIND_WORD, flags)) {
      *err = GL_ENOMEM;
      return pos;
    }
    st->gap_breaks = 0;
    st->last_real = st->t->ntok;
    return e;
  }
  if (c & GL_A_SPACE) {
    size_t breaks = (c & GL_A_BREAK) && !(s[pos] == '\r' && e < len && s[e] == '\n');
    while (e < len && ((c = gl_ascii_class[s[e]]) & GL_A_SPACE)) {
      if ((c & GL_A_BREAK) && !(s[e] == '\r' && e + 1 < len && s[e + 1] == '\n'))
        breaks++;
      e++;
    }
    if (e < len && s[e] >= 0x80) {
      /* Extend, Format or ZWJ would join the last character (WB4), and
      ** another horizontal space (U+2004, ...) a last ' ' (WB3d), maybe
      ** before a mark joining them both: the general way decides */
      gl_Char ch;
      int wb;
      gl_char_at(s, len, e, &ch);
      wb = (int)GL_P_WB(ch.props);
      if (wb == GL_WB_EXTEND || wb == GL_WB_FORMAT || wb == GL_WB_ZWJ ||
          (wb == GL_WB_WSEGSPACE && s[e - 1] == ' '))
        return pos;
    }
    if (on_space(st, pos, e, breaks)) *err = GL_ENOMEM;
    return e;
  }
  /* '@' may end an e-mail's local part, '\'' start a clitic, and '_' joins
  ** what follows (WB13b): those go the general way */
  if ((c & (GL_A_PUNCT | GL_A_SYMBOL)) && s[pos] != '@' && s[pos] != '\'' &&
      s[pos] != '_' &&
      (e == len || (s[e] < 0x80 && s[e] != s[pos]))) {
    unsigned flags = 0;
    if (c & GL_A_PUNCT) {
      flags = GL_F_PUNCT;
      if (c & GL_A_QUOTE) flags |= GL_F_QUOTE;
      if (c & GL_A_BRACKET) flags |= GL_F_BRACKET;
    }
    if (push_token(st->t, pos, e, (c & GL_A_PUNCT) ? GL_KIND_PUNCT : GL_KIND_SYMBOL,
                   flags)) {
      *err = GL_ENOMEM;
      return pos;
    }
    st->gap_breaks = 0;
    st->last_real = st->t->ntok;
    return e;
  }
  return pos;
}


/* ======================================================================
** Main loop
** ====================================================================== */

int gl_tokenize (gl_Tokens *t, const unsigned char *s, size_t len,
                 const gl_TokOptions *o) {
  TokState st;
  size_t pos = 0;
  t->ntok = t->nsent = 0;
  if (len > GL_MAX_TEXT) return GL_ETOOBIG;
  if (t->captok < len / 6 + 16 &&
      grow(t, (void **)&t->tok, &t->captok, len / 6 + 16, sizeof(gl_Token)))
    return GL_ENOMEM;
  st.s = s; st.len = len; st.t = t; st.o = o;
  st.gap_breaks = 0; st.last_real = 0;
  while (pos < len) {
    size_t end, stop;
    unsigned flags;
    int kind, err = GL_OK;
    if (s[pos] < 0x80 && !o->reference) {
      end = fast_step(&st, pos, &err);
      if (err) return err;
      if (end != pos) { pos = end; continue; }
    }
    end = gl_word_next(s, len, pos);
    kind = classify(s, pos, end, o->emoji, &flags, &stop);
    if (kind == GL_KIND_SPACE || kind == GL_KIND_NEWLINE) {
      if (on_space(&st, pos, end, flags)) return GL_ENOMEM;
      pos = end;
    }
    else if (kind == GL_KIND_INVALID) {
      if (push_token(t, pos, stop, kind, 0)) return GL_ENOMEM;
      st.gap_breaks = 0;
      st.last_real = t->ntok;
      pos = stop;
    }
    else {
      pos = on_segment(&st, pos, end, kind, &err);
      if (err) return err;
    }
  }
  return o->sentences ? find_sentences(t, s, len, o) : GL_OK;
}
