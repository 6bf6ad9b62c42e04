/* The searcher: query text -> engine query -> candidates -> ranked hits. */
#include "kbsearch/search.h"

#include <math.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/buf.h"
#include "kbsearch/index.h"
#include "kbsearch/indexer.h"
#include "kbsearch/match.h"
#include "kbsearch/signals.h"

/* Weight of a word's exact form on top of its stem, so that the surface
 * form the user typed ranks above its morphological variants. */
#define EXACT_BONUS 0.25

/* BM25 parameters for passages. */
static const kb_bm25 passage_bm25 = {1.2, 0.5};

struct kb_searcher {
    kb_db *db;
    kb_tokenizer *tk;
    kb_stemmer *stemmer; /* NULL for language "none" */
    char *root;
    kb_buf error;
};

/* A file among the candidates. */
typedef struct {
    kb_str path;         /* points into the results */
    char *meta;          /* its metadata entry (owned); title points into it */
    kb_str title;
    double in_title;     /* the query's coverage of the title */
    double evidence;     /* the sum of its candidates' passage scores */
} file_info;

struct kb_hits {
    kb_query *query;
    kb_results *results; /* owns the bytes the records point into */
    kb_hit *hits;
    size_t n;
    file_info *files;    /* the candidates' files; titles point into them */
    size_t nfiles;
    char **labels;       /* per query leaf, as --explain shows it */
    size_t nlabels;
};

/* A candidate being re-ranked. */
typedef struct {
    size_t index; /* in the results */
    unsigned docid;
    kb_str path;      /* points into the results */
    unsigned lines[2];/* first and last line */
    uint64_t content; /* equal for copies of one passage */
    size_t copy_of;   /* index of the shown copy, or SIZE_MAX */
    bool chrome;      /* judged page chrome: after all content */
    size_t file;      /* index in kb_hits.files */
    kb_explain why;   /* the score and its factors (terms filled later) */
} cand;

/* Allocations behind one kb_xq tree, freed together. */
typedef struct {
    void **blocks;
    size_t n, cap;
    bool failed;
} pool;

static void *pool_alloc(pool *p, size_t size)
{
    if (p->failed)
        return NULL;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        void **b = realloc(p->blocks, cap * sizeof *b);
        if (!b) {
            p->failed = true;
            return NULL;
        }
        p->blocks = b;
        p->cap = cap;
    }
    void *m = calloc(1, size ? size : 1);
    if (!m)
        p->failed = true;
    else
        p->blocks[p->n++] = m;
    return m;
}

static void pool_free(pool *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->blocks[i]);
    free(p->blocks);
}

static kb_xq *kids(pool *p, kb_xq *parent, kb_xq_op op, size_t n)
{
    parent->op = op;
    parent->nkids = n;
    kb_xq *k = pool_alloc(p, n * sizeof *k);
    parent->kids = k;
    return k;
}

static void term_xq(kb_xq *x, const char *term, size_t len)
{
    x->op = KB_XQ_TERM;
    x->term = term;
    x->term_len = len;
}

/* A word: its stem (all variants), plus a little for the exact form. */
static void word_xq(pool *p, const kb_qterm *t, kb_xq *x)
{
    if (!t->stem) {
        term_xq(x, t->term, t->len);
        return;
    }
    char *z = pool_alloc(p, t->stem_len + 2);
    kb_xq *k = kids(p, x, KB_XQ_OR, 2);
    if (!z || !k)
        return;
    z[0] = 'Z';
    memcpy(z + 1, t->stem, t->stem_len);
    term_xq(&k[0], z, t->stem_len + 1);
    kb_xq *exact = kids(p, &k[1], KB_XQ_SCALE, 1);
    k[1].scale = EXACT_BONUS;
    if (exact)
        term_xq(exact, t->term, t->len);
}

/* A phrase scores as the phrase plus its words, so that passages with the
 * words but not the phrase still come (after the ones with the phrase). */
