/* The matcher: query leaves against re-tokenized passage text. */
#include "kbsearch/match.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/buf.h"

/* A token of the text being matched; its term lives in the arena. */
typedef struct {
    size_t term;      /* offset of the term in arena */
    size_t term_len;
    size_t stem;      /* offset of its stem in memo_words, once computed */
    size_t stem_len;
    int stemmed;      /* -1 not yet, 0 no stem (number, CJK), 1 done */
    size_t start, end;
    unsigned pos;
    unsigned flags;
} mtok;

/* A word stemmed before: offsets of the word and of its stem in
 * memo_words.  term_len 0 marks an empty slot. */
typedef struct {
    size_t term, term_len;
    size_t stem, stem_len;
} stem_memo;

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
    /* Stems by word, kept across texts: a query's candidates repeat the
     * same words ("the" starts like "thread"), and stemming them again
     * was a sixth of matching.  Open addressing; memo_cap is a power of two. */
    stem_memo *memo;
    size_t memo_n, memo_cap;
    kb_buf memo_words;
};


const char *kb_match_how_name(kb_match_how how)
{
    static const char *const names[] = {"exact",   "stem",    "phrase",  "partial",   "prefix",
                                         "near",    "variant", "synonym", "correction"};
    return (size_t)how < sizeof names / sizeof *names ? names[how] : "exact";
}

static void gather(void *ctx, const kb_qnode *leaf)
{
    kb_matcher *m = ctx;
    m->leaves[m->nleaves++] = leaf;
}

kb_status kb_matcher_new(const kb_query *q, kb_tokenizer *tk, kb_stemmer *stemmer,
                         kb_matcher **out)
{
    kb_matcher *m = calloc(1, sizeof *m);
    if (!m)
        return KB_ERR_NOMEM;
    m->tk = tk;
    m->stemmer = stemmer;
    size_t n = q->nleaves;
    m->leaves = calloc(n ? n : 1, sizeof *m->leaves);
    m->leaf_hit = calloc(n ? n : 1, 1);
    if (!m->leaves || !m->leaf_hit) {
        kb_matcher_free(m);
        return KB_ERR_NOMEM;
    }
    kb_query_each_leaf(q, gather, m);
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
    free(m->memo);
    kb_buf_free(&m->memo_words);
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
    /* Called per token of every candidate: kb_grow only when full. */
    if (m->ntoks == m->toks_cap &&
        !kb_grow((void **)&m->toks, &m->toks_cap, m->ntoks + 1, sizeof *m->toks))
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
        if (m->nwords == m->words_cap &&
            !kb_grow((void **)&m->words, &m->words_cap, m->nwords + 1, sizeof *m->words))
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

static size_t hash_word(const char *p, size_t n)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211u;
    return (size_t)h;
}

static bool memo_grow(kb_matcher *m)
{
    size_t cap = m->memo_cap ? m->memo_cap * 2 : 256;
    stem_memo *t = calloc(cap, sizeof *t);
    if (!t)
        return false;
    for (size_t i = 0; i < m->memo_cap; i++) {
        const stem_memo *e = &m->memo[i];
        if (!e->term_len)
            continue;
        size_t k = hash_word(m->memo_words.data + e->term, e->term_len) & (cap - 1);
        while (t[k].term_len)
            k = (k + 1) & (cap - 1);
        t[k] = *e;
    }
    free(m->memo);
    m->memo = t;
    m->memo_cap = cap;
    return true;
}

/* The memo entry of word w (n > 0 bytes, not in memo_words), stemming it
 * if new; NULL when memory runs out. */
