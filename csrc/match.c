/*
** Compiled gazetteers: validation and matching.
**
** Matching walks the trie from each token (a dense first step, then a
** binary search among a node's children), stepping over transparent
** tokens, never deeper than the longest phrase: time linear in the number
** of tokens times that depth.
*/
#include <string.h>

#include "match.h"
#include "normalize.h"

/* ======================================================================
** Validation
** ======================================================================
**
** A buffer is accepted when its checksum matches (so accidental damage is
** refused) and every invariant that memory safety rests on holds: each
** section lies within the buffer, back to back; each count matches its
** section's size; each offset array starts at 0, never decreases and ends
** at its pool's size; each index (token, node, entry, string) is below its
** count. Then no access can leave the buffer and every loop ends (walks
** are bounded by max_depth besides). The order a well-formed file has
** (siblings by token, entries by insertion) is not checked: a hostile file
** that breaks it gives wrong matches, never a crash. All of this is one
** pass over the buffer, in time linear in its size.
*/

#define CHECK(cond, msg)   do { if (!(cond)) return (msg); } while (0)

static const char *check_layout (const gl_GzHeader *h, size_t size) {
  uint64_t need[GL_GZ_NSECT], at = sizeof(gl_GzHeader);
  int k;
  CHECK(h->nslots == 0 ? h->nvocab == 0
        : ((h->nslots & (h->nslots - 1)) == 0 && h->nslots > h->nvocab),
        "bad vocabulary table size");
  CHECK(h->nfilter > 0 && (h->nfilter & (h->nfilter - 1)) == 0, "bad edge filter size");
  CHECK(h->nnodes >= 1, "no trie root");
  CHECK(h->max_depth <= GL_GZ_MAX_DEPTH, "phrases too long");
  need[GL_GZ_S_OPTIONS] = 0;            /* checked with the options */
  need[GL_GZ_S_VOCAB_SLOTS] = sizeof(gl_GzSlot) * (uint64_t)h->nslots;
  need[GL_GZ_S_VOCAB_OFFS] = 4 * ((uint64_t)h->nvocab + 1);
  need[GL_GZ_S_VOCAB_POOL] = 0;
  need[GL_GZ_S_NODES] = sizeof(gl_GzNode) * ((uint64_t)h->nnodes + 1);
  need[GL_GZ_S_NODE_LABEL] = 4 * (uint64_t)h->nnodes;
  need[GL_GZ_S_EDGE_FILTER] = 8 * (uint64_t)h->nfilter;
  need[GL_GZ_S_ENTRY_LIST] = 4 * (uint64_t)h->nentries;
  need[GL_GZ_S_ENTRIES] = sizeof(gl_GzEntry) * ((uint64_t)h->nentries + 1);
  need[GL_GZ_S_ATTRS] = sizeof(gl_GzAttr) * (uint64_t)h->nattrs;
  need[GL_GZ_S_STR_OFFS] = 4 * ((uint64_t)h->nstrings + 1);
  need[GL_GZ_S_STR_POOL] = 0;
  for (k = 0; k < GL_GZ_NSECT; k++) {   /* in order, back to back, to the end */
    const gl_GzSection *s = &h->sect[k];
    CHECK(s->offset == at && s->size <= size - at, "section out of place");
    CHECK(need[k] == 0 || s->size == need[k], "section size does not match its count");
    at += (s->size + 7) & ~(uint64_t)7;
    CHECK(at <= size, "section out of place");
  }
  CHECK(at == size, "trailing bytes after the last section");
  return NULL;
}

