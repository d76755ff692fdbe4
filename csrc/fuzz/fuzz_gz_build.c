/*
** libFuzzer harness: the gazetteer compiler then the matcher, with fuzzed
** options, phrases, attributes and text. Checked:
** - the compiled buffer loads (gl_gz_open) and compiling twice gives the
**   same bytes;
** - every hit lies on the text's tokens (first <= last < ntok, neither a
**   token that matching steps over), names an entry, and hits come in
**   text order; LONGEST and FIRST hits do not overlap (the entries of one
**   phrase share its span);
** - each phrase added, tokenised as a text of its own, is found over
**   exactly its own tokens (unless more than GL_GZ_MAX_SKIP tokens that
**   matching steps over, or a paragraph break, stand between two of its
**   words: matches never span those).
** Input layout: two option bytes, then records separated by '\n' (a
** phrase, optionally followed by '\t' and attribute bytes), a NUL byte,
** then the text.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gazetteer.h"
#include "match.h"

static void *plain_alloc (void *ud, void *ptr, size_t osize, size_t nsize) {
  (void)ud; (void)osize;
  if (nsize == 0) { free(ptr); return NULL; }
  return realloc(ptr, nsize);
}

#define MAX_SELF 8

static const char *const keys[] = { "label", "id", "w", "label", "x y", "" };

/* Attributes from the bytes a[0..n): each byte picks a key and a type. */
static size_t attrs_of (const uint8_t *a, size_t n, gl_GzAttrIn *out, size_t max) {
  size_t i, k = 0;
  for (i = 0; i < n && k < max; i++) {
    gl_GzAttrIn *x = &out[k++];
    memset(x, 0, sizeof(*x));
    x->key = keys[a[i] % 6];
    x->klen = strlen(x->key);
    switch ((a[i] >> 3) % 3) {
      case 0:
        x->type = GL_GZ_T_STRING;
        x->str = (const char *)a + i;   /* the rest of the record, at most 5 bytes */
        x->slen = (n - i) < 5 ? n - i : 5;
        break;
      case 1:
        x->type = GL_GZ_T_INTEGER;
        x->integer = (int64_t)(int8_t)a[i] * 1000000007LL;
        break;
      default:
        x->type = GL_GZ_T_NUMBER;
        x->number = (double)a[i] / 7.0;
        break;
    }
  }
  return k;
}

