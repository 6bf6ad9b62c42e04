/* kbindex: the command line over kb_index_folder. */
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../cli/cli.h"
#include "progress.h"
#include "reports.h"
#include "kbsearch/indexer.h"

enum { KB_EXIT_INTERRUPTED = 130 };

static const char usage[] =
    "Usage: kbindex [OPTION]... [DIR]\n"
    "Index the files under DIR (default: the current folder) for kbsearch.\n"
    "The index lives in DIR/" KB_INDEX_DIRNAME "/ unless --db says otherwise; running\n"
    "kbindex again updates it: new, changed and renamed files are indexed, files\n"
    "that disappeared are removed, unchanged files are not read.\n"
    "\n"
    "Formats: text, Markdown (.md .markdown), Org, reStructuredText, HTML (.html\n"
    ".htm .xhtml) and PDF, each by its own reader; other files are read as text\n"
    "when their content is text.  Hidden files and folders are not visited.\n"
    "Bad input is skipped with a warning and the run goes on: binary files,\n"
    "broken or encrypted PDFs, unreadable files and folders, files that vanish\n"
    "or keep changing while read, FIFOs, sockets and devices (never opened),\n"
    "symbolic links (unless --follow).  Invalid UTF-8 bytes are read as spaces\n"
    "and the rest of the file indexed.\n"
    "\n"
    "Options:\n"
    "      --db PATH        the index folder (default: DIR/" KB_INDEX_DIRNAME ")\n"
    "      --language LANG  stemming language (default: the index's, else\n"
    "                       " KB_DEFAULT_LANGUAGE "); 'none' turns stemming off\n"
    "      --rebuild        empty the index and index everything again (needed\n"
    "                       when it was built by another version, tokenizer or\n"
    "                       language)\n"
    "      --follow         follow symbolic links (loops are detected)\n"
    "      --exclude GLOB   leave out files and folders matching GLOB (gitignore\n"
    "                       syntax; overrides .kbignore and .gitignore files in\n"
    "                       the tree, which are read by default); repeatable\n"
    "      --include GLOB   index only files matching one GLOB; repeatable\n"
    "      --shard I/N      index only shard I of N (1 <= I <= N <= 1024), to\n"
    "                       index one folder on N machines; a file's shard\n"
    "                       depends on its path alone.  Other shards' files are\n"
    "                       as if not there: not read, not counted, removed\n"
    "                       from the index.  Recorded: later runs (--rebuild\n"
    "                       too) keep it until given another; 1/1 is the\n"
    "                       whole folder again\n"
    "      --no-gitignore   read .kbignore files only, not .gitignore\n"
    "      --wait           if another kbindex is updating the index, wait for\n"
    "                       it to finish instead of stopping (exit 2)\n"
    "      --max-size SIZE  index at most SIZE of one file (K, M, G suffixes;\n"
    "                       default 64M; 0: no limit); a larger file's first\n"
    "                       part is indexed, with a warning\n"
    "      --commit-mb MB   commit the index every MB megabytes of text read\n"
    "                       (default 8): an interrupted run loses at most that\n"
    "      --compact        after the run, rewrite the index compactly: about\n"
    "                       2/3 of the size, quicker searches; takes about a\n"
    "                       tenth of a full build's time.  Searches go on and\n"
    "                       see the old index until the copy replaces it\n"
    "      --keep-boilerplate  mark no passage as page chrome (menus, footers,\n"
    "                       share bars...): all of them show in results.\n"
    "                       Give it on every run: a run with the other\n"
    "                       setting re-indexes every file\n"
    "      --check          change nothing: list what a run would do ('new:',\n"
    "                       'changed:', 'renamed:', 'deleted:' PATH) and passages\n"
    "                       that do not match their file's record ('damaged:');\n"
    "                       exit 0 in sync, 1 out of date, 2 damaged\n"
    "  -v, --verbose        list every file on stdout with what was done to it\n"
    "  -q, --quiet          no warnings, no progress, no summary (errors only)\n"
    "      --progress       show the progress line even when stderr is not a\n"
    "                       terminal (on a terminal it is shown by default)\n"
    "      --show-boilerplate  list the passages under DIR (a folder or a file)\n"
    "                       that the index holds as chrome, with the evidence;\n"
    "                       indexes nothing\n"
    "      --list-synonyms  list the index's synonyms: acronyms defined in the\n"
    "                       text, as in 'operational control (OPCON)', both\n"
    "                       ways, and the groups of " KB_INDEX_DIRNAME "/synonyms.txt\n"
    "                       (one group per line, forms separated by commas;\n"
    "                       kbindex reads it on each run); indexes nothing\n"
    "  -h, --help           show the help and exit\n"
    "  -V, --version        show the version and exit\n"
    "\n"
    "Output: warnings on stderr ('kbindex: skipping PATH: REASON' for a file\n"
    "left out, 'kbindex: PATH: REASON' for one indexed with a warning), then one\n"
    "summary line on stdout (starting 'kbindex: shard I/N:' for a shard).\n"
    "Ctrl-C (SIGINT) or SIGTERM stops reading, commits the files done and\n"
    "prints the summary.\n"
    "Exit status: 0 when the index was committed (even with warnings), 2 when it\n"
    "could not be, 130 when interrupted (what was done is committed).\n";

