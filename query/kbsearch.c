/* kbsearch: the command line over kb_search and the printers. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../cli/cli.h"
#include "kbsearch/buf.h"
#include "kbsearch/pool.h"
#include "kbsearch/printer.h"
#include "kbsearch/search.h"
#include "request.h"
#include "serve.h"

static const char usage[] =
    "Usage: kbsearch [OPTION]... QUERY...\n"
    "       kbsearch [OPTION]... --batch FILE\n"
    "       kbsearch [OPTION]... --serve\n"
    "Rank the passages of an index made by kbindex against QUERY (all the\n"
    "words together are one query) and print the best ones.\n"
    "\n"
    "Query: words are ranked (passages with more of them first); \"quoted\n"
    "words\" are a phrase; -word or NOT word leaves out passages with the word;\n"
    "+word requires it; a AND b, a OR b, ( ); a NEAR/5 b (within 5 words, any\n"
    "order), a ADJ/3 b (in order); strat* (prefix); path:DIR/ ext:md title:word\n"
    "heading:word tag:TAG filter.  Operators in capitals only.  Words also match\n"
    "their stems, British/American spellings and the index's synonyms\n"
    "(acronyms); a word the index does not hold is corrected when a close one\n"
    "is there.\n"
    "Options go before the query; put -- before a query that starts with '-'.\n"
    "\n"
    "Options:\n"
    "      --db PATH         the index (default: .kbsearch/ in this folder or the\n"
    "                        nearest parent that has one, else $KBSEARCH_DB);\n"
    "                        given again, the indexes are searched as one; PATH\n"
    "                        may be tcp://HOST:PORT (an index served by\n"
    "                        xapian-tcpsrv) or a shards file listing indexes (a\n"
    "                        folder holding a file named 'shards' counts too:\n"
    "                        see docs/scaling.md)\n"
    "      --partial         search the indexes that answer when some cannot be\n"
    "                        opened or stop answering, with a warning naming\n"
    "                        the others (default: that is an error)\n"
    "      --timeout MS      wait at most MS milliseconds for each answer of a\n"
    "                        remote index (default 10000; 0: no limit)\n"
    "      --connect-timeout MS\n"
    "                        wait at most MS milliseconds to connect to a remote\n"
    "                        index (default 10000; 0: no limit)\n"
    "  -n, --limit N         print at most N passages per query (default 10)\n"
    "      --per-file K      at most K passages from one file (0: no limit);\n"
    "                        text output says how many more there are; default\n"
    "                        3 for text, 0 for json, vimgrep and trec, whose\n"
    "                        programs want the ranking as it is\n"
    "  -l, --files-with-matches\n"
    "                        print only the paths of matching files, best first\n"
    "      --null            end each path of -l with NUL instead of a newline\n"
    "  -C, --context N       text output: show the passage's lines from the file\n"
    "                        with N lines before and after (instead of a snippet)\n"
    "      --color WHEN      auto (default: on a terminal, unless NO_COLOR is\n"
    "                        set), always or never\n"
    "      --format FORMAT   text (default), json, vimgrep or trec\n"
    "      --json            the same as --format=json: JSON Lines, with exact\n"
    "                        offsets and columns (see docs/output.md)\n"
    "      --vimgrep         the same as --format=vimgrep: PATH:LINE:COL:LINE-TEXT\n"
    "                        per match, COL in bytes (Vim's 'errorformat'); a line\n"
    "                        with several matches is printed once per match, so\n"
    "                        editors should prefer --json\n"
    "      --batch FILE      run one query per line of FILE ('-': stdin), as\n"
    "                        QID<TAB>QUERY or a bare QUERY (its QID is the line\n"
    "                        number); blank lines and lines starting with # are\n"
    "                        skipped; queries run on up to 8 CPUs at once (the\n"
    "                        index opened once per CPU) and print in input order\n"
    "      --serve           for editors: keep the index open and answer each\n"
    "                        JSON request read from stdin, {\"id\":1,\"query\":\"..\"}\n"
    "                        per line, with JSON Lines as --json writes them (an\n"
    "                        index that kbindex changed is reread; a request a\n"
    "                        newer one waits behind is cancelled); -n, --per-file,\n"
    "                        --all, --no-correct and --explain set the defaults\n"
    "      --all             include passages kbindex judged page chrome (menus,\n"
    "                        footers, share bars: see kbindex --show-boilerplate),\n"
    "                        ranked after all the others\n"
    "      --explain         text and json: show how each passage's score was\n"
    "                        made (BM25 per query word, each bonus, chrome\n"
    "                        score, copies collapsed into it)\n"
    "      --explain-query   print how the query was read (the tree, each word\n"
    "                        normalized, its stem, variants, synonyms and\n"
    "                        corrections, with how many passages hold each)\n"
    "                        instead of searching\n"
    "      --no-correct      search misspelt-looking words as typed\n"
    "  -h, --help            show this help and exit\n"
    "  -V, --version         show the version and exit\n"
    "\n"
    "Output: per passage, PATH:FIRST-LAST (lines; PATH relative to the current\n"
    "folder when possible) and a snippet with the matched words highlighted\n"
    "when coloured; '[stale]' after it when the file changed and no longer\n"
    "holds the passage, '[deleted]' when the file is gone (the indexed text is\n"
    "shown; a passage that only moved shows its new lines).  trec:\n"
    "'QID Q0 PATH:FIRST-LAST RANK SCORE kbsearch' per passage, for trec_eval.\n"
    "Diagnostics go to stderr as 'kbsearch: CONTEXT: MESSAGE', among them\n"
    "query repairs and corrections ('showing results for ...'; JSON has them\n"
    "in its objects instead) and, last, how many results come from files\n"
    "changed since they were indexed.\n"
    "Exit status: 0 when something matched, 1 when nothing did, 2 on error\n"
    "(also when one query of a batch failed); --serve: 0 at the end of its\n"
    "input, 2 when reading or writing failed.\n";

enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };
enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_VIMGREP, FORMAT_TREC, FORMAT_PATHS };

/* --db given more than this many times is refused. */
#define MAX_DBS 64

