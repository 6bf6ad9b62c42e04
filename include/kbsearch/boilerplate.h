/* boilerplate.h — telling a saved web page's chrome (menus, share bars,
 * related-article lists, paywalls, footers) from its content, passage by
 * passage, from evidence inside the file.
 *
 * Each signal adds to (or takes from) a score in percent; a passage whose
 * score reaches KB_CHROME_THRESHOLD is chrome.  kbindex stores the score
 * and the signals with each passage; kbsearch leaves chrome out unless
 * asked (--all) and then ranks it after all content.
 *
 *   signal        points  evidence
 *   short-lines    +40    the passage has short lines (<= 20 words, no
 *                         sentence end; an inline menu counts one per item)
 *                         and is in a run of consecutive non-prose passages
 *                         holding >= 3 of them: menus, tag and headline lists
 *   long-run       +20    ... and the run holds >= 8 of them
 *   links          +20    most of its lines are links, URLs or items cut by
 *                         separators (" | ", " › ", " · ", " » "); +30 when
 *                         one line lists 3 or more (tags, categories, menus)
 *   repeated       +30    most of its lines occur again in the file (the
 *                         file's title excepted)
 *   legal          +80    a copyright line ("©", "all rights reserved",
 *                         "copyright" + year) in a passage of <= 80 words
 *   tail           +30    after the article: after the last prose passage
 *   head           +10    before the article, and shaped like a menu: >= 3
 *                         lines of 2.5 words or fewer on average
 *   prose          -40    the passage is prose: >= 20 words, a sentence
 *                         end, >= 6 words a line, not mostly list items
 *   title          -30    it starts with the file's title (3+ words)
 *   markup         +70    the page's author marked it as furniture: inside
 *                         <nav>, <aside>, <form>, a page-level <header> or
 *                         <footer>, ARIA navigation/banner/contentinfo (a
 *                         chrome mark of the reader, extract.h)
 *
 * A code block (a code mark) gets no signal from its shape: short lines
 * without sentence ends are what code looks like.  A page with chrome
 * marks gets no position signals (head, tail): its markup places the
 * article.
 *
 * Position (head, tail) counts only on a page: a file with a legal line, an
 * inline menu (a line of >= 3 separators) or >= 2 repeated short lines, and
 * with >= 2 prose passages that are neither legal notices nor mostly links
 * to place the article (from the first to the last of them).  So a note's closing list
 * or its attendee list (no page evidence) stays content, and so do lists
 * inside an article (between prose passages).  No signal looks at what
 * the words are, except the legal line's fixed phrases.
 */
#ifndef KBSEARCH_BOILERPLATE_H
#define KBSEARCH_BOILERPLATE_H

#include <stddef.h>
#include "kbsearch/buf.h"
#include "kbsearch/record.h"
#include "kbsearch/segment.h"
#include "kbsearch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KB_CHROME_THRESHOLD 70

/* Signal bits, in the order of the table above. */
enum {
    KB_BP_SHORT_LINES = 1u << 0,
    KB_BP_LONG_RUN = 1u << 1,
    KB_BP_LINKS = 1u << 2,
    KB_BP_REPEATED = 1u << 3,
    KB_BP_LEGAL = 1u << 4,
    KB_BP_TAIL = 1u << 5,
    KB_BP_HEAD = 1u << 6,
    KB_BP_PROSE = 1u << 7,
    KB_BP_TITLE = 1u << 8,
    KB_BP_MARKUP = 1u << 9
};

typedef struct kb_chrome {
    unsigned score;   /* percent, 0..100 */
    unsigned signals; /* KB_BP_* bits that applied */
} kb_chrome;

/* Judges the `n` passages of one file (`text`, `len` bytes, as given to
 * kb_segment, with the title it found), in order; out[i] gets passage i's
 * verdict.  KB_OK or KB_ERR_NOMEM. */
kb_status kb_boilerplate(const char *text, size_t len, kb_str title,
                         const kb_passage *p, size_t n, kb_chrome *out);

/* Appends the names of the signals ("short-lines,tail", as in the table
 * above) to out; nothing when there are none. */
void kb_chrome_reasons(unsigned signals, kb_buf *out);

#ifdef __cplusplus
}
#endif
#endif
