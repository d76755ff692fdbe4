/*
** The compiled gazetteer: one flat, position-independent buffer that can be
** saved, memory-mapped read-only and shared by processes and Lua states.
** Plain C99: no Lua headers.
**
** Layout (all integers in the writer's byte order, checked by 'endian';
** every section starts on an 8-byte boundary; offsets are from the start
** of the buffer):
**
**   gl_GzHeader      magic "GLEANGZ\x1a", format version, byte-order mark,
**                    file size, checksum of everything (gl_gz_sign),
**                    counts, and the offset and size of each section.
**   OPTIONS          gl_GzOptions: case and accent modes, tokenizer switches,
**                    then nabbrev string ids (the user's abbreviations).
**   VOCAB_SLOTS      gl_GzSlot[nslots]: open-addressing table (nslots a power
**                    of two, linear probing from gl_gz_hash) of the folded
**                    tokens: id + 1 (0: empty slot), the root's child for the
**                    token (the first step of a walk), length and first
**                    bytes, so that most lookups read one cache line.
**   VOCAB_OFFS       uint32[nvocab + 1]: token id -> its bytes in VOCAB_POOL.
**   VOCAB_POOL       the folded tokens' bytes.
**   NODES            gl_GzNode[nnodes + 1]: the trie in breadth-first order;
**                    the children of node n are the nodes child of n to child
**                    of n+1 minus one (so every child's number is larger than
**                    its parent's); its entries are ENTRY_LIST[entry of n ..
**                    entry of n+1 - 1]. The last record closes both ranges.
**   NODE_LABEL       uint32[nnodes]: the token id on the edge into a node;
**                    strictly increasing among siblings.
**   EDGE_FILTER      uint64[nfilter]: a blocked Bloom filter of the edges
**                    (node, token) below the root: two bits in one word per
**                    edge, so that a walk that cannot go on stops after one
**                    read instead of a search (nfilter a power of two).
**   ENTRY_LIST       uint32[nentries]: entry ids, increasing within a node,
**                    with GL_GZ_L_CAPS set for smart-case capitals entries.
**   ENTRIES          gl_GzEntry[nentries + 1], in the order they were added:
**                    label and attributes (the last one only closes the
**                    range); an entry's phrase is the path to the node whose
**                    ENTRY_LIST range holds it.
**   ATTRS            gl_GzAttr[nattrs]: key, type and value of attributes
**                    other than the label.
**   STR_OFFS         uint32[nstrings + 1]: string id -> bytes in STR_POOL.
**   STR_POOL         labels, attribute keys and values, abbreviations.
**
** Sections follow each other in this order, each padded with zeros to a
** multiple of 8 bytes, the first right after the header: the checksum and
** the validation then read every byte once, section by section.
*/
#ifndef GL_GZFORMAT_H
#define GL_GZFORMAT_H

#include <string.h>

#include "gltypes.h"

#define GL_GZ_MAGIC       "GLEANGZ\x1a"
#define GL_GZ_VERSION     1u
#define GL_GZ_ENDIAN      0x01020304u

/* Longest phrase, in tokens (a walk never goes deeper). */
#if !defined(GL_GZ_MAX_DEPTH)
#define GL_GZ_MAX_DEPTH   255u
#endif

/* Transparent tokens (dashes) a walk may step over in a row. */
#if !defined(GL_GZ_MAX_SKIP)
#define GL_GZ_MAX_SKIP    2u
#endif

enum {
  GL_GZ_S_OPTIONS, GL_GZ_S_VOCAB_SLOTS, GL_GZ_S_VOCAB_OFFS, GL_GZ_S_VOCAB_POOL,
  GL_GZ_S_NODES, GL_GZ_S_NODE_LABEL, GL_GZ_S_EDGE_FILTER,
  GL_GZ_S_ENTRY_LIST, GL_GZ_S_ENTRIES, GL_GZ_S_ATTRS, GL_GZ_S_STR_OFFS,
  GL_GZ_S_STR_POOL, GL_GZ_NSECT
};

typedef struct gl_GzNode {
  uint32_t child;             /* first child */
  uint32_t entry;             /* first entry in ENTRY_LIST */
} gl_GzNode;

/* In ENTRY_LIST: the entry matches only text in capitals (smart case). */
#define GL_GZ_L_CAPS   0x80000000u

