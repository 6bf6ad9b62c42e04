/* The segmenter: lines -> paragraphs -> passages (rules in segment.h). */
#include "kbsearch/segment.h"
#include "kbsearch/sentence.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    size_t start; /* first byte */
    size_t end;   /* end of content, before CR/LF */
    bool blank;
} line;

typedef struct {
    unsigned first, last; /* line indexes, inclusive */
    bool heading;         /* explicit or heading-like */
    bool explicit_heading;
    kb_str heading_text;  /* without markup, when heading */
} para;

typedef struct {
    const char *text;
    size_t len;
    const kb_mark *marks;
    size_t nmarks;
    bool guess;           /* take heading-like lines for headings */
    size_t cursor[KB_MARK_PAGE + 1]; /* per kind: the first mark not yet
                                        passed (marks come in order) */
    line *lines;
    unsigned nlines;
    para *paras;
    unsigned nparas;
    kb_passage_fn fn;
    void *ctx;
} seg;

static kb_str trim(const char *p, size_t n)
{
    return kb_trim((kb_str){p, n});
}

static kb_str line_str(const seg *s, unsigned i)
{
    return (kb_str){s->text + s->lines[i].start, s->lines[i].end - s->lines[i].start};
}

/* memchr finds the line ends: it reads many bytes per step, and this
 * loop over every byte was half of the segmenter's time. */
