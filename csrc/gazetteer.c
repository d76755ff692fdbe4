/*
** Gazetteer builder. Phrases are tokenised with the gazetteer's tokenizer,
** their tokens folded to the matching form and interned; the trie grows in
** a hash table of edges (linear in the total phrase length); compiling lays
** it out breadth-first with each node's children sorted by token id.
*/
#include <stdlib.h>
#include <string.h>

#include "gazetteer.h"
#include "match.h"
#include "normalize.h"

int gl_gz_form (int case_mode, int accents) {
  if (case_mode == GL_GZ_CASE_EXACT)
    return accents == GL_GZ_ACCENTS_FOLD ? GL_FORM_ACCENT : GL_FORM_UNIFY;
  return accents == GL_GZ_ACCENTS_FOLD ? GL_FORM_NORM : GL_FORM_CASE;
}

/* A full avalanche of 64 bits (MurmurHash3's finaliser): every input bit
** reaches every output bit, so that two sums' changes cannot cancel. */
static uint64_t mix64 (uint64_t h) {
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 33;
  return h;
}

void gl_gzsum_init (gl_GzSum *s) {
  memset(s, 0, sizeof(*s));
}

static void sum_one (gl_GzSum *s, const unsigned char *p) {
  uint64_t w;
  int lane = (int)(s->words & 3);
  memcpy(&w, p, 8);
  s->a[lane] += w;
  s->b[lane] += s->a[lane];
  s->words++;
}

void gl_gzsum_add (gl_GzSum *s, const unsigned char *p, size_t nwords) {
  /* Fletcher sums over 64-bit words in four interleaved lanes (a word's
  ** lane is its index mod 4), so that the loop runs at memory speed. */
  size_t i = 0, start;
  uint64_t a0, a1, a2, a3, b0, b1, b2, b3;
  for (; i < nwords && (s->words & 3) != 0; i++) sum_one(s, p + 8 * i);
  /* in locals: p is bytes, and could alias the sums for all the compiler knows */
  a0 = s->a[0]; a1 = s->a[1]; a2 = s->a[2]; a3 = s->a[3];
  b0 = s->b[0]; b1 = s->b[1]; b2 = s->b[2]; b3 = s->b[3];
  for (start = i; i + 4 <= nwords; i += 4) {
    uint64_t w[4];
    memcpy(w, p + 8 * i, 32);
    a0 += w[0]; b0 += a0;
    a1 += w[1]; b1 += a1;
    a2 += w[2]; b2 += a2;
    a3 += w[3]; b3 += a3;
  }
  s->a[0] = a0; s->a[1] = a1; s->a[2] = a2; s->a[3] = a3;
  s->b[0] = b0; s->b[1] = b1; s->b[2] = b2; s->b[3] = b3;
  s->words += i - start;
  for (; i < nwords; i++) sum_one(s, p + 8 * i);
}

uint64_t gl_gzsum_end (const gl_GzSum *s) {
  uint64_t h = 8 * s->words;
  int k;
  for (k = 0; k < 4; k++) h = mix64(mix64(h ^ s->a[k]) ^ s->b[k]);
  return h;
}

uint64_t gl_gz_checksum (const unsigned char *p, size_t n) {
  gl_GzSum s;
  gl_gzsum_init(&s);
  gl_gzsum_add(&s, p, n / 8);
  return gl_gzsum_end(&s);
}

uint64_t gl_gz_sign_sum (const unsigned char *buf, uint64_t body) {
  gl_GzHeader h;                        /* the header, its checksum field zeroed */
  memcpy(&h, buf, sizeof(h));
  h.checksum = 0;
  return mix64(gl_gz_checksum((const unsigned char *)&h, sizeof(h)) ^ mix64(body));
}

uint64_t gl_gz_sign (const unsigned char *buf, size_t size) {
  return gl_gz_sign_sum(buf, gl_gz_checksum(buf + sizeof(gl_GzHeader),
                                            size - sizeof(gl_GzHeader)));
}


/* ======================================================================
** Growable arrays and interned strings
** ====================================================================== */

#define GROW(b, arr, cap, need) \
  gl_grow((b)->alloc, (b)->ud, (void **)&(arr), &(cap), need, sizeof(*(arr)))

