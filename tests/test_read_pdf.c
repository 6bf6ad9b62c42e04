/* Tests for the PDF reader (indexer/read_pdf.c): PDFs written at test time
 * by tests/fixtures/formats/make_pdf.py into a temporary folder, read
 * through kb_read_pdf; an encrypted copy made with qpdf. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/format.h"
#include "kbsearch/utf8.h"

#include "tmpdir.h"

#define MAKE_PDF KB_TEST_DATA "/fixtures/formats/make_pdf.py"

static void setup(void)
{
    tmpdir_make("read_pdf");
}

static void teardown(void)
{
    tmpdir_remove();
}

TestSuite(read_pdf, .init = setup, .fini = teardown);

/* Writes make_pdf.py's PDF of `kind` (and its arguments) to tmpdir/name
 * and returns its path (static: one at a time). */
static const char *make(const char *kind, const char *name)
{
    static char path[512];
    char cmd[1024];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    snprintf(cmd, sizeof cmd, "python3 '%s' %s '%s'", MAKE_PDF, kind, path);
    cr_assert_eq(system(cmd), 0, "%s failed", cmd);
    return path;
}

static kb_buf load(const char *path)
{
    kb_buf b = KB_BUF_INIT;
    cr_assert_eq(kb_buf_read_file(&b, path), KB_OK, "cannot read %s", path);
    return b;
}

/* Reads `n` bytes as a PDF into *x (to be freed by the caller). */
static kb_status read_pdf(kb_extract *x, const char *bytes, size_t n)
{
    kb_extract_init(x, bytes, n);
    return kb_read_pdf(x);
}

static const char *why(const kb_extract *x)
{
    return x->why.data ? x->why.data : "";
}

/* What every extract must be, broken input or not: valid UTF-8 without
 * control characters but '\n', no runs (a PDF's text has no place in the
 * file), page marks in order over text inside the extract. */
static void check_shape(const kb_extract *x)
{
    const char *t = kb_extract_text(x);
    size_t n = kb_extract_len(x);
    cr_assert(kb_utf8_valid(t, n, NULL));
    for (size_t i = 0; i < n; i++)
        cr_assert((unsigned char)t[i] >= 0x20 || t[i] == '\n', "control byte at %zu", i);
    cr_assert_not(x->identity);
    cr_assert_eq(x->nruns, 0);
    cr_assert_eq(kb_extract_run_at(x, 0, false), SIZE_MAX);
    for (size_t i = 0; i < x->nmarks; i++) {
        const kb_mark *m = &x->marks[i];
        cr_assert_eq(m->kind, KB_MARK_PAGE);
        cr_assert(m->start < m->end && m->end <= n);
        cr_assert(i == 0 || (m->value > x->marks[i - 1].value &&
                             m->start >= x->marks[i - 1].end + 2));
    }
}

/* The text under mark i, for comparing. */
static char *page_text(const kb_extract *x, size_t i)
{
    const kb_mark *m = &x->marks[i];
    return strndup(kb_extract_text(x) + m->start, m->end - m->start);
}

static const char page1[] =
    "A Field Guide to Tidal Pools\n"
    "\n"
    "Tidal pools hold small worlds that change\n"
    "with every tide. Their residents keep information about the sea in their shells.\n"
    "\n"
    "Anemones close when the water leaves and\n"
    "open again when it comes back. Counts ran 1990-\n"
    "2001 along the north coast of the bay.";

static const char page2[] =
    "Crabs hide under the stones by day and come out\n"
    "at night to feed.\n"
    "\n"
    "Barnacles stay glued to the rock for life and\n"
    "filter plankton by the caf\xc3\xa9 on the North-\n"
    "East pier.";

static const char page3[] =
    "Tools for the shore:\n"
    "- a bucket with a lid,\n"
    "kept in the shade\n"
    "- boots with a good grip\n"
    "\n"
    "tide {\n"
    "high\n"
    "6:10\n"
    "low 12:25\n"
    "}\n"
    "\n"
    "The left column starts here and\n"
    "ends on this line.\n"
    "\n"
    "The right column goes on with\n"
    "a second line.";

Test(read_pdf, pages_paragraphs_and_title)
{
    kb_buf b = load(make("sample", "sample.pdf"));
    kb_extract x;
    cr_assert_eq(read_pdf(&x, b.data, b.len), KB_OK, "%s", why(&x));
    check_shape(&x);
    static const char *const pages[] = {page1, page2, page3};
    cr_assert_eq(x.nmarks, 3);
    for (size_t i = 0; i < 3; i++) {
        cr_assert_eq(x.marks[i].value, i + 1);
        char *p = page_text(&x, i);
        cr_assert_str_eq(p, pages[i], "page %zu", i + 1);
        free(p);
    }
    /* Pages are blocks of their own, nothing around them. */
    char whole[sizeof page1 + sizeof page2 + sizeof page3 + 4];
    snprintf(whole, sizeof whole, "%s\n\n%s\n\n%s", page1, page2, page3);
    cr_assert_str_eq(kb_extract_text(&x), whole);
    cr_assert_eq(x.marks[0].start, 0);
    cr_assert_eq(x.marks[2].end, kb_extract_len(&x));
    cr_assert_str_eq(x.title.data, "Tidal Pools: A Field Guide");
    cr_assert_eq(x.tags.len, 0);
    kb_extract_free(&x);
    kb_buf_free(&b);
}

