/* fuzz_query.c — libFuzzer target for the query parser (query.h).
 *
 * Every input is parsed as a query with the English stemmer, as kbsearch
 * does, and the result is checked against the contract in query.h: on
 * KB_OK a tree and no message, on failure no tree and (unless memory ran
 * out) a message.  The tree is walked so that ASan sees every term read.
 * A broken invariant calls abort(), which libFuzzer reports as a crash
 * with the input that caused it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/index.h"
#include "kbsearch/query.h"
#include "kbsearch/tokenize.h"

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

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "fuzz_query: %s:%d: invariant broken: %s\n",   \
                    __FILE__, __LINE__, #cond);                            \
            abort();                                                       \
        }                                                                  \
    } while (0)

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
    } else {
        CHECK(q == NULL);
        CHECK(st == KB_ERR_NOMEM || (msg != NULL && msg[0] != '\0'));
    }
    kb_query_free(q);
    free(msg);
    return 0;
}
