/* Tests for include/kbsearch/query.h: the query parser (query/parse.c). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/buf.h"
#include "kbsearch/index.h"
#include "kbsearch/query.h"
#include "kbsearch/tokenize.h"

static kb_tokenizer *tk;
static kb_stemmer *en;

static void setup(void)
{
    cr_assert_eq(kb_tokenizer_new(&tk), KB_OK);
    char *err = NULL;
    cr_assert_eq(kb_stemmer_new("english", &en, &err), KB_OK, "%s", err ? err : "");
}

static void teardown(void)
{
    kb_tokenizer_free(tk);
    kb_stemmer_free(en);
}

TestSuite(query, .init = setup, .fini = teardown);

static kb_query *parse_ok(const char *text)
{
    kb_query *q = NULL;
    char *err = NULL;
    kb_status st = kb_query_parse(text, strlen(text), tk, en, &q, &err);
    cr_assert_eq(st, KB_OK, "parsing [%s]: %s (%s)", text, kb_status_str(st), err ? err : "");
    cr_assert_not_null(q);
    cr_assert_eq(q->root.kind, KB_Q_ANY);
    free(err);
    return q;
}

/* --- the table ---------------------------------------------------------------
 * Each query is described by a compact picture of its root's kids:
 *   T(term/stem)        a word; stem "-" means NULL (exact match only)
 *   P[a/s b/s ...]      a phrase; prefix q for quoted
 *   N(...)              an exclusion around one leaf
 * joined by single spaces, with each kid's 1-based column after '@'. */

static void describe_term(const kb_qterm *t, kb_buf *b)
{
    cr_assert_eq(strlen(t->term), t->len, "term length does not match its NUL");
    kb_buf_add(b, t->term, t->len);
    kb_buf_puts(b, "/");
    if (t->stem) {
        cr_assert_eq(strlen(t->stem), t->stem_len);
        kb_buf_add(b, t->stem, t->stem_len);
    } else {
        cr_assert_eq(t->stem_len, 0);
        kb_buf_puts(b, "-");
    }
}

static void describe_node(const kb_qnode *n, kb_buf *b);

static void describe_kids(const char *name, const kb_qnode *n, kb_buf *b)
{
    kb_buf_puts(b, name);
    kb_buf_puts(b, "(");
    for (size_t i = 0; i < n->nkids; i++) {
        if (i)
            kb_buf_puts(b, " ");
        describe_node(&n->kids[i], b);
    }
    kb_buf_puts(b, ")");
}

static void describe_terms(const kb_qnode *n, kb_buf *b)
{
    for (size_t i = 0; i < n->nterms; i++) {
        if (i)
            kb_buf_puts(b, " ");
        describe_term(&n->terms[i], b);
    }
}

static void describe_node(const kb_qnode *n, kb_buf *b)
{
    static const char *const fields[] = {"path", "ext", "title", "heading"};
    if (n->required)
        kb_buf_puts(b, "+");
    switch (n->kind) {
    case KB_Q_TERM:
        cr_assert_eq(n->nterms, 1);
        cr_assert_eq(n->nkids, 0);
        kb_buf_puts(b, n->quoted ? "qT(" : "T(");
        describe_term(&n->terms[0], b);
        kb_buf_puts(b, ")");
        break;
    case KB_Q_PHRASE:
        cr_assert_geq(n->nterms, 2);
        cr_assert_eq(n->nkids, 0);
        kb_buf_puts(b, n->quoted ? "qP[" : "P[");
        describe_terms(n, b);
        kb_buf_puts(b, "]");
        break;
    case KB_Q_PREFIX:
        cr_assert_eq(n->nterms, 1);
        kb_buf_printf(b, "PRE(%s)", n->terms[0].term);
        break;
    case KB_Q_NEAR:
    case KB_Q_ADJ:
        kb_buf_printf(b, "%s/%u[", n->kind == KB_Q_NEAR ? "NEAR" : "ADJ", n->window);
        describe_terms(n, b);
        kb_buf_puts(b, "]");
        break;
    case KB_Q_FIELD:
        kb_buf_printf(b, "F(%s:%s", fields[n->field], n->value);
        if (n->nterms) {
            kb_buf_puts(b, "=");
            describe_terms(n, b);
        }
        kb_buf_puts(b, ")");
        break;
    case KB_Q_NOT:
        cr_assert_eq(n->nkids, 1);
        describe_kids("N", n, b);
        break;
    case KB_Q_AND: describe_kids("AND", n, b); break;
    case KB_Q_OR: describe_kids("OR", n, b); break;
    case KB_Q_ANY: describe_kids("ANY", n, b); break;
    }
}

