/* kbsearch --serve: the loop that reads requests as they come, answers
 * them in order, and cancels those a newer one is waiting behind. */
#include "serve.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../cli/cli.h"
#include "kbsearch/printer.h"
#include "request.h"

/* The input: requests read and not yet answered, and the line being read. */
typedef struct {
    int fd;
    const kb_search_opts *defaults;
    kb_buf line;        /* the incomplete line read so far */
    bool overlong;      /* it passed KB_REQUEST_LINE_MAX: its bytes are dropped */
    bool eof;
    int read_errno;     /* why reading failed, or 0 */
    kb_request *queue;  /* waiting requests: [head, n) */
    size_t head, n, cap;
} reader;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static bool blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
            return false;
    return true;
}

/* Queues the request on the line just completed (blank lines are none). */
static kb_status end_line(reader *r)
{
    kb_status st = kb_buf_status(&r->line);
    bool skip = !r->overlong && blank(r->line.data, r->line.len);
    if (st || skip) {
        kb_buf_reset(&r->line);
        return st;
    }
    if (r->head == r->n)
        r->head = r->n = 0;
    if (!kb_grow((void **)&r->queue, &r->cap, r->n + 1, sizeof *r->queue))
        return KB_ERR_NOMEM;
    kb_request *q = &r->queue[r->n++];
    if (r->overlong) {
        *q = (kb_request){.opts = *r->defaults};
        kb_buf_printf(&q->error, "a request line is at most %d bytes", KB_REQUEST_LINE_MAX);
        st = kb_buf_status(&q->error);
    } else {
        st = kb_request_parse(r->line.data ? r->line.data : "", r->line.len, r->defaults, q);
    }
    r->overlong = false;
    kb_buf_reset(&r->line);
    return st;
}

/* Splits what was read into lines. */
static kb_status take(reader *r, const char *p, size_t n)
{
    kb_status st = KB_OK;
    while (n && !st) {
        const char *nl = memchr(p, '\n', n);
        size_t part = nl ? (size_t)(nl - p) : n;
        if (!r->overlong && r->line.len + part > KB_REQUEST_LINE_MAX) {
            r->overlong = true;
            kb_buf_reset(&r->line);
        }
        if (!r->overlong)
            kb_buf_add(&r->line, p, part);
        if (nl)
            st = end_line(r);
        p += part + (nl != NULL);
        n -= part + (nl != NULL);
    }
    return st;
}

/* Reads what has arrived, without waiting for more; with `wait`, waits
 * first until a request is complete.  At the end of the input, a last
 * line without its newline counts. */
static kb_status read_some(reader *r, bool wait)
{
    char chunk[65536];
    while (!r->eof) {
        if (!wait || r->head < r->n) {
            struct pollfd pf = {r->fd, POLLIN, 0};
            int ready = poll(&pf, 1, 0);
            if (ready == 0)
                return KB_OK;
            if (ready < 0 && errno == EINTR)
                continue;
            if (ready < 0) {
                r->read_errno = errno;
                return KB_ERR_IO;
            }
        }
        ssize_t got = read(r->fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            r->read_errno = errno;
            return KB_ERR_IO;
        }
        if (got == 0) {
            r->eof = true;
            return r->line.len || r->overlong ? end_line(r) : KB_OK;
        }
        kb_status st = take(r, chunk, (size_t)got);
        if (st)
            return st;
    }
    return KB_OK;
}

/* Whether a request is waiting behind the one being answered (a
 * malformed line is none: it does not replace a query). */
static bool newer_waiting(reader *r, kb_status *st)
{
    if (!*st)
        *st = read_some(r, false);
    for (size_t i = r->head; i < r->n; i++)
        if (!r->queue[i].error.len)
            return true;
    return false;
}

/* The request's answer, as --json would write it, then flushed. */
static kb_status answer(kb_searcher *s, reader *r, kb_request *q, FILE *out)
{
    double t0 = now_ms();
    kb_status st = KB_OK, found = KB_OK;
    kb_print_query pq = {.text = q->query, .id = q->id ? q->id : "null"};
    kb_hits *hits = NULL;
    if (!q->error.len && !newer_waiting(r, &st)) {
        found = kb_searcher_refresh(s);
        if (!found)
            found = kb_search(s, q->query, q->query_len, &q->opts, &hits);
        pq.parsed = hits ? kb_hits_query(hits) : NULL;
    }
    pq.cancelled = !q->error.len && newer_waiting(r, &st);
    kb_printer_opts po = {.out = out, .context = -1};
    kb_printer *pr = NULL;
    if (!st)
        st = kb_printer_json_new(&po, &pr);
    size_t n = pq.cancelled ? 0 : kb_hits_count(hits);
    if (!st && q->error.len)
        st = pr->error(pr, &pq, q->error.data);
    else if (!st && !pq.cancelled) {
        st = pr->begin(pr, &pq);
        if (!st && found)
            st = pr->error(pr, &pq, kb_searcher_last_error(s));
        for (size_t i = 0; i < n && !st; i++)
            st = pr->hit(pr, &pq, kb_hits_get(hits, i));
    }
    if (!st)
        st = pr->end(pr, &pq, n, now_ms() - t0);
    if (!st && fflush(out))
        st = KB_ERR_IO;
    if (pr)
        pr->destroy(pr);
    kb_hits_free(hits);
    return st;
}

kb_status kb_serve(kb_searcher *s, int in, FILE *out, const kb_search_opts *defaults)
{
    /* An editor that goes away closes the pipe: a write error to report,
     * not a signal that kills us without a word. */
    signal(SIGPIPE, SIG_IGN);
    reader r = {.fd = in, .defaults = defaults};
    kb_status st = KB_OK;
    while (!st) {
        if ((st = read_some(&r, true)) || r.head == r.n)
            break; /* an error, or the end of the input */
        /* A copy: reading while it is answered may move the queue. */
        kb_request q = r.queue[r.head++];
        st = answer(s, &r, &q, out);
        kb_request_free(&q);
    }
    if (r.read_errno)
        kb_cli_diag("kbsearch", "input", "reading requests failed: %s", strerror(r.read_errno));
    else if (st == KB_ERR_IO)
        kb_cli_diag("kbsearch", "output", "write error");
    else if (st)
        kb_cli_diag("kbsearch", NULL, "%s", kb_status_str(st));
    for (size_t i = r.head; i < r.n; i++)
        kb_request_free(&r.queue[i]);
    free(r.queue);
    kb_buf_free(&r.line);
    return st;
}
