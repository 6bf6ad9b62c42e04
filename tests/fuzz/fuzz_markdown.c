/* fuzz_markdown.c — libFuzzer target for the Markdown reader
 * (kb_read_markdown, format.h) on what kbindex gives it: the input is
 * repaired as kb_read_text repairs a file (kb_text_repair: invalid UTF-8
 * read as spaces; input it calls binary is skipped, as kbindex skips such
 * files), in a buffer of its size and a NUL, as kb_read_text returns it:
 * md4c scans lines with strcspn when the text ends in a newline (it stops
 * there, but run.sh's strict_string_checks wants the NUL), so ASan
 * catches a read beyond that NUL.
 *
 * Checked against extract.h: the reader returns KB_OK or KB_ERR_NOMEM;
 * the text, title and tags are valid UTF-8 without NULs; runs are in order
 * in the text and in the source, in bounds, verbatim ones equal to their
 * source, with the line and column counted in the source; every word made
 * only of verbatim runs has its letters, in order, in the source range it
 * maps to; marks are in bounds, sorted, headings of level 1 to 6.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/format.h"
#include "kbsearch/reader.h"
#include "kbsearch/utf8.h"

#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
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

static void check_runs(const kb_extract *x)
{
    const char *t = kb_extract_text(x);
    size_t len = kb_extract_len(x), at = 0;
    unsigned line = 1;
    kb_column col = {0, 0, 0}; /* of source offset `at` */
    for (size_t i = 0; i < x->nruns; i++) {
        const kb_run *r = &x->runs[i];
        CHECK(r->len > 0 && r->text + r->len <= len);
        CHECK(r->src + r->src_len <= x->src_len);
        if (i > 0) {
            CHECK(r->text >= x->runs[i - 1].text + x->runs[i - 1].len);
            CHECK(r->src >= x->runs[i - 1].src + x->runs[i - 1].src_len);
        }
        CHECK(!r->verbatim ||
              (r->len == r->src_len && memcmp(t + r->text, x->src + r->src, r->len) == 0));
        for (const char *nl; (nl = memchr(x->src + at, '\n', r->src - at));) {
            line++;
            col = (kb_column){0, 0, 0};
            at = (size_t)(nl - x->src) + 1;
        }
        kb_column_advance(&col, x->src + at, r->src - at);
        at = r->src;
        CHECK(r->line == line && r->col.bytes == col.bytes && r->col.cps == col.cps &&
              r->col.utf16 == col.utf16);
    }
}

/* A word's letters lie, in order, where it maps (markup between them). */
static void check_words(const kb_extract *x)
{
    const char *t = kb_extract_text(x);
    size_t len = kb_extract_len(x), r = 0;
    for (size_t i = 0; i < len;) {
        if (!word_byte((unsigned char)t[i])) {
            i++;
            continue;
        }
        size_t end = i;
        bool verbatim = true;
        for (; end < len && word_byte((unsigned char)t[end]); end++) {
            while (r < x->nruns && x->runs[r].text + x->runs[r].len <= end)
                r++;
            verbatim = verbatim && r < x->nruns && x->runs[r].text <= end && x->runs[r].verbatim;
        }
        if (verbatim) {
            size_t s = map(x, i, false), e = map(x, end, true), k = i;
            CHECK(s <= e);
            for (size_t j = s; j < e && k < end; j++)
                if (x->src[j] == t[k])
                    k++;
            CHECK(k == end);
        }
        i = end;
    }
}

static void check_marks(const kb_extract *x)
{
    for (size_t i = 0; i < x->nmarks; i++) {
        const kb_mark *m = &x->marks[i];
        CHECK(m->start < m->end && m->end <= kb_extract_len(x));
        CHECK(m->label_start >= m->start && m->label_end <= m->end &&
              m->label_start <= m->label_end);
        CHECK(i == 0 || x->marks[i - 1].start <= m->start);
        CHECK(m->kind == KB_MARK_CODE || (m->kind == KB_MARK_HEADING && m->value >= 1 &&
                                          m->value <= 6));
    }
}

static bool clean_utf8(const kb_buf *b)
{
    return !b->len || (kb_utf8_valid(b->data, b->len, NULL) && !memchr(b->data, '\0', b->len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *src = malloc(size + 1);
    if (!src)
        return 0;
    memcpy(src, data, size);
    src[size] = '\0';
    size_t repaired, first_bad;
    if (kb_text_repair(src, size, &repaired, &first_bad) != KB_READ_TEXT) {
        free(src);
        return 0;
    }
    kb_extract x;
    kb_extract_init(&x, src, size);
    kb_status st = kb_read_markdown(&x);
    CHECK(st == KB_OK || st == KB_ERR_NOMEM);
    if (st == KB_OK) {
        const char *t = kb_extract_text(&x);
        size_t len = kb_extract_len(&x);
        CHECK(kb_utf8_valid(t, len, NULL) && !memchr(t, '\0', len));
        CHECK(clean_utf8(&x.title));
        CHECK(!x.tags.len || (kb_utf8_valid(x.tags.data, x.tags.len, NULL) &&
                              x.tags.data[x.tags.len - 1] == '\0'));
        check_runs(&x);
        check_words(&x);
        check_marks(&x);
    }
    kb_extract_free(&x);
    free(src);
    return 0;
}