static void strtab_free (gl_GzBuilder *b, gl_StrTab *t) {
  if (t->slots) b->alloc(b->ud, t->slots, t->nslots * sizeof(uint32_t), 0);
  if (t->offs) b->alloc(b->ud, t->offs, t->capoffs * sizeof(uint32_t), 0);
  if (t->pool) b->alloc(b->ud, t->pool, t->poolcap, 0);
  memset(t, 0, sizeof(*t));
}

static uint32_t *strtab_slot (const gl_StrTab *t, const unsigned char *s,
                              size_t len) {
  size_t mask = t->nslots - 1, i = gl_gz_hash(s, len) & mask;
  for (;;) {
    uint32_t v = t->slots[i];
    if (v == 0) return &t->slots[i];
    if (t->offs[v] - t->offs[v - 1] == len &&
        memcmp(t->pool + t->offs[v - 1], s, len) == 0)
      return &t->slots[i];
    i = (i + 1) & mask;
  }
}

static int strtab_rehash (gl_GzBuilder *b, gl_StrTab *t, size_t nslots) {
  uint32_t *old = t->slots;
  size_t oldn = t->nslots, i;
  uint32_t *slots = (uint32_t *)b->alloc(b->ud, NULL, 0, nslots * sizeof(uint32_t));
  if (slots == NULL) return GL_ENOMEM;
  memset(slots, 0, nslots * sizeof(uint32_t));
  t->slots = slots;
  t->nslots = nslots;
  for (i = 0; i < oldn; i++) {
    uint32_t v = old[i];
    if (v) *strtab_slot(t, t->pool + t->offs[v - 1], t->offs[v] - t->offs[v - 1]) = v;
  }
  if (old) b->alloc(b->ud, old, oldn * sizeof(uint32_t), 0);
  return GL_OK;
}

/* Interns s[0..len) and stores its id in *id. */
static int strtab_intern (gl_GzBuilder *b, gl_StrTab *t, const unsigned char *s,
                          size_t len, uint32_t *id) {
  uint32_t *slot;
  if ((t->n + 1) * 2 > t->nslots &&
      strtab_rehash(b, t, t->nslots ? t->nslots * 2 : 1024) != GL_OK)
    return GL_ENOMEM;
  slot = strtab_slot(t, s, len);
  if (*slot) { *id = *slot - 1; return GL_OK; }
  if (t->poollen + len >= UINT32_MAX || t->n + 2 >= UINT32_MAX) return GL_GZ_ETOOMANY;
  if (GROW(b, t->offs, t->capoffs, t->n + 2) ||
      GROW(b, t->pool, t->poolcap, t->poollen + len + 1))
    return GL_ENOMEM;
  if (t->n == 0) t->offs[0] = 0;
  memcpy(t->pool + t->poollen, s, len);
  t->poollen += len;
  t->offs[t->n + 1] = (uint32_t)t->poollen;
  *id = (uint32_t)t->n++;
  *slot = *id + 1;
  if (len > t->maxlen) t->maxlen = len;
  return GL_OK;
}


/* ======================================================================
** Builder
** ====================================================================== */

#define NO_EDGE   UINT64_MAX

static size_t edge_hash (uint64_t key, size_t mask) {
  key *= 0x9E3779B97F4A7C15ull;
  return (size_t)(key >> 32) & mask;
}

static size_t edge_find (const gl_GzBuilder *b, uint64_t key) {
  size_t mask = b->edge_slots - 1, i = edge_hash(key, mask);
  while (b->edge_keys[i] != NO_EDGE && b->edge_keys[i] != key) i = (i + 1) & mask;
  return i;
}

static int edges_rehash (gl_GzBuilder *b, size_t nslots) {
  uint64_t *oldk = b->edge_keys;
  uint32_t *oldv = b->edge_vals;
  size_t oldn = b->edge_slots, i;
  uint64_t *keys = (uint64_t *)b->alloc(b->ud, NULL, 0, nslots * sizeof(uint64_t));
  uint32_t *vals = keys ? (uint32_t *)b->alloc(b->ud, NULL, 0, nslots * sizeof(uint32_t)) : NULL;
  if (vals == NULL) {
    if (keys) b->alloc(b->ud, keys, nslots * sizeof(uint64_t), 0);
    return GL_ENOMEM;
  }
  for (i = 0; i < nslots; i++) keys[i] = NO_EDGE;
  b->edge_keys = keys;
  b->edge_vals = vals;
  b->edge_slots = nslots;
  for (i = 0; i < oldn; i++) {
    if (oldk[i] != NO_EDGE) {
      size_t j = edge_find(b, oldk[i]);
      keys[j] = oldk[i];
      vals[j] = oldv[i];
    }
  }
  if (oldk) {
    b->alloc(b->ud, oldk, oldn * sizeof(uint64_t), 0);
    b->alloc(b->ud, oldv, oldn * sizeof(uint32_t), 0);
  }
  return GL_OK;
}

