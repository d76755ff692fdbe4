/*
** Token patterns: a program of several rules' patterns, compiled (by the
** Lua layer) into Thompson-NFA instructions over token predicates, and the
** machine that runs it in time linear in tokens x program size, whatever
** the pattern. Plain C99: no Lua headers.
**
** Each rule has two entry points: its forward pattern (for captures) and
** its reversed pattern. Finding matches runs all rules' reversed patterns
** in one pass from the last token to the first; threads in the same state
** merge, keeping the furthest match end, so that the pass yields, for
** every token, the longest match of each rule that starts there (gl_pm_find).
** A rule's matches are then its leftmost-longest non-overlapping ones; the
** forward pattern, run on a chosen match only, gives its captures
** (gl_pm_captures).
*/
#ifndef GL_PATTERN_H
#define GL_PATTERN_H

#include "gltypes.h"
#include "tokenize.h"

/* Instructions. */
enum {
  GL_OP_PRED,       /* consume one token satisfying predicate x */
  GL_OP_SPAN,       /* consume one whole span of label x */
  GL_OP_SPLIT,      /* go on at x, and at y (x first) */
  GL_OP_JMP,        /* go on at x */
  GL_OP_SOS,        /* assert: a sentence starts here */
  GL_OP_EOS,        /* assert: a sentence ends here */
  GL_OP_SAVE,       /* capture slot x := position */
  GL_OP_MATCH,      /* rule x matched */
  GL_OP_GUARD,      /* go on only if a rule of guard x may match in this text */
  GL_OP_COUNT
};

typedef struct gl_PInst {
  uint32_t op, x, y;
} gl_PInst;

/* Predicate types. */
enum {
  GL_PR_ANY, GL_PR_TEXT, GL_PR_LOWER, GL_PR_NORM, GL_PR_SHAPE, GL_PR_KIND,
  GL_PR_FLAGS, GL_PR_LABEL, GL_PR_EXTERN, GL_PR_NOT, GL_PR_AND, GL_PR_OR,
  GL_PR_COUNT
};

typedef struct gl_PPred {
  uint32_t type;
  uint32_t a, b;    /* TEXT..SHAPE: set id; KIND: bit mask of kinds; FLAGS:
                    ** mask, value; LABEL: label; EXTERN: callback number;
                    ** NOT: operand; AND/OR: operands in children[a .. a+b-1].
                    ** Operands have smaller ids than the predicate. */
} gl_PPred;

/* Deepest nesting of predicates a program may have. */
#define GL_PRED_MAX_DEPTH   64

/* Where an entry (see below) can start: a consuming instruction and the
** (sentence start, sentence end) conditions at the match's end under
** which it is reached (bit c for c = sos + 2 * eos). */
typedef struct gl_PStart {
  uint32_t pc, mask;
  uint32_t entry;               /* its entry, or UINT32_MAX: always on */
  uint32_t exact;               /* its key decides the predicate: no test */
} gl_PStart;

/* A dispatch key: a string as a token's text (form 0), lower (1), norm
** (2) or shape (3) form; the starts whose first token must have it, and the
** rules that such a token switches on (see below). */
typedef struct gl_PKey {
  uint32_t hash, form, str;     /* str: string id; used == 0: empty slot */
  uint32_t lo, n;               /* starts in disp[lo .. lo+n-1] */
  uint32_t rlo, rn;             /* rules it switches on, in rdisp[rlo ..] */
  uint32_t used;
} gl_PKey;

/* Starts sharing a predicate that no key describes. */
typedef struct gl_PGroup {
  uint32_t pred, lo, n;         /* starts in disp[lo .. lo+n-1] */
} gl_PGroup;

