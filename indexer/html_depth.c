/* Keeping the tree gumbo builds within KB_HTML_MAX_DEPTH (html.h).
 *
 * One pass over the tags follows the stack of open elements the HTML5
 * tree builder would keep, using its own rules only where they are sure
 * to pop: an unclosed <p> or <li> closed by the next one, an end tag
 * matching an element with nothing special in between.  Where the real
 * builder might pop more, this stack keeps the element: it counts deeper
 * than gumbo, never shallower, so every page's depth is bounded and real
 * pages (far from the limit) lose nothing.
 *
 * Formatting elements (<b>, <font>, ...) closed by something else than
 * their end tag stay "active": the builder opens them again inside each
 * following block, so <p><b id=1>x</p><p><b id=2>x</p>... grows every
 * paragraph's depth, and with it the tree, quadratically.  They are
 * followed too, and at most KB_ACTIVE_MAX of them are let in.
 *
 * A start tag that would go past a limit becomes a comment of the same
 * length ("<?  >"): its content becomes its parent's, no text changes,
 * and no offset moves. */
#include "html.h"

#include <gumbo.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

/* Active formatting elements allowed at once.  Pages leave a few <font>
 * or <b> open; identical ones count three at most (the builder's "Noah's
 * Ark" clause).  Blocking more only loses formatting, which the reader
 * ignores. */
#define KB_ACTIVE_MAX 4

enum {
    VOID = 1 << 0,     /* never has content */
    RAW = 1 << 1,      /* content is text up to its end tag */
    SPECIAL = 1 << 2,  /* the tree builder's "special" category */
    SCOPE = 1 << 3,    /* bounds "has an element in scope" */
    CLOSES_P = 1 << 4, /* its start tag closes an open <p> */
    ROOT = 1 << 5,     /* html, head, body: never on our stack */
    BUTTON = 1 << 6,   /* bounds "in button scope" too */
    LIST = 1 << 7,     /* bounds "in list item scope" too */
    FORMAT = 1 << 8,   /* a formatting element (the adoption agency's) */
    MARKER = 1 << 9,   /* formatting elements opened inside it end with it */
    TABLE = 1 << 10,   /* bounds "in table scope" (table parts close up to it) */
};

