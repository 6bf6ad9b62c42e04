/* kb_index_folder: walk -> read -> segment -> tokenize -> index. */
#include "kbsearch/indexer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "kbsearch/boilerplate.h"
#include "kbsearch/buf.h"
#include "kbsearch/extract.h"
#include "kbsearch/format.h"
#include "kbsearch/index.h"
#include "kbsearch/ignore.h"
#include "kbsearch/lexicon.h"
#include "kbsearch/lock.h"
#include "kbsearch/reader.h"
#include "kbsearch/record.h"
#include "kbsearch/segment.h"
#include "kbsearch/tokenize.h"
#include "kbsearch/utf8.h"
#include "kbsearch/walk.h"

/* A file the index already knows, from its metadata. */
typedef struct {
    char *path;       /* relative path (owned) */
    char *raw;        /* the encoded entry (owned); e.title points into it */
    size_t raw_len;
    kb_file_entry e;
    bool seen;        /* still in the folder, so not removed */
} known_file;

/* A file of the folder that has to be read: new, or changed by size or
 * modification time. */
typedef struct {
    char *rel;        /* owned */
    uint64_t size;
    size_t known;     /* index in ix->known, or SIZE_MAX */
} todo_file;

typedef struct {
    const kb_index_opts *opts;
    kb_index_stats *stats;
    kb_progress progress;
    const char *root;
    const char *db_path;
    kb_buf abs;             /* root + "/" + the path being read */
    kb_lock *lock;          /* held while writing */
    kb_ignore *ignore;
    kb_db *db;
    kb_tokenizer *tk;
    kb_stemmer *stemmer;    /* NULL for language "none" */
    kb_lexicon *lex;        /* spelling and synonym tables */
    known_file *known;      /* sorted by path (metadata keys come sorted) */
    size_t nknown, known_cap;
    known_file **gone;      /* known files not in the folder, by hash */
    size_t ngone;
    todo_file *todo;        /* files to read, in walk order */
    size_t ntodo, todo_cap;
    size_t commit_bytes;    /* threshold */
    size_t max_bytes;       /* read of one file */
    size_t pending_bytes;   /* text read since the last commit */
    kb_buf scratch;         /* record and metadata encoding */
    kb_buf term;            /* prefixed terms */
    bool reindex_all;       /* the chrome setting changed since the last run */
    kb_shard shard;         /* the files of the folder this run indexes */
    /* the file being indexed */
    const char *rel;
    const kb_extract *x;    /* what its reader made of it */
    const char *text;       /* the extract's text */
    size_t col_at;          /* the last passage start placed in it ... */
    kb_column col_then;     /* ... and its column */
    kb_run *clip;           /* one passage's runs */
    size_t clip_cap;
    kb_buf map;             /* ... encoded */
    kb_buf file_terms;      /* its extension and title terms, NUL-separated */
    kb_passage *found;      /* its passages, as segmented */
    size_t nfound, found_cap;
    kb_chrome *chrome;      /* their verdicts */
    size_t chrome_cap;
    kb_doc *doc;
    size_t body;            /* passage offset where its body starts */
    uint64_t content;       /* running hash of the body's terms */
    unsigned passages;
    /* the failure that stopped the run */
    kb_buf error;
} indexer;

/* Records why the run stops: "WHAT PATH: DETAIL" (path may be NULL). */
static int fail(indexer *ix, kb_status st, const char *what, const char *path)
{
    const char *detail = kb_status_str(st);
    if (st != KB_ERR_NOMEM && ix->db && *kb_db_last_error(ix->db))
        detail = kb_db_last_error(ix->db);
    kb_buf_reset(&ix->error);
    kb_buf_printf(&ix->error, "%s%s%s: %s", what, path ? " " : "", path ? path : "", detail);
    return st;
}

static int load_known(void *ctx, const char *key, const char *value, size_t len)
{
    indexer *ix = ctx;
    if (!kb_grow((void **)&ix->known, &ix->known_cap, ix->nknown + 1, sizeof *ix->known))
        return KB_ERR_NOMEM;
    known_file *k = &ix->known[ix->nknown];
    memset(k, 0, sizeof *k);
    k->path = strdup(key + strlen(KB_FILE_META_PREFIX));
    k->raw = malloc(len ? len : 1);
    if (!k->path || !k->raw) {
        free(k->path);
        free(k->raw);
        return KB_ERR_NOMEM;
    }
    memcpy(k->raw, value, len);
    k->raw_len = len;
    ix->nknown++;
    if (kb_file_entry_decode(k->raw, len, &k->e) != KB_OK)
        memset(&k->e, 0, sizeof k->e); /* damaged entry: the file is re-read */
    return 0;
}

static int by_path(const void *key, const void *elem)
{
    return strcmp(key, ((const known_file *)elem)->path);
}

static known_file *find_known(indexer *ix, const char *rel)
{
    return ix->nknown ? bsearch(rel, ix->known, ix->nknown, sizeof *ix->known, by_path)
                      : NULL;
}

/* The boolean term shared by all passages of a file, to delete them.
 * Xapian terms are limited to 245 bytes, so long paths are hashed. */
static void file_term(kb_buf *b, const char *rel)
{
    size_t n = strlen(rel);
    kb_buf_reset(b);
    if (n <= 200)
        kb_buf_printf(b, "P%s", rel);
    else
        kb_buf_printf(b, "P#%016llx", (unsigned long long)kb_hash64(rel, n));
}

static kb_status add_prefixed(indexer *ix, const char *prefix, const char *t, size_t n,
                              unsigned wdf)
{
    kb_buf_reset(&ix->term);
    kb_buf_puts(&ix->term, prefix);
    kb_buf_add(&ix->term, t, n);
    if (kb_buf_status(&ix->term))
        return KB_ERR_NOMEM;
    return kb_doc_add_term(ix->doc, ix->term.data, ix->term.len, wdf);
}

