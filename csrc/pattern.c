/*
** The token-pattern machine (see pattern.h).
**
** gl_pm_find runs the reversed patterns of all rules from the end of the
** text to its start, one position at a time, as a Pike VM: a thread is a
** program counter and the match end it carries. Threads in the same state
** merge, keeping the largest end (they read the same tokens from then on),
** so each position costs at most one visit per instruction. The threads
** arriving at a position are visited by decreasing end, so the first visit
** of an instruction carries its largest end; new threads (a match may end
** here) come last. A thread reaching a rule's MATCH at position p has
** matched tokens p .. end-1: the longest match of that rule starting at p.
** Spans are jumps over several tokens, queued at the position they reach.
**
** Rather than starting every rule at every position, gl_prog_finish works
** out where each rule's reversed pattern can start and indexes those
** starts by the strings their first token must have (text, lower, norm or
** shape form) or, failing that, by predicate: a position then costs one
** hash lookup per form used and one test per distinct predicate, however
** many rules there are. Predicates are remembered for the token being read.
**
** gl_pm_captures runs one rule's forward pattern over one match with
** capture registers (a Pike VM in priority order: greedy repetition,
** left alternatives first), keeping the first thread that ends exactly at
** the match's end.
*/
#include <stdlib.h>
#include <string.h>

#include "pattern.h"
#include "normalize.h"

#define NONE    UINT32_MAX

/* A thread queued at a later position (span jumps). */
typedef struct gl_PPending {
  uint32_t pc, e, next;         /* next: index + 1 in the pool, or 0 */
} gl_PPending;

/* Values of key triples: a start number, or a rule number with this bit. */
#define RULE_BIT    0x80000000u
#define TOK_ARRAYS  8             /* first/last index, pend_head, 4 x key, class */
#define FORM_ARRAYS 18            /* 4 x (off, len, hash, vid), src, tok_ent */
#define TC_WORDS    7             /* a text cache entry: hash, off, len, 4 ids */
#define TC_MAX      (1u << 18)    /* entries kept from one text to the next */
#define TC_MAX_POOL (1u << 23)    /* bytes of text kept */
#define VUNSET      (UINT32_MAX - 1) /* a vocabulary id not looked up yet */
#define CODE_BYTES  32            /* sortbuf (8), cur, e_cur, nxt, e_nxt, visit, member */

#define GROW(r, arr, cap, need) \
  gl_grow((r)->alloc, (r)->ud, (void **)&(arr), &(cap), need, sizeof(*(arr)))

/* ======================================================================
** Programs and their string sets
** ====================================================================== */

void gl_prog_init (gl_Prog *p, gl_Alloc alloc, void *ud) {
  memset(p, 0, sizeof(*p));
  p->alloc = alloc;
  p->ud = ud;
}

void gl_prog_free (gl_Prog *p) {
  if (p->alloc == NULL) return;
#define FREE(a, n) if (a) p->alloc(p->ud, a, (n) * sizeof(*(a)), 0)
  FREE(p->code, p->ncode);
  FREE(p->fstart, p->nrules);
  FREE(p->rstart, p->nrules);
  FREE(p->ncaps, p->nrules);
  FREE(p->preds, p->npreds);
  FREE(p->children, p->nchildren);
  FREE(p->set_slots, 2 * p->nset_slots);
  FREE(p->str_offs, p->str_cap);
  FREE(p->str_pool, p->pool_cap);
  FREE(p->req, p->nrules);
  FREE(p->pred_cls, p->pred_cls ? p->npreds + 1 : 0);
  FREE(p->always, p->nrules + 1);
  FREE(p->rdisp, p->nrdisp);
  FREE(p->starts, p->cap_starts);
  FREE(p->entry_lo, p->entry_lo ? p->nentries + 1 : 0);
  FREE(p->guard_lo, p->nguards + 1);
  FREE(p->guard_rules, p->nguard_rules);
  FREE(p->lreq_lo, p->lreq_lo ? p->nlreq_lists + 1 : 0);
  FREE(p->lreq, p->nlreq);
  FREE(p->entry_rules, p->nrules + 1);
  FREE(p->disp, p->ndisp);
  FREE(p->keys, p->nkeys);
  FREE(p->groups, p->ngroups);
#undef FREE
  memset(p, 0, sizeof(*p));
}

/* A string's hash, the same for every set and form: tokens hash once. */
static uint32_t hash_bytes (const unsigned char *s, size_t n) {
  uint32_t h = 2166136261u;
  size_t i;
  for (i = 0; i < n; i++) { h ^= s[i]; h *= 16777619u; }
  return h ^ (h >> 15);
}

/* The hash of (set or form, string hash). */
static uint32_t hash_in (uint32_t set, uint32_t h) {
  h ^= (set + 1) * 0x9E3779B1u;
  h ^= h >> 16;
  h *= 0x85EBCA6Bu;
  return h ^ (h >> 13);
}

/* The slot of (set, s): holding it, or the empty one where it would go. */
static uint32_t *set_slot (const gl_Prog *p, uint32_t set, const unsigned char *s, size_t n,
                           uint32_t h) {
  size_t mask = p->nset_slots - 1, i = hash_in(set, h) & mask;
  for (;;) {
    uint32_t *slot = &p->set_slots[2 * i];
    if (slot[0] == 0) return slot;
    if (slot[0] == set + 1) {
      uint32_t id = slot[1];
      if (p->str_offs[id + 1] - p->str_offs[id] == n &&
          memcmp(p->str_pool + p->str_offs[id], s, n) == 0)
        return slot;
    }
    i = (i + 1) & mask;
  }
}

/* Is s (of hash h) in set? */
static int set_has (const gl_Prog *p, uint32_t set, const unsigned char *s, size_t n,
                    uint32_t h) {
  return p->nset_slots && set_slot(p, set, s, n, h)[0] != 0;
}

static int rehash_sets (gl_Prog *p, size_t nslots) {
  uint32_t *old = p->set_slots;
  size_t oldn = p->nset_slots, i;
  uint32_t *slots = (uint32_t *)p->alloc(p->ud, NULL, 0, 2 * nslots * sizeof(uint32_t));
  if (slots == NULL) return GL_ENOMEM;
  memset(slots, 0, 2 * nslots * sizeof(uint32_t));
  p->set_slots = slots;
  p->nset_slots = nslots;
  for (i = 0; i < oldn; i++) {
    if (old[2 * i]) {
      uint32_t id = old[2 * i + 1];
      const unsigned char *str = p->str_pool + p->str_offs[id];
      size_t n = p->str_offs[id + 1] - p->str_offs[id];
      uint32_t *slot = set_slot(p, old[2 * i] - 1, str, n, hash_bytes(str, n));
      slot[0] = old[2 * i];
      slot[1] = id;
    }
  }
  if (old) p->alloc(p->ud, old, 2 * oldn * sizeof(uint32_t), 0);
  return GL_OK;
}

int gl_prog_reserve (gl_Prog *p, size_t nstrings) {
  size_t want = 64, n = p->nstrings + nstrings;
  if (nstrings == 0) return GL_OK;      /* a program without sets needs no table */
  if (n > (size_t)UINT32_MAX / 4) return GL_ENOMEM;
  while (want < 2 * n) want *= 2;
  return want > p->nset_slots ? rehash_sets(p, want) : GL_OK;
}

int gl_prog_add_string (gl_Prog *p, uint32_t set, const char *s, size_t len) {
  const unsigned char *us = (const unsigned char *)s;
  uint32_t *slot;
  size_t used = p->nstrings ? p->str_offs[p->nstrings] : 0;
  if (set >= UINT32_MAX - 1) return GL_ENOMEM;
  if ((p->nstrings + 1) * 2 > p->nset_slots &&
      rehash_sets(p, p->nset_slots ? 2 * p->nset_slots : 64) != GL_OK)
    return GL_ENOMEM;
  slot = set_slot(p, set, us, len, hash_bytes(us, len));
  if (slot[0]) return GL_OK;                            /* already in */
  if (used + len >= UINT32_MAX) return GL_ENOMEM;
  /* (growing the string pool leaves the slots, and so 'slot', in place) */
  if (gl_grow(p->alloc, p->ud, (void **)&p->str_offs, &p->str_cap, p->nstrings + 2,
              sizeof(uint32_t)) ||
      gl_grow(p->alloc, p->ud, (void **)&p->str_pool, &p->pool_cap, used + len + 1, 1))
    return GL_ENOMEM;
  p->str_offs[0] = 0;
  memcpy(p->str_pool + used, s, len);
  p->str_offs[p->nstrings + 1] = (uint32_t)(used + len);
  slot[0] = set + 1;
  slot[1] = (uint32_t)p->nstrings++;
  return GL_OK;
}



/* ======================================================================
** Finishing a program: checks, and the start dispatch
** ====================================================================== */

/* Scratch of gl_prog_finish, freed on every path. */
typedef struct Finish {
  gl_Prog *p;
  uint32_t *seen, *start_of, *entry_of, *stack;  /* ncode + 1 each (stack: 2 ncode + 2) */
  uint32_t *pairs;              /* (form, set) pairs of one predicate */
  size_t npairs, cap_pairs;
  uint32_t *tri;                /* (form, string, value) triples */
  size_t ntri, cap_tri;
  uint64_t *byset;              /* set << 32 | string, sorted */
  size_t nbyset;
  uint64_t *loose;              /* pred << 32 | start, for unkeyed starts */
  size_t nloose, cap_loose;
} Finish;

static void finish_free (Finish *f) {
  gl_Prog *p = f->p;
#define FREE(a, n) if (a) p->alloc(p->ud, a, (n) * sizeof(*(a)), 0)
  FREE(f->seen, p->ncode + 1);
  FREE(f->start_of, p->ncode + 1);
  FREE(f->entry_of, p->ncode + 1);
  FREE(f->stack, 2 * p->ncode + 2);
  FREE(f->pairs, f->cap_pairs);
  FREE(f->tri, f->cap_tri);
  FREE(f->byset, f->nbyset + 1);
  FREE(f->loose, f->cap_loose);
#undef FREE
}