static char *describe(const kb_query *q)
{
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "");
    for (size_t i = 0; i < q->root.nkids; i++) {
        if (i)
            kb_buf_puts(&b, " ");
        describe_node(&q->root.kids[i], &b);
        kb_buf_printf(&b, "@%zu", q->root.kids[i].col);
    }
    cr_assert_eq(kb_buf_status(&b), KB_OK);
    return b.data;
}

typedef struct {
    const char *query;
    const char *tree;
    size_t nwarnings;
} parse_case;

static const parse_case cases[] = {
    /* words: normalized term and english stem */
    {"flexibility", "T(flexibility/flexibl)@1", 0},
    {"Running dogs", "T(running/run)@1 T(dogs/dog)@9", 0},
    {"  Café   ÉCOLE", "T(cafe/cafe)@3 T(ecole/ecol)@11", 0},
    {"Korea’s", "T(korea/korea)@1", 0},
    {"don’t", "T(don't/don't)@1", 0},
    /* numbers and CJK are never stemmed */
    {"2026 1,250", "T(2026/-)@1 T(1250/-)@6", 0},
    /* quoted text: a phrase of exact forms */
    {"\"flexible approaches\"", "qP[flexible/- approaches/-]@1", 0},
    {"\"dogs\"", "qT(dogs/-)@1", 0},
    /* curly and full-width quotes are quotes */
    {"“flexible approaches”", "qP[flexible/- approaches/-]@1", 0},
    {"x „running dogs“", "T(x/x)@1 qP[running/- dogs/-]@3", 0},
    {"＂running dogs＂", "qP[running/- dogs/-]@1", 0},
    /* exclusion */
    {"cats -dogs", "T(cats/cat)@1 N(T(dogs/dog))@6", 0},
    {"-\"lazy dogs\" fox", "N(qP[lazy/- dogs/-])@1 T(fox/fox)@14", 0},
    /* a lone or trailing '-' is not an exclusion */
    {"cats - dogs", "T(cats/cat)@1 T(dogs/dog)@8", 0},
    /* a chunk that tokenizes to several terms is a phrase */
    {"burden-sharing", "P[burden/burden sharing/share]@1", 0},
    {"U.S. snake_case", "T(us/us)@1 T(snake_case/snake_cas)@6", 0},
    /* a CJK word is a phrase of its bigrams; two characters are one bigram */
    {"東京都", "P[東京/- 京都/-]@1", 0},
    {"東京", "T(東京/-)@1", 0},
    {"東京都　大阪", "P[東京/- 京都/-]@1 T(大阪/-)@13", 0},
    /* lower-case and/or/not are plain words */
    {"cats and dogs", "T(cats/cat)@1 T(and/and)@6 T(dogs/dog)@10", 0},
    {"cats or not dogs", "T(cats/cat)@1 T(or/or)@6 T(not/not)@9 T(dogs/dog)@13", 0},
    /* an unclosed quote is closed at the end, with a warning */
    {"fox \"lazy dogs", "T(fox/fox)@1 qP[lazy/- dogs/-]@5", 1},
    /* a quote ends a chunk */
    {"fox\"lazy dog\"", "T(fox/fox)@1 qP[lazy/- dog/-]@4", 0},
    /* punctuation-only items vanish */
    {"?? fox !!", "T(fox/fox)@4", 0},
    /* boolean operators, in capitals; AND binds tighter than OR */
    {"cats AND dogs", "AND(T(cats/cat) T(dogs/dog))@1", 0},
    {"cats OR dogs", "OR(T(cats/cat) T(dogs/dog))@1", 0},
    {"a OR b AND c", "OR(T(a/a) AND(T(b/b) T(c/c)))@1", 0},
    {"a AND b AND c", "AND(T(a/a) T(b/b) T(c/c))@1", 0},
    {"x a OR b y", "T(x/x)@1 OR(T(a/a) T(b/b))@3 T(y/y)@10", 0},
    {"NOT dogs cats", "N(T(dogs/dog))@1 T(cats/cat)@10", 0},
    {"cats AND NOT dogs", "AND(T(cats/cat) N(T(dogs/dog)))@1", 0},
    {"+cats dogs", "+T(cats/cat)@1 T(dogs/dog)@7", 0},
    {"NOT NOT dogs", "T(dogs/dog)@1", 0},
    {"-(cats dogs) fox", "N(ANY(T(cats/cat) T(dogs/dog)))@1 T(fox/fox)@14", 0},
    /* parentheses */
    {"(cats OR dogs) AND fox", "AND(OR(T(cats/cat) T(dogs/dog)) T(fox/fox))@1", 0},
    {"(cats dogs)", "ANY(T(cats/cat) T(dogs/dog))@1", 0},
    {"((fox))", "T(fox/fox)@1", 0},
    {"1 250 people", "T(1250/-)@1 T(people/peopl)@7", 0},
    /* proximity: exact forms, windows */
    {"budget NEAR/5 review", "NEAR/5[budget/- review/-]@1", 0},
    {"budget NEAR review", "NEAR/10[budget/- review/-]@1", 0},
    {"budget ADJ/3 review", "ADJ/3[budget/- review/-]@1", 0},
    {"a NEAR/2 b NEAR/2 c", "NEAR/2[a/- b/- c/-]@1", 0},
    {"\"cost sharing\" NEAR/4 plan", "NEAR/4[cost/- sharing/- plan/-]@1", 0},
    /* prefix */
    {"strat* plan", "PRE(strat)@1 T(plan/plan)@8", 0},
    /* fields */
    {"path:reports/ budget", "F(path:reports/)@1 T(budget/budget)@15", 0},
    {"ext:.MD fox", "F(ext:md)@1 T(fox/fox)@9", 0},
    {"title:Gardens fox", "F(title:Gardens=gardens/garden)@1 T(fox/fox)@15", 0},
    {"heading:\"compost heap\" fox",
     "F(heading:compost heap=compost/compost heap/heap)@1 T(fox/fox)@24", 0},
    {"-path:drafts/ fox", "N(F(path:drafts/))@1 T(fox/fox)@15", 0},
    {"path:a(b)/ fox", "F(path:a(b)/)@1 T(fox/fox)@12", 0},
    /* a field name without a value, or an unknown one, is a word */
    {"path: fox", "T(path/path)@1 T(fox/fox)@7", 0},
    {"colour:red", "P[colour/colour red/red]@1", 0},
    /* lenient repairs, each with a warning */
    {"(cats dogs", "ANY(T(cats/cat) T(dogs/dog))@1", 1},
    {"cats) dogs", "T(cats/cat)@1 T(dogs/dog)@7", 1},
    {"cats AND", "T(cats/cat)@1", 1},
    {"AND cats", "T(cats/cat)@5", 1},
    {"OR cats OR", "T(cats/cat)@4", 2},
    {"cats OR NOT dogs", "T(cats/cat)@1", 1},
    {"fox NOT", "T(fox/fox)@1", 1},
    {"fox NEAR/3", "T(fox/fox)@1", 1},
    {"(a OR b) NEAR c", "AND(OR(T(a/a) T(b/b)) T(c/c))@1", 1},
    {"fox title:\"lazy", "T(fox/fox)@1 F(title:lazy=lazy/lazi)@5", 1},
    {"fox ext:", "T(fox/fox)@1 T(ext/ext)@5", 0},
};

