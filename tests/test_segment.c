/* Tests for include/kbsearch/segment.h: paragraphs, headings (explicit and
 * heading-like), front matter, windows of long paragraphs, the file title
 * and the choice of a format by path and by content.
 *
 * Every passage any test receives also goes through check_passage(): its
 * bytes slice the text, do not start or end with whitespace, and its line
 * numbers agree with the newlines before its first and last byte. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/format.h"
#include "kbsearch/segment.h"

/* ---- collecting passages ---------------------------------------------- */

typedef struct {
    kb_passage *p;
    size_t n, cap;
    size_t stop_after; /* return stop_rc on this call (1-based); 0: never */
    int stop_rc;
} collector;

static int collect(void *ctx, const kb_passage *p)
{
    collector *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 16;
        c->p = realloc(c->p, c->cap * sizeof *c->p);
        cr_assert_not_null(c->p);
    }
    c->p[c->n++] = *p;
    if (c->stop_after && c->n == c->stop_after)
        return c->stop_rc;
    return 0;
}

static bool is_ws(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\f' || ch == '\v';
}

/* 1 + the number of '\n' in text[0, off). */
static unsigned line_at(const char *text, size_t off)
{
    unsigned line = 1;
    for (size_t i = 0; i < off; i++)
        line += text[i] == '\n';
    return line;
}

static unsigned count_words(const char *p, size_t n)
{
    unsigned w = 0;
    for (size_t i = 0; i < n; i++)
        if (!is_ws(p[i]) && (i == 0 || is_ws(p[i - 1])))
            w++;
    return w;
}

static bool is_cont(unsigned char ch)
{
    return (ch & 0xC0) == 0x80;
}

/* The invariants every passage of every text must meet. */
static void check_passage(const char *what, const char *text, size_t len,
                          const kb_passage *p, const kb_passage *prev)
{
    cr_assert(p->byte_start < p->byte_end && p->byte_end <= len,
              "%s: passage [%zu,%zu) empty or outside the text of %zu bytes", what,
              p->byte_start, p->byte_end, len);
    cr_expect(!is_ws(text[p->byte_start]),
              "%s: passage [%zu,%zu) starts with whitespace: \"%.*s\"", what,
              p->byte_start, p->byte_end, (int)(p->byte_end - p->byte_start),
              text + p->byte_start);
    cr_expect(!is_ws(text[p->byte_end - 1]),
              "%s: passage [%zu,%zu) ends with whitespace", what, p->byte_start,
              p->byte_end);
    cr_expect(!is_cont((unsigned char)text[p->byte_start]) &&
                  (p->byte_end == len || !is_cont((unsigned char)text[p->byte_end])),
              "%s: passage [%zu,%zu) cuts a UTF-8 character", what, p->byte_start,
              p->byte_end);
    cr_expect_eq(p->line_start, line_at(text, p->byte_start),
                 "%s: passage at byte %zu: line_start %u, its first byte is on line %u",
                 what, p->byte_start, p->line_start, line_at(text, p->byte_start));
    cr_expect_eq(p->line_end, line_at(text, p->byte_end - 1),
                 "%s: passage ending at byte %zu: line_end %u, its last byte is on line %u",
                 what, p->byte_end, p->line_end, line_at(text, p->byte_end - 1));
    if (p->heading.n)
        cr_expect(p->heading.p >= text && p->heading.p + p->heading.n <= text + len,
                  "%s: heading does not point into the text", what);
    if (prev)
        cr_expect_geq(p->byte_start, prev->byte_end,
                      "%s: passage at %zu overlaps the one ending at %zu", what,
                      p->byte_start, prev->byte_end);
}

/* Segments text, checks status and the invariants, returns the passages. */
/* Reads `text` as `path`'s format would be and segments it into *c. */
static kb_status segment_as(const char *path, const char *text, size_t len, collector *c,
                            kb_str *title)
{
    const kb_format *f = kb_format_for_path(path);
    cr_assert_not_null(f, "no format for %s", path);
    kb_extract x;
    kb_extract_init(&x, text, len);
    cr_assert_eq(f->read(&x), KB_OK);
    cr_assert(f->read == kb_read_plain || f->read == kb_read_org || f->read == kb_read_rst,
              "these tests are for readers whose text is the source");
    kb_status st = kb_segment(&x, f->guess_headings, collect, c, title);
    kb_extract_free(&x);
    return st;
}

