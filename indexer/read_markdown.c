/* Markdown: md4c (CommonMark with GitHub's tables, strikethrough,
 * autolinks and task lists) walks the file and calls back for each block,
 * span and piece of text.  The pieces of text it passes (normal text,
 * code, character references, raw HTML) point into its input, so each
 * maps to its exact source bytes; the few it makes up (soft and hard line
 * breaks, a line end in a code span, raw HTML or a code block, code
 * indentation, a NUL's replacement) are mapped to the source around
 * them.  The layout follows extract.h: blocks apart, list items
 * and table rows as lines, a soft line break as a space; markup
 * (emphasis, link targets, HTML tags) leaves no text. */
#include "kbsearch/format.h"
#include "markdown.h"

#include <limits.h>
#include <md4c.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

/* Where the scan of raw HTML is: between tags, inside one, in a comment,
 * or in the content of <script> or <style> (code, not text). */
typedef enum { HTML_TEXT, HTML_TAG, HTML_COMMENT, HTML_RAW } html_state;

typedef struct {
    kb_extract *x;
    size_t seen;   /* source offset after the last piece md4c gave */
    size_t floor;  /* where the last run's source ends: runs never go back */
    int brk;       /* a line (1) or block (2) break owed before more text */
    /* Text that waits for the next piece of source to know what it stands
     * for: a space (soft break, table cell border, HTML tag), or code
     * indentation md4c made up; it covers the source from pend_from. */
    bool pend_space;
    size_t pend_indent;
    size_t pend_from;
    unsigned items;    /* list items we are inside: their blocks are lines */
    unsigned heading;  /* level of the heading we are in, or 0 */
    bool code, cell, html_block, first_cell;
    size_t start;      /* text offset of the heading or code block, SIZE_MAX
                          before its first text */
    /* raw HTML */
    html_state html;
    char quote;        /* inside a tag: the quote of an attribute value */
    bool after_eq;     /* inside a tag: '=' was the last thing seen */
    char tag[12];      /* the tag's name, lower-case (cut when longer) */
    bool closing;      /* it is an end tag */
    size_t tag_from;   /* source offset of its '<' */
} md;

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

/* The source offset of p[0..n), or SIZE_MAX when md4c made it up. */
static size_t src_of(const md *m, const char *p, size_t n)
{
    uintptr_t a = (uintptr_t)p, s = (uintptr_t)m->x->src;
    if (a < s || a - s > m->x->src_len || n > m->x->src_len - (a - s))
        return SIZE_MAX;
    return a - s;
}

static void pend_space(md *m, size_t from)
{
    if (m->pend_space || m->pend_indent)
        return;
    m->pend_space = true;
    m->pend_from = from < m->floor ? m->floor : from;
}

/* Adds what is pending as standing for source [pend_from, to). */
static void settle(md *m, size_t to)
{
    if (!m->pend_space && !m->pend_indent)
        return;
    size_t from = m->pend_from;
    if (to < from)
        to = from;
    if (m->pend_space) {
        kb_extract_space(m->x, from, to - from);
    } else {
        /* The indentation is usually the spaces just before the code. */
        size_t k = m->pend_indent, sp = 0;
        while (sp < k && sp < to - from && m->x->src[to - sp - 1] == ' ')
            sp++;
        if (sp == k)
            from = to - k;
        static const char spaces[] = "                                ";
        for (size_t n; k; k -= n, from = to) {
            n = k < sizeof spaces - 1 ? k : sizeof spaces - 1;
            kb_extract_add(m->x, spaces, n, from, to - from);
        }
    }
    m->pend_space = false;
    m->pend_indent = 0;
    m->floor = to;
}

/* Adds text standing for source [src, src + src_len). */
static void put(md *m, const char *t, size_t n, size_t src, size_t src_len)
{
    if (m->brk) {
        kb_extract_break(m->x, m->brk);
        m->brk = 0;
    }
    if (m->start == SIZE_MAX)
        m->start = kb_extract_len(m->x);
    settle(m, src);
    if (src < m->floor) { /* md4c went back: there is no exact place */
        src = m->floor;
        src_len = 0;
    }
    kb_extract_add(m->x, t, n, src, src_len);
    m->floor = src + src_len;
    if (m->seen < m->floor)
        m->seen = m->floor;
}

