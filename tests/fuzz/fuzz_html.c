/* fuzz_html.c — libFuzzer target for the HTML reader (kb_read_html).
 *
 * Any bytes: the reader returns KB_OK, KB_ERR_FORMAT (only for a NUL in
 * the first KB_BINARY_SNIFF bytes, with a reason) or KB_ERR_NOMEM, the
 * extract's own status.  Checked against extract.h: the text is valid
 * UTF-8; runs are in order in the text and in the source, in bounds,
 * verbatim ones equal to their source bytes, each at the line and byte
 * column its source offset has; marks are in bounds and sorted, headings
 * have a level 1..6 and a label inside them, chrome marks never overlap
 * each other, nor do code marks; bad bytes counted stay within the file.
 * ASan (run.sh) reports leaks and bad accesses, gumbo's included.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kbsearch/format.h"
#include "kbsearch/reader.h"
#include "kbsearch/utf8.h"

#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_runs(const kb_extract *x)
{
    const char *t = kb_extract_text(x);
    size_t len = kb_extract_len(x), line = 1, bol = 0, at = 0;
    for (size_t i = 0; i < x->nruns; i++) {
        const kb_run *r = &x->runs[i];
        CHECK(r->len > 0 && r->text <= len && r->len <= len - r->text);
        CHECK(r->src <= x->src_len && r->src_len <= x->src_len - r->src);
        if (i) {
            const kb_run *p = &x->runs[i - 1];
            CHECK(r->text >= p->text + p->len);
            CHECK(r->src >= p->src + p->src_len);
        }
        if (r->verbatim)
            CHECK(r->len == r->src_len && memcmp(t + r->text, x->src + r->src, r->len) == 0);
        for (; at < r->src; at++)
            if (x->src[at] == '\n') {
                line++;
                bol = at + 1;
            }
        CHECK(r->line == line && r->col.bytes == r->src - bol);
    }
}

static void check_marks(const kb_extract *x)
{
    size_t len = kb_extract_len(x), chrome_end = 0, code_end = 0;
    for (size_t i = 0; i < x->nmarks; i++) {
        const kb_mark *m = &x->marks[i];
        CHECK(m->start < m->end && m->end <= len);
        CHECK(m->label_start >= m->start && m->label_end <= m->end);
        CHECK(!i || x->marks[i - 1].start <= m->start);
        if (m->kind == KB_MARK_HEADING)
            CHECK(m->value >= 1 && m->value <= 6);
        if (m->kind == KB_MARK_CHROME) {
            CHECK(m->start >= chrome_end);
            chrome_end = m->end;
        }
        if (m->kind == KB_MARK_CODE) {
            CHECK(m->start >= code_end);
            code_end = m->end;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kb_extract x;
    kb_extract_init(&x, (const char *)data, size);
    kb_status st = kb_read_html(&x);
    CHECK(st == KB_OK || st == KB_ERR_FORMAT || st == KB_ERR_NOMEM);
    CHECK(st == kb_extract_status(&x));
    if (st == KB_ERR_FORMAT) {
        size_t sniff = size < KB_BINARY_SNIFF + 3 ? size : KB_BINARY_SNIFF + 3;
        CHECK(x.why.len > 0 && memchr(data, '\0', sniff));
    } else if (st == KB_OK) {
        CHECK(kb_utf8_valid(kb_extract_text(&x), kb_extract_len(&x), NULL));
        check_runs(&x);
        check_marks(&x);
        CHECK(x.repaired <= size && (!x.repaired || x.first_bad < size));
        CHECK(kb_utf8_valid(x.title.data ? x.title.data : "", x.title.len, NULL));
    }
    kb_extract_free(&x);
    return 0;
}
