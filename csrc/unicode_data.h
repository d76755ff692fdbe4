/* Generated from Unicode 15.0.0 by tools/gen_unicode.lua; do not edit. */
/*
** Unicode property and folding tables for glean (see unicode_data.c).
** Plain C: no Lua headers, usable from fuzzers and tests.
*/
#ifndef GL_UNICODE_DATA_H
#define GL_UNICODE_DATA_H

#include <stdint.h>
#include "gltypes.h"

#define GL_UNICODE_VERSION "15.0.0"

/* Word_Break values (UAX #29) */
enum {
  GL_WB_OTHER = 0,
  GL_WB_CR = 1,
  GL_WB_LF = 2,
  GL_WB_NEWLINE = 3,
  GL_WB_EXTEND = 4,
  GL_WB_ZWJ = 5,
  GL_WB_REGIONAL_INDICATOR = 6,
  GL_WB_FORMAT = 7,
  GL_WB_KATAKANA = 8,
  GL_WB_HEBREW_LETTER = 9,
  GL_WB_ALETTER = 10,
  GL_WB_SINGLE_QUOTE = 11,
  GL_WB_DOUBLE_QUOTE = 12,
  GL_WB_MIDNUMLET = 13,
  GL_WB_MIDLETTER = 14,
  GL_WB_MIDNUM = 15,
  GL_WB_NUMERIC = 16,
  GL_WB_EXTENDNUMLET = 17,
  GL_WB_WSEGSPACE = 18
};

/* Sentence_Break values (UAX #29) */
enum {
  GL_SB_OTHER = 0,
  GL_SB_CR = 1,
  GL_SB_LF = 2,
  GL_SB_EXTEND = 3,
  GL_SB_SEP = 4,
  GL_SB_FORMAT = 5,
  GL_SB_SP = 6,
  GL_SB_LOWER = 7,
  GL_SB_UPPER = 8,
  GL_SB_OLETTER = 9,
  GL_SB_NUMERIC = 10,
  GL_SB_ATERM = 11,
  GL_SB_SCONTINUE = 12,
  GL_SB_STERM = 13,
  GL_SB_CLOSE = 14
};

/* General_Category values */
enum {
  GL_GC_CN = 0,
  GL_GC_LU = 1,
  GL_GC_LL = 2,
  GL_GC_LT = 3,
  GL_GC_LM = 4,
  GL_GC_LO = 5,
  GL_GC_MN = 6,
  GL_GC_MC = 7,
  GL_GC_ME = 8,
  GL_GC_ND = 9,
  GL_GC_NL = 10,
  GL_GC_NO = 11,
  GL_GC_PC = 12,
  GL_GC_PD = 13,
  GL_GC_PS = 14,
  GL_GC_PE = 15,
  GL_GC_PI = 16,
  GL_GC_PF = 17,
  GL_GC_PO = 18,
  GL_GC_SM = 19,
  GL_GC_SC = 20,
  GL_GC_SK = 21,
  GL_GC_SO = 22,
  GL_GC_ZS = 23,
  GL_GC_ZL = 24,
  GL_GC_ZP = 25,
  GL_GC_CC = 26,
  GL_GC_CF = 27,
  GL_GC_CS = 28,
  GL_GC_CO = 29
};

/* Classes of a byte (gl_ascii_class); bytes >= 0x80 have GL_A_SBSTOP only. */
#define GL_A_UPPER    0x001u   /* Lu */
#define GL_A_LOWER    0x002u   /* Ll */
#define GL_A_DIGIT    0x004u   /* Nd */
#define GL_A_SPACE    0x008u   /* White_Space */
#define GL_A_BREAK    0x010u   /* a line break (CR, LF, VT, FF) */
#define GL_A_PUNCT    0x020u   /* P* */
#define GL_A_SYMBOL   0x040u   /* S* */
#define GL_A_QUOTE    0x080u   /* Quotation_Mark */
#define GL_A_BRACKET  0x100u   /* Ps or Pe, not a quotation mark */
#define GL_A_JOINER   0x200u   /* may join letters or digits (WB6-WB13a) */
#define GL_A_SBSTOP   0x400u   /* may end a sentence (SB4, SB11) */
#define GL_A_ALNUM    (GL_A_UPPER | GL_A_LOWER | GL_A_DIGIT)

/* A code point's properties packed in 16 bits. */
#define GL_P_WB(p)        ((p) & 0x1Fu)
#define GL_P_SB(p)        (((p) >> 5) & 0x0Fu)
#define GL_P_GC(p)        (((p) >> 9) & 0x1Fu)
#define GL_P_EXTPICT      0x4000u
#define GL_P_WHITE        0x8000u

#define GL_PROPS_SHIFT    7
#define GL_FOLD_SHIFT     7
#define GL_FOLD_IDENTITY  0xFFu   /* fold length: maps to itself */
#define GL_FOLD_MAX_EXPANSION 3  /* folded bytes per input byte, at most */

/* Folded forms (see normalize.h). */
enum { GL_FORM_LOWER, GL_FORM_NORM, GL_FORM_CASE, GL_FORM_ACCENT, GL_FORM_UNIFY, GL_FORM_COUNT };

typedef struct gl_FoldEntry {
  uint16_t off[GL_FORM_COUNT];    /* offsets into gl_fold_pool */
  uint8_t len[GL_FORM_COUNT];     /* byte lengths, or GL_FOLD_IDENTITY */
} gl_FoldEntry;

GL_DATA const char gl_unicode_version[];
GL_DATA const uint16_t gl_ascii_class[256];
GL_DATA const uint16_t gl_props_stage1[8704];
GL_DATA const uint16_t gl_props_stage2[33920];
GL_DATA const uint8_t gl_fold_stage1[8704];
GL_DATA const uint16_t gl_fold_stage2[6272];
GL_DATA const gl_FoldEntry gl_fold_entries[1631];
GL_DATA const unsigned char gl_fold_pool[4407];
GL_DATA const uint32_t gl_quote_ranges[13][2];
GL_DATA const uint32_t gl_emoji_presentation_ranges[81][2];

/* Properties of a code point (cp < 0x110000). */
static inline unsigned gl_props (uint32_t cp) {
  unsigned block = gl_props_stage1[cp >> GL_PROPS_SHIFT];
  return gl_props_stage2[(block << GL_PROPS_SHIFT) |
                         (cp & ((1u << GL_PROPS_SHIFT) - 1))];
}

/* Fold entry of a code point (cp < 0x110000); NULL when it folds to itself. */
static inline const gl_FoldEntry *gl_fold_entry (uint32_t cp) {
  unsigned block = gl_fold_stage1[cp >> GL_FOLD_SHIFT];
  unsigned k = gl_fold_stage2[(block << GL_FOLD_SHIFT) |
                              (cp & ((1u << GL_FOLD_SHIFT) - 1))];
  return k ? &gl_fold_entries[k] : NULL;
}

#endif
