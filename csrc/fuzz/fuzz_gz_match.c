/*
** libFuzzer harness: build a gazetteer from fuzzed phrases, compile it,
** validate it, and match a fuzzed text with every policy, checking that
** hits are in order and within the tokens. Input layout: one options byte,
** then phrases separated by '\n', a NUL byte, then the text.
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

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  gl_GzBuilder b;
  gl_TokOptions o;
  gl_Tokens t;
  gl_GzResult r;
  gl_GzQuery q;
  gl_Gz gz;
  gl_GzAttrIn label;
  const uint8_t *nul, *text, *p, *end;
  size_t tsize, csize, k;
  unsigned char *buf = NULL;
  int policy;
  if (size < 1) return 0;
  gl_tokopts_default(&o);
  o.clitics = data[0] & 1;
  o.urls = (data[0] >> 1) & 1;
  nul = (const uint8_t *)memchr(data + 1, 0, size - 1);
  end = nul ? nul : data + size;
  text = nul ? nul + 1 : data + size;
  tsize = (size_t)(data + size - text);
  if (gl_gzb_init(&b, plain_alloc, NULL, (data[0] >> 2) % 3, (data[0] >> 4) & 1, &o) != GL_OK)
    goto done;
  memset(&label, 0, sizeof(label));
  label.key = "label";
  label.klen = 5;
  label.type = GL_GZ_T_STRING;
  for (p = data + 1; p < end; ) {
    const uint8_t *nl = (const uint8_t *)memchr(p, '\n', (size_t)(end - p));
    size_t len = (size_t)((nl ? nl : end) - p);
    label.str = len & 1 ? "A" : "B";
    label.slen = 1;
    gl_gzb_add(&b, (const char *)p, len, &label, 1);   /* errors are fine */
    p += len + 1;
  }
  if (gl_gzb_size(&b, &csize) != GL_OK || (buf = (unsigned char *)malloc(csize)) == NULL ||
      gl_gzb_write(&b, buf, csize) != GL_OK)
    goto done;
  if (gl_gz_open(&gz, buf, csize) != NULL) abort();   /* what we wrote must load */
  gl_tokens_init(&t, plain_alloc, NULL);
  gl_gzr_init(&r, plain_alloc, NULL);
  if (gl_tokenize(&t, text, tsize, &o) == GL_OK) {
    for (policy = GL_GZ_LONGEST; policy <= GL_GZ_FIRST; policy++) {
      memset(&q, 0, sizeof(q));
      q.policy = policy;
      if (gl_gz_match(&gz, t.tok, t.ntok, text, &q, &r) != GL_OK) continue;
      for (k = 0; k < r.n; k++) {
        const gl_GzHit *h = &r.hits[k];
        if (h->first > h->last || h->last >= t.ntok || h->entry >= gz.h->nentries) abort();
        if (k > 0 && h->first < r.hits[k - 1].first) abort();
        if (policy != GL_GZ_ALL && k > 0 && h->first <= r.hits[k - 1].last &&
            h->first != r.hits[k - 1].first) abort();   /* no overlap */
      }
    }
  }
  gl_gzr_free(&r);
  gl_tokens_free(&t);
done:
  free(buf);
  gl_gzb_free(&b);
  return 0;
}