/* Set by the signal handler, read by the indexer between files. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

typedef struct {
    bool verbose, quiet, check;
    kb_progress_line *line; /* NULL: no progress shown */
} cli_ctx;

static void on_event(void *ctx, kb_file_event ev, const char *path, const char *detail)
{
    cli_ctx *c = ctx;
    kb_buf esc = KB_BUF_INIT;
    kb_cli_escape(&esc, path);
    const char *p = kb_buf_status(&esc) ? "?" : esc.data;
    if (c->check && (ev == KB_EV_INDEXED || ev == KB_EV_RENAMED || ev == KB_EV_REMOVED ||
                     ev == KB_EV_DAMAGED)) {
        kb_buf old = KB_BUF_INIT;
        if (ev == KB_EV_RENAMED)
            kb_cli_escape(&old, detail);
        if (ev == KB_EV_INDEXED)
            printf("%s: %s\n", detail, p);
        else if (ev == KB_EV_RENAMED)
            printf("renamed: %s (was %s)\n", p, kb_buf_status(&old) ? "?" : old.data);
        else if (ev == KB_EV_REMOVED)
            printf("deleted: %s\n", p);
        else
            printf("damaged: %s: %s\n", p, detail);
        kb_buf_free(&old);
    } else if (c->verbose)
        printf("%s: %s%s%s%s\n", kb_file_event_name(ev), p, detail ? " (" : "",
               detail ? detail : "", detail ? ")" : "");
    if (KB_EV_IS_WARNING(ev) && !c->quiet) {
        kb_progress_line_clear(c->line);
        if (ev >= KB_EV_BINARY && ev != KB_EV_NOTE)
            kb_cli_diag("kbindex", NULL, "skipping %s: %s", p, detail);
        else
            kb_cli_diag("kbindex", NULL, "%s: %s", p, detail);
    }
    kb_buf_free(&esc);
}

static void on_progress(void *ctx, const kb_progress *p)
{
    cli_ctx *c = ctx;
    kb_progress_line_show(c->line, p);
}

/* "kbindex: " and, for a shard, "shard I/N: ": the counts are of its files. */
static void print_lead(const kb_index_stats *s)
{
    fputs("kbindex: ", stdout);
    if (s->shard.count > 1)
        printf("shard %u/%u: ", s->shard.index, s->shard.count);
}

