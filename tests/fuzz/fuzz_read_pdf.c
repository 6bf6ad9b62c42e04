/* fuzz_read_pdf.c — libFuzzer target for the PDF reader (read_pdf.c).
 *
 * The input is the file's bytes, in a buffer of exactly their size, so
 * ASan catches a read past the end (poppler reads the buffer in place).
 * Poppler itself is fuzzed upstream and is not instrumented here: this
 * target checks what the reader makes of whatever poppler gives it.  The
 * seeds are make_pdf.py's PDFs (tests/fixtures/formats/).
 *
 * Checked against format.h and extract.h: the reader returns its extract's
 * status, KB_OK or KB_ERR_FORMAT with a reason; the text is valid UTF-8
 * without control characters but '\n', has no runs (PDF text has no place
 * in the file) and never more than one blank line in a row; page marks
 * are in order, non-empty, inside the text and apart by a blank line.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/format.h"
#include "kbsearch/utf8.h"

#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *src = malloc(size ? size : 1);
    CHECK(src);
    memcpy(src, data, size);
    kb_extract x;
    kb_extract_init(&x, src, size);
    kb_status st = kb_read_pdf(&x);
    CHECK(st == kb_extract_status(&x));
    CHECK(st == KB_OK || st == KB_ERR_FORMAT);
    const char *t = kb_extract_text(&x);
    size_t n = kb_extract_len(&x);
    if (st == KB_ERR_FORMAT)
        CHECK(x.why.len > 0);
    CHECK(!x.identity && x.nruns == 0);
    CHECK(kb_utf8_valid(t, n, NULL));
    for (size_t i = 0; i < n; i++)
        CHECK((unsigned char)t[i] >= 0x20 || t[i] == '\n');
    CHECK(!memmem(t, n, "\n\n\n", 3));
    CHECK(n == 0 || (t[0] != '\n' && t[n - 1] != '\n'));
    for (size_t i = 0; i < x.nmarks; i++) {
        const kb_mark *m = &x.marks[i];
        CHECK(m->kind == KB_MARK_PAGE && m->value > 0);
        CHECK(m->start < m->end && m->end <= n);
        CHECK(i == 0 || (m->value > x.marks[i - 1].value && m->start >= x.marks[i - 1].end + 2));
    }
    kb_extract_free(&x);
    free(src);
    return 0;
}