typedef struct {
    const char *dbs[MAX_DBS];
    size_t ndbs;
    kb_searcher_opts open;
    size_t limit;
    long per_file;   /* -1: the format's default */
    int color;
    int format;
    int null;
    long context;    /* -1: snippets */
    const char *batch;
    int serve;
    int all;
    int explain;
    int explain_query;
    int no_correct;
} options;

/* What running the queries came to. */
typedef struct {
    int matched;
    int failed;
    size_t outdated; /* hits whose file changed or went since indexing */
    kb_status fatal; /* an output or index error that ends the run */
    bool told;       /* fatal's message is printed already (the batch file's) */
} outcome;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

typedef struct {
    const char *context;
} correction_ctx;

static void say_correction(void *ctx, const kb_qnode *leaf)
{
    const correction_ctx *c = ctx;
    if (leaf->corrected_from)
        kb_cli_diag("kbsearch", c->context,
                    "showing results for \"%s\" instead of \"%s\" (--no-correct searches "
                    "as typed)", leaf->terms[0].term, leaf->corrected_from);
}

/* One query and what searching it gave. */
typedef struct {
    char *line;        /* owned: the batch line or the command line's words */
    const char *qid;   /* points into line or number */
    const char *text;  /* points into line */
    char number[24];   /* the QID when the line has none */
    kb_status st;
    kb_hits *hits;     /* what kb_search found */
    kb_buf described;  /* --explain-query: the query in words */
    kb_buf error;      /* the searcher's message when st is not KB_OK */
    double ms;         /* time spent searching */
} query_job;