static void leaf_xq(pool *p, const kb_qnode *n, kb_xq *x)
{
    if (n->kind == KB_Q_TERM) {
        word_xq(p, &n->terms[0], x);
        return;
    }
    kb_xq *k = kids(p, x, KB_XQ_OR, n->nterms + 1);
    kb_xq *ph = k ? kids(p, &k[0], KB_XQ_PHRASE, n->nterms) : NULL;
    if (!ph)
        return;
    for (size_t i = 0; i < n->nterms; i++) {
        term_xq(&ph[i], n->terms[i].term, n->terms[i].len);
        word_xq(p, &n->terms[i], &k[i + 1]);
    }
}

static void query_xq(pool *p, const kb_query *q, kb_xq *root)
{
    size_t npos = 0, nneg = 0;
    for (size_t i = 0; i < q->root.nkids; i++)
        *(q->root.kids[i].kind == KB_Q_NOT ? &nneg : &npos) += 1;
    kb_xq *pos = root, *neg = NULL;
    if (nneg) {
        kb_xq *k = kids(p, root, KB_XQ_AND_NOT, 2);
        if (!k)
            return;
        pos = &k[0];
        neg = &k[1];
    }
    kb_xq *pk = kids(p, pos, KB_XQ_OR, npos);
    kb_xq *nk = neg ? kids(p, neg, KB_XQ_OR, nneg) : NULL;
    if (!pk || (neg && !nk))
        return;
    for (size_t i = 0; i < q->root.nkids; i++) {
        const kb_qnode *n = &q->root.kids[i];
        if (n->kind == KB_Q_NOT)
            leaf_xq(p, &n->kids[0], nk++);
        else
            leaf_xq(p, n, pk++);
    }
}

static kb_status set_error(kb_searcher *s, kb_status st, const char *fmt, const char *arg)
{
    kb_buf_reset(&s->error);
    kb_buf_printf(&s->error, fmt, arg);
    return st;
}

kb_status kb_searcher_open(const char *db_path, kb_searcher **out, char **errmsg)
{
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    kb_searcher *s = calloc(1, sizeof *s);
    if (!s)
        return KB_ERR_NOMEM;
    char *msg = NULL, *schema = NULL, *language = NULL;
    kb_status st = kb_db_open(db_path, KB_DB_READ, &s->db, &msg);
    if (!st)
        st = kb_tokenizer_new(&s->tk);
    if (!st)
        st = kb_db_get_meta(s->db, KB_META_SCHEMA, &schema, NULL);
    if (!st)
        st = kb_db_get_meta(s->db, KB_META_LANGUAGE, &language, NULL);
    if (!st)
        st = kb_db_get_meta(s->db, KB_META_ROOT, &s->root, NULL);
    if (!st && !msg && s->db && atoi(schema) != KB_SCHEMA_VERSION) {
        kb_buf b = KB_BUF_INIT;
        kb_buf_printf(&b, "index at %s has schema '%s', this kbsearch reads %d: run kbindex again "
                          "after removing the index folder", db_path, schema, KB_SCHEMA_VERSION);
        msg = b.data;
        st = KB_ERR_VERSION;
    }
    if (!st && *language && strcmp(language, "none") != 0)
        st = kb_stemmer_new(language, &s->stemmer, &msg);
    if (st && !msg && s->db) {
        kb_buf b = KB_BUF_INIT;
        kb_buf_printf(&b, "opening index at %s: %s", db_path, kb_db_last_error(s->db));
        msg = b.data;
    }
    free(schema);
    free(language);
    if (st) {
        if (errmsg)
            *errmsg = msg;
        else
            free(msg);
        kb_searcher_free(s);
        return st;
    }
    *out = s;
    return KB_OK;
}

void kb_searcher_free(kb_searcher *s)
{
    if (!s)
        return;
    kb_db_close(s->db);
    kb_tokenizer_free(s->tk);
    kb_stemmer_free(s->stemmer);
    free(s->root);
    kb_buf_free(&s->error);
    free(s);
}

const char *kb_searcher_last_error(const kb_searcher *s)
{
    return s->error.len ? s->error.data : "";
}

const char *kb_searcher_root(const kb_searcher *s)
{
    return s->root;
}

size_t kb_hits_count(const kb_hits *h)
{
    return h ? h->n : 0;
}

