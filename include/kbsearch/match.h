/* match.h — finding a parsed query's words in a passage's text.
 *
 * The matcher re-tokenizes stored text with the document tokenizer and
 * marks the tokens that satisfy a query leaf (the FTS5 highlight idea): a
 * word matches its exact form, any word with the same stem, and its
 * alternatives (spelling variants, synonyms: a multi-word synonym as a
 * phrase); a phrase matches its exact forms at consecutive positions and
 * gives one span; a prefix any word starting with it; NEAR and ADJ mark
 * their words only where the window matched.  Excluded words are never
 * marked.  It serves both ranking (which query leaves a passage
 * satisfies) and highlighting (where, and how).
 */
#ifndef KBSEARCH_MATCH_H
#define KBSEARCH_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include "kbsearch/query.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How a matched place satisfies its leaf. */
typedef enum kb_match_how {
    KB_MATCH_EXACT,      /* the word as typed (after normalization) */
    KB_MATCH_STEM,       /* another form with the same stem */
    KB_MATCH_PHRASE,     /* the whole phrase */
    KB_MATCH_PARTIAL,    /* one word of a phrase not found as a phrase */
    KB_MATCH_PREFIX,     /* a word starting with the prefix */
    KB_MATCH_NEAR,       /* a word of a NEAR/ADJ window that matched */
    KB_MATCH_VARIANT,    /* a British/American spelling variant */
    KB_MATCH_SYNONYM,    /* a synonym (acronym, synonyms.txt) */
    KB_MATCH_CORRECTION  /* the spelling correction of the typed word */
} kb_match_how;

/* "exact", "stem", ...: the names JSON output uses. */
const char *kb_match_how_name(kb_match_how how);

/* One matched place: [start,end) in the matched text; `leaf` is the index
 * of the query leaf it satisfies. */
typedef struct kb_mspan {
    size_t start;
    size_t end;
    unsigned leaf;
    kb_match_how how;
} kb_mspan;

/* A token of the matched text, kept for snippet windows. */
typedef struct kb_mtoken {
    size_t start, end;  /* bytes in the text */
    unsigned pos;
} kb_mtoken;

/* What matching one text produced; arrays owned by the matcher, valid
 * until its next kb_match call. */
typedef struct kb_matches {
    const kb_mspan *spans;  /* sorted by start, not overlapping */
    size_t nspans;
    const kb_mtoken *tokens;/* every word token of the text, in order (CJK
                               unigrams only) */
    size_t ntokens;
    const unsigned char *leaf_hit; /* per leaf: 2 fully matched (a phrase
                               as a phrase), 1 partly (some of its words),
                               0 not at all */
} kb_matches;

typedef struct kb_matcher kb_matcher;

/* A matcher for `q` (not copied: it must outlive the matcher).  The
 * tokenizer and stemmer (may be NULL) are borrowed too. */
kb_status kb_matcher_new(const kb_query *q, kb_tokenizer *tk, kb_stemmer *stemmer,
                         kb_matcher **out);
void kb_matcher_free(kb_matcher *m);

/* The positive leaves (kb_qnode.leaf order). */
size_t kb_matcher_leaf_count(const kb_matcher *m);
const kb_qnode *kb_matcher_leaf(const kb_matcher *m, size_t i);

/* Matches `len` bytes of `text`.  Returns KB_OK or KB_ERR_NOMEM. */
kb_status kb_match(kb_matcher *m, const char *text, size_t len, kb_matches *out);

#ifdef __cplusplus
}
#endif
#endif