static int check_program (const gl_Prog *p, const char **why) {
  size_t i, k;
  unsigned char *depth;
#define BAD(msg) do { *why = msg; return GL_EINVAL; } while (0)
  if (p->ncode >= UINT32_MAX / 4 || p->npreds >= UINT32_MAX || p->nrules >= UINT32_MAX)
    BAD("program too large");
  for (i = 0; i < p->nguards; i++)
    if (p->guard_lo[i] > p->guard_lo[i + 1] || p->guard_lo[i + 1] > p->nguard_rules)
      BAD("guard list out of range");
  for (i = 0; p->nguards && i < p->guard_lo[p->nguards]; i++)
    if (p->guard_rules[i] >= p->nrules) BAD("guard rule out of range");
  if (p->lreq_lo) {
    if (p->nlreq_lists != p->nrules) BAD("label requirements and rules differ in number");
    for (i = 0; i < p->nrules; i++)
      if (p->lreq_lo[i] > p->lreq_lo[i + 1] || p->lreq_lo[i + 1] > p->nlreq)
        BAD("label requirement list out of range");
    for (i = 0; p->nrules && i < p->lreq_lo[p->nrules]; i++)
      if (p->lreq[i] >= p->nlabels) BAD("label requirement out of range");
  }
  for (i = 0; i < p->nrules; i++) {
    if (p->fstart[i] >= p->ncode || p->rstart[i] >= p->ncode) BAD("rule start out of range");
    if (p->req && p->req[i] != NONE && p->req[i] >= p->npreds) BAD("requirement out of range");
    if (i >= RULE_BIT) BAD("too many rules");
    if (p->ncaps[i] > 1024) BAD("too many captures");
  }
  for (i = 0; i < p->ncode; i++) {
    const gl_PInst *c = &p->code[i];
    switch (c->op) {
      case GL_OP_PRED: if (c->x >= p->npreds) BAD("predicate out of range"); break;
      case GL_OP_SPAN: if (c->x >= p->nlabels) BAD("label out of range"); break;
      case GL_OP_SPLIT: if (c->y >= p->ncode) BAD("jump out of range"); /* FALLTHROUGH */
      case GL_OP_JMP: if (c->x >= p->ncode) BAD("jump out of range"); break;
      case GL_OP_SAVE: case GL_OP_SOS: case GL_OP_EOS:
        if (i + 1 >= p->ncode) BAD("instruction without a successor");
        break;
      case GL_OP_MATCH: if (c->x >= p->nrules) BAD("rule out of range"); break;
      case GL_OP_GUARD:
        if (c->x >= p->nguards) BAD("guard out of range");
        if (i + 1 >= p->ncode) BAD("instruction without a successor");
        break;
      default: BAD("unknown instruction");
    }
    if (c->op == GL_OP_PRED && i + 1 >= p->ncode) BAD("instruction without a successor");
    if (c->op == GL_OP_SPAN && i + 1 >= p->ncode) BAD("instruction without a successor");
  }
  depth = (unsigned char *)p->alloc(p->ud, NULL, 0, p->npreds + 1);
  if (depth == NULL) return GL_ENOMEM;
  for (i = 0; i < p->npreds; i++) {
    const gl_PPred *pr = &p->preds[i];
    unsigned d = 1;
    const char *bad = NULL;
    switch (pr->type) {
      case GL_PR_ANY: case GL_PR_TEXT: case GL_PR_LOWER: case GL_PR_NORM:
      case GL_PR_SHAPE: case GL_PR_KIND: case GL_PR_FLAGS: break;
      case GL_PR_LABEL: if (pr->a >= p->nlabels) bad = "label out of range"; break;
      case GL_PR_EXTERN: if (pr->a >= p->nexterns) bad = "callback out of range"; break;
      case GL_PR_NOT:
        if (pr->a >= i) bad = "operand out of order";
        else d = depth[pr->a] + 1u;
        break;
      case GL_PR_AND: case GL_PR_OR:
        if (pr->b == 0 || pr->a > p->nchildren || pr->b > p->nchildren - pr->a) {
          bad = "operands out of range";
          break;
        }
        for (k = 0; k < pr->b && bad == NULL; k++) {
          uint32_t c = p->children[pr->a + k];
          if (c >= i) bad = "operand out of order";
          else if (depth[c] + 1u > d) d = depth[c] + 1u;
        }
        break;
      default: bad = "unknown predicate";
    }
    if (bad == NULL && d > GL_PRED_MAX_DEPTH) bad = "predicates nested too deeply";
    if (bad != NULL) {
      p->alloc(p->ud, depth, p->npreds + 1, 0);
      BAD(bad);
    }
    depth[i] = (unsigned char)d;
  }
  p->alloc(p->ud, depth, p->npreds + 1, 0);
  return GL_OK;
#undef BAD
}

/* Collects the (form, set) pairs one of which a token's forms must be in
** for predicate id to hold: 1, 0 when no such pairs describe it, -1 when
** out of memory. */
static int pred_keys (Finish *f, uint32_t id) {
  const gl_Prog *p = f->p;
  const gl_PPred *pr = &p->preds[id];
  size_t mark = f->npairs, i;
  switch (pr->type) {
    case GL_PR_TEXT: case GL_PR_LOWER: case GL_PR_NORM: case GL_PR_SHAPE:
      if (gl_grow(p->alloc, p->ud, (void **)&f->pairs, &f->cap_pairs, f->npairs + 2, 4))
        return -1;
      f->pairs[f->npairs++] = pr->type - GL_PR_TEXT;
      f->pairs[f->npairs++] = pr->a;
      return 1;
    case GL_PR_OR:                      /* every operand must be keyed */
      for (i = 0; i < pr->b; i++) {
        int k = pred_keys(f, p->children[pr->a + i]);
        if (k <= 0) { f->npairs = mark; return k; }
      }
      return 1;
    case GL_PR_AND:                     /* one keyed operand is enough */
      for (i = 0; i < pr->b; i++) {
        int k = pred_keys(f, p->children[pr->a + i]);
        if (k != 0) return k;
        f->npairs = mark;
      }
      return 0;
    default: return 0;
  }
}

