/*
** threads: glean in a multi-threaded C host. The compiled news lexicon
** (news.glz) is mapped ONCE by the host; each worker thread has its own
** lua_State, with glean.core linked in, and a Matcher over that same
** mapping (gl_push_matcher, csrc/lembed.h: no copy). The documents are
** split between the threads, and the JSON reports are printed in input
** order: the output is the same as the single-threaded host's, document
** by document.
**
**   build/embed/threads [-j N] [--repeat K] [--lua DIR] [--data DIR] FILE...
**
** Sharing: the mapping is read-only and outlives every state; each state
** is used by one thread only; the document texts are read-only while the
** threads run; each report slot is written by one thread and read by the
** main thread after pthread_join. Nothing else is shared (glean's C core
** has no global mutable state).
**
** Exit status: 0 success, 1 when a document failed or Lua raised (the
** document and the message are printed), 2 usage error.
*/
#if !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lua.h"
#include "lauxlib.h"

#include "common.h"
#include "lembed.h"

#define MAX_THREADS 64

/* Run in each state with the shared Matcher; returns the function that
** makes the JSON report of one document. */
static const char setup_code[] =
  "local lexicon = ...\n"
  "local news = require 'glean.news'\n"
  "local json = require 'glean.formats.json'\n"
  "local pipeline = assert(news.pipeline{ lexicon = lexicon })\n"
  "return function(text, name)\n"
  "  return json(pipeline:extract(text, { doc = name }))\n"
  "end\n";

typedef struct Doc {
  const char *name;
  const char *text;           /* shared by the repeats of a file */
  size_t len;
  char *report;               /* written by one worker, NULL until then */
  size_t rlen;
} Doc;

/* What every worker reads; not modified while they run. */
typedef struct Shared {
  const void *lexicon;        /* the mapped news.glz */
  size_t lexlen;
  const char *lua_dir;
  Doc *docs;
  size_t ndocs;
  int nthreads;
} Shared;

typedef struct Worker {
  const Shared *sh;
  int index;
  size_t done;
  char error[1024];           /* empty, or what went wrong */
  pthread_t tid;
} Worker;

/* Copies the message on the top of the stack into w->error. */
static void fail (Worker *w, lua_State *L, const char *prefix) {
  const char *msg = lua_tostring(L, -1);
  snprintf(w->error, sizeof(w->error), "%s%s", prefix, msg ? msg : "(no message)");
}

/* Worker k makes the reports of documents k, k + n, k + 2n... */
static void *work (void *arg) {
  Worker *w = (Worker *)arg;
  const Shared *sh = w->sh;
  size_t i;
  lua_State *L = embed_newstate(sh->lua_dir);
  if (L == NULL) {
    snprintf(w->error, sizeof(w->error), "cannot create a Lua state (out of memory)");
    return NULL;
  }
  if (gl_push_matcher(L, sh->lexicon, sh->lexlen) != 1) {
    fail(w, L, "news.glz: ");
    lua_close(L);
    return NULL;
  }
  if (embed_run(L, setup_code, "=threads.c", 1, 1) != 0) {
    fail(w, L, "");
    lua_close(L);
    return NULL;
  }
  for (i = (size_t)w->index; i < sh->ndocs; i += (size_t)sh->nthreads) {
    Doc *d = &sh->docs[i];
    const char *s;
    size_t n;
    lua_pushvalue(L, -1);
    lua_pushlstring(L, d->text, d->len);
    lua_pushstring(L, d->name);
    if (lua_pcall(L, 2, 1, 0) != LUA_OK || (s = lua_tolstring(L, -1, &n)) == NULL) {
      snprintf(w->error, sizeof(w->error), "%s: %s", d->name,
               lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "no report");
      break;
    }
    if ((d->report = (char *)malloc(n ? n : 1)) == NULL) {
      snprintf(w->error, sizeof(w->error), "%s: out of memory", d->name);
      break;
    }
    memcpy(d->report, s, n);
    d->rlen = n;
    w->done++;
    lua_pop(L, 1);
  }
  lua_close(L);
  return NULL;
}

/* Maps path read-only; NULL (errno set) on failure. */
static void *map_file (const char *path, size_t *len) {
  struct stat sb;
  void *map;
  int fd = open(path, O_RDONLY), err;
  if (fd < 0) return NULL;
  if (fstat(fd, &sb) != 0) { err = errno; close(fd); errno = err; return NULL; }
  if (sb.st_size <= 0) { close(fd); errno = EINVAL; return NULL; }
  map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
  err = errno;
  close(fd);
  if (map == MAP_FAILED) { errno = err; return NULL; }
  *len = (size_t)sb.st_size;
  return map;
}

static int usage (int status) {
  fprintf(status == 0 ? stdout : stderr,
    "usage: threads [-j N] [--repeat K] [--lua DIR] [--data DIR] [-v] FILE...\n"
    "  Runs glean's news pipeline over the files in N threads (default 4) that\n"
    "  share one mapping of the compiled lexicon, and prints the JSON reports\n"
    "  in input order.\n"
    "  --repeat K  process the list of files K times (default 1)\n"
    "  --lua DIR   directory of glean's Lua modules (default $GLEAN_LUA, else\n"
    "              " GLEAN_ROOT "/lua)\n"
    "  --data DIR  directory of news.glz (default $GLEAN_DATA, else\n"
    "              " GLEAN_ROOT "/build/data)\n"
    "  -v          say what was shared and who did what, on stderr\n");
  return status;
}

