/* walk.h — visiting the files of a folder tree in a stable order. */
#ifndef KBSEARCH_WALK_H
#define KBSEARCH_WALK_H

#include <sys/stat.h>
#include "kbsearch/indexer.h"
#include "kbsearch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Called for each regular file: `rel` is the path relative to the root
 * ('/'-separated), `abs` the path to open, `st` its lstat.  Non-zero stops
 * the walk and is returned by kb_walk. */
typedef int (*kb_file_fn)(void *ctx, const char *rel, const char *abs,
                          const struct stat *st);

/* Walks `root` depth-first, entries sorted by name (bytes), skipping names
 * that start with '.', symbolic links, non-regular files, and the folder
 * `skip` (an absolute path, may be NULL).  A folder that cannot be read is
 * reported to `warn` and skipped.  Returns KB_OK, KB_ERR_IO if the root
 * itself cannot be read, KB_ERR_NOMEM, or the callback's value. */
kb_status kb_walk(const char *root, const char *skip, kb_file_fn fn,
                  kb_warn_fn warn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
