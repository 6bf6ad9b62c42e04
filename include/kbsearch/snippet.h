/* snippet.h — the highlighted excerpt shown for a passage.
 *
 * The FTS5 way: the window of KB_SNIPPET_TOKENS words with the most
 * distinct query leaves (then the most matches) is chosen, moved back a
 * little so the first match has some words before it, and copied from the
 * source bytes unchanged except that white space holding a line break
 * becomes one space (a snippet is one line of about three terminal lines).
 * "…" marks where the passage was cut.  Match spans are re-expressed in
 * snippet offsets, so a printer can colour them without re-matching.
 */
#ifndef KBSEARCH_SNIPPET_H
#define KBSEARCH_SNIPPET_H

#include <stddef.h>
#include "kbsearch/match.h"
#include "kbsearch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KB_SNIPPET_TOKENS 32

/* Offsets of a match: in the passage text, and in the snippet (both
 * [start,end) bytes; the snippet ones are KB_NOT_IN_SNIPPET when the match
 * lies outside the window). */
typedef struct kb_span {
    size_t start, end;
    size_t snip_start, snip_end;
    unsigned leaf;  /* index of the query leaf it satisfies */
    kb_match_how how;
} kb_span;

#define KB_NOT_IN_SNIPPET ((size_t)-1)

typedef struct kb_snippet {
    char *text;       /* NUL-terminated, malloc'd */
    size_t len;
    kb_span *spans;   /* every match of the passage, in text order */
    size_t nspans;
} kb_snippet;

/* Builds the snippet of `len` bytes of passage `text` from its matches.
 * The caller frees it with kb_snippet_free.  KB_OK or KB_ERR_NOMEM. */
kb_status kb_snippet_make(const char *text, size_t len, const kb_matches *mm,
                          kb_snippet *out);

/* Frees the snippet's arrays (the struct itself is the caller's). */
void kb_snippet_free(kb_snippet *s);

#ifdef __cplusplus
}
#endif
#endif