static collector run(const char *what, const char *text, size_t len, const char *path,
                     kb_str *title)
{
    collector c = {0};
    kb_status st = segment_as(path, text, len, &c, title);
    cr_assert_eq(st, KB_OK, "%s: kb_segment returned %d", what, (int)st);
    for (size_t i = 0; i < c.n; i++)
        check_passage(what, text, len, &c.p[i], i ? &c.p[i - 1] : NULL);
    if (title)
        cr_assert(title->n == 0 || (title->p >= text && title->p + title->n <= text + len),
                  "%s: title does not point into the text", what);
    return c;
}

static bool str_is(kb_str s, const char *want)
{
    return s.n == strlen(want) && memcmp(s.p, want, s.n) == 0;
}

/* ---- the table: paragraphs, headings, syntaxes ----------------------- */

#define MAX_PASS 6

typedef struct {
    size_t start;        /* expected byte_start */
    unsigned l1, l2;     /* expected line_start, line_end */
    const char *text;    /* expected text[start,end); NULL ends the list */
    const char *heading; /* expected heading ("" for none) */
} exp_pass;

typedef struct {
    const char *name;
    const char *text;
    const char *path;    /* its format by extension */
    const char *title;
    exp_pass p[MAX_PASS];
} seg_case;

static const seg_case seg_cases[] = {
    {"paragraphs split by a blank line",
     "First para line one.\nline two.\n\nSecond para.\n", "x.txt",
     "First para line one.",
     {{0, 1, 2, "First para line one.\nline two.", ""}, {32, 4, 4, "Second para.", ""}}},
    {"CRLF line endings", "Alpha one.\r\nAlpha two.\r\n\r\nBeta.\r\n", "x.txt",
     "Alpha one.",
     {{0, 1, 2, "Alpha one.\r\nAlpha two.", ""}, {26, 4, 4, "Beta.", ""}}},
    {"no final newline", "One.\n\nTwo.", "x.txt", "One.",
     {{0, 1, 1, "One.", ""}, {6, 3, 3, "Two.", ""}}},
    {"whitespace-only line is blank", "One.\n \t \r\nTwo.\n", "x.txt", "One.",
     {{0, 1, 1, "One.", ""}, {10, 3, 3, "Two.", ""}}},
    {"trailing whitespace and CR excluded", "Text here.   \n\nMore.\t\r\n",
     "x.txt", "Text here.",
     {{0, 1, 1, "Text here.", ""}, {15, 3, 3, "More.", ""}}},
    {"leading blank lines", "\n  \n\nOnly one.\n", "x.txt", "Only one.",
     {{5, 4, 4, "Only one.", ""}}},
    {"empty text", "", "x.txt", "", {{0}}},
    {"blank text", " \n\t\n\r\n", "x.txt", "", {{0}}},

    /* heading-like lines */
    {"heading travels with the next paragraph",
     "Background\n\nThe project began in spring.\n", "x.txt", "Background",
     {{0, 1, 3, "Background\n\nThe project began in spring.", "Background"}}},
    {"heading stays in force", "Scope\n\nFirst paragraph.\n\nSecond paragraph.\n",
     "x.txt", "Scope",
     {{0, 1, 3, "Scope\n\nFirst paragraph.", "Scope"},
      {25, 5, 5, "Second paragraph.", "Scope"}}},
    {"two headings in a row", "Part One\n\nChapter A\n\nBody text.\n", "x.txt",
     "Part One",
     {{0, 1, 1, "Part One", "Part One"},
      {10, 3, 5, "Chapter A\n\nBody text.", "Chapter A"}}},
    {"heading at the end is its own passage", "Body text.\n\nLoose End\n",
     "x.txt", "Body text.",
     {{0, 1, 1, "Body text.", ""}, {12, 3, 3, "Loose End", "Loose End"}}},
    {"heading with CRLF", "Summary\r\n\r\nShort text.\r\n", "x.txt", "Summary",
     {{0, 1, 3, "Summary\r\n\r\nShort text.", "Summary"}}},
    {"list items are not headings", "- apples\n\n- pears\n\nDone.\n", "x.txt",
     "- apples",
     {{0, 1, 1, "- apples", ""}, {10, 3, 3, "- pears", ""}, {19, 5, 5, "Done.", ""}}},
    {"plain text has no explicit headings", "# Looks like md\n\nBody.\n",
     "x.txt", "# Looks like md",
     {{0, 1, 3, "# Looks like md\n\nBody.", "# Looks like md"}}},

    /* Org */
    {"Org headings", "* Top\n** Sub\nText under sub.\n", "x.org", "Top",
     {{0, 1, 1, "* Top", "Top"}, {6, 2, 3, "** Sub\nText under sub.", "Sub"}}},
    {"Org emphasis is not a heading", "*bold* text here.\n", "x.org",
     "*bold* text here.", {{0, 1, 1, "*bold* text here.", ""}}},

    /* reStructuredText */
    {"RST underlined title", "Title\n=====\n\nBody text.\n", "x.rst", "Title",
     {{0, 1, 4, "Title\n=====\n\nBody text.", "Title"}}},
    {"RST overline and underline", "=======\n Title\n=======\n\nBody.\n", "x.rst",
     "Title", {{0, 1, 5, "=======\n Title\n=======\n\nBody.", "Title"}}},
    {"RST sections", "Top\n===\n\nIntro.\n\nSub\n---\n\nMore.\n", "x.rst", "Top",
     {{0, 1, 4, "Top\n===\n\nIntro.", "Top"}, {17, 6, 9, "Sub\n---\n\nMore.", "Sub"}}},
};

