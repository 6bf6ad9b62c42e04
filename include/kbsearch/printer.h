/* printer.h — showing hits.  A printer is a sink (ripgrep's Sink, notmuch's
 * sprinter): the searcher produces hits, a printer decides how they look.
 * Printers know nothing about the engine; each back-end writes to the
 * FILE * it was given and returns KB_ERR_IO when writing fails.
 *
 * Call order per query: begin, hit * n, end (or begin, error, end for a
 * query that could not run); finish once after all queries.
 */
#ifndef KBSEARCH_PRINTER_H
#define KBSEARCH_PRINTER_H

#include <stdbool.h>
#include <stdio.h>
#include "kbsearch/search.h"
#include "kbsearch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The query a printer is told about. */
typedef struct kb_print_query {
    const char *qid;       /* batch id, or "1" for a single query */
    const char *text;      /* the query as typed, NUL-terminated; NULL for
                              a request that was not one (kbsearch --serve:
                              error and end only) */
    const kb_query *parsed;/* NULL when it could not be parsed */
    const char *id;        /* kbsearch --serve: the request's id as JSON
                              text, written as "id":<id> in place of "qid"
                              (JSON only); NULL otherwise */
    bool cancelled;        /* kbsearch --serve: the query gave way to a
                              newer one and its hits are not shown; the
                              JSON end says "cancelled":true */
} kb_print_query;

typedef struct kb_printer kb_printer;
struct kb_printer {
    kb_status (*begin)(kb_printer *p, const kb_print_query *q);
    kb_status (*hit)(kb_printer *p, const kb_print_query *q, const kb_hit *hit);
    kb_status (*error)(kb_printer *p, const kb_print_query *q, const char *message);
    kb_status (*end)(kb_printer *p, const kb_print_query *q, size_t nhits, double elapsed_ms);
    kb_status (*finish)(kb_printer *p);
    void (*destroy)(kb_printer *p);
};

typedef struct kb_printer_opts {
    FILE *out;
    const char *cwd;   /* absolute current folder (paths shown relative to
                          it when possible), or NULL for root-relative;
                          each hit says its root (kb_hit.root) */
    bool color;        /* ANSI colours and bold matches (text, vimgrep) */
    bool batch;        /* several queries: the text printer heads each */
    long context;      /* text: lines of the file around each passage, or
                          -1 for a snippet */
    bool null;         /* paths: end each with NUL, not a newline */
} kb_printer_opts;

/* Text for people: "path:START-END", then the snippet indented, a blank
 * line between passages.  Matches are marked only when colouring. */
kb_status kb_printer_text_new(const kb_printer_opts *o, kb_printer **out);

/* JSON Lines for programs: begin / match / error / end / summary objects
 * (docs/output.md has the schema). */
kb_status kb_printer_json_new(const kb_printer_opts *o, kb_printer **out);

/* Vim's quickfix format: "PATH:LINE:COL:TEXT" per match, COL in bytes and
 * TEXT the line of the passage holding the match (a line with several
 * matches comes once per match). */
kb_status kb_printer_vimgrep_new(const kb_printer_opts *o, kb_printer **out);

/* TREC run format, for trec_eval and other IR tools: per passage
 * "QID Q0 PATH:FIRST-LAST RANK SCORE kbsearch" (PATH relative to the root). */
kb_status kb_printer_trec_new(const kb_printer_opts *o, kb_printer **out);

/* Paths of matching files, best first, each once per query (-l). */
kb_status kb_printer_paths_new(const kb_printer_opts *o, kb_printer **out);

/* Where `off` (a byte offset in the hit's passage text, where a match
 * starts) is in the file: byte offset, 1-based line, 0-based column in
 * the three units (kb_record_place); and the bounds [*bol, *eol) of its
 * line within the passage text. */
void kb_hit_position(const kb_hit *h, size_t off, kb_spot *at, size_t *bol, size_t *eol);

/* The file offset where a match ending at passage offset `off` ends. */
size_t kb_hit_byte_end(const kb_hit *h, size_t off);

/* Copies text for a terminal: control characters, C0 and DEL and the C1
 * ones UTF-8 encodes (an escape sequence in a file must not drive the
 * terminal), become '?'. */
void kb_add_safe(kb_buf *b, const char *p, size_t n);

/* Appends root + "/" + rel (one slash) to *out.  Check kb_buf_status. */
void kb_abs_path(const char *root, kb_str rel, kb_buf *out);

/* Writes the path of `rel` (relative to root) as it should be shown: relative
 * to cwd when the two share a prefix, else absolute.  Check kb_buf_status. */
void kb_display_path(const char *root, const char *cwd, kb_str rel, kb_buf *out);

#ifdef __cplusplus
}
#endif
#endif
