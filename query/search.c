/* The searcher: query text -> engine query -> candidates -> ranked hits. */
#include "kbsearch/search.h"

#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kbsearch/buf.h"
#include "kbsearch/describe.h"
#include "kbsearch/expand.h"
#include "kbsearch/freshness.h"
#include "kbsearch/index.h"
#include "kbsearch/indexer.h"
#include "kbsearch/match.h"
#include "kbsearch/signals.h"

/* Weight of a word's exact form on top of its stem, so that the surface
 * form the user typed ranks above its morphological variants. */
#define EXACT_BONUS 0.25

/* One of the indexes searched together. */
typedef struct {
    char *name;       /* as given */
    char *root;       /* the folder it indexed; NULL when it is missing */
    bool remote;      /* its files are on another machine */
    int held;         /* a local index's folder, held open (-1 if not) */
    int held_stub;    /* its KB_DB_STUB, held open (-1: none when opened) */
} index_info;

struct kb_searcher {
    kb_db *db;
    kb_tokenizer *tk;
    kb_stemmer *stemmer; /* NULL for language "none" */
    index_info *indexes;
    size_t nindexes;
    kb_searcher_opts opts;
    char *language;      /* the indexes', which the stemmer is for */
    bool broken;         /* the last refresh failed: open afresh next time */
    kb_buf error;
};

/* A file among the candidates. */
typedef struct {
    size_t shard;        /* the index holding it */
    kb_str path;         /* points into the results */
    char *meta;          /* its metadata entry (owned); title points into it */
    kb_str title;
    kb_file_entry entry; /* decoded from meta, when has_entry */
    bool has_entry;
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
    kb_freshness **fresh;/* per index: the shown files as they are now;
                            kb_hit.now points into them */
    size_t nfresh;
};

/* A candidate being re-ranked. */
typedef struct {
    size_t index; /* in the results */
    unsigned docid;
    size_t shard;     /* the index holding it */
    kb_str path;      /* points into the results */
    unsigned lines[2];/* first and last line */
    uint64_t content; /* equal for copies of one passage */
    size_t copy_of;   /* index of the shown copy, or SIZE_MAX */
    bool chrome;      /* judged page chrome: after all content */
    size_t file;      /* index in kb_hits.files */
    kb_explain why;   /* the score and its factors (terms filled later) */
    size_t spans_at, nspans;   /* its matches in ranker.spans */
    size_t tokens_at, ntokens; /* its tokens in ranker.tokens */
} cand;

/* A heading met among the candidates, with the query's coverage of it:
 * the passages of one section share their heading, matched once. */
typedef struct {
    kb_str text;
    double coverage;
} heading_seen;

/* What re-ranking keeps between the candidates of one query. */
typedef struct {
    kb_searcher *s;
    kb_hits *h;
    kb_matcher *m;
    double *w;              /* per leaf: its IDF weight */
    unsigned *scratch;      /* per leaf: room for kb_proximity */
    size_t fcap;            /* room in h->files */
    heading_seen *headings;
    size_t nheadings, headings_cap;
    /* Every candidate's matches and tokens, so that the snippets of the
     * ones shown need not match their text again. */
    kb_mspan *spans;
    size_t nspans, spans_cap;
    kb_mtoken *tokens;
    size_t ntokens, tokens_cap;
} ranker;

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

/* A prefixed term ("Z" + stem, "T" + title word...) built in the pool. */
static void prefixed_xq(pool *p, const char *prefix, const char *t, size_t n, kb_xq *x)
{
    size_t pn = strlen(prefix);
    char *z = pool_alloc(p, pn + n + 1);
    if (!z)
        return;
    memcpy(z, prefix, pn);
    memcpy(z + pn, t, n);
    term_xq(x, z, pn + n);
}

/* A word: its stem (all variants), plus a little for the exact form and a
 * little more for the exact accents ("café" typed, "café" written). */
static void word_xq(pool *p, const kb_qterm *t, kb_xq *x)
{
    if (!t->stem && !t->accent) {
        term_xq(x, t->term, t->len);
        return;
    }
    kb_xq *k = kids(p, x, KB_XQ_OR, 1 + !!t->stem + !!t->accent);
    if (!k)
        return;
    kb_xq *exact = kids(p, k, KB_XQ_SCALE, 1);
    k->scale = t->stem ? EXACT_BONUS : 1;
    if (exact)
        term_xq(exact, t->term, t->len);
    if (t->stem)
        prefixed_xq(p, KB_STEM_PREFIX, t->stem, t->stem_len, ++k);
    if (t->accent) {
        kb_xq *acc = kids(p, ++k, KB_XQ_SCALE, 1);
        k->scale = EXACT_BONUS;
        if (acc)
            prefixed_xq(p, KB_ACCENT_PREFIX, t->accent, t->accent_len, acc);
    }
}

/* Terms at positions: a phrase (window 0) or NEAR/ADJ, of exact forms. */
static void positional_xq(pool *p, const kb_qterm *terms, size_t n, kb_xq_op op,
                          unsigned window, kb_xq *x)
{
    kb_xq *k = kids(p, x, op, n);
    x->window = window;
    for (size_t i = 0; k && i < n; i++)
        term_xq(&k[i], terms[i].term, terms[i].len);
}

