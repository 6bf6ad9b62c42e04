/* Query expansion against the index (see include/kbsearch/expand.h). */
#include "kbsearch/expand.h"

#include <stdlib.h>
#include <string.h>

#include "kbsearch/buf.h"
#include "kbsearch/indexer.h"
#include "kbsearch/variants.h"

typedef struct {
    kb_db *db;
    kb_tokenizer *tk;
    kb_stemmer *stemmer;
    const kb_expand_opts *opts;
    kb_buf key;
    kb_status st;
} expander;

static unsigned df(expander *e, const char *prefix, const char *t, size_t n)
{
    unsigned f = 0;
    kb_buf_reset(&e->key);
    kb_buf_puts(&e->key, prefix);
    kb_buf_add(&e->key, t, n);
    if (e->st || (e->st = kb_buf_status(&e->key)))
        return 0;
    e->st = kb_db_term_freq(e->db, e->key.data, e->key.len, &f);
    return f;
}

/* Passages holding the word or a word with its stem (the larger count). */
static unsigned word_df(expander *e, const kb_qterm *t)
{
    unsigned exact = df(e, "", t->term, t->len);
    unsigned stem = t->stem ? df(e, KB_STEM_PREFIX, t->stem, t->stem_len) : 0;
    return exact > stem ? exact : stem;
}

static bool has_alt(const kb_qnode *n, const char *t, size_t len)
{
    if (n->nterms == 1 && n->terms[0].len == len && memcmp(n->terms[0].term, t, len) == 0)
        return true;
    for (size_t a = 0; a < n->nalts; a++)
        if (n->alts[a].nterms == 1 && n->alts[a].terms[0].len == len &&
            memcmp(n->alts[a].terms[0].term, t, len) == 0)
            return true;
    return false;
}

/* Adds an alternative from "w1 w2 ..." (normalized words, one space
 * apart): one word keeps its stem, several are a phrase of exact forms. */
static void add_alt(expander *e, kb_qnode *n, kb_qalt_kind kind, const char *s, size_t len)
{
    if (e->st || len == 0 || (!memchr(s, ' ', len) && has_alt(n, s, len)))
        return;
    size_t words = 1;
    for (size_t i = 0; i < len; i++)
        words += s[i] == ' ';
    kb_qalt *alts = realloc(n->alts, (n->nalts + 1) * sizeof *alts);
    kb_qterm *terms = calloc(words, sizeof *terms);
    if (alts)
        n->alts = alts;
    if (!alts || !terms) {
        free(terms);
        e->st = KB_ERR_NOMEM;
        return;
    }
    kb_qalt *alt = &n->alts[n->nalts++];
    alt->kind = kind;
    alt->terms = terms;
    alt->nterms = 0;
    for (size_t i = 0; i < len && !e->st;) {
        size_t j = i;
        while (j < len && s[j] != ' ')
            j++;
        if (j > i) {
            unsigned flags = s[i] >= '0' && s[i] <= '9' ? KB_TOKEN_NUMBER : 0;
            e->st = kb_qterm_set(&terms[alt->nterms++], s + i, j - i, flags, e->stemmer,
                                 words > 1);
        }
        i = j + 1;
    }
}

typedef struct {
    expander *e;
    kb_qnode *n;
    kb_qalt_kind kind;
    unsigned count;
} alt_ctx;

static int on_synonym(void *ctx, const char *key, size_t key_len, const char *value,
                      size_t value_len)
{
    (void)key;
    (void)key_len;
    alt_ctx *c = ctx;
    c->count++;
    if (c->n)
        add_alt(c->e, c->n, KB_ALT_SYNONYM, value, value_len);
    return c->e->st;
}

/* Adds the synonyms of `key` to n (n NULL: only counts them). */
static unsigned synonyms(expander *e, kb_qnode *n, const char *key, size_t len)
{
    alt_ctx c = {e, n, KB_ALT_SYNONYM, 0};
    kb_status st = kb_db_each_synonym(e->db, key, len, on_synonym, &c);
    if (st && !e->st)
        e->st = st;
    return c.count;
}

static int on_variant(void *ctx, const char *word, size_t len)
{
    alt_ctx *c = ctx;
    kb_qterm t;
    kb_status st = kb_qterm_set(&t, word, len, 0, c->e->stemmer, false);
    if (!st && word_df(c->e, &t) > 0)
        add_alt(c->e, c->n, KB_ALT_VARIANT, word, len);
    kb_qterm_clear(&t);
    if (st && !c->e->st)
        c->e->st = st;
    return c->e->st;
}

static bool any_alt_held(expander *e, const kb_qnode *n)
{
    for (size_t a = 0; a < n->nalts; a++)
        if (n->alts[a].kind == KB_ALT_SYNONYM || word_df(e, &n->alts[a].terms[0]) > 0)
            return true;
    return false;
}

/* Replaces the word by the spelling table's suggestion when the rules of
 * expand.h say it was mistyped. */
