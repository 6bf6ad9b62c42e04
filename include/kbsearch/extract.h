/* extract.h — a file as its format's reader sees it: the text a person
 * reads, the structure around it, and a map from every byte of that text
 * back to the bytes of the source file, so results still point at the
 * right line and column of the file an editor opens.
 *
 * A reader (one module per format, listed in format.h) fills a kb_extract
 * from the file's bytes with the builder calls below:
 *  - text: UTF-8.  A blank line ("\n\n") separates blocks (paragraphs,
 *    headings, list items and code blocks of their own); "\n" separates
 *    lines within a block (list items of one list, table rows, <br>).
 *    The segmenter cuts passages on this layout only, so a reader puts
 *    every heading in a block of its own.
 *  - runs (kb_run, record.h): text bytes [text, text + len) came from source bytes
 *    [src, src + src_len).  A verbatim run's text is a copy of its source
 *    bytes, so an offset inside it maps byte for byte; any other run (a
 *    decoded entity, whitespace collapsed to one space) maps as a whole.
 *    Layout added by kb_extract_break maps to no source bytes.  Runs are
 *    added in source order (src never goes back).
 *  - identity: no runs at all, and the text is the source itself (plain
 *    text, Org, reStructuredText): offsets need no map.
 *  - marks: ranges of the text with a role (a heading and its level, code,
 *    page chrome such as <nav> and <footer>, a PDF page).
 *  - title and tags: from the file's own metadata (<title>, front matter).
 *
 * Builder calls keep a sticky status like kb_buf: check kb_extract_status
 * once at the end.
 */
#ifndef KBSEARCH_EXTRACT_H
#define KBSEARCH_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include "kbsearch/buf.h"
#include "kbsearch/record.h"
#include "kbsearch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum kb_mark_kind {
    KB_MARK_HEADING, /* value: level 1..; label: the heading's words */
    KB_MARK_CODE,    /* a code block: indexed, shown as code */
    KB_MARK_CHROME,  /* the author marked it as page furniture (<nav>,
                        <header>, <footer>, <aside>, <form>, ARIA
                        navigation/banner/contentinfo): boilerplate
                        evidence (boilerplate.h) */
    KB_MARK_PAGE     /* value: 1-based page number (PDF) */
} kb_mark_kind;

typedef struct kb_mark {
    kb_mark_kind kind;
    unsigned value;
    size_t start, end;              /* [start,end) in the text */
    size_t label_start, label_end;  /* headings: the words without markup
                                       (an Org "* " or an RST underline is
                                       inside [start,end) but not here) */
} kb_mark;

typedef struct kb_extract {
    const char *src;    /* the source bytes (not owned) */
    size_t src_len;
    kb_buf text;        /* empty when identity: the text is src itself */
    bool identity;
    kb_run *runs;
    size_t nruns, runs_cap;
    kb_mark *marks;     /* in order of start (kb_extract_mark keeps it) */
    size_t nmarks, marks_cap;
    kb_buf title;       /* from the file's metadata, or empty */
    kb_buf tags;        /* NUL-terminated tags, one after another */
    size_t repaired;    /* source bytes that were not valid UTF-8 (read as
                           spaces or U+FFFD), for the indexer's warning */
    size_t first_bad;   /* source offset of the first of them */
    kb_buf why;         /* KB_ERR_FORMAT: what is wrong with the file */
    kb_status st;       /* sticky: the first failure of a builder call */
    /* where run line/column computing has got to in the source */
    size_t scan_off;
    unsigned scan_line;
    kb_column scan_col;
} kb_extract;

/* Starts an empty extract of `src` (`len` bytes, kept, not copied: it
 * must outlive the extract).  src[len] must be a NUL byte, as in
 * kb_read_text's buffers: md4c's scanning (strcspn) relies on it.  Free
 * with kb_extract_free. */
void kb_extract_init(kb_extract *x, const char *src, size_t len);
void kb_extract_free(kb_extract *x);

/* Makes the extract the source itself (plain text): no copy, no runs. */
void kb_extract_identity(kb_extract *x);

/* The text and its length, identity or not. */
const char *kb_extract_text(const kb_extract *x);
size_t kb_extract_len(const kb_extract *x);

/* Appends `n` bytes of `text` that came from source [src, src + src_len);
 * verbatim when they are those bytes.  Nothing happens for n == 0. */
void kb_extract_add(kb_extract *x, const char *text, size_t n, size_t src, size_t src_len);

/* Appends text that has no place in the source to map to (text a reader
 * extracts from a PDF's content streams): offsets in such an extract are
 * offsets in its text. */
void kb_extract_add_text(kb_extract *x, const char *text, size_t n);

/* Appends source [src, src + n) verbatim. */
void kb_extract_copy(kb_extract *x, size_t src, size_t n);

/* Appends one space standing for source [src, src + src_len) (collapsed
 * whitespace, a tag between words), unless the text is empty or already
 * ends in whitespace: a run of spaces and tags gives one space. */
void kb_extract_space(kb_extract *x, size_t src, size_t src_len);

/* Ends the current line (lines == 1) or block (lines == 2): trailing
 * spaces are dropped and "\n" or "\n\n" added, never more newlines than
 * that in a row and none at the start of the text. */
void kb_extract_break(kb_extract *x, int lines);

/* Adds a mark over text [start, end) (label: the same range; see
 * kb_extract_heading for headings with markup).  Marks may be added in
 * any order and may nest. */
void kb_extract_mark(kb_extract *x, kb_mark_kind kind, unsigned value, size_t start, size_t end);

/* A heading of `level` over [start,end) whose words are [label_start,
 * label_end). */
void kb_extract_heading(kb_extract *x, unsigned level, size_t start, size_t end,
                        size_t label_start, size_t label_end);

/* Sets the title (whitespace runs become one space, ends trimmed) and
 * adds a tag (trimmed; empty ones ignored). */
void kb_extract_set_title(kb_extract *x, const char *p, size_t n);
void kb_extract_add_tag(kb_extract *x, const char *p, size_t n);

/* Records source bytes that were not valid UTF-8 (for the warning). */
void kb_extract_bad_bytes(kb_extract *x, size_t src, size_t n);

/* Fails the extract: the file is not readable as its format (broken,
 * encrypted).  `why` is a short reason for the warning ("encrypted PDF",
 * "not a PDF: no trailer"); kb_extract_status returns KB_ERR_FORMAT. */
void kb_extract_fail(kb_extract *x, const char *why);

/* Fails the extract with `st` unless it failed already: for a reader's
 * own work (its scratch memory, its parser) running out (KB_ERR_NOMEM). */
void kb_extract_failed(kb_extract *x, kb_status st);

/* KB_OK, or the first failure: KB_ERR_NOMEM, KB_ERR_FORMAT. */
kb_status kb_extract_status(const kb_extract *x);

/* The run holding text offset `off`, as an index into x->runs (for an
 * end offset, `end` picks the run that ends there).  Offsets in layout
 * between runs take the nearest run before them.  SIZE_MAX when there
 * are no runs. */
size_t kb_extract_run_at(const kb_extract *x, size_t off, bool end);

#ifdef __cplusplus
}
#endif
#endif
