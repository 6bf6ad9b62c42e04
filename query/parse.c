/* The query parser (grammar in include/kbsearch/query.h). */
#include "kbsearch/query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/buf.h"

/* A token collected from a chunk before it becomes a node. */
typedef struct {
    kb_qterm t;
    unsigned pos;
} qtok;

typedef struct {
    kb_tokenizer *tk;
    kb_stemmer *stemmer;
    qtok *toks;
    size_t ntoks, cap;
} collector;

static int collect(void *ctx, const kb_token *tok)
{
    collector *c = ctx;
    if (!kb_grow((void **)&c->toks, &c->cap, c->ntoks + 1, sizeof *c->toks))
        return KB_ERR_NOMEM;
    qtok *q = &c->toks[c->ntoks];
    memset(q, 0, sizeof *q);
    if (!(q->t.term = strndup(tok->term, tok->term_len)))
        return KB_ERR_NOMEM;
    q->t.len = tok->term_len;
    q->t.flags = tok->flags;
    q->pos = tok->pos;
    c->ntoks++;
    return 0;
}

static void free_terms(kb_qterm *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(t[i].term);
        free(t[i].stem);
    }
    free(t);
}

static void free_node(kb_qnode *n)
{
    free_terms(n->terms, n->nterms);
    for (size_t i = 0; i < n->nkids; i++)
        free_node(&n->kids[i]);
    free(n->kids);
}

void kb_query_free(kb_query *q)
{
    if (!q)
        return;
    free_node(&q->root);
    for (size_t i = 0; i < q->nwarnings; i++)
        free(q->warnings[i]);
    free(q->warnings);
    free(q);
}

/* A CJK word is searched as its bigrams in a row: a unigram is dropped
 * where a bigram covers its position (the bigram at p covers p and p+1). */
static bool covered_unigram(const collector *c, size_t i)
{
    const qtok *u = &c->toks[i];
    if ((u->t.flags & (KB_TOKEN_CJK | KB_TOKEN_BIGRAM)) != KB_TOKEN_CJK)
        return false;
    for (size_t k = 0; k < c->ntoks; k++) {
        const qtok *b = &c->toks[k];
        if ((b->t.flags & KB_TOKEN_BIGRAM) && (b->pos == u->pos || b->pos + 1 == u->pos))
            return true;
    }
    return false;
}

/* Moves the collected tokens into a TERM or PHRASE node. */
static kb_status make_leaf(collector *c, bool quoted, size_t col, kb_qnode *out)
{
    memset(out, 0, sizeof *out);
    out->quoted = quoted;
    out->col = col;
    out->terms = calloc(c->ntoks, sizeof *out->terms);
    if (!out->terms)
        return KB_ERR_NOMEM;
    for (size_t i = 0; i < c->ntoks; i++) {
        if (covered_unigram(c, i))
            free(c->toks[i].t.term);
        else
            out->terms[out->nterms++] = c->toks[i].t;
    }
    c->ntoks = 0;
    out->kind = out->nterms == 1 ? KB_Q_TERM : KB_Q_PHRASE;
    for (size_t i = 0; i < out->nterms; i++) {
        kb_qterm *t = &out->terms[i];
        if (quoted || !c->stemmer || (t->flags & (KB_TOKEN_NUMBER | KB_TOKEN_CJK)))
            continue;
        const char *stem;
        size_t n;
        if (kb_stem(c->stemmer, t->term, t->len, &stem, &n) || !(t->stem = strndup(stem, n)))
            return KB_ERR_NOMEM;
        t->stem_len = n;
    }
    return KB_OK;
}

static bool is_space_at(const char *s, size_t len, size_t i, size_t *n)
{
    *n = 1;
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
        return true;
    *n = 3; /* U+3000 ideographic space, typed on CJK keyboards */
    return i + 3 <= len && memcmp(s + i, "\xe3\x80\x80", 3) == 0;
}

/* Straight and curly double quotes, as pasted from web pages. */
static size_t quote_at(const char *s, size_t len, size_t i)
{
    static const char *const quotes[] = {"\"", "\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\x9e",
                                         "\xef\xbc\x82"};
    for (size_t k = 0; k < sizeof quotes / sizeof *quotes; k++) {
        size_t n = strlen(quotes[k]);
        if (i + n <= len && memcmp(s + i, quotes[k], n) == 0)
            return n;
    }
    return 0;
}