static bool split_lines(seg *s)
{
    const char *text = s->text;
    unsigned n = 1;
    for (const char *p = text, *end = text + s->len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        n++;
    s->lines = malloc(n * sizeof *s->lines);
    if (!s->lines)
        return false;
    s->nlines = 0;
    for (size_t start = 0;;) {
        const char *nl = start < s->len ? memchr(text + start, '\n', s->len - start) : NULL;
        size_t i = nl ? (size_t)(nl - text) : s->len;
        if (!nl && start == s->len && s->nlines > 0)
            break; /* the text ended with a newline: no empty last line */
        size_t end = i;
        if (end > start && text[end - 1] == '\r')
            end--;
        line *l = &s->lines[s->nlines++];
        l->start = start;
        l->end = end;
        l->blank = trim(text + start, end - start).n == 0;
        if (!nl)
            break;
        start = i + 1;
    }
    return true;
}

static bool heading_like(kb_str t)
{
    if (t.n == 0 || t.n > 120 || kb_is_list_item(t) || kb_count_words(t) > KB_HEADING_MAX_WORDS)
        return false;
    /* Breadcrumbs, share bars and link lists are not headings. */
    if (kb_count_separators(t) >= 2 || memmem(t.p, t.n, "](", 2) || memmem(t.p, t.n, "://", 3))
        return false;
    char last = t.p[t.n - 1];
    if (strchr(".!?,;:", last) || kb_ends_sentence(t))
        return false;
    for (size_t i = 0; i < t.n; i++) {
        unsigned char c = (unsigned char)t.p[i];
        if (c >= 0x80 || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
            return true;
    }
    return false;
}

/* The mark of `kind` holding text offset `off`, or NULL.  Marks of one
 * kind do not overlap and offsets are asked in order, so each kind's
 * cursor only moves forward. */
static const kb_mark *mark_at(seg *s, kb_mark_kind kind, size_t off)
{
    size_t *c = &s->cursor[kind];
    while (*c < s->nmarks && (s->marks[*c].kind != kind || s->marks[*c].end <= off))
        ++*c;
    return *c < s->nmarks && s->marks[*c].start <= off ? &s->marks[*c] : NULL;
}

static void add_para(seg *s, unsigned first, unsigned last, bool explicit_h, kb_str h)
{
    para *p = &s->paras[s->nparas++];
    p->first = first;
    p->last = last;
    p->explicit_heading = explicit_h;
    p->heading_text = h;
    /* A line of code is never a heading, however short. */
    if (!explicit_h && first == last && s->guess &&
        !mark_at(s, KB_MARK_CODE, s->lines[first].start)) {
        kb_str t = trim(line_str(s, first).p, line_str(s, first).n);
        if (heading_like(t)) {
            p->heading_text = t;
            p->heading = true;
            return;
        }
    }
    p->heading = explicit_h;
}

static bool long_line(const seg *s, unsigned i)
{
    return trim(line_str(s, i).p, line_str(s, i).n).n >= KB_PARAGRAPH_LINE_BYTES;
}

/* Does line i end its paragraph although no blank line follows?  Pages
 * saved as text often hold one paragraph per line; hard-wrapped text has
 * no lines this long, so it is not cut. */
static bool ends_paragraph_line(const seg *s, unsigned i)
{
    if (i + 1 >= s->nlines || s->lines[i + 1].blank || !long_line(s, i) || !long_line(s, i + 1))
        return false;
    return kb_ends_sentence(trim(line_str(s, i).p, line_str(s, i).n));
}

static unsigned line_of(const seg *s, size_t off);

static void find_paras(seg *s, kb_str *explicit_title)
{
    unsigned open = 0;
    bool in_para = false;
    for (unsigned i = 0; i < s->nlines; i++) {
        const line *l = &s->lines[i];
        const kb_mark *m = l->blank ? NULL : mark_at(s, KB_MARK_HEADING, l->start);
        if (!m && !l->blank && l->end > l->start) {
            /* a heading may start after the line does (indentation) */
            m = mark_at(s, KB_MARK_HEADING, l->end - 1);
            if (m && m->start > l->end)
                m = NULL;
        }
        bool heading = m != NULL;
        unsigned first = i, last = i;
        if (heading) {
            last = line_of(s, m->end > m->start ? m->end - 1 : m->start);
            if (last < i)
                last = i;
        }
        if (l->blank || heading) {
            if (in_para)
                add_para(s, open, i - 1, false, (kb_str){"", 0});
            in_para = false;
        }
        if (heading) {
            kb_str h = trim(s->text + m->label_start, m->label_end - m->label_start);
            add_para(s, first, last, true, h);
            if (explicit_title->n == 0)
                *explicit_title = h;
            i = last;
        } else if (!l->blank && !in_para) {
            open = i;
            in_para = true;
        }
        if (in_para && !heading && ends_paragraph_line(s, i)) {
            add_para(s, open, i, false, (kb_str){"", 0});
            in_para = false;
        }
    }
    if (in_para)
        add_para(s, open, s->nlines - 1, false, (kb_str){"", 0});
}

static unsigned line_of(const seg *s, size_t off)
{
    unsigned lo = 0, hi = s->nlines;
    while (hi - lo > 1) {
        unsigned mid = lo + (hi - lo) / 2;
        if (s->lines[mid].start <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Emits [start,end) trimmed; `body` is where the text after a travelling
 * heading starts (== start when there is none). */
static int emit(seg *s, size_t start, size_t body, size_t end, kb_str heading)
{
    while (start < end && kb_is_space(s->text[start]))
        start++;
    while (end > start && kb_is_space(s->text[end - 1]))
        end--;
    if (body < start)
        body = start;
    while (body < end && kb_is_space(s->text[body]))
        body++;
    kb_passage p = {start, end, line_of(s, start) + 1, line_of(s, end ? end - 1 : 0) + 1,
                    heading, body, 0, 0};
    /* What the passage is comes from where its body starts (a heading
     * travelling with a code block does not make it prose). */
    const kb_mark *m = mark_at(s, KB_MARK_PAGE, body);
    p.page = m ? m->value : 0;
    if (mark_at(s, KB_MARK_CODE, body))
        p.flags |= KB_PASSAGE_CODE;
    if (mark_at(s, KB_MARK_CHROME, body))
        p.flags |= KB_PASSAGE_CHROME;
    return s->fn(s->ctx, &p);
}

/* Length of a CJK sentence end (。！？) at p, or 0. */
static size_t cjk_sentence_end(const char *p, size_t n)
{
    static const char *const enders[] = {"\xe3\x80\x82", "\xef\xbc\x81", "\xef\xbc\x9f"};
    for (size_t i = 0; i < sizeof enders / sizeof *enders; i++)
        if (n >= 3 && memcmp(p, enders[i], 3) == 0)
            return 3;
    return 0;
}

/* Where the window that starts at `start` ends (see segment.h).  A "word"
 * is a run without spaces, also ended by a CJK sentence end, since CJK
 * text has no spaces to cut at. */
static size_t window_end(const char *t, size_t start, size_t end)
{
    unsigned words = 0;
    size_t last_sentence = start, i = start;
    while (i < end) {
        while (i < end && kb_is_space(t[i]))
            i++;
        if (i >= end)
            break;
        size_t ws = i, k = 0;
        while (i < end && !kb_is_space(t[i]) && !k) {
            k = cjk_sentence_end(t + i, end - i);
            i += k ? k : 1;
        }
        if (i - start > KB_WINDOW_MAX_BYTES) {
            /* Over the cap inside a word: cut at a character boundary. */
            size_t cut = start + KB_WINDOW_MAX_BYTES;
            while (cut > ws && ((unsigned char)t[cut] & 0xC0) == 0x80)
                cut--;
            if (last_sentence > start + KB_WINDOW_MAX_BYTES / 3)
                return last_sentence;
            return cut > start ? cut : i;
        }
        words++;
        if (k || kb_ends_sentence((kb_str){t + ws, i - ws}))
            last_sentence = i;
        if (words >= KB_WINDOW_WORDS && last_sentence == i)
            return i;
        if (words >= KB_WINDOW_MAX_WORDS)
            return last_sentence > start + (i - start) / 3 ? last_sentence : i;
    }
    return end;
}

static int emit_paragraph(seg *s, size_t start, size_t body, size_t end, kb_str heading)
{
    kb_str body_text = {s->text + body, end - body};
    /* Each word but the last takes a space after it: a body this short
     * cannot hold too many, and most paragraphs need no count. */
    if (body_text.n <= KB_WINDOW_MAX_BYTES &&
        (body_text.n <= 2 * KB_WINDOW_MAX_WORDS || kb_count_words(body_text) <= KB_WINDOW_MAX_WORDS))
        return emit(s, start, body, end, heading);
    /* The first window keeps the heading that travels with the paragraph. */
    size_t ws = start, at = body;
    while (at < end) {
        size_t we = window_end(s->text, at, end);
        int rc = emit(s, ws, at, we, heading);
        if (rc)
            return rc;
        at = we;
        while (at < end && kb_is_space(s->text[at]))
            at++;
        ws = at;
    }
    return 0;
}

static int make_passages(seg *s)
{
    kb_str heading = {"", 0};
    const para *pending = NULL;
    for (unsigned k = 0; k < s->nparas; k++) {
        const para *p = &s->paras[k];
        size_t start = s->lines[p->first].start, end = s->lines[p->last].end;
        if (p->heading) {
            if (pending) {
                size_t hs = s->lines[pending->first].start;
                int rc = emit(s, hs, hs, s->lines[pending->last].end, pending->heading_text);
                if (rc)
                    return rc;
            }
            pending = p;
            heading = p->heading_text;
            continue;
        }
        size_t pstart = pending ? s->lines[pending->first].start : start;
        pending = NULL;
        int rc = emit_paragraph(s, pstart, start, end, heading);
        if (rc)
            return rc;
    }
    if (pending) {
        size_t hs = s->lines[pending->first].start;
        return emit(s, hs, hs, s->lines[pending->last].end, pending->heading_text);
    }
    return 0;
}

kb_status kb_segment(const kb_extract *x, bool guess_headings, kb_passage_fn fn, void *ctx,
                     kb_str *title)
{
    seg s = {kb_extract_text(x), kb_extract_len(x), x->marks, x->nmarks, guess_headings,
             {0}, NULL, 0, NULL, 0, fn, ctx};
    kb_str explicit_title = {"", 0};
    if (!split_lines(&s))
        return KB_ERR_NOMEM;
    s.paras = malloc(s.nlines * sizeof *s.paras);
    if (!s.paras) {
        free(s.lines);
        return KB_ERR_NOMEM;
    }
    find_paras(&s, &explicit_title);
    memset(s.cursor, 0, sizeof s.cursor);
    if (title) {
        *title = x->title.len ? (kb_str){x->title.data, x->title.len} : explicit_title;
        for (unsigned i = 0; title->n == 0 && i < s.nlines; i++)
            *title = trim(line_str(&s, i).p, line_str(&s, i).n);
        if (title->n > 120) {
            title->n = 120;
            while (title->n && ((unsigned char)title->p[title->n] & 0xC0) == 0x80)
                title->n--;
        }
    }
    int rc = make_passages(&s);
    free(s.lines);
    free(s.paras);
    return (kb_status)rc;
}
