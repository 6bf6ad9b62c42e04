/* HTML: what a reader of the page sees, every piece of it mapped back to
 * the bytes of the file.
 *
 * gumbo parses (the HTML5 algorithm: broken pages come out as browsers
 * show them) what html_input.c made of the file; one walk over the tree,
 * with a stack of its own, writes the text:
 *  - block elements become blocks, list items, table rows and <br> lines,
 *    table cells are a space apart;
 *  - ASCII white space collapses to one space (tags between letters add
 *    none: <b>bold</b>er is one word), except in <pre> and <textarea>;
 *  - what browsers do not show is left out: script, style, the head but
 *    its title, comments, SVG and MathML, frames and media fallbacks,
 *    hidden elements;
 *  - headings, code and the page's chrome are marked.
 * Gumbo gives each text node its decoded text and where it was in the
 * input (its original text); walking the two together, stretches copied
 * as they are map byte for byte and each entity maps to its own bytes. */
#include "kbsearch/format.h"

#include <ctype.h>
#include <gumbo.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html.h"
#include "kbsearch/utf8.h"

enum {
    DROP = 1 << 0,     /* not shown: left out with its content */
    BLOCK = 1 << 1,    /* a block of its own */
    LINE = 1 << 2,     /* a line of its own */
    LIST = 1 << 3,     /* a block, or a line inside a list item */
    CELL = 1 << 4,     /* a table cell: a space before and after */
    VERBATIM = 1 << 5, /* white space kept as it is */
    CODE = 1 << 6,     /* marked as code */
    CHROME = 1 << 7,   /* page furniture */
    LANDMARK = 1 << 8, /* header, footer: the page's own chrome outside sections */
    SECTION = 1 << 9,  /* its header and footer are its own, not the page's */
};

#define T(name) GUMBO_TAG_##name
static const unsigned short kinds[GUMBO_TAG_LAST] = {
    [T(SCRIPT)] = DROP, [T(STYLE)] = DROP, [T(TEMPLATE)] = DROP, [T(NOSCRIPT)] = DROP,
    [T(IFRAME)] = DROP, [T(CANVAS)] = DROP, [T(AUDIO)] = DROP, [T(VIDEO)] = DROP,
    [T(OBJECT)] = DROP, [T(APPLET)] = DROP, [T(NOEMBED)] = DROP, [T(NOFRAMES)] = DROP,
    [T(FRAMESET)] = DROP, [T(RP)] = DROP,
    [T(ADDRESS)] = BLOCK, [T(BLOCKQUOTE)] = BLOCK, [T(CENTER)] = BLOCK, [T(DETAILS)] = BLOCK,
    [T(DIV)] = BLOCK, [T(FIELDSET)] = BLOCK, [T(FIGCAPTION)] = BLOCK, [T(FIGURE)] = BLOCK,
    [T(HGROUP)] = BLOCK, [T(HR)] = BLOCK, [T(LEGEND)] = BLOCK, [T(P)] = BLOCK,
    [T(SUMMARY)] = BLOCK, [T(TABLE)] = BLOCK, [T(CAPTION)] = BLOCK,
    [T(H1)] = BLOCK, [T(H2)] = BLOCK, [T(H3)] = BLOCK, [T(H4)] = BLOCK, [T(H5)] = BLOCK,
    [T(H6)] = BLOCK,
    [T(ARTICLE)] = BLOCK | SECTION, [T(SECTION)] = BLOCK | SECTION, [T(MAIN)] = BLOCK | SECTION,
    [T(ASIDE)] = BLOCK | SECTION | CHROME, [T(NAV)] = BLOCK | SECTION | CHROME,
    [T(FORM)] = BLOCK | CHROME, [T(HEADER)] = BLOCK | LANDMARK, [T(FOOTER)] = BLOCK | LANDMARK,
    [T(UL)] = LIST, [T(OL)] = LIST, [T(DL)] = LIST, [T(MENU)] = LIST, [T(DIR)] = LIST,
    [T(LI)] = LINE, [T(DT)] = LINE, [T(DD)] = LINE, [T(TR)] = LINE, [T(BR)] = LINE,
    [T(OPTION)] = LINE,
    [T(TD)] = CELL, [T(TH)] = CELL,
    [T(PRE)] = BLOCK | VERBATIM | CODE, [T(LISTING)] = BLOCK | VERBATIM | CODE,
    [T(XMP)] = BLOCK | VERBATIM | CODE, [T(PLAINTEXT)] = BLOCK | VERBATIM,
    [T(TEXTAREA)] = BLOCK | VERBATIM,
};

