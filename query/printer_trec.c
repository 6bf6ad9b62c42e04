/* --format=trec: a TREC run, "QID Q0 DOCNO RANK SCORE TAG" per passage,
 * with DOCNO = PATH:FIRST-LAST, so trec_eval can score kbsearch.  Every
 * hit is listed, stale and deleted ones too: a run scores the ranking,
 * and leaving hits out would shift the ranks. */
#include "printer_common.h"

static kb_status trec_hit(kb_printer *p, const kb_print_query *q, const kb_hit *h)
{
    kb_line_printer *lp = (kb_line_printer *)p;
    kb_buf_printf(&lp->line, "%s Q0 ", q->qid);
    /* TREC fields are separated by white space: keep each one whole. */
    for (size_t i = 0; i < h->rec.path.n; i++) {
        char c = h->rec.path.p[i];
        kb_buf_add(&lp->line, (unsigned char)c <= ' ' ? "_" : &c, 1);
    }
    kb_buf_printf(&lp->line, ":%u-%u %u %.6f kbsearch\n", h->rec.line_start, h->rec.line_end,
                  h->rank, h->score);
    return kb_line_printer_flush(lp);
}

kb_status kb_printer_trec_new(const kb_printer_opts *o, kb_printer **out)
{
    const kb_printer vt = {.hit = trec_hit};
    return kb_line_printer_new(sizeof(kb_line_printer), &vt, o, out);
}
