/* Building a reader's extract: text, runs back to the source, marks. */
#include "kbsearch/extract.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void kb_extract_init(kb_extract *x, const char *src, size_t len)
{
    memset(x, 0, sizeof *x);
    x->src = src;
    x->src_len = len;
    x->scan_line = 1;
}

void kb_extract_free(kb_extract *x)
{
    kb_buf_free(&x->text);
    kb_buf_free(&x->title);
    kb_buf_free(&x->tags);
    kb_buf_free(&x->why);
    free(x->runs);
    free(x->marks);
    memset(x, 0, sizeof *x);
}

void kb_extract_identity(kb_extract *x)
{
    x->identity = true;
}

const char *kb_extract_text(const kb_extract *x)
{
    return x->identity ? x->src : x->text.data ? x->text.data : "";
}

size_t kb_extract_len(const kb_extract *x)
{
    return x->identity ? x->src_len : x->text.len;
}

static void set_error(kb_extract *x, kb_status st)
{
    if (!x->st)
        x->st = st;
}

/* Line and column of source offset `to`, going on from the last one
 * asked for (runs come in source order, so the source is scanned once). */
static void scan_to(kb_extract *x, size_t to, unsigned *line, kb_column *col)
{
    if (to < x->scan_off) {
        x->scan_off = 0;
        x->scan_line = 1;
        x->scan_col = (kb_column){0, 0, 0};
    }
    const char *s = x->src + x->scan_off;
    size_t n = to - x->scan_off, bol = 0;
    for (const char *nl; (nl = memchr(s + bol, '\n', n - bol)); bol = (size_t)(nl - s) + 1)
        x->scan_line++;
    if (bol)
        x->scan_col = (kb_column){0, 0, 0};
    kb_column_advance(&x->scan_col, s + bol, n - bol);
    x->scan_off = to;
    *line = x->scan_line;
    *col = x->scan_col;
}

void kb_extract_add(kb_extract *x, const char *text, size_t n, size_t src, size_t src_len)
{
    if (x->st || n == 0)
        return;
    if (src > x->src_len || src_len > x->src_len - src) {
        set_error(x, KB_ERR_INTERNAL);
        return;
    }
    bool verbatim = n == src_len && memcmp(text, x->src + src, n) == 0;
    size_t at = x->text.len;
    kb_buf_add(&x->text, text, n);
    if (kb_buf_status(&x->text)) {
        set_error(x, KB_ERR_NOMEM);
        return;
    }
    kb_run *last = x->nruns ? &x->runs[x->nruns - 1] : NULL;
    if (last && verbatim && last->verbatim && last->text + last->len == at &&
        last->src + last->src_len == src) {
        last->len += n;
        last->src_len += n;
        return;
    }
    if (!kb_grow((void **)&x->runs, &x->runs_cap, x->nruns + 1, sizeof *x->runs)) {
        set_error(x, KB_ERR_NOMEM);
        return;
    }
    kb_run *r = &x->runs[x->nruns++];
    *r = (kb_run){at, n, src, src_len, verbatim, 0, {0, 0, 0}};
    scan_to(x, src, &r->line, &r->col);
}

void kb_extract_add_text(kb_extract *x, const char *text, size_t n)
{
    if (x->st)
        return;
    kb_buf_add(&x->text, text, n);
    if (kb_buf_status(&x->text))
        set_error(x, KB_ERR_NOMEM);
}

void kb_extract_copy(kb_extract *x, size_t src, size_t n)
{
    if (src <= x->src_len && n <= x->src_len - src)
        kb_extract_add(x, x->src + src, n, src, n);
    else
        set_error(x, KB_ERR_INTERNAL);
}

static bool ends_in_space(const kb_extract *x)
{
    return x->text.len == 0 || x->text.data[x->text.len - 1] == ' ' ||
           x->text.data[x->text.len - 1] == '\n';
}

void kb_extract_space(kb_extract *x, size_t src, size_t src_len)
{
    if (!ends_in_space(x))
        kb_extract_add(x, " ", 1, src, src_len);
}