Test(query, table)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const parse_case *c = &cases[i];
        kb_query *q = parse_ok(c->query);
        char *got = describe(q);
        cr_expect_str_eq(got, c->tree, "query [%s]\n   got: %s\nwanted: %s", c->query, got,
                         c->tree);
        cr_expect_eq(q->nwarnings, c->nwarnings, "query [%s]: %zu warnings, expected %zu",
                     c->query, q->nwarnings, c->nwarnings);
        free(got);
        kb_query_free(q);
    }
}

Test(query, term_flags)
{
    kb_query *q = parse_ok("fox 2026 東京");
    cr_assert_eq(q->root.nkids, 3);
    cr_assert_eq(q->root.kids[0].terms[0].flags, 0);
    cr_assert(q->root.kids[1].terms[0].flags & KB_TOKEN_NUMBER);
    cr_assert(q->root.kids[2].terms[0].flags & KB_TOKEN_CJK);
    cr_assert(q->root.kids[2].terms[0].flags & KB_TOKEN_BIGRAM);
    cr_assert_not(q->root.kids[0].quoted);
    kb_query_free(q);
}

Test(query, no_stemmer_gives_no_stems)
{
    kb_query *q = NULL;
    const char *text = "running burden-sharing";
    cr_assert_eq(kb_query_parse(text, strlen(text), tk, NULL, &q, NULL), KB_OK);
    char *got = describe(q);
    cr_assert_str_eq(got, "T(running/-)@1 P[burden/- sharing/-]@9");
    free(got);
    kb_query_free(q);

    kb_stemmer *none = NULL;
    cr_assert_eq(kb_stemmer_new("none", &none, NULL), KB_OK);
    cr_assert_eq(kb_query_parse(text, strlen(text), tk, none, &q, NULL), KB_OK);
    cr_assert_eq(q->root.nkids, 2);
    /* A "none" stemmer may give no stem or the word itself; never another. */
    const kb_qterm *t = &q->root.kids[0].terms[0];
    cr_assert(t->stem == NULL || strcmp(t->stem, "running") == 0, "stem %s", t->stem);
    kb_query_free(q);
    kb_stemmer_free(none);
}

