/* fuzz_html.c — libFuzzer target for the HTML reader (kb_read_html).
 *
 * Any bytes: the reader returns KB_OK, KB_ERR_FORMAT (only for a NUL in
 * the first KB_BINARY_SNIFF bytes, with a reason) or KB_ERR_NOMEM, the
 * extract's own status.  The text is valid UTF-8, the extract meets the
 * checks of extract_check.h, bad bytes counted stay within the file.
 * ASan (run.sh) reports leaks and bad accesses, gumbo's included.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kbsearch/format.h"
#include "kbsearch/reader.h"
#include "kbsearch/utf8.h"

#include "extract_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
        check_extract_runs(&x);
        check_extract_words(&x);
        check_extract_marks(&x);
        CHECK(x.repaired <= size && (!x.repaired || x.first_bad < size));
        CHECK(kb_utf8_valid(x.title.data ? x.title.data : "", x.title.len, NULL));
    }
    kb_extract_free(&x);
    return 0;
}