static const char *check_options (gl_Gz *gz) {
  const gl_GzSection *s = &gz->h->sect[GL_GZ_S_OPTIONS];
  const gl_GzOptions *o;
  const uint8_t *flag;
  CHECK(s->size >= sizeof(gl_GzOptions), "options too short");
  o = (const gl_GzOptions *)(const void *)(gz->base + s->offset);
  CHECK(s->size == sizeof(gl_GzOptions) + 4 * (uint64_t)o->nabbrev, "bad options size");
  CHECK(o->case_mode <= GL_GZ_CASE_SMART && o->accents <= GL_GZ_ACCENTS_KEEP,
        "bad case or accent mode");
  for (flag = &o->clitics; flag <= &o->keep_space; flag++)
    CHECK(*flag <= 1, "bad tokenizer option");
  gz->opts = o;
  gz->abbrevs = (const uint32_t *)(const void *)(o + 1);
  return NULL;
}

/* Abbreviations refer to strings: checked once those are. */
static const char *check_abbrevs (const gl_Gz *gz) {
  uint32_t i;
  for (i = 0; i < gz->opts->nabbrev; i++) {
    size_t len;
    const unsigned char *a;
    CHECK(gz->abbrevs[i] < gz->h->nstrings, "bad abbreviation");
    a = gl_gz_string(gz, gz->abbrevs[i], &len);
    CHECK(len >= 2 && len <= GL_ABBREV_MAXLEN && a[len - 1] == '.', "bad abbreviation");
  }
  return NULL;
}

/* Offsets pair checks: offs[i] <= offs[i+1] (and at most 'step' apart when
** step > 0) for i in [i0, i1). */
static uint32_t bad_offsets (const uint32_t *offs, size_t i0, size_t i1, uint32_t step) {
  uint32_t bad = 0;
  size_t i;
  for (i = i0; i < i1; i++) {
    uint32_t a = offs[i], b = offs[i + 1];
    bad |= (b < a) | (step && b - a > step);
  }
  return bad;
}

/* Checks the records of section k whose first byte lies in [from, to) of
** the section (the block that the checksum has just read). */
static const char *check_block (const gl_Gz *gz, int k, size_t from, size_t to) {
  const gl_GzHeader *h = gz->h;
  static const unsigned char size_of[GL_GZ_NSECT] = {
    0, sizeof(gl_GzSlot), 4, 0, sizeof(gl_GzNode), 4, 0, 4, sizeof(gl_GzEntry),
    sizeof(gl_GzAttr), 4, 0 };
  size_t es = size_of[k], i0, i1, i;
  uint32_t bad = 0;
  if (es == 0) return NULL;             /* options, pools and filter: nothing */
  i0 = (from + es - 1) / es;
  i1 = (to + es - 1) / es;
  switch (k) {
    case GL_GZ_S_VOCAB_SLOTS:
      if (i1 > h->nslots) i1 = h->nslots;
      for (i = i0; i < i1; i++)
        bad |= (gz->slots[i].id > h->nvocab) |
               ((gz->slots[i].root & ~GL_GZ_ROOT_TERMINAL) >= h->nnodes);
      CHECK(bad == 0, "bad vocabulary slot");
      break;
    case GL_GZ_S_VOCAB_OFFS:
      if (i1 > h->nvocab) i1 = h->nvocab;
      CHECK(bad_offsets(gz->voffs, i0, i1, h->max_token_len) == 0, "bad vocabulary offsets");
      break;
    case GL_GZ_S_NODES:
      if (i1 > h->nnodes) i1 = h->nnodes;
      for (i = i0; i < i1; i++)
        bad |= (gz->nodes[i + 1].child < gz->nodes[i].child) |
               (gz->nodes[i + 1].entry < gz->nodes[i].entry);
      CHECK(bad == 0, "bad trie shape");
      break;
    case GL_GZ_S_NODE_LABEL:
      if (i0 == 0) i0 = 1;              /* the root has no label */
      if (i1 > h->nnodes) i1 = h->nnodes;
      for (i = i0; i < i1; i++) bad |= (gz->label[i] >= h->nvocab);
      CHECK(bad == 0, "bad trie labels");
      break;
    case GL_GZ_S_ENTRY_LIST:
      if (i1 > h->nentries) i1 = h->nentries;
      for (i = i0; i < i1; i++) bad |= ((gz->list[i] & ~GL_GZ_L_CAPS) >= h->nentries);
      CHECK(bad == 0, "bad entry list");
      break;
    case GL_GZ_S_ENTRIES:
      if (i1 > h->nentries) i1 = h->nentries;
      for (i = i0; i < i1; i++)
        bad |= (gz->entries[i].label > h->nstrings) |
               (gz->entries[i + 1].attr_start < gz->entries[i].attr_start);
      CHECK(bad == 0, "bad entry");
      break;
    case GL_GZ_S_ATTRS:
      if (i1 > h->nattrs) i1 = h->nattrs;
      for (i = i0; i < i1; i++) {
        const gl_GzAttr *a = &gz->attrs[i];
        bad |= (a->key >= h->nstrings) | (a->type > GL_GZ_T_NUMBER) |
               (a->type == GL_GZ_T_STRING && a->value >= h->nstrings);
      }
      CHECK(bad == 0, "bad attribute");
      break;
    case GL_GZ_S_STR_OFFS:
      if (i1 > h->nstrings) i1 = h->nstrings;
      CHECK(bad_offsets(gz->soffs, i0, i1, 0) == 0, "bad string offsets");
      break;
    default:
      break;
  }
  return NULL;
}