/* An element being walked. */
typedef struct {
    const GumboNode *node;
    unsigned next;        /* its next child to visit */
    unsigned kind;        /* its kinds[] bits, and CODE or CHROME if it is one */
    unsigned opened;      /* CODE, CHROME: the outermost one, marked at its end */
    unsigned char lines;  /* the break around it: 0, 1 or 2 */
    unsigned char level;  /* a heading's level, else 0 */
    size_t start;         /* where its text starts */
} frame;

typedef struct {
    kb_extract *x;
    const kb_html_input *in;
    size_t floor;           /* source offset the runs have reached */
    size_t pos;             /* input offset after the last text node */
    int lines;              /* a line (1) or block (2) break is due before the next text */
    bool space;             /* a space is due before the next word */
    size_t space_from, space_to; /* the input it stands for */
    unsigned verbatim, code, chrome, sections; /* open elements of each kind */
    bool titled;
    frame *stack;
    size_t depth, cap;
} walker;

static bool html_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Adds text standing for input [from, to).  Runs stay in source order: a
 * node the parser moved back (text foster-parented out of a table) maps
 * to where the runs have reached, with what is left of its range. */
static void add(walker *w, const char *p, size_t n, size_t from, size_t to)
{
    if (n == 0)
        return;
    size_t s = kb_html_src(w->in, from), e = kb_html_src(w->in, to);
    if (s < w->floor)
        s = w->floor;
    if (e < s)
        e = s;
    kb_extract_add(w->x, p, n, s, e - s);
    w->floor = e;
}

/* Is input byte i the source's own byte, alone? */
static bool own_byte(const walker *w, size_t i)
{
    size_t s = kb_html_src(w->in, i);
    return kb_html_src(w->in, i + 1) == s + 1 && w->in->buf[i] == w->x->src[s];
}

/* Adds input bytes [from, from + n) as they are: verbatim where they are
 * the source's bytes, each transcoded or repaired character a run of its
 * own. */
static void copy(walker *w, size_t from, size_t n)
{
    const char *b = w->in->buf;
    if (!w->in->map && !w->in->changed) {
        add(w, b + from, n, from, from + n);
        return;
    }
    for (size_t i = from, end = from + n, j; i < end; i = j) {
        for (j = i; j < end && own_byte(w, j); j++)
            ;
        if (j == i)
            for (j = i + 1; j < end && kb_html_src(w->in, j) == kb_html_src(w->in, i); j++)
                ;
        add(w, b + i, j - i, i, j);
    }
}

static void want_space(walker *w, size_t from, size_t to)
{
    if (!w->space) {
        w->space = true;
        w->space_from = from;
        w->space_to = to;
    } else if (to > w->space_to) {
        w->space_to = to;
    }
}

/* Puts in the break or space due before the next text. */
static void flush_space(walker *w)
{
    if (w->lines) {
        kb_extract_break(w->x, w->lines);
        w->lines = 0;
    }
    if (!w->space)
        return;
    w->space = false;
    size_t s = kb_html_src(w->in, w->space_from), e = kb_html_src(w->in, w->space_to);
    if (s < w->floor)
        s = w->floor;
    if (e < s)
        e = s;
    kb_extract_space(w->x, s, e - s);
    w->floor = e;
}

/* A break is only written before more text: none at the end. */
static void line_break(walker *w, int lines)
{
    w->space = false;
    if (lines > w->lines)
        w->lines = lines;
}