static const stem_memo *stem_of(kb_matcher *m, const char *w, size_t n)
{
    if (m->memo_n * 2 >= m->memo_cap && !memo_grow(m))
        return NULL;
    size_t mask = m->memo_cap - 1, i = hash_word(w, n) & mask;
    for (; m->memo[i].term_len; i = (i + 1) & mask)
        if (same(m->memo_words.data + m->memo[i].term, m->memo[i].term_len, w, n))
            return &m->memo[i];
    const char *stem;
    size_t len;
    if (kb_stem(m->stemmer, w, n, &stem, &len))
        return NULL;
    stem_memo e = {m->memo_words.len, n, m->memo_words.len + n, len};
    kb_buf_add(&m->memo_words, w, n);
    kb_buf_add(&m->memo_words, stem, len);
    if (kb_buf_status(&m->memo_words))
        return NULL;
    m->memo[i] = e;
    m->memo_n++;
    return &m->memo[i];
}

/* 1 when token k has term t's exact form, 2 when only its stem, else 0.
 * Snowball stems keep a word's first letters, so only tokens that start
 * like the stem are stemmed (and each token at most once). */
static int word_match(kb_matcher *m, mtok *k, const kb_qterm *t)
{
    if (exact(m, k, t))
        return 1;
    if (!t->stem || k->stemmed == 0)
        return 0;
    size_t pre = t->stem_len < 2 ? t->stem_len : 2;
    if (k->term_len < pre || memcmp(m->arena.data + k->term, t->stem, pre) != 0)
        return 0;
    if (k->stemmed < 0) {
        const stem_memo *e = stem_of(m, m->arena.data + k->term, k->term_len);
        if (!e) {
            m->st = KB_ERR_NOMEM;
            return 0;
        }
        k->stem = e->stem;
        k->stem_len = e->stem_len;
        k->stemmed = 1;
    }
    return same(m->memo_words.data + k->stem, k->stem_len, t->stem, t->stem_len) ? 2 : 0;
}

static void add_span(kb_matcher *m, size_t start, size_t end, unsigned leaf, kb_match_how how)
{
    if (!kb_grow((void **)&m->spans, &m->spans_cap, m->nspans + 1, sizeof *m->spans)) {
        m->st = KB_ERR_NOMEM;
        return;
    }
    m->spans[m->nspans++] = (kb_mspan){start, end, leaf, how};
}

/* The token index of term t at position pos, searching forward from i. */
static size_t find_at(const kb_matcher *m, size_t i, unsigned pos, const kb_qterm *t)
{
    for (; i < m->ntoks && m->toks[i].pos <= pos; i++)
        if (m->toks[i].pos == pos && exact(m, &m->toks[i], t))
            return i;
    return (size_t)-1;
}

/* Marks every place where terms[0..n) stand in a row; true if any. */
static bool match_seq(kb_matcher *m, const kb_qterm *terms, size_t n, unsigned leaf,
                      kb_match_how how)
{
    bool found = false;
    for (size_t i = 0; i < m->ntoks; i++) {
        if (!exact(m, &m->toks[i], &terms[0]))
            continue;
        size_t last = i;
        for (size_t k = 1; k < n && last != (size_t)-1; k++)
            last = find_at(m, last + 1, m->toks[i].pos + (unsigned)k, &terms[k]);
        if (last != (size_t)-1) {
            add_span(m, m->toks[i].start, m->toks[last].end, leaf, how);
            found = true;
        }
    }
    return found;
}

static kb_match_how alt_how(const kb_qalt *a)
{
    return a->kind == KB_ALT_VARIANT ? KB_MATCH_VARIANT : KB_MATCH_SYNONYM;
}

/* The leaf's alternatives; true if one matched. */
static bool match_alts(kb_matcher *m, const kb_qnode *n, unsigned leaf)
{
    bool found = false;
    for (size_t a = 0; a < n->nalts; a++) {
        const kb_qalt *alt = &n->alts[a];
        if (alt->nterms > 1) {
            found |= match_seq(m, alt->terms, alt->nterms, leaf, alt_how(alt));
            continue;
        }
        for (size_t i = 0; i < m->ntoks; i++)
            if (word_match(m, &m->toks[i], &alt->terms[0])) {
                add_span(m, m->toks[i].start, m->toks[i].end, leaf, alt_how(alt));
                found = true;
            }
    }
    return found;
}

