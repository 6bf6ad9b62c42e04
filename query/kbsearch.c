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
#include "kbsearch/printer.h"
#include "kbsearch/search.h"

static const char usage[] =
    "Usage: kbsearch [OPTION]... QUERY...\n"
    "       kbsearch [OPTION]... --batch FILE\n"
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
    "                        nearest parent that has one, else $KBSEARCH_DB)\n"
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
    "                        skipped; the index is opened once\n"
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
    "(also when one query of a batch failed).\n";

enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };
enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_VIMGREP, FORMAT_TREC, FORMAT_PATHS };

typedef struct {
    const char *db;
    size_t limit;
    long per_file;   /* -1: the format's default */
    int color;
    int format;
    int null;
    long context;    /* -1: snippets */
    const char *batch;
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

/* --explain-query: the query as read, on stdout; nothing is searched. */
static void describe_query(kb_searcher *s, const options *o, const kb_search_opts *so,
                           const char *qid, const char *text, outcome *res)
{
    kb_buf b = KB_BUF_INIT;
    if (o->batch)
        kb_buf_printf(&b, "query %s: %s\n", qid, text);
    kb_status st = kb_search_describe(s, text, strlen(text), so, &b);
    if (st) {
        kb_cli_diag("kbsearch", o->batch ? qid : "query", "%s", kb_searcher_last_error(s));
        res->failed = 1;
        if (st != KB_ERR_QUERY)
            res->fatal = st;
    } else if (fwrite(b.data, 1, b.len, stdout) != b.len) {
        res->fatal = KB_ERR_IO;
    } else {
        res->matched = 1;
    }
    kb_buf_free(&b);
}

static void run_query(kb_searcher *s, kb_printer *pr, const options *o, const char *qid,
                      const char *text, outcome *res)
{
    double t0 = now_ms();
    kb_hits *hits = NULL;
    /* Only text and JSON show an explanation: the others need not pay for it. */
    int explain = o->explain && (o->format == FORMAT_TEXT || o->format == FORMAT_JSON);
    kb_search_opts so = {o->limit, (size_t)o->per_file, o->all, explain, o->no_correct};
    if (o->explain_query) {
        describe_query(s, o, &so, qid, text, res);
        return;
    }
    kb_status st = kb_search(s, text, strlen(text), &so, &hits);
    kb_print_query pq = {qid, text, hits ? kb_hits_query(hits) : NULL};
    kb_status out = pr->begin(pr, &pq);
    if (st) {
        kb_cli_diag("kbsearch", o->batch ? qid : "query", "%s", kb_searcher_last_error(s));
        if (!out)
            out = pr->error(pr, &pq, kb_searcher_last_error(s));
        res->failed = 1;
        if (st != KB_ERR_QUERY)
            res->fatal = st;
    }
    for (size_t i = 0; pq.parsed && i < pq.parsed->nwarnings; i++)
        kb_cli_diag("kbsearch", o->batch ? qid : "query", "%s", pq.parsed->warnings[i]);
    if (pq.parsed && o->format != FORMAT_JSON) {
        correction_ctx cc = {o->batch ? qid : "query"};
        kb_query_each_leaf(pq.parsed, say_correction, &cc);
    }
    size_t n = kb_hits_count(hits);
    for (size_t i = 0; i < n && !out; i++) {
        const kb_hit *h = kb_hits_get(hits, i);
        res->outdated += h->state == KB_HIT_STALE || h->state == KB_HIT_DELETED;
        out = pr->hit(pr, &pq, h);
    }
    if (!out)
        out = pr->end(pr, &pq, n, now_ms() - t0);
    res->matched |= n > 0;
    if (out)
        res->fatal = out;
    kb_hits_free(hits);
}

/* One query per line: "QID<TAB>QUERY" or "QUERY" (QID = line number). */
static void run_batch(kb_searcher *s, kb_printer *pr, const options *o, outcome *res)
{
    FILE *in = strcmp(o->batch, "-") == 0 ? stdin : fopen(o->batch, "r");
    if (!in) {
        kb_cli_diag("kbsearch", o->batch, "cannot open the batch file: %m");
        res->fatal = KB_ERR_IO;
        return;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long lineno = 0;
    while (!res->fatal && (n = getline(&line, &cap, in)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        char qid[32], *text = line, *tab = strchr(line, '\t');
        snprintf(qid, sizeof qid, "%lu", lineno);
        if (tab) {
            *tab = '\0';
            text = tab + 1;
        }
        run_query(s, pr, o, tab ? line : qid, text, res);
    }
    if (ferror(in)) {
        kb_cli_diag("kbsearch", o->batch, "reading the batch file failed");
        res->fatal = KB_ERR_IO;
    }
    free(line);
    if (in != stdin)
        fclose(in);
}

static int parse_args(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
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
        case 'd': o->db = optarg; break;
        case 'n':
            if (!kb_cli_number("kbsearch", "--limit", optarg, 100000, &v))
                return KB_EXIT_ERROR;
            o->limit = v;
            break;
        case 'p':
            if (!kb_cli_number("kbsearch", "--per-file", optarg, 100000, &v))
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
    if (o->format == FORMAT_PATHS)
        o->per_file = 1;
    else if (o->per_file < 0)
        o->per_file = o->format == FORMAT_TEXT ? 3 : 0;
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

static kb_searcher *open_index(const options *o, const char *cwd)
{
    kb_buf path = KB_BUF_INIT;
    kb_status st = o->db ? (kb_buf_puts(&path, o->db), kb_buf_status(&path))
                         : kb_find_index(cwd, &path);
    kb_searcher *s = NULL;
    if (st == KB_ERR_NOT_FOUND) {
        kb_cli_diag("kbsearch", NULL, "no index found in %s or its parents, and KBSEARCH_DB is "
                    "not set: run 'kbindex DIR' first, or give --db PATH", cwd);
    } else if (st) {
        kb_cli_diag("kbsearch", NULL, "%s", kb_status_str(st));
    } else {
        char *msg = NULL;
        if ((st = kb_searcher_open(path.data, &s, &msg))) {
            if (st == KB_ERR_NOT_FOUND)
                kb_cli_diag("kbsearch", path.data, "no index here: run kbindex to create it");
            else
                kb_cli_diag("kbsearch", NULL, "%s", msg ? msg : kb_status_str(st));
        }
        free(msg);
    }
    kb_buf_free(&path);
    return s;
}

int main(int argc, char **argv)
{
    options o = {NULL, 10, -1, COLOR_AUTO, FORMAT_TEXT, 0, -1, NULL, 0, 0, 0, 0};
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) {
        kb_cli_diag("kbsearch", NULL, "cannot tell the current folder: %m");
        return KB_EXIT_ERROR;
    }
    kb_searcher *s = open_index(&o, cwd);
    if (!s)
        return KB_EXIT_ERROR;
    const char *no_color = getenv("NO_COLOR");
    bool color = o.color == COLOR_ALWAYS ||
                 (o.color == COLOR_AUTO && isatty(STDOUT_FILENO) && !(no_color && *no_color));
    kb_printer_opts po = {stdout, kb_searcher_root(s), cwd, color, o.batch != NULL,
                          o.context, o.null};
    kb_printer *pr = NULL;
    kb_status (*const make[])(const kb_printer_opts *, kb_printer **) = {
        [FORMAT_TEXT] = kb_printer_text_new, [FORMAT_JSON] = kb_printer_json_new,
        [FORMAT_VIMGREP] = kb_printer_vimgrep_new, [FORMAT_TREC] = kb_printer_trec_new,
        [FORMAT_PATHS] = kb_printer_paths_new};
    kb_status st = make[o.format](&po, &pr);
    outcome res = {0, 0, 0, st};
    if (!st && o.batch) {
        run_batch(s, pr, &o, &res);
    } else if (!st) {
        kb_buf q = KB_BUF_INIT;
        for (int i = optind; i < argc; i++) {
            kb_buf_puts(&q, i > optind ? " " : "");
            kb_buf_puts(&q, argv[i]);
        }
        if (kb_buf_status(&q))
            res.fatal = KB_ERR_NOMEM;
        else
            run_query(s, pr, &o, "1", q.data, &res);
        kb_buf_free(&q);
    }
    if (pr && !res.fatal && (st = pr->finish(pr)))
        res.fatal = st;
    /* On stderr whatever the format, so stdout stays parseable. */
    if (res.outdated == 1)
        kb_cli_diag("kbsearch", NULL, "1 result comes from a file changed since it was indexed: "
                    "run kbindex to update the index");
    else if (res.outdated)
        kb_cli_diag("kbsearch", NULL, "%zu results come from files changed since they were "
                    "indexed: run kbindex to update the index", res.outdated);
    if (res.fatal == KB_ERR_IO)
        kb_cli_diag("kbsearch", "output", "write error");
    else if (res.fatal && res.fatal != KB_ERR_QUERY && !res.failed)
        kb_cli_diag("kbsearch", NULL, "%s", kb_status_str(res.fatal));
    if (pr)
        pr->destroy(pr);
    kb_searcher_free(s);
    if (res.fatal || res.failed)
        return KB_EXIT_ERROR;
    return res.matched ? KB_EXIT_MATCH : KB_EXIT_NO_MATCH;
}