/* Adds text gumbo decoded, standing for input [from, to).  Its decoding
 * of an overflowing reference (&#99999999999;) is not always UTF-8: each
 * bad byte becomes U+FFFD, as the reference should have. */
static void add_decoded(walker *w, const char *d, size_t n, size_t from, size_t to)
{
    for (size_t bad; !kb_utf8_valid(d, n, &bad); d += bad + 1, n -= bad + 1) {
        add(w, d, bad, from, to);
        add(w, "\xef\xbf\xbd", 3, from, to);
    }
    add(w, d, n, from, to);
}

/* One piece of a text node: decoded text d[0..n) that came from input
 * [from, to), `copied` when d is those very bytes. */
static void piece(walker *w, const char *d, size_t n, size_t from, size_t to, bool copied)
{
    if (w->verbatim) {
        flush_space(w);
        if (copied)
            copy(w, from, n);
        else
            add_decoded(w, d, n, from, to);
        return;
    }
    for (size_t i = 0, j; i < n; i = j) {
        bool white = html_space(d[i]);
        for (j = i + 1; j < n && html_space(d[j]) == white; j++)
            ;
        if (white) {
            want_space(w, copied ? from + i : from, copied ? from + j : to);
        } else {
            flush_space(w);
            if (copied)
                copy(w, from + i, j - i);
            else
                add_decoded(w, d + i, j - i, from, to);
        }
    }
}

static size_t char_len(const char *p, size_t n)
{
    unsigned char c = (unsigned char)*p;
    size_t k = c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    return k < n ? k : n;
}

static bool replacement_char(const char *d, size_t n)
{
    return n >= 3 && memcmp(d, "\xef\xbf\xbd", 3) == 0;
}

/* After a change, do the original s and the decoded d go on alike, up to
 * where another change may start (or for long enough to be sure)? */
static bool agrees(const char *s, size_t sn, const char *d, size_t dn)
{
    for (size_t c = 0; c < 32; c++) {
        if (c == sn)
            return c == dn;
        if (s[c] == '&' || s[c] == '<' || s[c] == '\r' || s[c] == '\0')
            return true;
        if (c == dn)
            return false;
        if (s[c] != d[c])
            return replacement_char(d + c, dn - c);
    }
    return true;
}

typedef struct {
    const char *s, *d;
    size_t sn, dn;
    size_t k, m; /* the change found: k original bytes became m decoded ones */
} change;

static bool fits(change *c, size_t k, size_t m)
{
    if (k > c->sn || m > c->dn || !agrees(c->s + k, c->sn - k, c->d + m, c->dn - m))
        return false;
    c->k = k;
    c->m = m;
    return true;
}

/* A character reference at c->s ('&'): numeric ones have one reading,
 * named ones the longest name that fits (legacy names such as &copy
 * work without ';' and before other letters), decoded to one or two
 * characters. */
static bool reference(change *c)
{
    const char *s = c->s;
    size_t e = 1;
    if (c->sn > 1 && s[1] == '#') {
        bool hex = c->sn > 2 && (s[2] | 0x20) == 'x';
        size_t digits = e = 2 + hex;
        while (e < c->sn && (hex ? isxdigit((unsigned char)s[e]) : isdigit((unsigned char)s[e])))
            e++;
        if (e == digits)
            return false;
        e += e < c->sn && s[e] == ';';
        return fits(c, e, c->dn ? char_len(c->d, c->dn) : 0);
    }
    while (e < c->sn && e <= 32 && isalnum((unsigned char)s[e]))
        e++;
    e += e < c->sn && s[e] == ';';
    size_t one = c->dn ? char_len(c->d, c->dn) : 0;
    size_t two = one && one < c->dn ? one + char_len(c->d + one, c->dn - one) : 0;
    for (size_t m = one; m; m = m == one ? two : 0) /* one character, then two */
        for (size_t k = e; k > 1; k--)
            if (fits(c, k, m))
                return true;
    return false;
}

