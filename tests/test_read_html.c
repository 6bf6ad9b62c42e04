/* Tests for the HTML reader (kb_read_html, format.h): the text a reader
 * sees, its marks and title, and for every input the map back to the
 * source: runs in order and in bounds, verbatim runs equal to their
 * source bytes, lines and columns as counted in the source, and every
 * word found in the source where its runs say (kb_record_place, as the
 * query side maps it). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/format.h"
#include "kbsearch/record.h"
#include "kbsearch/utf8.h"

#include "../indexer/html.h"

static kb_extract x;
static char *file;
static kb_buf map; /* x's runs encoded as a record's map */

static void teardown(void)
{
    kb_extract_free(&x);
    kb_buf_free(&map);
    free(file);
    file = NULL;
}

/* Starts over on another input within a test. */
static void next_input(void)
{
    kb_extract_free(&x);
    kb_buf_reset(&map);
}

TestSuite(read_html, .fini = teardown);

/* Line and column of source offset `off`, counted directly. */
static void place_of(size_t off, unsigned *line, kb_column *col)
{
    *line = 1;
    size_t bol = 0;
    for (size_t i = 0; i < off; i++)
        if (x.src[i] == '\n') {
            ++*line;
            bol = i + 1;
        }
    *col = (kb_column){off - bol, 0, 0};
    for (size_t i = bol; i < off; i++) {
        unsigned char c = (unsigned char)x.src[i];
        col->cps += (c & 0xc0) != 0x80;
        col->utf16 += (c & 0xc0) != 0x80 ? (c >= 0xf0 ? 2 : 1) : 0;
    }
}

/* The runs: ordered, in bounds, verbatim ones equal to the source, each
 * starting at the line and column its source offset has (in code points
 * and UTF-16 units too when the source is UTF-8). */
static void check_runs(void)
{
    bool utf8_source = kb_utf8_valid(x.src, x.src_len, NULL);
    const char *t = kb_extract_text(&x);
    size_t len = kb_extract_len(&x);
    cr_assert(kb_utf8_valid(t, len, NULL), "text is not UTF-8");
    for (size_t i = 0; i < x.nruns; i++) {
        const kb_run *r = &x.runs[i];
        cr_assert(r->len > 0 && r->text + r->len <= len, "run %zu out of the text", i);
        cr_assert(r->src + r->src_len <= x.src_len, "run %zu out of the source", i);
        if (i) {
            const kb_run *p = &x.runs[i - 1];
            cr_assert(r->text >= p->text + p->len, "run %zu overlaps the one before in the text", i);
            cr_assert(r->src >= p->src + p->src_len, "run %zu goes back in the source", i);
        }
        if (r->verbatim)
            cr_assert(r->len == r->src_len && memcmp(t + r->text, x.src + r->src, r->len) == 0,
                      "verbatim run %zu is not its source", i);
        unsigned line;
        kb_column col;
        place_of(r->src, &line, &col);
        cr_assert_eq(r->line, line, "run %zu: line %u, counted %u", i, r->line, line);
        cr_assert_eq(r->col.bytes, col.bytes, "run %zu: column %zu, counted %zu", i, r->col.bytes,
                     col.bytes);
        if (utf8_source) {
            cr_assert_eq(r->col.cps, col.cps, "run %zu: code points", i);
            cr_assert_eq(r->col.utf16, col.utf16, "run %zu: UTF-16 units", i);
        }
    }
}

/* The whole text as one passage, mapped as the query side maps it. */
static kb_spot place(size_t off, bool end)
{
    if (!map.len)
        kb_map_encode(x.runs, x.nruns, &map);
    kb_record r = {0};
    r.text = (kb_str){kb_extract_text(&x), kb_extract_len(&x)};
    r.map = (kb_str){map.data, map.len};
    kb_spot s;
    cr_assert_eq(kb_record_place(&r, off, end, &s), KB_OK);
    return s;
}

static bool text_space(char c)
{
    return c == ' ' || c == '\n';
}

