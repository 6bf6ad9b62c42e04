/* PDF, through poppler-glib: the text of each page in a block of its own
 * under a page mark, lines joined into paragraphs by their layout on the
 * page, and the document's title.  A PDF's text has no bytes in the file
 * to point back to (it is drawn by content streams, often compressed), so
 * results carry the page instead of a line of the file.
 *
 * Poppler reports broken files through GLib's log in the "Poppler"
 * domain; a handler that drops them is installed for the duration of each
 * call (and removed after it), so the library never prints and nothing
 * stays set between calls. */
#include "kbsearch/format.h"
#include "kbsearch/sentence.h"
#include "kbsearch/utf8.h"

#include <math.h>
#include <poppler.h>
#include <stdio.h>
#include <stdlib.h>

/* Layout thresholds: ratios, and lengths in ems (an em being taken as a
 * line's box height, which poppler derives from the font size). */
#define PDF_GAP_RATIO 1.3    /* a line pitch this many times the page's usual
                                one starts a paragraph (1.5 would miss the
                                common half-line paragraph skip) */
#define PDF_SIZE_RATIO 1.2   /* box heights this far apart: the font changed */
#define PDF_SHORT_EMS 3.0    /* a line ending this far before the page's
                                right edge may end a paragraph ... */
#define PDF_INDENT_EMS 0.8   /* ... when the next one is indented this much */

/* One line of a page's text and the box its characters cover (page
 * coordinates, y growing downwards). */
typedef struct pdf_line {
    size_t start, end;   /* bytes of the page's text, trimmed */
    double left, right, top, bottom;
} pdf_line;

/* Scratch space for one page, reused from page to page. */
typedef struct pdf_page {
    char *text;              /* poppler's text of the page, repaired */
    PopplerRectangle *rects; /* one per character of text, or NULL */
    pdf_line *lines;
    size_t nlines, lines_cap;
    double *pitches;
    size_t pitches_cap;
    double pitch;            /* the usual line pitch, 0 when unknown */
    double right;            /* the right edge of the page's text */
} pdf_page;

static void drop_log(const gchar *domain, GLogLevelFlags level, const gchar *message,
                     gpointer data)
{
    (void)domain;
    (void)level;
    (void)message;
    (void)data;
}

/* Makes s valid UTF-8 without control characters other than '\n': each
 * bad byte becomes a space (poppler gives UTF-8, but a broken font's
 * ToUnicode map can give anything). */
static void repair(char *s)
{
    size_t len = strlen(s), at = 0, bad;
    while (!kb_utf8_valid(s + at, len - at, &bad)) {
        s[at + bad] = ' ';
        at += bad + 1;
    }
    for (char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c < 0x20 && c != '\n') || c == 0x7f)
            *p = ' ';
    }
}

static double line_height(const pdf_line *l)
{
    return l->bottom - l->top;
}

/* Adds the line text[start, end) to the page, trimmed, with the box of
 * its characters from rects[first...] (when there are rects). */
static bool add_line(pdf_page *pg, size_t start, size_t end, size_t first)
{
    const char *t = pg->text;
    pdf_line l = {start, end, INFINITY, -INFINITY, INFINITY, -INFINITY};
    size_t k = first;
    for (size_t i = start; i < end; i++) {
        if (((unsigned char)t[i] & 0xc0) == 0x80)
            continue;
        if (t[i] != ' ' && pg->rects) {
            const PopplerRectangle *r = &pg->rects[k];
            l.left = fmin(l.left, r->x1);
            l.right = fmax(l.right, r->x2);
            l.top = fmin(l.top, r->y1);
            l.bottom = fmax(l.bottom, r->y2);
        }
        k++;
    }
    while (l.start < l.end && t[l.start] == ' ')
        l.start++;
    while (l.end > l.start && t[l.end - 1] == ' ')
        l.end--;
    if (l.start == l.end)
        return true;
    if (!pg->rects)
        l.left = l.right = l.top = l.bottom = 0;
    if (!kb_grow((void **)&pg->lines, &pg->lines_cap, pg->nlines + 1, sizeof *pg->lines))
        return false;
    pg->lines[pg->nlines++] = l;
    return true;
}