static void free_job(query_job *q)
{
    free(q->line);
    kb_hits_free(q->hits);
    kb_buf_free(&q->described);
    kb_buf_free(&q->error);
    free(q);
}

/* Searches q's query, or describes it (--explain-query): the part of a
 * query that needs a searcher, done on a worker thread in a batch. */
static void search_job(kb_searcher *s, const options *o, query_job *q)
{
    double t0 = now_ms();
    /* Only text and JSON show an explanation: the others need not pay for it. */
    int explain = o->explain && (o->format == FORMAT_TEXT || o->format == FORMAT_JSON);
    kb_search_opts so = {o->limit, (size_t)o->per_file, o->all, explain, o->no_correct};
    size_t len = strlen(q->text);
    if (o->explain_query) {
        if (o->batch)
            kb_buf_printf(&q->described, "query %s: %s\n", q->qid, q->text);
        q->st = kb_search_describe(s, q->text, len, &so, &q->described);
    } else {
        q->st = kb_search(s, q->text, len, &so, &q->hits);
    }
    if (q->st)
        kb_buf_puts(&q->error, kb_searcher_last_error(s));
    q->ms = now_ms() - t0;
}

/* --explain-query: the query as read, on stdout; nothing is searched. */
static void show_description(const options *o, const query_job *q, outcome *res)
{
    if (q->st) {
        kb_cli_diag("kbsearch", o->batch ? q->qid : "query", "%s",
                    q->error.data ? q->error.data : "");
        res->failed = 1;
        if (q->st != KB_ERR_QUERY)
            res->fatal = q->st;
    } else if (fwrite(q->described.data, 1, q->described.len, stdout) != q->described.len) {
        res->fatal = KB_ERR_IO;
    } else {
        res->matched = 1;
    }
}

/* Prints what came of q's query and counts it in *res; in query order. */
static void show_job(kb_printer *pr, const options *o, const query_job *q, outcome *res)
{
    if (o->explain_query) {
        show_description(o, q, res);
        return;
    }
    double t0 = now_ms();
    const char *context = o->batch ? q->qid : "query";
    const char *error = q->error.data ? q->error.data : "";
    kb_print_query pq = {.qid = q->qid, .text = q->text,
                         .parsed = q->hits ? kb_hits_query(q->hits) : NULL};
    kb_status out = pr->begin(pr, &pq);
    if (q->st) {
        kb_cli_diag("kbsearch", context, "%s", error);
        if (!out)
            out = pr->error(pr, &pq, error);
        res->failed = 1;
        if (q->st != KB_ERR_QUERY)
            res->fatal = q->st;
    }
    for (size_t i = 0; pq.parsed && i < pq.parsed->nwarnings; i++)
        kb_cli_diag("kbsearch", context, "%s", pq.parsed->warnings[i]);
    if (pq.parsed && o->format != FORMAT_JSON) {
        correction_ctx cc = {context};
        kb_query_each_leaf(pq.parsed, say_correction, &cc);
    }
    size_t n = kb_hits_count(q->hits);
    for (size_t i = 0; i < n && !out; i++) {
        const kb_hit *h = kb_hits_get(q->hits, i);
        res->outdated += h->state == KB_HIT_STALE || h->state == KB_HIT_DELETED;
        out = pr->hit(pr, &pq, h);
    }
    if (!out)
        out = pr->end(pr, &pq, n, q->ms + now_ms() - t0);
    res->matched |= n > 0;
    if (out)
        res->fatal = out;
}

/* The indexes to search, as kb_searcher_open takes them. */
typedef struct {
    kb_buf buf;         /* the names, each NUL-terminated */
    const char **list;  /* into buf */
    size_t n;
    bool *warned;       /* per index: its absence was reported */
} index_names;

static void free_names(index_names *x)
{
    kb_buf_free(&x->buf);
    free(x->list);
    free(x->warned);
}

/* The names behind --db (each possibly a shards file), or the index found
 * from cwd; false, with a message, when there is none. */