/* The parameter is an index into the table: Criterion copies parameters to
 * a freshly started worker, where the rows' pointers would dangle. */
#define N_SEG_CASES (sizeof seg_cases / sizeof seg_cases[0])
static size_t seg_idx[N_SEG_CASES];

ParameterizedTestParameters(segment, table)
{
    for (size_t i = 0; i < N_SEG_CASES; i++)
        seg_idx[i] = i;
    return cr_make_param_array(size_t, seg_idx, N_SEG_CASES);
}

ParameterizedTest(size_t *idx, segment, table)
{
    cr_assert_lt(*idx, N_SEG_CASES);
    const seg_case *c = &seg_cases[*idx];
    size_t len = strlen(c->text), want = 0;
    while (want < MAX_PASS && c->p[want].text)
        want++;

    kb_str title = {"junk", 4};
    collector got = run(c->name, c->text, len, c->path, &title);
    cr_expect(str_is(title, c->title), "[%s] title \"%.*s\", expected \"%s\"", c->name,
              (int)title.n, title.p, c->title);
    cr_assert_eq(got.n, want, "[%s] %zu passages, expected %zu", c->name, got.n, want);
    for (size_t i = 0; i < want; i++) {
        const exp_pass *e = &c->p[i];
        const kb_passage *p = &got.p[i];
        size_t n = strlen(e->text);
        cr_expect_eq(p->byte_start, e->start, "[%s] passage %zu: byte_start %zu, expected %zu",
                     c->name, i, p->byte_start, e->start);
        cr_expect_eq(p->byte_end, e->start + n, "[%s] passage %zu: byte_end %zu, expected %zu",
                     c->name, i, p->byte_end, e->start + n);
        cr_expect(p->byte_end - p->byte_start == n &&
                      memcmp(c->text + p->byte_start, e->text, n) == 0,
                  "[%s] passage %zu: text \"%.*s\", expected \"%s\"", c->name, i,
                  (int)(p->byte_end - p->byte_start), c->text + p->byte_start, e->text);
        cr_expect_eq(p->line_start, e->l1, "[%s] passage %zu: line_start %u, expected %u",
                     c->name, i, p->line_start, e->l1);
        cr_expect_eq(p->line_end, e->l2, "[%s] passage %zu: line_end %u, expected %u",
                     c->name, i, p->line_end, e->l2);
        cr_expect(str_is(p->heading, e->heading),
                  "[%s] passage %zu: heading \"%.*s\", expected \"%s\"", c->name, i,
                  (int)p->heading.n, p->heading.p, e->heading);
        /* the row itself is consistent with the text */
        cr_assert(e->start + n <= len && memcmp(c->text + e->start, e->text, n) == 0,
                  "[%s] bad table row %zu", c->name, i);
    }
    free(got.p);
}

/* ---- which single-line paragraphs are heading-like -------------------- */

typedef struct {
    const char *line;
    bool heading;
} hl_case;