/* Every word maps to a source range holding its letters that came from
 * verbatim runs (a decoded entity's letters are not in its source). */
static void check_words(void)
{
    const char *t = kb_extract_text(&x);
    size_t len = kb_extract_len(&x);
    for (size_t ws = 0, we; ws < len; ws = we) {
        for (we = ws; we < len && !text_space(t[we]); we++)
            ;
        if (we == ws) {
            we++;
            continue;
        }
        size_t from = place(ws, false).byte, to = place(we, true).byte;
        cr_assert(from <= to && to <= x.src_len, "word at %zu maps to [%zu,%zu)", ws, from, to);
        size_t at = from;
        for (size_t i = ws; i < we; i++) {
            bool letter = (t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') ||
                          (t[i] >= '0' && t[i] <= '9');
            if (!letter || !x.runs[kb_extract_run_at(&x, i, false)].verbatim)
                continue;
            while (at < to && x.src[at] != t[i])
                at++;
            cr_assert(at < to, "'%.*s': '%c' not in its source [%zu,%zu) '%.*s'", (int)(we - ws),
                      t + ws, t[i], from, to, (int)(to - from), x.src + from);
            at++;
        }
    }
}

static void check(void)
{
    check_runs();
    check_words();
    for (size_t i = 0; i < x.nmarks; i++) {
        const kb_mark *m = &x.marks[i];
        cr_assert(m->start < m->end && m->end <= kb_extract_len(&x), "mark %zu out of the text", i);
        cr_assert(!i || x.marks[i - 1].start <= m->start, "marks not in order");
    }
}

static void read_n(const char *html, size_t n)
{
    kb_extract_init(&x, html, n);
    cr_assert_eq(kb_read_html(&x), KB_OK, "%s", x.why.data ? x.why.data : "");
    check();
}

static void read_str(const char *html)
{
    read_n(html, strlen(html));
}

static void read_fixture(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/fixtures/formats/%s", KB_TEST_DATA, name);
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp, "%s", path);
    fseek(fp, 0, SEEK_END);
    size_t n = (size_t)ftell(fp);
    rewind(fp);
    file = malloc(n + 1);
    cr_assert_eq(fread(file, 1, n, fp), n);
    fclose(fp);
    kb_extract_init(&x, file, n);
    cr_assert_eq(kb_read_html(&x), KB_OK);
    check();
}

static void assert_text(const char *want)
{
    cr_assert_eq(kb_extract_len(&x), strlen(want), "text [%.*s], wanted [%s]",
                 (int)kb_extract_len(&x), kb_extract_text(&x), want);
    cr_assert(memcmp(kb_extract_text(&x), want, strlen(want)) == 0, "text [%s], wanted [%s]",
              kb_extract_text(&x), want);
}

/* The mark of `kind` covering exactly `words`, found in the text. */
static const kb_mark *mark_over(kb_mark_kind kind, const char *words)
{
    const char *t = kb_extract_text(&x);
    for (size_t i = 0; i < x.nmarks; i++) {
        const kb_mark *m = &x.marks[i];
        if (m->kind == kind && m->end - m->start == strlen(words) &&
            memcmp(t + m->start, words, m->end - m->start) == 0)
            return m;
    }
    return NULL;
}

static size_t count_marks(kb_mark_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < x.nmarks; i++)
        n += x.marks[i].kind == kind;
    return n;
}

/* Where `word` (the `nth` one, from 0) starts in the text. */
static size_t text_at(const char *word, int nth)
{
    const char *t = kb_extract_text(&x), *p = t;
    for (int i = 0; i <= nth; i++) {
        p = strstr(p + (i > 0), word);
        cr_assert_not_null(p, "'%s' not in the text", word);
    }
    return (size_t)(p - t);
}

static size_t src_at(const char *piece)
{
    const char *p = memmem(x.src, x.src_len, piece, strlen(piece));
    cr_assert_not_null(p, "'%s' not in the source", piece);
    return (size_t)(p - x.src);
}