static int add_token(void *ctx, const kb_token *t)
{
    indexer *ix = ctx;
    if (t->start >= ix->body) /* a NUL ends each term: "ab c" != "a bc" */
        ix->content = kb_hash64_add(ix->content, t->term, t->term_len + 1);
    kb_status st = kb_doc_add_posting(ix->doc, t->term, t->term_len, t->pos);
    if (!st)
        st = kb_lexicon_word(ix->lex, t->term, t->term_len, t->flags);
    if (!st && t->accent)
        st = add_prefixed(ix, KB_ACCENT_PREFIX, t->accent, t->accent_len, 1);
    if (st || !ix->stemmer || (t->flags & (KB_TOKEN_NUMBER | KB_TOKEN_CJK)))
        return st;
    const char *stem;
    size_t n;
    if ((st = kb_stem(ix->stemmer, t->term, t->term_len, &stem, &n)))
        return st;
    return add_prefixed(ix, KB_STEM_PREFIX, stem, n, 1);
}

/* Collects the boolean field terms of a text (a title, a heading): the
 * stem of each word (its exact form for numbers, CJK, language none),
 * with `prefix`, NUL-separated in ix->scratch. */
typedef struct {
    indexer *ix;
    const char *prefix;
    kb_buf *out;
} field_ctx;

static int field_token(void *ctx, const kb_token *t)
{
    field_ctx *f = ctx;
    const char *w = t->term;
    size_t n = t->term_len;
    if (f->ix->stemmer && !(t->flags & (KB_TOKEN_NUMBER | KB_TOKEN_CJK))) {
        kb_status st = kb_stem(f->ix->stemmer, t->term, t->term_len, &w, &n);
        if (st)
            return st;
    }
    kb_buf_puts(f->out, f->prefix);
    kb_buf_add(f->out, w, n);
    kb_buf_add(f->out, "", 1);
    return kb_buf_status(f->out);
}

static kb_status field_terms(indexer *ix, const char *prefix, kb_str text, kb_buf *out)
{
    field_ctx f = {ix, prefix, out};
    return kb_tokenize(ix->tk, text.p, text.n, field_token, &f);
}

/* Adds each NUL-separated term of `terms` as a boolean term. */
static kb_status add_booleans(indexer *ix, const kb_buf *terms)
{
    kb_status st = KB_OK;
    for (size_t i = 0; i < terms->len && !st;) {
        size_t n = strlen(terms->data + i);
        st = kb_doc_add_term(ix->doc, terms->data + i, n, 0);
        i += n + 1;
    }
    return st;
}

static int collect_passage(void *ctx, const kb_passage *p)
{
    indexer *ix = ctx;
    if (!kb_grow((void **)&ix->found, &ix->found_cap, ix->nfound + 1, sizeof *ix->found))
        return KB_ERR_NOMEM;
    ix->found[ix->nfound++] = *p;
    return 0;
}

/* The runs of the extract over passage text [start, end), relative to
 * the passage, encoded into ix->map. */
static kb_status clip_runs(indexer *ix, size_t start, size_t end)
{
    const kb_extract *x = ix->x;
    size_t n = 0;
    kb_buf_reset(&ix->map);
    for (size_t i = kb_extract_run_at(x, start, false); i < x->nruns; i++) {
        kb_run r = x->runs[i];
        if (r.text >= end)
            break;
        if (r.text + r.len <= start)
            continue;
        if (r.text < start) {
            size_t cut = start - r.text;
            if (r.verbatim) {
                kb_spot at = {r.src, r.line, r.col};
                kb_spot_advance(&at, x->src + r.src, cut);
                r.src = at.byte;
                r.line = at.line;
                r.col = at.col;
                r.src_len -= cut;
            }
            r.text = start;
            r.len -= cut;
        }
        if (r.text + r.len > end) {
            r.len = end - r.text;
            if (r.verbatim)
                r.src_len = r.len;
        }
        r.text -= start;
        if (!kb_grow((void **)&ix->clip, &ix->clip_cap, n + 1, sizeof *ix->clip))
            return KB_ERR_NOMEM;
        ix->clip[n++] = r;
    }
    kb_map_encode(ix->clip, n, &ix->map);
    return kb_buf_status(&ix->map);
}

/* Where passage p is in its file: through the runs when the extract has
 * them, else its text is the source (or, for a PDF, all there is). */
static kb_status place_passage(indexer *ix, const kb_passage *p, kb_record *r)
{
    r->text = (kb_str){ix->text + p->byte_start, p->byte_end - p->byte_start};
    if (!ix->x->nruns) {
        /* A window can start inside a line.  Passages come in order, so
         * the column goes on from the last start when no line break lies
         * between: a file of one long line is not read again per passage. */
        size_t from = ix->col_at <= p->byte_start ? ix->col_at : 0;
        const char *nl = memrchr(ix->text + from, '\n', p->byte_start - from);
        if (nl)
            from = (size_t)(nl - ix->text) + 1;
        else if (from)
            r->col = ix->col_then;
        kb_column_advance(&r->col, ix->text + from, p->byte_start - from);
        ix->col_at = p->byte_start;
        ix->col_then = r->col;
        return KB_OK;
    }
    kb_status st = clip_runs(ix, p->byte_start, p->byte_end);
    kb_spot first, last;
    r->map = (kb_str){ix->map.data, ix->map.len};
    if (!st)
        st = kb_record_place(r, 0, false, &first);
    if (!st)
        st = kb_record_place(r, r->text.n, true, &last);
    if (st)
        return st;
    r->byte_start = first.byte;
    r->byte_end = last.byte > first.byte ? last.byte : first.byte;
    r->line_start = first.line;
    r->line_end = last.line > first.line ? last.line : first.line;
    r->col = first.col;
    return KB_OK;
}