Test(query, unclosed_quote_warns_with_column)
{
    kb_query *q = parse_ok("fox  \"lazy dogs");
    cr_assert_eq(q->nwarnings, 1);
    cr_assert_not_null(q->warnings[0]);
    cr_assert(strstr(q->warnings[0], "quote") != NULL, "warning: %s", q->warnings[0]);
    cr_assert(strstr(q->warnings[0], "column 6") != NULL, "warning: %s", q->warnings[0]);
    cr_assert_eq(q->root.nkids, 2);
    cr_assert_eq(q->root.kids[1].kind, KB_Q_PHRASE);
    cr_assert(q->root.kids[1].quoted);
    kb_query_free(q);

    /* A curly opening quote left open, too. */
    q = parse_ok("“lazy");
    cr_assert_eq(q->nwarnings, 1);
    cr_assert_eq(q->root.nkids, 1);
    cr_assert_eq(q->root.kids[0].kind, KB_Q_TERM);
    cr_assert(q->root.kids[0].quoted);
    cr_assert_str_eq(q->root.kids[0].terms[0].term, "lazy");
    cr_assert_null(q->root.kids[0].terms[0].stem);
    kb_query_free(q);
}

/* "w0 w1 ...": n words, each as long as its number needs. */
static char *many_words(size_t n, const char *tail)
{
    kb_buf b = KB_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        kb_buf_printf(&b, "%sw%zu", i ? " " : "", i);
    kb_buf_puts(&b, tail);
    cr_assert_eq(kb_buf_status(&b), KB_OK);
    return b.data;
}