#define T(name) GUMBO_TAG_##name
static const unsigned short props[GUMBO_TAG_LAST] = {
    [T(HTML)] = ROOT | SPECIAL | SCOPE | TABLE, [T(HEAD)] = ROOT | SPECIAL, [T(BODY)] = ROOT | SPECIAL,
    [T(AREA)] = VOID | SPECIAL, [T(BASE)] = VOID | SPECIAL, [T(BASEFONT)] = VOID | SPECIAL,
    [T(BGSOUND)] = VOID | SPECIAL, [T(BR)] = VOID | SPECIAL, [T(COL)] = VOID | SPECIAL,
    [T(EMBED)] = VOID | SPECIAL, [T(HR)] = VOID | SPECIAL | CLOSES_P, [T(IMG)] = VOID | SPECIAL,
    [T(IMAGE)] = VOID | SPECIAL, [T(INPUT)] = VOID | SPECIAL, [T(ISINDEX)] = VOID | SPECIAL,
    [T(KEYGEN)] = VOID | SPECIAL, [T(LINK)] = VOID | SPECIAL, [T(MENUITEM)] = VOID | SPECIAL,
    [T(META)] = VOID | SPECIAL, [T(PARAM)] = VOID | SPECIAL, [T(SOURCE)] = VOID | SPECIAL,
    [T(TRACK)] = VOID | SPECIAL, [T(WBR)] = VOID | SPECIAL,
    [T(SCRIPT)] = RAW | SPECIAL, [T(STYLE)] = RAW | SPECIAL, [T(TEXTAREA)] = RAW | SPECIAL,
    [T(TITLE)] = RAW | SPECIAL, [T(IFRAME)] = RAW | SPECIAL, [T(NOEMBED)] = RAW | SPECIAL,
    [T(NOFRAMES)] = RAW | SPECIAL, [T(XMP)] = RAW | SPECIAL | CLOSES_P,
    [T(PLAINTEXT)] = RAW | SPECIAL | CLOSES_P,
    [T(APPLET)] = SPECIAL | SCOPE | MARKER, [T(CAPTION)] = SPECIAL | SCOPE | MARKER,
    [T(MARQUEE)] = SPECIAL | SCOPE | MARKER, [T(OBJECT)] = SPECIAL | SCOPE | MARKER,
    [T(TABLE)] = SPECIAL | SCOPE | CLOSES_P | TABLE, [T(TD)] = SPECIAL | SCOPE | MARKER,
    [T(TH)] = SPECIAL | SCOPE | MARKER, [T(TEMPLATE)] = SPECIAL | SCOPE | MARKER | TABLE,
    [T(ADDRESS)] = SPECIAL | CLOSES_P, [T(ARTICLE)] = SPECIAL | CLOSES_P,
    [T(ASIDE)] = SPECIAL | CLOSES_P, [T(BLOCKQUOTE)] = SPECIAL | CLOSES_P,
    [T(CENTER)] = SPECIAL | CLOSES_P, [T(DETAILS)] = SPECIAL | CLOSES_P,
    [T(DIR)] = SPECIAL | CLOSES_P, [T(DIV)] = SPECIAL | CLOSES_P, [T(DL)] = SPECIAL | CLOSES_P,
    [T(FIELDSET)] = SPECIAL | CLOSES_P, [T(FIGCAPTION)] = SPECIAL | CLOSES_P,
    [T(FIGURE)] = SPECIAL | CLOSES_P, [T(FOOTER)] = SPECIAL | CLOSES_P,
    [T(HEADER)] = SPECIAL | CLOSES_P, [T(HGROUP)] = SPECIAL | CLOSES_P,
    [T(MAIN)] = SPECIAL | CLOSES_P, [T(MENU)] = SPECIAL | CLOSES_P, [T(NAV)] = SPECIAL | CLOSES_P,
    [T(OL)] = SPECIAL | CLOSES_P | LIST, [T(P)] = SPECIAL | CLOSES_P, [T(SECTION)] = SPECIAL | CLOSES_P,
    [T(SUMMARY)] = SPECIAL | CLOSES_P, [T(UL)] = SPECIAL | CLOSES_P | LIST,
    [T(H1)] = SPECIAL | CLOSES_P, [T(H2)] = SPECIAL | CLOSES_P, [T(H3)] = SPECIAL | CLOSES_P,
    [T(H4)] = SPECIAL | CLOSES_P, [T(H5)] = SPECIAL | CLOSES_P, [T(H6)] = SPECIAL | CLOSES_P,
    [T(PRE)] = SPECIAL | CLOSES_P, [T(LISTING)] = SPECIAL | CLOSES_P,
    [T(FORM)] = SPECIAL | CLOSES_P, [T(LI)] = SPECIAL | CLOSES_P, [T(DD)] = SPECIAL | CLOSES_P,
    [T(DT)] = SPECIAL | CLOSES_P,
    [T(BUTTON)] = SPECIAL | BUTTON, [T(COLGROUP)] = SPECIAL, [T(FRAME)] = SPECIAL,
    [T(FRAMESET)] = SPECIAL, [T(NOSCRIPT)] = SPECIAL, [T(SELECT)] = SPECIAL,
    [T(TBODY)] = SPECIAL, [T(TFOOT)] = SPECIAL, [T(THEAD)] = SPECIAL, [T(TR)] = SPECIAL,
    [T(A)] = FORMAT, [T(B)] = FORMAT, [T(BIG)] = FORMAT, [T(CODE)] = FORMAT, [T(EM)] = FORMAT,
    [T(FONT)] = FORMAT, [T(I)] = FORMAT, [T(NOBR)] = FORMAT, [T(S)] = FORMAT,
    [T(SMALL)] = FORMAT, [T(STRIKE)] = FORMAT, [T(STRONG)] = FORMAT, [T(TT)] = FORMAT,
    [T(U)] = FORMAT,
};