/* A word or phrase, or any of its alternatives. */
static void alts_xq(pool *p, const kb_qnode *n, kb_xq *x, void (*own)(pool *, const kb_qnode *,
                                                                       kb_xq *))
{
    if (!n->nalts) {
        own(p, n, x);
        return;
    }
    kb_xq *k = kids(p, x, KB_XQ_OR, n->nalts + 1);
    if (!k)
        return;
    own(p, n, &k[0]);
    for (size_t a = 0; a < n->nalts; a++) {
        const kb_qalt *alt = &n->alts[a];
        if (alt->nterms == 1)
            word_xq(p, &alt->terms[0], &k[a + 1]);
        else
            positional_xq(p, alt->terms, alt->nterms, KB_XQ_PHRASE, 0, &k[a + 1]);
    }
}

static void own_word_xq(pool *p, const kb_qnode *n, kb_xq *x)
{
    word_xq(p, &n->terms[0], x);
}

/* A phrase scores as the phrase plus its words.  `op` OR: passages with
 * the words but not the phrase still come (after the ones with the
 * phrase); AND_MAYBE: only passages with the phrase match. */
static void phrase_xq(pool *p, const kb_qnode *n, kb_xq_op op, kb_xq *x)
{
    kb_xq *k = kids(p, x, op, 2);
    kb_xq *words = k ? kids(p, &k[1], KB_XQ_OR, n->nterms) : NULL;
    if (!words)
        return;
    positional_xq(p, n->terms, n->nterms, KB_XQ_PHRASE, 0, &k[0]);
    for (size_t i = 0; i < n->nterms; i++)
        word_xq(p, &n->terms[i], &words[i]);
}

static void own_phrase_xq(pool *p, const kb_qnode *n, kb_xq *x)
{
    phrase_xq(p, n, KB_XQ_OR, x);
}

/* A phrase that must hold (required, ANDed or excluded). */
static void strict_phrase_xq(pool *p, const kb_qnode *n, kb_xq *x)
{
    phrase_xq(p, n, KB_XQ_AND_MAYBE, x);
}

/* `strict`: the leaf decides which passages match (it is required or
 * excluded), so a phrase must be found as a phrase. */
static void leaf_xq(pool *p, const kb_qnode *n, bool strict, kb_xq *x)
{
    switch (n->kind) {
    case KB_Q_PHRASE:
        alts_xq(p, n, x, strict ? strict_phrase_xq : own_phrase_xq);
        break;
    case KB_Q_PREFIX:
        x->op = KB_XQ_WILDCARD;
        x->term = n->terms[0].term;
        x->term_len = n->terms[0].len;
        break;
    case KB_Q_NEAR:
    case KB_Q_ADJ:
        positional_xq(p, n->terms, n->nterms, n->kind == KB_Q_NEAR ? KB_XQ_NEAR : KB_XQ_PHRASE,
                      n->window + (unsigned)n->nterms - 1, x);
        break;
    default:
        alts_xq(p, n, x, own_word_xq);
        break;
    }
}

/* A field filter: boolean terms, which add no weight. */
static void field_xq(pool *p, const kb_qnode *n, kb_xq *x)
{
    static const char *const prefixes[] = {KB_PATH_PREFIX, KB_EXT_PREFIX, KB_TITLE_PREFIX,
                                           KB_HEADING_PREFIX, KB_TAG_PREFIX};
    const char *prefix = prefixes[n->field];
    if (n->field == KB_FIELD_PATH) {
        prefixed_xq(p, prefix, n->value, strlen(n->value), x);
        x->op = KB_XQ_WILDCARD;
        return;
    }
    if (n->field == KB_FIELD_EXT || n->field == KB_FIELD_TAG) {
        prefixed_xq(p, prefix, n->value, strlen(n->value), x);
        return;
    }
    kb_xq *k = kids(p, x, KB_XQ_AND, n->nterms);
    for (size_t i = 0; k && i < n->nterms; i++) {
        const kb_qterm *t = &n->terms[i];
        if (t->stem)
            prefixed_xq(p, prefix, t->stem, t->stem_len, &k[i]);
        else
            prefixed_xq(p, prefix, t->term, t->len, &k[i]);
    }
}

static void node_xq(pool *p, const kb_qnode *n, bool strict, kb_xq *x);

/* The kids of a group, sorted by the part they play. */
typedef struct {
    const kb_qnode **req, **opt, **neg, **filt;
    size_t nreq, nopt, nneg, nfilt;
} roles;

static bool sort_roles(pool *p, const kb_qnode *n, bool all_required, roles *r)
{
    memset(r, 0, sizeof *r);
    size_t sz = (n->nkids ? n->nkids : 1) * sizeof(kb_qnode *);
    r->req = pool_alloc(p, sz);
    r->opt = pool_alloc(p, sz);
    r->neg = pool_alloc(p, sz);
    r->filt = pool_alloc(p, sz);
    if (!r->req || !r->opt || !r->neg || !r->filt)
        return false;
    for (size_t i = 0; i < n->nkids; i++) {
        const kb_qnode *k = &n->kids[i];
        if (k->kind == KB_Q_NOT)
            r->neg[r->nneg++] = &k->kids[0];
        else if (k->kind == KB_Q_FIELD)
            r->filt[r->nfilt++] = k;
        else if (all_required || k->required)
            r->req[r->nreq++] = k;
        else
            r->opt[r->nopt++] = k;
    }
    return true;
}