Test(read_html, the_format_table_reads_html_files_raw_without_guessed_headings)
{
    const char *names[] = {"a/page.html", "b.HTM", "c.xhtml"};
    for (size_t i = 0; i < 3; i++) {
        const kb_format *f = kb_format_for_path(names[i]);
        cr_assert_not_null(f, "%s", names[i]);
        cr_assert_str_eq(f->name, "html");
        cr_assert(f->raw);
        cr_assert_not(f->guess_headings);
        cr_assert_eq(f->read, kb_read_html);
    }
    const char head[] = "<!DOCTYPE html><p>x";
    cr_assert_str_eq(kb_format_sniff(head, sizeof head - 1)->name, "html");
}

Test(read_html, tags_between_letters_add_no_space_and_white_space_collapses)
{
    read_str("<p>Hello <b>bold</b>er \t\n  world</p>");
    assert_text("Hello bolder world");
    /* "bolder" maps from the start of "bold" to the end of "er" */
    size_t at = text_at("bolder", 0);
    cr_assert_eq(place(at, false).byte, src_at("bold</b>"));
    cr_assert_eq(place(at + 6, true).byte, src_at("er ") + 2);
}

Test(read_html, blocks_are_separated_by_a_blank_line_and_lines_by_a_newline)
{
    read_str("<div>a</div><div>b<p>c</p></div>"
             "<ul><li>one</li><li>two<ul><li>inner</li></ul></li></ul>"
             "<p>x<br>y</p><table><tr><td>a</td><td>b</td></tr><tr><th>c<th>d</table>"
             "<dl><dt>term<dd>definition</dl><hr><blockquote>quote</blockquote>");
    assert_text("a\n\nb\n\nc\n\none\ntwo\ninner\n\nx\ny\n\na b\nc d\n\nterm\ndefinition\n\nquote");
}

Test(read_html, what_browsers_do_not_show_is_left_out)
{
    read_str("<html><head><title>T</title><meta name=a content=b><style>h{}</style>"
             "<script>var s;</script></head><body><p>a<script>x()</script><style>p{}</style>"
             "<!-- comment --><template><p>t</p></template><noscript>n</noscript>"
             "<svg><text>s</text></svg><math><mi>m</mi></math><iframe>i</iframe>"
             "<span hidden>h</span>b</p></body></html>");
    assert_text("ab");
    cr_assert_str_eq(x.title.data, "T");
}

Test(read_html, the_first_title_is_the_title_with_entities_decoded)
{
    read_str("<title>  One &amp;\n two </title><title>Second</title><p>x</p>");
    cr_assert_str_eq(x.title.data, "One & two");
    assert_text("x");
}

Test(read_html, an_entity_is_a_run_of_its_own_between_verbatim_runs)
{
    read_str("<p>a &amp; b&eacute;</p>");
    assert_text("a & b\xc3\xa9");
    cr_assert_eq(x.nruns, 4);
    kb_run want[] = {{0, 2, 3, 2, true, 1, {3, 3, 3}},
                     {2, 1, 5, 5, false, 1, {5, 5, 5}},
                     {3, 2, 10, 2, true, 1, {10, 10, 10}},
                     {5, 2, 12, 8, false, 1, {12, 12, 12}}};
    for (size_t i = 0; i < 4; i++) {
        const kb_run *r = &x.runs[i];
        cr_assert(r->text == want[i].text && r->len == want[i].len && r->src == want[i].src &&
                      r->src_len == want[i].src_len && r->verbatim == want[i].verbatim,
                  "run %zu: text %zu+%zu src %zu+%zu verbatim %d", i, r->text, r->len, r->src,
                  r->src_len, r->verbatim);
    }
}