/* The ends of every range, checked before the blocks. */
static const char *check_ends (const gl_Gz *gz) {
  const gl_GzHeader *h = gz->h;
  CHECK(gz->voffs[0] == 0 && gz->voffs[h->nvocab] == h->sect[GL_GZ_S_VOCAB_POOL].size,
        "bad vocabulary offsets");
  CHECK(gz->soffs[0] == 0 && gz->soffs[h->nstrings] == h->sect[GL_GZ_S_STR_POOL].size,
        "bad string offsets");
  CHECK(gz->nodes[0].child == 1 && gz->nodes[h->nnodes].child == h->nnodes &&
        gz->nodes[0].entry == 0 && gz->nodes[h->nnodes].entry == h->nentries,
        "bad trie shape");
  CHECK(gz->entries[0].attr_start == 0 && gz->entries[h->nentries].attr_start == h->nattrs,
        "bad attribute offsets");
  return NULL;
}

/* Bytes the checksum reads before the records they hold are checked. */
#define GL_GZ_BLOCK   8192u

#define SECTION(gz, k, type) \
  ((const type *)(const void *)((gz)->base + (gz)->h->sect[k].offset))

const char *gl_gz_open (gl_Gz *gz, const unsigned char *buf, size_t size) {
  const gl_GzHeader *h = (const gl_GzHeader *)(const void *)buf;
  const char *err;
  gl_GzSum sum;
  int k;
  memset(gz, 0, sizeof(*gz));
  CHECK(((uintptr_t)buf & 7) == 0, "buffer not aligned on 8 bytes");
  CHECK(size >= sizeof(gl_GzHeader) && memcmp(h->magic, GL_GZ_MAGIC, 8) == 0,
        "not a compiled glean gazetteer");
  CHECK(h->endian == GL_GZ_ENDIAN, "compiled on a machine of another byte order");
  CHECK(h->version == GL_GZ_VERSION, "unsupported format version");
  CHECK(h->file_size <= size, "truncated");
  CHECK(h->file_size == size, "trailing bytes after the gazetteer");
  if ((err = check_layout(h, size)) != NULL) return err;
  gz->base = buf;
  gz->size = size;
  gz->h = h;
  gz->slots = SECTION(gz, GL_GZ_S_VOCAB_SLOTS, gl_GzSlot);
  gz->voffs = SECTION(gz, GL_GZ_S_VOCAB_OFFS, uint32_t);
  gz->vpool = SECTION(gz, GL_GZ_S_VOCAB_POOL, unsigned char);
  gz->nodes = SECTION(gz, GL_GZ_S_NODES, gl_GzNode);
  gz->label = SECTION(gz, GL_GZ_S_NODE_LABEL, uint32_t);
  gz->filter = SECTION(gz, GL_GZ_S_EDGE_FILTER, uint64_t);
  gz->list = SECTION(gz, GL_GZ_S_ENTRY_LIST, uint32_t);
  gz->entries = SECTION(gz, GL_GZ_S_ENTRIES, gl_GzEntry);
  gz->attrs = SECTION(gz, GL_GZ_S_ATTRS, gl_GzAttr);
  gz->soffs = SECTION(gz, GL_GZ_S_STR_OFFS, uint32_t);
  gz->spool = SECTION(gz, GL_GZ_S_STR_POOL, unsigned char);
  if ((err = check_options(gz)) != NULL || (err = check_ends(gz)) != NULL) goto fail;
  /* One pass: each block is checksummed, then its records checked while it
  ** is still in cache. Sections lie back to back from the header on. */
  gl_gzsum_init(&sum);
  for (k = 0; k < GL_GZ_NSECT; k++) {
    size_t bytes = (size_t)((h->sect[k].size + 7) & ~(uint64_t)7), pos;
    const unsigned char *p = buf + h->sect[k].offset;
    for (pos = 0; pos < bytes; pos += GL_GZ_BLOCK) {
      size_t n = bytes - pos < GL_GZ_BLOCK ? bytes - pos : GL_GZ_BLOCK;
      gl_gzsum_add(&sum, p + pos, n / 8);
      if ((err = check_block(gz, k, pos, pos + n)) != NULL) goto fail;
    }
  }
  if (gl_gz_sign_sum(buf, gl_gzsum_end(&sum)) != h->checksum) {
    err = "checksum mismatch (corrupted)";
    goto fail;
  }
  if ((err = check_abbrevs(gz)) != NULL) goto fail;
  gz->form = gl_gz_form(gz->opts->case_mode, gz->opts->accents);
  return NULL;
fail:
  memset(gz, 0, sizeof(*gz));
  return err;
}

