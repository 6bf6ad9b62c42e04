/* The matcher: query leaves against re-tokenized passage text. */
#include "kbsearch/match.h"

#include <stdlib.h>
#include <string.h>

#include "kbsearch/buf.h"

/* A token of the text being matched; strings live in the arena. */
typedef struct {
    size_t term;      /* offset of the term in arena */
    size_t term_len;
    size_t stem;      /* offset of its stem, once computed */
    size_t stem_len;
    int stemmed;      /* -1 not yet, 0 no stem (number, CJK), 1 done */
    size_t start, end;
    unsigned pos;
    unsigned flags;
} mtok;

struct kb_matcher {
    kb_tokenizer *tk;
    kb_stemmer *stemmer;
    const kb_qnode **leaves;
    size_t nleaves;
    /* per text */
    kb_status st;
    mtok *toks;
    size_t ntoks, toks_cap;
    kb_buf arena;
    kb_mspan *spans;
    size_t nspans, spans_cap;
    kb_mtoken *words;
    size_t nwords, words_cap;
    unsigned char *leaf_hit;
};


kb_status kb_matcher_new(const kb_query *q, kb_tokenizer *tk, kb_stemmer *stemmer,
                         kb_matcher **out)
{
    kb_matcher *m = calloc(1, sizeof *m);
    if (!m)
        return KB_ERR_NOMEM;
    m->tk = tk;
    m->stemmer = stemmer;
    size_t n = q->root.nkids;
    m->leaves = calloc(n ? n : 1, sizeof *m->leaves);
    m->leaf_hit = calloc(n ? n : 1, 1);
    if (!m->leaves || !m->leaf_hit) {
        kb_matcher_free(m);
        return KB_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        if (q->root.kids[i].kind == KB_Q_TERM || q->root.kids[i].kind == KB_Q_PHRASE)
            m->leaves[m->nleaves++] = &q->root.kids[i];
    *out = m;
    return KB_OK;
}

void kb_matcher_free(kb_matcher *m)
{
    if (!m)
        return;
    free(m->leaves);
    free(m->leaf_hit);
    free(m->toks);
    free(m->spans);
    free(m->words);
    kb_buf_free(&m->arena);
    free(m);
}

size_t kb_matcher_leaf_count(const kb_matcher *m)
{
    return m->nleaves;
}

const kb_qnode *kb_matcher_leaf(const kb_matcher *m, size_t i)
{
    return i < m->nleaves ? m->leaves[i] : NULL;
}

static int add_token(void *ctx, const kb_token *t)
{
    kb_matcher *m = ctx;
    if (!kb_grow((void **)&m->toks, &m->toks_cap, m->ntoks + 1, sizeof *m->toks))
        return KB_ERR_NOMEM;
    mtok *k = &m->toks[m->ntoks++];
    k->term = m->arena.len;
    k->term_len = t->term_len;
    k->stemmed = (t->flags & (KB_TOKEN_NUMBER | KB_TOKEN_CJK)) || !m->stemmer ? 0 : -1;
    k->start = t->start;
    k->end = t->end;
    k->pos = t->pos;
    k->flags = t->flags;
    kb_buf_add(&m->arena, t->term, t->term_len);
    if (!(t->flags & KB_TOKEN_BIGRAM)) {
        if (!kb_grow((void **)&m->words, &m->words_cap, m->nwords + 1, sizeof *m->words))
            return KB_ERR_NOMEM;
        m->words[m->nwords++] = (kb_mtoken){t->start, t->end, t->pos};
    }
    return kb_buf_status(&m->arena);
}

static bool same(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && memcmp(a, b, an) == 0;
}

static bool exact(const kb_matcher *m, const mtok *k, const kb_qterm *t)
{
    return same(m->arena.data + k->term, k->term_len, t->term, t->len);
}

/* Does token k match term t by its form or, when t has a stem, by stem?
 * Snowball stems keep a word's first letters, so only tokens that start
 * like the stem are stemmed (and each token at most once). */
static bool word_match(kb_matcher *m, mtok *k, const kb_qterm *t)
{
    if (exact(m, k, t))
        return true;
    if (!t->stem || k->stemmed == 0)
        return false;
    size_t pre = t->stem_len < 2 ? t->stem_len : 2;
    if (k->term_len < pre || memcmp(m->arena.data + k->term, t->stem, pre) != 0)
        return false;
    if (k->stemmed < 0) {
        const char *s;
        size_t n;
        if (kb_stem(m->stemmer, m->arena.data + k->term, k->term_len, &s, &n)) {
            m->st = KB_ERR_NOMEM;
            return false;
        }
        k->stem = m->arena.len;
        k->stem_len = n;
        k->stemmed = 1;
        kb_buf_add(&m->arena, s, n);
        if (kb_buf_status(&m->arena)) {
            m->st = KB_ERR_NOMEM;
            return false;
        }
    }
    return same(m->arena.data + k->stem, k->stem_len, t->stem, t->stem_len);
}

static void add_span(kb_matcher *m, size_t start, size_t end, unsigned leaf)
{
    if (!kb_grow((void **)&m->spans, &m->spans_cap, m->nspans + 1, sizeof *m->spans)) {
        m->st = KB_ERR_NOMEM;
        return;
    }
    m->spans[m->nspans++] = (kb_mspan){start, end, leaf};
}

/* The token index of term t at position pos, searching forward from i. */
static size_t find_at(const kb_matcher *m, size_t i, unsigned pos, const kb_qterm *t)
{
    for (; i < m->ntoks && m->toks[i].pos <= pos; i++)
        if (m->toks[i].pos == pos && exact(m, &m->toks[i], t))
            return i;
    return (size_t)-1;
}

static void match_phrase(kb_matcher *m, const kb_qnode *p, unsigned leaf)
{
    for (size_t i = 0; i < m->ntoks; i++) {
        if (!exact(m, &m->toks[i], &p->terms[0]))
            continue;
        size_t last = i;
        for (size_t k = 1; k < p->nterms && last != (size_t)-1; k++)
            last = find_at(m, last + 1, m->toks[i].pos + (unsigned)k, &p->terms[k]);
        if (last != (size_t)-1) {
            add_span(m, m->toks[i].start, m->toks[last].end, leaf);
            m->leaf_hit[leaf] = 2;
        }
    }
    if (m->leaf_hit[leaf])
        return;
    /* No phrase here: show which of its words the passage has. */
    for (size_t i = 0; i < m->ntoks; i++) {
        for (size_t k = 0; k < p->nterms; k++) {
            if (word_match(m, &m->toks[i], &p->terms[k])) {
                add_span(m, m->toks[i].start, m->toks[i].end, leaf);
                m->leaf_hit[leaf] = 1;
                break;
            }
        }
    }
}

static int by_start(const void *a, const void *b)
{
    const kb_mspan *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end > y->end ? -1 : x->end < y->end;
}

/* Sorts spans and merges overlaps (CJK bigrams overlap by design). */
static void merge_spans(kb_matcher *m)
{
    if (m->nspans == 0)
        return; /* spans may still be NULL: qsort must not see it */
    qsort(m->spans, m->nspans, sizeof *m->spans, by_start);
    size_t n = 0;
    for (size_t i = 0; i < m->nspans; i++) {
        if (n && m->spans[i].start < m->spans[n - 1].end) {
            if (m->spans[i].end > m->spans[n - 1].end)
                m->spans[n - 1].end = m->spans[i].end;
        } else {
            m->spans[n++] = m->spans[i];
        }
    }
    m->nspans = n;
}

kb_status kb_match(kb_matcher *m, const char *text, size_t len, kb_matches *out)
{
    m->st = KB_OK;
    m->ntoks = m->nspans = m->nwords = 0;
    kb_buf_reset(&m->arena);
    memset(m->leaf_hit, 0, m->nleaves ? m->nleaves : 1);
    kb_status st = kb_tokenize(m->tk, text, len, add_token, m);
    if (st)
        return st;
    for (unsigned l = 0; l < m->nleaves && !m->st; l++) {
        const kb_qnode *leaf = m->leaves[l];
        if (leaf->kind == KB_Q_PHRASE) {
            match_phrase(m, leaf, l);
            continue;
        }
        for (size_t i = 0; i < m->ntoks; i++) {
            if (word_match(m, &m->toks[i], &leaf->terms[0])) {
                add_span(m, m->toks[i].start, m->toks[i].end, l);
                m->leaf_hit[l] = 2;
            }
        }
    }
    if (m->st)
        return m->st;
    merge_spans(m);
    out->spans = m->spans;
    out->nspans = m->nspans;
    out->tokens = m->words;
    out->ntokens = m->nwords;
    out->leaf_hit = m->leaf_hit;
    return KB_OK;
}
