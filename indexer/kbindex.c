/* kbindex: the command line over kb_index_folder. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../cli/cli.h"
#include "reports.h"
#include "kbsearch/indexer.h"

static const char usage[] =
    "Usage: kbindex [OPTION]... [DIR]\n"
    "Index the text files under DIR (default: the current folder) for kbsearch.\n"
    "The index lives in DIR/" KB_INDEX_DIRNAME "/ unless --db says otherwise; running\n"
    "kbindex again updates it: new and changed files are indexed, files that\n"
    "disappeared are removed, unchanged files are skipped.\n"
    "\n"
    "Files: .txt .md .markdown .rst .org and files without an extension; hidden\n"
    "files and folders and symbolic links are not visited.  A file with NUL bytes\n"
    "or invalid UTF-8 is skipped with a warning and the run goes on.\n"
    "\n"
    "Options:\n"
    "      --db PATH        the index folder (default: DIR/" KB_INDEX_DIRNAME ")\n"
    "      --language LANG  stemming language (default: the index's, else\n"
    "                       " KB_DEFAULT_LANGUAGE "); 'none' turns stemming off\n"
    "      --commit-mb MB   commit the index every MB megabytes of text read\n"
    "                       (default 32): an interrupted run loses at most that\n"
    "      --keep-boilerplate  mark no passage as page chrome (menus, footers,\n"
    "                       share bars...): all of them show in results.\n"
    "                       Give it on every run: a run with the other\n"
    "                       setting re-indexes every file\n"
    "      --show-boilerplate  list the passages under DIR (a folder or a file)\n"
    "                       that the index holds as chrome, with the evidence;\n"
    "                       indexes nothing\n"
    "      --list-synonyms  list the index's synonyms: acronyms defined in the\n"
    "                       text, as in 'operational control (OPCON)', both\n"
    "                       ways, and the groups of " KB_INDEX_DIRNAME "/synonyms.txt\n"
    "                       (one group per line, forms separated by commas;\n"
    "                       kbindex reads it on each run); indexes nothing\n"
    "  -h, --help           show this help and exit\n"
    "  -V, --version        show the version and exit\n"
    "\n"
    "Output: warnings on stderr as 'kbindex: skipping PATH: REASON', then one\n"
    "summary line on stdout.\n"
    "Exit status: 0 when the index was committed (even if files were skipped),\n"
    "2 when it could not be.\n";

static void warn(void *ctx, const char *path, const char *reason)
{
    (void)ctx;
    kb_cli_diag("kbindex", NULL, "skipping %s: %s", path, reason);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"language", required_argument, NULL, 'L'},
        {"keep-boilerplate", no_argument, NULL, 'K'},
        {"commit-mb", required_argument, NULL, 'C'},
        {"show-boilerplate", no_argument, NULL, 'S'},
        {"list-synonyms", no_argument, NULL, 'Y'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    kb_index_opts opts = {".", NULL, NULL, 0, 0};
    int c, show = 0;
    unsigned long mb;
    opterr = 0; /* our own messages, in our format */
    while ((c = getopt_long(argc, argv, ":hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': opts.db_path = optarg; break;
        case 'L': opts.language = optarg; break;
        case 'K': opts.keep_boilerplate = 1; break;
        case 'C':
            if (!kb_cli_number("kbindex", "--commit-mb", optarg, 1ul << 20, &mb))
                return KB_EXIT_ERROR;
            if (mb == 0) {
                kb_cli_diag("kbindex", "--commit-mb", "must be at least 1");
                return KB_EXIT_ERROR;
            }
            opts.commit_bytes = (size_t)mb << 20;
            break;
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
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    kb_index_stats stats;
    char *msg = NULL;
    kb_status st = kb_index_folder(&opts, warn, NULL, &stats, &msg);
    if (st) {
        kb_cli_diag("kbindex", NULL, "%s", msg ? msg : kb_status_str(st));
        free(msg);
        return KB_EXIT_ERROR;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("kbindex: %u indexed, %u unchanged, %u skipped, %u removed; %lu passages, "
           "%.1f MB read in %.2f s\n",
           stats.indexed, stats.unchanged, stats.skipped, stats.removed, stats.passages,
           (double)stats.bytes / 1e6, secs);
    return 0;
}