static kb_status add_kid(kb_qnode *parent, const kb_qnode *kid)
{
    kb_qnode *p = realloc(parent->kids, (parent->nkids + 1) * sizeof *p);
    if (!p)
        return KB_ERR_NOMEM;
    parent->kids = p;
    p[parent->nkids++] = *kid;
    return KB_OK;
}

static kb_status warn(kb_query *q, const char *fmt, size_t col)
{
    char msg[128];
    snprintf(msg, sizeof msg, fmt, col);
    char **p = realloc(q->warnings, (q->nwarnings + 1) * sizeof *p);
    if (!p)
        return KB_ERR_NOMEM;
    q->warnings = p;
    if (!(p[q->nwarnings] = strdup(msg)))
        return KB_ERR_NOMEM;
    q->nwarnings++;
    return KB_OK;
}

/* Parses one item at *i; adds it to q->root unless it holds no term. */
static kb_status parse_item(kb_query *q, collector *c, const char *s, size_t len, size_t *i)
{
    size_t start = *i, n, qn;
    bool negate = false;
    if (s[*i] == '-' && *i + 1 < len && !is_space_at(s, len, *i + 1, &n)) {
        negate = true;
        (*i)++;
    }
    size_t from = *i, to;
    bool quoted = (qn = quote_at(s, len, *i)) > 0;
    if (quoted) {
        from = *i + qn;
        for (to = from; to < len && !quote_at(s, len, to); to++)
            ;
        if (to == len) {
            kb_status st = warn(q, "unclosed quote at column %zu closed at the end", *i + 1);
            if (st)
                return st;
            *i = len;
        } else {
            *i = to + quote_at(s, len, to);
        }
    } else {
        for (to = from; to < len && !is_space_at(s, len, to, &n) && !quote_at(s, len, to); to++)
            ;
        *i = to;
    }
    kb_status st = kb_tokenize(c->tk, s + from, to - from, collect, c);
    if (st || c->ntoks == 0)
        return st;
    kb_qnode leaf;
    if ((st = make_leaf(c, quoted, start + 1, &leaf))) {
        free_node(&leaf);
        return st;
    }
    if (negate) {
        kb_qnode not = {KB_Q_NOT, NULL, 0, NULL, 0, false, start + 1};
        if ((st = add_kid(&not, &leaf))) {
            free_node(&leaf);
            return st;
        }
        leaf = not;
    }
    if ((st = add_kid(&q->root, &leaf)))
        free_node(&leaf);
    return st;
}

static char *nothing_to_search(const kb_query *q)
{
    kb_buf b = KB_BUF_INIT;
    if (q->root.nkids)
        kb_buf_printf(&b, "nothing to search: the query only excludes words (column %zu); "
                          "add a word to look for",
                      q->root.kids[0].col);
    else
        kb_buf_puts(&b, "nothing to search: the query has no words");
    return b.data;
}

kb_status kb_query_parse(const char *text, size_t len, kb_tokenizer *tk,
                         kb_stemmer *stemmer, kb_query **out, char **errmsg)
{
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    kb_query *q = calloc(1, sizeof *q);
    if (!q)
        return KB_ERR_NOMEM;
    q->root.kind = KB_Q_ANY;
    q->root.col = 1;
    collector c = {tk, stemmer, NULL, 0, 0};
    kb_status st = KB_OK;
    size_t i = 0, n;
    while (i < len && !st) {
        if (is_space_at(text, len, i, &n))
            i += n;
        else
            st = parse_item(q, &c, text, len, &i);
    }
    for (size_t k = 0; k < c.ntoks; k++)
        free(c.toks[k].t.term);
    free(c.toks);
    size_t positive = 0;
    for (size_t k = 0; k < q->root.nkids; k++)
        positive += q->root.kids[k].kind != KB_Q_NOT;
    if (!st && positive == 0) {
        st = KB_ERR_QUERY;
        if (errmsg)
            *errmsg = nothing_to_search(q);
    }
    if (st) {
        kb_query_free(q);
        return st;
    }
    *out = q;
    return KB_OK;
}
