/*
** Types, limits and visibility shared by every C file of glean.
** Plain C99: no Lua headers.
*/
#ifndef GL_TYPES_H
#define GL_TYPES_H

#include <stddef.h>
#include <stdint.h>

/*
** Everything outside a file is prefixed gl_ and hidden, so that the shared
** object exports luaopen_glean_core and nothing else.
*/
#if defined(__GNUC__) && !defined(_WIN32)
#define GL_FUNC   __attribute__((visibility("hidden"))) extern
#define GL_DATA   __attribute__((visibility("hidden"))) extern
#else
#define GL_FUNC   extern
#define GL_DATA   extern
#endif

/*
** Allocation goes through a function with lua_Alloc's signature, so that
** from Lua every block comes from the state's allocator (lua_getallocf),
** while fuzzers and tests can pass a plain realloc wrapper.
*/
typedef void *(*gl_Alloc) (void *ud, void *ptr, size_t osize, size_t nsize);

/* Status codes of the plain C layer (the Lua layer turns them into errors). */
enum {
  GL_OK = 0,
  GL_ENOMEM,        /* an allocation failed */
  GL_ETOOBIG,       /* input larger than GL_MAX_TEXT */
  GL_EINVAL,        /* malformed input structure (a compiled program) */
  GL_EHOST          /* a host callback failed (its error is the host's) */
};

/*
** Grows *arr (*cap elements of 'elem' bytes) to hold at least 'need'
** elements, by half again at least. GL_OK, or GL_ENOMEM with the array
** left as it was.
*/
static inline int gl_grow (gl_Alloc alloc, void *ud, void **arr, size_t *cap,
                           size_t need, size_t elem) {
  size_t n = *cap + *cap / 2;
  void *p;
  if (need <= *cap) return GL_OK;
  if (n < need) n = need;
  if (n < 16) n = 16;
  if (n > ((size_t)-1) / elem) return GL_ENOMEM;
  p = alloc(ud, *arr, *cap * elem, n * elem);
  if (p == NULL) return GL_ENOMEM;
  *arr = p;
  *cap = n;
  return GL_OK;
}

/* Largest text one Doc can hold: offsets are stored in 32 bits. */
#if !defined(GL_MAX_TEXT)
#define GL_MAX_TEXT   ((size_t)UINT32_MAX - 1)
#endif

#endif
