/* tokenize.h — the one tokenizer for documents, queries and highlighting.
 *
 * kb_tokenize() walks UTF-8 text and calls back once per token with the
 * token's normalized term and the [start,end) byte range of its surface
 * form in the ORIGINAL text, so a caller can always slice the source.
 * Normalization is done per token, never on the whole text, which is what
 * keeps the offsets exact.
 *
 * Rules (each one is covered by tests/test_tokenize.c):
 *  - A word is a run of letters, digits and combining marks.  Normalized
 *    with NFKC + case folding, and diacritics (the Combining Diacritical
 *    Marks blocks) removed: "Café" -> "cafe", "ﬁnal" -> "final",
 *    "ＡＢＣ" -> "abc", "Straße" -> "strasse".  Marks that are part of a
 *    script's letters (kana voicing, Indic vowel signs) are kept.
 *    Default-ignorable characters (soft hyphen, zero-width joiner) vanish.
 *  - Apostrophes (' ’ ‘ ʼ ＇) between letters join the word and become
 *    ASCII "'": "don’t" -> "don't".  A possessive "'s" is dropped from the
 *    term (the offsets still cover it): "Korea’s" -> "korea".
 *  - Acronyms written with dots are one term: "U.S." -> "us",
 *    "R.O.K." -> "rok" (two or more single letters each followed by '.').
 *  - Numbers keep their digits and decimal points: "3.5" -> "3.5",
 *    "2026" -> "2026", "1.2.3" -> "1.2.3".  A comma followed by exactly
 *    three digits is a thousands separator and is dropped: "1,250" ->
 *    "1250", "12,345,678" -> "12345678"; any other comma separates.
 *  - Thousands groups separated by white space are joined as well, the
 *    token covering the whole surface: "1 250" -> "1250", "12 345 678" ->
 *    "12345678".  The separator is one U+0020 space, U+00A0 no-break
 *    space, U+2009 thin space or U+202F narrow no-break space.  The whole
 *    run must be a well-formed number, or nothing in it is joined:
 *      . a first group of 1-3 ASCII digits that is a whole number by
 *        itself (not "1.5", "1,250") and does not follow a digit and '.',
 *        ',' or a separator (it would be the tail of a decimal or of
 *        another number);
 *      . then one or more groups of exactly one separator and exactly
 *        three ASCII digits;
 *      . then no letter, digit or mark, no '.' followed by a digit, and no
 *        separator followed by a digit.
 *    So "2024 500", "1 2500", "5 100m", "1 250.5", "1  250" (two spaces)
 *    and "555 123 4567" all stay apart.  CJK characters are tokens of
 *    their own and may follow: "1 250円" -> "1250" "円".
 *  - Percent: a '%' or U+FF05 '％' right after a number, or after a number
 *    and one of the separators above, gives a token "percent" at the next
 *    position, covering the sign: "3.5%" and "3.5 %" -> "3.5" "percent",
 *    exactly as "3.5 percent" does.  A number here is a token made only of
 *    digits and the '.', ',' and separators the rules above join ("1 250%"
 *    too, but not "v2%").
 *  - Amounts: a number directly followed by "bn", "mn" or "tn" (ASCII, any
 *    case) that end the word gives the number, then "billion", "million"
 *    or "trillion" at the next position, covering the letters: "$2bn" ->
 *    "2" "billion", as in "USD 2 billion"; "3.5TN" -> "3.5" "trillion".
 *    "2bnd" stays one word, and "m" and "k" are no amounts (metres, kilo).
 *  - Hyphens and other punctuation separate words, at consecutive
 *    positions: "burden-sharing" -> "burden" "sharing", so a phrase query
 *    "burden sharing" matches it.
 *  - An underscore between word characters joins them, so identifiers stay
 *    whole: "snake_case" -> "snake_case"; "__init__" -> "init".
 *  - CJK runs (Han, Hiragana, Katakana, Hangul) give one unigram per
 *    character AND one bigram per adjacent pair; the bigram takes the
 *    position of its first character (flag KB_TOKEN_BIGRAM), so a phrase
 *    of consecutive bigrams matches a CJK word of any length.
 *  - Invalid UTF-8 bytes are separators: they never produce a token and
 *    never shift the offsets of the valid text around them.
 *  - A term longer than KB_TERM_MAX bytes after normalization (base64,
 *    hashes, URLs' long tails) is skipped: it would not fit a Xapian term
 *    and nobody types it.
 *  - Each token also carries `accent`: its term normalized the same way
 *    (NFKC, case folding, apostrophes, possessive) but keeping diacritics,
 *    so an index can store "café" beside "cafe" and score exact accents
 *    higher: "Café" -> "cafe" + "café", "José’s" -> "jose" + "josé".  It
 *    is NULL when it would equal the term (no diacritic was removed), and
 *    when it is longer than KB_TERM_MAX bytes (the term alone is kept).
 */