/* A compiled program. All memory comes from 'alloc'. */
typedef struct gl_Prog {
  gl_PInst *code;
  size_t ncode;
  uint32_t *fstart, *rstart;    /* per rule: forward and reversed entry;
                                ** rules may share a reversed entry */
  uint32_t *ncaps;              /* per rule: capture slots (2 per capture) */
  uint32_t *req;                /* per rule: a predicate some token of every
                                ** match satisfies, or UINT32_MAX; may be NULL */
  size_t nrules;
  gl_PPred *preds;
  size_t npreds;
  uint32_t *children;
  size_t nchildren;
  /* string sets: (set, string) pairs in one open-addressing table */
  uint32_t *set_slots;          /* 2 words a slot: set id + 1, string id */
  size_t nset_slots;
  uint32_t *str_offs;           /* nstrings + 1 */
  unsigned char *str_pool;
  size_t nstrings, str_cap, pool_cap;
  uint32_t nlabels, nexterns;
  uint32_t *pred_cls;           /* per predicate: token classes it can hold on
                                ** (see gl_token_class), made by gl_prog_finish */
  /* start dispatch, made by gl_prog_finish */
  gl_PStart *starts;
  size_t nstarts, cap_starts;
  /* guards: lists of rules, for GL_OP_GUARD */
  uint32_t *guard_lo;           /* nguards + 1 */
  uint32_t *guard_rules;
  size_t nguards, nguard_rules;
  /* entries: the distinct reversed starts, and the rules of each */
  uint32_t *entry_lo;           /* nentries + 1 */
  uint32_t *entry_rules;        /* nrules */
  size_t nentries;
  uint32_t *disp;               /* start numbers, grouped by key and group */
  size_t ndisp;
  gl_PKey *keys;                /* open addressing, a power of two */
  size_t nkeys;
  unsigned key_forms;           /* bit f: some key has form f */
  gl_PGroup *groups;
  size_t ngroups;
  uint32_t span_lo, span_n;     /* starts at SPAN instructions, in disp */
  /* rule prefilter: a rule runs over a text only if a token of the text
  ** has one of its required keys, or if it is always on */
  uint32_t *rdisp;              /* rule numbers, grouped by key */
  size_t nrdisp;
  unsigned char *always;        /* per rule (nrules + 1) */
  /* label requirements: rule i runs over a text only if one of the
  ** labels lreq[lreq_lo[i] .. lreq_lo[i+1]-1] is on a span of the text
  ** (none listed: no requirement); lreq_lo may be NULL */
  uint32_t *lreq_lo;            /* nlreq_lists + 1 (nlreq_lists == nrules) */
  uint32_t *lreq;
  size_t nlreq_lists, nlreq;    /* nlreq: the allocated size of lreq */
  int finished;
  gl_Alloc alloc;
  void *ud;
} gl_Prog;

/* A span given to the machine (from gazetteers and earlier phases). */
typedef struct gl_PSpan {
  uint32_t first, last;         /* token indexes, inclusive */
  uint32_t label;
} gl_PSpan;

/* A match: rule, tokens [first, last]. */
typedef struct gl_PMatch {
  uint32_t rule, first, last;
} gl_PMatch;

/* Calls back into the host for GL_PR_EXTERN predicates: 1 true, 0 false,
** negative for an error (the run then stops with GL_EHOST). */
typedef int (*gl_PExtern) (void *ctx, uint32_t ext, size_t token);

/* A vocabulary: the strings of the sets and keys of the programs
** registered with a forms store (gl_forms_add_prog), each with an id, and
** for each string its uses: (program, what, value) triples, grouped by
** string and ordered by program, where what is 0 for a set (value: the
** set) or 1 + f for a key of form f (value: the key's slot). A token's
** form is looked up once per text; each program then finds its keys and
** sets among the string's few uses, without hashing. */
typedef struct gl_PVocab {
  uint32_t *slots;              /* open addressing: string id + 1, 0 empty */
  size_t nslots;
  uint32_t *offs;               /* nstr + 1: the strings in pool */
  uint32_t *hash;               /* per string */
  size_t nstr, cap_offs, cap_hash;
  unsigned char *pool;
  size_t cap_pool;
  uint32_t *use_lo;             /* nstr + 1: string i's uses in uses[3 use_lo[i] ..] */
  uint32_t *uses;
  size_t nuses, cap_use_lo;     /* nuses triples */
  const struct gl_Prog **progs; /* the registered programs, by index */
  size_t nprogs, cap_progs;
} gl_PVocab;

