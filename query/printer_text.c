/* The text printer: what a person reads in a terminal. */
#include <stdlib.h>
#include <string.h>

#include "kbsearch/printer.h"

#define COLOR_PATH "\033[35m"
#define COLOR_LINES "\033[32m"
#define COLOR_MATCH "\033[1;31m"
#define COLOR_QUERY "\033[1m"
#define COLOR_OFF "\033[0m"

typedef struct {
    kb_printer base;   /* first: the vtable */
    kb_printer_opts o;
    kb_buf line;       /* the output being assembled */
} text_printer;

/* Copies text, turning control characters (an escape sequence in a file
 * must not drive the terminal) into '?'. */
static void add_safe(kb_buf *b, const char *p, size_t n)
{
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            kb_buf_add(b, p + from, i - from);
            kb_buf_add(b, "?", 1);
            from = i + 1;
        }
    }
    kb_buf_add(b, p + from, n - from);
}

static kb_status flush(text_printer *t)
{
    kb_status st = kb_buf_status(&t->line);
    if (!st && fwrite(t->line.data, 1, t->line.len, t->o.out) != t->line.len)
        st = KB_ERR_IO;
    kb_buf_reset(&t->line);
    return st;
}

static kb_status text_begin(kb_printer *p, const kb_print_query *q)
{
    text_printer *t = (text_printer *)p;
    if (!t->o.batch)
        return KB_OK;
    kb_buf_printf(&t->line, "%s## %s: ", t->o.color ? COLOR_QUERY : "", q->qid);
    add_safe(&t->line, q->text, strlen(q->text));
    kb_buf_printf(&t->line, "%s\n\n", t->o.color ? COLOR_OFF : "");
    return flush(t);
}

static kb_status text_hit(kb_printer *p, const kb_print_query *q, const kb_hit *h)
{
    (void)q;
    text_printer *t = (text_printer *)p;
    kb_buf path = KB_BUF_INIT;
    kb_display_path(t->o.root, t->o.cwd, h->rec.path, &path);
    bool c = t->o.color;
    kb_buf_puts(&t->line, c ? COLOR_PATH : "");
    add_safe(&t->line, path.data ? path.data : "", path.len);
    kb_buf_printf(&t->line, "%s:%s%u-%u%s\n    ", c ? COLOR_OFF : "", c ? COLOR_LINES : "",
                  h->rec.line_start, h->rec.line_end, c ? COLOR_OFF : "");
    kb_buf_free(&path);
    const kb_snippet *s = &h->snippet;
    size_t at = 0;
    for (size_t i = 0; c && i < s->nspans; i++) {
        const kb_span *sp = &s->spans[i];
        if (sp->snip_start == KB_NOT_IN_SNIPPET)
            continue;
        add_safe(&t->line, s->text + at, sp->snip_start - at);
        kb_buf_puts(&t->line, COLOR_MATCH);
        add_safe(&t->line, s->text + sp->snip_start, sp->snip_end - sp->snip_start);
        kb_buf_puts(&t->line, COLOR_OFF);
        at = sp->snip_end;
    }
    add_safe(&t->line, s->text + at, s->len - at);
    kb_buf_puts(&t->line, "\n\n");
    return flush(t);
}

static kb_status text_error(kb_printer *p, const kb_print_query *q, const char *message)
{
    text_printer *t = (text_printer *)p;
    if (!t->o.batch)
        return KB_OK; /* a single query's error goes to stderr, by the caller */
    kb_buf_printf(&t->line, "error: %s\n\n", message);
    (void)q;
    return flush(t);
}

static kb_status text_end(kb_printer *p, const kb_print_query *q, size_t n, double ms)
{
    (void)p, (void)q, (void)n, (void)ms;
    return KB_OK;
}

static kb_status text_finish(kb_printer *p)
{
    text_printer *t = (text_printer *)p;
    return fflush(t->o.out) ? KB_ERR_IO : KB_OK;
}

static void text_destroy(kb_printer *p)
{
    text_printer *t = (text_printer *)p;
    if (!t)
        return;
    kb_buf_free(&t->line);
    free(t);
}

kb_status kb_printer_text_new(const kb_printer_opts *o, kb_printer **out)
{
    text_printer *t = calloc(1, sizeof *t);
    *out = (kb_printer *)t;
    if (!t)
        return KB_ERR_NOMEM;
    t->base = (kb_printer){text_begin, text_hit, text_error, text_end, text_finish, text_destroy};
    t->o = *o;
    return KB_OK;
}
