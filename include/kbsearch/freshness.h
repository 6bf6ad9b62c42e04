/* freshness.h — is a passage still where the index says it is?
 *
 * The index remembers each file's size and mtime (record.h).  At query
 * time a file whose size and mtime are still those costs one stat.  A
 * file that changed is read once, and each of its passages is looked for
 * by its exact stored bytes: at the indexed offset (then it is simply
 * fresh), else at the occurrence nearest that offset (moved: the record
 * gets the new place).  Text found nowhere is stale; a file that is gone
 * is deleted.  kbindex would find the same changes on its next run.
 *
 * One checker serves one query: it caches what it learnt per file, so a
 * file is stat'ed once and read at most once however many hits it has.
 *
 *     kb_freshness *f;
 *     if (kb_freshness_new(root, &f)) ...
 *     for each hit: kb_freshness_check(f, &entry, &rec, &state, &now);
 *     ... use rec, now ...
 *     kb_freshness_free(f);
 */
#ifndef KBSEARCH_FRESHNESS_H
#define KBSEARCH_FRESHNESS_H

#include "kbsearch/record.h"
#include "kbsearch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What became of a passage since it was indexed. */
typedef enum kb_hit_state {
    KB_HIT_FRESH = 0, /* its bytes are where the index says */
    KB_HIT_MOVED,     /* its file changed; its bytes are elsewhere in it */
    KB_HIT_STALE,     /* its file changed (or cannot be read) and its
                         bytes are not in it any more */
    KB_HIT_DELETED    /* its file is gone, or is no longer a regular file */
} kb_hit_state;

typedef struct kb_freshness kb_freshness;

/* A checker for files under `root` (the index root, absolute; copied).
 * KB_ERR_NOMEM, or KB_OK with *out set. */
kb_status kb_freshness_new(const char *root, kb_freshness **out);

/* Frees the checker and every file it read; NULL is accepted. */
void kb_freshness_free(kb_freshness *f);

/* Checks the passage *rec against its file (root + "/" + rec->path) as it
 * is now.  `e` is the file's index entry, or NULL when the index has none
 * (the file is then read and compared).
 * Sets *state.  On KB_HIT_FRESH after a change and on KB_HIT_MOVED,
 * rec->line_start, line_end, byte_start, byte_end and col are set to the
 * place of its text in the current file; otherwise *rec is left as it
 * was.  *now is the current file's bytes when they had to be read, else
 * {NULL, 0}; they belong to the checker and live until kb_freshness_free.
 * Errors: KB_ERR_NOMEM only (a file that cannot be read is stale). */
kb_status kb_freshness_check(kb_freshness *f, const kb_file_entry *e, kb_record *rec,
                             kb_hit_state *state, kb_str *now);

#ifdef __cplusplus
}
#endif
#endif
