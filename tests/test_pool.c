/* Tests for include/kbsearch/pool.h: jobs done on worker threads come back
 * in the order they were made, each worked once, none lost after a stop. */
#include <criterion/criterion.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "kbsearch/pool.h"

#define MAX_JOBS 500
#define MAX_W 4

typedef struct {
    size_t n;           /* jobs to make */
    size_t stop_at;     /* done() says stop at this job (SIZE_MAX: never) */
    size_t made, handed, dropped;
    size_t order[MAX_JOBS];
    atomic_int worked[MAX_JOBS];
    atomic_int busy[MAX_W];   /* a worker doing two jobs at once would show */
    atomic_int overlap;
    atomic_int bad_worker;
    atomic_int off_thread;    /* work() not on the calling thread */
    int early;                /* a job handed back before it was worked */
    pthread_t caller;
} run;

static void *next(void *ctx)
{
    run *r = ctx;
    if (r->made == r->n)
        return NULL;
    size_t *job = malloc(sizeof *job);
    cr_assert_not_null(job);
    *job = r->made++;
    return job;
}

static void work(void *ctx, size_t w, void *job)
{
    run *r = ctx;
    size_t k = *(size_t *)job;
    if (w >= MAX_W) {
        r->bad_worker = 1;
        return;
    }
    if (atomic_fetch_add(&r->busy[w], 1) != 0)
        r->overlap = 1;
    if (!pthread_equal(pthread_self(), r->caller))
        r->off_thread = 1;
    /* Uneven work, so that later jobs often finish first. */
    struct timespec t = {0, (long)((k * 7919) % 13) * 20000};
    nanosleep(&t, NULL);
    atomic_fetch_add(&r->worked[k], 1);
    atomic_fetch_sub(&r->busy[w], 1);
}

static bool done(void *ctx, void *job)
{
    run *r = ctx;
    size_t k = *(size_t *)job;
    if (r->worked[k] != 1)
        r->early = 1;
    r->order[r->handed++] = k;
    free(job);
    return k != r->stop_at;
}

static void drop(void *ctx, void *job)
{
    run *r = ctx;
    r->dropped++;
    free(job);
}

static void go(run *r, size_t nworkers, size_t window)
{
    r->caller = pthread_self();
    kb_pool_fns f = {r, next, work, done, drop};
    kb_pool_run(&f, nworkers, window);
}

Test(pool, hands_jobs_back_in_order_each_worked_once)
{
    static run r = {.n = 300, .stop_at = SIZE_MAX};
    go(&r, 3, 5);
    cr_assert_eq(r.handed, 300);
    cr_assert_eq(r.dropped, 0);
    for (size_t k = 0; k < 300; k++) {
        cr_assert_eq(r.order[k], k, "job %zu handed back as %zu", k, r.order[k]);
        cr_assert_eq(r.worked[k], 1, "job %zu worked %d times", k, r.worked[k]);
    }
    cr_assert_eq(r.early, 0, "a job was handed back before its work was done");
    cr_assert_eq(r.overlap, 0, "a worker ran two jobs at once");
    cr_assert_eq(r.bad_worker, 0);
    cr_assert_eq(r.off_thread, 1, "no job ran on a worker thread");
}

Test(pool, a_window_of_one_still_finishes)
{
    static run r = {.n = 50, .stop_at = SIZE_MAX};
    go(&r, 4, 1);
    cr_assert_eq(r.handed, 50);
    for (size_t k = 0; k < 50; k++)
        cr_assert_eq(r.order[k], k);
}

Test(pool, a_stop_makes_no_more_and_drops_the_jobs_out)
{
    static run r = {.n = 400, .stop_at = 40};
    go(&r, 3, 8);
    cr_assert_eq(r.handed, 41, "jobs 0..40 handed back, got %zu", r.handed);
    for (size_t k = 0; k <= 40; k++)
        cr_assert_eq(r.order[k], k);
    cr_assert_leq(r.made, 41 + 8, "made %zu jobs with a window of 8", r.made);
    cr_assert_eq(r.handed + r.dropped, r.made, "every job made is handed back or dropped");
}

Test(pool, one_worker_runs_everything_on_the_calling_thread)
{
    static run r = {.n = 20, .stop_at = 9};
    go(&r, 1, 4);
    cr_assert_eq(r.handed, 10);
    cr_assert_eq(r.made, 10, "one worker makes a job only when the one before is back");
    cr_assert_eq(r.dropped, 0);
    cr_assert_eq(r.off_thread, 0);
}

Test(pool, no_jobs)
{
    static run r = {.n = 0, .stop_at = SIZE_MAX};
    go(&r, 2, 4);
    cr_assert_eq(r.made + r.handed + r.dropped, 0);
}

Test(pool, cpus)
{
    cr_assert_geq(kb_pool_cpus(), 1);
}
