/*
** Baseline for bench/tokenize: ICU's UAX #29 word BreakIterator over a file.
**   bench/icu_words FILE [utf8|utf16]
** utf8 iterates over the UTF-8 bytes through a UText; utf16 converts the
** text to UTF-16 first (ICU's native form) and iterates over that. Prints
** the number of segments and of word-like segments (rule status not NONE).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>

#include "load_file.h"

int main (int argc, char **argv) {
  char *text;
  long size;
  UErrorCode st = U_ZERO_ERROR;
  UBreakIterator *bi;
  UText *ut = NULL;
  UChar *u16 = NULL;
  long segments = 0, words = 0;
  int utf16 = argc > 2 && strcmp(argv[2], "utf16") == 0;
  if (argc < 2) { fprintf(stderr, "usage: %s FILE [utf8|utf16]\n", argv[0]); return 2; }
  if ((text = load_file(argv[1], &size)) == NULL) return 1;
  if (utf16) {
    int32_t n = 0;
    u_strFromUTF8(NULL, 0, &n, text, (int32_t)size, &st);
    st = U_ZERO_ERROR;
    u16 = malloc(((size_t)n + 1) * sizeof(UChar));
    u_strFromUTF8(u16, n + 1, &n, text, (int32_t)size, &st);
    bi = ubrk_open(UBRK_WORD, "en_US", u16, n, &st);
  }
  else {
    ut = utext_openUTF8(NULL, text, size, &st);
    bi = ubrk_open(UBRK_WORD, "en_US", NULL, 0, &st);
    ubrk_setUText(bi, ut, &st);
  }
  if (U_FAILURE(st)) { fprintf(stderr, "ICU: %s\n", u_errorName(st)); return 1; }
  ubrk_first(bi);
  while (ubrk_next(bi) != UBRK_DONE) {
    segments++;
    if (ubrk_getRuleStatus(bi) != UBRK_WORD_NONE) words++;
  }
  printf("%ld segments, %ld words\n", segments, words);
  ubrk_close(bi);
  if (ut) utext_close(ut);
  free(u16);
  free(text);
  return 0;
}
