/* Tests for include/kbsearch/signals.h: coverage and proximity of a
 * query's matches in a text, on sentences of our own. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/index.h"
#include "kbsearch/match.h"
#include "kbsearch/query.h"
#include "kbsearch/signals.h"
#include "kbsearch/tokenize.h"

typedef struct {
    const char *query;
    const char *text;
    double proximity;
} prox_case;

/* Parses `q`, matches `text`, and hands the matches to `check`. */
static void with_matches(const char *q, const char *text,
                         void (*check)(const kb_matches *, const kb_query *, size_t, const void *),
                         const void *arg)
{
    kb_tokenizer *tk;
    kb_stemmer *en;
    kb_query *query;
    kb_matcher *m;
    kb_matches mm;
    cr_assert_eq(kb_tokenizer_new(&tk), KB_OK);
    cr_assert_eq(kb_stemmer_new("english", &en, NULL), KB_OK);
    cr_assert_eq(kb_query_parse(q, strlen(q), tk, en, &query, NULL), KB_OK);
    cr_assert_eq(kb_matcher_new(query, tk, en, &m), KB_OK);
    cr_assert_eq(kb_match(m, text, strlen(text), &mm), KB_OK);
    check(&mm, query, kb_matcher_leaf_count(m), arg);
    kb_matcher_free(m);
    kb_query_free(query);
    kb_stemmer_free(en);
    kb_tokenizer_free(tk);
}

static void check_proximity(const kb_matches *mm, const kb_query *q, size_t nleaves,
                            const void *arg)
{
    (void)q;
    const prox_case *c = arg;
    unsigned *scratch = calloc(nleaves ? nleaves : 1, sizeof *scratch);
    double p = kb_proximity(mm, nleaves, scratch);
    free(scratch);
    cr_expect(fabs(p - c->proximity) < 1e-9, "[%s] in [%s]: %g, want %g", c->query, c->text, p,
              c->proximity);
}

static const prox_case prox_cases[] = {
    {"tide gauge", "the tide gauge reads high", 1.0},
    {"tide gauge", "the gauge shows the tide", 1.0 / 3},       /* any order, 4 words wide */
    {"tide gauge", "the tide is high and the gauge is old", 1.0 / 5},
    {"tide gauge pier", "tide at the pier, gauge", 2.0 / 4},  /* 5 words hold all three */
    /* The narrowest stretch counts, not the first one. */
    {"tide gauge", "tide one two three four gauge tide", 1.0},
    {"tide gauge", "only the tide here", 0},                  /* one leaf: nothing to be near */
    {"tide", "tide and tide", 0},
    {"tide gauge", "nothing matches", 0},
    {"\"tide gauge\" pier", "the pier has a tide gauge", 1.0 / 4}, /* a phrase is one leaf, two words wide */
    /* "tide" only ever matches inside the phrase's span: no stretch. */
    {"tide \"tide gauge\" pier", "a tide gauge and then a long way off the pier", 0},
};
#define N_PROX (sizeof prox_cases / sizeof *prox_cases)
static size_t prox_idx[N_PROX];

/* Criterion copies parameters into each test process: pass indexes. */
ParameterizedTestParameters(signals, proximity)
{
    for (size_t i = 0; i < N_PROX; i++)
        prox_idx[i] = i;
    return cr_make_param_array(size_t, prox_idx, N_PROX);
}

ParameterizedTest(size_t *i, signals, proximity)
{
    cr_assert_lt(*i, N_PROX);
    with_matches(prox_cases[*i].query, prox_cases[*i].text, check_proximity, &prox_cases[*i]);
}

typedef struct {
    const double *w;
    double want;
} cov_case;

static void check_coverage(const kb_matches *mm, const kb_query *q, size_t nleaves,
                           const void *arg)
{
    (void)nleaves;
    const cov_case *c = arg;
    double got = kb_coverage(q, mm, c->w);
    cr_expect(fabs(got - c->want) < 1e-9, "coverage %g, want %g", got, c->want);
}

Test(signals, coverage_weighs_leaves)
{
    static const double w[] = {1, 3};
    cov_case all = {w, 1.0}, rare = {w, 0.75}, common = {w, 0.25}, none = {w, 0};
    with_matches("tide gauge", "tide gauge", check_coverage, &all);
    with_matches("tide gauge", "a gauge", check_coverage, &rare);
    with_matches("tide gauge", "a tide", check_coverage, &common);
    with_matches("tide gauge", "nothing", check_coverage, &none);
}

Test(signals, coverage_takes_the_best_alternative_of_an_or)
{
    /* tide OR gauge, then pier: leaves 0, 1, 2 */
    static const double w[] = {1, 3, 1};
    cov_case both = {w, 1.0}, cheap = {w, 1.0}, dear = {w, 1.0}, none = {w, 1.0 / 4},
             half = {w, 3.0 / 4};
    with_matches("(tide OR gauge) pier", "tide gauge pier", check_coverage, &both);
    with_matches("(tide OR gauge) pier", "tide pier", check_coverage, &cheap);
    with_matches("(tide OR gauge) pier", "gauge pier", check_coverage, &dear);
    with_matches("(tide OR gauge) pier", "pier", check_coverage, &none);
    with_matches("(tide OR gauge) pier", "gauge", check_coverage, &half);
}

Test(signals, coverage_ignores_exclusions_and_filters)
{
    static const double w[] = {1};
    cov_case all = {w, 1.0};
    with_matches("tide -gauge path:notes/", "tide", check_coverage, &all);
}

Test(signals, coverage_counts_a_scattered_phrase_half)
{
    static const double w[] = {2};
    cov_case phrase = {w, 1.0}, scattered = {w, 0.5};
    with_matches("\"tide gauge\"", "the tide gauge", check_coverage, &phrase);
    with_matches("\"tide gauge\"", "the gauge and the tide", check_coverage, &scattered);
}