static void copy(md *m, const char *p, size_t n, size_t src)
{
    /* md4c 0.4.8 passes a NUL in a code or HTML block once more after its
     * replacement (MD_TEXT_NULLCHAR): it was read already. */
    for (; n && src < m->floor && *p == '\0'; n--, p++, src++)
        ;
    if (n)
        put(m, p, n, src, n);
}

/* A line (1) or block (2) break before whatever comes next. */
static void block_break(md *m, int lines)
{
    if (m->brk < lines)
        m->brk = lines;
    m->pend_space = false;
    m->pend_indent = 0;
    m->html = HTML_TEXT;
    m->quote = 0;
}

/* Blocks inside a list item are lines of the list's block. */
static int block_lines(const md *m)
{
    return m->items ? 1 : 2;
}

static void entity(md *m, const char *p, size_t n, size_t src)
{
    char out[KB_ENTITY_MAX];
    size_t k = kb_entity_decode(p, n, out);
    if (k)
        put(m, out, k, src, n);
    else
        copy(m, p, n, src); /* unknown: as written */
}

/* The source line end (LF, CRLF or a lone CR) after what was seen: the
 * place of a "\n" md4c made up.  False at the end of the file. */
static bool line_end(const md *m, size_t *start, size_t *end)
{
    const char *s = m->x->src;
    size_t i = m->seen, n = m->x->src_len;
    while (i < n && s[i] != '\n' && s[i] != '\r')
        i++;
    if (i == n)
        return false;
    *start = i;
    *end = i + 1 + (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n');
    return true;
}

/* A piece of a code block that md4c made up: its line end, or indentation
 * it measured (tabs expanded, container indentation taken off). */
static void code_made_up(md *m, const char *p, size_t n)
{
    size_t start, end;
    if (p[0] != '\n') {
        if (!m->pend_indent)
            m->pend_from = m->seen;
        m->pend_indent += n;
    } else if (line_end(m, &start, &end)) {
        put(m, "\n", 1, start, end - start);
    } else {
        /* The last line of the file: a break would trim the code under
         * its mark. */
        put(m, "\n", 1, m->seen, 0);
    }
}

static void nul_char(md *m)
{
    const char *s = m->x->src;
    const char *nul = memchr(s + m->seen, '\0', m->x->src_len - m->seen);
    size_t at = nul ? (size_t)(nul - s) : m->seen;
    put(m, replacement, sizeof replacement - 1, at, nul ? 1 : 0);
}

/* Tags that do not separate words (formatting inside a line). */
static bool inline_tag(const char *name)
{
    static const char *const names[] = {
        "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del",
        "dfn", "em", "font", "i", "ins", "kbd", "mark", "q", "s", "samp",
        "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u",
        "var", "wbr"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(names[i], name))
            return true;
    return false;
}

static bool raw_tag(const char *name)
{
    return !strcmp(name, "script") || !strcmp(name, "style");
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* At a '<' between tags: reads the start of a tag or comment; returns the
 * bytes used (0: not markup, a plain '<'). */
static size_t open_tag(md *m, const char *p, size_t n, size_t src)
{
    if (n >= 4 && memcmp(p, "<!--", 4) == 0) {
        m->html = HTML_COMMENT;
        return 4;
    }
    if (n < 2 || !(is_alpha(p[1]) || p[1] == '/' || p[1] == '!' || p[1] == '?'))
        return 0;
    size_t i = 1, k = 0;
    m->closing = p[1] == '/';
    if (m->closing)
        i++;
    for (; i < n && (is_alpha(p[i]) || (p[i] >= '0' && p[i] <= '9') || p[i] == '-'); i++)
        if (k < sizeof m->tag - 1)
            m->tag[k++] = (char)(p[i] | 0x20);
    m->tag[k] = '\0';
    m->html = HTML_TAG;
    m->quote = 0;
    m->after_eq = false;
    m->tag_from = src;
    return i;
}

/* Inside a tag: reads up to its '>' (not one inside a quoted value). */
static size_t in_tag(md *m, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (m->quote) {
            if (c == m->quote)
                m->quote = 0;
        } else if ((c == '"' || c == '\'') && m->after_eq) {
            m->quote = c;
        } else if (c == '>') {
            m->html = m->html_block && !m->closing && raw_tag(m->tag) ? HTML_RAW : HTML_TEXT;
            if (!inline_tag(m->tag))
                pend_space(m, m->tag_from);
            return i + 1;
        } else if (!is_blank(c)) {
            m->after_eq = c == '=';
        }
    }
    return n;
}

/* Inside <script> or <style>: skips to its end tag. */
static size_t in_raw(md *m, const char *p, size_t n, size_t src)
{
    size_t k = strlen(m->tag);
    for (size_t i = 0; i + 2 + k <= n; i++)
        if (p[i] == '<' && p[i + 1] == '/' && strncasecmp(p + i + 2, m->tag, k) == 0) {
            m->html = HTML_TAG;
            m->closing = true;
            m->quote = 0;
            m->after_eq = false;
            m->tag_from = src + i;
            return i + 2 + k;
        }
    return n;
}

/* Raw HTML, inline or a block: tags and comments dropped (a space for a
 * tag that separates words), text kept with its white space collapsed and
 * its character references decoded. */
static void html_scan(md *m, const char *p, size_t n, size_t src)
{
    for (size_t i = 0, used; i < n; i += used) {
        if (m->html == HTML_TAG) {
            used = in_tag(m, p + i, n - i);
        } else if (m->html == HTML_COMMENT) {
            const char *end = memmem(p + i, n - i, "-->", 3);
            used = end ? (size_t)(end - (p + i)) + 3 : n - i;
            if (end)
                m->html = HTML_TEXT;
        } else if (m->html == HTML_RAW) {
            used = in_raw(m, p + i, n - i, src + i);
        } else if (is_blank(p[i])) {
            pend_space(m, src + i);
            used = 1;
        } else if (p[i] == '&' && (used = kb_entity_len(p + i, n - i))) {
            entity(m, p + i, used, src + i);
        } else if (p[i] != '<' || !(used = open_tag(m, p + i, n - i, src + i))) {
            used = 1;
            while (i + used < n && !is_blank(p[i + used]) && p[i + used] != '<' &&
                   p[i + used] != '&')
                used++;
            copy(m, p + i, used, src + i);
        }
    }
    if (m->seen < src + n)
        m->seen = src + n;
}

static void html(md *m, const char *p, size_t n, size_t src)
{
    size_t start, end;
    if (src != SIZE_MAX)
        html_scan(m, p, n, src);
    else if (p[0] == '\n' && line_end(m, &start, &end))
        html_scan(m, m->x->src + start, end - start, start);
    else if (m->html == HTML_TEXT)
        pend_space(m, m->seen); /* indentation md4c made up */
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *p, MD_SIZE size, void *ud)
{
    md *m = ud;
    size_t n = size, src = src_of(m, p, n);
    switch (type) {
    case MD_TEXT_NULLCHAR:
        nul_char(m);
        break;
    case MD_TEXT_SOFTBR:
        pend_space(m, m->seen);
        break;
    case MD_TEXT_BR:
        if (m->heading || m->cell)
            pend_space(m, m->seen);
        else
            block_break(m, 1);
        break;
    case MD_TEXT_ENTITY:
        if (src != SIZE_MAX)
            entity(m, p, n, src);
        break;
    case MD_TEXT_HTML:
        html(m, p, n, src);
        break;
    default: /* normal text, code, LaTeX */
        if (src != SIZE_MAX)
            copy(m, p, n, src);
        else if (m->code)
            code_made_up(m, p, n);
        else
            pend_space(m, m->seen); /* a line end inside a code span */
    }
    return kb_extract_status(m->x) != KB_OK;
}

static int enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    md *m = ud;
    switch (type) {
    case MD_BLOCK_DOC:
    case MD_BLOCK_THEAD:
    case MD_BLOCK_TBODY:
        break;
    case MD_BLOCK_LI:
        block_break(m, 1);
        m->items++;
        break;
    case MD_BLOCK_H:
        block_break(m, 2);
        m->heading = ((MD_BLOCK_H_DETAIL *)detail)->level;
        m->start = SIZE_MAX;
        break;
    case MD_BLOCK_CODE:
        block_break(m, block_lines(m));
        m->code = true;
        m->start = SIZE_MAX;
        break;
    case MD_BLOCK_HTML:
        block_break(m, block_lines(m));
        m->html_block = true;
        break;
    case MD_BLOCK_TR:
        block_break(m, 1);
        m->first_cell = true;
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        if (!m->first_cell)
            pend_space(m, m->seen);
        m->first_cell = false;
        m->cell = true;
        break;
    default: /* paragraph, quote, lists, rule, table */
        block_break(m, block_lines(m));
    }
    return kb_extract_status(m->x) != KB_OK;
}