/* A formatting element in the list of active ones. */
typedef struct {
    GumboTag tag;
    uint32_t attrs; /* hash of its attributes as written */
    bool open;      /* on the stack; else opened again before the next element */
} active;

typedef struct {
    GumboTag open[KB_HTML_MAX_DEPTH + KB_ACTIVE_MAX];
    unsigned char listed[KB_HTML_MAX_DEPTH + KB_ACTIVE_MAX]; /* nlist when it opened */
    size_t depth;
    unsigned foreign; /* open <svg> and <math>: "/>" closes there */
    active list[KB_ACTIVE_MAX];
    size_t nlist;
} stack;

static bool heading(GumboTag t)
{
    return t >= GUMBO_TAG_H1 && t <= GUMBO_TAG_H6;
}

/* The last active entry for `t` (open or not, as asked), or nlist. */
static size_t find_active(const stack *k, GumboTag t, bool open)
{
    for (size_t i = k->nlist; i-- > 0;)
        if (k->list[i].tag == t && k->list[i].open == open)
            return i;
    return k->nlist;
}

static void drop_active(stack *k, size_t i)
{
    memmove(k->list + i, k->list + i + 1, (k->nlist - i - 1) * sizeof *k->list);
    k->nlist--;
}

/* Pops elements down to `depth`; formatting ones among them stay active. */
static void pop_to(stack *k, size_t depth)
{
    while (k->depth > depth) {
        GumboTag t = k->open[--k->depth];
        if (t == GUMBO_TAG_SVG || t == GUMBO_TAG_MATH)
            k->foreign--;
        if ((props[t] & MARKER) && k->nlist > k->listed[k->depth])
            k->nlist = k->listed[k->depth];
        size_t a = props[t] & FORMAT ? find_active(k, t, true) : k->nlist;
        if (a < k->nlist)
            k->list[a].open = false;
    }
}

/* Pops through the innermost open element `like` accepts, unless an
 * element with one of the `stop` properties is met first. */
static void close_through(stack *k, bool (*like)(GumboTag, GumboTag), GumboTag t, unsigned stop)
{
    for (size_t i = k->depth; i-- > 0;) {
        if (like(k->open[i], t)) {
            pop_to(k, i);
            return;
        }
        if (props[k->open[i]] & stop)
            return;
    }
}

static bool same(GumboTag o, GumboTag t)
{
    return o == t;
}

static bool same_or_sibling(GumboTag o, GumboTag t)
{
    bool dd_dt = (o == GUMBO_TAG_DD || o == GUMBO_TAG_DT) && (t == GUMBO_TAG_DD || t == GUMBO_TAG_DT);
    return o == t || dd_dt || (heading(o) && heading(t));
}

static bool cell(GumboTag o, GumboTag t)
{
    (void)t;
    return o == GUMBO_TAG_TD || o == GUMBO_TAG_TH;
}

static bool table_section(GumboTag o, GumboTag t)
{
    (void)t;
    return o == GUMBO_TAG_TBODY || o == GUMBO_TAG_THEAD || o == GUMBO_TAG_TFOOT;
}

/* A table part's start tag closes the open cell, row or section it
 * cannot be inside (HTML5 "in cell", "in row", "in table body"). */
static void close_table_parts(stack *k, GumboTag t)
{
    bool is_cell = cell(t, t), is_row = t == GUMBO_TAG_TR, is_section = table_section(t, t);
    if (is_cell || is_row || is_section)
        close_through(k, cell, t, TABLE);
    if (is_row || is_section)
        close_through(k, same, GUMBO_TAG_TR, TABLE);
    if (is_section)
        close_through(k, table_section, t, TABLE);
}

/* The adoption agency on a formatting element's end tag (also run by a
 * new <a> or <nobr> on an active one).  With nothing special above the
 * element it pops through it; with something (a "furthest block") the
 * builder moves elements about but keeps as many open: keep them all. */
