/* request.h — one line of `kbsearch --serve`'s input read as a search
 * request (docs/output.md, "--serve").  Internal to the kbsearch program,
 * the only one linking libjansson: a well-kept parser for what an editor,
 * or anything else, writes to it. */
#ifndef KBSEARCH_REQUEST_H
#define KBSEARCH_REQUEST_H

#include <stddef.h>
#include "kbsearch/buf.h"
#include "kbsearch/search.h"

/* The most passages a query may ask for: --limit and --per-file, a
 * request's "limit" and "per_file". */
#define KB_REQUEST_COUNT_MAX 100000

/* The longest request line, in bytes (without its newline); a longer one
 * is answered with an error without being kept. */
#define KB_REQUEST_LINE_MAX (1024 * 1024)

typedef struct kb_request {
    char *id;            /* the "id" as compact JSON text (the same string
                            or number), malloc'd; NULL when there is none
                            or it is not a string or number: answered as
                            null */
    char *query;         /* malloc'd, NUL-terminated (may hold no word);
                            NULL when the line is not a request */
    size_t query_len;
    kb_search_opts opts; /* the defaults, with the request's limit,
                            per_file, all and no_correct */
    kb_buf error;        /* why the line is not a request (not JSON, not
                            an object, a key of the wrong type or out of
                            range); empty when it is one */
} kb_request;

/* Reads `len` bytes of `line` (without its newline) into *out, filling
 * what the request leaves out from `defaults`; keys it does not know are
 * ignored.  KB_OK, with out->error empty for a request or saying what is
 * wrong with the line (out->id is kept when it could be read, so the
 * error can name the request); KB_ERR_NOMEM.  Free *out with
 * kb_request_free either way. */
kb_status kb_request_parse(const char *line, size_t len, const kb_search_opts *defaults,
                           kb_request *out);

/* Frees what *r holds and empties it; an empty request is accepted. */
void kb_request_free(kb_request *r);

#endif
