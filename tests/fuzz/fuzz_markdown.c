/* fuzz_markdown.c — libFuzzer target for the Markdown reader
 * (kb_read_markdown, format.h) on what kbindex gives it: the input is
 * repaired as kb_read_text repairs a file (kb_text_repair: invalid UTF-8
 * read as spaces; input it calls binary is skipped, as kbindex skips such
 * files), in a buffer of its size and a NUL, as kb_read_text returns it:
 * md4c scans lines with strcspn when the text ends in a newline (it stops
 * there, but run.sh's strict_string_checks wants the NUL), so ASan
 * catches a read beyond that NUL.
 *
 * Checked: the reader returns KB_OK or KB_ERR_NOMEM; the text, title and
 * tags are valid UTF-8 without NULs; the extract meets the checks of
 * extract_check.h; its marks are headings and code only.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/format.h"
#include "kbsearch/reader.h"
#include "kbsearch/utf8.h"

#include "extract_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The Markdown reader makes headings and code, nothing else. */
static void check_kinds(const kb_extract *x)
{
    for (size_t i = 0; i < x->nmarks; i++)
        CHECK(x->marks[i].kind == KB_MARK_CODE || x->marks[i].kind == KB_MARK_HEADING);
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
        check_extract_runs(&x);
        check_extract_words(&x);
        check_extract_marks(&x);
        check_kinds(&x);
    }
    kb_extract_free(&x);
    free(src);
    return 0;
}
