/*
** libFuzzer harness: the compiled-gazetteer loader, then matching with
** whatever it accepts. Each input is taken as a compiled buffer; its
** checksum is recomputed first (unless the input's first byte is odd), so
** that the fuzzer reaches the structural checks instead of stopping at the
** checksum. Seeds: real compiled files (make fuzz writes some).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "tokenize.h"

static void *plain_alloc (void *ud, void *ptr, size_t osize, size_t nsize) {
  (void)ud; (void)osize;
  if (nsize == 0) { free(ptr); return NULL; }
  return realloc(ptr, nsize);
}

static const char sample[] =
  "Sir Richard Moore of MI6 met NATO in New York Times Square; Hewlett-Packard, "
  "US and Kyiv. \xff\xfe Zurich\n\nYork";

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  unsigned char *buf;
  gl_Gz gz;
  gl_Tokens t;
  gl_TokOptions o;
  gl_GzResult r;
  gl_GzQuery q;
  int policy;
  if (size < sizeof(gl_GzHeader)) return 0;
  buf = (unsigned char *)malloc(size);   /* aligned, like a mapping */
  if (buf == NULL) return 0;
  memcpy(buf, data, size);
  if ((data[0] & 1) == 0) {
    uint64_t sum = gl_gz_sign(buf, size);
    memcpy(buf + offsetof(gl_GzHeader, checksum), &sum, sizeof(sum));
  }
  if (gl_gz_open(&gz, buf, size) == NULL) {
    gl_tokopts_default(&o);
    o.abbreviations = 0;
    gl_tokens_init(&t, plain_alloc, NULL);
    gl_gzr_init(&r, plain_alloc, NULL);
    if (gl_tokenize(&t, (const unsigned char *)sample, sizeof(sample) - 1, &o) == GL_OK) {
      for (policy = GL_GZ_LONGEST; policy <= GL_GZ_FIRST; policy++) {
        memset(&q, 0, sizeof(q));
        q.policy = policy;
        gl_gz_match(&gz, t.tok, t.ntok, (const unsigned char *)sample, &q, &r);
      }
    }
    gl_gzr_free(&r);
    gl_tokens_free(&t);
  }
  free(buf);
  return 0;
}
