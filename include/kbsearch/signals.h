/* signals.h — the evidence kbsearch ranks a passage by, beyond BM25, each
 * computed from where the query matched (match.h).  Every function is
 * pure: the same matches give the same number, in [0, 1].
 */
#ifndef KBSEARCH_SIGNALS_H
#define KBSEARCH_SIGNALS_H

#include <stddef.h>
#include "kbsearch/match.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The share of the query a text holds: the sum of the weights w[l] of the
 * leaves it satisfies (a leaf matched only in part, such as a phrase found
 * as scattered words, counts half) over the sum of all weights.  Under an
 * OR only the best-held alternative counts; excluded leaves and filters
 * not at all. */
double kb_coverage(const kb_query *q, const kb_matches *mm, const double *w);

/* How close together the query's words are: with m >= 2 distinct leaves
 * matched and W the width in words of the narrowest stretch holding one
 * match of each, (m - 1) / (W - 1) — 1 when single words stand side by
 * side (a phrase adds its own words to W); 0 when fewer than two leaves
 * match, or when one leaf's matches all overlap another's (the spans of
 * match.h are merged).  `scratch` has room for nleaves counters. */
double kb_proximity(const kb_matches *mm, size_t nleaves, unsigned *scratch);

#ifdef __cplusplus
}
#endif
#endif