#ifndef KBSEARCH_TOKENIZE_H
#define KBSEARCH_TOKENIZE_H

#include <stddef.h>
#include "kbsearch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KB_TERM_MAX 64

/* Names the tokenizer's scheme and version.  It must change whenever any
 * rule above changes the terms or accents produced: the index records it,
 * and kbsearch refuses an index made by another tokenizer, whose terms
 * queries would silently miss. */
#define KB_TOKENIZER_ID "kb-2 nfkc-fold-unaccent+accent cjk-uni-bi num-groups pct-amounts"

enum kb_token_flags {
    KB_TOKEN_NUMBER = 1u << 0, /* the term starts with a digit */
    KB_TOKEN_CJK = 1u << 1,    /* a CJK unigram or bigram */
    KB_TOKEN_BIGRAM = 1u << 2  /* a CJK bigram (shares its position) */
};

typedef struct kb_token {
    const char *term;   /* normalized term; scratch, valid during the callback */
    size_t term_len;    /* bytes in term, without the terminating NUL */
    const char *accent; /* term keeping its diacritics, or NULL; scratch too */
    size_t accent_len;  /* bytes in accent (0 when it is NULL) */
    size_t start;       /* first byte of the surface form in the input */
    size_t end;         /* one past its last byte */
    unsigned pos;       /* word position, from 0; CJK bigrams share one */
    unsigned flags;     /* kb_token_flags */
} kb_token;

/* Called once per token, in text order.  `term` and `accent` are
 * NUL-terminated for convenience.  Return 0 to go on; any other value stops the walk and is
 * returned by kb_tokenize (return KB_DONE to stop without an error). */
typedef int (*kb_token_fn)(void *ctx, const kb_token *tok);

typedef struct kb_tokenizer kb_tokenizer;

/* Creates a tokenizer (it owns growable scratch buffers, so reuse one per
 * thread).  Returns KB_ERR_NOMEM on failure, with *out set to NULL. */
kb_status kb_tokenizer_new(kb_tokenizer **out);

/* Frees a tokenizer; NULL is accepted. */
void kb_tokenizer_free(kb_tokenizer *tk);

/* Tokenizes `len` bytes of `text` (need not be NUL-terminated, may hold
 * invalid UTF-8).  Returns KB_OK when the text was walked to its end, the
 * callback's non-zero value if it stopped the walk, or KB_ERR_NOMEM. */
kb_status kb_tokenize(kb_tokenizer *tk, const char *text, size_t len,
                      kb_token_fn fn, void *ctx);

/* Normalizes one word exactly as kb_tokenize would (fold, strip
 * diacritics, ASCII apostrophes), without splitting it.  The result is in
 * the tokenizer's scratch space, valid until the next call on `tk`.
 * Returns KB_OK, or KB_ERR_NOMEM. */
kb_status kb_normalize(kb_tokenizer *tk, const char *text, size_t len,
                       const char **term, size_t *term_len);

/* Like kb_normalize, but keeps diacritics: the form kb_token.accent has
 * ("Café" -> "café"), given even when it equals kb_normalize's result
 * ("Cafe" -> "cafe").  Same scratch space, lifetime and returns. */
kb_status kb_normalize_accented(kb_tokenizer *tk, const char *text, size_t len,
                                const char **term, size_t *term_len);

#ifdef __cplusplus
}
#endif
#endif