static int new_node (gl_GzBuilder *b, uint32_t token, uint32_t *id) {
  if (b->nnodes >= UINT32_MAX - 2) return GL_GZ_ETOOMANY;
  if (GROW(b, b->nodes, b->capnodes, b->nnodes + 1)) return GL_ENOMEM;
  b->nodes[b->nnodes].token = token;
  b->nodes[b->nnodes].head = 0;
  *id = (uint32_t)b->nnodes++;
  return GL_OK;
}

int gl_gzb_init (gl_GzBuilder *b, gl_Alloc alloc, void *ud, int case_mode,
                 int accents, const gl_TokOptions *topts) {
  uint32_t root;
  memset(b, 0, sizeof(*b));
  b->alloc = alloc;
  b->ud = ud;
  b->case_mode = case_mode;
  b->accents = accents;
  b->form = gl_gz_form(case_mode, accents);
  b->topts = *topts;
  b->topts.sentences = 0;         /* phrases need no sentences */
  b->topts.reference = 0;
  gl_abbrev_init(&b->abbrevs, alloc, ud);
  b->topts.abbrevs = &b->abbrevs;
  gl_tokens_init(&b->toks, alloc, ud);
  if (b->topts.abbreviations && gl_abbrev_add_defaults(&b->abbrevs) != GL_OK)
    return GL_ENOMEM;
  return new_node(b, 0, &root);
}

int gl_gzb_add_abbrev (gl_GzBuilder *b, const char *s, size_t len) {
  uint32_t id;
  int st;
  if (gl_abbrev_add(&b->abbrevs, s, len, GL_ABBREV_PLAIN) != GL_OK) return GL_ENOMEM;
  if ((st = strtab_intern(b, &b->strings, (const unsigned char *)s, len, &id)) != GL_OK)
    return st;
  if (GROW(b, b->user_abbrevs, b->capabbrev, b->nabbrev + 1)) return GL_ENOMEM;
  b->user_abbrevs[b->nabbrev++] = id;
  return GL_OK;
}

void gl_gzb_free (gl_GzBuilder *b) {
  if (b->alloc == NULL) return;
  gl_abbrev_free(&b->abbrevs);
  gl_tokens_free(&b->toks);
  strtab_free(b, &b->vocab);
  strtab_free(b, &b->strings);
#define FREE(p, n) if (p) b->alloc(b->ud, p, (n) * sizeof(*(p)), 0)
  FREE(b->user_abbrevs, b->capabbrev);
  FREE(b->fold, b->foldcap);
  FREE(b->path, GL_GZ_MAX_DEPTH);
  FREE(b->edge_keys, b->edge_slots);
  FREE(b->edge_vals, b->edge_slots);
  FREE(b->nodes, b->capnodes);
  FREE(b->entries, b->capentries);
  FREE(b->attrs, b->capattrs);
#undef FREE
  memset(b, 0, sizeof(*b));
}

static int same_entry (const gl_GzBuilder *b, const gl_GzBEntry *e, uint32_t label,
                       uint32_t attr_start, uint32_t nattrs, uint32_t flags) {
  uint32_t k;
  if (e->label != label || e->nattrs != nattrs || e->flags != flags) return 0;
  for (k = 0; k < nattrs; k++) {
    const gl_GzAttr *x = &b->attrs[e->attr_start + k], *y = &b->attrs[attr_start + k];
    if (x->key != y->key || x->type != y->type || x->value != y->value) return 0;
  }
  return 1;
}

