/* acronym.h — acronyms defined in the text itself, found at index time so
 * that a query for the acronym finds passages that only spell it out, and
 * the reverse (lexicon.h stores them as synonyms).
 *
 * Two patterns: "long form (ACRO)" and "ACRO (long form)".  ACRO is one
 * word of 2 to KB_ACRONYM_MAX characters, letters and digits, starting
 * with a capital, with at least two capitals and no more lower-case
 * letters than capitals ("OPCON", "CFC", "MoU", "U.S." too).  It follows
 * the word before it with only white space between.  Its
 * letters must be the initials of the long form's words, in order: a word
 * may give several letters from its own start (OPerational CONtrol), and
 * small function words (of, and, the, for...) may give none.  Before the
 * parenthesis, the long form is the shortest run of words that does this,
 * all in one phrase (only spaces or hyphens between them), so "wartime
 * operational control (OPCON)" defines opcon = "operational control".
 * Inside the parenthesis, the long form is all of it (2 to
 * KB_ACRONYM_WORDS words).  Nothing fits: no definition.
 */
#ifndef KBSEARCH_ACRONYM_H
#define KBSEARCH_ACRONYM_H

#include <stddef.h>
#include "kbsearch/status.h"
#include "kbsearch/tokenize.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KB_ACRONYM_MAX 10
#define KB_ACRONYM_WORDS 10

/* `acronym` is the acronym's normalized term ("opcon"), `expansion` the
 * long form's normalized terms one space apart ("operational control");
 * both valid during the call.  A non-zero return stops the walk. */
typedef int (*kb_acronym_fn)(void *ctx, const char *acronym, size_t alen,
                             const char *expansion, size_t elen);

/* Calls fn for each definition in `len` bytes of text, in text order.
 * Returns KB_OK, fn's non-zero value, or KB_ERR_NOMEM. */
kb_status kb_find_acronyms(kb_tokenizer *tk, const char *text, size_t len, kb_acronym_fn fn,
                           void *ctx);

#ifdef __cplusplus
}
#endif
#endif