static int add_passage(indexer *ix, const kb_passage *p, const kb_chrome *chrome)
{
    kb_status st = kb_doc_new(&ix->doc);
    if (st)
        return fail(ix, st, "indexing", ix->rel);
    ix->body = p->body_start - p->byte_start;
    ix->content = KB_HASH64_INIT;
    st = kb_tokenize(ix->tk, ix->text + p->byte_start, p->byte_end - p->byte_start,
                     add_token, ix);
    kb_record r = {{ix->rel, strlen(ix->rel)}, p->heading, {"", 0},
                   p->line_start, p->line_end, p->byte_start, p->byte_end, {0, 0, 0},
                   ix->content, chrome->score, chrome->signals,
                   !ix->opts->keep_boilerplate && chrome->score >= KB_CHROME_THRESHOLD,
                   p->page, p->flags & KB_PASSAGE_CODE ? KB_REC_CODE : 0, {"", 0}};
    if (!st)
        st = place_passage(ix, p, &r);
    kb_buf_reset(&ix->scratch);
    kb_record_encode(&r, &ix->scratch);
    file_term(&ix->term, ix->rel);
    if (!st)
        st = kb_buf_status(&ix->scratch) ? KB_ERR_NOMEM : kb_buf_status(&ix->term);
    if (!st)
        st = kb_doc_set_data(ix->doc, ix->scratch.data, ix->scratch.len);
    if (!st)
        st = kb_doc_add_term(ix->doc, ix->term.data, ix->term.len, 0);
    if (!st && r.is_chrome)
        st = kb_doc_add_term(ix->doc, KB_CHROME_TERM, strlen(KB_CHROME_TERM), 0);
    if (!st)
        st = add_booleans(ix, &ix->file_terms);
    if (!st && p->heading.n) {
        kb_buf_reset(&ix->scratch);
        st = field_terms(ix, KB_HEADING_PREFIX, p->heading, &ix->scratch);
        if (!st)
            st = add_booleans(ix, &ix->scratch);
    }
    if (!st)
        st = kb_db_add_doc(ix->db, ix->doc);
    kb_doc_free(ix->doc);
    ix->doc = NULL;
    if (st)
        return fail(ix, st, "indexing", ix->rel);
    ix->passages++;
    return 0;
}

const char *kb_file_event_name(kb_file_event ev)
{
    static const char *const names[KB_EV_COUNT] = {
        [KB_EV_INDEXED] = "indexed",         [KB_EV_UNCHANGED] = "unchanged",
        [KB_EV_RENAMED] = "renamed",         [KB_EV_REMOVED] = "removed",
        [KB_EV_IGNORED] = "ignored",         [KB_EV_OTHER_TYPE] = "other type",
        [KB_EV_EMPTY] = "empty",             [KB_EV_REPAIRED] = "invalid UTF-8",
        [KB_EV_TRUNCATED] = "too large",     [KB_EV_BINARY] = "binary",
        [KB_EV_BROKEN] = "broken",
        [KB_EV_UNREADABLE] = "unreadable",   [KB_EV_VANISHED] = "vanished",
        [KB_EV_CHANGING] = "changing",       [KB_EV_SYMLINK] = "symlink",
        [KB_EV_LINK_LOOP] = "symlink loop",  [KB_EV_BROKEN_LINK] = "broken symlink",
        [KB_EV_SPECIAL] = "special file",    [KB_EV_NOTE] = "note",
        [KB_EV_DAMAGED] = "damaged",
    };
    return (unsigned)ev < KB_EV_COUNT ? names[ev] : "?";
}

static void event(indexer *ix, kb_file_event ev, const char *rel, const char *detail)
{
    ix->stats->count[ev]++;
    if (ix->opts->event)
        ix->opts->event(ix->opts->ctx, ev, rel, detail);
}

static void show_progress(indexer *ix, const char *path)
{
    ix->progress.path = path;
    if (ix->opts->progress)
        ix->opts->progress(ix->opts->ctx, &ix->progress);
}

