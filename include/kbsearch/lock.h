/* lock.h — one writer per index, and the name of the one that holds it.
 *
 * Xapian's own write lock (KB_ERR_LOCKED from kb_db_open) says only that
 * the index is locked.  kbindex takes this lock first, on the file
 * KB_LOCK_FILE inside the index folder, and writes its pid there, so a
 * second kbindex can say which process it is waiting for.
 *
 * The lock is an open file description lock (fcntl F_OFD_SETLK): the
 * kernel drops it when the last descriptor of that open file is closed,
 * so a writer that crashes or is killed (SIGKILL) leaves no stale lock,
 * and the next run takes it at once.  The file itself stays: it is never
 * removed, since removing it would let two writers lock two different
 * files of the same name.  The descriptor is close-on-exec; a process
 * forked without exec shares it, and with it the lock, until both close.
 * Locks conflict between two takes even inside one process.
 *
 * Usage, before opening the index for writing:
 *
 *     kb_lock *lock;
 *     long pid;
 *     kb_status st = kb_lock_take(db_path, wait, &lock, &pid);
 *     if (st == KB_ERR_LOCKED) ... "being updated by another kbindex (pid %ld)"
 *     ... kb_db_open(db_path, KB_DB_WRITE, ...), index, commit, close ...
 *     kb_lock_release(lock);
 */
#ifndef KBSEARCH_LOCK_H
#define KBSEARCH_LOCK_H

#include <stdbool.h>
#include "kbsearch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The lock file, inside the index folder; the index's other files are
 * Xapian's. */
#define KB_LOCK_FILE "kbindex.lock"

/* A held lock (opaque). */
typedef struct kb_lock kb_lock;

/* Takes the write lock of the index at `db_path`, creating that folder and
 * its missing parents (mode 0777 less the umask, as Xapian would) and the
 * lock file if needed, then writes this process's pid into the file.
 *
 * Without `wait` it does not block: if another holder has the lock it
 * returns KB_ERR_LOCKED and, when `holder_pid` is not NULL, the pid that
 * holder wrote (0 if it has not written one yet or the file is unreadable).
 * With `wait` it sleeps until the holder releases the lock or dies.
 *
 * Returns KB_OK with *out set (the caller releases it with
 * kb_lock_release), KB_ERR_LOCKED, KB_ERR_NOMEM, or KB_ERR_IO when a
 * folder or the file cannot be made, opened, locked or written (errno
 * tells why).  On failure *out is NULL. */
kb_status kb_lock_take(const char *db_path, bool wait, kb_lock **out, long *holder_pid);

/* Releases the lock and frees `l`.  NULL does nothing. */
void kb_lock_release(kb_lock *l);

#ifdef __cplusplus
}
#endif
#endif
