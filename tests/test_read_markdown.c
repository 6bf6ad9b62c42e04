/* Tests for the Markdown reader (kb_read_markdown, format.h): the exact
 * text a reader sees for small inputs, heading and code marks, front
 * matter title and tags, and on every extract the run invariants of
 * extract.h: runs in order and in bounds, verbatim runs equal to their
 * source, line and column as counted in the source, and every word of the
 * text found, letter by letter, where its run says it came from. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/buf.h"
#include "kbsearch/format.h"
#include "kbsearch/utf8.h"

typedef struct {
    char *src; /* a buffer of exactly the source's size: ASan sees overreads */
    kb_extract x;
} doc;

static const char *text_of(const doc *d)
{
    return kb_extract_text(&d->x);
}

/* Line and column of source offset `at`, counted directly. */
static void place_of(const char *s, size_t at, unsigned *line, kb_column *col)
{
    size_t bol = 0;
    *line = 1;
    for (size_t i = 0; i < at; i++)
        if (s[i] == '\n') {
            (*line)++;
            bol = i + 1;
        }
    *col = (kb_column){at - bol, 0, 0};
    for (size_t i = bol; i < at; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) != 0x80) {
            col->cps++;
            col->utf16 += c >= 0xF0 ? 2 : 1;
        }
    }
}

/* The run holding text byte `off`, or NULL for layout between runs. */
static const kb_run *run_holding(const kb_extract *x, size_t off)
{
    for (size_t i = 0; i < x->nruns; i++)
        if (off >= x->runs[i].text && off < x->runs[i].text + x->runs[i].len)
            return &x->runs[i];
    return NULL;
}

/* Where text offset `off` maps in the source (as kb_record_place does). */
static size_t map(const kb_extract *x, size_t off, bool end)
{
    const kb_run *r = &x->runs[kb_extract_run_at(x, off, end)];
    if (off <= r->text)
        return r->src;
    if (r->verbatim)
        return r->src + (off - r->text < r->len ? off - r->text : r->len);
    return off >= r->text + r->len ? r->src + r->src_len : r->src;
}

static bool word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Every word wholly in verbatim runs: its letters, in order, inside the
 * source range it maps to (markup such as "*" may sit between them). */
static void check_words(const kb_extract *x)
{
    const char *t = kb_extract_text(x);
    size_t len = kb_extract_len(x);
    for (size_t i = 0; i < len;) {
        if (!word_byte((unsigned char)t[i])) {
            i++;
            continue;
        }
        size_t end = i;
        bool verbatim = true;
        for (; end < len && word_byte((unsigned char)t[end]); end++) {
            const kb_run *r = run_holding(x, end);
            verbatim = verbatim && r && r->verbatim;
        }
        if (verbatim) {
            size_t s = map(x, i, false), e = map(x, end, true), k = i;
            cr_assert_leq(s, e, "word at %zu maps backwards", i);
            for (size_t j = s; j < e && k < end; j++)
                if (x->src[j] == t[k])
                    k++;
            cr_assert_eq(k, end, "word \"%.*s\" not found in source [%zu,%zu): \"%.*s\"",
                         (int)(end - i), t + i, s, e, (int)(e - s), x->src + s);
        }
        i = end;
    }
}

static void check_invariants(const kb_extract *x)
{
    const char *t = kb_extract_text(x);
    size_t len = kb_extract_len(x);
    cr_assert(kb_utf8_valid(t, len, NULL), "text is not valid UTF-8");
    cr_assert_not(x->identity);
    for (size_t i = 0; i < x->nruns; i++) {
        const kb_run *r = &x->runs[i];
        cr_assert_gt(r->len, 0, "run %zu is empty", i);
        cr_assert_leq(r->text + r->len, len, "run %zu beyond the text", i);
        cr_assert_leq(r->src + r->src_len, x->src_len, "run %zu beyond the source", i);
        if (i > 0) {
            const kb_run *p = &x->runs[i - 1];
            cr_assert_geq(r->text, p->text + p->len, "run %zu overlaps in the text", i);
            cr_assert_geq(r->src, p->src + p->src_len, "run %zu goes back in the source", i);
        }
        if (r->verbatim) {
            cr_assert_eq(r->len, r->src_len);
            cr_assert(memcmp(t + r->text, x->src + r->src, r->len) == 0,
                      "verbatim run %zu differs from its source", i);
        }
        unsigned line;
        kb_column col;
        place_of(x->src, r->src, &line, &col);
        cr_assert_eq(r->line, line, "run %zu line", i);
        cr_assert_eq(r->col.bytes, col.bytes, "run %zu column bytes", i);
        cr_assert_eq(r->col.cps, col.cps, "run %zu column code points", i);
        cr_assert_eq(r->col.utf16, col.utf16, "run %zu column UTF-16", i);
    }
    for (size_t i = 0; i < x->nmarks; i++) {
        const kb_mark *m = &x->marks[i];
        cr_assert_leq(m->start, m->end);
        cr_assert_leq(m->end, len);
        cr_assert(m->label_start >= m->start && m->label_end <= m->end);
        cr_assert(i == 0 || x->marks[i - 1].start <= m->start, "marks out of order");
    }
    check_words(x);
}