static int64_t mtime_ns(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

static bool stopping(const indexer *ix)
{
    return ix->opts->stop && *ix->opts->stop;
}

static int save_entry(indexer *ix, const char *rel, const kb_file_entry *e)
{
    kb_buf_reset(&ix->scratch);
    kb_file_entry_encode(e, &ix->scratch);
    kb_buf_reset(&ix->term);
    kb_buf_printf(&ix->term, KB_FILE_META_PREFIX "%s", rel);
    kb_status st = kb_buf_status(&ix->scratch) ? KB_ERR_NOMEM : kb_buf_status(&ix->term);
    if (!st)
        st = kb_db_set_meta(ix->db, ix->term.data, ix->scratch.data, ix->scratch.len);
    return st ? fail(ix, st, "recording", rel) : 0;
}

static int maybe_commit(indexer *ix, size_t bytes)
{
    if (ix->opts->check)
        return 0;
    ix->pending_bytes += bytes;
    if (ix->pending_bytes < ix->commit_bytes)
        return 0;
    ix->pending_bytes = 0;
    kb_status st = kb_db_commit(ix->db);
    return st ? fail(ix, st, "committing the index", NULL) : 0;
}

static int lexicon_fail(indexer *ix, kb_status st, const char *rel)
{
    kb_buf_reset(&ix->error);
    kb_buf_printf(&ix->error, "%s: %s", rel,
                  st == KB_ERR_NOMEM ? "out of memory" : kb_lexicon_last_error(ix->lex));
    return st;
}

/* Deletes a file's passages, and their words from the spelling table. */
static kb_status delete_file(indexer *ix, const char *rel)
{
    file_term(&ix->term, rel);
    kb_status st = kb_buf_status(&ix->term);
    if (!st && (st = kb_lexicon_forget(ix->lex, ix->term.data, ix->term.len)))
        return lexicon_fail(ix, st, rel);
    if ((st = kb_db_delete_by_term(ix->db, ix->term.data, ix->term.len)))
        return fail(ix, st, "removing", rel);
    return st;
}

/* Appends prefix + the ASCII-lower-cased value, NUL-terminated, to b. */
static void lower_term(kb_buf *b, const char *prefix, const char *v, size_t n)
{
    kb_buf_puts(b, prefix);
    for (size_t i = 0; i < n; i++) {
        char c = v[i] >= 'A' && v[i] <= 'Z' ? (char)(v[i] - 'A' + 'a') : v[i];
        kb_buf_add(b, &c, 1);
    }
    kb_buf_add(b, "", 1);
}

static int index_file(indexer *ix, const char *rel, const kb_extract *x, const kb_format *fmt,
                      bool known, kb_file_entry *e)
{
    const char *text = kb_extract_text(x);
    size_t len = kb_extract_len(x);
    ix->rel = rel;
    ix->x = x;
    ix->text = text;
    ix->col_at = 0;
    ix->col_then = (kb_column){0, 0, 0};
    ix->passages = 0;
    ix->nfound = 0;
    int rc = kb_segment(x, fmt->guess_headings, collect_passage, ix, &e->title);
    if (!rc && !kb_grow((void **)&ix->chrome, &ix->chrome_cap, ix->nfound, sizeof *ix->chrome))
        rc = KB_ERR_NOMEM;
    if (!rc)
        rc = kb_boilerplate(text, len, e->title, ix->found, ix->nfound, ix->chrome);
    if (rc)
        return fail(ix, KB_ERR_NOMEM, "segmenting", rel);
    kb_buf_reset(&ix->file_terms);
    const char *dot = strrchr(rel, '.'), *slash = strrchr(rel, '/');
    if (dot && dot > (slash ? slash : rel) && dot[1])
        lower_term(&ix->file_terms, KB_EXT_PREFIX, dot + 1, strlen(dot + 1));
    for (size_t i = 0; i < x->tags.len; i += strlen(x->tags.data + i) + 1)
        if (strlen(x->tags.data + i) <= 200) /* Xapian's term limit is 245 bytes */
            lower_term(&ix->file_terms, KB_TAG_PREFIX, x->tags.data + i, strlen(x->tags.data + i));
    kb_status st = field_terms(ix, KB_TITLE_PREFIX, e->title, &ix->file_terms);
    if (!st)
        st = kb_buf_status(&ix->file_terms);
    if (st)
        return fail(ix, st, "indexing", rel);
    for (size_t i = 0; i < ix->nfound && !rc; i++)
        rc = add_passage(ix, &ix->found[i], &ix->chrome[i]);
    if (!rc && (st = kb_lexicon_flush(ix->lex, 1)))
        rc = lexicon_fail(ix, st, rel);
    if (!rc && (st = kb_lexicon_file_acronyms(ix->lex, rel, text, len, known)))
        rc = lexicon_fail(ix, st, rel);
    if (rc)
        return rc;
    e->passages = ix->passages;
    ix->stats->passages += ix->passages;
    return save_entry(ix, rel, e);
}

/* Phase one, for each file of the walk: unchanged by size and time, or
 * to be read in phase two. */
static int scan_file(void *ctx, const char *rel, const struct stat *st)
{
    indexer *ix = ctx;
    if (stopping(ix))
        return KB_ERR_INTERRUPTED;
    size_t most = KB_META_KEY_MAX - strlen(KB_FILE_META_PREFIX); /* its entry's key */
    if (strlen(rel) > most) {
        char detail[128];
        snprintf(detail, sizeof detail, "its path is %zu bytes long, and an index holds paths "
                 "of up to %zu: shorten its name or its folders'", strlen(rel), most);
        event(ix, KB_EV_UNREADABLE, rel, detail);
        return 0;
    }
    known_file *k = find_known(ix, rel);
    if (k) {
        k->seen = true;
        if (k->e.size == (uint64_t)st->st_size && k->e.mtime_ns == mtime_ns(st) &&
            !ix->reindex_all) {
            event(ix, KB_EV_UNCHANGED, rel, NULL);
            return 0;
        }
    }
    if (!kb_grow((void **)&ix->todo, &ix->todo_cap, ix->ntodo + 1, sizeof *ix->todo))
        return fail(ix, KB_ERR_NOMEM, "listing", rel);
    todo_file *t = &ix->todo[ix->ntodo];
    if (!(t->rel = strdup(rel)))
        return fail(ix, KB_ERR_NOMEM, "listing", rel);
    t->size = (uint64_t)st->st_size;
    t->known = k ? (size_t)(k - ix->known) : SIZE_MAX;
    ix->ntodo++;
    ix->progress.files_total++;
    ix->progress.bytes_total += t->size;
    if (ix->ntodo % 256 == 0)
        show_progress(ix, NULL);
    return 0;
}

static void forward_event(void *ctx, kb_file_event ev, const char *rel, const char *detail)
{
    event(ctx, ev, rel, detail);
}

static void lexicon_warning(void *ctx, const char *path, const char *reason)
{
    event(ctx, KB_EV_NOTE, path, reason);
}

static int by_hash(const void *a, const void *b)
{
    uint64_t x = (*(known_file *const *)a)->e.hash, y = (*(known_file *const *)b)->e.hash;
    return x < y ? -1 : x > y;
}

/* The known files that phase one did not meet, sorted by content hash:
 * a new file with one of their hashes is one of them renamed.  A file of
 * another shard may still be there: it is only removed. */
static int list_gone(indexer *ix)
{
    if (!(ix->gone = malloc((ix->nknown ? ix->nknown : 1) * sizeof *ix->gone)))
        return fail(ix, KB_ERR_NOMEM, "listing", NULL);
    for (size_t i = 0; i < ix->nknown; i++)
        if (!ix->known[i].seen && ix->known[i].e.passages &&
            kb_shard_has(ix->shard, ix->known[i].path))
            ix->gone[ix->ngone++] = &ix->known[i];
    qsort(ix->gone, ix->ngone, sizeof *ix->gone, by_hash);
    return 0;
}

static known_file *renamed_from(indexer *ix, uint64_t hash, uint64_t size)
{
    size_t lo = 0, hi = ix->ngone;
    while (lo < hi) { /* the first with hash >= `hash` */
        size_t mid = lo + (hi - lo) / 2;
        if (ix->gone[mid]->e.hash < hash)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < ix->ngone && ix->gone[lo]->e.hash == hash; lo++)
        if (!ix->gone[lo]->seen && ix->gone[lo]->e.size == size)
            return ix->gone[lo];
    return NULL;
}

/* Takes a file that is gone out of the index: passages, acronyms, entry. */
static int forget_file(indexer *ix, known_file *k)
{
    kb_status st = delete_file(ix, k->path);
    if (st)
        return st;
    if ((st = kb_lexicon_file_acronyms(ix->lex, k->path, NULL, 0, true)))
        return lexicon_fail(ix, st, k->path);
    kb_buf_reset(&ix->term);
    kb_buf_printf(&ix->term, KB_FILE_META_PREFIX "%s", k->path);
    st = kb_buf_status(&ix->term);
    if (!st)
        st = kb_db_set_meta(ix->db, ix->term.data, "", 0);
    if (st)
        return fail(ix, st, "removing", k->path);
    k->seen = true; /* done with */
    return 0;
}

/* A file modified within this window of its reading could be modified
 * again within the same timestamp tick: its entry gets no time, so the
 * next run compares its content (git's "racily clean" files). */
#define RACY_NS 2000000000LL

/* The warnings of a file that was indexed. */
static void index_warnings(indexer *ix, const char *rel, const kb_text_file *f,
                           const kb_extract *x, unsigned passages)
{
    char detail[160];
    size_t repaired = f->repaired + x->repaired;
    if (repaired) {
        snprintf(detail, sizeof detail,
                 "not valid UTF-8 from byte %zu: %zu byte%s read as spaces, the rest indexed",
                 f->repaired ? f->first_bad : x->first_bad, repaired, repaired == 1 ? "" : "s");
        event(ix, KB_EV_REPAIRED, rel, detail);
    }
    if (f->truncated) {
        size_t m = ix->max_bytes;
        int unit = m % (1u << 30) == 0 ? 'G' : m % (1u << 20) == 0 ? 'M' : m % 1024 == 0 ? 'K' : 0;
        snprintf(detail, sizeof detail,
                 "larger than --max-size %zu%.1s: its first %zu bytes indexed",
                 m >> (unit == 'G' ? 30 : unit == 'M' ? 20 : unit == 'K' ? 10 : 0),
                 unit ? (char[]){(char)unit, 0} : "", f->len);
        event(ix, KB_EV_TRUNCATED, rel, detail);
    }
    if (!passages)
        event(ix, KB_EV_EMPTY, rel, f->len ? "no words in it: nothing to index" : "empty file");
}

static int index_text(indexer *ix, const char *rel, known_file *k, const kb_text_file *f,
                      const kb_format *fmt)
{
    kb_file_entry e = {(uint64_t)f->st.st_size, mtime_ns(&f->st), f->hash, 0, {"", 0}};
    struct timespec now;
    if (clock_gettime(CLOCK_REALTIME, &now) == 0 &&
        (int64_t)now.tv_sec * 1000000000 + now.tv_nsec - e.mtime_ns < RACY_NS)
        e.mtime_ns = 0;
    if (k && k->e.hash == e.hash && !ix->reindex_all) {
        e.passages = k->e.passages;
        e.title = k->e.title;
        event(ix, KB_EV_UNCHANGED, rel, NULL);
        return ix->opts->check ? 0 : save_entry(ix, rel, &e);
    }
    kb_extract x;
    kb_extract_init(&x, f->text, f->len);
    kb_status st = fmt->read(&x);
    if (st == KB_ERR_FORMAT) {
        event(ix, KB_EV_BROKEN, rel, x.why.data ? x.why.data : "not readable");
        if (k)
            k->seen = false; /* its old passages no longer match the file */
        kb_extract_free(&x);
        return 0;
    }
    if (st) {
        kb_extract_free(&x);
        return fail(ix, st, "reading", rel);
    }
    known_file *old = k ? NULL : renamed_from(ix, e.hash, e.size);
    int rc = 0;
    if (old)
        old->seen = true; /* taken out here, not listed as removed */
    if (!ix->opts->check && !(rc = k ? (int)delete_file(ix, rel) : old ? forget_file(ix, old) : 0))
        rc = index_file(ix, rel, &x, fmt, k != NULL, &e);
    if (!rc) {
        event(ix, old ? KB_EV_RENAMED : KB_EV_INDEXED, rel, old ? old->path : k ? "changed" : "new");
        if (!ix->opts->check)
            index_warnings(ix, rel, f, &x, e.passages);
    }
    kb_extract_free(&x);
    return rc;
}

/* A file with an extension of no format: its first bytes say which
 * reader, if any.  *fmt is NULL for binary content; *f holds the outcome
 * when the file could not be read. */
static kb_status sniff(indexer *ix, kb_text_file *f, const kb_format **fmt)
{
    kb_read_opts ho = {KB_BINARY_SNIFF, ix->opts->follow, true};
    kb_status st = kb_read_text(ix->abs.data, &ho, f);
    *fmt = NULL;
    if (st || f->outcome != KB_READ_TEXT)
        return st;
    const kb_format *found = kb_format_sniff(f->text, f->len);
    size_t repaired, bad;
    if (found->raw || kb_text_repair(f->text, f->len, &repaired, &bad) == KB_READ_TEXT)
        *fmt = found;
    free(f->text);
    f->text = NULL;
    return KB_OK;
}

/* Phase two, for each file to read. */
static int read_and_index(indexer *ix, const todo_file *t)
{
    known_file *k = t->known == SIZE_MAX ? NULL : &ix->known[t->known];
    kb_buf_reset(&ix->abs);
    kb_buf_printf(&ix->abs, "%s/%s", ix->root, t->rel);
    kb_text_file f = {0};
    const kb_format *fmt = kb_format_for_path(t->rel);
    kb_status st = kb_buf_status(&ix->abs);
    if (!st && !fmt)
        st = sniff(ix, &f, &fmt);
    if (!st && fmt) {
        kb_read_opts ro = {ix->max_bytes, ix->opts->follow, fmt->raw};
        st = kb_read_text(ix->abs.data, &ro, &f);
    }
    if (st)
        return fail(ix, st, "reading", t->rel);
    ix->stats->bytes += f.len;
    char detail[160];
    int rc = 0;
    switch (fmt || f.outcome != KB_READ_TEXT ? f.outcome : KB_READ_BINARY) {
    case KB_READ_TEXT:
        rc = index_text(ix, t->rel, k, &f, fmt);
        break;
    case KB_READ_BINARY:
        if (!fmt) {
            event(ix, KB_EV_OTHER_TYPE, t->rel, "binary content of no format kbindex reads");
        } else {
            snprintf(detail, sizeof detail, "binary file (%s at offset %zu)",
                     f.repaired ? "mostly not UTF-8, first bad byte" : "NUL byte", f.first_bad);
            event(ix, KB_EV_BINARY, t->rel, detail);
        }
        if (k)
            k->seen = false; /* its old passages no longer match the file */
        break;
    case KB_READ_CHANGING:
        event(ix, KB_EV_CHANGING, t->rel,
              "kept changing while being read: it will be indexed on the next run");
        break;
    case KB_READ_VANISHED:
        event(ix, KB_EV_VANISHED, t->rel, "vanished before it could be read");
        if (k)
            k->seen = false;
        break;
    case KB_READ_LINK:
        event(ix, KB_EV_SYMLINK, t->rel, "became a symbolic link: not followed (--follow)");
        if (k)
            k->seen = false;
        break;
    case KB_READ_NOT_REGULAR:
        event(ix, KB_EV_SPECIAL, t->rel, "no longer a regular file: not opened");
        if (k)
            k->seen = false;
        break;
    case KB_READ_FAILED:
        event(ix, KB_EV_UNREADABLE, t->rel, strerror(f.err)); /* keeps the old passages */
        break;
    }
    free(f.text);
    if (!rc)
        rc = maybe_commit(ix, f.len);
    return rc;
}

static int remove_gone(indexer *ix)
{
    char detail[48];
    snprintf(detail, sizeof detail, "not in shard %u/%u", ix->shard.index, ix->shard.count);
    for (size_t i = 0; i < ix->nknown; i++) {
        known_file *k = &ix->known[i];
        if (k->seen)
            continue;
        int rc = ix->opts->check ? 0 : forget_file(ix, k);
        if (rc)
            return rc;
        event(ix, KB_EV_REMOVED, k->path, kb_shard_has(ix->shard, k->path) ? NULL : detail);
    }
    return 0;
}

static const char *chrome_setting(const indexer *ix)
{
    return ix->opts->keep_boilerplate ? "keep" : "filter";
}

/* Checks that the index was built the way this run would build it, and
 * settles the language.  With opts.rebuild any index is accepted (it is
 * emptied). */
static int check_meta(indexer *ix, const char **language, char **stored_lang)
{
    char *schema = NULL, *chrome = NULL, *tokenizer = NULL;
    kb_status st = kb_db_get_meta(ix->db, KB_META_SCHEMA, &schema, NULL);
    if (!st)
        st = kb_db_get_meta(ix->db, KB_META_TOKENIZER, &tokenizer, NULL);
    if (!st)
        st = kb_db_get_meta(ix->db, KB_META_LANGUAGE, stored_lang, NULL);
    if (!st)
        st = kb_db_get_meta(ix->db, KB_META_BOILERPLATE, &chrome, NULL);
    if (st) {
        free(schema);
        free(chrome);
        free(tokenizer);
        return fail(ix, st, "reading the index metadata", NULL);
    }
    ix->reindex_all = *chrome && strcmp(chrome, chrome_setting(ix)) != 0;
    free(chrome);
    int rc = 0;
    kb_buf_reset(&ix->error);
    if (ix->opts->rebuild)
        ;
    else if (*schema && atoi(schema) != KB_SCHEMA_VERSION)
        kb_buf_printf(&ix->error, "index %s has schema %s, this kbindex writes schema %d",
                      ix->db_path, schema, KB_SCHEMA_VERSION);
    else if (*schema && strcmp(tokenizer, KB_TOKENIZER_ID) != 0)
        kb_buf_printf(&ix->error,
                      "index %s was tokenized as '%s', this kbindex tokenizes as '%s'",
                      ix->db_path, tokenizer, KB_TOKENIZER_ID);
    else if (**stored_lang && *language && strcmp(*stored_lang, *language) != 0)
        kb_buf_printf(&ix->error, "index %s was built with language '%s', not '%s'",
                      ix->db_path, *stored_lang, *language);
    if (ix->error.len) {
        kb_buf_puts(&ix->error, ": run kbindex --rebuild to index everything again");
        rc = KB_ERR_VERSION;
    } else if (!*language) {
        *language = **stored_lang && !ix->opts->rebuild ? *stored_lang : KB_DEFAULT_LANGUAGE;
    }
    free(schema);
    free(tokenizer);
    return rc;
}

/* The files this run indexes: the shard asked for, else the one the index
 * records (later runs go on with it, as with its language; --rebuild too,
 * so that rebuilding one machine's shard does not index the whole
 * folder), else all of them. */
static int settle_shard(indexer *ix)
{
    char *stored = NULL;
    kb_status st = kb_db_get_meta(ix->db, KB_META_SHARD, &stored, NULL);
    if (st)
        return fail(ix, st, "reading the index metadata", NULL);
    int rc = 0;
    ix->shard = ix->opts->shard.count ? ix->opts->shard : (kb_shard){1, 1};
    if (!ix->opts->shard.count && *stored && kb_shard_parse(stored, &ix->shard) != KB_OK) {
        kb_buf_reset(&ix->error);
        kb_buf_printf(&ix->error, "index %s records shard '%s', not one of the form I/N: "
                      "give --shard I/N (1/1 for the whole folder)", ix->db_path, stored);
        rc = KB_ERR_CORRUPT;
    }
    free(stored);
    ix->stats->shard = ix->shard;
    return rc;
}

/* What the passages about to be written were made with, and of which
 * files; written before the first of them, so that every commit describes
 * its own content. */
static int write_identity(indexer *ix, const char *root, const char *language)
{
    char schema[16], shard[32] = "";
    snprintf(schema, sizeof schema, "%d", KB_SCHEMA_VERSION);
    if (ix->shard.count > 1) /* no key for the whole folder */
        snprintf(shard, sizeof shard, "%u/%u", ix->shard.index, ix->shard.count);
    kb_status st = kb_db_set_meta(ix->db, KB_META_ROOT, root, strlen(root));
    if (!st)
        st = kb_db_set_meta(ix->db, KB_META_LANGUAGE, language, strlen(language));
    if (!st)
        st = kb_db_set_meta(ix->db, KB_META_SCHEMA, schema, strlen(schema));
    if (!st)
        st = kb_db_set_meta(ix->db, KB_META_TOKENIZER, KB_TOKENIZER_ID, strlen(KB_TOKENIZER_ID));
    if (!st)
        st = kb_db_set_meta(ix->db, KB_META_SHARD, shard, strlen(shard));
    return st ? fail(ix, st, "writing the index metadata", NULL) : 0;
}

/* The last steps of a whole run.  The chrome setting is recorded only
 * here: a run stopped half-way through re-indexing for a new setting
 * leaves the old one, so the next run goes on re-indexing. */
static int finish(indexer *ix)
{
    int rc = remove_gone(ix);
    if (!rc) {
        kb_buf user = KB_BUF_INIT;
        kb_buf_printf(&user, "%s/" KB_SYNONYMS_FILE, ix->db_path);
        kb_status st = kb_buf_status(&user);
        if (!st)
            st = kb_lexicon_sync_synonyms(ix->lex, user.data, lexicon_warning, ix);
        if (st)
            rc = lexicon_fail(ix, st, user.data ? user.data : KB_SYNONYMS_FILE);
        kb_buf_free(&user);
    }
    kb_status st = KB_OK;
    if (!rc)
        st = kb_db_set_meta(ix->db, KB_META_BOILERPLATE, chrome_setting(ix),
                            strlen(chrome_setting(ix)));
    return rc ? rc : st ? fail(ix, st, "writing the index metadata", NULL) : 0;
}

/* One writer at a time: without opts.wait a second one stops at once,
 * naming the first. */
static int take_lock(indexer *ix)
{
    long pid = 0;
    kb_status st = kb_lock_take(ix->db_path, false, &ix->lock, &pid);
    /* The holder writes its pid just after locking: give it a moment. */
    for (int i = 0; i < 20 && st == KB_ERR_LOCKED && !pid; i++) {
        nanosleep(&(struct timespec){0, 10000000}, NULL);
        st = kb_lock_take(ix->db_path, false, &ix->lock, &pid);
    }
    if (st == KB_ERR_LOCKED && ix->opts->wait) {
        char detail[96];
        snprintf(detail, sizeof detail, "waiting for kbindex (pid %ld) to finish with it", pid);
        event(ix, KB_EV_NOTE, ix->db_path, detail);
        st = kb_lock_take(ix->db_path, true, &ix->lock, &pid);
    }
    kb_buf_reset(&ix->error);
    if (st == KB_ERR_LOCKED) {
        kb_buf_printf(&ix->error, "index %s is being updated by another kbindex (pid ", ix->db_path);
        if (pid)
            kb_buf_printf(&ix->error, "%ld", pid);
        else
            kb_buf_puts(&ix->error, "unknown");
        kb_buf_puts(&ix->error, "): wait for it to finish, or run kbindex --wait");
    } else if (st) {
        kb_buf_printf(&ix->error, "locking index %s: %s", ix->db_path,
                      st == KB_ERR_NOMEM ? "out of memory" : strerror(errno));
    }
    return st;
}

/* opts.check: each file's passages in the index against its entry, and
 * the whole index against all entries. */
static int check_damage(indexer *ix)
{
    unsigned long long sum = 0;
    unsigned held = 0, total = 0;
    char detail[160];
    for (size_t i = 0; i < ix->nknown; i++) {
        known_file *k = &ix->known[i];
        file_term(&ix->term, k->path);
        kb_status st = kb_buf_status(&ix->term);
        if (!st)
            st = kb_db_term_freq(ix->db, ix->term.data, ix->term.len, &held);
        if (st)
            return fail(ix, st, "checking", k->path);
        sum += held;
        if (held != k->e.passages || (!k->e.size && !k->e.hash)) {
            snprintf(detail, sizeof detail, "the index holds %u passages of it, its entry %s %u",
                     held, k->e.size || k->e.hash ? "says" : "is unreadable, and", k->e.passages);
            event(ix, KB_EV_DAMAGED, k->path, detail);
        }
    }
    kb_status st = kb_db_doc_count(ix->db, &total);
    if (st)
        return fail(ix, st, "checking", NULL);
    if (total != sum) {
        unsigned long long stray = (unsigned long long)total - sum;
        snprintf(detail, sizeof detail, "the index holds %llu passage%s that belong%s to no file",
                 stray, stray == 1 ? "" : "s", stray == 1 ? "s" : "");
        event(ix, KB_EV_DAMAGED, ".", detail);
    }
    return 0;
}

static int run(indexer *ix, const char *root, const char *db_path)
{
    ix->db_path = db_path;
    char *msg = NULL, *stored_lang = NULL;
    bool check = ix->opts->check;
    int rc = check ? 0 : take_lock(ix);
    if (rc)
        return rc;
    kb_ignore_opts io = {!ix->opts->no_gitignore, ix->opts->exclude, ix->opts->nexclude,
                         ix->opts->include, ix->opts->ninclude};
    kb_status st = kb_ignore_new(&io, &ix->ignore, &msg);
    if (st) {
        kb_buf_puts(&ix->error, msg ? msg : kb_status_str(st));
        free(msg);
        return st;
    }
    st = kb_db_open(db_path, check ? KB_DB_READ : KB_DB_WRITE, &ix->db, &msg);
    if (st) {
        kb_buf_puts(&ix->error, msg ? msg : kb_status_str(st));
        free(msg);
        return st;
    }
    if (!check && (st = kb_db_write_behind(ix->db)))
        return fail(ix, st, "starting", NULL);
    const char *language = ix->opts->language;
    if ((st = kb_lexicon_new(ix->db, ix->tk, &ix->lex)))
        return fail(ix, st, "starting", NULL);
    rc = check_meta(ix, &language, &stored_lang);
    if (!rc)
        rc = settle_shard(ix);
    if (!rc && strcmp(language, "none") != 0 &&
        (st = kb_stemmer_new(language, &ix->stemmer, &msg))) {
        kb_buf_puts(&ix->error, msg ? msg : kb_status_str(st));
        free(msg);
        rc = st;
    }
    if (!rc && !check && ix->opts->rebuild && (st = kb_db_clear(ix->db)))
        rc = fail(ix, st, "emptying the index", NULL);
    if (!rc && !check)
        rc = write_identity(ix, root, language);
    if (!rc && (rc = kb_db_each_meta(ix->db, KB_FILE_META_PREFIX, load_known, ix)))
        fail(ix, (kb_status)rc, "reading the list of indexed files", NULL);
    char skip[PATH_MAX];
    if (!rc && !realpath(db_path, skip))
        skip[0] = '\0';
    if (!rc) {
        kb_walk_opts wo = {skip[0] ? skip : NULL, ix->opts->follow, ix->ignore, ix->shard};
        ix->progress.phase = KB_PHASE_SCAN;
        rc = kb_walk(root, &wo, scan_file, forward_event, ix);
        if (rc == KB_ERR_IO || rc == KB_ERR_NOMEM) {
            kb_buf_reset(&ix->error);
            kb_buf_printf(&ix->error, "reading folder %s: %s", root,
                          rc == KB_ERR_IO ? strerror(errno) : "out of memory");
        }
    }
    if (!rc)
        rc = list_gone(ix);
    ix->progress.phase = KB_PHASE_INDEX;
    for (size_t i = 0; i < ix->ntodo && !rc; i++) {
        if (stopping(ix))
            rc = KB_ERR_INTERRUPTED;
        else {
            show_progress(ix, ix->todo[i].rel);
            rc = read_and_index(ix, &ix->todo[i]);
            ix->progress.files_done++;
            ix->progress.bytes_done += ix->todo[i].size;
        }
    }
    if (!rc && stopping(ix))
        rc = KB_ERR_INTERRUPTED;
    if (!rc && check && !(rc = remove_gone(ix)))
        rc = check_damage(ix);
    else if (!rc)
        rc = finish(ix);
    if (!check && (!rc || rc == KB_ERR_INTERRUPTED)) { /* what is complete is kept */
        if ((st = kb_db_commit(ix->db)) || (st = kb_db_sync(ix->db)))
            rc = fail(ix, st, "committing the index", NULL);
    }
    ix->progress.phase = KB_PHASE_DONE;
    show_progress(ix, NULL);
    free(stored_lang);
    return rc;
}

kb_status kb_index_folder(const kb_index_opts *opts, kb_index_stats *stats, char **errmsg)
{
    indexer ix = {0};
    ix.opts = opts;
    ix.stats = stats;
    ix.commit_bytes = opts->commit_bytes ? opts->commit_bytes : KB_COMMIT_BYTES;
    ix.max_bytes = opts->max_bytes ? opts->max_bytes : KB_MAX_FILE_BYTES;
    memset(stats, 0, sizeof *stats);
    if (errmsg)
        *errmsg = NULL;
    char root[PATH_MAX];
    kb_buf db_path = KB_BUF_INIT;
    int rc;
    if (!realpath(opts->folder, root)) {
        kb_buf_printf(&ix.error, "%s: %s", opts->folder, strerror(errno));
        rc = KB_ERR_IO;
    } else if (kb_tokenizer_new(&ix.tk)) {
        rc = KB_ERR_NOMEM;
    } else {
        ix.root = root;
        if (opts->db_path)
            kb_buf_puts(&db_path, opts->db_path);
        else
            kb_buf_printf(&db_path, "%s/" KB_INDEX_DIRNAME, root);
        rc = kb_buf_status(&db_path) ? KB_ERR_NOMEM : run(&ix, root, db_path.data);
    }
    kb_db_close(ix.db); /* the compactor reads the committed index */
    if (!rc && opts->compact && !opts->check) {
        char *m = NULL;
        if ((rc = kb_db_compact(db_path.data, &m)))
            kb_buf_puts(&ix.error, m ? m : "");
        free(m);
    }
    if (rc && rc != KB_ERR_INTERRUPTED && errmsg)
        *errmsg = strdup(ix.error.len ? ix.error.data : kb_status_str((kb_status)rc));
    kb_lexicon_free(ix.lex);
    kb_lock_release(ix.lock); /* after Xapian's own lock is let go */
    kb_ignore_free(ix.ignore);
    kb_stemmer_free(ix.stemmer);
    kb_tokenizer_free(ix.tk);
    for (size_t i = 0; i < ix.nknown; i++) {
        free(ix.known[i].path);
        free(ix.known[i].raw);
    }
    for (size_t i = 0; i < ix.ntodo; i++)
        free(ix.todo[i].rel);
    free(ix.todo);
    free(ix.gone);
    free(ix.known);
    free(ix.found);
    free(ix.chrome);
    free(ix.clip);
    kb_buf_free(&ix.map);
    kb_buf_free(&ix.scratch);
    kb_buf_free(&ix.term);
    kb_buf_free(&ix.file_terms);
    kb_buf_free(&ix.abs);
    kb_buf_free(&ix.error);
    kb_buf_free(&db_path);
    return (kb_status)rc;
}