static void list_xq(pool *p, kb_xq_op op, const kb_qnode **nodes, size_t n, bool strict,
                    kb_xq *x)
{
    if (n == 1) {
        node_xq(p, nodes[0], strict, x);
        return;
    }
    kb_xq *k = kids(p, x, op, n);
    for (size_t i = 0; k && i < n; i++)
        node_xq(p, nodes[i], strict, &k[i]);
}

/* Filters on one field mean either value; different fields must all
 * hold: FILTER(base, OR(path values), OR(ext values), ...). */
static void filter_xq(pool *p, const roles *r, kb_xq *base, kb_xq *x)
{
    size_t nfields = 0;
    bool seen[KB_NFIELDS] = {false};
    for (size_t i = 0; i < r->nfilt; i++)
        if (!seen[r->filt[i]->field]) {
            seen[r->filt[i]->field] = true;
            nfields++;
        }
    kb_xq *k = kids(p, x, KB_XQ_FILTER, nfields + 1);
    if (!k)
        return;
    k[0] = *base;
    size_t at = 1;
    for (int f = 0; f < KB_NFIELDS; f++) {
        if (!seen[f])
            continue;
        size_t n = 0;
        for (size_t i = 0; i < r->nfilt; i++)
            n += (int)r->filt[i]->field == f;
        kb_xq *alts = n == 1 ? &k[at] : kids(p, &k[at], KB_XQ_OR, n);
        for (size_t i = 0; alts && i < r->nfilt; i++)
            if ((int)r->filt[i]->field == f)
                field_xq(p, r->filt[i], alts++);
        at++;
    }
}

/* A group: required kids ANDed, optional ones ORed (only adding weight
 * when some are required), filters applied, exclusions taken out. */
static void group_xq(pool *p, const kb_qnode *n, bool all_required, kb_xq *x)
{
    roles r;
    if (!sort_roles(p, n, all_required, &r))
        return;
    kb_xq base = {0};
    if (r.nreq && r.nopt) {
        kb_xq *k = kids(p, &base, KB_XQ_AND_MAYBE, 2);
        if (!k)
            return;
        list_xq(p, KB_XQ_AND, r.req, r.nreq, true, &k[0]);
        list_xq(p, KB_XQ_OR, r.opt, r.nopt, false, &k[1]);
    } else if (r.nreq || r.nopt) {
        list_xq(p, r.nreq ? KB_XQ_AND : KB_XQ_OR, r.nreq ? r.req : r.opt, r.nreq + r.nopt,
                r.nreq > 0, &base);
    } else if (r.nfilt) { /* only filters: every passage they let through */
        kb_xq *k = kids(p, &base, KB_XQ_AND, r.nfilt);
        for (size_t i = 0; k && i < r.nfilt; i++)
            field_xq(p, r.filt[i], &k[i]);
        r.nfilt = 0;
    } else {
        kids(p, &base, KB_XQ_OR, 0); /* only exclusions: nothing */
    }
    kb_xq *out = x;
    if (r.nneg) {
        kb_xq *k = kids(p, x, KB_XQ_AND_NOT, 2);
        if (!k)
            return;
        list_xq(p, KB_XQ_OR, r.neg, r.nneg, true, &k[1]);
        out = &k[0];
    }
    if (r.nfilt)
        filter_xq(p, &r, &base, out);
    else
        *out = base;
}

/* `strict`: as for leaf_xq; an OR passes it to its alternatives. */
static void node_xq(pool *p, const kb_qnode *n, bool strict, kb_xq *x)
{
    switch (n->kind) {
    case KB_Q_FIELD:
        field_xq(p, n, x);
        break;
    case KB_Q_NOT: /* only reached alone, e.g. inside NOT NOT: matches nothing */
        kids(p, x, KB_XQ_OR, 0);
        break;
    case KB_Q_AND:
        group_xq(p, n, true, x);
        break;
    case KB_Q_OR: {
        kb_xq *k = kids(p, x, KB_XQ_OR, n->nkids);
        for (size_t i = 0; k && i < n->nkids; i++)
            node_xq(p, &n->kids[i], strict, &k[i]);
        break;
    }
    case KB_Q_ANY:
        group_xq(p, n, false, x);
        break;
    default:
        leaf_xq(p, n, strict, x);
        break;
    }
}

static kb_status set_error(kb_searcher *s, kb_status st, const char *fmt, const char *arg)
{
    kb_buf_reset(&s->error);
    kb_buf_printf(&s->error, fmt, arg);
    return st;
}

/* A malloc'd message (NULL when memory ran out). */
__attribute__((format(printf, 1, 2))) static char *message(const char *fmt, ...)
{
    va_list ap;
    char *m;
    va_start(ap, fmt);
    int n = vasprintf(&m, fmt, ap);
    va_end(ap);
    return n < 0 ? NULL : m;
}

/* What index i says of itself: the folder it indexed in *root, its
 * stemming language in *language, once it is known to be one this kbsearch
 * reads (its schema and tokenizer); else *msg says why, naming it. */