static const hl_case hl_cases[] = {
    {"Introduction", true},
    {"Results and discussion", true},
    {"Ünïcödé heading", true},
    {"東京の概要", true},
    {"one two three four five six seven eight nine ten eleven twelve", true},
    {"one two three four five six seven eight nine ten eleven twelve thirteen", false},
    /* 11 words of 10 letters: exactly 120 bytes, then 121 */
    {"abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij "
     "abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij", true},
    {"abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij abcdefghij "
     "abcdefghij abcdefghij abcdefghij abcdefghij abcdefghijk", false},
    {"This line ends with a period.", false},
    {"Is this a question?", false},
    {"Wow!", false},
    {"Items as follows:", false},
    {"First, second,", false},
    {"Stop here;", false},
    {"He said \"Stop.\"", false},
    {"- apples and pears", false},
    {"* apples", false},
    {"+ apples", false},
    {"1. First step", false},
    {"2) Second step", false},
    {"• bullet point", false},
    {"2026", false},
    {"----", false},
};

#define N_HL_CASES (sizeof hl_cases / sizeof hl_cases[0])
static size_t hl_idx[N_HL_CASES];

ParameterizedTestParameters(segment, heading_like)
{
    for (size_t i = 0; i < N_HL_CASES; i++)
        hl_idx[i] = i;
    return cr_make_param_array(size_t, hl_idx, N_HL_CASES);
}

ParameterizedTest(size_t *idx, segment, heading_like)
{
    cr_assert_lt(*idx, N_HL_CASES);
    const hl_case *c = &hl_cases[*idx];
    char text[512];
    int n = snprintf(text, sizeof text, "%s\n\nFollowing body text.\n", c->line);
    cr_assert(n > 0 && (size_t)n < sizeof text);
    size_t line_len = strlen(c->line);
    collector got = run(c->line, text, (size_t)n, "x.txt", NULL);
    if (c->heading) {
        cr_assert_eq(got.n, 1u, "\"%s\" should be a heading: %zu passages", c->line, got.n);
        cr_expect_eq(got.p[0].byte_start, 0u);
        cr_expect_eq(got.p[0].line_start, 1u);
        cr_expect_eq(got.p[0].line_end, 3u);
        cr_expect(got.p[0].heading.n == line_len &&
                      memcmp(got.p[0].heading.p, c->line, line_len) == 0,
                  "\"%s\": heading \"%.*s\"", c->line, (int)got.p[0].heading.n,
                  got.p[0].heading.p);
    } else {
        cr_assert_eq(got.n, 2u, "\"%s\" should not be a heading: %zu passages", c->line,
                     got.n);
        cr_expect_eq(got.p[0].byte_end, line_len);
        cr_expect_eq(got.p[0].heading.n, 0u, "\"%s\" got heading \"%.*s\"", c->line,
                     (int)got.p[0].heading.n, got.p[0].heading.p);
        cr_expect_eq(got.p[1].heading.n, 0u);
        cr_expect_eq(got.p[1].line_start, 3u);
    }
    free(got.p);
}

/* ---- windows of long paragraphs ---------------------------------------- */

/* Appends `nsent` sentences of `words` words each to a growing string,
 * separated by `sep`. */
typedef struct {
    char *s;
    size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s)
{
    size_t k = strlen(s);
    if (b->n + k + 1 > b->cap) {
        b->cap = (b->n + k + 1) * 2;
        b->s = realloc(b->s, b->cap);
        cr_assert_not_null(b->s);
    }
    memcpy(b->s + b->n, s, k + 1);
    b->n += k;
}

static void sb_sentences(sbuf *b, unsigned nsent, unsigned words, const char *sep)
{
    static const char *const vocab[] = {"river", "stone", "lamp", "orchard", "window",
                                        "signal", "harbor", "meadow", "copper", "lantern"};
    for (unsigned s = 0; s < nsent; s++) {
        if (s)
            sb_add(b, sep);
        sb_add(b, "Then");
        for (unsigned w = 1; w < words; w++) {
            sb_add(b, " ");
            sb_add(b, vocab[(s * 3 + w) % 10]);
        }
        sb_add(b, ".");
    }
}

static bool ends_with_dot(const char *text, const kb_passage *p)
{
    return text[p->byte_end - 1] == '.';
}

/* Between consecutive windows there is only whitespace; the first starts
 * at `first` and the last ends at `last_end`. */