static bool find_names(const options *o, const char *cwd, index_names *x)
{
    kb_buf found = KB_BUF_INIT;
    kb_status st = KB_OK;
    const char *db = NULL;
    if (!o->ndbs && (st = kb_find_index(cwd, &found)) == KB_ERR_NOT_FOUND)
        kb_cli_diag("kbsearch", NULL, "no index found in %s or its parents, and KBSEARCH_DB is "
                    "not set: run 'kbindex DIR' first, or give --db PATH", cwd);
    else if (!o->ndbs && !st)
        st = kb_index_names(db = found.data, &x->buf, &x->n);
    for (size_t i = 0; i < o->ndbs && !st; i++)
        st = kb_index_names(db = o->dbs[i], &x->buf, &x->n);
    if (st == KB_ERR_IO)
        kb_cli_diag("kbsearch", db, "cannot read the shards file: %m");
    else if (st == KB_ERR_NOT_FOUND && db)
        kb_cli_diag("kbsearch", db, "the shards file lists no index");
    else if (st && db)
        kb_cli_diag("kbsearch", NULL, "%s", kb_status_str(st));
    kb_buf_free(&found);
    x->list = st ? NULL : calloc(x->n, sizeof *x->list);
    x->warned = x->list ? calloc(x->n, sizeof *x->warned) : NULL;
    if (!st && !x->warned) {
        kb_cli_diag("kbsearch", NULL, "%s", kb_status_str(KB_ERR_NOMEM));
        return false;
    }
    const char *name = x->buf.data;
    for (size_t i = 0; !st && i < x->n; i++, name += strlen(name) + 1)
        x->list[i] = name;
    return !st;
}

/* --partial: says once which indexes are not searched, and why. */
static void warn_missing(const kb_searcher *s, index_names *x)
{
    for (size_t i = 0; i < x->n; i++) {
        const char *why = kb_searcher_missing(s, i);
        if (why && !x->warned[i]) {
            kb_cli_diag("kbsearch", NULL, "not searched (--partial): %s", why);
            x->warned[i] = true;
        }
    }
}

/* Searchers for the workers of a batch: at most this many. */
#define MAX_WORKERS 8

/* A batch being run: the file, and the searchers of the workers. */
typedef struct {
    FILE *in;
    char *line;
    size_t cap;
    unsigned long lineno;
    bool nomem;
    kb_searcher *searchers[MAX_WORKERS];
    kb_printer *pr;
    const options *o;
    outcome *res;
} batch;

/* The next query of the batch: "QID<TAB>QUERY" or "QUERY" (QID = line
 * number); blank lines and comments skipped.  NULL at the end. */
static void *next_job(void *ctx)
{
    batch *b = ctx;
    ssize_t n;
    while ((n = getline(&b->line, &b->cap, b->in)) >= 0) {
        b->lineno++;
        while (n > 0 && (b->line[n - 1] == '\n' || b->line[n - 1] == '\r'))
            b->line[--n] = '\0';
        if (strspn(b->line, " \t") == (size_t)n || b->line[0] == '#')
            continue;
        query_job *q = calloc(1, sizeof *q);
        char *line = q ? strdup(b->line) : NULL;
        if (!line) {
            free(q);
            b->nomem = true;
            return NULL;
        }
        q->line = line;
        snprintf(q->number, sizeof q->number, "%lu", b->lineno);
        char *tab = strchr(line, '\t');
        if (tab)
            *tab = '\0';
        q->qid = tab ? line : q->number;
        q->text = tab ? tab + 1 : line;
        return q;
    }
    return NULL;
}

static void work_job(void *ctx, size_t w, void *job)
{
    batch *b = ctx;
    search_job(b->searchers[w], b->o, job);
}

static bool done_job(void *ctx, void *job)
{
    batch *b = ctx;
    show_job(b->pr, b->o, job, b->res);
    free_job(job);
    return !b->res->fatal;
}

