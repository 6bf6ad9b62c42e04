/* Jobs on worker threads, handed back in order (see include/kbsearch/pool.h). */
#include "kbsearch/pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

/* The jobs out form a ring of `window` slots; job number k sits in slot
 * k % window from the moment it is made until it is handed back, so a
 * slot is reused only when its job has left.  handed <= taken <= made. */
typedef struct {
    const kb_pool_fns *f;
    pthread_mutex_t mu;
    pthread_cond_t ready;   /* a job to take, or no more to come */
    pthread_cond_t finished;/* a worker finished a job */
    void **jobs;
    bool *done;
    size_t window;
    size_t made, taken, handed;
    bool closed;            /* no job will be made any more */
    bool stopped;           /* done() said stop: the rest are not worked */
} pool;

typedef struct {
    pool *p;
    size_t w;
    pthread_t thread;
} worker;

static void *work_loop(void *arg)
{
    const worker *wk = arg;
    pool *p = wk->p;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->taken == p->made && !p->closed)
            pthread_cond_wait(&p->ready, &p->mu);
        if (p->taken == p->made)
            break;
        size_t k = p->taken++ % p->window;
        bool skip = p->stopped;
        pthread_mutex_unlock(&p->mu);
        if (!skip)
            p->f->work(p->f->ctx, wk->w, p->jobs[k]);
        pthread_mutex_lock(&p->mu);
        p->done[k] = true;
        pthread_cond_signal(&p->finished);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* The calling thread's part: keep the window full, hand jobs back in
 * order.  Called and returns with p->mu held. */
static void feed(pool *p)
{
    for (;;) {
        while (!p->closed && p->made - p->handed < p->window) {
            pthread_mutex_unlock(&p->mu);
            void *job = p->f->next(p->f->ctx);
            pthread_mutex_lock(&p->mu);
            if (!job) {
                p->closed = true;
                pthread_cond_broadcast(&p->ready);
                break;
            }
            size_t k = p->made++ % p->window;
            p->jobs[k] = job;
            p->done[k] = false;
            pthread_cond_signal(&p->ready);
        }
        if (p->handed == p->made)
            return;
        size_t k = p->handed % p->window;
        while (!p->done[k])
            pthread_cond_wait(&p->finished, &p->mu);
        p->handed++;
        bool stopped = p->stopped;
        pthread_mutex_unlock(&p->mu);
        /* The slot is safe outside the lock: only this thread refills it. */
        bool go_on = !stopped && p->f->done(p->f->ctx, p->jobs[k]);
        if (stopped)
            p->f->drop(p->f->ctx, p->jobs[k]);
        pthread_mutex_lock(&p->mu);
        if (!go_on && !p->stopped) {
            p->stopped = p->closed = true;
            pthread_cond_broadcast(&p->ready);
        }
    }
}

static void run_here(const kb_pool_fns *f)
{
    void *job;
    while ((job = f->next(f->ctx))) {
        f->work(f->ctx, 0, job);
        if (!f->done(f->ctx, job))
            return;
    }
}

void kb_pool_run(const kb_pool_fns *f, size_t nworkers, size_t window)
{
    pool p = {.f = f, .window = window ? window : 1};
    worker *wk = nworkers > 1 ? calloc(nworkers, sizeof *wk) : NULL;
    p.jobs = wk ? calloc(p.window, sizeof *p.jobs) : NULL;
    p.done = wk ? calloc(p.window, sizeof *p.done) : NULL;
    size_t started = 0;
    if (p.jobs && p.done && pthread_mutex_init(&p.mu, NULL) == 0) {
        pthread_cond_init(&p.ready, NULL);
        pthread_cond_init(&p.finished, NULL);
        for (; started < nworkers; started++) {
            wk[started] = (worker){&p, started, 0};
            if (pthread_create(&wk[started].thread, NULL, work_loop, &wk[started]) != 0)
                break;
        }
        if (started) {
            pthread_mutex_lock(&p.mu);
            feed(&p);
            p.closed = true; /* let the workers go */
            pthread_cond_broadcast(&p.ready);
            pthread_mutex_unlock(&p.mu);
        }
        for (size_t i = 0; i < started; i++)
            pthread_join(wk[i].thread, NULL);
        pthread_cond_destroy(&p.ready);
        pthread_cond_destroy(&p.finished);
        pthread_mutex_destroy(&p.mu);
    }
    if (!started)
        run_here(f);
    free(p.jobs);
    free(p.done);
    free(wk);
}

size_t kb_pool_cpus(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return 1;
    int n = CPU_COUNT(&set);
    return n > 0 ? (size_t)n : 1;
}
