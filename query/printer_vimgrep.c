/* --vimgrep: one "PATH:LINE:COL:TEXT" line per match, as Vim's default
 * 'errorformat' (%f:%l:%c:%m) reads it.  An editor cannot jump into a
 * deleted file, nor to a line of a PDF, so those hits are left out; a
 * stale hit keeps its indexed place (the file is there, if changed) and
 * says so in TEXT. */
#include "printer_common.h"

static kb_status vimgrep_hit(kb_printer *p, const kb_print_query *q, const kb_hit *h)
{
    (void)q;
    kb_line_printer *lp = (kb_line_printer *)p;
    if (h->state == KB_HIT_DELETED || h->rec.page)
        return KB_OK;
    kb_buf path = KB_BUF_INIT;
    kb_display_path(h->root, lp->o.cwd, h->rec.path, &path);
    for (size_t i = 0; i < h->snippet.nspans; i++) {
        const kb_span *s = &h->snippet.spans[i];
        kb_spot at;
        size_t bol, eol;
        kb_hit_position(h, s->start, &at, &bol, &eol);
        kb_add_safe(&lp->line, path.data ? path.data : "", path.len);
        kb_buf_printf(&lp->line, ":%u:%zu:%s", at.line, at.col.bytes + 1,
                      h->state == KB_HIT_STALE ? "[stale] " : "");
        kb_add_safe(&lp->line, h->rec.text.p + bol, eol - bol);
        kb_buf_add(&lp->line, "\n", 1);
    }
    kb_buf_free(&path);
    return kb_line_printer_flush(lp);
}

kb_status kb_printer_vimgrep_new(const kb_printer_opts *o, kb_printer **out)
{
    const kb_printer vt = {.hit = vimgrep_hit};
    return kb_line_printer_new(sizeof(kb_line_printer), &vt, o, out);
}