static void drop_job(void *ctx, void *job)
{
    (void)ctx;
    free_job(job);
}

/* One query per line, searched by a worker per CPU (each with its own
 * searcher on the indexes named; s is the first), shown in order. */
static void run_batch(kb_searcher *s, index_names *names, kb_printer *pr, const options *o,
                      outcome *res)
{
    batch b = {.in = strcmp(o->batch, "-") == 0 ? stdin : fopen(o->batch, "r"),
               .searchers = {s}, .pr = pr, .o = o, .res = res};
    if (!b.in) {
        kb_cli_diag("kbsearch", o->batch, "cannot open the batch file: %m");
        res->fatal = KB_ERR_IO;
        res->told = true;
        return;
    }
    size_t nworkers = kb_pool_cpus();
    if (nworkers > MAX_WORKERS)
        nworkers = MAX_WORKERS;
    /* Someone typing queries wants each answer before typing the next:
     * workers would read ahead, waiting for lines not yet typed. */
    if (isatty(fileno(b.in)))
        nworkers = 1;
    /* A worker whose searcher cannot be opened is simply not started. */
    for (size_t w = 1; w < nworkers; w++)
        if (kb_searcher_open(names->list, names->n, &o->open, &b.searchers[w], NULL) != KB_OK)
            nworkers = w;
    kb_pool_fns fns = {&b, next_job, work_job, done_job, drop_job};
    kb_pool_run(&fns, nworkers, 4 * nworkers);
    for (size_t w = 1; w < nworkers; w++) {
        warn_missing(b.searchers[w], names);
        kb_searcher_free(b.searchers[w]);
    }
    if (b.nomem && !res->fatal)
        res->fatal = KB_ERR_NOMEM;
    if (ferror(b.in)) {
        kb_cli_diag("kbsearch", o->batch, "reading the batch file failed: %m");
        res->fatal = KB_ERR_IO;
        res->told = true;
    }
    free(b.line);
    if (b.in != stdin)
        fclose(b.in);
}