uint32_t gl_gz_find_string (const gl_Gz *gz, const char *s, size_t len) {
  uint32_t i;
  for (i = 0; i < gz->h->nstrings; i++) {
    size_t n;
    const unsigned char *p = gl_gz_string(gz, i, &n);
    if (n == len && memcmp(p, s, len) == 0) return i;
  }
  return GL_GZ_NOTOKEN;
}


/* ======================================================================
** Matching
** ====================================================================== */

int gl_gz_dashes (const gl_Token *k, const unsigned char *s) {
  size_t i;
  for (i = k->start; i < k->stop; ) {   /* dashes only: '-', '–', '—', ... */
    unsigned char u[4 * GL_FOLD_MAX_EXPANSION];
    size_t n = 1;
    if (s[i] == '-') { i++; continue; }
    if (s[i] < 0x80) return 0;
    while (i + n < k->stop && (s[i + n] & 0xC0) == 0x80) n++;
    if (n > 4 || gl_fold(s + i, n, u, GL_FORM_UNIFY) != 1 || u[0] != '-') return 0;
    i += n;
  }
  return 1;
}

void gl_gzr_init (gl_GzResult *r, gl_Alloc alloc, void *ud) {
  memset(r, 0, sizeof(*r));
  r->alloc = alloc;
  r->ud = ud;
}

void gl_gzr_free (gl_GzResult *r) {
  if (r->hits) r->alloc(r->ud, r->hits, r->cap * sizeof(gl_GzHit), 0);
  if (r->ring) r->alloc(r->ud, r->ring, GL_GZ_RING * sizeof(gl_GzTokId), 0);
  if (r->cache) r->alloc(r->ud, r->cache, GL_GZ_CACHE * sizeof(gl_GzCacheEntry), 0);
  if (r->memo) r->alloc(r->ud, r->memo, GL_GZ_MEMO * sizeof(gl_GzStep), 0);
  if (r->fold) r->alloc(r->ud, r->fold, r->capfold, 0);
  r->hits = NULL; r->ring = NULL; r->cache = NULL; r->memo = NULL; r->fold = NULL;
  r->n = r->cap = r->capfold = 0;
}