static doc *read_bytes(const char *src, size_t n)
{
    doc *d = calloc(1, sizeof *d);
    cr_assert_not_null(d);
    d->src = malloc(n + 1); /* NUL-terminated, as kb_read_text's text (extract.h) */
    cr_assert_not_null(d->src);
    memcpy(d->src, src, n);
    d->src[n] = '\0';
    kb_extract_init(&d->x, d->src, n);
    cr_assert_eq(kb_read_markdown(&d->x), KB_OK);
    check_invariants(&d->x);
    return d;
}

static doc *read_md(const char *src)
{
    return read_bytes(src, strlen(src));
}

static doc *read_fixture(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/fixtures/formats/%s", KB_TEST_DATA, name);
    kb_buf b = KB_BUF_INIT;
    cr_assert_eq(kb_buf_read_file(&b, path), KB_OK, "%s", path);
    doc *d = read_bytes(b.data ? b.data : "", b.len);
    kb_buf_free(&b);
    return d;
}

static void doc_free(doc *d)
{
    kb_extract_free(&d->x);
    free(d->src);
    free(d);
}

static void expect_text(const doc *d, const char *want)
{
    size_t n = kb_extract_len(&d->x);
    cr_assert(n == strlen(want) && memcmp(text_of(d), want, n) == 0,
              "text:\n[%.*s]\nwanted:\n[%s]", (int)n, text_of(d), want);
}

static void expect_title(const doc *d, const char *want)
{
    const kb_buf *t = &d->x.title;
    cr_assert(t->len == strlen(want) && (!t->len || memcmp(t->data, want, t->len) == 0),
              "title [%.*s], wanted [%s]", (int)t->len, t->data ? t->data : "", want);
}

/* The tags, joined by '|'. */
static void expect_tags(const doc *d, const char *want)
{
    kb_buf got = KB_BUF_INIT;
    const kb_buf *tags = &d->x.tags;
    for (size_t i = 0; i < tags->len; i += strlen(tags->data + i) + 1)
        kb_buf_printf(&got, "%s%s", i ? "|" : "", tags->data + i);
    cr_assert_str_eq(got.data ? got.data : "", want);
    kb_buf_free(&got);
}

static void expect_mark(const doc *d, size_t i, kb_mark_kind kind, unsigned value,
                        const char *covers)
{
    cr_assert_lt(i, d->x.nmarks, "no mark %zu", i);
    const kb_mark *m = &d->x.marks[i];
    cr_assert_eq(m->kind, kind, "mark %zu kind", i);
    cr_assert_eq(m->value, value, "mark %zu value", i);
    size_t n = m->end - m->start;
    cr_assert(n == strlen(covers) && memcmp(text_of(d) + m->start, covers, n) == 0,
              "mark %zu covers [%.*s], wanted [%s]", i, (int)n, text_of(d) + m->start, covers);
    cr_assert(m->label_start == m->start && m->label_end == m->end,
              "mark %zu: the label is the heading's text", i);
}

/* The run holding the first occurrence of `word` in the text. */
static const kb_run *run_of(const doc *d, const char *word)
{
    const char *hit = memmem(text_of(d), kb_extract_len(&d->x), word, strlen(word));
    cr_assert_not_null(hit, "\"%s\" not in the text", word);
    const kb_run *r = run_holding(&d->x, (size_t)(hit - text_of(d)));
    cr_assert_not_null(r, "\"%s\" in no run", word);
    return r;
}

static void expect_absent(const doc *d, const char *s)
{
    cr_assert_null(memmem(text_of(d), kb_extract_len(&d->x), s, strlen(s)),
                   "\"%s\" should not be in the text", s);
}

/* Front matter */

