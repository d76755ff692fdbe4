/*
** Abbreviation set: open addressing over a string pool, both grown through
** the caller's allocator.
*/
#include <string.h>

#include "abbrev.h"

/* ======================================================================
** Built-in lists (English news)
** ====================================================================== */

/* Titles and words that announce a name or a number. */
static const char *const prefix_abbrevs[] = {
  "Mr.", "Mrs.", "Ms.", "Messrs.", "Mmes.", "Mme.", "Mlle.", "Dr.", "Drs.",
  "Prof.", "Sen.", "Sens.", "Rep.", "Reps.", "Gov.", "Govs.", "Gen.", "Lt.",
  "Col.", "Maj.", "Capt.", "Sgt.", "Cpl.", "Pvt.", "Adm.", "Cmdr.", "Cdr.",
  "Brig.", "Rev.", "Fr.", "St.", "Ste.", "Mt.", "Ft.", "Pres.", "Supt.",
  "Insp.", "Det.", "Hon.", "Amb.", "Atty.", "Rt.", "Sec.", "Gens.",
  "No.", "Nos.", "Vol.", "Vols.", "Art.", "Arts.", "Fig.", "Figs.", "Ch.",
  "Sect.", "pp.", "vs.", "v.", "cf.", "ca.", "approx.", "viz.",
  "e.g.", "i.e.", "E.g.", "I.e.",
  "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sep.", "Sept.",
  "Oct.", "Nov.", "Dec.",
  NULL
};

/* Abbreviations that may end a sentence. */
static const char *const plain_abbrevs[] = {
  "Inc.", "Ltd.", "Co.", "Corp.", "Cos.", "Bros.", "Plc.", "plc.", "Pty.",
  "Jr.", "Sr.", "Esq.", "Ph.D.", "etc.", "al.", "Ave.", "Blvd.", "Rd.",
  "Dept.", "Univ.", "Assn.", "Intl.", "Govt.", "est.", "Mon.", "Tue.",
  "Tues.", "Wed.", "Thu.", "Thur.", "Thurs.", "Fri.", "Sat.", "Sun.",
  "Ala.", "Ariz.", "Ark.", "Calif.", "Colo.", "Conn.", "Del.", "Fla.", "Ga.",
  "Ill.", "Ind.", "Kan.", "Kans.", "Ky.", "La.", "Md.", "Mass.", "Mich.",
  "Minn.", "Miss.", "Mo.", "Mont.", "Neb.", "Nev.", "Okla.", "Ore.", "Pa.",
  "Penn.", "Tenn.", "Tex.", "Va.", "Vt.", "Wash.", "Wis.", "Wyo.",
  NULL
};

const char *gl_abbrev_default (size_t i, int *kind) {
  size_t nprefix = sizeof(prefix_abbrevs) / sizeof(prefix_abbrevs[0]) - 1;
  if (i < nprefix) { *kind = GL_ABBREV_PREFIX; return prefix_abbrevs[i]; }
  *kind = GL_ABBREV_PLAIN;
  return plain_abbrevs[i - nprefix];
}

static const char *const sentence_openers[] = {
  "The", "A", "An", "He", "She", "It", "They", "We", "I", "You", "This",
  "That", "These", "Those", "There", "Their", "His", "Her", "Its", "Our",
  "My", "But", "And", "Or", "So", "Yet", "However", "In", "On", "At", "For",
  "If", "When", "While", "After", "Before", "As", "Since", "Although",
  "Though", "Meanwhile", "Then", "Now", "What", "Who", "Why", "How",
  "Where", "Some", "Many", "Most", "All", "Both", "Each", "Other", "Others",
  "One", "Not", "Also", "Still", "Under", "With", "By", "From", "According",
  NULL
};

int gl_is_sentence_opener (const unsigned char *s, size_t len) {
  size_t i;
  for (i = 0; sentence_openers[i] != NULL; i++) {
    const char *w = sentence_openers[i];
    if (strlen(w) == len && memcmp(w, s, len) == 0) return 1;
  }
  return 0;
}


/* ======================================================================
** Hash set
** ====================================================================== */

