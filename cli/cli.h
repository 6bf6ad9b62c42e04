/* cli.h — what kbindex and kbsearch share as command-line programs:
 * diagnostics in one format and the option-value tables.  Only the two
 * programs include this; library code never prints or exits. */
#ifndef KBSEARCH_CLI_H
#define KBSEARCH_CLI_H

#include <stddef.h>
#include "kbsearch/buf.h"

/* Exit statuses, as grep: */
enum { KB_EXIT_MATCH = 0, KB_EXIT_NO_MATCH = 1, KB_EXIT_ERROR = 2 };

/* Prints "PROG: CONTEXT: MESSAGE\n" to stderr (no CONTEXT part if NULL). */
void kb_cli_diag(const char *prog, const char *context, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Appends `s` as a diagnostic shows a path: control characters and bytes
 * that are not UTF-8 as C escapes (\n, \t, \x9f), a backslash doubled,
 * so a file named with a newline or in a legacy encoding stays one
 * unambiguous line.  Check kb_buf_status. */
void kb_cli_escape(kb_buf *out, const char *s);

/* Reports a getopt failure ('?' unknown option, ':' missing value) for
 * the option `arg` as written, and how to get help. */
void kb_cli_bad_option(const char *prog, int getopt_result, const char *arg);

/* One allowed value of an option, for kb_cli_decode. */
typedef struct kb_cli_choice {
    const char *name;
    int value;
} kb_cli_choice;

/* Looks `arg` up in `choices` (n entries).  Returns 1 and sets *out, or
 * prints "PROG: OPTION: 'ARG' is not one of: a, b, c" and returns 0. */
int kb_cli_decode(const char *prog, const char *option, const char *arg,
                  const kb_cli_choice *choices, size_t n, int *out);

/* Parses a whole non-negative number for OPTION; prints a diagnostic and
 * returns 0 when `arg` is not one. */
int kb_cli_number(const char *prog, const char *option, const char *arg,
                  unsigned long max, unsigned long *out);

#endif