Test(front_matter, flow_list_tags_and_double_quoted_title)
{
    doc *d = read_fixture("markdown-front-flow.md");
    expect_title(d, "Bread: a sourdough log");
    expect_tags(d, "baking|sour dough|starter");
    expect_text(d, "Feeding schedule\n\n"
                   "The starter gets fed at eight, with equal weights of flour and water.");
    expect_mark(d, 0, KB_MARK_HEADING, 1, "Feeding schedule");
    /* Offsets stay those of the whole file. */
    const kb_run *r = run_of(d, "Feeding");
    cr_assert_eq(r->src, (size_t)(strstr(d->src, "# Feeding") - d->src) + 2);
    cr_assert_eq(r->line, 6);
    doc_free(d);
}

Test(front_matter, yaml_block_list_and_single_quoted_title_closed_by_dots)
{
    doc *d = read_fixture("markdown-front-list.md");
    expect_title(d, "Bike maintenance");
    expect_tags(d, "cycling|repairs|chains");
    expect_text(d, "Chain wax lasts about three hundred kilometres in dry weather.");
    cr_assert_eq(run_of(d, "Chain")->line, 9);
    doc_free(d);
}

Test(front_matter, comma_keywords_and_nested_keys_ignored)
{
    doc *d = read_fixture("markdown-front-comma.md");
    expect_title(d, "Tax return 2025");
    expect_tags(d, "finance|paperwork|deadlines");
    expect_text(d, "Send the form before the end of January.");
    doc_free(d);
}

Test(front_matter, unclosed_is_markdown)
{
    doc *d = read_md("---\ntitle: Not Front Matter\n\n# Actual Heading\n\nText.\n");
    expect_title(d, "");
    expect_text(d, "title: Not Front Matter\n\nActual Heading\n\nText.");
    expect_mark(d, 0, KB_MARK_HEADING, 1, "Actual Heading");
    doc_free(d);
}

Test(front_matter, alone_and_with_a_byte_order_mark)
{
    doc *d = read_md("\xef\xbb\xbf---\r\ntitle: Only \"meta\"\r\n---\r\n");
    expect_title(d, "Only \"meta\"");
    expect_text(d, "");
    cr_assert_eq(d->x.nruns, 0);
    doc_free(d);
    d = read_md("\xef\xbb\xbf# After a BOM\n");
    expect_text(d, "After a BOM");
    expect_mark(d, 0, KB_MARK_HEADING, 1, "After a BOM");
    doc_free(d);
}

/* Headings */

Test(headings, atx_levels_without_markers)
{
    doc *d = read_md("# One\n\n## Two ##\nBody under two.\n\n###### Six #####   \n#hashtag\n");
    expect_text(d, "One\n\nTwo\n\nBody under two.\n\nSix\n\n#hashtag");
    cr_assert_eq(d->x.nmarks, 3);
    expect_mark(d, 0, KB_MARK_HEADING, 1, "One");
    expect_mark(d, 1, KB_MARK_HEADING, 2, "Two");
    expect_mark(d, 2, KB_MARK_HEADING, 6, "Six");
    doc_free(d);
}

Test(headings, setext_levels_and_a_heading_right_after_a_paragraph)
{
    doc *d = read_md("Big Title\n=========\n\nSmall title\nover two lines\n---\nIntro.\n# Next\nText.\n");
    expect_text(d, "Big Title\n\nSmall title over two lines\n\nIntro.\n\nNext\n\nText.");
    expect_mark(d, 0, KB_MARK_HEADING, 1, "Big Title");
    expect_mark(d, 1, KB_MARK_HEADING, 2, "Small title over two lines");
    expect_mark(d, 2, KB_MARK_HEADING, 1, "Next");
    doc_free(d);
}

Test(headings, inside_a_list_item_still_a_block_of_its_own)
{
    doc *d = read_md("- # Item heading\n  text\n- next\n");
    expect_text(d, "Item heading\n\ntext\nnext");
    expect_mark(d, 0, KB_MARK_HEADING, 1, "Item heading");
    doc_free(d);
}

/* Blocks and lines */

Test(lists, items_are_lines_of_one_block_nested_too)
{
    doc *d = read_md("Before.\n\n- apples\n- pears\n  - green\n  - red\n- plums\n\nAfter.\n");
    expect_text(d, "Before.\n\napples\npears\ngreen\nred\nplums\n\nAfter.");
    doc_free(d);
}

Test(lists, loose_ordered_and_task_lists)
{
    doc *d = read_md("1. first\n\n   still first\n2. second\n\n- [x] done\n- [ ] to do\n");
    expect_text(d, "first\nstill first\nsecond\n\ndone\nto do");
    doc_free(d);
}

