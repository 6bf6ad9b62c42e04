/* kbindex's progress line: "files done/total, MB, MB/s, ETA, current file". */
#include "progress.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "../cli/cli.h"

#define REDRAW_NS 100000000LL

struct kb_progress_line {
    FILE *out;
    bool shown;
    kb_phase phase;
    long long last_ns;  /* when it was last drawn */
    long long index_ns; /* when the index phase began: the rate's start */
    kb_buf text;
};

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000 + t.tv_nsec;
}

kb_status kb_progress_line_new(FILE *out, kb_progress_line **line)
{
    kb_progress_line *l = calloc(1, sizeof *l);
    if (!l)
        return KB_ERR_NOMEM;
    l->out = out;
    l->phase = KB_PHASE_SCAN;
    l->last_ns = now_ns() - REDRAW_NS;
    l->index_ns = l->last_ns;
    *line = l;
    return KB_OK;
}

static unsigned columns(FILE *out)
{
    struct winsize ws;
    return ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20 ? ws.ws_col : 80;
}

/* Bytes of the last `width` characters of s (UTF-8). */
static size_t tail_start(const char *s, size_t len, size_t width)
{
    size_t chars = 0, i = len;
    while (i > 0 && chars < width) {
        i--;
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            chars++;
    }
    return i;
}

static void draw(kb_progress_line *l, const kb_progress *p, long long now)
{
    kb_buf *t = &l->text;
    kb_buf_reset(t);
    if (p->phase == KB_PHASE_SCAN) {
        kb_buf_printf(t, "kbindex: scanning the folder: %u files to read so far",
                      p->files_total);
    } else {
        double secs = (double)(now - l->index_ns) / 1e9;
        double rate = secs > 0.2 ? (double)p->bytes_done / secs : 0;
        kb_buf_printf(t, "kbindex: %u/%u files, %.1f/%.1f MB", p->files_done, p->files_total,
                      (double)p->bytes_done / 1e6, (double)p->bytes_total / 1e6);
        if (rate > 0) {
            unsigned long eta = (unsigned long)((double)(p->bytes_total - p->bytes_done) / rate);
            kb_buf_printf(t, ", %.1f MB/s, ETA %lu:%02lu", rate / 1e6, eta / 60, eta % 60);
        }
    }
    unsigned width = columns(l->out) - 1;
    if (p->path && t->len + 4 < width) {
        kb_buf path = KB_BUF_INIT;
        kb_cli_escape(&path, p->path);
        if (!kb_buf_status(&path)) {
            size_t room = width - t->len - 2;
            size_t from = tail_start(path.data, path.len, room);
            if (from) /* too long: its end, after an ellipsis */
                from = tail_start(path.data, path.len, room - 1);
            kb_buf_printf(t, "  %s%s", from ? "…" : "", path.data + from);
        }
        kb_buf_free(&path);
    }
    if (kb_buf_status(t))
        return;
    fprintf(l->out, "\r%s\033[K", t->data);
    fflush(l->out);
    l->shown = true;
    l->last_ns = now;
}

void kb_progress_line_show(kb_progress_line *l, const kb_progress *p)
{
    if (!l)
        return;
    if (p->phase == KB_PHASE_DONE) {
        kb_progress_line_clear(l);
        return;
    }
    long long now = now_ns();
    if (p->phase != l->phase) {
        l->phase = p->phase;
        l->index_ns = now;
    } else if (now - l->last_ns < REDRAW_NS) {
        return;
    }
    draw(l, p, now);
}

void kb_progress_line_clear(kb_progress_line *l)
{
    if (!l || !l->shown)
        return;
    fputs("\r\033[K", l->out);
    fflush(l->out);
    l->shown = false;
}

void kb_progress_line_free(kb_progress_line *l)
{
    if (!l)
        return;
    kb_progress_line_clear(l);
    kb_buf_free(&l->text);
    free(l);
}