/* How the parser changed the original text where it differs from the
 * decoded text, or may (at '&' and '<'): a reference decoded, CR LF or CR
 * read as LF, markup it skipped (a stray end tag), a character it replaced
 * (NUL, controls) or dropped.  False when no reading fits. */
static bool find_change(change *c)
{
    const char *s = c->s, *d = c->d;
    if (s[0] == '\r')
        return c->dn && d[0] == '\n' && fits(c, c->sn > 1 && s[1] == '\n' ? 2 : 1, 1);
    if (s[0] == '&' && reference(c))
        return true;
    if (c->dn && s[0] == d[0] && fits(c, 1, 1))
        return true; /* a literal '&' or '<' */
    if (s[0] == '<')
        for (size_t from = 1, tries = 0; from < c->sn && tries < 8; tries++) {
            const char *gt = memchr(s + from, '>', c->sn - from);
            if (!gt)
                break;
            from = (size_t)(gt - s) + 1;
            if (fits(c, from, 0))
                return true;
        }
    size_t k = char_len(s, c->sn);
    return (replacement_char(d, c->dn) && fits(c, k, 3)) || fits(c, k, 0);
}

static void close_element(walker *w, const frame *f);

/* A text node: decoded d[0..dn) from input [o, o + on).  When `form` is
 * not NULL, it ends at input offset `split`, inside this text (see
 * form_tail). */
static void text(walker *w, const char *d, size_t dn, size_t o, size_t on, const frame *form,
                 size_t split)
{
    const char *s = w->in->buf + o;
    size_t i = 0, j = 0;
    while (i < on && j < dn) {
        if (form && o + i >= split) {
            close_element(w, form);
            form = NULL;
        }
        size_t same = 0;
        while (i + same < on && j + same < dn && s[i + same] == d[j + same] &&
               s[i + same] != '&' && s[i + same] != '<')
            same++;
        while (same && i + same < on && (s[i + same] & 0xc0) == 0x80)
            same--; /* the character that differs is a change as a whole */
        if (same) {
            piece(w, d + j, same, o + i, o + i + same, true);
            i += same;
            j += same;
            continue;
        }
        change c = {s + i, d + j, on - i, dn - j, 0, 0};
        if (!find_change(&c))
            break;
        piece(w, d + j, c.m, o + i, o + i + c.k, c.k == c.m && memcmp(s + i, d + j, c.m) == 0);
        i += c.k;
        j += c.m;
    }
    if (j < dn) /* what could not be followed maps as a whole */
        piece(w, d + j, dn - j, o + i, o + on, false);
    if (form)
        close_element(w, form);
    w->pos = o + on;
}

/* Where a text node's original text is in the input: false when gumbo
 * gives no place inside it. */
static bool original(const walker *w, const GumboNode *n, size_t *o, size_t *on)
{
    const char *p = n->v.text.original_text.data, *buf = w->in->buf;
    *on = n->v.text.original_text.length;
    if (!p || p < buf || p > buf + w->in->len || *on > (size_t)(buf + w->in->len - p))
        return false;
    *o = (size_t)(p - buf);
    return true;
}

static void text_node(walker *w, const GumboNode *n, const frame *form, size_t split)
{
    size_t o, on;
    if (!original(w, n, &o, &on)) {
        o = w->pos; /* maps to where the text before it ended */
        on = 0;
    }
    text(w, n->v.text.text, strlen(n->v.text.text), o, on, form, split);
}

static const GumboVector *children(const GumboNode *n)
{
    return n->type == GUMBO_NODE_DOCUMENT ? &n->v.document.children : &n->v.element.children;
}

static bool is_html(const GumboNode *n, GumboTag tag)
{
    return n && n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == tag &&
           n->v.element.tag_namespace == GUMBO_NAMESPACE_HTML;
}

/* The document's title: the first <title>'s text. */
static void title(walker *w, const GumboNode *n)
{
    if (w->titled)
        return;
    w->titled = true;
    const GumboVector *kids = children(n);
    for (unsigned i = 0; i < kids->length; i++) {
        const GumboNode *k = kids->data[i];
        if (k->type == GUMBO_NODE_TEXT || k->type == GUMBO_NODE_WHITESPACE) {
            const char *t = k->v.text.text; /* see add_decoded */
            size_t len = strlen(t), bad;
            kb_extract_set_title(w->x, t, kb_utf8_valid(t, len, &bad) ? len : bad);
            return;
        }
    }
}