Test(read_html, numeric_and_legacy_references_map_to_their_own_bytes)
{
    read_str("<p>x&#8217;s &#x1F600;&nbsp;AT&T &notit; &ampc</p>");
    assert_text("x\xe2\x80\x99s \xf0\x9f\x98\x80\xc2\xa0" "AT&T \xc2\xacit; &c");
    size_t quote = text_at("\xe2\x80\x99", 0), smile = text_at("\xf0\x9f\x98\x80", 0);
    cr_assert_eq(place(quote, false).byte, src_at("&#8217;"));
    cr_assert_eq(place(quote + 3, true).byte, src_at("&#8217;") + 7);
    cr_assert_eq(place(smile + 4, true).byte, src_at("&#x1F600;") + 9);
    size_t it = text_at("it;", 0); /* &not without ';' is ¬, "it;" is text */
    cr_assert_eq(place(it, false).byte, src_at("it;"));
    cr_assert_eq(place(text_at("&c", 0) + 1, false).byte, src_at("&ampc") + 4);
}

Test(read_html, crlf_collapses_to_a_space_and_stays_a_newline_in_pre)
{
    read_str("<p>a\r\nb</p><pre>c\r\n  d</pre>");
    assert_text("a b\n\nc\n  d");
    size_t nl = text_at("\n  d", 0);
    const kb_run *r = &x.runs[kb_extract_run_at(&x, nl, false)];
    cr_assert(r->text == nl && r->len == 1 && r->src == src_at("\r\n  d") && r->src_len == 2);
    const kb_run *sp = &x.runs[kb_extract_run_at(&x, 1, false)];
    cr_assert(sp->text == 1 && sp->src == 4 && sp->src_len == 2, "the space stands for CR LF");
}

Test(read_html, pre_keeps_white_space_and_is_marked_as_code)
{
    read_str("<p>see</p><pre>\n  if (a &lt; b)\n\treturn;</pre><p>after</p>");
    assert_text("see\n\n  if (a < b)\n\treturn;\n\nafter");
    cr_assert_not_null(mark_over(KB_MARK_CODE, "if (a < b)\n\treturn;"));
    cr_assert_eq(count_marks(KB_MARK_CODE), 1);
}

Test(read_html, a_code_element_alone_in_its_block_is_a_code_block)
{
    read_str("<div><code>x = 1</code></div><p>use <code>y</code> here</p>"
             "<pre><code>z</code></pre>");
    cr_assert_not_null(mark_over(KB_MARK_CODE, "x = 1"));
    cr_assert_not_null(mark_over(KB_MARK_CODE, "z"));
    cr_assert_eq(count_marks(KB_MARK_CODE), 2, "inline code and the <code> in <pre> are not more");
}

Test(read_html, headings_are_blocks_with_their_level_and_words)
{
    read_str("<p>intro</p><h2>Getting <em>started</em></h2>text<h6>Small</h6>");
    assert_text("intro\n\nGetting started\n\ntext\n\nSmall");
    const kb_mark *h = mark_over(KB_MARK_HEADING, "Getting started");
    cr_assert_not_null(h);
    cr_assert_eq(h->value, 2);
    cr_assert(h->label_start == h->start && h->label_end == h->end);
    cr_assert_eq(mark_over(KB_MARK_HEADING, "Small")->value, 6);
}

Test(read_html, page_header_and_footer_are_chrome_a_sections_own_are_not)
{
    read_str("<header>Site</header><main><header>Post head</header><p>Body</p>"
             "<footer>Post foot</footer></main><article><footer>Art foot</footer></article>"
             "<footer>Site foot</footer>");
    cr_assert_not_null(mark_over(KB_MARK_CHROME, "Site"));
    cr_assert_not_null(mark_over(KB_MARK_CHROME, "Site foot"));
    cr_assert_eq(count_marks(KB_MARK_CHROME), 2);
}