/* --check's last line and exit status: 0 in sync, 1 out of date, 2 damaged. */
static int check_summary(const kb_index_stats *s, bool quiet)
{
    unsigned changed = s->count[KB_EV_INDEXED] + s->count[KB_EV_RENAMED] + s->count[KB_EV_REMOVED];
    if (!quiet) {
        print_lead(s);
        printf("check: %u in sync, %u to index, %u renamed, %u deleted, %u damaged\n",
               s->count[KB_EV_UNCHANGED], s->count[KB_EV_INDEXED], s->count[KB_EV_RENAMED],
               s->count[KB_EV_REMOVED], s->count[KB_EV_DAMAGED]);
    }
    return s->count[KB_EV_DAMAGED] ? KB_EXIT_ERROR : changed ? 1 : 0;
}

/* "SIZE[K|M|G]" in bytes; 0 means no limit. */
static int parse_size(const char *arg, size_t *out)
{
    char *end;
    unsigned long long v = strtoull(arg, &end, 10);
    unsigned shift = 0;
    if (end != arg && *end && !end[1])
        shift = *end == 'K' || *end == 'k' ? 10 : *end == 'M' || *end == 'm' ? 20
              : *end == 'G' || *end == 'g' ? 30 : 99;
    if (end == arg || arg[0] == '-' || shift == 99 || (*end && end[1]) ||
        v > (SIZE_MAX >> shift)) {
        kb_cli_diag("kbindex", "--max-size", "'%s' is not a size such as 500K, 64M or 1G", arg);
        return 0;
    }
    *out = v ? (size_t)v << shift : SIZE_MAX;
    return 1;
}