Test(blocks, quote_rule_and_paragraphs)
{
    doc *d = read_md("> Quoted line\n> goes on.\n\n***\n\nPlain.\n");
    expect_text(d, "Quoted line goes on.\n\nPlain.");
    /* The soft break's space stands for the newline and the quote marker. */
    const kb_run *r = run_holding(&d->x, strlen("Quoted line"));
    cr_assert_not_null(r);
    cr_assert_not(r->verbatim);
    cr_assert_eq(r->src, strlen("> Quoted line"));
    cr_assert_eq(r->src_len, 3);
    doc_free(d);
}

Test(blocks, table_rows_are_lines_cells_one_space_apart)
{
    doc *d = read_md("| Month | Gas |\n|:------|----:|\n| May   | 41  |\n| June  |     |\n");
    expect_text(d, "Month Gas\nMay 41\nJune");
    const kb_run *r = run_holding(&d->x, strlen("Month"));
    cr_assert_not_null(r);
    cr_assert_eq(r->src, strlen("| Month"));
    cr_assert_eq(r->src_len, 3, "the space stands for \" | \"");
    doc_free(d);
}

Test(breaks, soft_is_a_space_hard_is_a_line)
{
    doc *d = read_md("one\n   two  \nthree\\\nfour\n");
    expect_text(d, "one two\nthree\nfour");
    const kb_run *r = run_holding(&d->x, 3);
    cr_assert_not_null(r);
    cr_assert_eq(r->src, 3);
    cr_assert_eq(r->src_len, 4, "the newline and the indentation");
    cr_assert_eq(run_of(d, "four")->line, 4);
    doc_free(d);
}

Test(breaks, crlf_line_ends)
{
    doc *d = read_md("# Title\r\n\r\nline a\r\nline b\r\n\r\n```\r\nx = 1\r\ny = 2\r\n```\r\n");
    expect_text(d, "Title\n\nline a line b\n\nx = 1\ny = 2\n");
    expect_mark(d, 0, KB_MARK_HEADING, 1, "Title");
    expect_mark(d, 1, KB_MARK_CODE, 0, "x = 1\ny = 2");
    /* The code's "\n" stands for the source's "\r\n". */
    const kb_run *r = run_holding(&d->x, strlen("Title\n\nline a line b\n\nx = 1"));
    cr_assert_not_null(r);
    cr_assert_eq(r->src_len, 2);
    cr_assert_eq(d->src[r->src], '\r');
    cr_assert_eq(run_of(d, "y = 2")->line, 8);
    doc_free(d);
}

Test(breaks, lone_cr_line_ends)
{
    doc *d = read_md("# T\r\rline a\rline b\r\r```\rx\r  y\r```\r<div>\ra\rb\r</div>");
    expect_text(d, "T\n\nline a line b\n\nx\n  y\n\na b");
    expect_mark(d, 1, KB_MARK_CODE, 0, "x\n  y");
    const kb_run *r = run_holding(&d->x, strlen("T\n\nline a line b\n\nx"));
    cr_assert_not_null(r);
    cr_assert_eq(r->src_len, 1);
    cr_assert_eq(d->src[r->src], '\r');
    doc_free(d);
}

/* Code */

Test(code, fenced_block_verbatim_with_a_code_mark)
{
    doc *d = read_md("Run this:\n\n```python\ndef f(x):\n    return x\n\nprint(f(1))\n```\nDone.\n");
    expect_text(d, "Run this:\n\ndef f(x):\n    return x\n\nprint(f(1))\n\nDone.");
    cr_assert_eq(d->x.nmarks, 1);
    expect_mark(d, 0, KB_MARK_CODE, 0, "def f(x):\n    return x\n\nprint(f(1))");
    /* The whole block maps byte for byte. */
    const kb_run *r = run_of(d, "def");
    cr_assert(r->verbatim);
    cr_assert_eq(r->len, strlen("def f(x):\n    return x\n\nprint(f(1))\n"));
    doc_free(d);
}

Test(code, indented_block_and_tabs)
{
    doc *d = read_md("Text.\n\n    make all\n      -j4\n\n\tafter a tab\n");
    expect_text(d, "Text.\n\nmake all\n  -j4\n\nafter a tab\n");
    expect_mark(d, 0, KB_MARK_CODE, 0, "make all\n  -j4\n\nafter a tab");
    doc_free(d);
}

