/* fuzz_query.c — libFuzzer target for the query parser (query.h).
 *
 * Every input is parsed as a query with the English stemmer, as kbsearch
 * does, and the result is checked against the contract in query.h: on
 * KB_OK a tree and no message, on failure no tree and (unless memory ran
 * out) a message.  The tree is walked so that ASan sees every term read.
 * A broken invariant calls abort(), which libFuzzer reports as a crash
 * with the input that caused it.  A parsed tree is then matched against a
 * fixed text (match.h), so the matcher meets every shape of tree too: its
 * spans must lie in the text, sorted, and name a leaf of the query.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/index.h"
#include "kbsearch/match.h"
#include "kbsearch/query.h"
#include "kbsearch/tokenize.h"

#include "check.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The one place statics are acceptable: libFuzzer's entry points take no
 * context, so state that outlives one input has nowhere else to live.
 * Both are created once: a Snowball stemmer per input would cost more than
 * the parse, and reusing them is what kbsearch --batch does (one tokenizer
 * and stemmer for every query).  They are never freed; LeakSanitizer does
 * not report memory still reachable from a static. */
static kb_tokenizer *tokenizer;
static kb_stemmer *stemmer;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char *msg = NULL;
    if (kb_tokenizer_new(&tokenizer) || kb_stemmer_new("english", &stemmer, &msg)) {
        fprintf(stderr, "fuzz_query: setup failed: %s\n", msg ? msg : "out of memory");
        abort();
    }
    return 0;
}

static void check_term(const char *term, size_t len)
{
    CHECK(term != NULL);
    CHECK(term[len] == '\0');
}

/* Holds for every node kind, including ones the grammar adds later. */
static void check_node(const kb_qnode *n, size_t len)
{
    CHECK(n->kind == KB_Q_ANY || n->col >= 1);
    CHECK(n->col <= len + 1);
    CHECK(n->nterms == 0 || n->terms != NULL);
    for (size_t i = 0; i < n->nterms; i++) {
        const kb_qterm *t = &n->terms[i];
        check_term(t->term, t->len);
        if (t->stem)
            check_term(t->stem, t->stem_len);
    }
    CHECK(n->nkids == 0 || n->kids != NULL);
    for (size_t i = 0; i < n->nkids; i++)
        check_node(&n->kids[i], len);
}

/* Words the seed queries use, in every form the matcher handles. */
static const char passage[] =
    "The transfer of wartime operational control (OPCON) was delayed; strategic "
    "flexibility matters more than a tidy plan. Budget NEAR review: 3.5% of 1,250 "
    "in the U.S. café, 東京都 and 서울, the colour of burden-sharing costs.";

static void check_matches(const kb_query *q)
{
    kb_matcher *m = NULL;
    kb_matches mm;
    if (kb_matcher_new(q, tokenizer, stemmer, &m) != KB_OK)
        return;
    CHECK(kb_matcher_leaf_count(m) == q->nleaves);
    if (kb_match(m, passage, sizeof passage - 1, &mm) == KB_OK) {
        for (size_t i = 0; i < mm.nspans; i++) {
            const kb_mspan *s = &mm.spans[i];
            CHECK(s->start < s->end && s->end <= sizeof passage - 1);
            CHECK(i == 0 || mm.spans[i - 1].end <= s->start);
            CHECK(s->leaf < q->nleaves && mm.leaf_hit[s->leaf] > 0);
        }
    }
    kb_matcher_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Poisoned: kb_query_parse must set both, whatever it returns. */
    kb_query *q = (kb_query *)1;
    char *msg = (char *)1;
    kb_status st = kb_query_parse((const char *)data, size, tokenizer, stemmer, &q, &msg);
    CHECK(st != KB_DONE && st < KB_STATUS_LAST);
    CHECK(q != (kb_query *)1 && msg != (char *)1);
    if (st == KB_OK) {
        CHECK(q != NULL);
        CHECK(msg == NULL);
        check_node(&q->root, size);
        CHECK(q->nwarnings == 0 || q->warnings != NULL);
        for (size_t i = 0; i < q->nwarnings; i++)
            CHECK(q->warnings[i] != NULL && q->warnings[i][0] != '\0');
        CHECK(q->nleaves > 0);
        check_matches(q);
    } else {
        CHECK(q == NULL);
        CHECK(st == KB_ERR_NOMEM || (msg != NULL && msg[0] != '\0'));
    }
    kb_query_free(q);
    free(msg);
    return 0;
}
