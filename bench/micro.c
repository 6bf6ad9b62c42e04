/* micro.c — times the hot text paths of kbindex and kbsearch on a fixed
 * input, one path at a time (bench/MICRO.md says how to run it and what
 * each row measures).
 *
 * The input is a folder's files in byte order of their paths, each read as
 * kbindex reads it (kb_read_text) and by the reader of its extension,
 * until the next file would pass --max-bytes: the same bytes on every run.
 * Setting up (reading, extracting, segmenting, parsing the query) happens
 * once, outside the timed passes; each pass is its own function, so that
 * `valgrind --tool=callgrind --toggle-collect=pass_<name>` counts its
 * instructions and nothing else.
 *
 * Times are process CPU time, not wall-clock: the machines this runs on
 * are shared, and waiting for a core is not the code's cost.  Each row
 * ends in a hash of what the pass produced (terms, passages, verdicts,
 * snippets), so a faster build can be checked to produce the same.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "kbsearch/boilerplate.h"
#include "kbsearch/buf.h"
#include "kbsearch/format.h"
#include "kbsearch/index.h"
#include "kbsearch/match.h"
#include "kbsearch/query.h"
#include "kbsearch/reader.h"
#include "kbsearch/record.h"
#include "kbsearch/segment.h"
#include "kbsearch/snippet.h"
#include "kbsearch/tokenize.h"

#define DEFAULT_CORPUS "/var/tmp/kbbench/corpus-10"
#define DEFAULT_MAX_BYTES (8u << 20)
#define DEFAULT_REPS 5
/* Words, a phrase and a prefix, all frequent in technical documentation,
 * so that most passages have something to highlight. */
#define DEFAULT_QUERY "configure kernel \"file system\" driver*"

/* One input file: its bytes as read (NUL-terminated, as readers need). */
typedef struct {
    char *rel;              /* path below the folder */
    const kb_format *fmt;
    kb_text_file f;
} source;

/* What setting up made of one file, for the passes after reading. */
typedef struct {
    kb_extract x;
    kb_str title;
    kb_passage *p;
    size_t np, p_cap;
} file_text;

typedef struct {
    source *src;
    file_text *ft;
    size_t n, cap;
    size_t src_bytes;       /* sum of the files' bytes */
    size_t text_bytes;      /* sum of the extracts' text bytes */
    size_t passage_bytes;   /* sum of the passages' bytes */
    size_t npassages;
    kb_tokenizer *tk;
    kb_stemmer *stemmer;
    kb_query *query;
    kb_matcher *matcher;
    /* scratch of the segment and boilerplate passes */
    kb_passage *seg;
    size_t nseg, seg_cap;
    kb_chrome *chrome;
    size_t chrome_cap;
} corpus;

/* What one pass did: units of work and, when asked, a hash of its
 * output (off by default: FNV-1a over every term would cost as much as a
 * good part of tokenizing them). */
typedef struct {
    size_t units;
    bool hashing;
    uint64_t hash;
} tally;

/* ---- setting up ---------------------------------------------------- */

typedef struct {
    char **v;
    size_t n, cap;
} names;

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file below `dir` (symbolic links are not followed, so a
 * loop cannot trap the walk), as paths relative to `root`. */