Test(code, fenced_in_a_list_item_and_a_quote)
{
    doc *d = read_md("- item\n\n  ```\n  in item\n    deeper\n  ```\n\n> ```\n> quoted\n> ```\n");
    expect_text(d, "item\nin item\n  deeper\n\nquoted\n");
    expect_mark(d, 0, KB_MARK_CODE, 0, "in item\n  deeper");
    expect_mark(d, 1, KB_MARK_CODE, 0, "quoted");
    /* md4c measures "  deeper" past the item's indentation: the spaces
     * still map to the spaces just before the word. */
    const kb_run *r = run_holding(&d->x, strlen("item\nin item\n"));
    cr_assert_not_null(r);
    cr_assert(r->verbatim);
    cr_assert_eq(r->src, (size_t)(strstr(d->src, "deeper") - d->src) - 2);
    doc_free(d);
}

Test(code, last_line_of_the_file_keeps_its_trailing_spaces)
{
    doc *d = read_md("```\nfoo  ");
    expect_text(d, "foo  \n");
    expect_mark(d, 0, KB_MARK_CODE, 0, "foo  ");
    doc_free(d);
}

Test(code, inline_code_is_text_without_a_mark)
{
    doc *d = read_md("Run `make\nall` now and ``a `b` c``.\n");
    expect_text(d, "Run make all now and a `b` c.");
    cr_assert_eq(d->x.nmarks, 0);
    doc_free(d);
}

/* Inline markup */

Test(inline, links_keep_their_text_not_their_targets)
{
    doc *d = read_md("See [the docs](https://example.com/docs \"Docs title\") and "
                     "![a diagram](img/d.png 'Pic title'), <https://example.org/x>, "
                     "www.example.net and [a ref][r].\n\n[r]: https://hidden.example/ref\n");
    expect_text(d, "See the docs and a diagram, https://example.org/x, www.example.net and a ref.");
    expect_absent(d, "example.com");
    expect_absent(d, "Docs title");
    expect_absent(d, "img/d.png");
    expect_absent(d, "Pic title");
    expect_absent(d, "hidden");
    doc_free(d);
}

Test(inline, emphasis_markers_vanish_without_splitting_words)
{
    doc *d = read_md("un*frigging*believable **bold** _it_ ~~gone~~ ***both***\n");
    expect_text(d, "unfriggingbelievable bold it gone both");
    /* Three runs, adjacent in the text, each its own source bytes. */
    const kb_run *r = run_of(d, "un");
    cr_assert_eq(r->len, 2);
    cr_assert_eq((r + 1)->src, 3);
    cr_assert_eq((r + 1)->text, 2);
    cr_assert_eq((r + 2)->src, 12);
    doc_free(d);
}

Test(inline, entities_decoded_each_a_run_of_its_own)
{
    doc *d = read_md("A &amp; B &lt;x&gt; &copy;2026 caf&eacute; &#233;&#xE9; &bogus; &#0; x&#10;y\n");
    expect_text(d, "A & B <x> \xc2\xa9" "2026 caf\xc3\xa9 \xc3\xa9\xc3\xa9 &bogus; "
                   "\xef\xbf\xbd x y");
    const kb_run *amp = run_of(d, "&");
    cr_assert_not(amp->verbatim);
    cr_assert_eq(amp->len, 1);
    cr_assert_eq(amp->src, 2);
    cr_assert_eq(amp->src_len, 5);
    const kb_run *e = run_of(d, "\xc3\xa9\xc3\xa9");
    cr_assert_eq(e->len, 2, "&#233; and &#xE9; are two runs");
    cr_assert_eq(e->src_len, 6);
    cr_assert_eq((e + 1)->src, e->src + 6);
    cr_assert_eq((e + 1)->src_len, 6);
    cr_assert(run_of(d, "&bogus;")->verbatim, "an unknown name stays as written");
    doc_free(d);
}

Test(inline, html_tags_dropped_a_space_where_they_separate_words)
{
    doc *d = read_md("foo<b>bar</b> one<br>two <span class=\"x\">in</span>side "
                     "a <!-- note --> b <a\nhref=\"u\">link</a>\n");
    expect_text(d, "foobar one two inside a  b link");
    const kb_run *r = run_holding(&d->x, strlen("foobar one"));
    cr_assert_not_null(r);
    cr_assert_eq(r->src_len, 4, "the space stands for <br>");
    doc_free(d);
}