Test(query, reads_at_most_max_words_and_says_where_it_stopped)
{
    char *text = many_words(KB_QUERY_MAX_WORDS, "");
    kb_query *q = parse_ok(text);
    cr_expect_eq(q->root.nkids, KB_QUERY_MAX_WORDS);
    cr_expect_eq(q->nwarnings, 0);
    kb_query_free(q);
    free(text);

    /* A phrase that would pass the limit is left out whole, with all after it. */
    text = many_words(KB_QUERY_MAX_WORDS - 1, " \"alpha beta\" gamma w9999");
    size_t col = (size_t)(strchr(text, '"') - text) + 1;
    q = parse_ok(text);
    cr_expect_eq(q->root.nkids, KB_QUERY_MAX_WORDS - 1);
    cr_assert_eq(q->nwarnings, 1);
    char want[64];
    snprintf(want, sizeof want, "from column %zu", col);
    cr_expect(strstr(q->warnings[0], want) != NULL, "warning: %s", q->warnings[0]);
    kb_query_free(q);
    free(text);
}

Test(query, only_excluded_is_an_error_naming_the_column)
{
    const char *text = "  -dogs -\"lazy cats\"";
    kb_query *q = (kb_query *)&q;
    char *err = NULL;
    kb_status st = kb_query_parse(text, strlen(text), tk, en, &q, &err);
    cr_assert_eq(st, KB_ERR_QUERY, "got %s", kb_status_str(st));
    cr_assert_null(q);
    cr_assert_not_null(err);
    cr_assert(strstr(err, "column") != NULL, "message: %s", err);
    cr_assert(strstr(err, "column 3") != NULL, "message should point at column 3: %s", err);
    free(err);

    /* errmsg may be NULL */
    cr_assert_eq(kb_query_parse(text, strlen(text), tk, en, &q, NULL), KB_ERR_QUERY);
    cr_assert_null(q);
}

Test(query, nothing_to_search_is_an_error)
{
    const char *inputs[] = {"", "   ", "\t\n", "?!", "-- ... ---", "\"\"", "“ ”", "-", "*",
                            "()", "AND OR", "NOT a AND NOT b", "path:x/ ext:md", "( ) ) ("};
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        kb_query *q = (kb_query *)&q;
        char *err = NULL;
        kb_status st = kb_query_parse(inputs[i], strlen(inputs[i]), tk, en, &q, &err);
        cr_expect_eq(st, KB_ERR_QUERY, "[%s] gave %s", inputs[i], kb_status_str(st));
        cr_expect_null(q, "[%s] gave a tree", inputs[i]);
        cr_expect_not_null(err, "[%s] gave no message", inputs[i]);
        if (err)
            cr_expect_gt(strlen(err), 0);
        free(err);
        if (st == KB_OK)
            kb_query_free(q);
    }
}

Test(query, length_is_respected)
{
    /* Only `len` bytes are parsed. */
    const char *text = "fox dogs";
    kb_query *q = NULL;
    cr_assert_eq(kb_query_parse(text, 3, tk, en, &q, NULL), KB_OK);
    cr_assert_eq(q->root.nkids, 1);
    cr_assert_str_eq(q->root.kids[0].terms[0].term, "fox");
    kb_query_free(q);
}

Test(query, columns_are_one_based_bytes)
{
    /* "é" is two bytes, "東" three: columns count bytes. */
    kb_query *q = parse_ok("é fox 東京 \"a b\" -c");
    cr_assert_eq(q->root.nkids, 5);
    cr_assert_eq(q->root.kids[0].col, 1);
    cr_assert_eq(q->root.kids[1].col, 4);
    cr_assert_eq(q->root.kids[2].col, 8);
    cr_assert_eq(q->root.kids[3].col, 15);
    cr_assert_eq(q->root.kids[4].col, 21);
    cr_assert_eq(q->root.kids[4].kind, KB_Q_NOT);
    kb_query_free(q);
}

Test(query, free_accepts_null)
{
    kb_query_free(NULL);
    cr_assert(1);
}