/* The end of the text so far: of the code without its last line end, or
 * of the heading without trailing spaces. */
static size_t text_end(const md *m)
{
    const char *t = kb_extract_text(m->x);
    size_t end = kb_extract_len(m->x);
    while (end > m->start &&
           (m->code ? t[end - 1] == '\n' : t[end - 1] == ' ' || t[end - 1] == '\t'))
        end--;
    return end;
}

static int leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    (void)detail;
    md *m = ud;
    switch (type) {
    case MD_BLOCK_DOC:
    case MD_BLOCK_THEAD:
    case MD_BLOCK_TBODY:
        break;
    case MD_BLOCK_LI:
        m->items--;
        block_break(m, 1);
        break;
    case MD_BLOCK_H:
        if (m->start != SIZE_MAX) {
            size_t end = text_end(m);
            if (end > m->start)
                kb_extract_heading(m->x, m->heading, m->start, end, m->start, end);
        }
        m->heading = 0;
        block_break(m, 2);
        break;
    case MD_BLOCK_CODE:
        if (m->start != SIZE_MAX) {
            size_t end = text_end(m);
            if (end > m->start)
                kb_extract_mark(m->x, KB_MARK_CODE, 0, m->start, end);
        }
        m->code = false;
        block_break(m, block_lines(m));
        break;
    case MD_BLOCK_HTML:
        m->html_block = false;
        block_break(m, block_lines(m));
        break;
    case MD_BLOCK_TR:
        block_break(m, 1);
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        m->cell = false;
        break;
    default:
        block_break(m, block_lines(m));
    }
    return kb_extract_status(m->x) != KB_OK;
}

/* Spans (emphasis, links, images, code) leave their text to on_text; the
 * link and image targets in their details are not text. */
static int span(MD_SPANTYPE type, void *detail, void *ud)
{
    (void)type;
    (void)detail;
    (void)ud;
    return 0;
}

kb_status kb_read_markdown(kb_extract *x)
{
    size_t at = x->src_len >= 3 && memcmp(x->src, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    at = kb_markdown_front_matter(x, at);
    if (x->src_len - at > UINT_MAX) {
        kb_extract_fail(x, "Markdown over 4 GiB: too large for the parser");
        return kb_extract_status(x);
    }
    md m = {.x = x, .seen = at, .floor = at, .start = SIZE_MAX};
    MD_PARSER parser = {0, MD_DIALECT_GITHUB, enter_block, leave_block, span, span,
                        on_text, NULL, NULL};
    int r = md_parse(x->src + at, (MD_SIZE)(x->src_len - at), &parser, &m);
    if (r < 0) /* md4c fails only when memory runs out */
        kb_extract_failed(x, KB_ERR_NOMEM);
    return kb_extract_status(x);
}