static kb_status list_files(const char *root, const char *rel, names *out)
{
    kb_buf path = KB_BUF_INIT;
    kb_buf_printf(&path, "%s%s%s", root, *rel ? "/" : "", rel);
    if (kb_buf_status(&path))
        return KB_ERR_NOMEM;
    DIR *d = opendir(path.data);
    kb_buf_free(&path);
    if (!d)
        return KB_ERR_IO;
    kb_status st = KB_OK;
    struct dirent *e;
    while (!st && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        kb_buf child = KB_BUF_INIT, full = KB_BUF_INIT;
        kb_buf_printf(&child, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        kb_buf_printf(&full, "%s/%s", root, child.data ? child.data : "");
        struct stat sb;
        if (kb_buf_status(&child) || kb_buf_status(&full))
            st = KB_ERR_NOMEM;
        else if (lstat(full.data, &sb) != 0)
            ; /* gone since it was listed */
        else if (S_ISDIR(sb.st_mode))
            st = list_files(root, child.data, out);
        else if (S_ISREG(sb.st_mode) && !kb_grow((void **)&out->v, &out->cap, out->n + 1,
                                                 sizeof *out->v))
            st = KB_ERR_NOMEM;
        else if (S_ISREG(sb.st_mode))
            out->v[out->n++] = child.data, child.data = NULL;
        kb_buf_free(&child);
        kb_buf_free(&full);
    }
    closedir(d);
    return st;
}

/* Reads the files of `root` that have a reader, in path order, while
 * they fit in max_bytes. */
static kb_status load(corpus *c, const char *root, size_t max_bytes)
{
    names list = {0};
    kb_status st = list_files(root, "", &list);
    if (!st)
        qsort(list.v, list.n, sizeof *list.v, by_name);
    size_t i = 0;
    for (; i < list.n && !st; i++) {
        const kb_format *fmt = kb_format_for_path(list.v[i]);
        if (!fmt)
            continue;
        kb_buf full = KB_BUF_INIT;
        kb_buf_printf(&full, "%s/%s", root, list.v[i]);
        kb_read_opts ro = {0, false, fmt->raw};
        kb_text_file f = {0};
        if ((st = kb_buf_status(&full)) || (st = kb_read_text(full.data, &ro, &f))) {
            kb_buf_free(&full);
            break;
        }
        kb_buf_free(&full);
        if (f.outcome != KB_READ_TEXT)
            continue;
        if (c->src_bytes + f.len > max_bytes) {
            free(f.text);
            break;
        }
        if (!kb_grow((void **)&c->src, &c->cap, c->n + 1, sizeof *c->src)) {
            free(f.text);
            st = KB_ERR_NOMEM;
            break;
        }
        c->src[c->n++] = (source){list.v[i], fmt, f};
        list.v[i] = NULL;
        c->src_bytes += f.len;
    }
    for (size_t k = 0; k < list.n; k++)
        free(list.v[k]);
    free(list.v);
    return st;
}

static int keep_passage(void *ctx, const kb_passage *p)
{
    file_text *t = ctx;
    if (!kb_grow((void **)&t->p, &t->p_cap, t->np + 1, sizeof *t->p))
        return KB_ERR_NOMEM;
    t->p[t->np++] = *p;
    return 0;
}

/* Extracts and segments every file once, for the passes that start from
 * an extract or from passages.  A file its reader rejects is left out. */
static kb_status prepare(corpus *c)
{
    c->ft = calloc(c->n ? c->n : 1, sizeof *c->ft);
    if (!c->ft)
        return KB_ERR_NOMEM;
    for (size_t i = 0; i < c->n; i++) {
        file_text *t = &c->ft[i];
        kb_extract_init(&t->x, c->src[i].f.text, c->src[i].f.len);
        kb_status st = c->src[i].fmt->read(&t->x);
        if (st == KB_ERR_FORMAT)
            continue;
        if (st || (st = kb_segment(&t->x, c->src[i].fmt->guess_headings, keep_passage, t,
                                   &t->title)))
            return st;
        c->text_bytes += kb_extract_len(&t->x);
        c->npassages += t->np;
        for (size_t k = 0; k < t->np; k++)
            c->passage_bytes += t->p[k].byte_end - t->p[k].byte_start;
    }
    return KB_OK;
}

static void unload(corpus *c)
{
    for (size_t i = 0; i < c->n; i++) {
        if (c->ft) {
            kb_extract_free(&c->ft[i].x);
            free(c->ft[i].p);
        }
        free(c->src[i].rel);
        free(c->src[i].f.text);
    }
    free(c->ft);
    free(c->src);
    free(c->seg);
    free(c->chrome);
    kb_matcher_free(c->matcher);
    kb_query_free(c->query);
    kb_stemmer_free(c->stemmer);
    kb_tokenizer_free(c->tk);
}

/* ---- the passes ---------------------------------------------------- */

static void hash_add(tally *y, const void *p, size_t n)
{
    if (y->hashing)
        y->hash = kb_hash64_add(y->hash, p, n);
}

static void hash_size(tally *y, size_t v)
{
    hash_add(y, &v, sizeof v);
}

static int count_token(void *ctx, const kb_token *t)
{
    tally *y = ctx;
    y->units++;
    if (!y->hashing)
        return 0;
    hash_add(y, t->term, t->term_len + 1);
    if (t->accent)
        hash_add(y, t->accent, t->accent_len);
    hash_size(y, t->start);
    hash_size(y, t->end);
    hash_size(y, t->pos);
    return 0;
}

typedef struct {
    tally *y;
    kb_stemmer *stemmer;
} stem_ctx;

/* What kbindex does per token besides handing it to Xapian: the stem of
 * each word (numbers and CJK have none). */
static int stem_token(void *ctx, const kb_token *t)
{
    stem_ctx *s = ctx;
    count_token(s->y, t);
    if (t->flags & (KB_TOKEN_NUMBER | KB_TOKEN_CJK))
        return 0;
    const char *stem;
    size_t n;
    kb_status st = kb_stem(s->stemmer, t->term, t->term_len, &stem, &n);
    if (!st)
        hash_add(s->y, stem, n + 1);
    return st;
}

/* Calls fn(c, text, len, ctx) for every passage of the corpus, in order,
 * until one fails. */
typedef kb_status (*passage_fn)(corpus *c, const char *text, size_t len, void *ctx);

static kb_status each_passage(corpus *c, passage_fn fn, void *ctx)
{
    kb_status st = KB_OK;
    for (size_t i = 0; i < c->n && !st; i++) {
        const char *text = kb_extract_text(&c->ft[i].x);
        for (size_t k = 0; k < c->ft[i].np && !st; k++) {
            const kb_passage *p = &c->ft[i].p[k];
            st = fn(c, text + p->byte_start, p->byte_end - p->byte_start, ctx);
        }
    }
    return st;
}

static kb_status tokenize_passage(corpus *c, const char *text, size_t len, void *y)
{
    return kb_tokenize(c->tk, text, len, count_token, y);
}

static kb_status stem_passage(corpus *c, const char *text, size_t len, void *s)
{
    return kb_tokenize(c->tk, text, len, stem_token, s);
}

/* The passages' text, as kbindex tokenizes it.  The __attribute__ keeps
 * every pass a function of its own, for callgrind's --toggle-collect. */
__attribute__((noinline)) static kb_status pass_tokenize(corpus *c, tally *y)
{
    return each_passage(c, tokenize_passage, y);
}

__attribute__((noinline)) static kb_status pass_stem(corpus *c, tally *y)
{
    stem_ctx s = {y, c->stemmer};
    return each_passage(c, stem_passage, &s);
}

/* Each file's bytes through the reader of its format. */
__attribute__((noinline)) static kb_status pass_extract(corpus *c, tally *y)
{
    kb_status st = KB_OK;
    for (size_t i = 0; i < c->n && !st; i++) {
        kb_extract x;
        kb_extract_init(&x, c->src[i].f.text, c->src[i].f.len);
        st = c->src[i].fmt->read(&x);
        if (st == KB_ERR_FORMAT)
            st = KB_OK;
        y->units++;
        hash_add(y, kb_extract_text(&x), kb_extract_len(&x));
        hash_size(y, x.nruns);
        hash_size(y, x.nmarks);
        kb_extract_free(&x);
    }
    return st;
}

static int segment_passage(void *ctx, const kb_passage *p)
{
    corpus *c = ctx;
    if (!kb_grow((void **)&c->seg, &c->seg_cap, c->nseg + 1, sizeof *c->seg))
        return KB_ERR_NOMEM;
    c->seg[c->nseg++] = *p;
    return 0;
}

/* Each extract cut into passages, collected as kbindex collects them. */
__attribute__((noinline)) static kb_status pass_segment(corpus *c, tally *y)
{
    kb_status st = KB_OK;
    for (size_t i = 0; i < c->n && !st; i++) {
        kb_str title;
        c->nseg = 0;
        st = kb_segment(&c->ft[i].x, c->src[i].fmt->guess_headings, segment_passage, c, &title);
        y->units += c->nseg;
        for (size_t k = 0; k < c->nseg; k++) {
            const kb_passage *p = &c->seg[k];
            hash_size(y, p->byte_start);
            hash_size(y, p->byte_end);
            hash_size(y, p->body_start);
            hash_size(y, p->flags);
            hash_add(y, p->heading.p, p->heading.n);
        }
        hash_add(y, title.p, title.n);
    }
    return st;
}

/* The chrome verdicts of each file's passages. */
__attribute__((noinline)) static kb_status pass_boilerplate(corpus *c, tally *y)
{
    kb_status st = KB_OK;
    for (size_t i = 0; i < c->n && !st; i++) {
        const file_text *t = &c->ft[i];
        if (!kb_grow((void **)&c->chrome, &c->chrome_cap, t->np ? t->np : 1, sizeof *c->chrome))
            return KB_ERR_NOMEM;
        st = kb_boilerplate(kb_extract_text(&t->x), kb_extract_len(&t->x), t->title, t->p, t->np,
                            c->chrome);
        y->units += t->np;
        for (size_t k = 0; k < t->np && !st; k++) {
            hash_size(y, c->chrome[k].score);
            hash_size(y, c->chrome[k].signals);
        }
    }
    return st;
}

/* What kbsearch does for a hit it shows: match the query against the
 * passage's text, then cut and mark the snippet.  Every passage counts,
 * matched or not: a candidate's matching is paid before ranking says
 * whether it is shown. */
static kb_status snippet_passage(corpus *c, const char *text, size_t len, void *ctx)
{
    tally *y = ctx;
    kb_matches mm;
    kb_snippet snip;
    kb_status st = kb_match(c->matcher, text, len, &mm);
    if (!st)
        st = kb_snippet_make(text, len, &mm, &snip);
    if (st)
        return st;
    y->units++;
    hash_add(y, snip.text, snip.len + 1);
    for (size_t j = 0; j < snip.nspans; j++) {
        hash_size(y, snip.spans[j].snip_start);
        hash_size(y, snip.spans[j].leaf);
    }
    kb_snippet_free(&snip);
    return KB_OK;
}

__attribute__((noinline)) static kb_status pass_snippet(corpus *c, tally *y)
{
    return each_passage(c, snippet_passage, y);
}

typedef struct {
    const char *name;
    kb_status (*run)(corpus *c, tally *y);
    const char *unit;       /* what `units` counts */
    int input;              /* which bytes it walks: see input_bytes() */
} pass;

enum { IN_SOURCE, IN_TEXT, IN_PASSAGES };

static const pass passes[] = {
    {"tokenize", pass_tokenize, "tokens", IN_PASSAGES},
    {"stem", pass_stem, "tokens", IN_PASSAGES},
    {"extract", pass_extract, "files", IN_SOURCE},
    {"segment", pass_segment, "passages", IN_TEXT},
    {"boilerplate", pass_boilerplate, "passages", IN_TEXT},
    {"snippet", pass_snippet, "snippets", IN_PASSAGES},
};

static size_t input_bytes(const corpus *c, int input)
{
    return input == IN_SOURCE ? c->src_bytes : input == IN_TEXT ? c->text_bytes
                                                                : c->passage_bytes;
}

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Runs a pass `reps` times and prints its row: the median time. */
static kb_status measure(corpus *c, const pass *p, unsigned reps, bool hashing)
{
    double t[64];
    tally y = {0};
    for (unsigned r = 0; r < reps; r++) {
        y = (tally){0, hashing, KB_HASH64_INIT};
        double t0 = cpu_seconds();
        kb_status st = p->run(c, &y);
        t[r] = cpu_seconds() - t0;
        if (st)
            return st;
    }
    qsort(t, reps, sizeof *t, by_value);
    double sec = t[reps / 2];
    size_t bytes = input_bytes(c, p->input);
    printf("%-12s %10zu %9zu %-9s %9.2f %8.1f %8.2f", p->name, bytes, y.units, p->unit,
           sec * 1e3, sec > 0 ? (double)bytes / sec / 1e6 : 0.0,
           bytes ? sec * 1e9 / (double)bytes : 0.0);
    if (hashing)
        printf(" %016llx", (unsigned long long)y.hash);
    printf("\n");
    return KB_OK;
}

/* ---- the program --------------------------------------------------- */

static void usage(FILE *to)
{
    fprintf(to,
            "usage: micro [--only NAME] [--reps N] [--max-bytes N] [--query Q] [--hash] [FOLDER]\n"
            "Times the hot text paths on FOLDER's files (default " DEFAULT_CORPUS
            " if present,\nelse the project's examples/kb), read in path order up to "
            "--max-bytes (default %u).\n"
            "NAME: tokenize, stem, extract, segment, boilerplate, snippet.\n"
            "--reps: passes per path, the median is shown (default %d, at most 64).\n"
            "--hash: add a hash of each path's output (slower), to compare two builds.\n",
            DEFAULT_MAX_BYTES, DEFAULT_REPS);
}

static kb_status setup(corpus *c, const char *folder, size_t max_bytes, const char *query)
{
    char *msg = NULL;
    kb_status st = load(c, folder, max_bytes);
    if (st) {
        fprintf(stderr, "micro: %s: %s\n", folder, kb_status_str(st));
        return st;
    }
    if ((st = kb_tokenizer_new(&c->tk)) || (st = prepare(c))) {
        fprintf(stderr, "micro: setting up: %s\n", kb_status_str(st));
        return st;
    }
    if ((st = kb_stemmer_new("english", &c->stemmer, &msg)) ||
        (st = kb_query_parse(query, strlen(query), c->tk, c->stemmer, &c->query, &msg)) ||
        (st = kb_matcher_new(c->query, c->tk, c->stemmer, &c->matcher)))
        fprintf(stderr, "micro: %s\n", msg ? msg : kb_status_str(st));
    free(msg);
    return st;
}

int main(int argc, char **argv)
{
    const char *only = NULL, *query = DEFAULT_QUERY, *folder = NULL;
    size_t max_bytes = DEFAULT_MAX_BYTES;
    unsigned long reps = DEFAULT_REPS;
    bool hashing = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        char *end = NULL;
        if (!strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--hash")) {
            hashing = true;
        } else if (!strcmp(a, "--only") && has_value) {
            only = argv[++i];
        } else if (!strcmp(a, "--query") && has_value) {
            query = argv[++i];
        } else if (!strcmp(a, "--reps") && has_value) {
            reps = strtoul(argv[++i], &end, 10);
            if (*end || reps < 1 || reps > 64)
                reps = 0;
        } else if (!strcmp(a, "--max-bytes") && has_value) {
            max_bytes = strtoul(argv[++i], &end, 10);
            if (*end)
                max_bytes = 0;
        } else if (a[0] != '-' && !folder) {
            folder = a;
        } else {
            usage(stderr);
            return 2;
        }
        if (reps == 0 || max_bytes == 0) {
            fprintf(stderr, "micro: %s wants a number (--reps: 1 to 64)\n", a);
            return 2;
        }
    }
    const pass *chosen = NULL;
    for (size_t i = 0; only && i < sizeof passes / sizeof *passes; i++)
        if (!strcmp(only, passes[i].name))
            chosen = &passes[i];
    if (only && !chosen) {
        fprintf(stderr, "micro: no path named '%s'\n", only);
        usage(stderr);
        return 2;
    }
    struct stat sb;
    if (!folder)
        folder = stat(DEFAULT_CORPUS, &sb) == 0 ? DEFAULT_CORPUS : KB_EXAMPLES;
    corpus c = {0};
    kb_status st = setup(&c, folder, max_bytes, query);
    if (!st) {
        printf("# %zu bytes in %zu files of %s; %zu bytes of text, %zu passages "
               "(%zu bytes); query: %s\n",
               c.src_bytes, c.n, folder, c.text_bytes, c.npassages, c.passage_bytes, query);
        printf("%-12s %10s %9s %-9s %9s %8s %8s%s\n", "# path", "bytes", "units", "unit",
               "cpu_ms", "MB/s", "ns/byte", hashing ? " output_hash" : "");
    }
    for (size_t i = 0; !st && i < sizeof passes / sizeof *passes; i++)
        if (!chosen || chosen == &passes[i])
            if ((st = measure(&c, &passes[i], (unsigned)reps, hashing)))
                fprintf(stderr, "micro: %s: %s\n", passes[i].name, kb_status_str(st));
    unload(&c);
    return st ? 1 : 0;
}