int gl_gzb_add (gl_GzBuilder *b, const char *phrase, size_t len,
                const gl_GzAttrIn *attrs, size_t nattrs) {
  const unsigned char *s = (const unsigned char *)phrase;
  size_t i, depth = 0, a;
  unsigned any_upper = 0, any_lower = 0;
  uint32_t node = 0, label = 0, attr_start, flags = 0, e, kept = 0;
  int st;
  if ((st = gl_tokenize(&b->toks, s, len, &b->topts)) != GL_OK) return st;
  for (i = 0; i < b->toks.ntok; i++)
    if (!gl_gz_transparent(&b->toks.tok[i], s)) depth++;
  if (depth == 0) return GL_GZ_EEMPTY;
  if (depth > GL_GZ_MAX_DEPTH) return GL_GZ_ELONG;
  if (b->path == NULL) {
    b->path = (uint32_t *)b->alloc(b->ud, NULL, 0, GL_GZ_MAX_DEPTH * sizeof(uint32_t));
    if (b->path == NULL) return GL_ENOMEM;
  }
  depth = 0;
  for (i = 0; i < b->toks.ntok; i++) {   /* token ids of the phrase */
    const gl_Token *k = &b->toks.tok[i];
    size_t n = k->stop - k->start, flen;
    if (gl_gz_transparent(k, s)) continue;
    any_upper |= k->flags & GL_F_HAS_UPPER;
    any_lower |= k->flags & GL_F_HAS_LOWER;
    if (GROW(b, b->fold, b->foldcap, GL_FOLD_BUFSIZE(n) + 1)) return GL_ENOMEM;
    flen = gl_fold(s + k->start, n, b->fold, b->form);
    if ((st = strtab_intern(b, &b->vocab, b->fold, flen, &b->path[depth++])) != GL_OK)
      return st;
  }
  for (i = 0; i < depth; i++) {          /* walk, growing the trie */
    uint64_t key = (uint64_t)node << 32 | b->path[i];
    size_t slot;
    if ((b->nedges + 1) * 2 > b->edge_slots &&
        edges_rehash(b, b->edge_slots ? b->edge_slots * 2 : 1024) != GL_OK)
      return GL_ENOMEM;
    slot = edge_find(b, key);
    if (b->edge_keys[slot] == NO_EDGE) {
      uint32_t child;
      if ((st = new_node(b, b->path[i], &child)) != GL_OK) return st;
      b->edge_keys[slot] = key;
      b->edge_vals[slot] = child;
      b->nedges++;
    }
    node = b->edge_vals[slot];
  }
  if (b->case_mode == GL_GZ_CASE_SMART && any_upper && !any_lower) flags |= GL_GZ_E_CAPS;
  if (b->nattrs + nattrs >= UINT32_MAX) return GL_GZ_ETOOMANY;
  if (GROW(b, b->attrs, b->capattrs, b->nattrs + nattrs)) return GL_ENOMEM;
  attr_start = (uint32_t)b->nattrs;
  for (a = 0; a < nattrs; a++) {         /* attributes, staged after the end */
    const gl_GzAttrIn *in = &attrs[a];
    gl_GzAttr *out = &b->attrs[attr_start + kept];
    uint32_t id;
    if (in->type == GL_GZ_T_STRING) {
      if ((st = strtab_intern(b, &b->strings, (const unsigned char *)in->str, in->slen,
                              &id)) != GL_OK)
        return st;
      if (in->klen == 5 && memcmp(in->key, "label", 5) == 0) {
        label = id + 1;                  /* kept in the entry, not as an attribute */
        continue;
      }
      out->value = id;
    }
    else if (in->type == GL_GZ_T_INTEGER) memcpy(&out->value, &in->integer, 8);
    else memcpy(&out->value, &in->number, 8);
    if ((st = strtab_intern(b, &b->strings, (const unsigned char *)in->key, in->klen,
                            &out->key)) != GL_OK)
      return st;
    out->type = (uint32_t)in->type;
    kept++;
  }
  for (e = b->nodes[node].head; e; e = b->entries[e - 1].next)
    if (same_entry(b, &b->entries[e - 1], label, attr_start, kept, flags))
      return GL_OK;                      /* the same entry again */
  if (b->nentries + 1 >= UINT32_MAX) return GL_GZ_ETOOMANY;
  if (GROW(b, b->entries, b->capentries, b->nentries + 1)) return GL_ENOMEM;
  b->entries[b->nentries].node = node;
  b->entries[b->nentries].label = label;
  b->entries[b->nentries].attr_start = attr_start;
  b->entries[b->nentries].nattrs = kept;
  b->entries[b->nentries].flags = flags;
  b->entries[b->nentries].next = b->nodes[node].head;
  b->nodes[node].head = (uint32_t)++b->nentries;
  b->nattrs += kept;
  if (depth > b->max_depth) b->max_depth = (uint32_t)depth;
  return GL_OK;
}