/* The forms of a text's tokens (0 text, 1 lower, 2 norm, 3 shape) with
** their hashes and vocabulary ids, made on demand; every program run over
** the same tokens can share them (a pipeline keeps one, with the
** vocabulary of its programs, which stays from one text to the next). */
typedef struct gl_PForms {
  const gl_Token *tok;
  const unsigned char *text;
  size_t ntok;
  uint32_t *block;              /* 17 arrays of cap + 2 */
  size_t cap;
  uint32_t *off[4], *len[4], *hash[4];  /* len UINT32_MAX: not made yet */
  uint32_t *vid[4];             /* vocabulary id; UINT32_MAX: none, - 1: not known yet */
  uint32_t *src;                /* per token: bit f set when form f is in the text */
  unsigned char *pool;
  size_t poollen, cap_pool;
  gl_PVocab voc;
  /* The vocabulary ids of the forms of token texts seen before, in this
  ** text or an earlier one (most words recur): per distinct text an entry
  ** of TC_WORDS words (hash, pool offset, length, 4 ids, VUNSET until
  ** asked), found through open addressing (entry + 1, 0 empty). Cleared
  ** when the vocabulary changes, and at the next text once full. */
  uint32_t *tc_slots, *tc_ent;
  size_t tc_nslots, tc_n, tc_cap;
  unsigned char *tc_pool;
  size_t tc_poollen, tc_cap_pool;
  uint32_t *tok_ent;            /* per token: its entry + 1, 0 not looked up */
  gl_Alloc alloc;
  void *ud;
  int nomem;                    /* a form could not be made (out of memory) */
} gl_PForms;

/* Prepares forms for tokens (previous contents are dropped, the
** vocabulary kept); GL_OK or GL_ENOMEM. Zero the struct before the first
** call. */
GL_FUNC int gl_forms_init (gl_PForms *f, const gl_Token *tok, size_t ntok,
                           const unsigned char *text, gl_Alloc alloc, void *ud);
GL_FUNC void gl_forms_free (gl_PForms *f);
/* The index of a finished program in the vocabulary of a forms store, or
** -1 when not registered. */
GL_FUNC long gl_forms_prog_index (const gl_PForms *f, const struct gl_Prog *p);
/* Registers a finished program (its strings join the vocabulary): GL_OK,
** GL_EINVAL (not finished) or GL_ENOMEM (the program is then not
** registered and runs as without the store's vocabulary).
** The program must outlive the store, or at least its runs with it. The
** store's allocator must be set (gl_forms_init) first. */
GL_FUNC int gl_forms_add_prog (gl_PForms *f, const struct gl_Prog *p);