static void match_word(kb_matcher *m, const kb_qnode *w, unsigned leaf)
{
    bool found = false;
    for (size_t i = 0; i < m->ntoks; i++) {
        int r = word_match(m, &m->toks[i], &w->terms[0]);
        if (!r)
            continue;
        kb_match_how how = w->corrected_from ? KB_MATCH_CORRECTION
                           : r == 1          ? KB_MATCH_EXACT
                                             : KB_MATCH_STEM;
        add_span(m, m->toks[i].start, m->toks[i].end, leaf, how);
        found = true;
    }
    found |= match_alts(m, w, leaf);
    if (found)
        m->leaf_hit[leaf] = 2;
}

static void match_phrase(kb_matcher *m, const kb_qnode *p, unsigned leaf)
{
    bool found = match_seq(m, p->terms, p->nterms, leaf, KB_MATCH_PHRASE);
    found |= match_alts(m, p, leaf);
    if (found) {
        m->leaf_hit[leaf] = 2;
        return;
    }
    /* No phrase here: show which of its words the passage has. */
    for (size_t i = 0; i < m->ntoks; i++) {
        for (size_t k = 0; k < p->nterms; k++) {
            if (word_match(m, &m->toks[i], &p->terms[k])) {
                add_span(m, m->toks[i].start, m->toks[i].end, leaf, KB_MATCH_PARTIAL);
                m->leaf_hit[leaf] = 1;
                break;
            }
        }
    }
}

static void match_prefix(kb_matcher *m, const kb_qnode *p, unsigned leaf)
{
    const kb_qterm *t = &p->terms[0];
    for (size_t i = 0; i < m->ntoks; i++) {
        const mtok *k = &m->toks[i];
        if (k->term_len >= t->len && memcmp(m->arena.data + k->term, t->term, t->len) == 0) {
            add_span(m, k->start, k->end, leaf, KB_MATCH_PREFIX);
            m->leaf_hit[leaf] = 2;
        }
    }
}

/* One NEAR/ADJ window starting at token i: for each term, the token that
 * holds it (in order for ADJ), all within `span` positions.  `used` has
 * room for the leaf's terms. */
static bool window_at(const kb_matcher *m, const kb_qnode *n, size_t i, unsigned span,
                      size_t *used)
{
    unsigned first = m->toks[i].pos;
    size_t from = i;
    for (size_t t = 0; t < n->nterms; t++) {
        used[t] = (size_t)-1;
        for (size_t k = from; k < m->ntoks && m->toks[k].pos < first + span; k++) {
            bool taken = false;
            for (size_t u = 0; u < t && !taken; u++)
                taken = used[u] == k;
            if (!taken && exact(m, &m->toks[k], &n->terms[t])) {
                used[t] = k;
                break;
            }
        }
        if (used[t] == (size_t)-1)
            return false;
        if (n->kind == KB_Q_ADJ)
            from = used[t] + 1;
    }
    /* Any order: the window must start at one of its own words. */
    for (size_t t = 0; t < n->nterms; t++)
        if (used[t] == i)
            return true;
    return false;
}

static void match_near(kb_matcher *m, const kb_qnode *n, unsigned leaf)
{
    size_t *used = malloc(n->nterms * sizeof *used);
    if (!used) {
        m->st = KB_ERR_NOMEM;
        return;
    }
    unsigned span = n->window + (unsigned)n->nterms - 1;
    for (size_t i = 0; i < m->ntoks; i++) {
        if (!window_at(m, n, i, span, used))
            continue;
        for (size_t t = 0; t < n->nterms; t++)
            add_span(m, m->toks[used[t]].start, m->toks[used[t]].end, leaf, KB_MATCH_NEAR);
        m->leaf_hit[leaf] = 2;
    }
    free(used);
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
        switch (leaf->kind) {
        case KB_Q_PHRASE: match_phrase(m, leaf, l); break;
        case KB_Q_PREFIX: match_prefix(m, leaf, l); break;
        case KB_Q_NEAR:
        case KB_Q_ADJ: match_near(m, leaf, l); break;
        default: match_word(m, leaf, l); break;
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