static void adoption(stack *k, GumboTag t)
{
    size_t a = find_active(k, t, true);
    if (a == k->nlist) {
        size_t closed = find_active(k, t, false);
        if (closed < k->nlist)
            drop_active(k, closed); /* not open: only forgotten */
        else
            close_through(k, same, t, SPECIAL | SCOPE); /* any other end tag */
        return;
    }
    for (size_t i = k->depth; i-- > 0;) {
        if (k->open[i] == t) {
            pop_to(k, i);
            break;
        }
        if (props[k->open[i]] & (SPECIAL | SCOPE))
            return;
    }
    drop_active(k, a);
}

/* What a start tag closes before it opens (HTML5 "in body" rules). */
static void start_closes(stack *k, GumboTag t)
{
    if (t == GUMBO_TAG_LI)
        close_through(k, same, t, SPECIAL);
    else if (t == GUMBO_TAG_DD || t == GUMBO_TAG_DT)
        close_through(k, same_or_sibling, t, SPECIAL);
    if (props[t] & CLOSES_P)
        close_through(k, same, GUMBO_TAG_P, SCOPE | BUTTON);
    if (heading(t) && k->depth && heading(k->open[k->depth - 1]))
        pop_to(k, k->depth - 1);
    close_table_parts(k, t);
    if ((t == GUMBO_TAG_OPTION || t == GUMBO_TAG_OPTGROUP) && k->depth &&
        k->open[k->depth - 1] == GUMBO_TAG_OPTION)
        pop_to(k, k->depth - 1);
    if ((t == GUMBO_TAG_A || t == GUMBO_TAG_NOBR) &&
        (find_active(k, t, true) < k->nlist || find_active(k, t, false) < k->nlist))
        adoption(k, t);
}

/* Opens element t (attributes hashed to `attrs`), after the active
 * formatting elements not open for the tags the builder opens them for
 * (all but most special ones, which are blocks; text does too, so the
 * depth can reach KB_HTML_MAX_DEPTH + KB_ACTIVE_MAX).  False when it
 * must not open. */
static bool open_element(stack *k, GumboTag t, uint32_t attrs)
{
    bool reopen = !(props[t] & SPECIAL) || t == GUMBO_TAG_APPLET || t == GUMBO_TAG_MARQUEE ||
                  t == GUMBO_TAG_OBJECT || t == GUMBO_TAG_SELECT;
    for (size_t i = 0; reopen && i < k->nlist; i++)
        if (!k->list[i].open && k->depth < sizeof k->open / sizeof *k->open) {
            k->list[i].open = true;
            k->listed[k->depth] = (unsigned char)k->nlist;
            k->open[k->depth++] = k->list[i].tag;
        }
    if (k->depth >= KB_HTML_MAX_DEPTH)
        return false;
    if (props[t] & FORMAT) {
        size_t identical = 0, first = k->nlist; /* Noah's Ark: three at most */
        for (size_t i = k->nlist; i-- > 0;)
            if (k->list[i].tag == t && k->list[i].attrs == attrs)
                identical++, first = i;
        if (identical >= 3)
            drop_active(k, first);
        if (k->nlist == KB_ACTIVE_MAX)
            return false;
        k->list[k->nlist++] = (active){t, attrs, true};
    }
    k->listed[k->depth] = (unsigned char)k->nlist;
    k->open[k->depth++] = t;
    k->foreign += t == GUMBO_TAG_SVG || t == GUMBO_TAG_MATH;
    return true;
}

static void end_tag(stack *k, GumboTag t)
{
    if (props[t] & ROOT || t == GUMBO_TAG_BR)
        return;
    if (t == GUMBO_TAG_P)
        close_through(k, same, t, SCOPE | BUTTON);
    else if (t == GUMBO_TAG_LI)
        close_through(k, same, t, SCOPE | LIST);
    else if (heading(t) || t == GUMBO_TAG_DD || t == GUMBO_TAG_DT)
        close_through(k, same_or_sibling, t, SCOPE);
    else if (props[t] & FORMAT)
        adoption(k, t);
    else if (t == GUMBO_TAG_TABLE || cell(t, t) || t == GUMBO_TAG_TR || table_section(t, t))
        close_through(k, same, t, TABLE); /* through the cells and rows inside */
    else if (props[t] & SPECIAL)
        close_through(k, same, t, SCOPE);
    else /* "any other end tag" */
        close_through(k, same, t, SPECIAL | SCOPE);
}

