/*
** Tokenisation throughput of the C core, without Lua.
**   bench/tokenize_c FILE [REPEATS]
** Prints one line per run and the median: MB/s, tokens/s, sentences.
** Also times the bare UAX #29 word segmenter for comparison.
*/
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include "tokenize.h"
#include "segment.h"
#include "load_file.h"

static void *plain_alloc (void *ud, void *ptr, size_t osize, size_t nsize) {
  (void)ud; (void)osize;
  if (nsize == 0) { free(ptr); return NULL; }
  return realloc(ptr, nsize);
}

static double now (void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double (const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main (int argc, char **argv) {
  unsigned char *text;
  long size;
  int repeats = argc > 2 ? atoi(argv[2]) : 5, r;
  double tok_times[64], seg_times[64];
  gl_Tokens t;
  gl_TokOptions o;
  gl_AbbrevSet abbrevs;
  size_t ntok = 0, nsent = 0, nseg = 0;
  struct rusage ru;
  if (argc < 2) { fprintf(stderr, "usage: %s FILE [REPEATS]\n", argv[0]); return 2; }
  if (repeats < 1 || repeats > 64) repeats = 5;
  if ((text = (unsigned char *)load_file(argv[1], &size)) == NULL) return 1;

  gl_tokopts_default(&o);
  gl_abbrev_init(&abbrevs, plain_alloc, NULL);
  gl_abbrev_add_defaults(&abbrevs);
  o.abbrevs = &abbrevs;
  gl_tokens_init(&t, plain_alloc, NULL);
  for (r = 0; r < repeats; r++) {
    double t0 = now();
    size_t pos = 0;
    if (gl_tokenize(&t, text, (size_t)size, &o) != GL_OK) { fprintf(stderr, "tokenize failed\n"); return 1; }
    tok_times[r] = now() - t0;
    ntok = t.ntok; nsent = t.nsent;
    t0 = now();
    nseg = 0;
    while (pos < (size_t)size) { pos = gl_word_next(text, (size_t)size, pos); nseg++; }
    seg_times[r] = now() - t0;
    printf("run %d: tokenize %.1f MB/s, segment %.1f MB/s\n", r + 1,
           size / 1e6 / tok_times[r], size / 1e6 / seg_times[r]);
  }
  qsort(tok_times, (size_t)repeats, sizeof(double), cmp_double);
  qsort(seg_times, (size_t)repeats, sizeof(double), cmp_double);
  getrusage(RUSAGE_SELF, &ru);
  printf("tokenize (C): median %.1f MB/s, %.2f M tokens/s, %zu tokens, %zu sentences\n",
         size / 1e6 / tok_times[repeats / 2], ntok / 1e6 / tok_times[repeats / 2], ntok, nsent);
  printf("UAX #29 word segments (C): median %.1f MB/s, %zu segments\n",
         size / 1e6 / seg_times[repeats / 2], nseg);
  printf("peak RSS: %.1f MB (input %.1f MB)\n", ru.ru_maxrss / 1024.0, size / 1e6);
  gl_tokens_free(&t);
  gl_abbrev_free(&abbrevs);
  free(text);
  return 0;
}
