/* pool.h — jobs done on worker threads and handed back in the order they
 * were made: how kbsearch --batch runs its queries on every core and still
 * prints them in input order.
 *
 * The calling thread makes the jobs (next) and takes them back (done), one
 * at a time and in order; the workers only do them (work), each worker
 * with its own context: a kb_searcher is not thread-safe, but separate ones
 * share nothing, so each worker gets its own.  At most `window` jobs are
 * out at a time, so memory stays bounded however many jobs there are.
 */
#ifndef KBSEARCH_POOL_H
#define KBSEARCH_POOL_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kb_pool_fns {
    void *ctx; /* passed to every callback */
    /* Makes the next job, on the calling thread; NULL when there are no
     * more. */
    void *(*next)(void *ctx);
    /* Does `job` on worker w (0 <= w < the workers started), on that
     * worker's thread; never two jobs on one worker at once. */
    void (*work)(void *ctx, size_t w, void *job);
    /* Takes a job back, on the calling thread, in the order `next` made
     * them, and owns it again.  Returning false stops the run: no job is
     * made after it, and the ones made before the stop are handed to drop
     * instead (their work may or may not have been done). */
    bool (*done)(void *ctx, void *job);
    /* Frees a job made before a stop, on the calling thread. */
    void (*drop)(void *ctx, void *job);
} kb_pool_fns;

/* Runs jobs until next() gives NULL or done() returns false, on up to
 * `nworkers` threads with at most `window` (>= 1) jobs out at a time.  With
 * one worker, or when no thread can be started, every job is made, done
 * and handed back in turn on the calling thread, with worker 0's context;
 * when only some threads start, the others' contexts go unused. */
void kb_pool_run(const kb_pool_fns *f, size_t nworkers, size_t window);

/* How many CPUs this process may run on (its affinity mask: taskset and
 * cpusets count), at least 1. */
size_t kb_pool_cpus(void);

#ifdef __cplusplus
}
#endif
#endif
