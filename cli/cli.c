#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/utf8.h"

void kb_cli_diag(const char *prog, const char *context, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    if (context)
        fprintf(stderr, "%s: ", context);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int kb_cli_decode(const char *prog, const char *option, const char *arg,
                  const kb_cli_choice *choices, size_t n, int *out)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(arg, choices[i].name) == 0) {
            *out = choices[i].value;
            return 1;
        }
    }
    fprintf(stderr, "%s: %s: '%s' is not one of:", prog, option, arg);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%s %s", i ? "," : "", choices[i].name);
    fputc('\n', stderr);
    return 0;
}

int kb_cli_number(const char *prog, const char *option, const char *arg,
                  unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(arg, &end, 10);
    if (!*arg || *end || errno || arg[0] == '-' || v > max) {
        kb_cli_diag(prog, option, "'%s' is not a whole number from 0 to %lu", arg, max);
        return 0;
    }
    *out = v;
    return 1;
}

void kb_cli_bad_option(const char *prog, int getopt_result, const char *arg)
{
    if (getopt_result == ':')
        kb_cli_diag(prog, arg, "this option needs a value");
    else
        kb_cli_diag(prog, arg, "unknown option (a query word starting with '-' goes after --)");
    fprintf(stderr, "Try '%s --help' for more information.\n", prog);
}

void kb_cli_escape(kb_buf *out, const char *s)
{
    size_t n = strlen(s), i = 0, bad;
    while (i < n) {
        size_t ok = kb_utf8_valid(s + i, n - i, &bad) ? n - i : bad;
        for (size_t end = i + ok; i < end; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c == '\\')
                kb_buf_puts(out, "\\\\");
            else if (c == '\n')
                kb_buf_puts(out, "\\n");
            else if (c == '\t')
                kb_buf_puts(out, "\\t");
            else if (c < 0x20 || c == 0x7f)
                kb_buf_printf(out, "\\x%02x", c);
            else
                kb_buf_add(out, s + i, 1);
        }
        if (i < n)
            kb_buf_printf(out, "\\x%02x", (unsigned char)s[i++]);
    }
}
