/* The text printer: what a person reads in a terminal. */
#include <stdlib.h>
#include <string.h>

#include "kbsearch/boilerplate.h"
#include "printer_common.h"

#define COLOR_PATH "\033[35m"
#define COLOR_LINES "\033[32m"
#define COLOR_MATCH "\033[1;31m"
#define COLOR_QUERY "\033[1m"
#define COLOR_STATE "\033[1;33m"
#define COLOR_OFF "\033[0m"

/* A byte range of some text and where its matches are in it. */
typedef struct {
    const char *text;
    size_t len;
    const kb_span *spans;
    size_t nspans;
    bool in_snippet;   /* use snip_start/snip_end instead of start/end */
} marked;

/* Appends [from,to) of m->text with its matches coloured (when on). */
static void add_marked(kb_line_printer *t, const marked *m, size_t from, size_t to)
{
    size_t at = from;
    for (size_t i = 0; t->o.color && i < m->nspans; i++) {
        size_t s = m->in_snippet ? m->spans[i].snip_start : m->spans[i].start;
        size_t e = m->in_snippet ? m->spans[i].snip_end : m->spans[i].end;
        if (s == KB_NOT_IN_SNIPPET || e <= at || s >= to)
            continue;
        if (s < at)
            s = at;
        if (e > to)
            e = to;
        kb_add_safe(&t->line, m->text + at, s - at);
        kb_buf_puts(&t->line, COLOR_MATCH);
        kb_add_safe(&t->line, m->text + s, e - s);
        kb_buf_puts(&t->line, COLOR_OFF);
        at = e;
    }
    kb_add_safe(&t->line, m->text + at, to - at);
}

static kb_status text_begin(kb_printer *p, const kb_print_query *q)
{
    kb_line_printer *t = (kb_line_printer *)p;
    if (!t->o.batch)
        return KB_OK;
    kb_buf_printf(&t->line, "%s## %s: ", t->o.color ? COLOR_QUERY : "", q->qid);
    kb_add_safe(&t->line, q->text, strlen(q->text));
    kb_buf_printf(&t->line, "%s\n\n", t->o.color ? COLOR_OFF : "");
    return kb_line_printer_flush(t);
}

/* The bytes of the file behind a hit if they still hold the passage where
 * the hit says: those the search read (h->now), else the file read here
 * into *b.  NULL otherwise (stale, gone, unreadable). */
static const char *current_file(const kb_hit *h, kb_buf *b, size_t *len)
{
    if (h->state == KB_HIT_STALE || h->state == KB_HIT_DELETED || h->rec.page)
        return NULL; /* nothing to show, or no lines to show (a PDF) */
    const char *data = h->now.p;
    size_t n = h->now.n;
    if (!data) {
        kb_buf path = KB_BUF_INIT;
        kb_abs_path(h->root, h->rec.path, &path);
        kb_status st = kb_buf_status(&path) ? kb_buf_status(&path)
                                            : kb_buf_read_file(b, path.data);
        kb_buf_free(&path);
        if (st)
            return NULL;
        data = b->data ? b->data : "";
        n = b->len;
    }
    /* A passage read through a format is not its source bytes (the index's
     * file entry vouches for the file then: the hit is fresh). */
    if (n < h->rec.byte_end ||
        (!h->rec.map.n && memcmp(data + h->rec.byte_start, h->rec.text.p, h->rec.text.n) != 0))
        return NULL;
    *len = n;
    return data;
}

/* --context: the passage's lines from the file, N lines around them,
 * numbered grep-style ("12:" passage, "12-" context). */
static bool add_context(kb_line_printer *t, const kb_hit *h)
{
    kb_buf file = KB_BUF_INIT;
    size_t len = 0;
    const char *data = current_file(h, &file, &len);
    if (!data) {
        kb_buf_free(&file);
        return false;
    }
    size_t from = h->rec.byte_start, to = h->rec.byte_end;
    unsigned first = h->rec.line_start, last = h->rec.line_end;
    while (from > 0 && data[from - 1] != '\n') /* start of the first line */
        from--;
    for (long k = 0; k < t->o.context && from > 0; k++, first--) {
        from--; /* onto the previous line's newline */
        while (from > 0 && data[from - 1] != '\n')
            from--;
    }
    while (to < len && data[to] != '\n') /* end of the last line */
        to++;
    for (long k = 0; k < t->o.context && to + 1 < len; k++, last++) {
        to++; /* past its newline */
        while (to < len && data[to] != '\n')
            to++;
    }
    marked m = {data, len, h->snippet.spans, h->snippet.nspans, false};
    kb_span *file_spans = calloc(m.nspans ? m.nspans : 1, sizeof *file_spans);
    if (!file_spans) {
        kb_buf_free(&file);
        return false;
    }
    for (size_t i = 0; i < m.nspans; i++) {
        kb_spot at;
        size_t bol, eol;
        kb_hit_position(h, m.spans[i].start, &at, &bol, &eol);
        file_spans[i] = m.spans[i];
        file_spans[i].start = at.byte;
        file_spans[i].end = kb_hit_byte_end(h, m.spans[i].end);
    }
    m.spans = file_spans;
    size_t at = from;
    for (unsigned line = first; line <= last; line++) {
        size_t eol = at;
        while (eol < to && data[eol] != '\n')
            eol++;
        bool inside = line >= h->rec.line_start && line <= h->rec.line_end;
        kb_buf_printf(&t->line, "%s%u%s%c", t->o.color ? COLOR_LINES : "", line,
                      t->o.color ? COLOR_OFF : "", inside ? ':' : '-');
        add_marked(t, &m, at, eol > at && data[eol - 1] == '\r' ? eol - 1 : eol);
        kb_buf_add(&t->line, "\n", 1);
        at = eol + 1;
    }
    free(file_spans);
    kb_buf_free(&file);
    return true;
}