const kb_hit *kb_hits_get(const kb_hits *h, size_t i)
{
    return h && i < h->n ? &h->hits[i] : NULL;
}

const kb_query *kb_hits_query(const kb_hits *h)
{
    return h->query;
}

void kb_hits_free(kb_hits *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++) {
        kb_snippet_free(&h->hits[i].snippet);
        free(h->hits[i].also_at);
        if (h->hits[i].explain)
            free(h->hits[i].explain->terms);
        free(h->hits[i].explain);
    }
    for (size_t i = 0; i < h->nfiles; i++)
        free(h->files[i].meta);
    for (size_t i = 0; i < h->nlabels; i++)
        free(h->labels[i]);
    free(h->hits);
    free(h->files);
    free(h->labels);
    kb_results_free(h->results);
    kb_query_free(h->query);
    free(h);
}

/* IDF weight of each leaf, for coverage: rare words count for more. */
static kb_status leaf_weights(kb_searcher *s, const kb_matcher *m, double *w)
{
    unsigned n = 0;
    kb_status st = kb_db_doc_count(s->db, &n);
    kb_buf term = KB_BUF_INIT;
    for (size_t l = 0; l < kb_matcher_leaf_count(m) && !st; l++) {
        const kb_qnode *leaf = kb_matcher_leaf(m, l);
        w[l] = 0;
        for (size_t i = 0; i < leaf->nterms && !st; i++) {
            const kb_qterm *t = &leaf->terms[i];
            kb_buf_reset(&term);
            if (t->stem) {
                kb_buf_add(&term, "Z", 1);
                kb_buf_add(&term, t->stem, t->stem_len);
            } else {
                kb_buf_add(&term, t->term, t->len);
            }
            unsigned df = 0;
            st = kb_buf_status(&term);
            if (!st)
                st = kb_db_term_freq(s->db, term.data, term.len, &df);
            w[l] += log(1.0 + (double)n / (df ? df : 1));
        }
    }
    kb_buf_free(&term);
    return st;
}

static int by_score(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->chrome != y->chrome)
        return x->chrome ? 1 : -1;
    if (x->why.phrases != y->why.phrases)
        return x->why.phrases ? -1 : 1;
    if (x->why.score != y->why.score)
        return x->why.score > y->why.score ? -1 : 1;
    return x->docid < y->docid ? -1 : x->docid > y->docid;
}

/* The coverage of a short text (a heading, a title); 0 when empty. */
static kb_status text_coverage(kb_matcher *m, kb_str t, const double *w, double *out)
{
    kb_matches mm;
    *out = 0;
    kb_status st = t.n ? kb_match(m, t.p, t.n, &mm) : KB_OK;
    if (!st && t.n)
        *out = kb_coverage(&mm, w, kb_matcher_leaf_count(m));
    return st;
}

/* Sets *out to the index of `path` in h->files, adding it (with its title
 * and the query's coverage of it) if new. */
static kb_status file_of(kb_searcher *s, kb_hits *h, size_t *cap, kb_str path, kb_matcher *m,
                         const double *w, size_t *out)
{
    for (size_t i = h->nfiles; i-- > 0;)
        if (h->files[i].path.n == path.n && memcmp(h->files[i].path.p, path.p, path.n) == 0) {
            *out = i;
            return KB_OK;
        }
    if (!kb_grow((void **)&h->files, cap, h->nfiles + 1, sizeof *h->files))
        return KB_ERR_NOMEM;
    file_info *f = &h->files[h->nfiles];
    memset(f, 0, sizeof *f);
    f->path = path;
    f->title = (kb_str){"", 0};
    kb_buf key = KB_BUF_INIT;
    kb_buf_puts(&key, KB_FILE_META_PREFIX);
    kb_buf_add(&key, path.p, path.n);
    size_t len = 0;
    kb_status st = kb_buf_status(&key);
    if (!st)
        st = kb_db_get_meta(s->db, key.data, &f->meta, &len);
    kb_buf_free(&key);
    if (st)
        return st;
    *out = h->nfiles++; /* counted now, so kb_hits_free frees its metadata */
    kb_file_entry e;
    if (kb_file_entry_decode(f->meta, len, &e) == KB_OK)
        f->title = e.title;
    return text_coverage(m, f->title, w, &f->in_title);
}