Test(read_html, chrome_marks_are_outermost_only)
{
    read_str("<div role=\"navigation\">Menu <nav>Inner <aside>deep</aside></nav></div>"
             "<form><input name=q> Search</form><p>Body</p><div role=contentinfo>Legal</div>"
             "<div role=banner>Banner</div>");
    assert_text("Menu\n\nInner\n\ndeep\n\nSearch\n\nBody\n\nLegal\n\nBanner");
    cr_assert_not_null(mark_over(KB_MARK_CHROME, "Menu\n\nInner\n\ndeep"));
    cr_assert_not_null(mark_over(KB_MARK_CHROME, "Search"));
    cr_assert_not_null(mark_over(KB_MARK_CHROME, "Legal"));
    cr_assert_not_null(mark_over(KB_MARK_CHROME, "Banner"));
    cr_assert_eq(count_marks(KB_MARK_CHROME), 4);
}

Test(read_html, the_text_before_a_form_end_tag_is_the_forms)
{
    /* gumbo 0.10.1 puts it after the form, in one node with what follows */
    read_str("<p>x</p><form>Search &amp; find</form>more<form><b>in</b> tail</form>\n<p>y</p>");
    assert_text("x\n\nSearch & find\n\nmore\n\nin tail\n\ny");
    cr_assert_not_null(mark_over(KB_MARK_CHROME, "Search & find"));
    cr_assert_not_null(mark_over(KB_MARK_CHROME, "in tail"));
    cr_assert_eq(count_marks(KB_MARK_CHROME), 2);
    cr_assert_eq(place(text_at("more", 0), false).byte, src_at("more"));
}

Test(read_html, broken_markup_reads_as_browsers_show_it)
{
    read_str("<p>one<p>two</div> three<div>four <b>bold <i>both</b> italic</i>"
             "<table><tr><td>cell</td></tr> moved</table>");
    /* the stray </div> is ignored, misnested </b> closes <i> and opens a
     * copy, text inside a table but outside a cell goes before it */
    assert_text("one\n\ntwo three\n\nfour bold both italic moved\n\ncell");
}

Test(read_html, a_nul_late_in_the_file_is_a_space_and_early_means_binary)
{
    char late[9000];
    memset(late, ' ', 8500);
    memcpy(late + 8500, "<p>a\0b</p>", 10);
    read_n(late, 8510);
    assert_text("a b"); /* as the text reader reads it (reader.h) */
    cr_assert_eq(x.repaired, 1);
    cr_assert_eq(x.first_bad, 8504);
    next_input();
    kb_extract_init(&x, "<p>a\0b</p>", 10);
    cr_assert_eq(kb_read_html(&x), KB_ERR_FORMAT);
    cr_assert_str_eq(x.why.data, "binary data, not HTML");
}

Test(read_html, control_characters_become_replacement_characters_mapped_to_their_byte)
{
    read_str("<p>a\x01" "b</p>");
    assert_text("a\xef\xbf\xbd" "b");
    const kb_run *r = &x.runs[kb_extract_run_at(&x, 1, false)];
    cr_assert(r->text == 1 && r->len == 3 && r->src == 4 && r->src_len == 1 && !r->verbatim);
}