static void check_cover(const char *what, const char *text, const collector *c,
                        size_t first, size_t last_end)
{
    cr_assert_gt(c->n, 0u);
    cr_expect_eq(c->p[0].byte_start, first, "%s: first window starts at %zu", what,
                 c->p[0].byte_start);
    cr_expect_eq(c->p[c->n - 1].byte_end, last_end, "%s: last window ends at %zu, not %zu",
                 what, c->p[c->n - 1].byte_end, last_end);
    for (size_t i = 1; i < c->n; i++) {
        cr_expect_geq(c->p[i].byte_start, c->p[i - 1].byte_end, "%s: windows %zu, %zu overlap",
                      what, i - 1, i);
        for (size_t k = c->p[i - 1].byte_end; k < c->p[i].byte_start; k++)
            cr_expect(is_ws(text[k]), "%s: byte %zu between windows %zu and %zu is lost",
                      what, k, i - 1, i);
    }
}

Test(segment, long_paragraph_windows_at_sentence_ends)
{
    /* 30 sentences of 10 words, one per line: 300 words. */
    sbuf b = {0};
    sb_sentences(&b, 30, 10, "\n");
    sb_add(&b, "\n");
    collector got = run("30x10", b.s, b.n, "x.txt", NULL);
    cr_assert_eq(got.n, 3u, "%zu windows, expected 3 (120 + 120 + 60 words)", got.n);
    static const unsigned lines[3][2] = {{1, 12}, {13, 24}, {25, 30}};
    static const unsigned words[3] = {120, 120, 60};
    for (size_t i = 0; i < got.n; i++) {
        const kb_passage *p = &got.p[i];
        cr_expect(ends_with_dot(b.s, p), "window %zu does not end at a sentence end", i);
        cr_expect_eq(p->line_start, lines[i][0], "window %zu: line_start %u", i, p->line_start);
        cr_expect_eq(p->line_end, lines[i][1], "window %zu: line_end %u", i, p->line_end);
        cr_expect_eq(count_words(b.s + p->byte_start, p->byte_end - p->byte_start), words[i],
                     "window %zu: word count", i);
        cr_expect_eq(p->heading.n, 0u);
    }
    check_cover("30x10", b.s, &got, 0, b.n - 1);
    free(got.p);
    free(b.s);
}

Test(segment, long_paragraph_after_heading)
{
    /* A heading, then 40 sentences of 7 words on one line: 280 words. */
    sbuf b = {0};
    sb_add(&b, "Long Section\n\n");
    size_t body = b.n;
    sb_sentences(&b, 40, 7, " ");
    collector got = run("heading + 40x7", b.s, b.n, "x.txt", NULL);
    cr_assert_geq(got.n, 2u, "%zu windows for 280 words", got.n);
    cr_expect_eq(got.p[0].byte_start, 0u, "the first window starts at the heading");
    cr_expect_eq(got.p[0].line_start, 1u);
    unsigned total = 0;
    for (size_t i = 0; i < got.n; i++) {
        const kb_passage *p = &got.p[i];
        size_t from = p->byte_start > body ? p->byte_start : body;
        unsigned w = count_words(b.s + from, p->byte_end - from);
        total += w;
        cr_expect(str_is(p->heading, "Long Section"), "window %zu: heading \"%.*s\"", i,
                  (int)p->heading.n, p->heading.p);
        cr_expect(ends_with_dot(b.s, p), "window %zu does not end at a sentence end", i);
        cr_expect_leq(w, (unsigned)KB_WINDOW_MAX_WORDS, "window %zu: %u words", i, w);
        if (i + 1 < got.n)
            cr_expect_geq(w, (unsigned)KB_WINDOW_WORDS, "window %zu: only %u words", i, w);
        if (i > 0)
            cr_expect_eq(p->line_start, 3u);
        cr_expect_eq(p->line_end, 3u);
    }
    cr_expect_eq(total, 280u, "the windows hold %u body words", total);
    check_cover("heading + 40x7", b.s, &got, 0, b.n);
    free(got.p);
    free(b.s);
}