static int cmp_u64 (const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* Sorts a[0 .. n-1] increasingly: a radix sort by bytes, skipping the
** bytes all keys share, with a scratch array from p's allocator; qsort
** when there is no memory for it. (A program's set strings are a few
** hundred thousand keys with three or four varying bytes: qsort was most
** of a big program's compile.) */
static void sort_u64 (const gl_Prog *p, uint64_t *a, size_t n) {
  uint64_t *tmp, *src = a, *dst, diff = 0;
  size_t count[256], i;
  int shift;
  if (n < 64) { qsort(a, n, 8, cmp_u64); return; }
  tmp = (uint64_t *)p->alloc(p->ud, NULL, 0, n * 8);
  if (tmp == NULL) { qsort(a, n, 8, cmp_u64); return; }
  dst = tmp;
  for (i = 1; i < n; i++) diff |= a[i] ^ a[0];
  for (shift = 0; shift < 64; shift += 8) {
    size_t sum = 0;
    if (((diff >> shift) & 0xFF) == 0) continue;
    memset(count, 0, sizeof(count));
    for (i = 0; i < n; i++) count[(src[i] >> shift) & 0xFF]++;
    for (i = 0; i < 256; i++) { size_t c = count[i]; count[i] = sum; sum += c; }
    for (i = 0; i < n; i++) dst[count[(src[i] >> shift) & 0xFF]++] = src[i];
    { uint64_t *t = src; src = dst; dst = t; }
  }
  if (src != a) memcpy(a, src, n * 8);
  p->alloc(p->ud, tmp, n * 8, 0);
}

static const unsigned char *str_of (const gl_Prog *p, uint32_t id, size_t *len) {
  *len = p->str_offs[id + 1] - p->str_offs[id];
  return p->str_pool + p->str_offs[id];
}

/* The slot of (form, s) in a key table: holding it, or the empty one
** where it goes. */
static gl_PKey *key_slot (const gl_Prog *p, gl_PKey *keys, size_t nkeys, uint32_t form,
                          const unsigned char *s, size_t n, uint32_t h) {
  size_t mask = nkeys - 1, i = hash_in(form, h) & mask;
  for (;;) {
    gl_PKey *k = &keys[i];
    if (k->used == 0) return k;
    if (k->hash == h && k->form == form) {
      size_t kn;
      const unsigned char *ks = str_of(p, k->str, &kn);
      if (kn == n && memcmp(ks, s, n) == 0) return k;
    }
    i = (i + 1) & mask;
  }
}

/* Adds a triple (form, string, value) for each string of each pair
** collected by pred_keys. */
static int add_triples (Finish *f, uint32_t value) {
  const gl_Prog *p = f->p;
  size_t j;
  for (j = 0; j < f->npairs; j += 2) {
    uint32_t form = f->pairs[j], set = f->pairs[j + 1];
    size_t a = 0, b = f->nbyset;
    uint64_t want = (uint64_t)set << 32;
    while (a < b) {                     /* the set's first string */
      size_t mid = a + (b - a) / 2;
      if (f->byset[mid] < want) a = mid + 1; else b = mid;
    }
    for (; a < f->nbyset && (f->byset[a] >> 32) == set; a++) {
      if (gl_grow(p->alloc, p->ud, (void **)&f->tri, &f->cap_tri, f->ntri + 3, 4))
        return GL_ENOMEM;
      f->tri[f->ntri++] = form;
      f->tri[f->ntri++] = (uint32_t)f->byset[a];
      f->tri[f->ntri++] = value;
    }
  }
  return GL_OK;
}

/* Makes the key table from the triples: each key lists its starts in
** p->disp and its rules in p->rdisp. */
static int make_keys (Finish *f) {
  gl_Prog *p = f->p;
  size_t i, lo = 0, rlo = 0, want = 16;
  gl_PKey *keys;
  while (want < 2 * (f->ntri / 3) + 2) want *= 2;
  keys = (gl_PKey *)p->alloc(p->ud, NULL, 0, want * sizeof(gl_PKey));
  if (keys == NULL) return GL_ENOMEM;
  p->keys = keys;
  p->nkeys = want;
  memset(keys, 0, want * sizeof(gl_PKey));
  for (i = 0; i < f->ntri; i += 3) {    /* count */
    size_t n;
    const unsigned char *s = str_of(p, f->tri[i + 1], &n);
    uint32_t h = hash_bytes(s, n);
    gl_PKey *k = key_slot(p, keys, want, f->tri[i], s, n, h);
    if (k->used == 0) { k->hash = h; k->form = f->tri[i]; k->str = f->tri[i + 1]; k->used = 1; }
    if (f->tri[i + 2] & RULE_BIT) k->rn++; else k->n++;
    p->key_forms |= 1u << f->tri[i];
  }
  for (i = 0; i < want; i++) {          /* lo, rlo: the ends of the lists, for now */
    if (keys[i].used == 0) continue;
    lo += keys[i].n;
    keys[i].lo = (uint32_t)lo;
    rlo += keys[i].rn;
    keys[i].rlo = (uint32_t)rlo;
  }
  for (i = 0; i < f->ntri; i += 3) {    /* fill from the ends: lo ends at the start */
    size_t n;
    const unsigned char *s = str_of(p, f->tri[i + 1], &n);
    gl_PKey *k = key_slot(p, keys, want, f->tri[i], s, n, hash_bytes(s, n));
    uint32_t v = f->tri[i + 2];
    if (v & RULE_BIT) p->rdisp[--k->rlo] = v & ~RULE_BIT;
    else p->disp[--k->lo] = v;
  }
  return GL_OK;
}

/* Finds the entries (distinct reversed starts: rules whose reversed
** patterns begin alike share one, see glean.pattern) and the consuming
** instructions where each entry can start, under each of the four sentence
** conditions. A start reached from two entries (not made by glean's
** compiler) belongs to no entry: it is never switched off. */
static int find_starts (Finish *f) {
  gl_Prog *p = f->p;
  uint32_t stamp = 0, c, e;
  size_t rule, i;
  for (rule = 0; rule < p->nrules; rule++) {
    uint32_t pc = p->rstart[rule];
    if (f->entry_of[pc] == NONE) f->entry_of[pc] = (uint32_t)p->nentries++;
  }
  p->entry_lo = (uint32_t *)p->alloc(p->ud, NULL, 0, (p->nentries + 1) * 4);
  p->entry_rules = (uint32_t *)p->alloc(p->ud, NULL, 0, (p->nrules + 1) * 4);
  if (p->entry_lo == NULL || p->entry_rules == NULL) return GL_ENOMEM;
  for (i = 0; i <= p->nentries; i++) p->entry_lo[i] = 0;
  for (rule = 0; rule < p->nrules; rule++) p->entry_lo[f->entry_of[p->rstart[rule]] + 1]++;
  for (i = 0; i < p->nentries; i++) p->entry_lo[i + 1] += p->entry_lo[i];
  for (i = 0; i < p->nentries; i++) f->seen[i] = 0;  /* fill counts, for now */
  for (rule = 0; rule < p->nrules; rule++) {
    e = f->entry_of[p->rstart[rule]];
    p->entry_rules[p->entry_lo[e] + f->seen[e]++] = (uint32_t)rule;
  }
  for (i = 0; i <= p->ncode; i++) f->seen[i] = 0;
  for (rule = 0; rule < p->nrules; rule++) {
    uint32_t start = p->rstart[rule];
    e = f->entry_of[start];
    if (p->entry_rules[p->entry_lo[e]] != rule) continue;   /* entry done */
    for (c = 0; c < 4; c++) {
      uint32_t sp = 0;
      stamp++;
      f->stack[sp++] = start;
      while (sp > 0) {
        uint32_t pc = f->stack[--sp];
        const gl_PInst *ins = &p->code[pc];
        gl_PStart *st;
        if (f->seen[pc] == stamp) continue;
        f->seen[pc] = stamp;
        switch (ins->op) {
          case GL_OP_SPLIT: f->stack[sp++] = ins->y; f->stack[sp++] = ins->x; break;
          case GL_OP_JMP: f->stack[sp++] = ins->x; break;
          case GL_OP_SAVE: case GL_OP_GUARD: f->stack[sp++] = pc + 1; break;
          case GL_OP_SOS: if (c & 1) f->stack[sp++] = pc + 1; break;
          case GL_OP_EOS: if (c & 2) f->stack[sp++] = pc + 1; break;
          case GL_OP_MATCH: break;      /* an empty match: never reported */
          default:
            if (f->start_of[pc] == NONE) {
              if (gl_grow(p->alloc, p->ud, (void **)&p->starts, &p->cap_starts,
                          p->nstarts + 1, sizeof(gl_PStart)))
                return GL_ENOMEM;
              f->start_of[pc] = (uint32_t)p->nstarts;
              st = &p->starts[p->nstarts++];
              st->pc = pc;
              st->mask = 0;
              st->entry = e;
              st->exact = 0;
            }
            st = &p->starts[f->start_of[pc]];
            if (st->entry != e) st->entry = NONE;
            st->mask |= 1u << c;
        }
      }
    }
  }
  return GL_OK;
}

/* Sorts the starts into keys (by their first token's forms), groups (by
** predicate) and the SPAN starts, all listed in p->disp; and indexes the
** rules' required tokens. */
static int build_dispatch (Finish *f) {
  gl_Prog *p = f->p;
  size_t i, j, nkeyed, nspan = 0, lo;
  /* strings by set */
  for (i = 0; i < p->nset_slots; i++) f->nbyset += p->set_slots[2 * i] != 0;
  f->byset = (uint64_t *)p->alloc(p->ud, NULL, 0, (f->nbyset + 1) * 8);
  if (f->byset == NULL) return GL_ENOMEM;
  for (i = 0, j = 0; i < p->nset_slots; i++)
    if (p->set_slots[2 * i])
      f->byset[j++] = (uint64_t)(p->set_slots[2 * i] - 1) << 32 | p->set_slots[2 * i + 1];
  if (f->nbyset) sort_u64(p, f->byset, f->nbyset);
  /* each start: keyed, in a group, or a SPAN start */
  for (i = 0; i < p->nstarts; i++) {
    const gl_PInst *ins = &p->code[p->starts[i].pc];
    int k;
    if (ins->op == GL_OP_SPAN) { nspan++; continue; }
    f->npairs = 0;
    k = pred_keys(f, ins->x);
    if (k < 0) return GL_ENOMEM;
    if (k == 0) {
      if (gl_grow(p->alloc, p->ud, (void **)&f->loose, &f->cap_loose, f->nloose + 1, 8))
        return GL_ENOMEM;
      f->loose[f->nloose++] = (uint64_t)ins->x << 32 | i;
      continue;
    }
    /* a plain set: finding the key is evaluating the predicate */
    p->starts[i].exact = p->preds[ins->x].type >= GL_PR_TEXT &&
                         p->preds[ins->x].type <= GL_PR_SHAPE;
    if (add_triples(f, (uint32_t)i) != GL_OK) return GL_ENOMEM;
  }
  nkeyed = f->ntri / 3;
  p->ndisp = nkeyed + f->nloose + nspan + 1;    /* the allocated size */
  p->disp = (uint32_t *)p->alloc(p->ud, NULL, 0, p->ndisp * 4);
  if (p->disp == NULL) { p->ndisp = 0; return GL_ENOMEM; }
  lo = nkeyed;
  /* groups of unkeyed starts by predicate */
  if (f->nloose) qsort(f->loose, f->nloose, 8, cmp_u64);
  for (i = 0; i < f->nloose; i++)
    p->ngroups += (i == 0 || (f->loose[i] >> 32) != (f->loose[i - 1] >> 32));
  if (p->ngroups) {
    p->groups = (gl_PGroup *)p->alloc(p->ud, NULL, 0, p->ngroups * sizeof(gl_PGroup));
    if (p->groups == NULL) { p->ngroups = 0; return GL_ENOMEM; }
  }
  for (i = 0, j = 0; i < f->nloose; i++) {
    uint32_t pred = (uint32_t)(f->loose[i] >> 32);
    if (i == 0 || pred != (uint32_t)(f->loose[i - 1] >> 32)) {
      p->groups[j].pred = pred;
      p->groups[j].lo = (uint32_t)lo;
      p->groups[j].n = 0;
      j++;
    }
    p->disp[lo++] = (uint32_t)f->loose[i];
    p->groups[j - 1].n++;
  }
  p->span_lo = (uint32_t)lo;
  p->span_n = (uint32_t)nspan;
  for (i = 0; i < p->nstarts; i++)
    if (p->code[p->starts[i].pc].op == GL_OP_SPAN) p->disp[lo++] = (uint32_t)i;
  /* required tokens: rules whose requirement no key describes are always on */
  for (i = 0; i < p->nrules; i++) {
    int k = 0;
    f->npairs = 0;
    if (p->req && p->req[i] != NONE) k = pred_keys(f, p->req[i]);
    if (k < 0) return GL_ENOMEM;
    if (k == 0) { p->always[i] = 1; continue; }
    if (i >= RULE_BIT || add_triples(f, (uint32_t)i | RULE_BIT) != GL_OK) return GL_ENOMEM;
  }
  p->nrdisp = f->ntri / 3 - nkeyed + 1;
  p->rdisp = (uint32_t *)p->alloc(p->ud, NULL, 0, p->nrdisp * 4);
  if (p->rdisp == NULL) { p->nrdisp = 0; return GL_ENOMEM; }
  return make_keys(f);
}

/* A token's class: its kind (word, number, punct, other) and whether it
** is title case, all capitals, lower case; 32 classes. Predicates know
** which classes they can hold on, so that most tokens are turned away by
** one test (a lower-case word is no "T.title - T.lower{...}"). */
#define CLS_ALL   0xFFFFFFFFu

static unsigned kind_group (unsigned kind) {
  return kind == GL_KIND_WORD ? 0 : kind == GL_KIND_NUMBER ? 1 : kind == GL_KIND_PUNCT ? 2 : 3;
}

static unsigned token_class (const gl_Token *k) {
  return kind_group(k->kind) * 8 + ((k->flags & GL_F_TITLE) ? 4u : 0u) +
         ((k->flags & GL_F_UPPER) ? 2u : 0u) + ((k->flags & GL_F_LOWER) ? 1u : 0u);
}

static void pred_classes (gl_Prog *p) {
  size_t i, k;
  unsigned c;
  for (i = 0; i < p->npreds; i++) {
    const gl_PPred *pr = &p->preds[i];
    uint32_t m = CLS_ALL;
    switch (pr->type) {
      case GL_PR_KIND:
        m = 0;
        for (k = 0; k < 32; k++)
          if ((pr->a >> k) & 1) m |= 0xFFu << (8 * kind_group((unsigned)k));
        break;
      case GL_PR_FLAGS: {
        unsigned want = pr->a & (GL_F_TITLE | GL_F_UPPER | GL_F_LOWER);
        m = 0;
        for (c = 0; c < 32; c++) {
          unsigned f = ((c & 4) ? GL_F_TITLE : 0) | ((c & 2) ? GL_F_UPPER : 0) |
                       ((c & 1) ? GL_F_LOWER : 0);
          if ((f & want) == (pr->b & want)) m |= 1u << c;
        }
        break;
      }
      case GL_PR_AND:
        for (k = 0; k < pr->b; k++) m &= p->pred_cls[p->children[pr->a + k]];
        break;
      case GL_PR_OR:
        m = 0;
        for (k = 0; k < pr->b; k++) m |= p->pred_cls[p->children[pr->a + k]];
        break;
      default: break;                   /* anything: ANY, sets, NOT, ... */
    }
    p->pred_cls[i] = m;
  }
}

int gl_prog_finish (gl_Prog *p, const char **why) {
  Finish f;
  size_t m = p->ncode, i;
  int st;
  *why = NULL;
  if (p->finished) return GL_OK;
  st = check_program(p, why);
  if (st != GL_OK) return st;
  memset(&f, 0, sizeof(f));
  f.p = p;
  f.seen = (uint32_t *)p->alloc(p->ud, NULL, 0, (m + 1) * 4);
  f.start_of = (uint32_t *)p->alloc(p->ud, NULL, 0, (m + 1) * 4);
  f.entry_of = (uint32_t *)p->alloc(p->ud, NULL, 0, (m + 1) * 4);
  f.stack = (uint32_t *)p->alloc(p->ud, NULL, 0, (2 * m + 2) * 4);
  p->always = (unsigned char *)p->alloc(p->ud, NULL, 0, p->nrules + 1);
  p->pred_cls = (uint32_t *)p->alloc(p->ud, NULL, 0, (p->npreds + 1) * 4);
  if (f.seen == NULL || f.start_of == NULL || f.entry_of == NULL || f.stack == NULL ||
      p->always == NULL || p->pred_cls == NULL)
    st = GL_ENOMEM;
  if (st == GL_OK) {
    for (i = 0; i <= m; i++) { f.seen[i] = 0; f.start_of[i] = f.entry_of[i] = NONE; }
    memset(p->always, 0, p->nrules + 1);
    pred_classes(p);
    st = find_starts(&f);
  }
  if (st == GL_OK) st = build_dispatch(&f);
  finish_free(&f);
  if (st == GL_OK) p->finished = 1;
  return st;
}


/* ======================================================================
** Runs: sizes, spans, token forms, predicates
** ====================================================================== */

void gl_pm_free (gl_PRun *r) {
  if (r->alloc == NULL) return;
#define FREE(a, n) if (a) r->alloc(r->ud, a, (n) * sizeof(*(a)), 0)
  FREE(r->by_first, r->cap_first);
  FREE(r->by_last, r->cap_last);
  FREE(r->tokblock, TOK_ARRAYS * (r->cap_tok + 2));
  gl_forms_free(&r->own_forms);
  FREE(r->codeblock, CODE_BYTES * r->cap_code);
  FREE(r->predblock, 5 * r->cap_preds);
  FREE(r->cover, r->cap_cover);
  FREE(r->ext_memo, r->cap_memo);
  FREE(r->stack, r->cap_stack);
  FREE(r->pend, r->cap_pend);
  FREE(r->found, r->cap_found);
  FREE(r->last_end, r->cap_rules);
  FREE(r->active, r->cap_active);
  FREE(r->entry_active, r->cap_entry_active);
  FREE(r->guard_active, r->cap_guard_active);
  FREE(r->group_active, r->cap_group_active);
  FREE(r->label_on, r->cap_label_on);
  FREE(r->caps, r->cap_caps);
#undef FREE
  memset(r, 0, sizeof(*r));
}

/* Replaces a block whose contents need not be kept; GL_OK or GL_ENOMEM
** (the old block is then freed and *cap is 0). */
static int renew (gl_PRun *r, void **block, size_t *cap, size_t unit, size_t n) {
  if (*block) r->alloc(r->ud, *block, *cap * unit, 0);
  *cap = 0;
  if (n > ((size_t)-1) / unit) { *block = NULL; return GL_ENOMEM; }
  *block = r->alloc(r->ud, NULL, 0, n * unit);
  if (*block == NULL) return GL_ENOMEM;
  *cap = n;
  return GL_OK;
}

/* Makes room for ntok tokens and the program's size. */
static int pm_size (gl_PRun *r, size_t ntok) {
  const gl_Prog *p = r->prog;
  if (r->tokblock == NULL || ntok > r->cap_tok) {
    size_t n, cap = r->tokblock ? r->cap_tok + 2 : 0;
    int f;
    if (renew(r, (void **)&r->tokblock, &cap, TOK_ARRAYS * 4, ntok + 2)) return GL_ENOMEM;
    r->cap_tok = ntok;
    n = ntok + 2;
    r->first_index = r->tokblock;
    r->last_index = r->tokblock + n;
    r->pend_head = r->tokblock + 2 * n;
    for (f = 0; f < 4; f++) r->tok_key[f] = r->tokblock + (3 + f) * n;
    r->tok_cls = r->tokblock + 7 * n;
  }
  if (r->codeblock == NULL || p->ncode > r->cap_code) {
    size_t m = p->ncode ? p->ncode : 1;
    if (renew(r, (void **)&r->codeblock, &r->cap_code, CODE_BYTES, m)) return GL_ENOMEM;
    r->sortbuf = (uint64_t *)(void *)r->codeblock;
    r->cur = (uint32_t *)(void *)(r->codeblock + 8 * m);
    r->e_cur = r->cur + m;
    r->nxt = r->cur + 2 * m;
    r->e_nxt = r->cur + 3 * m;
    r->visit = r->cur + 4 * m;
    r->member = r->cur + 5 * m;
    memset(r->visit, 0, 2 * m * 4);
    r->gen = 0;
  }
  if (r->predblock == NULL || p->npreds > r->cap_preds) {
    size_t m = p->npreds ? p->npreds : 1;
    if (renew(r, (void **)&r->predblock, &r->cap_preds, 5, m)) return GL_ENOMEM;
    r->memo_at = (uint32_t *)(void *)r->predblock;
    r->memo_val = r->predblock + 4 * m;
  }
  if (GROW(r, r->stack, r->cap_stack, 2 * p->ncode + 2) ||
      GROW(r, r->last_end, r->cap_rules, p->nrules + 1) ||
      GROW(r, r->active, r->cap_active, p->nrules + 1) ||
      GROW(r, r->entry_active, r->cap_entry_active, p->nentries + 1) ||
      GROW(r, r->guard_active, r->cap_guard_active, p->nguards + 1) ||
      GROW(r, r->group_active, r->cap_group_active, p->ngroups + 1) ||
      GROW(r, r->label_on, r->cap_label_on, p->nlabels + 1))
    return GL_ENOMEM;
  return GL_OK;
}

/* Empties the text cache (its memory stays for the next entries). */
static void tc_clear (gl_PForms *f) {
  size_t t;
  if (f->tc_slots) memset(f->tc_slots, 0, f->tc_nslots * 4);
  f->tc_n = f->tc_poollen = 0;
  for (t = 0; f->block && t < f->ntok; t++) f->tok_ent[t] = 0;
}

int gl_forms_init (gl_PForms *f, const gl_Token *tok, size_t ntok,
                   const unsigned char *text, gl_Alloc alloc, void *ud) {
  size_t t, n = ntok + 2;
  int k;
  f->alloc = alloc;
  f->ud = ud;
  f->tok = tok;
  f->text = text;
  f->ntok = ntok;
  f->poollen = 0;
  if (f->block == NULL || ntok > f->cap) {
    if (f->block) alloc(ud, f->block, FORM_ARRAYS * (f->cap + 2) * 4, 0);
    f->cap = 0;
    if (n > ((size_t)-1) / (FORM_ARRAYS * 4) ||
        (f->block = (uint32_t *)alloc(ud, NULL, 0, FORM_ARRAYS * n * 4)) == NULL)
      return GL_ENOMEM;
    f->cap = ntok;
  }
  n = f->cap + 2;
  for (k = 0; k < 4; k++) {
    f->off[k] = f->block + (3 * k) * n;
    f->len[k] = f->block + (3 * k + 1) * n;
    f->hash[k] = f->block + (3 * k + 2) * n;
    f->vid[k] = f->block + (13 + k) * n;
    for (t = 0; t < ntok; t++) { f->len[k][t] = NONE; f->vid[k][t] = VUNSET; }
  }
  f->src = f->block + 12 * n;
  for (t = 0; t < ntok; t++) f->src[t] = 0;
  f->tok_ent = f->block + 17 * n;
  for (t = 0; t < ntok; t++) f->tok_ent[t] = 0;
  if (f->tc_n >= TC_MAX || f->tc_poollen >= TC_MAX_POOL) tc_clear(f);
  return GL_OK;
}

void gl_forms_free (gl_PForms *f) {
  gl_PVocab *v = &f->voc;
  if (f->alloc == NULL) return;
#define FREE(a, n) if (a) f->alloc(f->ud, a, (n) * sizeof(*(a)), 0)
  FREE(f->block, FORM_ARRAYS * (f->cap + 2));
  FREE(f->pool, f->cap_pool);
  FREE(v->slots, v->nslots);
  FREE(v->offs, v->cap_offs);
  FREE(v->hash, v->cap_hash);
  FREE(v->pool, v->cap_pool);
  FREE(v->use_lo, v->cap_use_lo);
  FREE(v->uses, v->uses ? 3 * v->nuses + 1 : 0);
  FREE(v->progs, v->cap_progs);
  FREE(f->tc_slots, f->tc_nslots);
  FREE(f->tc_ent, f->tc_cap);
  FREE(f->tc_pool, f->tc_cap_pool);
#undef FREE
  memset(f, 0, sizeof(*f));
}

/* ======================================================================
** The vocabulary of a forms store
** ====================================================================== */

/* The id of string s (of hash h) in the vocabulary, or NONE. */
static uint32_t voc_find (const gl_PVocab *v, const unsigned char *s, size_t n, uint32_t h) {
  size_t mask, i;
  if (v->nslots == 0) return NONE;
  mask = v->nslots - 1;
  for (i = h & mask; ; i = (i + 1) & mask) {
    uint32_t id = v->slots[i];
    if (id == 0) return NONE;
    id--;
    if (v->hash[id] == h && v->offs[id + 1] - v->offs[id] == n &&
        memcmp(v->pool + v->offs[id], s, n) == 0)
      return id;
  }
}

static void voc_place (gl_PVocab *v, uint32_t id) {
  size_t mask = v->nslots - 1, i;
  for (i = v->hash[id] & mask; v->slots[i] != 0; i = (i + 1) & mask) {}
  v->slots[i] = id + 1;
}

/* Makes room in the slots for n strings; GL_OK or GL_ENOMEM. */
static int voc_reserve (gl_PForms *fm, size_t n) {
  gl_PVocab *v = &fm->voc;
  size_t ns = v->nslots ? v->nslots : 64, i;
  uint32_t *slots;
  while (ns < 2 * n) ns *= 2;
  if (ns == v->nslots) return GL_OK;
  if (ns > ((size_t)-1) / 4 || (slots = (uint32_t *)fm->alloc(fm->ud, NULL, 0, ns * 4)) == NULL)
    return GL_ENOMEM;
  memset(slots, 0, ns * 4);
  if (v->slots) fm->alloc(fm->ud, v->slots, v->nslots * 4, 0);
  v->slots = slots;
  v->nslots = ns;
  for (i = 0; i < v->nstr; i++) voc_place(v, (uint32_t)i);
  return GL_OK;
}

/* The id of string s, added if new; NONE when out of memory. */
static uint32_t voc_intern (gl_PForms *fm, const unsigned char *s, size_t n) {
  gl_PVocab *v = &fm->voc;
  uint32_t h = hash_bytes(s, n), id = voc_find(v, s, n, h);
  size_t used = v->nstr ? v->offs[v->nstr] : 0;
  if (id != NONE) return id;
  if (v->nstr + 2 >= UINT32_MAX / 2 || used + n >= UINT32_MAX) return NONE;
  if ((v->nstr + 1) * 2 > v->nslots && voc_reserve(fm, v->nstr + 1) != GL_OK) return NONE;
  if (gl_grow(fm->alloc, fm->ud, (void **)&v->offs, &v->cap_offs, v->nstr + 2, 4) ||
      gl_grow(fm->alloc, fm->ud, (void **)&v->hash, &v->cap_hash, v->nstr + 1, 4) ||
      gl_grow(fm->alloc, fm->ud, (void **)&v->pool, &v->cap_pool, used + n + 1, 1))
    return NONE;
  v->offs[0] = 0;
  if (n) memcpy(v->pool + used, s, n);
  v->offs[v->nstr + 1] = (uint32_t)(used + n);
  v->hash[v->nstr] = h;
  id = (uint32_t)v->nstr++;
  voc_place(v, id);
  return id;
}

long gl_forms_prog_index (const gl_PForms *f, const gl_Prog *p) {
  size_t i;
  for (i = 0; i < f->voc.nprogs; i++) if (f->voc.progs[i] == p) return (long)i;
  return -1;
}

/* Scratch of gl_forms_add_prog, freed on every path. */
typedef struct Reg {
  uint32_t *sid;                /* program string id -> vocabulary id */
  size_t nsid;
  uint32_t *neu;                /* new uses: (string, what, value) triples */
  size_t nneu, cap_neu;
  uint32_t *lo, *uses;          /* the new index */
  size_t nlo, nuses;
} Reg;

static int reg_use (gl_PForms *fm, Reg *g, uint32_t id, uint32_t what, uint32_t value) {
  if (gl_grow(fm->alloc, fm->ud, (void **)&g->neu, &g->cap_neu, g->nneu + 3, 4)) return GL_ENOMEM;
  g->neu[g->nneu++] = id;
  g->neu[g->nneu++] = what;
  g->neu[g->nneu++] = value;
  return GL_OK;
}

int gl_forms_add_prog (gl_PForms *fm, const gl_Prog *p) {
  gl_PVocab *v = &fm->voc;
  Reg g;
  size_t i, k, idx = v->nprogs, nold = v->nuses;
  int st = GL_ENOMEM, f;
  if (!p->finished) return GL_EINVAL;
  if (gl_forms_prog_index(fm, p) >= 0) return GL_OK;
  if (fm->alloc == NULL || idx >= UINT32_MAX - 1) return GL_ENOMEM;
  memset(&g, 0, sizeof(g));
  if (gl_grow(fm->alloc, fm->ud, (void **)&v->progs, &v->cap_progs, idx + 1, sizeof(*v->progs)))
    return GL_ENOMEM;
  g.nsid = p->nstrings + 1;
  g.sid = (uint32_t *)fm->alloc(fm->ud, NULL, 0, g.nsid * 4);
  if (g.sid == NULL) goto done;
  if (voc_reserve(fm, v->nstr + p->nstrings) != GL_OK ||
      gl_grow(fm->alloc, fm->ud, (void **)&v->offs, &v->cap_offs, v->nstr + p->nstrings + 2, 4) ||
      gl_grow(fm->alloc, fm->ud, (void **)&v->hash, &v->cap_hash, v->nstr + p->nstrings + 1, 4) ||
      gl_grow(fm->alloc, fm->ud, (void **)&v->pool, &v->cap_pool,
              (v->nstr ? v->offs[v->nstr] : 0) + (p->nstrings ? p->str_offs[p->nstrings] : 0) + 1,
              1))
    goto done;
  for (i = 0; i < p->nstrings; i++) {   /* strings added stay: harmless */
    size_t n;
    const unsigned char *s = str_of(p, (uint32_t)i, &n);
    if ((g.sid[i] = voc_intern(fm, s, n)) == NONE) goto done;
  }
  for (i = 0; i < p->nset_slots; i++)
    if (p->set_slots[2 * i] &&
        reg_use(fm, &g, g.sid[p->set_slots[2 * i + 1]], 0, p->set_slots[2 * i] - 1))
      goto done;
  for (i = 0; i < p->nkeys; i++)
    if (p->keys[i].used &&
        reg_use(fm, &g, g.sid[p->keys[i].str], 1 + p->keys[i].form, (uint32_t)i))
      goto done;
  /* the new index: old uses then new ones, string by string */
  g.nlo = v->nstr + 1;
  g.nuses = nold + g.nneu / 3;
  g.lo = (uint32_t *)fm->alloc(fm->ud, NULL, 0, g.nlo * 4);
  g.uses = (uint32_t *)fm->alloc(fm->ud, NULL, 0, (3 * g.nuses + 1) * 4);
  if (g.lo == NULL || g.uses == NULL || g.nuses >= UINT32_MAX / 4) goto done;
  memset(g.lo, 0, g.nlo * 4);
  /* count per string: old uses (strings known before), then new ones */
  {
    size_t nold_str = v->cap_use_lo ? v->cap_use_lo - 1 : 0;
    int keys;
    for (i = 0; i < nold_str && i + 1 < g.nlo; i++) g.lo[i + 1] = v->use_lo[i + 1] - v->use_lo[i];
    for (k = 0; k < g.nneu; k += 3) g.lo[g.neu[k] + 1]++;
    for (i = 0; i + 1 < g.nlo; i++) g.lo[i + 1] += g.lo[i];
    /* fill: lo[i] walks from the start of string i's uses; keys first,
    ** then set memberships, each by program (old ones, then this one):
    ** voc_key reads only the keys, both stop past the program's own */
    for (keys = 1; keys >= 0; keys--) {
      for (i = 0; i < nold_str; i++) {
        uint32_t u;
        for (u = v->use_lo[i]; u < v->use_lo[i + 1]; u++) {
          uint32_t *to;
          if ((v->uses[3 * (size_t)u + 1] != 0) != keys) continue;
          to = &g.uses[3 * (size_t)g.lo[i]++];
          to[0] = v->uses[3 * (size_t)u];
          to[1] = v->uses[3 * (size_t)u + 1];
          to[2] = v->uses[3 * (size_t)u + 2];
        }
      }
      for (k = 0; k < g.nneu; k += 3) {
        uint32_t *to;
        if ((g.neu[k + 1] != 0) != keys) continue;
        to = &g.uses[3 * (size_t)g.lo[g.neu[k]]++];
        to[0] = (uint32_t)idx;
        to[1] = g.neu[k + 1];
        to[2] = g.neu[k + 2];
      }
    }
    for (i = g.nlo - 1; i > 0; i--) g.lo[i] = g.lo[i - 1];   /* back to the starts */
    g.lo[0] = 0;
  }
  if (v->use_lo) fm->alloc(fm->ud, v->use_lo, v->cap_use_lo * 4, 0);
  if (v->uses) fm->alloc(fm->ud, v->uses, (3 * v->nuses + 1) * 4, 0);
  v->use_lo = g.lo;
  v->cap_use_lo = g.nlo;
  v->uses = g.uses;
  v->nuses = g.nuses;
  g.lo = g.uses = NULL;
  v->progs[v->nprogs++] = p;
  /* the tokens looked up so far may now be found */
  for (f = 0; f < 4; f++)
    for (i = 0; fm->block && i < fm->ntok; i++) fm->vid[f][i] = VUNSET;
  tc_clear(fm);
  st = GL_OK;
done:
  if (g.sid) fm->alloc(fm->ud, g.sid, g.nsid * 4, 0);
  if (g.neu) fm->alloc(fm->ud, g.neu, g.cap_neu * 4, 0);
  if (g.lo) fm->alloc(fm->ud, g.lo, g.nlo * 4, 0);
  if (g.uses) fm->alloc(fm->ud, g.uses, (3 * g.nuses + 1) * 4, 0);
  return st;
}

int gl_pm_init (gl_PRun *r, const gl_Prog *p, const gl_Token *tok, size_t ntok,
                const unsigned char *text, gl_PForms *forms, gl_Alloc alloc, void *ud) {
  if (r->alloc == NULL) {
    memset(r, 0, sizeof(*r));
    r->alloc = alloc;
    r->ud = ud;
  }
  r->prog = p;
  r->tok = tok;
  r->ntok = ntok;
  r->failed = 0;
  r->nspans = r->nfound = r->npend = 0;
  if (ntok >= UINT32_MAX - 2) return GL_ETOOBIG;
  if (pm_size(r, ntok) != GL_OK) return GL_ENOMEM;
  {
    size_t t;
    for (t = 0; t < ntok; t++) r->tok_cls[t] = token_class(&tok[t]);
  }
  if (forms == NULL) {
    forms = &r->own_forms;
    if (gl_forms_init(forms, tok, ntok, text, alloc, ud) != GL_OK) return GL_ENOMEM;
  }
  else if (forms->tok != tok || forms->ntok != ntok || forms->len[0] == NULL)
    return GL_EINVAL;                   /* prepared for other tokens */
  r->forms = forms;
  {
    long idx = forms == &r->own_forms ? -1 : gl_forms_prog_index(forms, p);
    r->vidx = idx < 0 ? NONE : (uint32_t)idx;
  }
  if (p->nexterns) {
    size_t need = (size_t)p->nexterns * ntok;
    if (ntok && need / ntok != p->nexterns) return GL_ENOMEM;
    if (GROW(r, r->ext_memo, r->cap_memo, need + 1)) return GL_ENOMEM;
    memset(r->ext_memo, 0, need);
  }
  return GL_OK;
}

int gl_pm_add_span (gl_PRun *r, uint32_t first, uint32_t last, uint32_t label) {
  if (first > last || last >= r->ntok || label >= r->prog->nlabels) return GL_OK;
  if (GROW(r, r->by_first, r->cap_first, r->nspans + 1)) return GL_ENOMEM;
  r->by_first[r->nspans].first = first;
  r->by_first[r->nspans].last = last;
  r->by_first[r->nspans].label = label;
  r->nspans++;
  return GL_OK;
}

/* Orders the spans by first and by last token (counting sorts), indexes
** both by token, and marks the labels over each token. */
static int index_spans (gl_PRun *r) {
  size_t n = r->ntok, ns = r->nspans, i, k, words = (r->prog->nlabels + 63) / 64;
  uint32_t *fi = r->first_index, *li = r->last_index;
  if (GROW(r, r->by_last, r->cap_last, ns + 1)) return GL_ENOMEM;
  memset(fi, 0, (n + 2) * 4);
  memset(li, 0, (n + 2) * 4);
  for (i = 0; i < ns; i++) { fi[r->by_first[i].first + 1]++; li[r->by_first[i].last + 1]++; }
  for (i = 0; i < n; i++) { fi[i + 1] += fi[i]; li[i + 1] += li[i]; }
  /* by_last <- spans by first (stable), then back into by_first */
  for (i = 0; i < ns; i++) r->by_last[fi[r->by_first[i].first]++] = r->by_first[i];
  for (i = n; i > 0; i--) fi[i] = fi[i - 1];
  fi[0] = 0;
  if (ns) memcpy(r->by_first, r->by_last, ns * sizeof(gl_PSpan));
  for (i = 0; i < ns; i++) r->by_last[li[r->by_first[i].last]++] = r->by_first[i];
  for (i = n; i > 0; i--) li[i] = li[i - 1];
  li[0] = 0;
  fi[n + 1] = li[n + 1] = (uint32_t)ns;
  r->cover_words = words;
  if (words && ns) {
    if (GROW(r, r->cover, r->cap_cover, n * words + 1)) return GL_ENOMEM;
    memset(r->cover, 0, n * words * sizeof(uint64_t));
    for (i = 0; i < ns; i++) {
      const gl_PSpan *s = &r->by_first[i];
      for (k = s->first; k <= s->last; k++)
        r->cover[k * words + s->label / 64] |= (uint64_t)1 << (s->label % 64);
    }
  }
  else r->cover_words = 0;
  return GL_OK;
}

/* gl_shape, with a fast path for ASCII text: letters become X or x,
** digits d, other characters stay, and runs of one unit stop at 4. */
static size_t ascii_shape (const unsigned char *s, size_t n, unsigned char *out) {
  size_t i, o = 0, run = 0;
  for (i = 0; i < n; i++) if (s[i] >= 0x80) return gl_shape(s, n, out);
  for (i = 0; i < n; i++) {
    unsigned char c = s[i];
    if (c >= 'A' && c <= 'Z') c = 'X';
    else if (c >= 'a' && c <= 'z') c = 'x';
    else if (c >= '0' && c <= '9') c = 'd';
    if (o > 0 && out[o - 1] == c) {
      if (++run > 4) continue;
    }
    else run = 1;
    out[o++] = c;
  }
  return o;
}

/* Form f (0 text, 1 lower, 2 norm, 3 shape) of token t and its hash,
** made once; NULL when out of memory (predicates then fail). The lower and
** norm forms of most tokens are their text (ASCII without capitals): those
** point into the text, with the text's hash (bit f of src). */
static const unsigned char *form_of (gl_PForms *fm, int f, size_t t, size_t *len,
                                     uint32_t *hash) {
  if (fm->len[f][t] == NONE) {
    const gl_Token *k = &fm->tok[t];
    size_t n = k->stop - k->start, out, i = 0;
    const unsigned char *s = fm->text + k->start;
    if (f != 3 && !(k->flags & GL_F_HAS_UPPER)) {
      if (f == 2) while (i < n && s[i] < 0x80 && s[i] != '`') i++;
      else if (f == 1) while (i < n && s[i] < 0x80) i++;
    }
    if (f == 0 || (f != 3 && i == n)) {  /* the text itself */
      uint32_t h;
      if (f != 0 && fm->len[0][t] != NONE) h = fm->hash[0][t];
      else h = hash_bytes(s, n);
      fm->src[t] |= 1u << f;
      fm->off[f][t] = k->start;
      fm->len[f][t] = (uint32_t)n;
      fm->hash[f][t] = h;
    }
    else {
      size_t room = (f == 3) ? n : GL_FOLD_BUFSIZE(n);
      unsigned char *dst;
      if (fm->poollen + room >= UINT32_MAX ||
          gl_grow(fm->alloc, fm->ud, (void **)&fm->pool, &fm->cap_pool,
                  fm->poollen + room + 1, 1) != GL_OK) {
        fm->nomem = 1;                  /* the run fails, see gl_pm_find */
        return NULL;
      }
      dst = fm->pool + fm->poollen;
      if (f == 3) out = ascii_shape(s, n, dst);
      else out = gl_fold(s, n, dst, f == 1 ? GL_FORM_LOWER : GL_FORM_NORM);
      fm->off[f][t] = (uint32_t)fm->poollen;
      fm->len[f][t] = (uint32_t)out;
      fm->hash[f][t] = hash_bytes(dst, out);
      fm->poollen += out;
    }
  }
  *len = fm->len[f][t];
  *hash = fm->hash[f][t];
  return ((fm->src[t] >> f) & 1 ? fm->text : fm->pool) + fm->off[f][t];
}

#define token_form(r, f, t, len, hash)   form_of((r)->forms, f, t, len, hash)

/* Room for one more text cache entry of n bytes; GL_OK or GL_ENOMEM. */
static int tc_reserve (gl_PForms *fm, size_t n) {
  if ((fm->tc_n + 1) * 2 > fm->tc_nslots) {      /* grow the slots: rehash */
    size_t ns = fm->tc_nslots ? 2 * fm->tc_nslots : 1024, i;
    uint32_t *slots;
    if (ns > ((size_t)-1) / 4 ||
        (slots = (uint32_t *)fm->alloc(fm->ud, NULL, 0, ns * 4)) == NULL)
      return GL_ENOMEM;
    memset(slots, 0, ns * 4);
    for (i = 0; i < fm->tc_n; i++) {
      size_t j;
      for (j = fm->tc_ent[TC_WORDS * i] & (ns - 1); slots[j]; j = (j + 1) & (ns - 1)) {}
      slots[j] = (uint32_t)i + 1;
    }
    if (fm->tc_slots) fm->alloc(fm->ud, fm->tc_slots, fm->tc_nslots * 4, 0);
    fm->tc_slots = slots;
    fm->tc_nslots = ns;
  }
  if (gl_grow(fm->alloc, fm->ud, (void **)&fm->tc_ent, &fm->tc_cap, TC_WORDS * (fm->tc_n + 1), 4) ||
      gl_grow(fm->alloc, fm->ud, (void **)&fm->tc_pool, &fm->tc_cap_pool, fm->tc_poollen + n + 1,
              1))
    return GL_ENOMEM;
  return GL_OK;
}

/* The text cache entry of token t's text, found or added; NULL when the
** cache is full until the next text, or out of memory (the ids are then
** looked up without it). */
static uint32_t *tc_entry (gl_PForms *fm, size_t t) {
  size_t len, mask, j;
  uint32_t h, *e;
  const unsigned char *s;
  if (fm->tok_ent[t]) return &fm->tc_ent[TC_WORDS * (size_t)(fm->tok_ent[t] - 1)];
  if ((s = form_of(fm, 0, t, &len, &h)) == NULL) return NULL;
  if (fm->tc_nslots) {
    mask = fm->tc_nslots - 1;
    for (j = h & mask; fm->tc_slots[j]; j = (j + 1) & mask) {
      e = &fm->tc_ent[TC_WORDS * (size_t)(fm->tc_slots[j] - 1)];
      if (e[0] == h && e[2] == len && memcmp(fm->tc_pool + e[1], s, len) == 0) {
        fm->tok_ent[t] = fm->tc_slots[j];
        return e;
      }
    }
  }
  if (fm->tc_n >= TC_MAX || fm->tc_poollen + len >= TC_MAX_POOL || len >= UINT32_MAX ||
      tc_reserve(fm, len) != GL_OK)
    return NULL;
  mask = fm->tc_nslots - 1;
  for (j = h & mask; fm->tc_slots[j]; j = (j + 1) & mask) {}
  e = &fm->tc_ent[TC_WORDS * fm->tc_n];
  e[0] = h;
  e[1] = (uint32_t)fm->tc_poollen;
  e[2] = (uint32_t)len;
  e[3] = e[4] = e[5] = e[6] = VUNSET;
  if (len) memcpy(fm->tc_pool + fm->tc_poollen, s, len);
  fm->tc_poollen += len;
  fm->tc_slots[j] = (uint32_t)++fm->tc_n;
  fm->tok_ent[t] = (uint32_t)fm->tc_n;
  return e;
}

/* The vocabulary id of form f of token t, looked up once per text (and
** once per distinct text while the text cache keeps it); NONE when the
** vocabulary does not have it. */
static uint32_t vid_of (gl_PForms *fm, int f, size_t t) {
  uint32_t id = fm->vid[f][t];
  if (id == VUNSET) {
    size_t len;
    uint32_t h, *e = tc_entry(fm, t);
    const unsigned char *s;
    if (e != NULL && e[3 + f] != VUNSET) return fm->vid[f][t] = e[3 + f];
    if ((s = form_of(fm, f, t, &len, &h)) == NULL) return NONE;  /* out of memory: not remembered */
    id = voc_find(&fm->voc, s, len, h);
    /* strings of a registration that failed have no uses */
    if (id != NONE && (size_t)id + 1 >= fm->voc.cap_use_lo) id = NONE;
    fm->vid[f][t] = id;
    if (e != NULL) e[3 + f] = id;
  }
  return id;
}

/* A string's uses are its keys, then its set memberships, each group by
** program index (see gl_forms_add_prog): a common word is in the sets of
** many programs, and the scans below were a fifth of a match run. */

/* Is vocabulary string id in set 'set' of program idx? */
static int voc_in_set (const gl_PVocab *v, uint32_t id, uint32_t idx, uint32_t set) {
  const uint32_t *u = v->uses + 3 * (size_t)v->use_lo[id], *end = v->uses + 3 * (size_t)v->use_lo[id + 1];
  while (u < end && u[1] != 0) u += 3;                  /* past the keys */
  for (; u < end && u[0] <= idx; u += 3) if (u[0] == idx && u[2] == set) return 1;
  return 0;
}

/* The key slot + 1 of vocabulary string id as a key of form f in program
** idx, or 0. */
static uint32_t voc_key (const gl_PVocab *v, uint32_t id, uint32_t idx, int f) {
  const uint32_t *u = v->uses + 3 * (size_t)v->use_lo[id], *end = v->uses + 3 * (size_t)v->use_lo[id + 1];
  for (; u < end && u[1] != 0 && u[0] <= idx; u += 3)
    if (u[0] == idx && u[1] == (uint32_t)f + 1) return u[2] + 1;
  return 0;
}

static int eval_memo (gl_PRun *r, uint32_t id, size_t t);

/* Predicate id on token t (operands through the memo: predicates share
** them, "T.title - T.lower(stop_words)" in many rules). */
static int eval_pred (gl_PRun *r, uint32_t id, size_t t) {
  const gl_Prog *p = r->prog;
  const gl_PPred *pr = &p->preds[id];
  const gl_Token *k = &r->tok[t];
  size_t len, i;
  uint32_t h;
  const unsigned char *s;
  switch (pr->type) {
    case GL_PR_ANY: return 1;
    case GL_PR_TEXT: case GL_PR_LOWER: case GL_PR_NORM: case GL_PR_SHAPE:
      if (r->vidx != NONE) {
        uint32_t v = vid_of(r->forms, (int)(pr->type - GL_PR_TEXT), t);
        return v != NONE && voc_in_set(&r->forms->voc, v, r->vidx, pr->a);
      }
      s = token_form(r, (int)(pr->type - GL_PR_TEXT), t, &len, &h);
      return s != NULL && set_has(p, pr->a, s, len, h);
    case GL_PR_KIND: return k->kind < 32 && ((pr->a >> k->kind) & 1);
    case GL_PR_FLAGS: return (k->flags & pr->a) == pr->b;
    case GL_PR_LABEL:
      return r->cover_words != 0 &&
             ((r->cover[t * r->cover_words + pr->a / 64] >> (pr->a % 64)) & 1);
    case GL_PR_EXTERN: {
      unsigned char *m = &r->ext_memo[(size_t)pr->a * r->ntok + t];
      if (*m == 0) {
        int v;
        if (r->failed) return 0;
        v = r->ext(r->ext_ctx, pr->a, t);
        if (v < 0) { r->failed = 1; return 0; }
        *m = (unsigned char)(v ? 2 : 1);
      }
      return *m == 2;
    }
    case GL_PR_NOT: return !eval_memo(r, pr->a, t);
    case GL_PR_AND:
      for (i = 0; i < pr->b; i++) if (!eval_memo(r, p->children[pr->a + i], t)) return 0;
      return 1;
    case GL_PR_OR:
      for (i = 0; i < pr->b; i++) if (eval_memo(r, p->children[pr->a + i], t)) return 1;
      return 0;
    default: return 0;
  }
}

/* eval_pred, remembered for the token last asked (the backward pass reads
** each token once, so one slot per predicate is enough). */
static int eval_memo (gl_PRun *r, uint32_t id, size_t t) {
  if (!((r->prog->pred_cls[id] >> r->tok_cls[t]) & 1)) return 0;
  if (r->memo_at[id] != t + 1) {
    r->memo_val[id] = (unsigned char)eval_pred(r, id, t);
    r->memo_at[id] = (uint32_t)(t + 1);
  }
  return r->memo_val[id];
}

/* eval_memo for the machine's loops: the class test and a remembered
** value without a call. */
static inline int memo_test (gl_PRun *r, uint32_t id, size_t t) {
  if (!((r->prog->pred_cls[id] >> r->tok_cls[t]) & 1)) return 0;
  if (r->memo_at[id] == t + 1) return r->memo_val[id];
  return eval_memo(r, id, t);
}

static int sos_at (const gl_PRun *r, size_t p) {
  return p < r->ntok && (p == 0 || (r->tok[p].flags & GL_F_SENT_START));
}

static int eos_at (const gl_PRun *r, size_t p) {
  return p > 0 && (p == r->ntok || (r->tok[p].flags & GL_F_SENT_START));
}

/* A fresh stamp for the visit and membership marks. */
static uint32_t new_stamp (gl_PRun *r) {
  if (++r->gen == 0) {
    memset(r->visit, 0, 2 * r->cap_code * 4);     /* visit and member */
    r->gen = 1;
  }
  return r->gen;
}


/* ======================================================================
** Finding matches: the backward pass
** ====================================================================== */

/* Adds (pc, e) to the arrivals of the next position, merging by max end. */
static void arrive (gl_PRun *r, uint32_t *n, uint32_t stamp, uint32_t pc, uint32_t e) {
  if (r->member[pc] != stamp) {
    r->member[pc] = stamp;
    r->e_nxt[pc] = e;
    r->nxt[(*n)++] = pc;
  }
  else if (e > r->e_nxt[pc]) r->e_nxt[pc] = e;
}

static int cmp_desc (const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x < y) - (x > y);
}

static void sort_desc (uint64_t *a, size_t n) {
  size_t i, j;
  if (n > 16) { qsort(a, n, sizeof(uint64_t), cmp_desc); return; }
  for (i = 1; i < n; i++) {
    uint64_t x = a[i];
    for (j = i; j > 0 && a[j - 1] < x; j--) a[j] = a[j - 1];
    a[j] = x;
  }
}

/* The epsilon closure at position p from (pc, e): consuming threads are
** kept in cur; a MATCH records the rule's longest match starting at p. */
static int closure (gl_PRun *r, size_t p, uint32_t stamp, uint32_t pc0, uint32_t e,
                    uint32_t *ncur) {
  const gl_PInst *code = r->prog->code;
  uint32_t sp = 0, *stack = r->stack;
  stack[sp++] = pc0;
  while (sp > 0) {
    uint32_t pc = stack[--sp];
    const gl_PInst *ins;
    if (r->visit[pc] == stamp) continue;   /* visited with an end as large */
    r->visit[pc] = stamp;
    r->work++;
    ins = &code[pc];
    switch (ins->op) {
      case GL_OP_SPLIT: stack[sp++] = ins->y; stack[sp++] = ins->x; break;
      case GL_OP_JMP: stack[sp++] = ins->x; break;
      case GL_OP_SAVE: stack[sp++] = pc + 1; break;
      case GL_OP_GUARD: if (r->guard_active[ins->x]) stack[sp++] = pc + 1; break;
      case GL_OP_SOS: if (sos_at(r, p)) stack[sp++] = pc + 1; break;
      case GL_OP_EOS: if (eos_at(r, p)) stack[sp++] = pc + 1; break;
      case GL_OP_MATCH:
        if (e > p) {
          if (GROW(r, r->found, r->cap_found, r->nfound + 1)) return GL_ENOMEM;
          r->found[r->nfound].rule = ins->x;
          r->found[r->nfound].first = (uint32_t)p;
          r->found[r->nfound].last = e;     /* exclusive until selected */
          r->nfound++;
        }
        break;
      default:                          /* PRED, SPAN: wait for a token */
        r->e_cur[pc] = e;
        r->cur[(*ncur)++] = pc;
        break;
    }
  }
  return GL_OK;
}

/* Keeps, per rule, its leftmost-longest non-overlapping matches. found is
** by decreasing first position on entry, by first on exit. */
static void select_matches (gl_PRun *r) {
  size_t i, j = 0, n = r->nfound;
  gl_PMatch *f = r->found;
  for (i = 0; i < n / 2; i++) {
    gl_PMatch t = f[i];
    f[i] = f[n - 1 - i];
    f[n - 1 - i] = t;
  }
  for (i = 0; i < r->prog->nrules; i++) r->last_end[i] = 0;
  for (i = 0; i < n; i++) {
    gl_PMatch m = f[i];
    if (m.first >= r->last_end[m.rule]) {
      r->last_end[m.rule] = m.last;
      m.last -= 1;                      /* inclusive from here on */
      f[j++] = m;
    }
  }
  r->nfound = j;
}

/* Queues (pc, e) to arrive at position 'at' (a span jump). */
static int pend (gl_PRun *r, uint32_t at, uint32_t pc, uint32_t e) {
  if (GROW(r, r->pend, r->cap_pend, r->npend + 1)) return GL_ENOMEM;
  r->pend[r->npend].pc = pc;
  r->pend[r->npend].e = e;
  r->pend[r->npend].next = r->pend_head[at];
  r->pend_head[at] = (uint32_t)++r->npend;
  return GL_OK;
}

/* Starts the rules whose reversed pattern can begin with token t, read
** from position t + 1 (matches ending there); combo: sentence conditions. */
static void start_rules (gl_PRun *r, size_t t, uint32_t combo, uint32_t stamp, uint32_t *n) {
  const gl_Prog *p = r->prog;
  const unsigned char *active = r->entry_active;
  uint32_t e = (uint32_t)(t + 1), bit = 1u << combo;
  size_t i, j;
  int f;
  for (f = 0; f < 4; f++) {
    const gl_PKey *key;
    if (!(p->key_forms & (1u << f)) || r->tok_key[f][t] == 0) continue;
    key = &p->keys[r->tok_key[f][t] - 1];
    for (j = 0; j < key->n; j++) {
      const gl_PStart *st = &p->starts[p->disp[key->lo + j]];
      if ((st->mask & bit) && (st->entry == NONE || active[st->entry]) &&
          (st->exact || memo_test(r, p->code[st->pc].x, t)))
        arrive(r, n, stamp, st->pc + 1, e);
    }
  }
  for (i = 0; i < p->ngroups; i++) {
    const gl_PGroup *g = &p->groups[i];
    if (!r->group_active[i] || !memo_test(r, g->pred, t)) continue;
    for (j = 0; j < g->n; j++) {
      const gl_PStart *st = &p->starts[p->disp[g->lo + j]];
      if ((st->mask & bit) && (st->entry == NONE || active[st->entry]))
        arrive(r, n, stamp, st->pc + 1, e);
    }
  }
}

/* Does the text (r->label_on) have a span of one of the labels rule i
** requires? (Yes when it requires none.) */
static int labels_met (const gl_PRun *r, size_t i) {
  const gl_Prog *p = r->prog;
  uint32_t k, hi;
  if (p->lreq_lo == NULL || p->lreq_lo[i] == p->lreq_lo[i + 1]) return 1;
  for (k = p->lreq_lo[i], hi = p->lreq_lo[i + 1]; k < hi; k++)
    if (r->label_on[p->lreq[k]]) return 1;
  return 0;
}

/* Marks the labels of the text's spans, and tells whether they leave any
** rule to run. */
static int mark_labels (gl_PRun *r) {
  const gl_Prog *p = r->prog;
  size_t i;
  memset(r->label_on, 0, p->nlabels + 1);
  for (i = 0; i < r->nspans; i++) r->label_on[r->by_first[i].label] = 1;
  for (i = 0; i < p->nrules; i++) if (labels_met(r, i)) return 1;
  return 0;
}

/* Looks up every token's forms among the keys once, and finds which rules
** may match at all: those always on, and those one of whose required keys
** some token has, if the text has a span of one of their required labels.
** Returns whether any may. */
static int find_keys (gl_PRun *r) {
  const gl_Prog *p = r->prog;
  size_t t, j;
  int f;
  memcpy(r->active, p->always, p->nrules);
  for (f = 0; f < 4; f++) {
    if (!(p->key_forms & (1u << f))) continue;
    if (r->vidx != NONE) {              /* through the vocabulary */
      const gl_PVocab *v = &r->forms->voc;
      for (t = 0; t < r->ntok; t++) {
        uint32_t id = vid_of(r->forms, f, t), slot;
        const gl_PKey *key;
        r->tok_key[f][t] = slot = id == NONE ? 0 : voc_key(v, id, r->vidx, f);
        if (slot == 0) continue;
        key = &p->keys[slot - 1];
        for (j = 0; j < key->rn; j++) r->active[p->rdisp[key->rlo + j]] = 1;
      }
      continue;
    }
    for (t = 0; t < r->ntok; t++) {
      const unsigned char *s;
      size_t len;
      uint32_t h;
      const gl_PKey *key;
      r->tok_key[f][t] = 0;
      if ((s = token_form(r, f, t, &len, &h)) == NULL) continue;
      key = key_slot(p, p->keys, p->nkeys, (uint32_t)f, s, len, h);
      if (key->used == 0) continue;
      r->tok_key[f][t] = (uint32_t)(key - p->keys) + 1;
      for (j = 0; j < key->rn; j++) r->active[p->rdisp[key->rlo + j]] = 1;
    }
  }
  for (j = 0; j < p->nrules; j++)       /* label requirements */
    if (r->active[j] && !labels_met(r, j)) r->active[j] = 0;
  for (j = 0; j < p->nrules && !r->active[j]; j++) continue;
  if (j == p->nrules) return 0;
  for (j = 0; j < p->nguards; j++) {    /* a guard is on if one of its rules is */
    uint32_t k;
    r->guard_active[j] = 0;
    for (k = p->guard_lo[j]; k < p->guard_lo[j + 1]; k++)
      if (r->active[p->guard_rules[k]]) { r->guard_active[j] = 1; break; }
  }
  for (j = 0; j < p->nentries; j++) {   /* an entry is on if one of its rules is */
    uint32_t k;
    r->entry_active[j] = 0;
    for (k = p->entry_lo[j]; k < p->entry_lo[j + 1]; k++)
      if (r->active[p->entry_rules[k]]) { r->entry_active[j] = 1; break; }
  }
  for (j = 0; j < p->ngroups; j++) {    /* a group is on if one of its starts is */
    const gl_PGroup *g = &p->groups[j];
    uint32_t k;
    r->group_active[j] = 0;
    for (k = 0; k < g->n; k++) {
      const gl_PStart *st = &p->starts[p->disp[g->lo + k]];
      if (st->entry == NONE || r->entry_active[st->entry]) { r->group_active[j] = 1; break; }
    }
  }
  return 1;
}

int gl_pm_find (gl_PRun *r) {
  const gl_Prog *p = r->prog;
  const gl_PInst *code = p->code;
  uint32_t ncur, nnxt = 0, i, k, step_stamp;
  size_t pos, n = r->ntok;
  if (!p->finished) return GL_EINVAL;
  if (index_spans(r) != GL_OK) return GL_ENOMEM;
  r->npend = 0;
  r->nfound = 0;
  r->work = 0;
  if (!mark_labels(r)) return GL_OK;    /* no rule can match: skip the text */
  for (i = 0; i <= n; i++) r->pend_head[i] = 0;
  memset(r->memo_at, 0, p->npreds * 4);
  r->forms->nomem = 0;
  k = (uint32_t)find_keys(r);
  if (r->forms->nomem) return GL_ENOMEM;  /* not "no token has that form" */
  if (k == 0) return GL_OK;
  step_stamp = new_stamp(r);
  for (pos = n; ; pos--) {
    uint32_t visit_stamp, nin = nnxt, combo;
    /* arrivals, visited by decreasing end: stepped threads come in that
    ** order already (see start_rules and the step below); span jumps do
    ** not, and then the arrivals are sorted */
    for (k = r->pend_head[pos]; k; k = r->pend[k - 1].next)
      arrive(r, &nin, step_stamp, r->pend[k - 1].pc, r->pend[k - 1].e);
    if (r->pend_head[pos]) {
      for (i = 0; i < nin; i++) r->sortbuf[i] = (uint64_t)r->e_nxt[r->nxt[i]] << 32 | r->nxt[i];
      sort_desc(r->sortbuf, nin);
      for (i = 0; i < nin; i++) r->nxt[i] = (uint32_t)r->sortbuf[i];
    }
    visit_stamp = new_stamp(r);
    ncur = 0;
    for (i = 0; i < nin; i++)
      if (closure(r, pos, visit_stamp, r->nxt[i], r->e_nxt[r->nxt[i]], &ncur) != GL_OK)
        return GL_ENOMEM;
    if (pos == 0) break;
    /* matches may end at pos: rules starting with a SPAN wait in cur */
    combo = (uint32_t)sos_at(r, pos) | (uint32_t)eos_at(r, pos) << 1;
    if (p->span_n && r->last_index[pos - 1] < r->last_index[pos]) {
      for (i = 0; i < p->span_n; i++) {
        const gl_PStart *st = &p->starts[p->disp[p->span_lo + i]];
        if ((st->mask & (1u << combo)) &&
            (st->entry == NONE || r->entry_active[st->entry]) &&
            r->visit[st->pc] != visit_stamp) {
          r->visit[st->pc] = visit_stamp;
          r->e_cur[st->pc] = (uint32_t)pos;
          r->cur[ncur++] = st->pc;
        }
      }
    }
    /* step: each consuming thread reads token pos - 1 */
    step_stamp = new_stamp(r);
    nnxt = 0;
    r->work += ncur;
    for (i = 0; i < ncur; i++) {
      uint32_t pc = r->cur[i], e = r->e_cur[pc];
      const gl_PInst *ins = &code[pc];
      if (ins->op == GL_OP_PRED) {
        if (memo_test(r, ins->x, pos - 1)) arrive(r, &nnxt, step_stamp, pc + 1, e);
        continue;
      }
      for (k = r->last_index[pos - 1]; k < r->last_index[pos]; k++) {   /* SPAN */
        const gl_PSpan *s = &r->by_last[k];
        if (s->label != ins->x) continue;
        if (s->first == pos - 1) arrive(r, &nnxt, step_stamp, pc + 1, e);
        else if (pend(r, s->first, pc + 1, e) != GL_OK) return GL_ENOMEM;
      }
    }
    /* and matches ending at pos start with the rules token pos - 1 may begin */
    start_rules(r, pos - 1, combo, step_stamp, &nnxt);
    if (r->failed) return GL_EHOST;
    if (r->forms->nomem) return GL_ENOMEM;
  }
  select_matches(r);
  return GL_OK;
}


/* ======================================================================
** Captures: the forward pass over one match
** ====================================================================== */

/* A thread list of the forward pass: program counters, and each thread's
** capture array at caps[base + pc * k]. */
typedef struct FList {
  uint32_t *pc;
  uint32_t n;
  size_t base;
} FList;

typedef struct Fwd {
  gl_PRun *r;
  uint32_t k;                   /* capture slots */
  size_t stack_base;            /* stack entries' captures start here */
  size_t tmp;                   /* one scratch capture array */
  size_t pend_base, npend;      /* queued jumps: (pos, pc, caps) records */
} Fwd;

#define CAPS(f, off)   (&(f)->r->caps[off])

/* Adds (pc, caps) at position pos to list l, following epsilon moves in
** priority order (an explicit stack: first pushed, last explored). */
static void fadd (Fwd *f, FList *l, uint32_t stamp, uint32_t pc0, const uint32_t *caps0,
                  size_t pos) {
  gl_PRun *r = f->r;
  const gl_PInst *code = r->prog->code;
  uint32_t sp = 0, k = f->k;
  r->stack[sp] = pc0;
  memcpy(CAPS(f, f->stack_base), caps0, k * 4);
  sp++;
  while (sp > 0) {
    uint32_t pc = r->stack[--sp];
    const gl_PInst *ins;
    if (r->visit[pc] == stamp) continue;
    r->visit[pc] = stamp;
    memcpy(CAPS(f, f->tmp), CAPS(f, f->stack_base + (size_t)sp * k), k * 4);
    ins = &code[pc];
#define PUSH(target) (r->stack[sp] = (target), \
                      memcpy(CAPS(f, f->stack_base + (size_t)sp * k), CAPS(f, f->tmp), k * 4), \
                      sp++)
    switch (ins->op) {
      case GL_OP_SPLIT: PUSH(ins->y); PUSH(ins->x); break;
      case GL_OP_JMP: PUSH(ins->x); break;
      case GL_OP_SAVE:
        if (ins->x < k) CAPS(f, f->tmp)[ins->x] = (uint32_t)pos;
        PUSH(pc + 1);
        break;
      case GL_OP_GUARD: PUSH(pc + 1); break;
      case GL_OP_SOS: if (sos_at(r, pos)) PUSH(pc + 1); break;
      case GL_OP_EOS: if (eos_at(r, pos)) PUSH(pc + 1); break;
      default:
        l->pc[l->n++] = pc;
        memcpy(CAPS(f, l->base + (size_t)pc * k), CAPS(f, f->tmp), k * 4);
        break;
    }
#undef PUSH
  }
}