static void correct(expander *e, kb_qnode *n)
{
    kb_qterm *t = &n->terms[0];
    if (t->len < KB_CORRECT_MIN_LEN || (t->flags & (KB_TOKEN_NUMBER | KB_TOKEN_CJK)))
        return;
    unsigned held = word_df(e, t);
    if (held > KB_RARE_DF || (held == 0 && any_alt_held(e, n)) || e->st)
        return;
    char *sugg = NULL;
    unsigned edits = t->len <= 6 ? 1 : 2;
    kb_status st = kb_db_spelling_suggest(e->db, t->term, t->len, edits, &sugg);
    if (st) {
        e->st = st;
        return;
    }
    size_t slen = strlen(sugg);
    bool better = slen && !(slen == t->len && memcmp(sugg, t->term, slen) == 0) &&
                  df(e, "", sugg, slen) >= (held ? held * KB_CORRECT_RATIO : 1);
    if (better && !e->st) {
        kb_qterm fixed;
        char *typed = t->term;
        e->st = kb_qterm_set(&fixed, sugg, slen, 0, e->stemmer, false);
        if (e->st) {
            kb_qterm_clear(&fixed);
        } else {
            t->term = NULL; /* kept as corrected_from */
            kb_qterm_clear(t);
            *t = fixed;
            n->corrected_from = typed;
            for (size_t a = 0; a < n->nalts; a++) { /* the mistyped word's alternatives */
                for (size_t i = 0; i < n->alts[a].nterms; i++)
                    kb_qterm_clear(&n->alts[a].terms[i]);
                free(n->alts[a].terms);
            }
            free(n->alts);
            n->alts = NULL;
            n->nalts = 0;
        }
    }
    free(sugg);
}

static void expand_word(expander *e, kb_qnode *n, bool negated)
{
    kb_qterm *t = &n->terms[0];
    if (!(t->flags & (KB_TOKEN_NUMBER | KB_TOKEN_CJK))) {
        alt_ctx c = {e, n, KB_ALT_VARIANT, 0};
        kb_status st = kb_spelling_variants(t->term, t->len, on_variant, &c);
        if (st && st != KB_DONE && !e->st)
            e->st = st;
    }
    synonyms(e, n, t->term, t->len);
    if (!negated && e->opts->correct)
        correct(e, n);
}

/* The key of kids[i..i+n): their words, one space apart. */
static void run_key(expander *e, const kb_qnode *kids, size_t n)
{
    kb_buf_reset(&e->key);
    for (size_t k = 0; k < n; k++) {
        if (k)
            kb_buf_puts(&e->key, " ");
        kb_buf_add(&e->key, kids[k].terms[0].term, kids[k].terms[0].len);
    }
    if (!e->st)
        e->st = kb_buf_status(&e->key);
}

static bool plain_word(const kb_qnode *n)
{
    return n->kind == KB_Q_TERM && !n->quoted && !n->required;
}

/* Merges kids[i..i+n) of group g into one unquoted phrase leaf, with
 * the synonyms of their `key`. */
static void merge_run(expander *e, kb_qnode *g, size_t i, size_t n, const char *key)
{
    kb_qterm *terms = calloc(n, sizeof *terms);
    if (!terms) {
        e->st = KB_ERR_NOMEM;
        return;
    }
    kb_qnode merged = g->kids[i];
    for (size_t k = 0; k < n; k++) {
        terms[k] = g->kids[i + k].terms[0];
        free(g->kids[i + k].terms);
    }
    merged.kind = KB_Q_PHRASE;
    merged.terms = terms;
    merged.nterms = n;
    g->kids[i] = merged;
    memmove(&g->kids[i + 1], &g->kids[i + n], (g->nkids - i - n) * sizeof *g->kids);
    g->nkids -= n - 1;
    synonyms(e, &g->kids[i], key, strlen(key));
}

/* Words typed side by side that together are a synonym key. */
static void merge_runs(expander *e, kb_qnode *g)
{
    for (size_t i = 0; i + 1 < g->nkids && !e->st; i++) {
        size_t max = 0;
        while (i + max < g->nkids && max < KB_SYNONYM_WORDS && plain_word(&g->kids[i + max]))
            max++;
        for (size_t n = max; n >= 2 && !e->st; n--) {
            run_key(e, &g->kids[i], n);
            char *key = e->st ? NULL : strndup(e->key.data, e->key.len);
            if (!key) {
                e->st = e->st ? e->st : KB_ERR_NOMEM;
                return;
            }
            if (synonyms(e, NULL, key, strlen(key)))
                merge_run(e, g, i, n, key);
            free(key);
            if (g->kids[i].kind == KB_Q_PHRASE)
                break;
        }
    }
}

static void walk(expander *e, kb_qnode *n, bool negated)
{
    if (e->st)
        return;
    if (n->kind == KB_Q_ANY)
        merge_runs(e, n);
    if (n->kind == KB_Q_TERM && !n->quoted)
        expand_word(e, n, negated);
    for (size_t i = 0; i < n->nkids; i++)
        walk(e, &n->kids[i], negated || n->kind == KB_Q_NOT);
}

kb_status kb_query_expand(kb_query *q, kb_db *db, kb_tokenizer *tk, kb_stemmer *stemmer,
                          const kb_expand_opts *opts)
{
    expander e = {db, tk, stemmer, opts, KB_BUF_INIT, KB_OK};
    walk(&e, &q->root, false);
    kb_buf_free(&e.key);
    kb_query_number_leaves(q);
    return e.st;
}