/* A whole number in [lo, hi], or -1. */
static long number (const char *s, long lo, long hi) {
  char *end;
  long v;
  errno = 0;
  v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) return -1;
  return v;
}

int main (int argc, char **argv) {
  const char *lua_dir = NULL, *data = NULL, *env;
  char path[4096];
  long nthreads = 4, repeat = 1;
  int verbose = 0, i, status = 0, nfiles;
  char **files, **texts;
  size_t *lens;
  Shared sh;
  Worker *workers;
  size_t d;
  void *map;
  for (i = 1; i < argc && argv[i][0] == '-'; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) return usage(0);
    else if (strcmp(a, "-v") == 0) verbose = 1;
    else if (strcmp(a, "--") == 0) { i++; break; }
    else if (i + 1 >= argc) {
      fprintf(stderr, "threads: option '%s' needs a value, or is unknown\n", a);
      return usage(2);
    }
    else if (strcmp(a, "-j") == 0) {
      if ((nthreads = number(argv[++i], 1, MAX_THREADS)) < 0) {
        fprintf(stderr, "threads: bad -j '%s' (1 to %d threads)\n", argv[i], MAX_THREADS);
        return 2;
      }
    }
    else if (strcmp(a, "--repeat") == 0) {
      if ((repeat = number(argv[++i], 1, 1000000)) < 0) {
        fprintf(stderr, "threads: bad --repeat '%s' (a count from 1)\n", argv[i]);
        return 2;
      }
    }
    else if (strcmp(a, "--lua") == 0) lua_dir = argv[++i];
    else if (strcmp(a, "--data") == 0) data = argv[++i];
    else {
      fprintf(stderr, "threads: unknown option '%s'\n", a);
      return usage(2);
    }
  }
  files = argv + i;
  nfiles = argc - i;
  if (nfiles == 0) {
    fprintf(stderr, "threads: no input files\n");
    return usage(2);
  }
  if (data == NULL) {
    env = getenv("GLEAN_DATA");
    data = env != NULL && *env != '\0' ? env : GLEAN_ROOT "/build/data";
  }
  snprintf(path, sizeof(path), "%s/news.glz", data);

  /* Everything the threads read is ready before they start. */
  texts = (char **)calloc((size_t)nfiles, sizeof(char *));
  lens = (size_t *)calloc((size_t)nfiles, sizeof(size_t));
  sh.ndocs = (size_t)nfiles * (size_t)repeat;
  sh.docs = (Doc *)calloc(sh.ndocs, sizeof(Doc));
  workers = (Worker *)calloc((size_t)nthreads, sizeof(Worker));
  if (texts == NULL || lens == NULL || sh.docs == NULL || workers == NULL) {
    fprintf(stderr, "threads: out of memory\n");
    return 1;
  }
  for (i = 0; i < nfiles; i++) {
    if ((texts[i] = embed_read_file(files[i], &lens[i])) == NULL) {
      fprintf(stderr, "threads: %s: %s\n", files[i], strerror(errno));
      return 1;
    }
  }
  for (d = 0; d < sh.ndocs; d++) {
    sh.docs[d].name = files[d % (size_t)nfiles];
    sh.docs[d].text = texts[d % (size_t)nfiles];
    sh.docs[d].len = lens[d % (size_t)nfiles];
  }
  if ((map = map_file(path, &sh.lexlen)) == NULL) {
    fprintf(stderr, "threads: %s: %s (make data builds it)\n", path, strerror(errno));
    return 1;
  }
  sh.lexicon = map;
  sh.lua_dir = embed_lua_dir(lua_dir);
  sh.nthreads = (int)nthreads;
  if (verbose)
    fprintf(stderr, "threads: %s mapped once at %p (%lu bytes), shared by %d threads\n",
            path, map, (unsigned long)sh.lexlen, sh.nthreads);

  for (i = 0; i < sh.nthreads; i++) {
    int err;
    workers[i].sh = &sh;
    workers[i].index = i;
    if ((err = pthread_create(&workers[i].tid, NULL, work, &workers[i])) != 0) {
      fprintf(stderr, "threads: cannot start a thread: %s\n", strerror(err));
      sh.nthreads = i;   /* join those started; their documents are missing */
      status = 1;
      break;
    }
  }
  for (i = 0; i < sh.nthreads; i++) pthread_join(workers[i].tid, NULL);

  for (i = 0; i < sh.nthreads; i++) {
    if (workers[i].error[0] != '\0') {
      fprintf(stderr, "threads: %s\n", workers[i].error);
      status = 1;
    }
    if (verbose)
      fprintf(stderr, "threads: thread %d made %lu reports\n", i, (unsigned long)workers[i].done);
  }
  for (d = 0; d < sh.ndocs && status == 0; d++) {
    if (sh.docs[d].report == NULL) {
      fprintf(stderr, "threads: %s: no report\n", sh.docs[d].name);
      status = 1;
    }
    else fwrite(sh.docs[d].report, 1, sh.docs[d].rlen, stdout);
  }
  if (fflush(stdout) != 0) status = 1;

  /* Every state is closed: the mapping can go. */
  munmap(map, sh.lexlen);
  for (d = 0; d < sh.ndocs; d++) free(sh.docs[d].report);
  for (i = 0; i < nfiles; i++) free(texts[i]);
  free(texts);
  free(lens);
  free(sh.docs);
  free(workers);
  return status;
}