static kb_status read_index(kb_searcher *s, size_t i, char **root, char **language, char **msg)
{
    const char *name = s->indexes[i].name;
    char *schema = NULL, *tokenizer = NULL;
    kb_status st = kb_db_get_shard_meta(s->db, i, KB_META_SCHEMA, &schema, NULL);
    if (!st)
        st = kb_db_get_shard_meta(s->db, i, KB_META_LANGUAGE, language, NULL);
    if (!st)
        st = kb_db_get_shard_meta(s->db, i, KB_META_ROOT, root, NULL);
    if (!st)
        st = kb_db_get_shard_meta(s->db, i, KB_META_TOKENIZER, &tokenizer, NULL);
    if (st) {
        *msg = message("opening index at %s: %s", name, kb_db_last_error(s->db));
    } else if (atoi(schema) != KB_SCHEMA_VERSION) {
        *msg = message("index at %s has schema '%s', this kbsearch reads %d: run kbindex again "
                       "after removing the index folder", name, schema, KB_SCHEMA_VERSION);
        st = KB_ERR_VERSION;
    } else if (strcmp(tokenizer, KB_TOKENIZER_ID) != 0) {
        *msg = message("index at %s was tokenized as '%s', this kbsearch tokenizes queries as "
                       "'%s': run kbindex again after removing the index folder", name,
                       tokenizer, KB_TOKENIZER_ID);
        st = KB_ERR_VERSION;
    }
    free(schema);
    free(tokenizer);
    return st;
}

/* Takes what the searcher keeps from the indexes' metadata (their roots,
 * the stemming language, on which they must agree) into s.  s is unchanged
 * on failure, and its stemmer is only rebuilt when the language changed. */
static kb_status adopt_metadata(kb_searcher *s, char **msg)
{
    char **roots = calloc(s->nindexes, sizeof *roots);
    char *language = NULL;
    size_t first = 0;
    kb_status st = roots ? KB_OK : KB_ERR_NOMEM;
    for (size_t i = 0; i < s->nindexes && !st; i++) {
        char *lang = NULL;
        if (kb_db_shard_missing(s->db, i))
            continue;
        st = read_index(s, i, &roots[i], &lang, msg);
        if (!st && !language) {
            language = lang;
            first = i;
            continue;
        }
        if (!st && strcmp(language, lang) != 0) {
            *msg = message("indexes %s and %s cannot be searched together: their words were "
                           "stemmed as '%s' and '%s' (index them with the same kbindex "
                           "--language)", s->indexes[first].name, s->indexes[i].name, language,
                           lang);
            st = KB_ERR_VERSION;
        }
        free(lang);
    }
    bool new_language = !st && (!s->language || strcmp(language, s->language) != 0);
    kb_stemmer *stemmer = NULL;
    if (new_language && *language && strcmp(language, "none") != 0)
        st = kb_stemmer_new(language, &stemmer, msg);
    if (!st && new_language) {
        kb_stemmer_free(s->stemmer);
        s->stemmer = stemmer;
        char *old = s->language;
        s->language = language;
        language = old;
    }
    for (size_t i = 0; !st && i < s->nindexes; i++) {
        char *old = s->indexes[i].root;
        s->indexes[i].root = roots[i];
        roots[i] = old;
    }
    for (size_t i = 0; roots && i < s->nindexes; i++)
        free(roots[i]);
    free(roots);
    free(language);
    return st;
}

static const kb_searcher_opts default_opts = {{KB_REMOTE_WAIT_MS, KB_REMOTE_WAIT_MS}, 0};

kb_status kb_searcher_open(const char *const *names, size_t n, const kb_searcher_opts *o,
                           kb_searcher **out, char **errmsg)
{
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    kb_searcher *s = calloc(1, sizeof *s);
    if (!s)
        return KB_ERR_NOMEM;
    s->opts = o ? *o : default_opts;
    char *msg = NULL;
    kb_status st = (s->indexes = calloc(n, sizeof *s->indexes)) ? KB_OK : KB_ERR_NOMEM;
    for (size_t i = 0; i < n && !st; i++) {
        index_info *ix = &s->indexes[s->nindexes++];
        bool remote = strncmp(names[i], KB_REMOTE_PREFIX, strlen(KB_REMOTE_PREFIX)) == 0;
        *ix = (index_info){strdup(names[i]), NULL, remote, -1, -1};
        if (!ix->name)
            st = KB_ERR_NOMEM;
        /* Held open, the folder's and the stub's inode numbers cannot be
         * given to other files: a folder at that path with another one is
         * a new index, another stub a compacted one.  Taken before the
         * index is opened, so that a compaction in between is seen. */
        else if (!ix->remote && (ix->held = open(names[i], O_RDONLY | O_CLOEXEC)) >= 0)
            ix->held_stub = openat(ix->held, KB_DB_STUB, O_RDONLY | O_CLOEXEC);
    }
    if (!st)
        st = kb_db_open_many(names, n, &s->opts.remote, s->opts.partial, &s->db, &msg);
    if (!st)
        st = kb_tokenizer_new(&s->tk);
    if (!st)
        st = adopt_metadata(s, &msg);
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
    for (size_t i = 0; i < s->nindexes; i++) {
        free(s->indexes[i].name);
        free(s->indexes[i].root);
        if (s->indexes[i].held >= 0)
            close(s->indexes[i].held);
        if (s->indexes[i].held_stub >= 0)
            close(s->indexes[i].held_stub);
    }
    free(s->indexes);
    free(s->language);
    kb_buf_free(&s->error);
    free(s);
}