/* ======================================================================
** Compiling
** ====================================================================== */

/* Words of the edge filter: 16 bits per edge, a power of two. */
static size_t filter_words (size_t nnodes) {
  size_t n = 1;
  while (n * 4 < nnodes) n *= 2;
  return n;
}

typedef struct Layout {
  gl_GzSection sect[GL_GZ_NSECT];
  size_t size;
} Layout;

static int layout (const gl_GzBuilder *b, Layout *l) {
  uint64_t sizes[GL_GZ_NSECT];
  uint64_t off = sizeof(gl_GzHeader);
  size_t nvocab = b->vocab.n, nstrings = b->strings.n;
  int k;
  sizes[GL_GZ_S_OPTIONS] = sizeof(gl_GzOptions) + 4 * (uint64_t)b->nabbrev;
  sizes[GL_GZ_S_VOCAB_SLOTS] = sizeof(gl_GzSlot) * (uint64_t)b->vocab.nslots;
  sizes[GL_GZ_S_VOCAB_OFFS] = 4 * ((uint64_t)nvocab + 1);
  sizes[GL_GZ_S_VOCAB_POOL] = b->vocab.poollen;
  sizes[GL_GZ_S_NODES] = sizeof(gl_GzNode) * ((uint64_t)b->nnodes + 1);
  sizes[GL_GZ_S_NODE_LABEL] = 4 * (uint64_t)b->nnodes;
  sizes[GL_GZ_S_EDGE_FILTER] = 8 * (uint64_t)filter_words(b->nnodes);
  sizes[GL_GZ_S_ENTRY_LIST] = 4 * (uint64_t)b->nentries;
  sizes[GL_GZ_S_ENTRIES] = sizeof(gl_GzEntry) * ((uint64_t)b->nentries + 1);
  sizes[GL_GZ_S_ATTRS] = sizeof(gl_GzAttr) * (uint64_t)b->nattrs;
  sizes[GL_GZ_S_STR_OFFS] = 4 * ((uint64_t)nstrings + 1);
  sizes[GL_GZ_S_STR_POOL] = b->strings.poollen;
  for (k = 0; k < GL_GZ_NSECT; k++) {
    l->sect[k].offset = off;
    l->sect[k].size = sizes[k];
    off += (sizes[k] + 7) & ~(uint64_t)7;
  }
  if (off > UINT32_MAX || off > (size_t)-1) return GL_GZ_ETOOMANY;
  l->size = (size_t)off;
  return GL_OK;
}

int gl_gzb_size (gl_GzBuilder *b, size_t *size) {
  Layout l;
  int st = layout(b, &l);
  *size = l.size;
  return st;
}