/* Splits the page's text into lines; `nrects` rectangles came with it. */
static bool split_lines(pdf_page *pg, guint nrects)
{
    const char *t = pg->text;
    size_t nchars = (size_t)g_utf8_strlen(t, -1);
    if (pg->rects && nrects != nchars) {
        /* Not the one rectangle per character poppler promises: lay the
         * text out without geometry rather than with the wrong one. */
        g_free(pg->rects);
        pg->rects = NULL;
    }
    pg->nlines = 0;
    size_t start = 0, first = 0, k = 0;
    for (size_t i = 0;; i++) {
        if (t[i] == '\n' || t[i] == '\0') {
            if (!add_line(pg, start, i, first))
                return false;
            if (t[i] == '\0')
                return true;
            start = i + 1;
            first = k + 1;
        }
        if (((unsigned char)t[i] & 0xc0) != 0x80)
            k++;
    }
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The page's usual line pitch (bottom to bottom, going down the page; the
 * lower median, so that a page of two-line paragraphs, with as many gaps
 * as steps, still gets the step) and the right edge of its text. */
static bool measure(pdf_page *pg)
{
    pg->pitch = 0;
    pg->right = 0;
    if (!pg->rects)
        return true;
    if (!kb_grow((void **)&pg->pitches, &pg->pitches_cap, pg->nlines, sizeof *pg->pitches))
        return false;
    size_t n = 0;
    for (size_t i = 0; i < pg->nlines; i++) {
        pg->right = fmax(pg->right, pg->lines[i].right);
        double pitch = i ? pg->lines[i].bottom - pg->lines[i - 1].bottom : 0;
        if (pitch > 0)
            pg->pitches[n++] = pitch;
    }
    if (n) {
        qsort(pg->pitches, n, sizeof *pg->pitches, by_value);
        pg->pitch = pg->pitches[(n - 1) / 2];
    }
    return true;
}

/* Does line i start a new paragraph after line i - 1? */
static bool new_block(const pdf_page *pg, size_t i)
{
    if (!pg->rects)
        return false;
    const pdf_line *a = &pg->lines[i - 1], *b = &pg->lines[i];
    double ha = line_height(a), hb = line_height(b), em = fmin(ha, hb);
    if (fmax(ha, hb) > PDF_SIZE_RATIO * em)
        return true;
    double pitch = b->bottom - a->bottom;
    if (pitch < -em)
        return true; /* back up the page: the next column or box */
    if (pitch < em / 2)
        return false; /* the same row: table cells, a line poppler split */
    if (pg->pitch > 0 && pitch > PDF_GAP_RATIO * pg->pitch)
        return true;
    /* A first-line indent: b is indented after a short line, and the line
     * after b (if any) goes back left, as the nested lines of code or an
     * outline do not; a list item's next line is indented as its text is. */
    const pdf_line *c = i + 1 < pg->nlines ? &pg->lines[i + 1] : NULL;
    double indent = PDF_INDENT_EMS * em;
    return a->right < pg->right - PDF_SHORT_EMS * ha && b->left > a->left + indent &&
           (!c || c->left < b->left - indent) &&
           !kb_is_list_item((kb_str){pg->text + a->start, a->end - a->start});
}

/* The length of a hyphen ending t[start, end) after a letter, else 0. */
static size_t end_hyphen(const char *t, size_t start, size_t end)
{
    const char *p = g_utf8_find_prev_char(t + start, t + end);
    if (!p)
        return 0;
    gunichar c = g_utf8_get_char(p);
    if (c != '-' && c != 0x2010 && c != 0xad)
        return 0;
    const char *q = g_utf8_find_prev_char(t + start, p);
    return q && g_unichar_isalpha(g_utf8_get_char(q)) ? (size_t)(t + end - p) : 0;
}