int gl_pm_captures (gl_PRun *r, uint32_t rule, uint32_t first, uint32_t last,
                    uint32_t *slots) {
  const gl_Prog *p = r->prog;
  const gl_PInst *code = p->code;
  uint32_t k, m = (uint32_t)p->ncode, i, j, stamp;
  size_t pos, e = (size_t)last + 1, need;
  FList a, b, *cl = &a, *nl = &b;
  Fwd f;
  if (rule >= p->nrules || first > last || last >= r->ntok) return -1;
  k = p->ncaps[rule];
  if (k == 0) return GL_OK;
  /* captures: two lists of m arrays, a stack of 2m + 2, a scratch one */
  need = ((size_t)2 * m + (2 * (size_t)m + 2) + 1) * k;
  if (GROW(r, r->caps, r->cap_caps, need)) return GL_ENOMEM;
  f.r = r;
  f.k = k;
  a.pc = r->cur; a.base = 0; a.n = 0;
  b.pc = r->nxt; b.base = (size_t)m * k; b.n = 0;
  f.stack_base = (size_t)2 * m * k;
  f.tmp = need - k;
  f.pend_base = need;
  f.npend = 0;
  for (i = 0; i < k; i++) slots[i] = NONE;
  r->forms->nomem = 0;
  stamp = new_stamp(r);
  fadd(&f, cl, stamp, p->fstart[rule], slots, first);
  for (pos = first; ; pos++) {
    stamp = new_stamp(r);
    nl->n = 0;
    for (i = 0; i < cl->n; i++) {
      uint32_t pc = cl->pc[i];
      const gl_PInst *ins = &code[pc];
      const uint32_t *caps = CAPS(&f, cl->base + (size_t)pc * k);
      if (ins->op == GL_OP_MATCH) {
        if (pos == e) { memcpy(slots, caps, k * 4); return GL_OK; }
        continue;
      }
      if (pos >= e) continue;
      if (ins->op == GL_OP_PRED) {
        if (eval_pred(r, ins->x, pos)) fadd(&f, nl, stamp, pc + 1, caps, pos + 1);
        if (r->failed) return GL_EHOST;
        if (r->forms->nomem) return GL_ENOMEM;
        continue;
      }
      for (j = r->first_index[pos]; j < r->first_index[pos + 1]; j++) {   /* SPAN */
        const gl_PSpan *s = &r->by_first[j];
        uint32_t *rec;
        if (s->label != ins->x || (size_t)s->last + 1 > e) continue;
        if (s->last == pos) { fadd(&f, nl, stamp, pc + 1, caps, pos + 1); continue; }
        /* a longer jump: queue (landing position, pc, caps) */
        need = f.pend_base + (f.npend + 1) * (k + 2);
        if (GROW(r, r->caps, r->cap_caps, need)) return GL_ENOMEM;
        caps = CAPS(&f, cl->base + (size_t)pc * k);     /* caps may have moved */
        rec = CAPS(&f, f.pend_base + f.npend * (k + 2));
        rec[0] = s->last + 1;
        rec[1] = pc + 1;
        memcpy(rec + 2, caps, k * 4);
        f.npend++;
      }
    }
    if (pos >= e) break;
    for (i = 0; i < f.npend; i++) {     /* jumps landing at pos + 1, after */
      uint32_t *rec = CAPS(&f, f.pend_base + i * (k + 2));
      if (rec[0] == pos + 1) fadd(&f, nl, stamp, rec[1], rec + 2, pos + 1);
    }
    if (nl->n == 0) {
      int waiting = 0;
      for (i = 0; i < f.npend; i++) waiting |= CAPS(&f, f.pend_base + i * (k + 2))[0] > pos + 1;
      if (!waiting) break;
    }
    { FList *t = cl; cl = nl; nl = t; }
  }
  return -1;
}