static bool same_path(const cand *a, const cand *b)
{
    return a->path.n == b->path.n && memcmp(a->path.p, b->path.p, a->path.n) == 0;
}

/* Moves the passages to show to the front of the ranked candidates, in
 * order: one copy of each text (the best; the others are marked copy_of
 * it), at most opts->per_file per file, at most opts->limit in all.
 * Returns how many. */
static size_t select_hits(cand *c, size_t n, const kb_search_opts *opts)
{
    size_t keep = 0;
    for (size_t i = 0; i < n && keep < opts->limit; i++) {
        size_t same = 0, copy = SIZE_MAX;
        for (size_t k = 0; k < keep && copy == SIZE_MAX; k++) {
            same += same_path(&c[k], &c[i]);
            if (c[k].content == c[i].content)
                copy = k;
        }
        if (copy != SIZE_MAX) {
            c[i].copy_of = copy;
            continue;
        }
        if (opts->per_file && same >= opts->per_file)
            continue;
        cand chosen = c[i];
        memmove(c + keep + 1, c + keep, (i - keep) * sizeof *c);
        c[keep++] = chosen;
    }
    /* Copies met after the limit was reached are copies too. */
    for (size_t i = keep; i < n; i++)
        for (size_t k = 0; k < keep && c[i].copy_of == SIZE_MAX; k++)
            if (c[k].content == c[i].content)
                c[i].copy_of = k;
    return keep;
}

/* The other places of hit i's text. */
static kb_status also_at(const cand *c, size_t n, size_t i, kb_hit *hit)
{
    size_t count = 0;
    for (size_t k = 0; k < n; k++)
        count += c[k].copy_of == i;
    if (!count)
        return KB_OK;
    kb_place *p = calloc(count, sizeof *p);
    if (!p)
        return KB_ERR_NOMEM;
    for (size_t k = 0; k < n; k++)
        if (c[k].copy_of == i)
            p[hit->nalso++] = (kb_place){c[k].path, c[k].lines[0], c[k].lines[1]};
    hit->also_at = p;
    return KB_OK;
}

/* For the last shown passage of a file: how many of its candidates are not
 * shown.  0 for the others. */
static unsigned more_in_file(const cand *c, size_t n, size_t i, size_t keep)
{
    for (size_t k = i + 1; k < keep; k++)
        if (same_path(&c[k], &c[i]))
            return 0;
    unsigned more = 0;
    for (size_t k = keep; k < n; k++)
        more += c[k].copy_of == SIZE_MAX && same_path(&c[k], &c[i]);
    return more;
}

/* Are all the query's phrases found as phrases? */
static bool all_phrases(const kb_matcher *m, const kb_matches *mm)
{
    for (size_t l = 0; l < kb_matcher_leaf_count(m); l++)
        if (kb_matcher_leaf(m, l)->kind == KB_Q_PHRASE && mm->leaf_hit[l] != 2)
            return false;
    return true;
}