#define reserve(r, p, cap, need, elem)   gl_grow((r)->alloc, (r)->ud, p, cap, need, elem)

/* Looks the folded token s[0..n), of hash h, up; s has zeros after the
** token up to GL_GZ_PREFIX bytes. */
static void lookup (const gl_Gz *gz, const unsigned char *s, size_t n, uint32_t h,
                    gl_GzTokId *out) {
  uint32_t mask, i, probes;
  uint64_t want = 0, have;
  unsigned len = n < 255 ? (unsigned)n : 255;
  out->id = GL_GZ_NOTOKEN;
  out->root = 0;
  if (gz->h->nslots == 0) return;
  memcpy(&want, s, GL_GZ_PREFIX);
  mask = gz->h->nslots - 1;
  i = h & mask;
  for (probes = 0; probes < gz->h->nslots; probes++) {
    const gl_GzSlot *sl = &gz->slots[i];
    if (sl->id == 0) return;
    have = 0;
    memcpy(&have, sl->prefix, GL_GZ_PREFIX);
    if (sl->len == len && have == want &&
        (n <= GL_GZ_PREFIX || (gz->voffs[sl->id] - gz->voffs[sl->id - 1] == n &&
         memcmp(gz->vpool + gz->voffs[sl->id - 1], s, n) == 0))) {
      out->id = sl->id - 1;
      out->root = sl->root;
      return;
    }
    i = (i + 1) & mask;
  }
}

/* Child of node (not the root) with token t, or 0. */
static uint32_t child_of (const gl_Gz *gz, uint32_t node, uint32_t t) {
  uint64_t eh = gl_gz_edge_hash(node, t);
  uint64_t bits = GL_GZ_EDGE_BITS(eh);
  uint32_t lo, hi;
  if ((gz->filter[GL_GZ_EDGE_WORD(eh) & (gz->h->nfilter - 1)] & bits) != bits) return 0;
  lo = gz->nodes[node].child;
  hi = gz->nodes[node + 1].child;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (gz->label[mid] < t) lo = mid + 1;
    else if (gz->label[mid] > t) hi = mid;
    else return mid;
  }
  return 0;
}

static int label_wanted (const gl_GzQuery *q, uint32_t label) {
  size_t lo = 0, hi = q->nlabels;
  if (!q->filter) return 1;
  if (label == 0) return 0;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (q->labels[mid] < label - 1) lo = mid + 1;
    else if (q->labels[mid] > label - 1) hi = mid;
    else return 1;
  }
  return 0;
}

/* Is the entry in list slot k wanted (caps: the text is in capitals)? */
static int entry_ok (const gl_Gz *gz, const gl_GzQuery *q, uint32_t k, int caps) {
  uint32_t e = gz->list[k];
  if (!caps && (e & GL_GZ_L_CAPS)) return 0;
  return !q->filter || label_wanted(q, gz->entries[e & ~GL_GZ_L_CAPS].label);
}

static int add_hit (gl_GzResult *r, const gl_GzQuery *q, uint32_t first,
                    uint32_t last, uint32_t entry, uint32_t node) {
  if (!q->count_only) {
    if (r->n == r->cap &&
        reserve(r, (void **)&r->hits, &r->cap, r->n + 1, sizeof(gl_GzHit)))
      return GL_ENOMEM;
    r->hits[r->n].first = first;
    r->hits[r->n].last = last;
    r->hits[r->n].entry = entry;
    r->hits[r->n].node = node;
  }
  r->n++;
  return GL_OK;
}

/* The matching state over one text. */
typedef struct Scan {
  const gl_Gz *gz;
  const gl_Token *tok;
  size_t ntok;
  const unsigned char *text;
  gl_GzResult *r;
  size_t done;                /* token ids are known below this index */
  gl_GzCacheEntry *cache;     /* or NULL for short texts */
  gl_GzStep *memo;            /* or NULL for short texts */
  size_t textlen;             /* bytes of text that may be read */
} Scan;