/* Drops trailing spaces from the text and from the runs that held them. */
static void trim_end(kb_extract *x)
{
    size_t n = x->text.len;
    while (n > 0 && (x->text.data[n - 1] == ' ' || x->text.data[n - 1] == '\t'))
        n--;
    if (n == x->text.len)
        return;
    x->text.len = n;
    x->text.data[n] = '\0';
    while (x->nruns && x->runs[x->nruns - 1].text >= n)
        x->nruns--;
    if (x->nruns) {
        kb_run *r = &x->runs[x->nruns - 1];
        if (r->text + r->len > n) {
            size_t cut = r->text + r->len - n;
            r->len -= cut;
            if (r->verbatim)
                r->src_len -= cut;
        }
    }
}

void kb_extract_break(kb_extract *x, int lines)
{
    if (x->st)
        return;
    trim_end(x);
    int have = 0;
    while (have < (int)x->text.len && x->text.data[x->text.len - 1 - have] == '\n')
        have++;
    if (x->text.len == (size_t)have)
        return;
    for (; have < lines; have++)
        kb_buf_add(&x->text, "\n", 1);
    if (kb_buf_status(&x->text))
        set_error(x, KB_ERR_NOMEM);
}

static void add_mark(kb_extract *x, kb_mark m)
{
    if (x->st)
        return;
    if (m.start > m.end || m.label_start < m.start || m.label_end > m.end ||
        m.label_start > m.label_end || m.end > kb_extract_len(x)) {
        set_error(x, KB_ERR_INTERNAL);
        return;
    }
    if (!kb_grow((void **)&x->marks, &x->marks_cap, x->nmarks + 1, sizeof *x->marks)) {
        set_error(x, KB_ERR_NOMEM);
        return;
    }
    size_t i = x->nmarks++;
    while (i > 0 && x->marks[i - 1].start > m.start) {
        x->marks[i] = x->marks[i - 1];
        i--;
    }
    x->marks[i] = m;
}

void kb_extract_heading(kb_extract *x, unsigned level, size_t start, size_t end,
                        size_t label_start, size_t label_end)
{
    add_mark(x, (kb_mark){KB_MARK_HEADING, level, start, end, label_start, label_end});
}

void kb_extract_mark(kb_extract *x, kb_mark_kind kind, unsigned value, size_t start, size_t end)
{
    add_mark(x, (kb_mark){kind, value, start, end, start, end});
}

/* Appends p[0..n) to b with whitespace runs as one space, ends trimmed. */
static void add_collapsed(kb_buf *b, const char *p, size_t n)
{
    bool space = false;
    size_t start = b->len;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            space = true;
            continue;
        }
        if (space && b->len > start)
            kb_buf_add(b, " ", 1);
        space = false;
        kb_buf_add(b, &c, 1);
    }
}

void kb_extract_set_title(kb_extract *x, const char *p, size_t n)
{
    kb_buf_reset(&x->title);
    add_collapsed(&x->title, p, n);
    if (kb_buf_status(&x->title))
        set_error(x, KB_ERR_NOMEM);
}

void kb_extract_add_tag(kb_extract *x, const char *p, size_t n)
{
    size_t before = x->tags.len;
    add_collapsed(&x->tags, p, n);
    if (x->tags.len > before)
        kb_buf_add(&x->tags, "", 1);
    if (kb_buf_status(&x->tags))
        set_error(x, KB_ERR_NOMEM);
}

void kb_extract_bad_bytes(kb_extract *x, size_t src, size_t n)
{
    if (n && (!x->repaired || src < x->first_bad))
        x->first_bad = src;
    x->repaired += n;
}

void kb_extract_fail(kb_extract *x, const char *why)
{
    if (x->st)
        return;
    kb_buf_reset(&x->why);
    kb_buf_puts(&x->why, why);
    x->st = KB_ERR_FORMAT;
}

void kb_extract_failed(kb_extract *x, kb_status st)
{
    set_error(x, st);
}

kb_status kb_extract_status(const kb_extract *x)
{
    return x->st;
}

size_t kb_extract_run_at(const kb_extract *x, size_t off, bool end)
{
    if (!x->nruns)
        return SIZE_MAX;
    size_t lo = 0, hi = x->nruns; /* the last run starting at or before off */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (end ? x->runs[mid].text < off : x->runs[mid].text <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}