/* Adds the page's lines to the extract: "\n" between the lines of a
 * paragraph, a blank line between paragraphs, a hyphenated word made
 * whole ("infor-\nmation") when a lowercase letter goes on after it. */
static void add_lines(kb_extract *x, const pdf_page *pg)
{
    const char *t = pg->text;
    size_t held = 0; /* the last line's hyphen, not added yet */
    for (size_t i = 0; i < pg->nlines; i++) {
        const pdf_line *l = &pg->lines[i];
        if (i > 0) {
            bool block = new_block(pg, i);
            bool join = held && !block && g_unichar_islower(g_utf8_get_char(t + l->start));
            if (held && !join)
                kb_extract_add_text(x, t + pg->lines[i - 1].end - held, held);
            if (!join)
                kb_extract_break(x, block ? 2 : 1);
        }
        held = end_hyphen(t, l->start, l->end);
        kb_extract_add_text(x, t + l->start, l->end - l->start - held);
    }
    if (held)
        kb_extract_add_text(x, t + pg->lines[pg->nlines - 1].end - held, held);
}

/* Adds page `number`'s text, if it has any, in a block of its own under a
 * page mark. */
static void add_page(kb_extract *x, PopplerPage *page, unsigned number, pdf_page *pg)
{
    pg->text = poppler_page_get_text(page);
    if (!pg->text)
        return;
    repair(pg->text);
    guint nrects = 0;
    if (!poppler_page_get_text_layout(page, &pg->rects, &nrects))
        pg->rects = NULL;
    if (!split_lines(pg, nrects) || !measure(pg)) {
        kb_extract_failed(x, KB_ERR_NOMEM);
    } else if (pg->nlines) {
        kb_extract_break(x, 2);
        size_t start = kb_extract_len(x);
        add_lines(x, pg);
        kb_extract_mark(x, KB_MARK_PAGE, number, start, kb_extract_len(x));
    }
    g_free(pg->rects);
    pg->rects = NULL;
    g_free(pg->text);
    pg->text = NULL;
}

/* Fails the extract with why poppler could not open the document. */
static void refuse(kb_extract *x, const GError *err)
{
    if (g_error_matches(err, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED)) {
        kb_extract_fail(x, "encrypted PDF: needs a password");
        return;
    }
    char why[256];
    snprintf(why, sizeof why, "not a readable PDF: %s", err ? err->message : "unknown error");
    kb_extract_fail(x, why);
}

static void read_document(kb_extract *x, PopplerDocument *doc)
{
    gchar *title = poppler_document_get_title(doc);
    if (title) {
        repair(title);
        kb_extract_set_title(x, title, strlen(title));
        g_free(title);
    }
    pdf_page pg = {0};
    int n = poppler_document_get_n_pages(doc);
    for (int i = 0; i < n && !kb_extract_status(x); i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        if (!page)
            continue;
        add_page(x, page, (unsigned)i + 1, &pg);
        g_object_unref(page);
    }
    free(pg.lines);
    free(pg.pitches);
}

kb_status kb_read_pdf(kb_extract *x)
{
    if (x->src_len == 0) {
        kb_extract_fail(x, "not a readable PDF: empty file");
        return kb_extract_status(x);
    }
    guint quiet = g_log_set_handler("Poppler", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL |
                                    G_LOG_FLAG_RECURSION, drop_log, NULL);
    GBytes *bytes = g_bytes_new_static(x->src, x->src_len);
    GError *err = NULL;
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
    if (doc) {
        read_document(x, doc);
        g_object_unref(doc);
    } else {
        refuse(x, err);
        g_clear_error(&err);
    }
    g_bytes_unref(bytes);
    g_log_remove_handler("Poppler", quiet);
    return kb_extract_status(x);
}