/* The edge filter's bits for (node, token): word index (masked by the
** caller) and the two bits in it. */
static inline uint64_t gl_gz_edge_hash (uint32_t node, uint32_t token) {
  uint64_t h = ((uint64_t)node << 32 | token) * 0x9E3779B97F4A7C15ull;
  return h ^ (h >> 29);
}
#define GL_GZ_EDGE_WORD(h)   ((size_t)((h) >> 12))
#define GL_GZ_EDGE_BITS(h)   ((1ull << ((h) & 63)) | (1ull << (((h) >> 6) & 63)))

/* Bytes of a token kept in its vocabulary slot. */
#define GL_GZ_PREFIX   7

/* In a slot's root field: that node has entries (the token alone is a phrase). */
#define GL_GZ_ROOT_TERMINAL   0x80000000u

typedef struct gl_GzSlot {
  uint32_t id;                /* token id + 1, or 0 for an empty slot */
  uint32_t root;              /* the root's child for the token, or 0;
                              ** with GL_GZ_ROOT_TERMINAL if it has entries */
  uint8_t len;                /* the token's length, 255 if longer */
  uint8_t prefix[GL_GZ_PREFIX];   /* its first bytes, zero-padded */
} gl_GzSlot;

typedef struct gl_GzSection {
  uint64_t offset, size;
} gl_GzSection;

typedef struct gl_GzHeader {
  char magic[8];
  uint32_t version, endian;
  uint64_t file_size;
  uint64_t checksum;          /* gl_gz_sign of the whole buffer */
  uint32_t nvocab, nslots, nnodes, nentries, nattrs, nstrings;
  uint32_t max_depth;         /* longest phrase, in tokens */
  uint32_t max_token_len;     /* longest vocabulary token, in bytes */
  uint32_t nphrases;          /* distinct phrases (nodes with entries) */
  uint32_t nfilter;           /* words of the edge filter */
  uint32_t reserved[6];
  gl_GzSection sect[GL_GZ_NSECT];
} gl_GzHeader;

/* Case modes and accent modes. */
enum { GL_GZ_CASE_FOLD, GL_GZ_CASE_EXACT, GL_GZ_CASE_SMART };
enum { GL_GZ_ACCENTS_FOLD, GL_GZ_ACCENTS_KEEP };

typedef struct gl_GzOptions {
  uint8_t case_mode, accents;
  uint8_t clitics, abbreviations, initials, urls, emails, numbers, emoji,
          punct_runs, hard_wraps, keep_space;
  uint32_t nabbrev;           /* followed by nabbrev uint32 string ids */
} gl_GzOptions;

/* Entry flags (while building; in the file they are in ENTRY_LIST). */
#define GL_GZ_E_CAPS   0x1u   /* smart case: written in capitals, match only so */

typedef struct gl_GzEntry {
  uint32_t label;             /* string id + 1, or 0 without a label */
  uint32_t attr_start;        /* attributes: [attr_start, next entry's) */
} gl_GzEntry;

enum { GL_GZ_T_STRING, GL_GZ_T_INTEGER, GL_GZ_T_NUMBER };

typedef struct gl_GzAttr {
  uint32_t key;               /* string id */
  uint32_t type;              /* GL_GZ_T_* */
  uint64_t value;             /* string id, int64 or double bits */
} gl_GzAttr;

/* The hash of a folded token (same at build and at lookup). */
static inline uint32_t gl_gz_hash (const unsigned char *s, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n, w;
  while (n >= 8) {
    memcpy(&w, s, 8);
    h = (h ^ w) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 32;
    s += 8;
    n -= 8;
  }
  w = 0;
  memcpy(&w, s, n);
  h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 29;
  return (uint32_t)h;
}

/* The matching form of tokens for a case and accent mode. */
GL_FUNC int gl_gz_form (int case_mode, int accents);

/* Checksum of a buffer whose size is a multiple of 8: Fletcher sums of its
** 64-bit words (flips and swaps show), at memory speed; also piece by piece
** (init, add words, end), which is how validation reads each byte once. */
typedef struct gl_GzSum {
  uint64_t a[4], b[4];
  uint64_t words;             /* words added so far */
} gl_GzSum;

GL_FUNC void gl_gzsum_init (gl_GzSum *s);
GL_FUNC void gl_gzsum_add (gl_GzSum *s, const unsigned char *p, size_t nwords);
GL_FUNC uint64_t gl_gzsum_end (const gl_GzSum *s);
GL_FUNC uint64_t gl_gz_checksum (const unsigned char *p, size_t n);

/* The checksum stored in a compiled buffer: of the header (its checksum
** field taken as 0) and of everything after it ('body': its checksum). */
GL_FUNC uint64_t gl_gz_sign (const unsigned char *buf, size_t size);
GL_FUNC uint64_t gl_gz_sign_sum (const unsigned char *buf, uint64_t body);

#endif