static int cmp_u64 (const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

#define SECT(out, l, k, type)   ((type *)(void *)((out) + (l).sect[k].offset))

/* Breadth-first order: fills order[] (build ids by new id) and child[]. */
static int lay_out_trie (gl_GzBuilder *b, uint32_t *order, uint32_t *child,
                         uint32_t *start) {
  size_t n = b->nnodes, i, head, tail;
  uint64_t *kv = (uint64_t *)b->alloc(b->ud, NULL, 0, (b->nedges + 1) * sizeof(uint64_t));
  if (kv == NULL) return GL_ENOMEM;
  /* group edges by parent (counting sort), each group sorted by token */
  memset(start, 0, (n + 1) * sizeof(uint32_t));
  for (i = 0; i < b->edge_slots; i++)
    if (b->edge_keys[i] != NO_EDGE) start[(b->edge_keys[i] >> 32) + 1]++;
  for (i = 0; i < n; i++) start[i + 1] += start[i];
  for (i = 0; i < b->edge_slots; i++) {
    if (b->edge_keys[i] != NO_EDGE) {
      uint32_t parent = (uint32_t)(b->edge_keys[i] >> 32);
      kv[start[parent]++] = (b->edge_keys[i] << 32) | b->edge_vals[i];
    }
  }
  for (i = n; i > 0; i--) start[i] = start[i - 1];   /* undo the advance */
  start[0] = 0;
  for (i = 0; i < n; i++)
    if (start[i + 1] - start[i] > 1)
      qsort(kv + start[i], start[i + 1] - start[i], sizeof(uint64_t), cmp_u64);
  order[0] = 0;
  for (head = 0, tail = 1; head < tail; head++) {
    uint32_t node = order[head], e;
    child[head] = (uint32_t)tail;
    for (e = start[node]; e < start[node + 1]; e++) order[tail++] = (uint32_t)kv[e];
  }
  child[n] = (uint32_t)n;
  b->alloc(b->ud, kv, (b->nedges + 1) * sizeof(uint64_t), 0);
  return GL_OK;
}

int gl_gzb_write (gl_GzBuilder *b, unsigned char *out, size_t size) {
  Layout l;
  gl_GzHeader *h = (gl_GzHeader *)(void *)out;
  gl_GzOptions *o;
  size_t n = b->nnodes, i, k, bytes = (n + 1) * sizeof(uint32_t);
  uint32_t *order, *newid, *tmp, *child = NULL, *label, *root = NULL, *nentry;
  gl_GzNode *nodes;
  gl_GzSlot *slots;
  uint64_t *filter;
  size_t nfilter = filter_words(n), rootbytes = (b->vocab.n + 1) * sizeof(uint32_t);
  int st = layout(b, &l);
  if (st != GL_OK) return st;
  if (size != l.size) return GL_ETOOBIG;
  memset(out, 0, size);
  order = (uint32_t *)b->alloc(b->ud, NULL, 0, bytes);
  newid = order ? (uint32_t *)b->alloc(b->ud, NULL, 0, bytes) : NULL;
  tmp = newid ? (uint32_t *)b->alloc(b->ud, NULL, 0, bytes) : NULL;
  child = tmp ? (uint32_t *)b->alloc(b->ud, NULL, 0, bytes) : NULL;
  root = child ? (uint32_t *)b->alloc(b->ud, NULL, 0, rootbytes) : NULL;
  if (root == NULL) { st = GL_ENOMEM; goto done; }
  if ((st = lay_out_trie(b, order, child, tmp)) != GL_OK) goto done;
  for (i = 0; i < n; i++) newid[order[i]] = (uint32_t)i;
  label = SECT(out, l, GL_GZ_S_NODE_LABEL, uint32_t);
  for (i = 1; i < n; i++) label[i] = b->nodes[order[i]].token;
  memset(root, 0, rootbytes);            /* token id -> root child */
  for (i = child[0]; i < child[1]; i++) root[label[i]] = (uint32_t)i;
  filter = SECT(out, l, GL_GZ_S_EDGE_FILTER, uint64_t);
  for (i = 1; i < n; i++) {              /* edges below the root */
    for (k = child[i]; k < child[i + 1]; k++) {
      uint64_t eh = gl_gz_edge_hash((uint32_t)i, label[k]);
      filter[GL_GZ_EDGE_WORD(eh) & (nfilter - 1)] |= GL_GZ_EDGE_BITS(eh);
    }
  }

  /* entries, grouped by node in insertion order */
  nentry = tmp;
  memset(nentry, 0, bytes);
  for (i = 0; i < b->nentries; i++) nentry[newid[b->entries[i].node] + 1]++;
  for (i = 0; i < n; i++) nentry[i + 1] += nentry[i];
  nodes = SECT(out, l, GL_GZ_S_NODES, gl_GzNode);
  for (i = 0; i <= n; i++) {
    nodes[i].child = child[i];
    nodes[i].entry = nentry[i];
  }
  for (i = 0; i < b->nentries; i++) {
    const gl_GzBEntry *e = &b->entries[i];
    gl_GzEntry *w = &SECT(out, l, GL_GZ_S_ENTRIES, gl_GzEntry)[i];
    SECT(out, l, GL_GZ_S_ENTRY_LIST, uint32_t)[nentry[newid[e->node]]++] =
      (uint32_t)i | ((e->flags & GL_GZ_E_CAPS) ? GL_GZ_L_CAPS : 0);
    w->label = e->label;
    w->attr_start = e->attr_start;
  }
  SECT(out, l, GL_GZ_S_ENTRIES, gl_GzEntry)[b->nentries].attr_start = (uint32_t)b->nattrs;
  if (b->nattrs)
    memcpy(out + l.sect[GL_GZ_S_ATTRS].offset, b->attrs, b->nattrs * sizeof(gl_GzAttr));

  /* vocabulary, strings and options */
  slots = SECT(out, l, GL_GZ_S_VOCAB_SLOTS, gl_GzSlot);
  for (i = 0; i < b->vocab.nslots; i++) {   /* same positions as while building */
    uint32_t v = b->vocab.slots[i];
    if (v) {
      size_t len = b->vocab.offs[v] - b->vocab.offs[v - 1];
      slots[i].id = v;
      slots[i].root = root[v - 1];
      if (root[v - 1] && nodes[root[v - 1] + 1].entry > nodes[root[v - 1]].entry)
        slots[i].root |= GL_GZ_ROOT_TERMINAL;
      slots[i].len = (uint8_t)(len < 255 ? len : 255);
      memcpy(slots[i].prefix, b->vocab.pool + b->vocab.offs[v - 1],
             len < GL_GZ_PREFIX ? len : GL_GZ_PREFIX);
    }
  }
  if (b->vocab.n)
    memcpy(out + l.sect[GL_GZ_S_VOCAB_OFFS].offset, b->vocab.offs,
           (b->vocab.n + 1) * sizeof(uint32_t));
  if (b->vocab.poollen)
    memcpy(out + l.sect[GL_GZ_S_VOCAB_POOL].offset, b->vocab.pool, b->vocab.poollen);
  if (b->strings.n)
    memcpy(out + l.sect[GL_GZ_S_STR_OFFS].offset, b->strings.offs,
           (b->strings.n + 1) * sizeof(uint32_t));
  if (b->strings.poollen)
    memcpy(out + l.sect[GL_GZ_S_STR_POOL].offset, b->strings.pool, b->strings.poollen);
  o = SECT(out, l, GL_GZ_S_OPTIONS, gl_GzOptions);
  o->case_mode = (uint8_t)b->case_mode;
  o->accents = (uint8_t)b->accents;
  o->clitics = b->topts.clitics;
  o->abbreviations = b->topts.abbreviations;
  o->initials = b->topts.initials;
  o->urls = b->topts.urls;
  o->emails = b->topts.emails;
  o->numbers = b->topts.numbers;
  o->emoji = b->topts.emoji;
  o->punct_runs = b->topts.punct_runs;
  o->hard_wraps = b->topts.hard_wraps;
  o->keep_space = b->topts.keep_space;
  o->nabbrev = (uint32_t)b->nabbrev;
  if (b->nabbrev) memcpy(o + 1, b->user_abbrevs, b->nabbrev * sizeof(uint32_t));

  memcpy(h->magic, GL_GZ_MAGIC, 8);
  h->version = GL_GZ_VERSION;
  h->endian = GL_GZ_ENDIAN;
  h->file_size = size;
  h->nvocab = (uint32_t)b->vocab.n;
  h->nslots = (uint32_t)b->vocab.nslots;
  h->nnodes = (uint32_t)n;
  h->nentries = (uint32_t)b->nentries;
  h->nattrs = (uint32_t)b->nattrs;
  h->nstrings = (uint32_t)b->strings.n;
  h->max_depth = b->max_depth;
  h->max_token_len = (uint32_t)b->vocab.maxlen;
  h->nfilter = (uint32_t)nfilter;
  for (i = 0; i < n; i++) h->nphrases += nodes[i + 1].entry > nodes[i].entry;
  memcpy(h->sect, l.sect, sizeof(l.sect));
  h->checksum = gl_gz_sign(out, size);
done:
  if (order) b->alloc(b->ud, order, bytes, 0);
  if (newid) b->alloc(b->ud, newid, bytes, 0);
  if (tmp) b->alloc(b->ud, tmp, bytes, 0);
  if (child) b->alloc(b->ud, child, bytes, 0);
  if (root) b->alloc(b->ud, root, rootbytes, 0);
  return st;
}
