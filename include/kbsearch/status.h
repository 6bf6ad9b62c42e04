/* status.h — the one status type every kbsearch library call returns.
 *
 * KB_OK is 0, so `if (st)` reads as "if it failed".  KB_DONE is not an
 * error: it tells an iterator's caller that the sequence is exhausted, and
 * a callback may return it to stop a walk early.  Add a code only when a
 * caller would react to it differently from the codes already here.
 */
#ifndef KBSEARCH_STATUS_H
#define KBSEARCH_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum kb_status {
    KB_OK = 0,          /* success */
    KB_DONE,            /* iteration finished / stopped early on purpose */
    KB_ERR_NOMEM,       /* an allocation failed */
    KB_ERR_IO,          /* a file or folder could not be read or written */
    KB_ERR_NOT_FOUND,   /* the index (or another named object) does not exist */
    KB_ERR_LOCKED,      /* another writer holds the index */
    KB_ERR_QUERY,       /* the query leaves nothing to search */
    KB_ERR_MODIFIED,    /* the index changed under a reader: reopen and retry */
    KB_ERR_CORRUPT,     /* the index or a stored record is damaged */
    KB_ERR_VERSION,     /* the index was built by an incompatible schema */
    KB_ERR_INVALID,     /* a bad argument or bad input data */
    KB_ERR_BACKEND,     /* any other error reported by the search engine */
    KB_ERR_INTERNAL,    /* a bug: an unexpected exception or state */
    KB_ERR_INTERRUPTED, /* stopped when asked to (a signal): work done so
                           far is kept */
    KB_ERR_FORMAT,      /* a file is not valid in its format (a broken or
                           encrypted PDF): skip it */
    KB_ERR_NETWORK,     /* a remote index cannot be reached, did not answer
                           in time, or went away */
    KB_STATUS_LAST
} kb_status;

/* Static English text for a status; never NULL, never to be freed. */
const char *kb_status_str(kb_status st);

#ifdef __cplusplus
}
#endif
#endif
