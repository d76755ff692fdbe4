/*
** The tokeniser: UAX #29 words refined for extraction (clitics,
** abbreviations, URLs, e-mail addresses, emoji, punctuation runs), with
** per-token flags and news-aware sentence boundaries.
** Plain C99: no Lua headers.
*/
#ifndef GL_TOKENIZE_H
#define GL_TOKENIZE_H

#include "gltypes.h"
#include "abbrev.h"

/* Token kinds; gl_kind_names in tokenize.c follows this order. */
enum {
  GL_KIND_WORD, GL_KIND_NUMBER, GL_KIND_PUNCT, GL_KIND_SYMBOL, GL_KIND_SPACE,
  GL_KIND_NEWLINE, GL_KIND_URL, GL_KIND_EMAIL, GL_KIND_EMOJI, GL_KIND_INVALID,
  GL_KIND_COUNT
};

/* Token flags. */
#define GL_F_TITLE          0x0001u  /* capitalised: "Moore", "McDonald", "A" */
#define GL_F_UPPER          0x0002u  /* cased letters, none lower case: "MI6" */
#define GL_F_LOWER          0x0004u  /* cased letters, none upper case */
#define GL_F_ALPHA          0x0008u  /* letters (and marks) only */
#define GL_F_DIGIT          0x0010u  /* decimal digits only */
#define GL_F_PUNCT          0x0020u  /* punctuation only */
#define GL_F_QUOTE          0x0040u  /* quotation marks only */
#define GL_F_BRACKET        0x0080u  /* opening or closing brackets only */
#define GL_F_SENT_START     0x0100u  /* first token of a sentence */
#define GL_F_SPACE_AFTER    0x0200u  /* whitespace follows */
#define GL_F_NEWLINE_AFTER  0x0400u  /* ... and it holds a line break */
#define GL_F_PARA_AFTER     0x0800u  /* ... and a blank line */
#define GL_F_ABBREV         0x1000u  /* abbreviation or initial with its period */
#define GL_F_CLITIC         0x2000u  /* clitic split from the word before */
#define GL_F_HAS_LOWER      0x4000u  /* has a lower-case letter */
#define GL_F_HAS_UPPER      0x8000u  /* has an upper-case or title-case letter */

typedef struct gl_Token {
  uint32_t start, stop;   /* 0-based byte range [start, stop) */
  uint16_t flags;
  uint8_t kind;
  uint8_t abbrev;         /* GL_ABBREV_* kind for GL_F_ABBREV tokens */
} gl_Token;

typedef struct gl_TokOptions {
  unsigned char keep_space;     /* emit whitespace as space/newline tokens */
  unsigned char clitics;        /* "Putin’s" -> "Putin" "’s", "don't" -> "do" "n't" */
  unsigned char abbreviations;  /* "Mr." "U.S." kept whole */
  unsigned char initials;       /* "J." kept whole */
  unsigned char urls;           /* URLs as one token */
  unsigned char emails;         /* e-mail addresses as one token */
  unsigned char numbers;        /* "1,250.5" as one token (else split) */
  unsigned char emoji;          /* emoji sequences get kind emoji */
  unsigned char punct_runs;     /* "..." "--" as one token */
  unsigned char hard_wraps;     /* no sentence break at a line wrapped mid-sentence */
  unsigned char sentences;      /* find sentence boundaries */
  unsigned char reference;      /* general path only, no ASCII fast paths (tests) */
  const gl_AbbrevSet *abbrevs;  /* consulted when abbreviations is set */
} gl_TokOptions;

/* Output arrays, grown with 'alloc'; owned by the caller. */
typedef struct gl_Tokens {
  gl_Token *tok;
  size_t ntok, captok;
  uint32_t *sent;          /* index of the first token of each sentence */
  size_t nsent, capsent;
  gl_Alloc alloc;
  void *ud;
} gl_Tokens;

GL_DATA const char *const gl_kind_names[GL_KIND_COUNT];

GL_FUNC void gl_tokopts_default (gl_TokOptions *o);
GL_FUNC void gl_tokens_init (gl_Tokens *t, gl_Alloc alloc, void *ud);
GL_FUNC void gl_tokens_free (gl_Tokens *t);

/*
** Tokenises s[0..len) into t (previous contents are discarded). Returns
** GL_OK, GL_ENOMEM (t keeps what was built, still to be freed) or
** GL_ETOOBIG.
*/
GL_FUNC int gl_tokenize (gl_Tokens *t, const unsigned char *s, size_t len,
                         const gl_TokOptions *o);

/* Sentence number (0-based) of token i, by binary search. */
GL_FUNC size_t gl_sentence_of (const gl_Tokens *t, size_t i);

#endif