/* Scores candidate i from its record (everything but the file factor). */
static kb_status score_passage(kb_searcher *s, kb_hits *h, kb_matcher *m, const double *w,
                               unsigned *scratch, size_t *fcap, size_t i, cand *c)
{
    kb_result r;
    kb_record rec;
    kb_matches mm;
    kb_results_get(h->results, i, &r);
    if (kb_record_decode(r.data, r.data_len, &rec) != KB_OK)
        return set_error(s, KB_ERR_CORRUPT, "%s", "a passage record in the index is damaged: "
                                                  "remove the index folder and run kbindex");
    kb_status st = kb_match(m, rec.text.p, rec.text.n, &mm);
    if (st)
        return st;
    size_t nleaves = kb_matcher_leaf_count(m);
    kb_explain *e = &c->why;
    e->bm25 = r.weight;
    e->coverage = kb_coverage(&mm, w, nleaves);
    e->proximity = kb_proximity(&mm, nleaves, scratch);
    e->phrases = all_phrases(m, &mm);
    size_t f = 0;
    double in_heading = 0;
    if ((st = file_of(s, h, fcap, rec.path, m, w, &f)) ||
        (st = text_coverage(m, rec.heading, w, &in_heading)))
        return st;
    double in_title = h->files[f].in_title;
    e->heading = in_heading > in_title ? in_heading : in_title;
    e->coverage_factor = KB_COVER_FLOOR + (1 - KB_COVER_FLOOR) * e->coverage * e->coverage;
    e->proximity_factor = 1 + KB_PROXIMITY_WEIGHT * e->proximity;
    e->heading_factor = 1 + KB_HEADING_WEIGHT * e->heading;
    e->passage = e->bm25 * e->coverage_factor * e->proximity_factor * e->heading_factor;
    if (!rec.is_chrome)
        h->files[f].evidence += e->passage;
    c->index = i;
    c->docid = r.docid;
    c->path = rec.path;
    c->lines[0] = rec.line_start;
    c->lines[1] = rec.line_end;
    c->content = rec.content;
    c->copy_of = SIZE_MAX;
    c->chrome = rec.is_chrome;
    c->file = f;
    return KB_OK;
}

/* The file factor: the file's evidence over the best file's. */
static void score_files(const kb_hits *h, cand *c, size_t n)
{
    double best = 0;
    for (size_t f = 0; f < h->nfiles; f++)
        if (h->files[f].evidence > best)
            best = h->files[f].evidence;
    for (size_t i = 0; i < n; i++) {
        kb_explain *e = &c[i].why;
        e->file = best > 0 ? h->files[c[i].file].evidence / best : 0;
        e->file_factor = 1 + KB_FILE_WEIGHT * e->file;
        e->score = e->passage * e->file_factor;
    }
}

/* "word" or "\"a phrase\"" for each leaf, for --explain. */
static kb_status leaf_labels(kb_hits *h, const kb_matcher *m)
{
    size_t n = kb_matcher_leaf_count(m);
    h->labels = calloc(n ? n : 1, sizeof *h->labels);
    if (!h->labels)
        return KB_ERR_NOMEM;
    for (size_t l = 0; l < n; l++) {
        const kb_qnode *leaf = kb_matcher_leaf(m, l);
        kb_buf b = KB_BUF_INIT;
        bool phrase = leaf->kind == KB_Q_PHRASE;
        kb_buf_puts(&b, phrase ? "\"" : "");
        for (size_t i = 0; i < leaf->nterms; i++)
            kb_buf_printf(&b, "%s%s", i ? " " : "", leaf->terms[i].term);
        kb_buf_puts(&b, phrase ? "\"" : "");
        if (kb_buf_status(&b)) {
            kb_buf_free(&b);
            return KB_ERR_NOMEM;
        }
        h->labels[h->nlabels++] = b.data;
    }
    return KB_OK;
}

/* Fills hit->explain from the candidate, with each leaf's BM25 part. */
static kb_status explain_hit(kb_searcher *s, kb_hits *h, const kb_matcher *m, const cand *c,
                             kb_hit *hit)
{
    kb_explain *e = malloc(sizeof *e);
    size_t n = kb_matcher_leaf_count(m);
    if (!e)
        return KB_ERR_NOMEM;
    *e = c->why;
    e->nterms = 0;
    e->terms = calloc(n ? n : 1, sizeof *e->terms);
    hit->explain = e;
    if (!e->terms)
        return KB_ERR_NOMEM;
    kb_status st = KB_OK;
    for (size_t l = 0; l < n && !st; l++) {
        pool p = {0};
        kb_xq x = {0};
        leaf_xq(&p, kb_matcher_leaf(m, l), &x);
        kb_explain_term *t = &e->terms[e->nterms++];
        t->leaf = h->labels[l];
        st = p.failed ? KB_ERR_NOMEM : kb_db_weigh(s->db, &x, &passage_bm25, c->docid, &t->bm25);
        pool_free(&p);
    }
    return st;
}