Test(read_html, the_full_page_fixture)
{
    read_fixture("html-page.html");
    assert_text("Harbour Notes About\n\nHome\nArchive\n\nPosted by the keeper\n\n"
                "Keeping the lamp lit\n\n"
                "The lens needs bolder care & attention: caf\xc3\xa9 owners\xe2\x80\x99 advice,"
                "\xc2\xa0tested \xf0\x9f\x98\x80.\n\n"
                "Daily tasks\n\nTrim the wick\nPolish the brass\n\nFirst\nSecond\n\nSupplies\n\n"
                "Item Count\nWicks 12\n\nfill(lamp);\n  trim(wick) < 3;\n\n"
                "An unclosed paragraph\n\nAnother one\n\nnested after a stray end tag\n\n"
                "Unclosed division\n\nRelated: fog signals\n\nCopyright the keeper");
    cr_assert_str_eq(x.title.data, "Lighthouse keeping & lamps");
    cr_assert_eq(mark_over(KB_MARK_HEADING, "Keeping the lamp lit")->value, 1);
    cr_assert_eq(mark_over(KB_MARK_HEADING, "Daily tasks")->value, 2);
    cr_assert_eq(mark_over(KB_MARK_HEADING, "Supplies")->value, 3);
    cr_assert_eq(count_marks(KB_MARK_HEADING), 3);
    cr_assert_not_null(mark_over(KB_MARK_CODE, "fill(lamp);\n  trim(wick) < 3;"));
    const char *chrome[] = {"Harbour Notes About", "Home\nArchive", "Related: fog signals",
                            "Copyright the keeper"};
    for (size_t i = 0; i < 4; i++)
        cr_assert_not_null(mark_over(KB_MARK_CHROME, chrome[i]), "%s", chrome[i]);
    cr_assert_eq(count_marks(KB_MARK_CHROME), 4, "the article's header is not chrome");
    cr_assert_eq(x.repaired, 0);

    /* Known words at their exact place: CRLF lines, so "Supplies" is on
     * line 24 at byte column 4. */
    kb_spot s = place(text_at("Supplies", 0), false);
    cr_assert_eq(s.byte, src_at("Supplies"));
    cr_assert_eq(s.line, 24);
    cr_assert_eq(s.col.bytes, 4);
    s = place(text_at("bolder", 0), false);
    cr_assert_eq(s.byte, src_at("bold</b>er"));
    cr_assert_eq(s.line, 17);
    cr_assert_eq(s.col.bytes, src_at("bold</b>er") - src_at("<p>The lens"));
    s = place(text_at("wick)", 0), false);
    cr_assert_eq(s.byte, src_at("wick) &lt;"));
    cr_assert_eq(s.line, 30);
    cr_assert_eq(s.col.bytes, 7);
}

Test(read_html, a_windows_1252_page_is_transcoded_and_maps_to_its_bytes)
{
    read_fixture("html-windows1252.html");
    assert_text("R\xc3\xa9sum\xc3\xa9\n\nA na\xc3\xafve \xe2\x80\x9cquoted\xe2\x80\x9d word, "
                "5\xe2\x82\xac, \xc3\xa9t\xc3\xa9.");
    cr_assert_str_eq(x.title.data, "Caf\xc3\xa9 cr\xc3\xa8me");
    cr_assert_eq(mark_over(KB_MARK_HEADING, "R\xc3\xa9sum\xc3\xa9")->value, 1);
    cr_assert_eq(x.repaired, 0);
    /* each accented letter is a run of its own over its one byte */
    size_t e = text_at("\xc3\xa9", 0);
    const kb_run *r = &x.runs[kb_extract_run_at(&x, e, false)];
    cr_assert(r->text == e && r->len == 2 && r->src_len == 1 && !r->verbatim);
    cr_assert_eq((unsigned char)x.src[r->src], 0xe9);
    cr_assert_eq(place(text_at("quoted", 0), false).byte, src_at("quoted"));
    size_t euro = text_at("\xe2\x82\xac", 0);
    cr_assert_eq((unsigned char)x.src[place(euro, false).byte], 0x80);
    cr_assert_eq(place(euro + 3, true).byte, place(euro, false).byte + 1);
}

Test(read_html, invalid_utf8_is_read_as_a_space_and_reported)
{
    read_fixture("html-invalid-utf8.html");
    assert_text("Before after\n\ncaf\xc3\xa9 stays");
    size_t bad = (size_t)((const char *)memchr(x.src, 0xff, x.src_len) - x.src);
    cr_assert_eq(x.repaired, 1);
    cr_assert_eq(x.first_bad, bad);
    const kb_run *r = &x.runs[kb_extract_run_at(&x, 6, false)];
    cr_assert(r->text == 6 && r->src == bad - 1 && r->src_len == 3, "the space covers ' \\xff '");
}