static int parse_args(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"partial", no_argument, NULL, 'P'},
        {"timeout", required_argument, NULL, 'T'},
        {"connect-timeout", required_argument, NULL, 'W'},
        {"limit", required_argument, NULL, 'n'},
        {"per-file", required_argument, NULL, 'p'},
        {"files-with-matches", no_argument, NULL, 'l'},
        {"null", no_argument, NULL, '0'},
        {"context", required_argument, NULL, 'C'},
        {"color", required_argument, NULL, 'c'},
        {"colour", required_argument, NULL, 'c'},
        {"format", required_argument, NULL, 'f'},
        {"json", no_argument, NULL, 'j'},
        {"vimgrep", no_argument, NULL, 'v'},
        {"batch", required_argument, NULL, 'b'},
        {"serve", no_argument, NULL, 'S'},
        {"all", no_argument, NULL, 'a'},
        {"explain", no_argument, NULL, 'e'},
        {"explain-query", no_argument, NULL, 'Q'},
        {"no-correct", no_argument, NULL, 'N'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    static const kb_cli_choice colors[] = {
        {"always", COLOR_ALWAYS}, {"auto", COLOR_AUTO}, {"never", COLOR_NEVER}};
    static const kb_cli_choice formats[] = {
        {"json", FORMAT_JSON}, {"text", FORMAT_TEXT}, {"trec", FORMAT_TREC},
        {"vimgrep", FORMAT_VIMGREP}};
    unsigned long v;
    int c;
    opterr = 0; /* our own messages, in our format */
    while ((c = getopt_long(argc, argv, "+:n:lC:hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            if (o->ndbs == MAX_DBS) {
                kb_cli_diag("kbsearch", "--db", "at most %d indexes (list more in a shards "
                            "file: see docs/scaling.md)", MAX_DBS);
                return KB_EXIT_ERROR;
            }
            o->dbs[o->ndbs++] = optarg;
            break;
        case 'P': o->open.partial = 1; break;
        case 'T':
            if (!kb_cli_number("kbsearch", "--timeout", optarg, 3600000, &v))
                return KB_EXIT_ERROR;
            o->open.remote.timeout_ms = (unsigned)v;
            break;
        case 'W':
            if (!kb_cli_number("kbsearch", "--connect-timeout", optarg, 3600000, &v))
                return KB_EXIT_ERROR;
            o->open.remote.connect_ms = (unsigned)v;
            break;
        case 'n':
            if (!kb_cli_number("kbsearch", "--limit", optarg, KB_REQUEST_COUNT_MAX, &v))
                return KB_EXIT_ERROR;
            o->limit = v;
            break;
        case 'p':
            if (!kb_cli_number("kbsearch", "--per-file", optarg, KB_REQUEST_COUNT_MAX, &v))
                return KB_EXIT_ERROR;
            o->per_file = (long)v;
            break;
        case 'C':
            if (!kb_cli_number("kbsearch", "--context", optarg, 10000, &v))
                return KB_EXIT_ERROR;
            o->context = (long)v;
            break;
        case 'l': o->format = FORMAT_PATHS; break;
        case '0': o->null = 1; break;
        case 'f':
            if (!kb_cli_decode("kbsearch", "--format", optarg, formats, 4, &o->format))
                return KB_EXIT_ERROR;
            break;
        case 'v': o->format = FORMAT_VIMGREP; break;
        case 'c':
            if (!kb_cli_decode("kbsearch", "--color", optarg, colors, 3, &o->color))
                return KB_EXIT_ERROR;
            break;
        case 'j': o->format = FORMAT_JSON; break;
        case 'b': o->batch = optarg; break;
        case 'S': o->serve = 1; break;
        case 'a': o->all = 1; break;
        case 'e': o->explain = 1; break;
        case 'Q': o->explain_query = 1; break;
        case 'N': o->no_correct = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        case 'V': puts("kbsearch " KB_VERSION); return 0;
        default:
            kb_cli_bad_option("kbsearch", c, argv[optind - 1]);
            return KB_EXIT_ERROR;
        }
    }
    if (o->serve && (optind < argc || o->batch || o->explain_query || o->context >= 0 ||
                     (o->format != FORMAT_TEXT && o->format != FORMAT_JSON))) {
        kb_cli_diag("kbsearch", "--serve", "queries come from stdin and answers are JSON: no "
                    "query, --batch, --explain-query, -C, -l or other --format with it");
        return KB_EXIT_ERROR;
    }
    if (o->serve)
        o->format = FORMAT_JSON;
    if (o->format == FORMAT_PATHS)
        o->per_file = 1;
    else if (o->per_file < 0)
        o->per_file = o->format == FORMAT_TEXT ? 3 : 0;
    if (o->serve)
        return -1;
    if (!o->batch && optind == argc) {
        kb_cli_diag("kbsearch", NULL, "no query given (try 'kbsearch --help')");
        return KB_EXIT_ERROR;
    }
    if (o->batch && optind < argc) {
        kb_cli_diag("kbsearch", argv[optind], "a query cannot be given with --batch");
        return KB_EXIT_ERROR;
    }
    return -1;
}

/* Opens the indexes of find_names; NULL, with a message, on failure. */
static kb_searcher *open_index(const options *o, index_names *x)
{
    kb_searcher *s = NULL;
    char *msg = NULL;
    kb_status st = kb_searcher_open(x->list, x->n, &o->open, &s, &msg);
    if (st == KB_ERR_NOT_FOUND && x->n == 1)
        kb_cli_diag("kbsearch", x->list[0], "no index here: run kbindex to create it");
    else if (st)
        kb_cli_diag("kbsearch", NULL, "%s", msg ? msg : kb_status_str(st));
    else
        warn_missing(s, x);
    free(msg);
    return s;
}

