#include "printer_common.h"

#include <stdlib.h>

static kb_status nothing_begin(kb_printer *p, const kb_print_query *q)
{
    (void)p, (void)q;
    return KB_OK;
}

static kb_status nothing_error(kb_printer *p, const kb_print_query *q, const char *m)
{
    (void)p, (void)q, (void)m;
    return KB_OK;
}

static kb_status nothing_end(kb_printer *p, const kb_print_query *q, size_t n, double ms)
{
    (void)p, (void)q, (void)n, (void)ms;
    return KB_OK;
}

static kb_status flush_finish(kb_printer *p)
{
    kb_line_printer *lp = (kb_line_printer *)p;
    kb_status st = kb_line_printer_flush(lp);
    return st ? st : fflush(lp->o.out) ? KB_ERR_IO : KB_OK;
}

static void line_destroy(kb_printer *p)
{
    kb_line_printer *lp = (kb_line_printer *)p;
    if (!lp)
        return;
    kb_buf_free(&lp->line);
    free(lp);
}

kb_status kb_line_printer_new(size_t size, const kb_printer *vtable,
                              const kb_printer_opts *o, kb_printer **out)
{
    kb_line_printer *lp = calloc(1, size);
    *out = (kb_printer *)lp;
    if (!lp)
        return KB_ERR_NOMEM;
    lp->base = *vtable;
    lp->o = *o;
    if (!lp->base.begin)
        lp->base.begin = nothing_begin;
    if (!lp->base.error)
        lp->base.error = nothing_error;
    if (!lp->base.end)
        lp->base.end = nothing_end;
    if (!lp->base.finish)
        lp->base.finish = flush_finish;
    if (!lp->base.destroy)
        lp->base.destroy = line_destroy;
    return KB_OK;
}

kb_status kb_line_printer_flush(kb_line_printer *p)
{
    kb_status st = kb_buf_status(&p->line);
    if (!st && p->line.len && fwrite(p->line.data, 1, p->line.len, p->o.out) != p->line.len)
        st = KB_ERR_IO;
    kb_buf_reset(&p->line);
    return st;
}

void kb_add_safe(kb_buf *b, const char *p, size_t n)
{
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        size_t len = 0; /* bytes of a control character at i */
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            len = 1;
        /* U+0080-U+009F (UTF-8 0xC2 0x80-0x9F) are the C1 controls, such
         * as CSI, which a UTF-8 terminal obeys as it does ESC [ */
        else if (c == 0xc2 && i + 1 < n && ((unsigned char)p[i + 1] & 0xe0) == 0x80)
            len = 2;
        if (len) {
            kb_buf_add(b, p + from, i - from);
            kb_buf_add(b, "?", 1);
            i += len - 1;
            from = i + 1;
        }
    }
    kb_buf_add(b, p + from, n - from);
}