/* Re-scores the candidates and fills h->hits with the passages to show. */
static kb_status rank(kb_searcher *s, kb_hits *h, kb_matcher *m, const kb_search_opts *opts)
{
    size_t n = kb_results_count(h->results), nleaves = kb_matcher_leaf_count(m), fcap = 0;
    cand *c = calloc(n ? n : 1, sizeof *c);
    double *w = calloc(nleaves ? nleaves : 1, sizeof *w);
    unsigned *scratch = calloc(nleaves ? nleaves : 1, sizeof *scratch);
    kb_status st = !c || !w || !scratch ? KB_ERR_NOMEM : leaf_weights(s, m, w);
    for (size_t i = 0; i < n && !st; i++)
        st = score_passage(s, h, m, w, scratch, &fcap, i, &c[i]);
    if (!st && opts->explain)
        st = leaf_labels(h, m);
    size_t keep = 0;
    if (!st) {
        score_files(h, c, n);
        qsort(c, n, sizeof *c, by_score);
        keep = select_hits(c, n, opts);
        h->hits = calloc(keep ? keep : 1, sizeof *h->hits);
        if (!h->hits)
            st = KB_ERR_NOMEM;
        else
            h->n = keep;
    }
    for (size_t i = 0; i < h->n && !st; i++) {
        kb_hit *hit = &h->hits[i];
        kb_result r;
        kb_matches mm;
        kb_results_get(h->results, c[i].index, &r);
        kb_record_decode(r.data, r.data_len, &hit->rec);
        hit->rank = (unsigned)i + 1;
        hit->score = c[i].why.score;
        hit->title = h->files[c[i].file].title;
        hit->more_in_file = more_in_file(c, n, i, keep);
        st = kb_match(m, hit->rec.text.p, hit->rec.text.n, &mm);
        if (!st)
            st = kb_snippet_make(hit->rec.text.p, hit->rec.text.n, &mm, &hit->snippet);
        if (!st)
            st = also_at(c, n, i, hit);
        if (!st && opts->explain)
            st = explain_hit(s, h, m, &c[i], hit);
    }
    free(c);
    free(w);
    free(scratch);
    return st;
}

kb_status kb_search(kb_searcher *s, const char *query, size_t len,
                    const kb_search_opts *opts, kb_hits **out)
{
    *out = NULL;
    kb_buf_reset(&s->error);
    kb_hits *h = calloc(1, sizeof *h);
    if (!h)
        return set_error(s, KB_ERR_NOMEM, "%s", "out of memory");
    char *msg = NULL;
    kb_status st = kb_query_parse(query, len, s->tk, s->stemmer, &h->query, &msg);
    if (st) {
        set_error(s, st, "%s", msg ? msg : kb_status_str(st));
        free(msg);
        kb_hits_free(h);
        return st;
    }
    pool p = {0};
    kb_xq root = {0}, *q = &root;
    if (!opts->all) {
        kb_xq *k = kids(&p, &root, KB_XQ_AND_NOT, 2);
        if (k) {
            term_xq(&k[1], KB_CHROME_TERM, strlen(KB_CHROME_TERM));
            q = &k[0];
        }
    }
    query_xq(&p, h->query, q);
    kb_matcher *m = NULL;
    size_t depth = opts->limit > KB_RERANK_DEPTH ? opts->limit : KB_RERANK_DEPTH;
    if (p.failed)
        st = set_error(s, KB_ERR_NOMEM, "%s", "out of memory");
    else if ((st = kb_db_search(s->db, &root, &passage_bm25, depth, &h->results)))
        set_error(s, st, "%s", kb_db_last_error(s->db));
    else if ((st = kb_matcher_new(h->query, s->tk, s->stemmer, &m)))
        set_error(s, st, "%s", "out of memory");
    else if ((st = rank(s, h, m, opts)) && !s->error.len)
        set_error(s, st, "%s", st == KB_ERR_NOMEM ? "out of memory" : kb_db_last_error(s->db));
    kb_matcher_free(m);
    pool_free(&p);
    if (st) {
        kb_hits_free(h);
        return st;
    }
    kb_buf_reset(&s->error);
    *out = h;
    return KB_OK;
}