int main(int argc, char **argv)
{
    options o = {.open = {{KB_REMOTE_WAIT_MS, KB_REMOTE_WAIT_MS}, 0}, .limit = 10,
                 .per_file = -1, .color = COLOR_AUTO, .format = FORMAT_TEXT, .context = -1};
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) {
        kb_cli_diag("kbsearch", NULL, "cannot tell the current folder: %m");
        return KB_EXIT_ERROR;
    }
    index_names names = {KB_BUF_INIT, NULL, 0, NULL};
    kb_searcher *s = find_names(&o, cwd, &names) ? open_index(&o, &names) : NULL;
    if (!s) {
        free_names(&names);
        return KB_EXIT_ERROR;
    }
    if (o.serve) {
        kb_search_opts so = {o.limit, (size_t)o.per_file, o.all, o.explain, o.no_correct};
        kb_status st = kb_serve(s, STDIN_FILENO, stdout, &so);
        warn_missing(s, &names);
        kb_searcher_free(s);
        free_names(&names);
        return st ? KB_EXIT_ERROR : KB_EXIT_MATCH;
    }
    const char *no_color = getenv("NO_COLOR");
    bool color = o.color == COLOR_ALWAYS ||
                 (o.color == COLOR_AUTO && isatty(STDOUT_FILENO) && !(no_color && *no_color));
    kb_printer_opts po = {stdout, cwd, color, o.batch != NULL,
                          o.context, o.null};
    kb_printer *pr = NULL;
    kb_status (*const make[])(const kb_printer_opts *, kb_printer **) = {
        [FORMAT_TEXT] = kb_printer_text_new, [FORMAT_JSON] = kb_printer_json_new,
        [FORMAT_VIMGREP] = kb_printer_vimgrep_new, [FORMAT_TREC] = kb_printer_trec_new,
        [FORMAT_PATHS] = kb_printer_paths_new};
    kb_status st = make[o.format](&po, &pr);
    outcome res = {0, 0, 0, st, false};
    if (!st && o.batch) {
        run_batch(s, &names, pr, &o, &res);
    } else if (!st) {
        kb_buf q = KB_BUF_INIT;
        for (int i = optind; i < argc; i++) {
            kb_buf_puts(&q, i > optind ? " " : "");
            kb_buf_puts(&q, argv[i]);
        }
        query_job *job = kb_buf_status(&q) ? NULL : calloc(1, sizeof *job);
        if (job) {
            *job = (query_job){.line = q.data, .qid = "1", .text = q.data};
            search_job(s, &o, job);
            show_job(pr, &o, job, &res);
            free_job(job);
        } else {
            res.fatal = KB_ERR_NOMEM;
            kb_buf_free(&q);
        }
    }
    warn_missing(s, &names);
    if (pr && !res.fatal && (st = pr->finish(pr)))
        res.fatal = st;
    /* On stderr whatever the format, so stdout stays parseable. */
    if (res.outdated == 1)
        kb_cli_diag("kbsearch", NULL, "1 result comes from a file changed since it was indexed: "
                    "run kbindex to update the index");
    else if (res.outdated)
        kb_cli_diag("kbsearch", NULL, "%zu results come from files changed since they were "
                    "indexed: run kbindex to update the index", res.outdated);
    if (res.fatal == KB_ERR_IO && !res.told)
        kb_cli_diag("kbsearch", "output", "write error");
    else if (res.fatal && res.fatal != KB_ERR_QUERY && !res.failed && !res.told)
        kb_cli_diag("kbsearch", NULL, "%s", kb_status_str(res.fatal));
    if (pr)
        pr->destroy(pr);
    kb_searcher_free(s);
    free_names(&names);
    if (res.fatal || res.failed)
        return KB_EXIT_ERROR;
    return res.matched ? KB_EXIT_MATCH : KB_EXIT_NO_MATCH;
}
