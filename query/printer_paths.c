/* -l: the paths of matching files, best first, once each.  Paths are for
 * other programs to open, so a deleted file's is left out. */
#include <string.h>

#include "printer_common.h"

static kb_status paths_hit(kb_printer *p, const kb_print_query *q, const kb_hit *h)
{
    (void)q;
    kb_line_printer *lp = (kb_line_printer *)p;
    if (h->state == KB_HIT_DELETED)
        return KB_OK;
    /* The search gives at most one passage per file in this mode. */
    kb_display_path(h->root, lp->o.cwd, h->rec.path, &lp->line);
    kb_buf_add(&lp->line, lp->o.null ? "" : "\n", 1); /* "" holds the NUL */
    return kb_line_printer_flush(lp);
}

kb_status kb_printer_paths_new(const kb_printer_opts *o, kb_printer **out)
{
    const kb_printer vt = {.hit = paths_hit};
    return kb_line_printer_new(sizeof(kb_line_printer), &vt, o, out);
}
