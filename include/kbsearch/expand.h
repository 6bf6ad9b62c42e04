/* expand.h — matching that forgives how text is written: a parsed query's
 * words get the other forms the index holds for them.
 *
 * For each word not in quotes:
 *  - British/American spelling variants (variants.h) that occur in the
 *    index become alternatives (colour finds color);
 *  - the index's synonyms (acronyms defined in the indexed text, the
 *    user's .kbsearch/synonyms.txt) become alternatives, a multi-word one
 *    as a phrase; a run of 2 to KB_SYNONYM_WORDS words typed side by side
 *    that is a synonym key ("operational control") is merged into one
 *    phrase leaf with the synonym ("opcon") as alternative;
 *  - spelling: a word of KB_CORRECT_MIN_LEN bytes or more that no passage
 *    holds (nor its stem, variants or synonyms), or that at most
 *    KB_RARE_DF passages hold while a word one or two edits away
 *    (Xapian's spelling table) is in KB_CORRECT_RATIO times as many, is
 *    replaced by that word; the node keeps the typed word in
 *    corrected_from.  A word in quotes is never corrected.
 * Quoted words and phrases are searched as written.
 */
#ifndef KBSEARCH_EXPAND_H
#define KBSEARCH_EXPAND_H

#include <stdbool.h>
#include "kbsearch/index.h"
#include "kbsearch/query.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KB_SYNONYM_WORDS 6
#define KB_CORRECT_MIN_LEN 4
#define KB_RARE_DF 2
#define KB_CORRECT_RATIO 50

typedef struct kb_expand_opts {
    bool correct;   /* correct spelling (kbsearch --no-correct clears it) */
} kb_expand_opts;

/* Expands q in place against db.  The tokenizer and stemmer must be the
 * ones q was parsed with.  Returns KB_OK, KB_ERR_NOMEM or the engine's
 * failure (its message in kb_db_last_error). */
kb_status kb_query_expand(kb_query *q, kb_db *db, kb_tokenizer *tk, kb_stemmer *stemmer,
                          const kb_expand_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