/* "kbindex: 2 indexed, 4 unchanged, ... ; N passages, X MB read in T s". */
static void print_summary(const kb_index_stats *s, bool stopped, bool compacted, double secs)
{
    unsigned skipped = 0;
    for (int ev = KB_EV_BINARY; ev <= KB_EV_SPECIAL; ev++)
        skipped += s->count[ev];
    print_lead(s);
    printf("%s%u indexed, %u unchanged, %u renamed, %u removed, ",
           stopped ? "interrupted, kept: " : "", s->count[KB_EV_INDEXED],
           s->count[KB_EV_UNCHANGED], s->count[KB_EV_RENAMED], s->count[KB_EV_REMOVED]);
    if (s->count[KB_EV_IGNORED])
        printf("%u ignored, ", s->count[KB_EV_IGNORED]);
    printf("%u skipped", skipped);
    const char *sep = " (";
    for (int ev = KB_EV_BINARY; ev <= KB_EV_SPECIAL; ev++)
        if (s->count[ev]) {
            printf("%s%u %s", sep, s->count[ev], kb_file_event_name(ev));
            sep = ", ";
        }
    printf("%s", skipped ? ")" : "");
    sep = "; warnings: ";
    for (int ev = KB_EV_EMPTY; ev < KB_EV_COUNT; ev++)
        if (s->count[ev] && (ev < KB_EV_BINARY || ev == KB_EV_NOTE)) {
            printf("%s%u %s", sep, s->count[ev], kb_file_event_name(ev));
            sep = ", ";
        }
    printf("; %lu passages, %.1f MB read in %.2f s%s\n", s->passages, (double)s->bytes / 1e6, secs,
           compacted ? "; compacted" : "");
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"language", required_argument, NULL, 'L'},
        {"rebuild", no_argument, NULL, 'R'},
        {"check", no_argument, NULL, 'k'},
        {"follow", no_argument, NULL, 'F'},
        {"exclude", required_argument, NULL, 'x'},
        {"include", required_argument, NULL, 'i'},
        {"shard", required_argument, NULL, 's'},
        {"no-gitignore", no_argument, NULL, 'G'},
        {"wait", no_argument, NULL, 'W'},
        {"max-size", required_argument, NULL, 'M'},
        {"commit-mb", required_argument, NULL, 'C'},
        {"compact", no_argument, NULL, 'c'},
        {"keep-boilerplate", no_argument, NULL, 'K'},
        {"verbose", no_argument, NULL, 'v'},
        {"quiet", no_argument, NULL, 'q'},
        {"progress", no_argument, NULL, 'P'},
        {"show-boilerplate", no_argument, NULL, 'S'},
        {"list-synonyms", no_argument, NULL, 'Y'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    cli_ctx cli = {false, false, false, NULL};
    kb_index_opts opts = {.folder = ".", .stop = &interrupted, .event = on_event, .ctx = &cli};
    /* Globs are options' values: never more of them than arguments. */
    const char *exclude[argc], *include[argc];
    opts.exclude = exclude;
    opts.include = include;
    int c, show = 0;
    bool progress = isatty(STDERR_FILENO);
    unsigned long mb;
    opterr = 0; /* our own messages, in our format */
    while ((c = getopt_long(argc, argv, ":hVvq", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': opts.db_path = optarg; break;
        case 'L': opts.language = optarg; break;
        case 'R': opts.rebuild = true; break;
        case 'k': opts.check = cli.check = true; break;
        case 'F': opts.follow = true; break;
        case 'x': exclude[opts.nexclude++] = optarg; break;
        case 'i': include[opts.ninclude++] = optarg; break;
        case 's':
            if (kb_shard_parse(optarg, &opts.shard) != KB_OK) {
                kb_cli_diag("kbindex", "--shard",
                            "'%s' is not I/N, shard I of N with 1 <= I <= N <= %d", optarg,
                            KB_SHARD_MAX);
                return KB_EXIT_ERROR;
            }
            break;
        case 'G': opts.no_gitignore = true; break;
        case 'W': opts.wait = true; break;
        case 'M':
            if (!parse_size(optarg, &opts.max_bytes))
                return KB_EXIT_ERROR;
            break;
        case 'C':
            if (!kb_cli_number("kbindex", "--commit-mb", optarg, 1ul << 20, &mb))
                return KB_EXIT_ERROR;
            if (mb == 0) {
                kb_cli_diag("kbindex", "--commit-mb", "must be at least 1");
                return KB_EXIT_ERROR;
            }
            opts.commit_bytes = (size_t)mb << 20;
            break;
        case 'K': opts.keep_boilerplate = 1; break;
        case 'c': opts.compact = true; break;
        case 'v': cli.verbose = true; break;
        case 'q': cli.quiet = true; break;
        case 'P': progress = true; break;
        case 'S': show = 1; break;
        case 'Y': show = 2; break;
        case 'h': fputs(usage, stdout); return 0;
        case 'V': puts("kbindex " KB_VERSION); return 0;
        default:
            kb_cli_bad_option("kbindex", c, argv[optind - 1]);
            return KB_EXIT_ERROR;
        }
    }
    if (argc - optind > 1) {
        kb_cli_diag("kbindex", argv[optind + 1], "only one folder can be indexed at a time");
        return KB_EXIT_ERROR;
    }
    if (optind < argc)
        opts.folder = argv[optind];
    if (show)
        return (show == 1 ? kb_chrome_report : kb_synonym_report)(opts.db_path, opts.folder);

    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESETHAND};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL); /* a second Ctrl-C kills: the last commit is safe */
    sigaction(SIGTERM, &sa, NULL);
    if (progress && !cli.quiet && kb_progress_line_new(stderr, &cli.line) == KB_OK)
        opts.progress = on_progress;

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    kb_index_stats stats;
    char *msg = NULL;
    kb_status st = kb_index_folder(&opts, &stats, &msg);
    kb_progress_line_free(cli.line);
    if (st && st != KB_ERR_INTERRUPTED) {
        kb_cli_diag("kbindex", NULL, "%s", msg ? msg : kb_status_str(st));
        free(msg);
        return KB_EXIT_ERROR;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (opts.check && !st)
        return check_summary(&stats, cli.quiet);
    if (!cli.quiet)
        print_summary(&stats, st == KB_ERR_INTERRUPTED, opts.compact && !st, secs);
    return st == KB_ERR_INTERRUPTED ? KB_EXIT_INTERRUPTED : 0;
}
