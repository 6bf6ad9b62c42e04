/* html.h — the HTML reader's own parts (read_html.c walks gumbo's tree):
 * the bytes gumbo parses, as UTF-8, with the way back to the file's
 * bytes (html_input.c), and nesting kept shallow enough for gumbo to parse
 * in linear time (html_depth.c).  Private to the reader. */
#ifndef KBSEARCH_HTML_H
#define KBSEARCH_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include "kbsearch/extract.h"
#include "kbsearch/record.h"

/* Nesting deeper than this is flattened before parsing (html_depth.c):
 * gumbo 0.10.1 has no depth limit, and each start tag may scan the whole
 * stack of open elements, so 100,000 unclosed <div>s take minutes.  Later
 * gumbo releases stop at 400 (max_tree_depth); pages never come near. */
#define KB_HTML_MAX_DEPTH 400

typedef struct kb_html_input {
    char *buf;      /* what gumbo parses: UTF-8, malloc'd */
    size_t len;
    size_t base;    /* without a map, buf[i] is source byte base + i */
    size_t *map;    /* with one (transcoded): buf[i] came from the source
                       character starting at map[i]; len + 1 entries, the
                       last one the source length.  malloc'd or NULL */
    bool changed;   /* without a map: some bytes of buf are not the
                       source's (invalid UTF-8 and flattened tags read as
                       spaces) */
} kb_html_input;

/* Source offset of buf offset `off` (0 <= off <= len). */
static inline size_t kb_html_src(const kb_html_input *in, size_t off)
{
    return in->map ? in->map[off] : in->base + off;
}

/* Makes *in from x's source: a byte-order mark, else <meta charset> (or
 * an XML declaration) in the first 1024 bytes, says the encoding; UTF-8
 * is copied with invalid bytes read as spaces, others are transcoded
 * with iconv (bad bytes read as spaces); either way the bad bytes are
 * reported with kb_extract_bad_bytes.  Then nesting is flattened.
 * KB_ERR_FORMAT (x failed) when a NUL in the first KB_BINARY_SNIFF bytes
 * says the file is binary, KB_ERR_NOMEM; *in is then empty.  Free with
 * kb_html_input_free. */
kb_status kb_html_input_make(kb_extract *x, kb_html_input *in);
void kb_html_input_free(kb_html_input *in);

/* One attribute of a tag, for the prescans: `at` is just after the tag
 * name; returns where the next attribute starts and sets *a, whose
 * name is empty at the end of the tag (then the return value is the
 * offset of its '>', or n).  Values lose their quotes. */
typedef struct kb_html_attr {
    kb_str name, value;
    bool self_closing; /* end of tag: "/>" */
} kb_html_attr;
size_t kb_html_next_attr(const char *s, size_t n, size_t at, kb_html_attr *a);

/* Blanks (to spaces, offsets kept) the start tags that would open
 * elements deeper than KB_HTML_MAX_DEPTH, following the HTML5 tree
 * builder's rules closely enough for real nesting (unclosed <p>, <li>
 * and friends close themselves).  Returns whether anything changed. */
bool kb_html_flatten(char *buf, size_t len);

#endif