/* Whether the folder of a local index is no longer the one s opened
 * (deleted, and maybe built again). */
static bool replaced(const kb_searcher *s)
{
    for (size_t i = 0; i < s->nindexes; i++) {
        const index_info *ix = &s->indexes[i];
        struct stat now, held;
        if (ix->remote)
            continue;
        if (stat(ix->name, &now) != 0)
            return true;
        if (ix->held >= 0 && fstat(ix->held, &held) == 0 &&
            (now.st_dev != held.st_dev || now.st_ino != held.st_ino))
            return true;
        if (ix->held < 0)
            continue;
        bool has_stub = fstatat(ix->held, KB_DB_STUB, &now, 0) == 0;
        if (has_stub != (ix->held_stub >= 0) ||
            (has_stub && fstat(ix->held_stub, &held) == 0 && now.st_ino != held.st_ino))
            return true;
    }
    return false;
}

/* Opens the indexes of s afresh, in place of what s had open. */
static kb_status open_again(kb_searcher *s, char **msg)
{
    kb_searcher *fresh;
    const char **names = malloc(s->nindexes * sizeof *names);
    if (!names)
        return KB_ERR_NOMEM;
    for (size_t i = 0; i < s->nindexes; i++)
        names[i] = s->indexes[i].name;
    kb_status st = kb_searcher_open(names, s->nindexes, &s->opts, &fresh, msg);
    free(names);
    if (st)
        return st;
    kb_searcher old = *s;
    *s = *fresh;
    s->error = old.error;
    old.error = fresh->error;
    *fresh = old;
    kb_searcher_free(fresh);
    return KB_OK;
}

kb_status kb_searcher_refresh(kb_searcher *s)
{
    kb_buf_reset(&s->error);
    char *msg = NULL;
    kb_status st;
    /* Xapian's reopen would keep reading a deleted index's files, and one
     * built again may be at the revision s has: only a new open sees it.
     * After any failure, start afresh too. */
    if (s->broken || replaced(s)) {
        st = open_again(s, &msg);
    } else if ((st = kb_db_reopen(s->db))) {
        msg = message("reopening the index: %s", kb_db_last_error(s->db));
    } else {
        st = adopt_metadata(s, &msg);
    }
    s->broken = st != KB_OK;
    if (st == KB_ERR_NOT_FOUND && s->nindexes == 1)
        set_error(s, st, "no index at %s any more: run kbindex to build it again",
                  s->indexes[0].name);
    else if (st)
        set_error(s, st, "%s", msg ? msg : kb_status_str(st));
    free(msg);
    return st;
}

const char *kb_searcher_last_error(const kb_searcher *s)
{
    return s->error.len ? s->error.data : "";
}

const char *kb_searcher_missing(const kb_searcher *s, size_t i)
{
    return kb_db_shard_missing(s->db, i);
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
    for (size_t i = 0; i < h->nfresh; i++)
        kb_freshness_free(h->fresh[i]);
    free(h->fresh);
    kb_results_free(h->results);
    kb_query_free(h->query);
    free(h);
}

/* A prefix stands for many words: it weighs as a word in one passage of
 * this many. */
#define PREFIX_SHARE 10