/* Child of node with token t through the step cache. */
static uint32_t step (Scan *sc, uint32_t node, uint32_t t) {
  gl_GzStep *m;
  if (sc->memo == NULL) return child_of(sc->gz, node, t);
  m = &sc->memo[(gl_gz_edge_hash(node, t) >> 40) & (GL_GZ_MEMO - 1)];
  if (m->node != node || m->token != t) {
    m->node = node;
    m->token = t;
    m->child = child_of(sc->gz, node, t);
  }
  return m->child;
}

#if defined(__GNUC__)
#define PREFETCH(p)   __builtin_prefetch(p)
#else
#define PREFETCH(p)   ((void)(p))
#endif

/* Tokens whose ids are computed together, their slots fetched in parallel,
** and the bytes of a token folded ahead (longer ones wait for their turn). */
#define BATCH       16
#define BATCH_LEN   32

/* Folds token k into out (zeroed beyond the token): returns its length,
** or (size_t)-1 when longer than limit. ASCII by table, the rest through
** gl_fold_bounded. */
static size_t fold_token (const Scan *sc, const gl_Token *k, unsigned char *out,
                          size_t limit) {
  const unsigned char *p = sc->text + k->start;
  const unsigned char *fold = gl_ascii_fold[sc->gz->form];
  size_t m = k->stop - k->start, c;
  for (c = 0; c < m && c < limit; c++) {
    unsigned char x = fold[p[c]];
    if (x == 0) break;
    out[c] = x;
  }
  if (c == m) return m;
  /* an ASCII byte adds one byte; a non-ASCII character may add none (an
  ** accent that folds away), so only gl_fold_bounded can tell */
  if (c == limit && p[c] < 0x80) return (size_t)-1;
  return gl_fold_bounded(p, m, out, limit, sc->gz->form);
}

/* The raw bytes of a short token as two zero-padded words, for the cache;
** 0 when the token is longer than GL_GZ_CACHE_LEN (or too near the end of
** the text to read 16 bytes at once). */
static int raw_key (const Scan *sc, const gl_Token *k, uint64_t w[2]) {
  size_t m = k->stop - k->start;
  if (m > GL_GZ_CACHE_LEN || k->start + 16 > sc->textlen) return 0;
  /* keep the token's m bytes: the 16 bytes at ones + 16 - m are m 0xFF then
  ** zeros, whatever the byte order */
  static const unsigned char ones[32] = {
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255 };
  uint64_t keep[2];
  memcpy(w, sc->text + k->start, 16);
  memcpy(keep, ones + 16 - m, 16);
  w[0] &= keep[0];
  w[1] &= keep[1];
  return 1;
}

static size_t raw_slot (const uint64_t w[2], size_t m) {
  uint64_t h = (w[0] ^ (w[1] * 0x9E3779B97F4A7C15ull) ^ m) * 0xFF51AFD7ED558CCDull;
  return (size_t)(h >> 40) & (GL_GZ_CACHE - 1);
}

