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

static bool split_lines(seg *s)
{
    unsigned n = 1;
    for (size_t i = 0; i < s->len; i++)
        n += s->text[i] == '\n';
    s->lines = malloc(n * sizeof *s->lines);
    if (!s->lines)
        return false;
    size_t start = 0;
    s->nlines = 0;
    for (size_t i = 0; i <= s->len; i++) {
        if (i < s->len && s->text[i] != '\n')
            continue;
        if (i == s->len && start == s->len && s->nlines > 0)
            break; /* the text ended with a newline: no empty last line */
        size_t end = i;
        if (end > start && s->text[end - 1] == '\r')
            end--;
        line *l = &s->lines[s->nlines++];
        l->start = start;
        l->end = end;
        l->blank = trim(s->text + start, end - start).n == 0;
        start = i + 1;
    }
    return true;
}

/* Markdown "## Title ##" -> "Title"; Org "** Title" -> "Title". */
static bool marked_heading(kb_str l, char mark, unsigned max_level, kb_str *out)
{
    size_t k = 0;
    while (k < l.n && l.p[k] == mark)
        k++;
    if (k == 0 || k > max_level || (k < l.n && l.p[k] != ' ' && l.p[k] != '\t'))
        return false;
    kb_str t = trim(l.p + k, l.n - k);
    while (mark == '#' && t.n && t.p[t.n - 1] == '#')
        t.n--;
    *out = trim(t.p, t.n);
    return out->n > 0;
}

/* An RST adornment line: one punctuation character repeated, 3+ times. */
static bool rst_adornment(kb_str l)
{
    l = trim(l.p, l.n);
    if (l.n < 3 || !strchr("=-~^\"'`#*+:", l.p[0]))
        return false;
    for (size_t i = 1; i < l.n; i++)
        if (l.p[i] != l.p[0])
            return false;
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

/* Skips Markdown front matter; returns the first line after it and sets
 * *title from its "title:" line. */
static unsigned front_matter(const seg *s, kb_str *title)
{
    if (s->nlines < 2 || trim(line_str(s, 0).p, line_str(s, 0).n).n != 3 ||
        memcmp(line_str(s, 0).p, "---", 3) != 0)
        return 0;
    kb_str found = {"", 0};
    for (unsigned i = 1; i < s->nlines; i++) {
        kb_str l = trim(line_str(s, i).p, line_str(s, i).n);
        if (l.n == 3 && (memcmp(l.p, "---", 3) == 0 || memcmp(l.p, "...", 3) == 0)) {
            *title = found;
            return i + 1;
        }
        if (l.n > 6 && strncasecmp(l.p, "title:", 6) == 0) {
            found = trim(l.p + 6, l.n - 6);
            if (found.n >= 2 && (found.p[0] == '"' || found.p[0] == '\'') &&
                found.p[found.n - 1] == found.p[0])
                found = (kb_str){found.p + 1, found.n - 2};
        }
    }
    return 0; /* no closing line: not front matter */
}

static void add_para(seg *s, unsigned first, unsigned last, bool explicit_h, kb_str h)
{
    para *p = &s->paras[s->nparas++];
    p->first = first;
    p->last = last;
    p->explicit_heading = explicit_h;
    p->heading_text = h;
    if (!explicit_h && first == last) {
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

static void find_paras(seg *s, kb_syntax syntax, unsigned from, kb_str *explicit_title)
{
    unsigned open = 0;
    bool in_para = false;
    for (unsigned i = from; i < s->nlines; i++) {
        kb_str l = line_str(s, i), h;
        bool heading = false;
        unsigned first = i, last = i;
        if (syntax == KB_SYNTAX_MARKDOWN) {
            heading = marked_heading(l, '#', 6, &h);
        } else if (syntax == KB_SYNTAX_ORG) {
            heading = marked_heading(l, '*', 32, &h);
        } else if (syntax == KB_SYNTAX_RST && !s->lines[i].blank && !rst_adornment(l) &&
                   i + 1 < s->nlines && rst_adornment(line_str(s, i + 1))) {
            heading = true;
            h = trim(l.p, l.n);
            last = i + 1;
            /* An overline just before belongs to the title, not the text. */
            if (in_para && open + 1 == i && rst_adornment(line_str(s, open))) {
                first = open;
                in_para = false;
            }
        }
        if (s->lines[i].blank || heading) {
            if (in_para)
                add_para(s, open, i - 1, false, (kb_str){"", 0});
            in_para = false;
        }
        if (heading) {
            add_para(s, first, last, true, h);
            if (explicit_title->n == 0)
                *explicit_title = h;
            i = last;
        } else if (!s->lines[i].blank && !in_para) {
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
                    heading, body};
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
    if (kb_count_words(body_text) <= KB_WINDOW_MAX_WORDS && end - body <= KB_WINDOW_MAX_BYTES)
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

kb_status kb_segment(const char *text, size_t len, kb_syntax syntax,
                     kb_passage_fn fn, void *ctx, kb_str *title)
{
    seg s = {text, len, NULL, 0, NULL, 0, fn, ctx};
    kb_str fm_title = {"", 0}, explicit_title = {"", 0};
    if (!split_lines(&s))
        return KB_ERR_NOMEM;
    s.paras = malloc(s.nlines * sizeof *s.paras);
    if (!s.paras) {
        free(s.lines);
        return KB_ERR_NOMEM;
    }
    unsigned from = syntax == KB_SYNTAX_MARKDOWN ? front_matter(&s, &fm_title) : 0;
    find_paras(&s, syntax, from, &explicit_title);
    if (title) {
        *title = fm_title.n ? fm_title : explicit_title;
        for (unsigned i = from; title->n == 0 && i < s.nlines; i++)
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

kb_syntax kb_syntax_for_path(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    if (!dot)
        return KB_SYNTAX_PLAIN;
    if (!strcasecmp(dot, ".md") || !strcasecmp(dot, ".markdown"))
        return KB_SYNTAX_MARKDOWN;
    if (!strcasecmp(dot, ".rst"))
        return KB_SYNTAX_RST;
    if (!strcasecmp(dot, ".org"))
        return KB_SYNTAX_ORG;
    return KB_SYNTAX_PLAIN;
}