/* IDF weight of each leaf, for coverage: rare words count for more. */
static kb_status leaf_weights(kb_searcher *s, const kb_matcher *m, double *w)
{
    unsigned n = 0;
    kb_status st = kb_db_doc_count(s->db, &n);
    kb_buf term = KB_BUF_INIT;
    for (size_t l = 0; l < kb_matcher_leaf_count(m) && !st; l++) {
        const kb_qnode *leaf = kb_matcher_leaf(m, l);
        w[l] = 0;
        if (leaf->kind == KB_Q_PREFIX) {
            w[l] = log(1.0 + PREFIX_SHARE);
            continue;
        }
        for (size_t i = 0; i < leaf->nterms && !st; i++) {
            const kb_qterm *t = &leaf->terms[i];
            kb_buf_reset(&term);
            if (t->stem) {
                kb_buf_puts(&term, KB_STEM_PREFIX);
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

static int by_bytes(kb_str x, kb_str y)
{
    int d = memcmp(x.p, y.p, x.n < y.n ? x.n : y.n);
    return d ? d : (x.n > y.n) - (x.n < y.n);
}

/* Ties go by path and place, not docid: docids depend on how the passages
 * were split into indexes, and shards must rank as the whole index did. */
static int by_score(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->chrome != y->chrome)
        return x->chrome ? 1 : -1;
    if (x->why.phrases != y->why.phrases)
        return x->why.phrases ? -1 : 1;
    if (x->why.score != y->why.score)
        return x->why.score > y->why.score ? -1 : 1;
    int d = by_bytes(x->path, y->path);
    if (d)
        return d;
    if (x->lines[0] != y->lines[0])
        return x->lines[0] < y->lines[0] ? -1 : 1;
    if (x->shard != y->shard)
        return x->shard < y->shard ? -1 : 1;
    return x->docid < y->docid ? -1 : x->docid > y->docid;
}

/* The coverage of a short text (a heading, a title); 0 when empty. */
static kb_status text_coverage(const kb_query *q, kb_matcher *m, kb_str t, const double *w,
                               double *out)
{
    kb_matches mm;
    *out = 0;
    kb_status st = t.n ? kb_match(m, t.p, t.n, &mm) : KB_OK;
    if (!st && t.n)
        *out = kb_coverage(q, &mm, w);
    return st;
}

/* The coverage of a passage's heading, matched only when not met before. */
static kb_status heading_coverage(ranker *r, kb_str heading, double *out)
{
    for (size_t i = 0; i < r->nheadings; i++) {
        kb_str t = r->headings[i].text;
        if (t.n == heading.n && memcmp(t.p, heading.p, t.n) == 0) {
            *out = r->headings[i].coverage;
            return KB_OK;
        }
    }
    kb_status st = text_coverage(r->h->query, r->m, heading, r->w, out);
    if (st)
        return st;
    if (!kb_grow((void **)&r->headings, &r->headings_cap, r->nheadings + 1,
                 sizeof *r->headings))
        return KB_ERR_NOMEM;
    r->headings[r->nheadings++] = (heading_seen){heading, *out};
    return KB_OK;
}

/* Keeps a copy of candidate c's matches for its snippet. */
static kb_status keep_matches(ranker *r, const kb_matches *mm, cand *c)
{
    if (!kb_grow((void **)&r->spans, &r->spans_cap, r->nspans + mm->nspans, sizeof *r->spans) ||
        !kb_grow((void **)&r->tokens, &r->tokens_cap, r->ntokens + mm->ntokens,
                 sizeof *r->tokens))
        return KB_ERR_NOMEM;
    c->spans_at = r->nspans;
    c->nspans = mm->nspans;
    c->tokens_at = r->ntokens;
    c->ntokens = mm->ntokens;
    if (mm->nspans)
        memcpy(r->spans + r->nspans, mm->spans, mm->nspans * sizeof *mm->spans);
    if (mm->ntokens)
        memcpy(r->tokens + r->ntokens, mm->tokens, mm->ntokens * sizeof *mm->tokens);
    r->nspans += mm->nspans;
    r->ntokens += mm->ntokens;
    return KB_OK;
}

/* Adds the file at `path` to h->files, with its entry, title and the
 * query's coverage of its title. */
static kb_status add_file(kb_searcher *s, kb_hits *h, size_t *cap, size_t shard, kb_str path,
                          kb_matcher *m, const double *w)
{
    if (!kb_grow((void **)&h->files, cap, h->nfiles + 1, sizeof *h->files))
        return KB_ERR_NOMEM;
    file_info *f = &h->files[h->nfiles];
    memset(f, 0, sizeof *f);
    f->shard = shard;
    f->path = path;
    f->title = (kb_str){"", 0};
    kb_buf key = KB_BUF_INIT;
    kb_buf_puts(&key, KB_FILE_META_PREFIX);
    kb_buf_add(&key, path.p, path.n);
    size_t len = 0;
    kb_status st = kb_buf_status(&key);
    if (!st)
        st = kb_db_get_shard_meta(s->db, shard, key.data, &f->meta, &len);
    kb_buf_free(&key);
    if (st)
        return st;
    h->nfiles++; /* counted now, so kb_hits_free frees its metadata */
    if (kb_file_entry_decode(f->meta, len, &f->entry) == KB_OK) {
        f->has_entry = true;
        f->title = f->entry.title;
    }
    return text_coverage(h->query, m, f->title, w, &f->in_title);
}

/* A candidate's file, to sort the candidates by. */
typedef struct {
    size_t shard;
    kb_str path;
    size_t cand;
} path_of;

static int by_file(const void *a, const void *b)
{
    const path_of *x = a, *y = b;
    if (x->shard != y->shard)
        return x->shard < y->shard ? -1 : 1;
    return by_bytes(x->path, y->path);
}

/* Looks up each candidate's file once, and sets its cand.shard and
 * cand.file.  In path order: an index stores the file entries in that
 * order, so neighbours share the blocks just read. */
static kb_status find_files(ranker *rk, const kb_record *recs, cand *c, size_t n)
{
    path_of *order = malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return KB_ERR_NOMEM;
    kb_status st = KB_OK;
    for (size_t i = 0; i < n && !st; i++) {
        kb_result r;
        kb_results_get(rk->h->results, i, &r);
        order[i] = (path_of){0, recs[i].path, i};
        st = kb_db_shard_of(rk->s->db, r.docid, &order[i].shard);
        c[i].shard = order[i].shard;
    }
    if (!st)
        qsort(order, n, sizeof *order, by_file);
    for (size_t i = 0; i < n && !st; i++) {
        if (i == 0 || by_file(&order[i - 1], &order[i]) != 0)
            st = add_file(rk->s, rk->h, &rk->fcap, order[i].shard, order[i].path, rk->m, rk->w);
        c[order[i].cand].file = rk->h->nfiles - 1;
    }
    free(order);
    return st;
}

static bool same_path(const cand *a, const cand *b)
{
    return a->shard == b->shard && a->path.n == b->path.n &&
           memcmp(a->path.p, b->path.p, a->path.n) == 0;
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
static kb_status also_at(const kb_searcher *s, const cand *c, size_t n, size_t i, kb_hit *hit)
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
            p[hit->nalso++] = (kb_place){c[k].path, c[k].shard, s->indexes[c[k].shard].name,
                                         s->indexes[c[k].shard].root,
                                         c[k].lines[0], c[k].lines[1]};
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

/* Are all the query's quoted phrases found as phrases? */
static bool all_phrases(const kb_matcher *m, const kb_matches *mm)
{
    for (size_t l = 0; l < kb_matcher_leaf_count(m); l++) {
        const kb_qnode *leaf = kb_matcher_leaf(m, l);
        if (leaf->kind == KB_Q_PHRASE && leaf->quoted && mm->leaf_hit[l] != 2)
            return false;
    }
    return true;
}

/* Scores candidate i from its record (everything but the file factor);
 * its file is known (find_files). */
static kb_status score_passage(ranker *rk, size_t i, const kb_record *rec, cand *c)
{
    kb_hits *h = rk->h;
    kb_result r;
    kb_matches mm;
    kb_results_get(h->results, i, &r);
    kb_status st = kb_match(rk->m, rec->text.p, rec->text.n, &mm);
    if (!st)
        st = keep_matches(rk, &mm, c);
    if (st)
        return st;
    size_t nleaves = kb_matcher_leaf_count(rk->m);
    kb_explain *e = &c->why;
    e->bm25 = r.weight;
    e->coverage = kb_coverage(h->query, &mm, rk->w);
    e->proximity = kb_proximity(&mm, nleaves, rk->scratch);
    e->phrases = all_phrases(rk->m, &mm);
    size_t f = c->file;
    double in_heading = 0;
    if ((st = heading_coverage(rk, rec->heading, &in_heading)))
        return st;
    double in_title = h->files[f].in_title;
    e->heading = in_heading > in_title ? in_heading : in_title;
    e->coverage_factor = KB_COVER_FLOOR + (1 - KB_COVER_FLOOR) * e->coverage * e->coverage;
    e->proximity_factor = 1 + KB_PROXIMITY_WEIGHT * e->proximity;
    e->heading_factor = 1 + KB_HEADING_WEIGHT * e->heading;
    e->passage = e->bm25 * e->coverage_factor * e->proximity_factor * e->heading_factor;
    if (!rec->is_chrome)
        h->files[f].evidence += e->passage;
    c->index = i;
    c->docid = r.docid;
    c->path = rec->path;
    c->lines[0] = rec->line_start;
    c->lines[1] = rec->line_end;
    c->content = rec->content;
    c->copy_of = SIZE_MAX;
    c->chrome = rec->is_chrome;
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

/* Each leaf's label (describe.h), for --explain. */
static kb_status leaf_labels(kb_hits *h, const kb_matcher *m)
{
    size_t n = kb_matcher_leaf_count(m);
    h->labels = calloc(n ? n : 1, sizeof *h->labels);
    if (!h->labels)
        return KB_ERR_NOMEM;
    for (size_t l = 0; l < n; l++) {
        kb_buf b = KB_BUF_INIT;
        kb_qnode_label(kb_matcher_leaf(m, l), &b);
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
        leaf_xq(&p, kb_matcher_leaf(m, l), false, &x);
        kb_explain_term *t = &e->terms[e->nterms++];
        t->leaf = h->labels[l];
        st = p.failed ? KB_ERR_NOMEM : kb_db_weigh(s->db, &x, c->docid, &t->bm25);
        pool_free(&p);
    }
    return st;
}

/* Re-scores the candidates and fills h->hits with the passages to show. */
static kb_status rank(kb_searcher *s, kb_hits *h, kb_matcher *m, const kb_search_opts *opts)
{
    size_t n = kb_results_count(h->results), nleaves = kb_matcher_leaf_count(m);
    cand *c = calloc(n ? n : 1, sizeof *c);
    kb_record *recs = calloc(n ? n : 1, sizeof *recs);
    ranker rk = {.s = s, .h = h, .m = m, .w = calloc(nleaves ? nleaves : 1, sizeof *rk.w),
                 .scratch = calloc(nleaves ? nleaves : 1, sizeof *rk.scratch)};
    kb_status st = !c || !recs || !rk.w || !rk.scratch ? KB_ERR_NOMEM : leaf_weights(s, m, rk.w);
    for (size_t i = 0; i < n && !st; i++) {
        kb_result r;
        kb_results_get(h->results, i, &r);
        if (kb_record_decode(r.data, r.data_len, &recs[i]) != KB_OK)
            st = set_error(s, KB_ERR_CORRUPT, "%s", "a passage record in the index is damaged: "
                                                    "remove the index folder and run kbindex");
    }
    if (!st)
        st = find_files(&rk, recs, c, n);
    for (size_t i = 0; i < n && !st; i++)
        st = score_passage(&rk, i, &recs[i], &c[i]);
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
    if (!st && !(h->fresh = calloc(s->nindexes, sizeof *h->fresh)))
        st = KB_ERR_NOMEM;
    else if (!st)
        h->nfresh = s->nindexes;
    for (size_t i = 0; i < h->n && !st; i++) {
        kb_hit *hit = &h->hits[i];
        kb_matches mm = {rk.spans + c[i].spans_at, c[i].nspans, rk.tokens + c[i].tokens_at,
                         c[i].ntokens, NULL};
        const index_info *ix = &s->indexes[c[i].shard];
        hit->index = c[i].shard;
        hit->index_name = ix->name;
        hit->root = ix->root;
        hit->rec = recs[c[i].index];
        const file_info *f = &h->files[c[i].file];
        kb_freshness **fresh = &h->fresh[c[i].shard];
        if (!ix->remote && !*fresh)
            st = kb_freshness_new(ix->root, fresh);
        if (!st && !ix->remote)
            st = kb_freshness_check(*fresh, f->has_entry ? &f->entry : NULL, &hit->rec,
                                    &hit->state, &hit->now);
        if (st)
            break;
        hit->rank = (unsigned)i + 1;
        hit->score = c[i].why.score;
        hit->title = f->title;
        hit->more_in_file = more_in_file(c, n, i, keep);
        st = kb_snippet_make(hit->rec.text.p, hit->rec.text.n, &mm, &hit->snippet);
        if (!st)
            st = also_at(s, c, n, i, hit);
        if (!st && opts->explain)
            st = explain_hit(s, h, m, &c[i], hit);
    }
    free(c);
    free(recs);
    free(rk.w);
    free(rk.scratch);
    free(rk.headings);
    free(rk.spans);
    free(rk.tokens);
    return st;
}

/* Parses and expands a query; on failure the message is in s->error. */
static kb_status parse(kb_searcher *s, const char *query, size_t len,
                       const kb_search_opts *opts, kb_query **out)
{
    char *msg = NULL;
    kb_status st = kb_query_parse(query, len, s->tk, s->stemmer, out, &msg);
    if (st) {
        set_error(s, st, "%s", msg ? msg : kb_status_str(st));
        free(msg);
        return st;
    }
    kb_expand_opts eo = {!opts->no_correct};
    if ((st = kb_query_expand(*out, s->db, s->tk, s->stemmer, &eo))) {
        set_error(s, st, "%s", st == KB_ERR_NOMEM ? "out of memory" : kb_db_last_error(s->db));
        kb_query_free(*out);
        *out = NULL;
    }
    return st;
}

static unsigned term_df(void *ctx, const char *term, size_t len)
{
    unsigned n = 0;
    return kb_db_term_freq(ctx, term, len, &n) ? 0 : n;
}

kb_status kb_search_describe(kb_searcher *s, const char *query, size_t len,
                             const kb_search_opts *opts, kb_buf *out)
{
    kb_buf_reset(&s->error);
    kb_query *q = NULL;
    kb_status st = parse(s, query, len, opts, &q);
    if (st)
        return st;
    kb_describe_ctx c = {term_df, s->db};
    kb_query_describe(q, &c, out);
    kb_query_free(q);
    if ((st = kb_buf_status(out)))
        set_error(s, st, "%s", "out of memory");
    return st;
}

static kb_status search_once(kb_searcher *s, const char *query, size_t len,
                             const kb_search_opts *opts, kb_hits **out)
{
    *out = NULL;
    kb_buf_reset(&s->error);
    kb_hits *h = calloc(1, sizeof *h);
    if (!h)
        return set_error(s, KB_ERR_NOMEM, "%s", "out of memory");
    kb_status st = parse(s, query, len, opts, &h->query);
    if (st) {
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
    node_xq(&p, &h->query->root, false, q);
    kb_matcher *m = NULL;
    size_t depth = opts->limit > KB_RERANK_DEPTH ? opts->limit : KB_RERANK_DEPTH;
    if (p.failed)
        st = set_error(s, KB_ERR_NOMEM, "%s", "out of memory");
    else if ((st = kb_db_search(s->db, &root, depth, &h->results)))
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

/* After a query failed on the network: KB_OK when --partial could leave
 * out the remote indexes that stopped answering (the query is then run
 * again on the others), else the error naming them. */
static kb_status leave_out_unreachable(kb_searcher *s)
{
    size_t gone = 0;
    kb_status st = kb_db_check_remotes(s->db, s->opts.partial, &gone);
    if (!gone)
        return KB_ERR_NETWORK; /* every remote answers: the query's own error stands */
    if (st) {
        kb_buf_reset(&s->error);
        kb_buf_puts(&s->error, kb_db_last_error(s->db));
        if (!s->opts.partial)
            kb_buf_puts(&s->error, " (--partial searches the other indexes)");
    }
    return st;
}

kb_status kb_search(kb_searcher *s, const char *query, size_t len,
                    const kb_search_opts *opts, kb_hits **out)
{
    /* A query reads the index many times (expansion, the search, records,
     * file entries).  If kbindex commits twice meanwhile, a later read
     * finds its revision gone: the whole query runs again on a reopened
     * index, so that no hit mixes two revisions. */
    kb_status st;
    for (int attempt = 0;; attempt++) {
        st = search_once(s, query, len, opts, out);
        if (st == KB_ERR_NETWORK && attempt < 3) {
            if ((st = leave_out_unreachable(s)) == KB_OK)
                continue;
        } else if (st == KB_ERR_MODIFIED && attempt < 3 && kb_db_reopen(s->db) == KB_OK) {
            continue;
        }
        return st;
    }
}
