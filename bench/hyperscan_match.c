/*
** Baseline for bench/gazetteer: Hyperscan over a phrase list, as a user
** would set it up for whole-word, case-insensitive gazetteer matching.
**   bench/hyperscan_match PHRASES TEXT
** Compiles every line of PHRASES as a case-insensitive literal
** (hs_compile_lit_multi), scans TEXT and counts the matches that are whole
** words (the bytes around them are not ASCII letters, digits or '_', nor
** UTF-8 continuation or lead bytes). Prints the count and the compile and
** scan times. Hyperscan reports every occurrence of every phrase, nested and
** overlapping ones included (like glean's overlap = "all").
*/
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hs/hs.h>

#include "load_file.h"

typedef struct Scan {
  const unsigned char *text;
  size_t len;
  const unsigned *plen;        /* byte length of each pattern */
  unsigned long long count;
} Scan;

static double now (void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int word_byte (unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c >= 0x80;
}

static int on_match (unsigned id, unsigned long long from, unsigned long long to,
                     unsigned flags, void *ctx) {
  Scan *sc = (Scan *)ctx;
  unsigned long long start = to - sc->plen[id];
  (void)from; (void)flags;
  if ((start == 0 || !word_byte(sc->text[start - 1])) &&
      (to >= sc->len || !word_byte(sc->text[to])))
    sc->count++;
  return 0;
}

int main (int argc, char **argv) {
  long psize, tsize;
  char *phrases, *text, *line, *save = NULL;
  const char **exprs;
  size_t *lens;
  unsigned *flags, *ids, *plen, n = 0, cap = 1024;
  hs_database_t *db = NULL;
  hs_compile_error_t *err = NULL;
  hs_scratch_t *scratch = NULL;
  Scan sc;
  double t0, t1, t2;
  if (argc < 3) { fprintf(stderr, "usage: %s PHRASES TEXT\n", argv[0]); return 2; }
  t0 = now();
  if ((phrases = load_file(argv[1], &psize)) == NULL) return 1;
  exprs = malloc(cap * sizeof(*exprs));
  lens = malloc(cap * sizeof(*lens));
  for (line = strtok_r(phrases, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *tab = strchr(line, '\t');     /* TSV: the phrase is the first field */
    if (tab) *tab = '\0';
    if (*line == '\0') continue;
    if (n == cap) {
      cap *= 2;
      exprs = realloc(exprs, cap * sizeof(*exprs));
      lens = realloc(lens, cap * sizeof(*lens));
    }
    exprs[n] = line;
    lens[n] = strlen(line);
    n++;
  }
  flags = malloc(n * sizeof(*flags));
  ids = malloc(n * sizeof(*ids));
  plen = malloc(n * sizeof(*plen));
  for (unsigned i = 0; i < n; i++) {
    flags[i] = HS_FLAG_CASELESS;
    ids[i] = i;
    plen[i] = (unsigned)lens[i];
  }
  if (hs_compile_lit_multi(exprs, flags, ids, lens, n, HS_MODE_BLOCK, NULL, &db, &err)
      != HS_SUCCESS) {
    fprintf(stderr, "hyperscan: %s\n", err ? err->message : "compile failed");
    return 1;
  }
  if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) { fprintf(stderr, "hyperscan: scratch\n"); return 1; }
  t1 = now();
  if ((text = load_file(argv[2], &tsize)) == NULL) return 1;
  sc.text = (const unsigned char *)text;
  sc.len = (size_t)tsize;
  sc.plen = plen;
  sc.count = 0;
  if (hs_scan(db, text, (unsigned)tsize, 0, scratch, on_match, &sc) != HS_SUCCESS) {
    fprintf(stderr, "hyperscan: scan failed\n");
    return 1;
  }
  t2 = now();
  printf("%llu\n", sc.count);
  fprintf(stderr, "hyperscan: %u phrases, compile %.3f s, scan %.3f s (%.1f MB/s)\n",
          n, t1 - t0, t2 - t1, tsize / 1e6 / (t2 - t1));
  hs_free_scratch(scratch);
  hs_free_database(db);
  free(phrases); free(text); free(exprs); free(lens); free(flags); free(ids); free(plen);
  return 0;
}