/* Computes the ids of tokens sc->done .. sc->done + BATCH - 1. A token
** seen before is answered by the cache, keyed by its raw bytes (no folding,
** no hashing); the others are folded and hashed, their slots prefetched,
** then looked up, so that the cache misses of a batch overlap. */
static void fill_batch (Scan *sc) {
  const gl_Gz *gz = sc->gz;
  size_t first = sc->done, n = sc->ntok - first, b;
  unsigned char folded[BATCH][BATCH_LEN + GL_GZ_PREFIX];
  uint64_t raw[BATCH][2];
  size_t len[BATCH], cslot[BATCH];
  uint32_t hash[BATCH];
  uint32_t mask = gz->h->nslots ? gz->h->nslots - 1 : 0;
  size_t cap = gz->h->max_token_len;
  if (n > BATCH) n = BATCH;
  for (b = 0; b < n; b++) {
    const gl_Token *k = &sc->tok[first + b];
    gl_GzTokId *t = &sc->r->ring[(first + b) & (GL_GZ_RING - 1)];
    t->root = 0;
    t->id = GL_GZ_NOTOKEN;
    len[b] = (size_t)-1;
    cslot[b] = GL_GZ_CACHE;             /* not cached */
    if (gl_gz_transparent(k, sc->text)) { t->id = GL_GZ_SKIP; continue; }
    if (!mask) continue;
    if (sc->cache && raw_key(sc, k, raw[b])) {
      size_t m = k->stop - k->start;
      const gl_GzCacheEntry *c = &sc->cache[cslot[b] = raw_slot(raw[b], m)];
      if (c->len == m + 1 && c->w[0] == raw[b][0] && c->w[1] == raw[b][1]) {
        *t = c->tid;
        cslot[b] = GL_GZ_CACHE;
        continue;                       /* answered */
      }
    }
    len[b] = fold_token(sc, k, folded[b], cap < BATCH_LEN ? cap : BATCH_LEN);
    if (len[b] == (size_t)-1) {
      if (cap <= BATCH_LEN) continue;   /* longer than any vocabulary token */
      len[b] = (size_t)-2;              /* fold it in full below */
      continue;
    }
    memset(folded[b] + len[b], 0, GL_GZ_PREFIX);
    hash[b] = gl_gz_hash(folded[b], len[b]);
    PREFETCH(&gz->slots[hash[b] & mask]);
  }
  for (b = 0; b < n; b++) {
    const gl_Token *k = &sc->tok[first + b];
    gl_GzTokId *t = &sc->r->ring[(first + b) & (GL_GZ_RING - 1)];
    if (len[b] == (size_t)-1) continue;
    if (len[b] == (size_t)-2) {         /* longer than a batch buffer */
      size_t l = fold_token(sc, k, sc->r->fold, cap);
      if (l != (size_t)-1) {
        memset(sc->r->fold + l, 0, GL_GZ_PREFIX);
        lookup(gz, sc->r->fold, l, gl_gz_hash(sc->r->fold, l), t);
      }
      continue;
    }
    lookup(gz, folded[b], len[b], hash[b], t);
    if (cslot[b] < GL_GZ_CACHE) {
      gl_GzCacheEntry *c = &sc->cache[cslot[b]];
      c->w[0] = raw[b][0];
      c->w[1] = raw[b][1];
      c->len = (uint32_t)(k->stop - k->start) + 1;
      c->tid = *t;
    }
  }
  sc->done = first + n;
}

/* Token id of token j (j < ntok), computed on first need; a walk from i
** only asks for j < i + GL_GZ_RING - BATCH, so the ring never overwrites
** one in use. */
static const gl_GzTokId *token_id (Scan *sc, size_t j) {
  while (sc->done <= j) fill_batch(sc);
  return &sc->r->ring[j & (GL_GZ_RING - 1)];
}

