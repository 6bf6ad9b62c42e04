/* Ranking evidence per passage (see signals.h). */
#include "kbsearch/signals.h"

#include <string.h>

/* The share of node n held (*got) out of its weight (*all). */
static void cover(const kb_qnode *n, const kb_matches *mm, const double *w, double *got,
                  double *all)
{
    *got = *all = 0;
    if (n->leaf >= 0) {
        *all = w[n->leaf];
        *got = w[n->leaf] * mm->leaf_hit[n->leaf] / 2.0;
        return;
    }
    if (n->kind == KB_Q_NOT || n->kind == KB_Q_FIELD)
        return;
    double best = -1;
    for (size_t i = 0; i < n->nkids; i++) {
        double g, a;
        cover(&n->kids[i], mm, w, &g, &a);
        if (n->kind != KB_Q_OR) {
            *got += g;
            *all += a;
            continue;
        }
        /* The best-held alternative; if none is held, the weightiest. */
        double r = a > 0 ? g / a : 0;
        if (a > 0 && (r > best || (r == best && a > *all))) {
            best = r;
            *got = g;
            *all = a;
        }
    }
}

double kb_coverage(const kb_query *q, const kb_matches *mm, const double *w)
{
    double got, all;
    cover(&q->root, mm, w, &got, &all);
    return all > 0 ? got / all : 0;
}

/* The word position of the token starting at or containing byte `at`. */
static unsigned pos_at(const kb_matches *mm, size_t at)
{
    size_t lo = 0, hi = mm->ntokens;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (mm->tokens[mid].start <= at)
            lo = mid;
        else
            hi = mid;
    }
    return mm->ntokens ? mm->tokens[lo].pos : 0;
}

double kb_proximity(const kb_matches *mm, size_t nleaves, unsigned *scratch)
{
    size_t want = 0;
    for (size_t l = 0; l < nleaves; l++)
        want += mm->leaf_hit[l] > 0;
    if (want < 2 || mm->nspans == 0)
        return 0;
    memset(scratch, 0, nleaves * sizeof *scratch);
    /* Slide a window over the spans (in text order) that holds every
     * matched leaf; keep the narrowest. */
    unsigned best = 0;
    size_t have = 0, i = 0;
    for (size_t j = 0; j < mm->nspans; j++) {
        if (scratch[mm->spans[j].leaf]++ == 0)
            have++;
        while (have == want) {
            unsigned first = pos_at(mm, mm->spans[i].start);
            unsigned last = pos_at(mm, mm->spans[j].end - 1);
            unsigned width = last - first + 1;
            if (!best || width < best)
                best = width;
            if (--scratch[mm->spans[i].leaf] == 0)
                have--;
            i++;
        }
    }
    if (best == 0)
        return 0; /* merged spans hid a leaf: no stretch holds them all */
    if (best < 2)
        return 1;
    double p = (double)(want - 1) / (double)(best - 1);
    return p > 1 ? 1 : p;
}