Test(read_pdf, page_without_text_gets_no_mark)
{
    kb_buf b = load(make("gap", "gap.pdf"));
    kb_extract x;
    cr_assert_eq(read_pdf(&x, b.data, b.len), KB_OK, "%s", why(&x));
    check_shape(&x);
    cr_assert_str_eq(kb_extract_text(&x), "First page.\n\nThird page.");
    cr_assert_eq(x.nmarks, 2);
    cr_assert_eq(x.marks[0].value, 1);
    cr_assert_eq(x.marks[0].start, 0);
    cr_assert_eq(x.marks[0].end, 11);
    cr_assert_eq(x.marks[1].value, 3);
    cr_assert_eq(x.marks[1].start, 13);
    cr_assert_eq(x.marks[1].end, 24);
    kb_extract_free(&x);
    kb_buf_free(&b);
}

Test(read_pdf, no_text_at_all_is_an_empty_extract)
{
    kb_buf b = load(make("blank", "blank.pdf"));
    kb_extract x;
    cr_assert_eq(read_pdf(&x, b.data, b.len), KB_OK, "%s", why(&x));
    check_shape(&x);
    cr_assert_eq(kb_extract_len(&x), 0);
    cr_assert_eq(x.nmarks, 0);
    cr_assert_str_eq(x.title.data, "Tidal Pools: A Field Guide");
    kb_extract_free(&x);
    kb_buf_free(&b);
}

Test(read_pdf, encrypted_is_refused)
{
    if (system("command -v qpdf >/dev/null 2>&1") != 0)
        cr_skip_test("qpdf is not installed (scripts/setup installs it)");
    char in[512], out[512], cmd[2048];
    snprintf(in, sizeof in, "%s", make("sample", "plain.pdf"));
    snprintf(out, sizeof out, "%s/locked.pdf", tmpdir);
    snprintf(cmd, sizeof cmd, "qpdf --encrypt user owner 256 -- '%s' '%s'", in, out);
    cr_assert_eq(system(cmd), 0, "%s failed", cmd);
    kb_buf b = load(out);
    kb_extract x;
    cr_assert_eq(read_pdf(&x, b.data, b.len), KB_ERR_FORMAT);
    cr_assert_str_eq(why(&x), "encrypted PDF: needs a password");
    cr_assert_eq(kb_extract_len(&x), 0);
    kb_extract_free(&x);
    kb_buf_free(&b);
}

Test(read_pdf, truncated_not_pdf_and_empty_fail_cleanly)
{
    kb_buf b = load(make("sample", "sample.pdf"));
    kb_extract x;
    cr_assert_eq(read_pdf(&x, b.data, 700), KB_ERR_FORMAT);
    cr_assert_str_eq(why(&x), "not a readable PDF: PDF document is damaged");
    kb_extract_free(&x);

    static const char words[] = "Just some words in a file called notes.pdf.\n";
    cr_assert_eq(read_pdf(&x, words, sizeof words - 1), KB_ERR_FORMAT);
    cr_assert_str_eq(why(&x), "not a readable PDF: PDF document is damaged");
    kb_extract_free(&x);

    cr_assert_eq(read_pdf(&x, NULL, 0), KB_ERR_FORMAT);
    cr_assert_str_eq(why(&x), "not a readable PDF: empty file");
    kb_extract_free(&x);
    kb_buf_free(&b);
}

/* Every cut of the file and a few thousand damaged copies: text or a
 * clean refusal, never a crash, a leak or a bad extract. */
Test(read_pdf, damaged_files_never_break_the_reader)
{
    kb_buf b = load(make("sample", "sample.pdf"));
    kb_extract x;
    for (size_t n = 0; n < b.len; n += 7) {
        kb_status st = read_pdf(&x, b.data, n);
        cr_assert(st == KB_OK || st == KB_ERR_FORMAT, "cut at %zu: %d", n, st);
        check_shape(&x);
        kb_extract_free(&x);
    }
    char *copy = malloc(b.len);
    cr_assert_not_null(copy);
    uint32_t seed = 12345;
    for (int round = 0; round < 2000; round++) {
        memcpy(copy, b.data, b.len);
        for (int flips = 1 + round % 8; flips > 0; flips--) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % b.len;
            copy[at] = (char)(seed >> 24);
        }
        kb_status st = read_pdf(&x, copy, b.len);
        cr_assert(st == KB_OK || st == KB_ERR_FORMAT, "round %d: %d", round, st);
        check_shape(&x);
        kb_extract_free(&x);
    }
    free(copy);
    kb_buf_free(&b);
}

/* Poppler logs broken files through GLib (shown with G_MESSAGES_DEBUG,
 * on stdout); the reader keeps them off both streams. */
Test(read_pdf, prints_nothing)
{
    cr_redirect_stdout();
    cr_redirect_stderr();
    setenv("G_MESSAGES_DEBUG", "all", 1);
    kb_buf b = load(make("sample", "sample.pdf"));
    kb_extract x;
    for (size_t n = 0; n < b.len; n += 50) {
        read_pdf(&x, b.data, n);
        kb_extract_free(&x);
    }
    kb_buf_free(&b);
    fflush(stdout);
    fflush(stderr);
    cr_assert_stdout_eq_str("");
    cr_assert_stderr_eq_str("");
}

Test(read_pdf, chosen_by_extension_and_signature)
{
    const kb_format *f = kb_format_for_path("papers/Report.PDF");
    cr_assert_not_null(f);
    cr_assert_str_eq(f->name, "pdf");
    cr_assert(f->raw);
    cr_assert(f->guess_headings);
    cr_assert_eq(f->read, kb_read_pdf);
    static const char head[] = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
    cr_assert_eq(kb_format_sniff(head, sizeof head - 1), f);
}
