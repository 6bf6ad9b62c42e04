/* segment.h — cutting a file's text into passages, the unit kbsearch ranks.
 *
 * Rules:
 *  - A paragraph is a run of non-blank lines; blank lines (only spaces,
 *    tabs, CR) separate paragraphs.  Lines end in LF or CRLF; a missing
 *    final newline is fine.  A line of KB_PARAGRAPH_LINE_BYTES or more
 *    that ends a sentence, followed by another that long, also ends its
 *    paragraph: pages saved as text often put one paragraph per line,
 *    while hard-wrapped text has no lines that long.
 *  - A heading is an explicit one (Markdown "# x", Org "* x", an RST title
 *    underlined with = - ~ ^ " ' ` # * + :) or a heading-like paragraph:
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
 *  - Markdown front matter (a first line "---" up to the next "---") is
 *    not a passage; its "title:" line, when present, is the file title.
 *  - The title is the front-matter title, else the first explicit heading,
 *    else the first non-blank line (at most 120 bytes, cut between
 *    characters).
 */
#ifndef KBSEARCH_SEGMENT_H
#define KBSEARCH_SEGMENT_H

#include <stddef.h>
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

typedef enum kb_syntax {
    KB_SYNTAX_PLAIN,     /* .txt and extensionless */
    KB_SYNTAX_MARKDOWN,  /* .md .markdown */
    KB_SYNTAX_RST,       /* .rst */
    KB_SYNTAX_ORG        /* .org */
} kb_syntax;

typedef struct kb_passage {
    size_t byte_start;   /* [start,end) in the text given to kb_segment */
    size_t byte_end;
    unsigned line_start; /* 1-based, inclusive */
    unsigned line_end;
    kb_str heading;      /* heading text without markup (points into the
                            text), empty if none */
    size_t body_start;   /* where the text after a heading that travels
                            with the passage starts (byte_start if none) */
} kb_passage;

/* Called per passage, in order; non-zero stops (returned by kb_segment). */
typedef int (*kb_passage_fn)(void *ctx, const kb_passage *p);

/* Segments `len` bytes of UTF-8 `text`.  *title (if not NULL) receives the
 * file title as a slice of `text` (empty if the text is blank).  Returns
 * KB_OK, KB_ERR_NOMEM, or the callback's non-zero value. */
kb_status kb_segment(const char *text, size_t len, kb_syntax syntax,
                     kb_passage_fn fn, void *ctx, kb_str *title);

/* The syntax for a file name, by extension (unknown: plain). */
kb_syntax kb_syntax_for_path(const char *path);

#ifdef __cplusplus
}
#endif
#endif
