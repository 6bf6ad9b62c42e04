/* serve.h — `kbsearch --serve`: one index kept open, queries read as JSON
 * Lines requests and answered as --json answers them (docs/output.md,
 * "--serve"), for editors searching as the user types.  Internal to the
 * kbsearch program. */
#ifndef KBSEARCH_SERVE_H
#define KBSEARCH_SERVE_H

#include <stdio.h>
#include "kbsearch/search.h"

/* Answers the requests read from the file descriptor `in` on `out` until
 * `in` ends, with `defaults` for what a request leaves out, refreshing the
 * searcher before each (kb_searcher_refresh).  A request that a newer one
 * (not a malformed line) is waiting behind, before its search or once it
 * is done, is cancelled (only its end object); a search is not interrupted half-way, as it takes
 * a few milliseconds.  Writing to a closed pipe is an error here, not a
 * signal (SIGPIPE is ignored from the call on).  Returns KB_OK at the end
 * of the input; KB_ERR_IO when reading or writing failed, KB_ERR_NOMEM,
 * each after one diagnostic on stderr. */
kb_status kb_serve(kb_searcher *s, int in, FILE *out, const kb_search_opts *defaults);

#endif
