/*
** libFuzzer harness: a token-pattern program made of fuzzed bytes (most of
** them malformed: the check must refuse those), run over a fuzzed text
** with fuzzed spans; matches must be within the tokens, in order, and each
** rule's non-overlapping; captures within their match.
** Input layout: sizes (4 bytes), instructions (3 bytes each), predicates
** (3 bytes each), rule starts (3 bytes each), spans (3 bytes each), text.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pattern.h"

static void *plain_alloc (void *ud, void *ptr, size_t osize, size_t nsize) {
  (void)ud; (void)osize;
  if (nsize == 0) { free(ptr); return NULL; }
  return realloc(ptr, nsize);
}

/* Every third token answers true. */
static int every_third (void *ctx, uint32_t ext, size_t token) {
  (void)ctx; (void)ext;
  return token % 3 == 0;
}

static const char *const words[] = { "a", "b", "A", "Cd", "x", ",", "Xx", "d" };

typedef struct Input {
  const uint8_t *p, *end;
} Input;

static unsigned next (Input *in) { return in->p < in->end ? *in->p++ : 0; }

/* Runs r2 (prepared through a forms store) with the same spans as r: does
** it find other matches than r did? */
static int store_run_differs (gl_PRun *r2, const gl_PRun *r, size_t nspans,
                              const uint8_t *spans, const uint8_t *end, size_t ntok) {
  size_t i;
  r2->ext = every_third;
  for (i = 0; i < nspans && ntok > 0 && spans + 3 * i + 2 < end; i++) {
    uint32_t f = spans[3 * i] % (uint32_t)ntok, l = f + spans[3 * i + 1] % 3;
    gl_pm_add_span(r2, f, l, spans[3 * i + 2] % 4);
  }
  return gl_pm_find(r2) == GL_OK &&
         (r2->nfound != r->nfound ||
          (r->nfound && memcmp(r2->found, r->found, r->nfound * sizeof(gl_PMatch)) != 0));
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  Input in;
  gl_Prog p;
  gl_PRun r;
  gl_Tokens t;
  gl_TokOptions o;
  const char *why;
  uint32_t slots[16];
  size_t ncode, npreds, nrules, nspans, i, k;
  in.p = data;
  in.end = data + size;
  ncode = next(&in) % 40 + 1;
  npreds = next(&in) % 10 + 1;
  nrules = next(&in) % 4 + 1;
  nspans = next(&in) % 6;
  gl_prog_init(&p, plain_alloc, NULL);
  p.nlabels = 3;
  p.nexterns = 1;
  p.code = (gl_PInst *)calloc(ncode, sizeof(gl_PInst));
  p.preds = (gl_PPred *)calloc(npreds, sizeof(gl_PPred));
  p.children = (uint32_t *)calloc(npreds, sizeof(uint32_t));
  p.fstart = (uint32_t *)calloc(nrules, sizeof(uint32_t));
  p.rstart = (uint32_t *)calloc(nrules, sizeof(uint32_t));
  p.ncaps = (uint32_t *)calloc(nrules, sizeof(uint32_t));
  p.req = (uint32_t *)calloc(nrules, sizeof(uint32_t));
  if (!p.code || !p.preds || !p.children || !p.fstart || !p.rstart || !p.ncaps || !p.req) {
    free(p.code); free(p.preds); free(p.children); free(p.fstart); free(p.rstart);
    free(p.ncaps); free(p.req);
    return 0;
  }
  p.ncode = ncode;
  p.npreds = npreds;
  p.nchildren = npreds;
  p.nrules = nrules;
  for (i = 0; i < ncode; i++) {         /* mostly in range, now and then not */
    p.code[i].op = next(&in) % (GL_OP_COUNT + 1);
    p.code[i].x = next(&in) % (ncode + 2);
    p.code[i].y = next(&in) % (ncode + 2);
  }
  for (i = 0; i < npreds; i++) {
    p.preds[i].type = next(&in) % (GL_PR_COUNT + 1);
    p.preds[i].a = next(&in) % 5;
    p.preds[i].b = next(&in) % 4;
    p.children[i] = (uint32_t)(i ? i - 1 : 0);
  }
  for (i = 0; i < nrules; i++) {
    p.fstart[i] = next(&in) % (ncode + 1);
    p.rstart[i] = next(&in) % (ncode + 1);
    p.ncaps[i] = next(&in) % 5;
    p.req[i] = i % 2 ? UINT32_MAX : (uint32_t)(i % npreds);
  }
  for (i = 0; i < 16; i++)
    if (gl_prog_add_string(&p, (uint32_t)(i % 4), words[i % 8], strlen(words[i % 8])) != GL_OK)
      goto done;
  if (gl_prog_finish(&p, &why) != GL_OK) goto done;
  gl_tokopts_default(&o);
  gl_tokens_init(&t, plain_alloc, NULL);
  memset(&r, 0, sizeof(r));
  {
    const uint8_t *spans = in.p;
    const uint8_t *text = in.p + 3 * nspans <= in.end ? in.p + 3 * nspans : in.end;
    if (gl_tokenize(&t, text, (size_t)(in.end - text), &o) != GL_OK) goto tokens;
    if (gl_pm_init(&r, &p, t.tok, t.ntok, text, NULL, plain_alloc, NULL) != GL_OK) goto run;
    r.ext = every_third;
    for (i = 0; i < nspans && t.ntok > 0 && spans + 3 * i + 2 < in.end; i++) {
      uint32_t f = spans[3 * i] % (uint32_t)t.ntok, l = f + spans[3 * i + 1] % 3;
      gl_pm_add_span(&r, f, l, spans[3 * i + 2] % 4);   /* out-of-range ones are ignored */
    }
    if (gl_pm_find(&r) != GL_OK) goto run;
    for (k = 0; k < r.nfound; k++) {
      const gl_PMatch *m = &r.found[k];
      if (m->rule >= nrules || m->first > m->last || m->last >= t.ntok) abort();
      if (k > 0 && m->first < r.found[k - 1].first) abort();
      for (i = k; i-- > 0; )            /* a rule's matches do not overlap */
        if (r.found[i].rule == m->rule && r.found[i].last >= m->first) abort();
      if (gl_pm_captures(&r, m->rule, m->first, m->last, slots) == GL_OK) {
        for (i = 0; i < p.ncaps[m->rule]; i++)
          if (slots[i] != UINT32_MAX && (slots[i] < m->first || slots[i] > m->last + 1)) abort();
      }
    }
    {                                   /* through a forms store's vocabulary: the same */
      gl_PForms fm;
      gl_PRun r2;
      memset(&fm, 0, sizeof(fm));
      memset(&r2, 0, sizeof(r2));
      if (gl_forms_init(&fm, t.tok, t.ntok, text, plain_alloc, NULL) == GL_OK &&
          gl_forms_add_prog(&fm, &p) == GL_OK && gl_forms_add_prog(&fm, &p) == GL_OK &&
          gl_pm_init(&r2, &p, t.tok, t.ntok, text, &fm, plain_alloc, NULL) == GL_OK) {
        if (r2.vidx != 0) abort();
        if (store_run_differs(&r2, &r, nspans, spans, in.end, t.ntok)) abort();
        /* the same text again through the same store: its text cache now
        ** answers from the first run */
        if (gl_forms_init(&fm, t.tok, t.ntok, text, plain_alloc, NULL) == GL_OK &&
            gl_pm_init(&r2, &p, t.tok, t.ntok, text, &fm, plain_alloc, NULL) == GL_OK &&
            store_run_differs(&r2, &r, nspans, spans, in.end, t.ntok))
          abort();
      }
      gl_pm_free(&r2);
      gl_forms_free(&fm);
    }
  }
run:
  gl_pm_free(&r);
tokens:
  gl_tokens_free(&t);
done:
  gl_prog_free(&p);
  return 0;
}