/* Checks that the phrase s[0..len) is found over its own tokens. */
static void self_match (const gl_Gz *gz, gl_GzBuilder *b, const unsigned char *s,
                        size_t len, gl_Tokens *t, gl_GzResult *r) {
  gl_GzQuery q;
  size_t i, f = (size_t)-1, l = 0, run = 0, maxrun = 0, para = 0;
  if (gl_tokenize(t, s, len, &b->topts) != GL_OK) return;
  for (i = 0; i < t->ntok; i++) {
    if (gl_gz_transparent(&t->tok[i], s)) { run++; continue; }
    if (f != (size_t)-1 && run > maxrun) maxrun = run;
    run = 0;
    if (f == (size_t)-1) f = i;
    if (t->tok[l = i].flags & GL_F_PARA_AFTER) para++;
  }
  if (f != (size_t)-1 && (t->tok[l].flags & GL_F_PARA_AFTER)) para--;
  if (f == (size_t)-1 || maxrun > GL_GZ_MAX_SKIP || para) return;
  memset(&q, 0, sizeof(q));
  q.policy = GL_GZ_ALL;
  if (gl_gz_match(gz, t->tok, t->ntok, s, &q, r) != GL_OK) return;
  for (i = 0; i < r->n; i++)
    if (r->hits[i].first == f && r->hits[i].last == l) return;
  abort();                              /* a phrase that does not find itself */
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  gl_GzBuilder b;
  gl_TokOptions o;
  gl_Tokens t;
  gl_GzResult r;
  gl_GzQuery q;
  gl_Gz gz;
  gl_GzAttrIn attrs[6];
  const uint8_t *nul, *text, *p, *end, *self[MAX_SELF];
  size_t selflen[MAX_SELF], nself = 0;
  size_t tsize, csize, csize2, k;
  unsigned char *buf = NULL, *buf2 = NULL;
  unsigned a, c;
  int policy;
  if (size < 2) return 0;
  a = data[0]; c = data[1];
  gl_tokopts_default(&o);
  o.clitics = a & 1;
  o.urls = (a >> 1) & 1;
  o.abbreviations = (a >> 2) & 1;
  o.emails = (a >> 3) & 1;
  o.numbers = (a >> 4) & 1;
  o.punct_runs = (a >> 5) & 1;
  o.initials = (a >> 6) & 1;
  o.emoji = (a >> 7) & 1;
  nul = (const uint8_t *)memchr(data + 2, 0, size - 2);
  end = nul ? nul : data + size;
  text = nul ? nul + 1 : data + size;
  tsize = (size_t)(data + size - text);
  gl_tokens_init(&t, plain_alloc, NULL);
  gl_gzr_init(&r, plain_alloc, NULL);
  if (gl_gzb_init(&b, plain_alloc, NULL, (int)(c % 3), (int)((c >> 2) & 1), &o) != GL_OK)
    goto done;
  if ((c & 0x08) && gl_gzb_add_abbrev(&b, "Cllr.", 5) != GL_OK) goto done;
  for (p = data + 2; p < end; ) {
    const uint8_t *nl = (const uint8_t *)memchr(p, '\n', (size_t)(end - p));
    const uint8_t *rec_end = nl ? nl : end;
    const uint8_t *tab = (const uint8_t *)memchr(p, '\t', (size_t)(rec_end - p));
    size_t plen = (size_t)((tab ? tab : rec_end) - p), nattrs = 0;
    if (tab) nattrs = attrs_of(tab + 1, (size_t)(rec_end - tab - 1), attrs, 6);
    if (gl_gzb_add(&b, (const char *)p, plen, attrs, nattrs) == GL_OK && nself < MAX_SELF) {
      self[nself] = p;
      selflen[nself++] = plen;
    }
    p = rec_end + 1;
  }
  if (gl_gzb_size(&b, &csize) != GL_OK || (buf = (unsigned char *)malloc(csize)) == NULL ||
      gl_gzb_write(&b, buf, csize) != GL_OK)
    goto done;
  if (gl_gz_open(&gz, buf, csize) != NULL) abort();   /* what we wrote must load */
  if (gl_gzb_size(&b, &csize2) == GL_OK && (buf2 = (unsigned char *)malloc(csize2)) != NULL &&
      gl_gzb_write(&b, buf2, csize2) == GL_OK &&
      (csize2 != csize || memcmp(buf, buf2, csize) != 0))
    abort();                            /* compiling is deterministic */
  if (gl_tokenize(&t, text, tsize, &b.topts) == GL_OK) {
    for (policy = GL_GZ_LONGEST; policy <= GL_GZ_FIRST; policy++) {
      memset(&q, 0, sizeof(q));
      q.policy = policy;
      if (gl_gz_match(&gz, t.tok, t.ntok, text, &q, &r) != GL_OK) continue;
      for (k = 0; k < r.n; k++) {
        const gl_GzHit *h = &r.hits[k];
        if (h->first > h->last || h->last >= t.ntok || h->entry >= gz.h->nentries) abort();
        if (gl_gz_transparent(&t.tok[h->first], text) ||
            gl_gz_transparent(&t.tok[h->last], text)) abort();
        if (k > 0 && h->first < r.hits[k - 1].first) abort();
        if (policy != GL_GZ_ALL && k > 0 && h->first <= r.hits[k - 1].last &&
            (h->first != r.hits[k - 1].first || h->last != r.hits[k - 1].last))
          abort();                      /* no overlap (a phrase's entries share a span) */
      }
    }
  }
  for (k = 0; k < nself; k++) self_match(&gz, &b, self[k], selflen[k], &t, &r);
done:
  gl_gzr_free(&r);
  gl_tokens_free(&t);
  free(buf);
  free(buf2);
  gl_gzb_free(&b);
  return 0;
}