Test(read_html, declared_encodings_meta_http_equiv_xml_and_byte_order_marks)
{
    read_str("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\">"
             "<p>caf\xe9</p>");
    assert_text("caf\xc3\xa9"); /* Latin-1 is read as windows-1252 */
    next_input();
    read_str("<?xml version=\"1.0\" encoding=\"iso-8859-15\"?><html><body><p>\xa4uro</p></body></html>");
    assert_text("\xe2\x82\xac" "uro");
    next_input();
    read_str("\xef\xbb\xbf<p>x</p>");
    assert_text("x");
    cr_assert_eq(x.runs[0].src, 6);
    next_input();
    read_n("\xff\xfe<\0p\0>\0\xe9\0t\0\xe9\0", 14); /* UTF-16LE */
    assert_text("\xc3\xa9t\xc3\xa9");
    cr_assert_eq(place(2, false).byte, 10);
}

Test(read_html, an_unknown_charset_is_utf8_when_valid_else_windows_1252)
{
    read_str("<meta charset=\"no-such-thing\"><p>caf\xc3\xa9</p>");
    assert_text("caf\xc3\xa9");
    cr_assert_eq(x.nruns, 1);
    next_input();
    read_str("<meta charset=\"no-such-thing\"><p>caf\xe9</p>");
    assert_text("caf\xc3\xa9");
    cr_assert_eq(x.repaired, 0);
    next_input();
    read_str("<meta charset=\"utf-8//TRANSLIT\"><p>caf\xe9</p>");
    assert_text("caf\xc3\xa9");
}

Test(read_html, a_shift_jis_page_maps_each_character_to_its_two_bytes)
{
    read_str("<meta charset=shift_jis><p>\x93\xfa\x96\x7b text</p>");
    assert_text("\xe6\x97\xa5\xe6\x9c\xac text");
    const kb_run *r = &x.runs[kb_extract_run_at(&x, 3, false)];
    cr_assert(r->text == 3 && r->len == 3 && r->src == 29 && r->src_len == 2);
}

Test(read_html, deep_nesting_is_flattened_not_slow, .timeout = 10.)
{
    size_t n = 100000; /* gumbo alone: minutes */
    char *deep = malloc(5 * n + 2), *formats = malloc(20 * n);
    for (size_t i = 0; i < n; i++)
        memcpy(deep + 5 * i, "<div>", 5);
    memcpy(deep + 5 * n, "x", 2);
    read_str(deep);
    assert_text("x");
    next_input();
    size_t len = 0;
    for (size_t i = 0; i < n / 50; i++) /* each <b> opened again in every later <p> */
        len += (size_t)sprintf(formats + len, "<p><b id=%zu>x</p>", i);
    read_str(formats);
    cr_assert_eq(kb_extract_len(&x), 3 * (n / 50) - 2, "every paragraph kept");
    free(deep);
    free(formats);
}

Test(read_html, sloppy_real_pages_are_not_flattened)
{
    /* what old and generated pages do, a thousand times over: unclosed
     * <p>, <li>, <td>, <font>; XHTML-style <a name="x"/> left open */
    const char *unit = "<h3><a name=\"s\"/>Title</h3><pre>code <a href=\"#s\">s</a></pre>"
                       "<p>Unclosed <font color=red>red <b>bold</b><p>next<ul><li>one<li>two</ul>"
                       "<table><tr><td><font size=2>cell<td><i>cell</table>";
    size_t n = strlen(unit), times = 1000;
    char *page = malloc(n * times + 1);
    for (size_t i = 0; i < times; i++)
        memcpy(page + i * n, unit, n);
    page[n * times] = '\0';
    cr_assert_not(kb_html_flatten(page, n * times));
    free(page);
}

Test(read_html, a_page_without_text_is_an_empty_extract)
{
    read_str("<!DOCTYPE html><html><head><title>Only a title</title></head><body></body></html>");
    assert_text("");
    cr_assert_eq(x.nruns, 0);
    cr_assert_str_eq(x.title.data, "Only a title");
    next_input();
    read_str("");
    assert_text("");
}