Test(inline, html_block_text_kept_tags_and_scripts_dropped)
{
    doc *d = read_md("<div class=\"note\">\n  Some <em>html</em> text &amp; more\n"
                     "<script>var hidden = 1;</script>\n<p title='a > b'>end</p>\n</div>\n\n"
                     "After.\n");
    expect_text(d, "Some html text & more end\n\nAfter.");
    expect_absent(d, "hidden");
    doc_free(d);
}

Test(inline, nul_becomes_a_replacement_character)
{
    doc *d = read_bytes("a\0b\n\n```\nc\0d\n```\n", 17);
    expect_text(d, "a\xef\xbf\xbd" "b\n\nc\xef\xbf\xbd" "d\n");
    const kb_run *r = run_of(d, "\xef\xbf\xbd");
    cr_assert_eq(r->src, 1);
    cr_assert_eq(r->src_len, 1);
    doc_free(d);
}

/* Places */

Test(places, multibyte_text_before_a_match)
{
    doc *d = read_fixture("markdown-multibyte.md");
    expect_text(d, "\xc3\x9cn\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9 notes\n\n"
                   "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x83\x86\xe3\x82\xad"
                   "\xe3\x82\xb9\xe3\x83\x88 and then a needle here. "
                   "\xc3\x87" "a co\xc3\xbb" "te \xf0\x9f\x98\x80 trop: another needle.");
    /* "日本語のテキスト and then a **" is 8 characters of 3 bytes, then 12. */
    const kb_run *r = run_of(d, "needle here");
    cr_assert_eq(r->line, 3);
    cr_assert_eq(r->col.bytes, 24 + 12 + 2);
    cr_assert_eq(r->col.cps, 8 + 12 + 2);
    cr_assert_eq(r->col.utf16, 8 + 12 + 2);
    /* "Ça coûte 😀 trop: *": the emoji is two UTF-16 units. */
    r = run_of(d, "another");
    cr_assert_eq(r->line, 4);
    cr_assert_eq(r->col.bytes, 23);
    cr_assert_eq(r->col.cps, 18);
    cr_assert_eq(r->col.utf16, 19);
    doc_free(d);
}

Test(places, a_whole_note)
{
    doc *d = read_fixture("markdown-note.md");
    expect_title(d, "Moving house");
    expect_tags(d, "home|planning");
    expect_text(d,
                "Moving house\n\n"
                "We move on the first of May. The van is booked for eight in the morning, "
                "and the keys come at noon.\n\n"
                "Boxes\n\n"
                "Kitchen\nBooks\npaperbacks\nthe atlas\nBathroom\n\n"
                "order boxes\ncancel the newspaper\n\n"
                "Room Boxes Done\nKitchen 12 yes\nStudy 20 no\n\n"
                "Label every box on two sides, not just the top.\n\n"
                "Packing list\n\n"
                "rsync -a ~/photos /mnt/backup\n\n"
                "indented: keep as is\n\n"
                "See the removals page or https://example.org/checklist. Ask Zo\xc3\xab & Per "
                "about the old sofa.\n\n"
                "Costs \xe2\x80\x94 roughly \xe2\x82\xac" "800. Deposit back\xc2\xa0later.");
    cr_assert_eq(d->x.nmarks, 5);
    expect_mark(d, 0, KB_MARK_HEADING, 1, "Moving house");
    expect_mark(d, 1, KB_MARK_HEADING, 2, "Boxes");
    expect_mark(d, 2, KB_MARK_HEADING, 2, "Packing list");
    expect_mark(d, 3, KB_MARK_CODE, 0, "rsync -a ~/photos /mnt/backup");
    expect_mark(d, 4, KB_MARK_CODE, 0, "indented: keep as is");
    cr_assert_eq(run_of(d, "the atlas")->line, 15);
    cr_assert_eq(run_of(d, "the atlas")->col.bytes, 5);
    doc_free(d);
}

Test(places, empty_and_blank_input)
{
    doc *d = read_md("");
    expect_text(d, "");
    doc_free(d);
    d = read_md(" \n\t\n\r\n");
    expect_text(d, "");
    cr_assert_eq(d->x.nruns, 0);
    doc_free(d);
}

Test(format, markdown_extensions_use_this_reader)
{
    const kb_format *f = kb_format_for_path("notes/todo.md");
    cr_assert_not_null(f);
    cr_assert_eq(f->read, kb_read_markdown);
    cr_assert_not(f->raw);
    cr_assert(f->guess_headings);
    cr_assert_eq(kb_format_for_path("README.Markdown")->read, kb_read_markdown);
}