Test(segment, window_threshold_is_max_words)
{
    sbuf b = {0};
    sb_sentences(&b, 20, 10, " "); /* exactly KB_WINDOW_MAX_WORDS words */
    collector got = run("200 words", b.s, b.n, "x.txt", NULL);
    cr_expect_eq(got.n, 1u, "200 words: %zu passages, expected one", got.n);
    cr_expect_eq(got.p[0].byte_end, b.n);
    free(got.p);

    sb_add(&b, " Extra."); /* 201 words */
    got = run("201 words", b.s, b.n, "x.txt", NULL);
    cr_expect_geq(got.n, 2u, "201 words: %zu passages, expected windows", got.n);
    for (size_t i = 0; i < got.n; i++)
        cr_expect(ends_with_dot(b.s, &got.p[i]), "window %zu not at a sentence end", i);
    check_cover("201 words", b.s, &got, 0, b.n);
    free(got.p);
    free(b.s);
}

Test(segment, enormous_sentence_cut_between_words)
{
    /* One sentence of 450 words: no sentence end to cut at. */
    sbuf b = {0};
    sb_sentences(&b, 1, 450, " ");
    sb_add(&b, "\n");
    collector got = run("450-word sentence", b.s, b.n, "x.txt", NULL);
    cr_assert_geq(got.n, 3u, "%zu windows for 450 words", got.n);
    unsigned total = 0;
    for (size_t i = 0; i < got.n; i++) {
        const kb_passage *p = &got.p[i];
        unsigned w = count_words(b.s + p->byte_start, p->byte_end - p->byte_start);
        total += w;
        cr_expect_leq(w, (unsigned)KB_WINDOW_MAX_WORDS, "window %zu: %u words", i, w);
        cr_expect(is_ws(b.s[p->byte_end]), "window %zu ends inside a word", i);
        if (i > 0)
            cr_expect(is_ws(b.s[p->byte_start - 1]), "window %zu starts inside a word", i);
        cr_expect_eq(p->line_start, 1u);
        cr_expect_eq(p->line_end, 1u);
    }
    cr_expect_eq(total, 450u, "windows hold %u words", total);
    cr_expect(ends_with_dot(b.s, &got.p[got.n - 1]));
    check_cover("450-word sentence", b.s, &got, 0, b.n - 1);
    free(got.p);
    free(b.s);
}

/* Text without spaces: windows by bytes, never inside a character. */
static void check_no_space_windows(const char *what, const char *unit, unsigned times)
{
    sbuf b = {0};
    for (unsigned i = 0; i < times; i++)
        sb_add(&b, unit);
    cr_assert_gt(b.n, (size_t)KB_WINDOW_MAX_BYTES);
    collector got = run(what, b.s, b.n, "x.txt", NULL);
    cr_assert_geq(got.n, 2u, "%s: %zu bytes in %zu passage(s)", what, b.n, got.n);
    for (size_t i = 0; i < got.n; i++) {
        const kb_passage *p = &got.p[i];
        cr_expect(!is_cont((unsigned char)b.s[p->byte_start]),
                  "%s: window %zu starts inside a character (byte %zu)", what, i,
                  p->byte_start);
        cr_expect(p->byte_end == b.n || !is_cont((unsigned char)b.s[p->byte_end]),
                  "%s: window %zu ends inside a character (byte %zu)", what, i, p->byte_end);
        /* at most one character (< 4 bytes) past the limit */
        cr_expect_leq(p->byte_end - p->byte_start, (size_t)KB_WINDOW_MAX_BYTES + 3,
                      "%s: window %zu has %zu bytes", what, i, p->byte_end - p->byte_start);
        if (i > 0)
            cr_expect_eq(p->byte_start, got.p[i - 1].byte_end, "%s: gap before window %zu",
                         what, i);
    }
    check_cover(what, b.s, &got, 0, b.n);
    free(got.p);
    free(b.s);
}

Test(segment, no_spaces_cut_at_char_boundaries)
{
    check_no_space_windows("1000 x 3-byte Han", "漢", 1000);
    check_no_space_windows("300 x 2+3+4-byte mix", "é漢𠀋", 300);
    check_no_space_windows("600 x 4-byte", "𠀋", 600);
}