/* A <code> that is all its block holds (a code block without <pre>). */
static bool code_block(const GumboNode *n)
{
    const GumboNode *p = n->parent;
    if (!p || p->type != GUMBO_NODE_ELEMENT || p->v.element.tag_namespace != GUMBO_NAMESPACE_HTML ||
        !(kinds[p->v.element.tag] & BLOCK))
        return false;
    const GumboVector *kids = children(p);
    for (unsigned i = 0; i < kids->length; i++) {
        const GumboNode *k = kids->data[i];
        if (k != n && k->type != GUMBO_NODE_WHITESPACE && k->type != GUMBO_NODE_COMMENT)
            return false;
    }
    return true;
}

/* ARIA landmarks that are page chrome (the first role named counts). */
static bool chrome_role(const GumboElement *e)
{
    const GumboAttribute *a = gumbo_get_attribute(&e->attributes, "role");
    if (!a)
        return false;
    const char *r = a->value + strspn(a->value, " \t\n\r\f");
    size_t n = strcspn(r, " \t\n\r\f");
    static const char *const roles[] = {"navigation", "banner", "contentinfo"};
    for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
        if (n == strlen(roles[i]) && strncasecmp(r, roles[i], n) == 0)
            return true;
    return false;
}

static bool push(walker *w, frame f)
{
    if (!kb_grow((void **)&w->stack, &w->cap, w->depth + 1, sizeof *w->stack))
        return false;
    w->stack[w->depth++] = f;
    return true;
}

static bool open_element(walker *w, const GumboNode *n)
{
    const GumboElement *e = &n->v.element;
    if (e->tag_namespace != GUMBO_NAMESPACE_HTML)
        return true; /* SVG, MathML */
    if (e->tag == GUMBO_TAG_TITLE) {
        title(w, n);
        return true;
    }
    if (e->tag == GUMBO_TAG_HEAD) {
        for (unsigned i = 0; i < e->children.length; i++)
            if (is_html(e->children.data[i], GUMBO_TAG_TITLE))
                title(w, e->children.data[i]);
        return true;
    }
    unsigned kind = kinds[e->tag];
    if ((kind & DROP) || gumbo_get_attribute(&e->attributes, "hidden"))
        return true;
    frame f = {n, 0, kind, 0, 0, 0, 0};
    if (kind & LIST)
        f.lines = is_html(n->parent, GUMBO_TAG_LI) || is_html(n->parent, GUMBO_TAG_DD) ||
                          is_html(n->parent, GUMBO_TAG_DT) ? 1 : 2;
    else
        f.lines = kind & BLOCK ? 2 : kind & LINE ? 1 : 0;
    if (e->tag >= GUMBO_TAG_H1 && e->tag <= GUMBO_TAG_H6)
        f.level = (unsigned char)(e->tag - GUMBO_TAG_H1 + 1);
    if (e->tag == GUMBO_TAG_CODE && code_block(n))
        f.kind |= CODE;
    if (((kind & LANDMARK) && !w->sections) || chrome_role(e))
        f.kind |= CHROME;
    if (f.lines)
        line_break(w, f.lines);
    if (kind & CELL)
        want_space(w, e->start_pos.offset, e->start_pos.offset + e->original_tag.length);
    f.start = kb_extract_len(w->x);
    w->verbatim += !!(f.kind & VERBATIM);
    w->sections += !!(f.kind & SECTION);
    if ((f.kind & CODE) && !w->code++)
        f.opened |= CODE;
    if ((f.kind & CHROME) && !w->chrome++)
        f.opened |= CHROME;
    return push(w, f);
}

