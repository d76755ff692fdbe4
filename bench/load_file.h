/*
** Shared by the benchmark drivers: loads a whole file into memory.
*/
#ifndef BENCH_LOAD_FILE_H
#define BENCH_LOAD_FILE_H

#include <stdio.h>
#include <stdlib.h>

/* Returns the file's bytes (NUL-terminated) and their count in *size, or
** NULL after printing why. */
static char *load_file (const char *path, long *size) {
  FILE *f = fopen(path, "rb");
  char *text;
  if (!f) { perror(path); return NULL; }
  fseek(f, 0, SEEK_END);
  *size = ftell(f);
  fseek(f, 0, SEEK_SET);
  text = (char *)malloc((size_t)*size + 1);
  if (!text || fread(text, 1, (size_t)*size, f) != (size_t)*size) {
    perror(path);
    fclose(f);
    free(text);
    return NULL;
  }
  fclose(f);
  text[*size] = '\0';
  return text;
}

#endif
