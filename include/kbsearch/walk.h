/* walk.h — visiting the files of a folder tree in a stable order. */
#ifndef KBSEARCH_WALK_H
#define KBSEARCH_WALK_H

#include <stdbool.h>
#include <sys/stat.h>
#include "kbsearch/ignore.h"
#include "kbsearch/indexer.h"
#include "kbsearch/shard.h"
#include "kbsearch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kb_walk_opts {
    const char *skip;  /* a folder not to enter (the index), or NULL */
    bool follow;       /* follow symbolic links */
    kb_ignore *ignore; /* rules of entries to leave out, or NULL */
    kb_shard shard;    /* files of other shards are passed over silently,
                          as if not there; folders are all walked.
                          {0, 0}: every file (as {1, 1}) */
} kb_walk_opts;

/* Called for each regular file: `rel` is its path relative to the root
 * ('/'-separated), `st` its lstat (its stat through a followed link).
 * Non-zero stops the walk and is returned by kb_walk. */
typedef int (*kb_file_fn)(void *ctx, const char *rel, const struct stat *st);

/* Walks `root` depth-first, entries sorted by name (bytes).  Names that
 * start with '.', the `skip` folder and files (symbolic links, special
 * files) of another shard are passed over silently; what is
 * not visited for another reason goes to `event`: an entry the ignore
 * rules leave out (KB_EV_IGNORED: a folder once, not its files; a rule
 * file that cannot be read is KB_EV_UNREADABLE), a folder that cannot be
 * read (KB_EV_UNREADABLE), a symbolic link when not following
 * (KB_EV_SYMLINK), a link back into a folder being walked
 * (KB_EV_LINK_LOOP) or to nothing (KB_EV_BROKEN_LINK), a FIFO, socket or
 * device (KB_EV_SPECIAL, never opened).  Returns KB_OK, KB_ERR_IO (errno
 * set) if the root itself cannot be read, KB_ERR_NOMEM, or the callback's
 * value. */
kb_status kb_walk(const char *root, const kb_walk_opts *o, kb_file_fn fn, kb_event_fn event,
                  void *ctx);

#ifdef __cplusplus
}
#endif
#endif