static void close_element(walker *w, const frame *f)
{
    const char *t = kb_extract_text(w->x);
    size_t start = f->start, end = kb_extract_len(w->x);
    while (end > start && html_space(t[end - 1]))
        end--;
    while (start < end && html_space(t[start]))
        start++;
    if (f->level && start < end)
        kb_extract_heading(w->x, f->level, start, end, start, end);
    if ((f->opened & CODE) && start < end)
        kb_extract_mark(w->x, KB_MARK_CODE, 0, start, end);
    if ((f->opened & CHROME) && start < end)
        kb_extract_mark(w->x, KB_MARK_CHROME, 0, start, end);
    w->verbatim -= !!(f->kind & VERBATIM);
    w->sections -= !!(f->kind & SECTION);
    w->code -= !!(f->kind & CODE);
    w->chrome -= !!(f->kind & CHROME);
    if (f->lines)
        line_break(w, f->lines);
    const GumboElement *e = &f->node->v.element;
    if ((f->kind & CELL) && e->original_end_tag.length) /* else the next cell's tag */
        want_space(w, e->end_pos.offset, e->end_pos.offset + e->original_end_tag.length);
}

/* gumbo 0.10.1's </form> takes the form off its stack without first
 * inserting the text read before it (parser.c, "kEndTag, GUMBO_TAG_FORM"),
 * so a form's last text lands after it, in one node with what follows.
 * That node, the form's next sibling, has "</form" in its original text:
 * returns it, with the offset of "</form" in *split. */
static const GumboNode *form_tail(const walker *w, const frame *f, size_t *split)
{
    const GumboElement *e = &f->node->v.element;
    if (!is_html(f->node, GUMBO_TAG_FORM) || e->original_end_tag.length || w->depth < 2)
        return NULL;
    const frame *parent = &w->stack[w->depth - 2];
    const GumboVector *kids = children(parent->node);
    if (parent->next >= kids->length)
        return NULL;
    const GumboNode *n = kids->data[parent->next];
    if (n->type != GUMBO_NODE_TEXT && n->type != GUMBO_NODE_WHITESPACE)
        return NULL;
    size_t o, on;
    if (!original(w, n, &o, &on))
        return NULL;
    for (const char *p = w->in->buf + o, *end = p + on; end - p >= 6; p++)
        if (*p == '<' && strncasecmp(p, "</form", 6) == 0) {
            *split = (size_t)(p - w->in->buf);
            return n;
        }
    return NULL;
}

static kb_status walk(walker *w, const GumboNode *document)
{
    if (!push(w, (frame){document, 0, 0, 0, 0, 0, 0}))
        return KB_ERR_NOMEM;
    while (w->depth) {
        frame *f = &w->stack[w->depth - 1];
        const GumboVector *kids = children(f->node);
        if (f->next == kids->length) {
            size_t split;
            const GumboNode *tail = form_tail(w, f, &split);
            if (tail) {
                w->stack[w->depth - 2].next++;
                text_node(w, tail, f, split);
            } else if (w->depth > 1) {
                close_element(w, f);
            }
            w->depth--;
            continue;
        }
        const GumboNode *n = kids->data[f->next++];
        if (n->type == GUMBO_NODE_ELEMENT && !open_element(w, n))
            return KB_ERR_NOMEM;
        if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE)
            text_node(w, n, NULL, 0);
    }
    return KB_OK;
}

kb_status kb_read_html(kb_extract *x)
{
    kb_html_input in;
    kb_status st = kb_html_input_make(x, &in);
    if (st) {
        kb_extract_failed(x, st);
        return kb_extract_status(x);
    }
    GumboOptions opts = kGumboDefaultOptions;
    opts.max_errors = 0; /* nobody reads them: do not collect them */
    GumboOutput *out = gumbo_parse_with_options(&opts, in.buf, in.len);
    walker w = {.x = x, .in = &in};
    st = out ? walk(&w, out->document) : KB_ERR_NOMEM;
    free(w.stack);
    if (out)
        gumbo_destroy_output(&opts, out);
    kb_html_input_free(&in);
    if (st)
        kb_extract_failed(x, st);
    return kb_extract_status(x);
}
