/* reStructuredText: the text is the file; a section title is a line
 * underlined (and maybe overlined) with one punctuation character repeated.
 * Levels follow RST's rule: each new adornment style met is one level
 * deeper than the styles met before it. */
#include "kbsearch/format.h"
#include "kbsearch/sentence.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    size_t start, end; /* content, without the line end */
    size_t next;       /* where the next line starts */
} line;

static bool adornment(const char *s, line l)
{
    kb_str t = kb_trim((kb_str){s + l.start, l.end - l.start});
    if (t.n < 3 || !strchr("=-~^\"'`#*+:", t.p[0]))
        return false;
    for (size_t i = 1; i < t.n; i++)
        if (t.p[i] != t.p[0])
            return false;
    return true;
}

static line line_at(const char *s, size_t len, size_t at)
{
    const char *nl = memchr(s + at, '\n', len - at);
    line l = {at, nl ? (size_t)(nl - s) : len, nl ? (size_t)(nl - s) + 1 : len};
    if (l.end > l.start && s[l.end - 1] == '\r')
        l.end--;
    return l;
}

/* The level of a style (underline character, overlined or not). */
static unsigned level_of(int *styles, unsigned *n, int style)
{
    for (unsigned i = 0; i < *n; i++)
        if (styles[i] == style)
            return i + 1;
    if (*n < 64)
        styles[(*n)++] = style;
    return *n;
}

kb_status kb_read_rst(kb_extract *x)
{
    kb_extract_identity(x);
    const char *s = x->src;
    size_t len = x->src_len;
    int styles[64];
    unsigned nstyles = 0;
    bool have_prev = false; /* the line before, not blank */
    line prev = {0, 0, 0};
    for (size_t at = 0; at < len;) {
        line l = line_at(s, len, at);
        kb_str t = kb_trim((kb_str){s + l.start, l.end - l.start});
        if (t.n && !adornment(s, l) && l.next < len) {
            line under = line_at(s, len, l.next);
            if (adornment(s, under)) {
                bool over = have_prev && adornment(s, prev);
                kb_str u = kb_trim((kb_str){s + under.start, under.end - under.start});
                int style = (unsigned char)u.p[0] | (over ? 0x100 : 0);
                size_t ls = (size_t)(t.p - s);
                kb_extract_heading(x, level_of(styles, &nstyles, style),
                                   over ? prev.start : l.start, under.end, ls, ls + t.n);
                have_prev = false;
                at = under.next;
                continue;
            }
        }
        have_prev = t.n > 0;
        prev = l;
        at = l.next;
    }
    return kb_extract_status(x);
}
