/* segment.h — cutting a file's text into passages, the unit kbsearch ranks.
 *
 * Rules:
 *  - A paragraph is a run of non-blank lines; blank lines (only spaces,
 *    tabs, CR) separate paragraphs.  Lines end in LF or CRLF; a missing
 *    final newline is fine.  A line of KB_PARAGRAPH_LINE_BYTES or more
 *    that ends a sentence, followed by another that long, also ends its
 *    paragraph: pages saved as text often put one paragraph per line,
 *    while hard-wrapped text has no lines that long.
 *  - A heading is an explicit one (a heading mark of the reader: an HTML
 *    <h2>, a Markdown "# x", an Org "* x", an RST title and its underline)
 *    or, when the format allows guessing, a heading-like paragraph:
 *    one line of at most KB_HEADING_MAX_WORDS words and 120 bytes, with a
 *    letter, not ending in sentence punctuation (. ! ? , ; :), not a
 *    list item and not a link line (a Markdown link, a URL or two item
 *    separators, as in breadcrumbs and share bars).  A heading travels with the paragraph that follows it (the
 *    passage starts at the heading); a heading followed by another heading
 *    is a passage of its own.  Every passage carries the heading in force.
 *  - A paragraph of more than KB_WINDOW_MAX_WORDS words (or
 *    KB_WINDOW_MAX_BYTES bytes, for text without spaces) is cut at sentence
 *    ends into windows of about KB_WINDOW_WORDS words; a single sentence
 *    longer than the maximum is cut between words.
 *  - A passage is code, page chrome, or on a PDF page when its body (the
 *    text after a travelling heading) starts inside such a mark.
 *  - The title is the reader's (HTML <title>, front matter), else the
 *    first explicit heading, else the first non-blank line (at most 120
 *    bytes, cut between characters).
 */
#ifndef KBSEARCH_SEGMENT_H
#define KBSEARCH_SEGMENT_H

#include <stddef.h>
#include <stdbool.h>
#include "kbsearch/extract.h"
#include "kbsearch/record.h"
#include "kbsearch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KB_HEADING_MAX_WORDS 12
#define KB_WINDOW_MAX_WORDS 200
#define KB_WINDOW_WORDS 120
#define KB_WINDOW_MAX_BYTES 2000
#define KB_PARAGRAPH_LINE_BYTES 100

enum {
    KB_PASSAGE_CODE = 1u << 0,   /* inside a code mark */
    KB_PASSAGE_CHROME = 1u << 1  /* inside a chrome mark (<nav>, <footer>) */
};

typedef struct kb_passage {
    size_t byte_start;   /* [start,end) in the extract's text */
    size_t byte_end;
    unsigned line_start; /* 1-based, inclusive */
    unsigned line_end;
    kb_str heading;      /* heading text without markup (points into the
                            text), empty if none */
    size_t body_start;   /* where the text after a heading that travels
                            with the passage starts (byte_start if none) */
    unsigned page;       /* the page mark's value, or 0 */
    unsigned flags;      /* KB_PASSAGE_* */
} kb_passage;

/* Called per passage, in order; non-zero stops (returned by kb_segment). */
typedef int (*kb_passage_fn)(void *ctx, const kb_passage *p);

/* Segments the text of a reader's extract (extract.h), using its heading,
 * code, chrome and page marks; `guess_headings` (kb_format) allows
 * heading-like paragraphs.  *title (if not NULL) receives the file title
 * as a slice of the extract (empty if the text is blank).  Returns KB_OK,
 * KB_ERR_NOMEM, or the callback's non-zero value. */
kb_status kb_segment(const kb_extract *x, bool guess_headings, kb_passage_fn fn, void *ctx,
                     kb_str *title);

#ifdef __cplusplus
}
#endif
#endif