/* --explain: the score's factors, the BM25 of each query leaf, the chrome
 * score and the copies collapsed into this passage. */
static void add_explain(kb_buf *b, const kb_hit *h)
{
    const kb_explain *e = h->explain;
    kb_buf_printf(b, "    explain: score %.4g = passage %.4g * file %.3f (file evidence %.2f)\n",
                  e->score, e->passage, e->file_factor, e->file);
    kb_buf_printf(b, "      passage = bm25 %.4g * coverage %.3f (%.2f) * proximity %.3f (%.2f)"
                     " * heading %.3f (%.2f)\n",
                  e->bm25, e->coverage_factor, e->coverage, e->proximity_factor, e->proximity,
                  e->heading_factor, e->heading);
    kb_buf_puts(b, "      bm25 =");
    for (size_t i = 0; i < e->nterms; i++) {
        kb_buf_puts(b, i ? " + " : " ");
        kb_add_safe(b, e->terms[i].leaf, strlen(e->terms[i].leaf));
        kb_buf_printf(b, " %.4g", e->terms[i].bm25);
    }
    kb_buf_printf(b, "\n      every phrase matched: %s; chrome %u", e->phrases ? "yes" : "no",
                  h->rec.chrome);
    if (h->rec.chrome_signals) {
        kb_buf_puts(b, " (");
        kb_chrome_reasons(h->rec.chrome_signals, b);
        kb_buf_puts(b, ")");
    }
    kb_buf_printf(b, "%s; copies collapsed here %zu; more in file %u\n",
                  h->rec.is_chrome ? ", hidden without --all" : "", h->nalso, h->more_in_file);
}

static kb_status text_hit(kb_printer *p, const kb_print_query *q, const kb_hit *h)
{
    (void)q;
    kb_line_printer *t = (kb_line_printer *)p;
    kb_buf path = KB_BUF_INIT;
    kb_display_path(h->root, t->o.cwd, h->rec.path, &path);
    bool c = t->o.color;
    kb_buf_puts(&t->line, c ? COLOR_PATH : "");
    kb_add_safe(&t->line, path.data ? path.data : "", path.len);
    if (h->rec.page) /* the form PDF viewers open: file.pdf#page=N */
        kb_buf_printf(&t->line, "%s#page=%u", c ? COLOR_OFF : "", h->rec.page);
    else
        kb_buf_printf(&t->line, "%s:%s%u-%u%s", c ? COLOR_OFF : "", c ? COLOR_LINES : "",
                      h->rec.line_start, h->rec.line_end, c ? COLOR_OFF : "");
    /* Stale and deleted hits show the indexed lines and the stored text. */
    if (h->state == KB_HIT_STALE || h->state == KB_HIT_DELETED)
        kb_buf_printf(&t->line, " %s%s%s", c ? COLOR_STATE : "",
                      h->state == KB_HIT_STALE ? "[stale]" : "[deleted]", c ? COLOR_OFF : "");
    kb_buf_add(&t->line, "\n", 1);
    if (t->o.context < 0 || !add_context(t, h)) {
        const kb_snippet *s = &h->snippet;
        marked m = {s->text, s->len, s->spans, s->nspans, true};
        kb_buf_puts(&t->line, "    ");
        add_marked(t, &m, 0, s->len);
        kb_buf_add(&t->line, "\n", 1);
    }
    if (h->more_in_file)
        kb_buf_printf(&t->line, "    (+%u more in this file)\n", h->more_in_file);
    for (size_t i = 0; i < h->nalso; i++) {
        kb_buf_puts(&t->line, i ? ", " : "    (also in ");
        kb_buf_reset(&path);
        kb_display_path(h->also_at[i].root, t->o.cwd, h->also_at[i].path, &path);
        kb_add_safe(&t->line, path.data ? path.data : "", path.len);
        kb_buf_printf(&t->line, ":%u-%u%s", h->also_at[i].line_start, h->also_at[i].line_end,
                      i + 1 == h->nalso ? ")\n" : "");
    }
    if (h->explain)
        add_explain(&t->line, h);
    kb_buf_add(&t->line, "\n", 1);
    kb_buf_free(&path);
    return kb_line_printer_flush(t);
}

static kb_status text_error(kb_printer *p, const kb_print_query *q, const char *message)
{
    (void)q;
    kb_line_printer *t = (kb_line_printer *)p;
    if (!t->o.batch)
        return KB_OK; /* a single query's error goes to stderr, by the caller */
    kb_buf_printf(&t->line, "error: %s\n\n", message);
    return kb_line_printer_flush(t);
}

kb_status kb_printer_text_new(const kb_printer_opts *o, kb_printer **out)
{
    const kb_printer vt = {.begin = text_begin, .hit = text_hit, .error = text_error};
    return kb_line_printer_new(sizeof(kb_line_printer), &vt, o, out);
}