/* Where the raw text of a <name> element starting at `at` ends: at its
 * end tag "</name" followed by a space, '/' or '>', or the input's end. */
static size_t raw_end(const char *s, size_t n, size_t at, kb_str name)
{
    while (at < n) {
        const char *lt = memchr(s + at, '<', n - at);
        if (!lt)
            return n;
        at = (size_t)(lt - s);
        size_t after = at + 2 + name.n;
        if (after <= n && s[at + 1] == '/' && strncasecmp(s + at + 2, name.p, name.n) == 0 &&
            (after == n || (s[after] && strchr(" \t\n\r\f/>", s[after]))))
            return at;
        at++;
    }
    return n;
}

static bool alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static uint32_t hash(const char *p, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 16777619u;
    return h;
}

/* Where the comment, tag or other markup at `at` (a '<') ends, or at + 1
 * for a '<' that is text. */
static size_t markup_end(const char *buf, size_t n, size_t at)
{
    if (n - at >= 4 && memcmp(buf + at, "<!--", 4) == 0) {
        size_t i = at + 4;
        if (i < n && buf[i] == '>') /* <!--> */
            i -= 2;
        else if (i + 1 < n && buf[i] == '-' && buf[i + 1] == '>') /* <!---> */
            i -= 1;
        for (; i + 3 <= n && memcmp(buf + i, "-->", 3) != 0; i++)
            ;
        return i + 3 <= n ? i + 3 : n;
    }
    if (at + 1 < n && buf[at + 1] && strchr("!/?", buf[at + 1])) {
        const char *gt = memchr(buf + at, '>', n - at);
        return gt ? (size_t)(gt - buf) + 1 : n;
    }
    return at + 1;
}

bool kb_html_flatten(char *buf, size_t n)
{
    stack k = {.depth = 0, .foreign = 0, .nlist = 0};
    bool changed = false;
    for (size_t at = 0; at < n;) {
        const char *lt = memchr(buf + at, '<', n - at);
        if (!lt)
            break;
        at = (size_t)(lt - buf);
        bool closing = at + 1 < n && buf[at + 1] == '/';
        size_t name = at + 1 + closing;
        if (name >= n || !alpha(buf[name])) {
            at = markup_end(buf, n, at);
            continue;
        }
        size_t end = name;
        while (end < n && !strchr(" \t\n\r\f/>", buf[end]))
            end++;
        kb_str tag_name = {buf + name, end - name};
        GumboTag t = gumbo_tagn_enum(tag_name.p, (unsigned)(tag_name.n < 64 ? tag_name.n : 64));
        size_t attrs = end;
        kb_html_attr a;
        while ((end = kb_html_next_attr(buf, n, end, &a), a.name.n))
            ;
        size_t tag_end = end < n ? end + 1 : n;
        if (closing) {
            end_tag(&k, t);
        } else if (props[t] & RAW) {
            tag_end = t == GUMBO_TAG_PLAINTEXT ? n : raw_end(buf, n, tag_end, tag_name);
        } else if (!(props[t] & (VOID | ROOT))) {
            start_closes(&k, t);
            bool foreign = k.foreign || t == GUMBO_TAG_SVG || t == GUMBO_TAG_MATH;
            if (!(foreign && a.self_closing) && /* "/>" closes only there */
                !open_element(&k, t, hash(buf + attrs, end - attrs))) {
                buf[at + 1] = '?'; /* a bogus comment, "<?  >" */
                memset(buf + at + 2, ' ', tag_end - (end < n) - at - 2);
                changed = true;
            }
        }
        at = tag_end;
    }
    return changed;
}