/* The state of running a program over one text; reusable for the next
** text. All arrays are grown with the allocator given to gl_pm_init and
** freed by gl_pm_free. */
typedef struct gl_PRun {
  const gl_Prog *prog;
  const gl_Token *tok;
  size_t ntok;
  gl_PExtern ext;
  void *ext_ctx;
  int failed;                   /* an extern callback failed */
  uint64_t work;                /* instructions visited and threads stepped:
                                ** linear in tokens x program size */
  gl_Alloc alloc;
  void *ud;
  /* spans, by first token and by last token */
  gl_PSpan *by_first, *by_last;
  size_t nspans, cap_first, cap_last;
  uint32_t *first_index, *last_index;   /* ntok + 2: where each token's spans begin */
  uint64_t *cover;              /* ntok x cover_words bits: labels over a token */
  size_t cover_words, cap_cover;
  /* forms of tokens: given to gl_pm_init, or own_forms */
  gl_PForms *forms, own_forms;
  uint32_t vidx;                /* the program's index in forms' vocabulary, or
                                ** UINT32_MAX: not registered (sets hashed) */
  uint32_t *tok_key[4];         /* the key slot + 1 of each token's form, or 0 */
  uint32_t *tok_cls;            /* each token's class (see token_class in pattern.c) */
  unsigned char *ext_memo;      /* nexterns x ntok: 0 unknown, 1 false, 2 true */
  size_t cap_memo;
  /* blocks holding the token-, instruction- and predicate-indexed arrays */
  uint32_t *tokblock;           /* TOK_ARRAYS arrays of cap_tok + 2 */
  unsigned char *codeblock, *predblock;
  size_t cap_tok, cap_code, cap_preds;
  uint32_t *memo_at;            /* per predicate: token + 1 of memo_val */
  unsigned char *memo_val;
  /* machine scratch, sized by the program */
  uint32_t *cur, *e_cur, *nxt, *e_nxt, *visit, *member, *stack;
  uint64_t *sortbuf;
  size_t cap_stack;
  uint32_t gen;
  struct gl_PPending *pend;
  uint32_t *pend_head;          /* ntok + 2 */
  size_t npend, cap_pend;
  gl_PMatch *found;
  size_t nfound, cap_found;
  uint32_t *last_end;           /* per rule */
  unsigned char *active;        /* per rule: may match in this text */
  unsigned char *entry_active;  /* per entry: one of its rules may */
  unsigned char *guard_active;  /* per guard: one of its rules may */
  unsigned char *group_active;  /* per start group: one of its starts may */
  unsigned char *label_on;      /* per label: some span of the text has it */
  size_t cap_rules, cap_active, cap_entry_active, cap_guard_active;
  size_t cap_group_active, cap_label_on;
  uint32_t *caps;               /* capture arrays of threads (gl_pm_captures) */
  size_t cap_caps;
} gl_PRun;

GL_FUNC void gl_prog_init (gl_Prog *p, gl_Alloc alloc, void *ud);
GL_FUNC void gl_prog_free (gl_Prog *p);
/* Makes room for nstrings more strings in the sets, so that adding them
** does not grow the table again and again; GL_OK or GL_ENOMEM. */
GL_FUNC int gl_prog_reserve (gl_Prog *p, size_t nstrings);
/* Adds a string to set 'set'; GL_OK or GL_ENOMEM. */
GL_FUNC int gl_prog_add_string (gl_Prog *p, uint32_t set, const char *s, size_t len);
/* Checks a program filled in by the caller (code, starts, predicates) and
** builds its start dispatch: GL_OK, GL_EINVAL (with *why set) or
** GL_ENOMEM. Only a finished program can run. */
GL_FUNC int gl_prog_finish (gl_Prog *p, const char **why);

/* Prepares a run over tokens; forms, if not NULL, are prepared for the
** same tokens (gl_forms_init) and shared; GL_OK, GL_ETOOBIG or GL_ENOMEM. */
GL_FUNC int gl_pm_init (gl_PRun *r, const gl_Prog *p, const gl_Token *tok, size_t ntok,
                        const unsigned char *text, gl_PForms *forms, gl_Alloc alloc,
                        void *ud);
GL_FUNC void gl_pm_free (gl_PRun *r);
/* Adds a span (before gl_pm_find); out-of-range spans are ignored.
** GL_OK or GL_ENOMEM. */
GL_FUNC int gl_pm_add_span (gl_PRun *r, uint32_t first, uint32_t last, uint32_t label);

/* Finds every rule's leftmost-longest non-overlapping matches, into
** r->found (by first token). GL_OK, GL_ENOMEM or GL_EHOST. */
GL_FUNC int gl_pm_find (gl_PRun *r);

/* The captures of rule 'rule' matching tokens [first, last]: fills
** slots[0 .. ncaps[rule]-1] with token positions (UINT32_MAX: unset).
** GL_OK, GL_ENOMEM, GL_EHOST, or -1 when the pattern does not match there. */
GL_FUNC int gl_pm_captures (gl_PRun *r, uint32_t rule, uint32_t first, uint32_t last,
                            uint32_t *slots);

#endif
