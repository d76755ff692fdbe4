/*
** The C API of glean.core for host programs that embed Lua and link the
** core into themselves (examples/embed/). The shared object exports only
** luaopen_glean_core; these functions are for static links.
**
**   luaL_requiref(L, "glean.core", luaopen_glean_core, 0);
**   lua_pop(L, 1);
*/
#ifndef GL_LEMBED_H
#define GL_LEMBED_H

#include <stddef.h>

#include "lua.h"
#include "lauxlib.h"

#include "gltypes.h"

/* Opens glean.core: pushes the module table. */
LUALIB_API int luaopen_glean_core (lua_State *L);

/*
** Pushes a glean.Matcher over base[0..size): the bytes of a compiled
** gazetteer (a .glz file, or Matcher:save's output) that the CALLER owns,
** for instance a file the host has mapped once with mmap and shares
** between several lua_States, one per thread. Nothing is copied, and the
** Matcher never writes to, unmaps or frees the buffer.
**
** The caller guarantees that base is aligned on 8 bytes (mmap and malloc
** memory are), and that the buffer stays valid and unchanged until every
** state that holds such a Matcher is closed (lua_close). Reading it from
** several threads at once is safe: a Matcher keeps its scratch space and
** caches in its own state, and only reads the buffer.
**
** The buffer is validated as glean.load validates a file (checksum,
** structure). Returns 1 with the Matcher pushed, or 2 with nil and a
** message pushed (a bad or truncated buffer). Raises only on memory errors.
*/
GL_FUNC int gl_push_matcher (lua_State *L, const void *base, size_t size);

#endif