static uint32_t hash_bytes (const unsigned char *s, size_t len) {
  uint32_t h = 2166136261u;   /* FNV-1a */
  size_t i;
  for (i = 0; i < len; i++) { h ^= s[i]; h *= 16777619u; }
  return h;
}

void gl_abbrev_init (gl_AbbrevSet *set, gl_Alloc alloc, void *ud) {
  memset(set, 0, sizeof(*set));
  set->alloc = alloc;
  set->ud = ud;
}

void gl_abbrev_free (gl_AbbrevSet *set) {
  if (set->slots)
    set->alloc(set->ud, set->slots, set->nslots * sizeof(gl_AbbrevEntry), 0);
  if (set->pool) set->alloc(set->ud, set->pool, set->poolsize, 0);
  set->slots = NULL; set->pool = NULL;
  set->nslots = set->count = set->poolsize = set->poollen = 0;
}

static gl_AbbrevEntry *find_slot (const gl_AbbrevSet *set,
                                  const unsigned char *s, size_t len) {
  size_t mask = set->nslots - 1;
  size_t i = hash_bytes(s, len) & mask;
  for (;;) {
    gl_AbbrevEntry *e = &set->slots[i];
    if (e->len == 0 ||
        (e->len == len && memcmp(set->pool + e->off, s, len) == 0))
      return e;
    i = (i + 1) & mask;
  }
}

static int grow_slots (gl_AbbrevSet *set) {
  size_t n = set->nslots ? set->nslots * 2 : 64;
  size_t i;
  gl_AbbrevSet old = *set;
  gl_AbbrevEntry *slots = (gl_AbbrevEntry *)
      set->alloc(set->ud, NULL, 0, n * sizeof(gl_AbbrevEntry));
  if (slots == NULL) return GL_ENOMEM;
  memset(slots, 0, n * sizeof(gl_AbbrevEntry));
  set->slots = slots;
  set->nslots = n;
  for (i = 0; i < old.nslots; i++) {
    if (old.slots[i].len)
      *find_slot(set, (const unsigned char *)set->pool + old.slots[i].off,
                 old.slots[i].len) = old.slots[i];
  }
  if (old.slots)
    set->alloc(set->ud, old.slots, old.nslots * sizeof(gl_AbbrevEntry), 0);
  return GL_OK;
}

int gl_abbrev_add (gl_AbbrevSet *set, const char *text, size_t len, int kind) {
  gl_AbbrevEntry *e;
  if (len == 0 || len > GL_ABBREV_MAXLEN) return GL_OK;
  if ((set->count + 1) * 2 > set->nslots && grow_slots(set) != GL_OK)
    return GL_ENOMEM;
  e = find_slot(set, (const unsigned char *)text, len);
  if (e->len) {               /* already there: the stronger kind wins */
    if (kind > e->kind) e->kind = (uint8_t)kind;
    return GL_OK;
  }
  if (set->poollen + len > set->poolsize) {
    size_t n = set->poolsize ? set->poolsize * 2 : 1024;
    char *pool;
    while (n < set->poollen + len) n *= 2;
    pool = (char *)set->alloc(set->ud, set->pool, set->poolsize, n);
    if (pool == NULL) return GL_ENOMEM;
    set->pool = pool;
    set->poolsize = n;
  }
  memcpy(set->pool + set->poollen, text, len);
  e->off = (uint32_t)set->poollen;
  e->len = (uint16_t)len;
  e->kind = (uint8_t)kind;
  set->poollen += len;
  set->count++;
  return GL_OK;
}

int gl_abbrev_add_defaults (gl_AbbrevSet *set) {
  size_t i;
  int kind;
  const char *a;
  for (i = 0; (a = gl_abbrev_default(i, &kind)) != NULL; i++) {
    if (gl_abbrev_add(set, a, strlen(a), kind) != GL_OK) return GL_ENOMEM;
  }
  return GL_OK;
}

int gl_abbrev_find (const gl_AbbrevSet *set, const unsigned char *s,
                    size_t len) {
  const gl_AbbrevEntry *e;
  if (set == NULL || set->count == 0 || len == 0 || len > GL_ABBREV_MAXLEN)
    return GL_ABBREV_NONE;
  e = find_slot(set, s, len);
  return e->len ? e->kind : GL_ABBREV_NONE;
}
