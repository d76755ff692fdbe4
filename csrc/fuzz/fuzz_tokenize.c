/*
** libFuzzer harness: the tokeniser and the UAX #29 segmenter over any
** bytes, with options taken from the first two input bytes. Checked:
** - word and sentence boundaries advance and end at the text's end;
** - tokens are non-empty, in order, within the text and do not overlap;
** - every byte outside the tokens is whitespace (or a character that
**   joins it, WB4); with keep_space, the tokens cover the whole text;
** - sentences partition the tokens: the first starts at token 0, starts
**   increase, each is a non-space token flagged GL_F_SENT_START, no other
**   token has the flag, and gl_sentence_of agrees;
** - the ASCII fast paths give exactly what the general path gives.
** Input layout: two option bytes, then the text.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "segment.h"
#include "tokenize.h"

static void *plain_alloc (void *ud, void *ptr, size_t osize, size_t nsize) {
  (void)ud; (void)osize;
  if (nsize == 0) { free(ptr); return NULL; }
  return realloc(ptr, nsize);
}

/* Can s[i..) be left out of the tokens: whitespace, or Extend, Format or
** ZWJ joining it? Returns the character's length, or 0. */
static size_t gap_char (const unsigned char *s, size_t len, size_t i) {
  gl_Char ch;
  unsigned wb;
  gl_char_at(s, len, i, &ch);
  if (ch.cp == GL_INVALID_CP) return 0;
  wb = GL_P_WB(ch.props);
  if ((ch.props & GL_P_WHITE) || ch.cp == 0xFEFF || wb == GL_WB_EXTEND ||
      wb == GL_WB_FORMAT || wb == GL_WB_ZWJ)
    return ch.n;
  return 0;
}

static void check_segmenter (const unsigned char *s, size_t len) {
  size_t pos, next;
  for (pos = 0; pos < len; pos = next) {
    next = gl_word_next(s, len, pos);
    if (next <= pos || next > len) abort();
  }
  for (pos = 0; pos < len; pos = next) {
    next = gl_sentence_next(s, len, pos);
    if (next <= pos || next > len) abort();
  }
}

static void check_tokens (const gl_Tokens *t, const unsigned char *s, size_t len,
                          const gl_TokOptions *o) {
  size_t i, at = 0, k;
  for (i = 0; i < t->ntok; i++) {
    const gl_Token *tk = &t->tok[i];
    if (tk->start >= tk->stop || tk->stop > len || tk->start < at) abort();
    if (tk->kind >= GL_KIND_COUNT) abort();
    if (o->keep_space && tk->start != at) abort();   /* nothing left out */
    while (at < tk->start) {            /* what lies between is whitespace */
      size_t n = gap_char(s, len, at);
      if (n == 0) abort();
      at += n;
    }
    if (at != tk->start) abort();
    at = tk->stop;
    if (!o->keep_space && (tk->kind == GL_KIND_SPACE || tk->kind == GL_KIND_NEWLINE)) abort();
  }
  if (o->keep_space && at != len) abort();
  while (at < len) {
    size_t n = gap_char(s, len, at);
    if (n == 0) abort();
    at += n;
  }
  if (!o->sentences) {
    if (t->nsent != 0) abort();
    return;
  }
  if ((t->ntok == 0) != (t->nsent == 0)) abort();
  for (k = 0; k < t->nsent; k++) {
    if (t->sent[k] >= t->ntok) abort();
    if (k == 0 ? t->sent[k] != 0 : t->sent[k] <= t->sent[k - 1]) abort();
    if (!(t->tok[t->sent[k]].flags & GL_F_SENT_START)) abort();
  }
  for (i = 0, k = 0; i < t->ntok; i++) {
    int start = k < t->nsent && t->sent[k] == i;
    if (start != !!(t->tok[i].flags & GL_F_SENT_START)) abort();
    if (start) k++;
    if (gl_sentence_of(t, i) != k - 1) abort();
  }
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  gl_TokOptions o;
  gl_AbbrevSet ab;
  gl_Tokens t, r;
  const unsigned char *s;
  size_t len;
  unsigned a, b;
  if (size < 2) return 0;
  a = data[0]; b = data[1];
  s = data + 2;
  len = size - 2;
  check_segmenter(s, len);
  gl_tokopts_default(&o);
  o.keep_space = a & 1;
  o.clitics = (a >> 1) & 1;
  o.abbreviations = (a >> 2) & 1;
  o.initials = (a >> 3) & 1;
  o.urls = (a >> 4) & 1;
  o.emails = (a >> 5) & 1;
  o.numbers = (a >> 6) & 1;
  o.emoji = (a >> 7) & 1;
  o.punct_runs = b & 1;
  o.hard_wraps = (b >> 1) & 1;
  o.sentences = ((b >> 2) & 3) != 0;   /* mostly on */
  gl_abbrev_init(&ab, plain_alloc, NULL);
  if (gl_abbrev_add_defaults(&ab) != GL_OK ||
      ((b & 0x10) && gl_abbrev_add(&ab, "Cllr.", 5, GL_ABBREV_PREFIX) != GL_OK)) {
    gl_abbrev_free(&ab);
    return 0;
  }
  o.abbrevs = &ab;
  gl_tokens_init(&t, plain_alloc, NULL);
  gl_tokens_init(&r, plain_alloc, NULL);
  if (gl_tokenize(&t, s, len, &o) == GL_OK) {
    check_tokens(&t, s, len, &o);
    o.reference = 1;                    /* the general path only: the same */
    if (gl_tokenize(&r, s, len, &o) == GL_OK) {
      if (r.ntok != t.ntok || r.nsent != t.nsent) abort();
      if (t.ntok && memcmp(r.tok, t.tok, t.ntok * sizeof(gl_Token)) != 0) abort();
      if (t.nsent && memcmp(r.sent, t.sent, t.nsent * sizeof(uint32_t)) != 0) abort();
    }
    o.reference = 0;
    if (gl_tokenize(&t, s, len, &o) != GL_OK || t.ntok != r.ntok) abort();   /* reuse */
  }
  gl_tokens_free(&r);
  gl_tokens_free(&t);
  gl_abbrev_free(&ab);
  return 0;
}