int gl_gz_match (const gl_Gz *gz, const gl_Token *tok, size_t ntok,
                 const unsigned char *text, const gl_GzQuery *q, gl_GzResult *r) {
  Scan sc;
  uint32_t i, max_depth = gz->h->max_depth;
  r->n = 0;
  if (ntok == 0 || gz->h->nentries == 0) return GL_OK;
  if (ntok >= UINT32_MAX) return GL_ETOOBIG;
  if (r->ring == NULL &&
      (r->ring = (gl_GzTokId *)r->alloc(r->ud, NULL, 0, GL_GZ_RING * sizeof(gl_GzTokId))) == NULL)
    return GL_ENOMEM;
  if (reserve(r, (void **)&r->fold, &r->capfold, gz->h->max_token_len + GL_GZ_PREFIX + 1, 1))
    return GL_ENOMEM;
  sc.gz = gz; sc.tok = tok; sc.ntok = ntok; sc.text = text; sc.r = r; sc.done = 0;
  sc.cache = NULL;
  sc.memo = NULL;
  sc.textlen = tok[ntok - 1].stop;      /* the text reaches at least that far */
  if (r->cache != NULL || ntok >= 64) { /* the caches, kept across calls */
    if (r->cache == NULL) {
      r->cache = (gl_GzCacheEntry *)r->alloc(r->ud, NULL, 0, GL_GZ_CACHE * sizeof(gl_GzCacheEntry));
      r->owner = NULL;
      if (r->cache == NULL) return GL_ENOMEM;
    }
    if (r->memo == NULL) {
      r->memo = (gl_GzStep *)r->alloc(r->ud, NULL, 0, GL_GZ_MEMO * sizeof(gl_GzStep));
      r->owner = NULL;
      if (r->memo == NULL) return GL_ENOMEM;
    }
    if (r->owner != gz) {               /* they held another gazetteer's ids */
      memset(r->cache, 0, GL_GZ_CACHE * sizeof(gl_GzCacheEntry));
      memset(r->memo, 0, GL_GZ_MEMO * sizeof(gl_GzStep));
      r->owner = gz;
    }
    sc.cache = r->cache;
    sc.memo = r->memo;
  }
  for (i = 0; i < (uint32_t)ntok; i++) {
    uint32_t node, j = i, depth = 1, best_last = 0, best = 0, best_node = 0;
    int found = 0, caps = 1;
    const gl_GzTokId *t = token_id(&sc, i);
    int terminal = (t->root & GL_GZ_ROOT_TERMINAL) != 0;
    if ((node = t->root & ~GL_GZ_ROOT_TERMINAL) == 0) continue;
    for (;;) {                          /* walk from token i */
      uint32_t k, skips = 0;
      caps = caps && !(tok[j].flags & GL_F_HAS_LOWER);
      if (terminal)
      for (k = gz->nodes[node].entry; k < gz->nodes[node + 1].entry; k++) {
        uint32_t e = gz->list[k] & ~GL_GZ_L_CAPS;
        if (!entry_ok(gz, q, k, caps)) continue;
        if (q->policy == GL_GZ_ALL) {
          if (add_hit(r, q, i, j, e, node)) return GL_ENOMEM;
        }
        else if (q->policy == GL_GZ_LONGEST) {
          found = 1; best_last = j; best_node = node;
          break;
        }
        else if (!found || e < best) {  /* GL_GZ_FIRST */
          found = 1; best_last = j; best = e; best_node = node;
        }
      }
      /* no phrase spans a paragraph break: a blank line ends every walk */
      if (depth >= max_depth || (tok[j].flags & GL_F_PARA_AFTER)) break;
      do {
        if (++j >= ntok) break;
        t = token_id(&sc, j);
      } while (t->id == GL_GZ_SKIP && ++skips <= GL_GZ_MAX_SKIP);
      if (j >= ntok || t->id >= GL_GZ_SKIP) break;
      if ((node = step(&sc, node, t->id)) == 0) break;
      terminal = 1;                     /* below the root, look at the node */
      depth++;
    }
    if (!found) continue;
    if (q->policy == GL_GZ_LONGEST) {   /* every wanted entry of the span */
      uint32_t k;
      caps = 1;
      for (k = i; k <= best_last; k++) caps = caps && !(tok[k].flags & GL_F_HAS_LOWER);
      for (k = gz->nodes[best_node].entry; k < gz->nodes[best_node + 1].entry; k++)
        if (entry_ok(gz, q, k, caps) &&
            add_hit(r, q, i, best_last, gz->list[k] & ~GL_GZ_L_CAPS, best_node))
          return GL_ENOMEM;
    }
    else if (add_hit(r, q, i, best_last, best, best_node)) return GL_ENOMEM;
    i = best_last;                      /* no overlap: go on after the match */
  }
  return GL_OK;
}