Test(segment, no_spaces_cut_at_cjk_sentence_ends)
{
    /* 50 sentences of 19 Han characters and "。": 3000 bytes, no spaces.
     * segment.h: such a paragraph "is cut at sentence ends". */
    sbuf b = {0};
    for (unsigned s = 0; s < 50; s++) {
        for (unsigned k = 0; k < 19; k++)
            sb_add(&b, k % 2 ? "語" : "文");
        sb_add(&b, "。");
    }
    collector got = run("CJK sentences", b.s, b.n, "x.txt", NULL);
    cr_assert_geq(got.n, 2u, "%zu passage(s) for %zu bytes", got.n, b.n);
    for (size_t i = 0; i < got.n; i++) {
        const kb_passage *p = &got.p[i];
        cr_expect(p->byte_end - p->byte_start >= 3 &&
                      memcmp(b.s + p->byte_end - 3, "。", 3) == 0,
                  "window %zu [%zu,%zu) does not end at a sentence end (。)", i,
                  p->byte_start, p->byte_end);
        cr_expect_leq(p->byte_end - p->byte_start, (size_t)KB_WINDOW_MAX_BYTES,
                      "window %zu has %zu bytes", i, p->byte_end - p->byte_start);
    }
    check_cover("CJK sentences", b.s, &got, 0, b.n);
    free(got.p);
    free(b.s);
}

/* ---- leading whitespace ------------------------------------------------ */

Test(segment, indented_paragraph_has_no_leading_whitespace)
{
    /* check_passage() (in run) requires every passage to start with a
     * non-space byte; an indented paragraph is the case that tests it. */
    const char *text = "Intro line.\n\n    Indented text\n    goes on.\n";
    collector got = run("indented", text, strlen(text), "x.txt", NULL);
    cr_assert_eq(got.n, 2u);
    cr_expect_eq(got.p[1].byte_start, 17u, "indented passage starts at byte %zu",
                 got.p[1].byte_start);
    cr_expect_eq(got.p[1].byte_end, 43u);
    cr_expect_eq(got.p[1].line_start, 3u);
    cr_expect_eq(got.p[1].line_end, 4u);
    free(got.p);
}

/* ---- the file title ---------------------------------------------------- */

typedef struct {
    const char *name;
    const char *text;
    const char *path;    /* its format by extension */
    const char *title;
} title_case;

static const title_case title_cases[] = {
    {"plain: first non-blank line", "\n\nHello there  \nsecond\n", "x.txt",
     "Hello there"},
    {"RST: underlined title", "Intro line.\n\nDoc Title\n=========\n\nText.\n",
     "x.rst", "Doc Title"},
    {"Org: first heading", "Preamble.\n\n* Org Title\nText.\n", "x.org",
     "Org Title"},
    {"blank text", "  \n\t\n", "x.txt", ""},
};

#define N_TITLE_CASES (sizeof title_cases / sizeof title_cases[0])
static size_t title_idx[N_TITLE_CASES];

ParameterizedTestParameters(segment, title)
{
    for (size_t i = 0; i < N_TITLE_CASES; i++)
        title_idx[i] = i;
    return cr_make_param_array(size_t, title_idx, N_TITLE_CASES);
}

ParameterizedTest(size_t *idx, segment, title)
{
    cr_assert_lt(*idx, N_TITLE_CASES);
    const title_case *c = &title_cases[*idx];
    kb_str title = {"junk", 4};
    collector got = run(c->name, c->text, strlen(c->text), c->path, &title);
    cr_expect(str_is(title, c->title), "[%s] title \"%.*s\", expected \"%s\"", c->name,
              (int)title.n, title.p, c->title);
    free(got.p);
}

Test(segment, title_trimmed)
{
    /* Only the title is checked here: the passage of an indented line is
     * the subject of indented_paragraph_has_no_leading_whitespace. */
    const char *text = "\n \t\n  \tHello there \t\r\nsecond\n";
    collector c = {0};
    kb_str title = {NULL, 0};
    cr_assert_eq(segment_as("x.txt", text, strlen(text), &c, &title), KB_OK);
    cr_expect(str_is(title, "Hello there"), "title \"%.*s\"", (int)title.n, title.p);
    cr_expect_eq(title.p, text + 7, "the title is a slice of the text");
    free(c.p);
}

/* A long first line: at most 120 bytes, cut before a character. */
static void check_long_title(const char *prefix, const char *unit, unsigned times,
                             size_t want)
{
    sbuf b = {0};
    sb_add(&b, prefix);
    for (unsigned i = 0; i < times; i++)
        sb_add(&b, unit);
    sb_add(&b, "\n\nBody.\n");
    kb_str title = {NULL, 0};
    collector got = run(unit, b.s, b.n, "x.txt", &title);
    cr_expect_eq(title.p, b.s, "the title starts the text");
    cr_expect_leq(title.n, 120u, "title of %zu bytes", title.n);
    cr_expect(!is_cont((unsigned char)title.p[title.n]),
              "title of %zu bytes ends inside a character", title.n);
    cr_expect_eq(title.n, want, "\"%s\" + %u x \"%s\": title of %zu bytes, expected %zu",
                 prefix, times, unit, title.n, want);
    free(got.p);
    free(b.s);
}

Test(segment, title_cut_at_120_bytes_between_characters)
{
    check_long_title("", "x", 130, 120);
    check_long_title("a", "é", 65, 119);  /* é at odd offsets: byte 120 is a tail */
    check_long_title("", "é", 65, 120);
    check_long_title("ab", "漢", 50, 119); /* 漢 at 2+3k: 120 is a tail */
    check_long_title("a", "𠀋", 40, 117); /* 𠀋 at 1+4k: 117 is the last lead byte */
}

Test(segment, title_may_be_null)
{
    const char *text = "Heading\n\nBody.\n";
    collector c = {0};
    cr_expect_eq(segment_as("x.txt", text, strlen(text), &c, NULL), KB_OK);
    cr_expect_eq(c.n, 1u);
    free(c.p);
}

/* ---- stopping early ---------------------------------------------------- */

Test(segment, callback_stops)
{
    const char *text = "One.\n\nTwo.\n\nThree.\n";
    collector c = {.stop_after = 1, .stop_rc = KB_DONE};
    cr_expect_eq(segment_as("x.txt", text, strlen(text), &c, NULL), KB_DONE);
    cr_expect_eq(c.n, 1u, "%zu passages after stopping on the first", c.n);
    free(c.p);

    collector d = {.stop_after = 2, .stop_rc = KB_ERR_IO};
    cr_expect_eq(segment_as("x.txt", text, strlen(text), &d, NULL),
                 KB_ERR_IO);
    cr_expect_eq(d.n, 2u);
    free(d.p);
}

/* ---- kb_format_for_path ------------------------------------------------ */

typedef struct {
    const char *path;
    const char *format; /* NULL: no format by name, the content decides */
} path_case;

static const path_case path_cases[] = {
    {"notes.md", "markdown"},
    {"docs/guide.MARKDOWN", "markdown"},
    {"a/b/index.rst", "rst"},
    {"todo.org", "org"},
    {"readme.txt", "text"},
    {"Makefile", NULL},
    {".profile", NULL},
    {"dir.md/notes", NULL},
    {"archive.md.bak", NULL},
    {"photo.jpeg", NULL},
    {"v1.2/changes.org", "org"},
};

#define N_PATH_CASES (sizeof path_cases / sizeof path_cases[0])
static size_t path_idx[N_PATH_CASES];

ParameterizedTestParameters(segment, format_for_path)
{
    for (size_t i = 0; i < N_PATH_CASES; i++)
        path_idx[i] = i;
    return cr_make_param_array(size_t, path_idx, N_PATH_CASES);
}

ParameterizedTest(size_t *idx, segment, format_for_path)
{
    cr_assert_lt(*idx, N_PATH_CASES);
    const path_case *c = &path_cases[*idx];
    const kb_format *got = kb_format_for_path(c->path);
    if (!c->format)
        cr_expect_null(got, "kb_format_for_path(\"%s\") = %s, expected none", c->path,
                       got ? got->name : "");
    else
        cr_expect(got && !strcmp(got->name, c->format),
                  "kb_format_for_path(\"%s\") = %s, expected %s", c->path,
                  got ? got->name : "none", c->format);
}

Test(segment, sniffing)
{
    cr_expect_str_eq(kb_format_sniff("%PDF-1.4\n", 9)->name, "pdf");
    cr_expect_str_eq(kb_format_sniff("\xef\xbb\xbf <!DOCTYPE html><p>", 25)->name, "html");
    cr_expect_str_eq(kb_format_sniff("<?xml version=\"1.0\"?>\n<html>", 28)->name, "html");
    cr_expect_str_eq(kb_format_sniff("<HTML><body>", 12)->name, "html");
    cr_expect_str_eq(kb_format_sniff("Dear diary,\n", 12)->name, "text");
    cr_expect_str_eq(kb_format_sniff("", 0)->name, "text");
}
