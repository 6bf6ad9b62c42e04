/* Tests for include/kbsearch/record.h: the passage payload and the per-file
 * metadata entry (encode/decode), kb_hash64 and kb_column_advance. */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/buf.h"
#include "kbsearch/record.h"

#define S(lit) ((kb_str){(lit), sizeof(lit) - 1})

static void assert_str_eq(kb_str got, kb_str want, const char *what)
{
    cr_assert_eq(got.n, want.n, "%s: length %zu, expected %zu", what, got.n, want.n);
    cr_assert(memcmp(got.p, want.p, want.n) == 0, "%s: bytes differ", what);
}

/* A record with a path that is not UTF-8, a heading, and text holding a NUL
 * byte and multi-byte characters; numbers past 32 bits. */
static kb_record sample_record(void)
{
    kb_record r;
    memset(&r, 0, sizeof r);
    r.path = S("notes/caf\xe9-\xff\xfe/plan.md"); /* Latin-1 é and junk bytes */
    r.heading = S("## Caf\xc3\xa9 & \xe6\x9d\xb1\xe4\xba\xac");
    r.text = S("Line one\nline\0two \xf0\x9f\x98\x80 end");
    r.line_start = 17;
    r.line_end = 4000000000u;
    r.byte_start = (size_t)5000000000ull;
    r.byte_end = (size_t)5000000123ull;
    r.col = (kb_column){300, 150, 151};
    return r;
}

static kb_file_entry sample_entry(void)
{
    kb_file_entry e;
    memset(&e, 0, sizeof e);
    e.size = 123456789012ull;
    e.mtime_ns = -1234567890123456789ll; /* before 1970: negative */
    e.hash = UINT64_MAX;
    e.passages = 42;
    e.title = S("T\xc3\xadtulo \x80\xff raw");
    return e;
}

Test(record, round_trip)
{
    kb_record r = sample_record(), d;
    kb_buf b = KB_BUF_INIT;
    kb_record_encode(&r, &b);
    cr_assert_eq(kb_buf_status(&b), KB_OK);
    cr_assert_gt(b.len, 0);

    memset(&d, 0xab, sizeof d);
    cr_assert_eq(kb_record_decode(b.data, b.len, &d), KB_OK);
    assert_str_eq(d.path, r.path, "path");
    assert_str_eq(d.heading, r.heading, "heading");
    assert_str_eq(d.text, r.text, "text");
    cr_assert_eq(d.line_start, r.line_start);
    cr_assert_eq(d.line_end, r.line_end);
    cr_assert_eq(d.byte_start, r.byte_start);
    cr_assert_eq(d.byte_end, r.byte_end);
    cr_assert_eq(d.col.bytes, r.col.bytes);
    cr_assert_eq(d.col.cps, r.col.cps);
    cr_assert_eq(d.col.utf16, r.col.utf16);
    /* The slices point into the encoded bytes. */
    cr_assert(d.text.p >= b.data && d.text.p + d.text.n <= b.data + b.len);
    kb_buf_free(&b);
}

Test(record, round_trip_empty_strings_and_zeros)
{
    kb_record r, d;
    memset(&r, 0, sizeof r);
    r.path = S("a");
    r.heading = S("");
    r.text = S("");
    kb_buf b = KB_BUF_INIT;
    kb_record_encode(&r, &b);
    cr_assert_eq(kb_buf_status(&b), KB_OK);
    cr_assert_eq(kb_record_decode(b.data, b.len, &d), KB_OK);
    assert_str_eq(d.path, r.path, "path");
    cr_assert_eq(d.heading.n, 0);
    cr_assert_eq(d.text.n, 0);
    cr_assert_eq(d.line_start, 0);
    cr_assert_eq(d.byte_end, 0);
    kb_buf_free(&b);
}

Test(record, truncated_is_corrupt_at_every_length)
{
    kb_record r = sample_record(), d;
    kb_buf b = KB_BUF_INIT;
    kb_record_encode(&r, &b);
    cr_assert_eq(kb_buf_status(&b), KB_OK);
    for (size_t n = 0; n < b.len; n++) {
        /* An exact-size copy, so an overrun reads outside the allocation. */
        char *cut = malloc(n ? n : 1);
        cr_assert_not_null(cut);
        memcpy(cut, b.data, n);
        cr_expect_eq(kb_record_decode(cut, n, &d), KB_ERR_CORRUPT,
                     "record truncated to %zu of %zu bytes was accepted", n, b.len);
        free(cut);
    }
    kb_buf_free(&b);
}

Test(record, wrong_version_is_corrupt)
{
    kb_record r = sample_record(), d;
    kb_buf b = KB_BUF_INIT;
    kb_record_encode(&r, &b);
    cr_assert_eq(kb_buf_status(&b), KB_OK);
    cr_assert_eq((unsigned char)b.data[0], KB_SCHEMA_VERSION);
    b.data[0] = (char)(KB_SCHEMA_VERSION + 1);
    cr_assert_eq(kb_record_decode(b.data, b.len, &d), KB_ERR_CORRUPT);
    kb_buf_free(&b);
}

Test(record, file_entry_round_trip)
{
    kb_file_entry e = sample_entry(), d;
    kb_buf b = KB_BUF_INIT;
    kb_file_entry_encode(&e, &b);
    cr_assert_eq(kb_buf_status(&b), KB_OK);
    memset(&d, 0xab, sizeof d);
    cr_assert_eq(kb_file_entry_decode(b.data, b.len, &d), KB_OK);
    cr_assert_eq(d.size, e.size);
    cr_assert_eq(d.mtime_ns, e.mtime_ns);
    cr_assert_eq(d.hash, e.hash);
    cr_assert_eq(d.passages, e.passages);
    assert_str_eq(d.title, e.title, "title");
    kb_buf_free(&b);
}

Test(record, file_entry_round_trip_positive_mtime)
{
    kb_file_entry e = sample_entry(), d;
    e.mtime_ns = 1767225600123456789ll;
    e.hash = 0;
    e.size = 0;
    e.title = S("");
    kb_buf b = KB_BUF_INIT;
    kb_file_entry_encode(&e, &b);
    cr_assert_eq(kb_file_entry_decode(b.data, b.len, &d), KB_OK);
    cr_assert_eq(d.mtime_ns, e.mtime_ns);
    cr_assert_eq(d.hash, 0);
    cr_assert_eq(d.size, 0);
    cr_assert_eq(d.title.n, 0);
    kb_buf_free(&b);
}

Test(record, file_entry_truncated_is_corrupt_at_every_length)
{
    kb_file_entry e = sample_entry(), d;
    kb_buf b = KB_BUF_INIT;
    kb_file_entry_encode(&e, &b);
    cr_assert_eq(kb_buf_status(&b), KB_OK);
    for (size_t n = 0; n < b.len; n++) {
        char *cut = malloc(n ? n : 1);
        cr_assert_not_null(cut);
        memcpy(cut, b.data, n);
        cr_expect_eq(kb_file_entry_decode(cut, n, &d), KB_ERR_CORRUPT,
                     "file entry truncated to %zu of %zu bytes was accepted", n, b.len);
        free(cut);
    }
    kb_buf_free(&b);
}

Test(record, hash64_is_fnv1a_and_discriminates)
{
    /* The published FNV-1a 64-bit test vectors. */
    cr_assert_eq(kb_hash64("", 0), 0xcbf29ce484222325ull);
    cr_assert_eq(kb_hash64("a", 1), 0xaf63dc4c8601ec8cull);
    cr_assert_eq(kb_hash64("foobar", 6), 0x85944171f73967e8ull);

    cr_assert_neq(kb_hash64("a", 1), kb_hash64("b", 1));
    cr_assert_neq(kb_hash64("ab", 2), kb_hash64("ba", 2));
    cr_assert_neq(kb_hash64("", 0), kb_hash64("\0", 1));
    cr_assert_neq(kb_hash64("hello world", 11), kb_hash64("hello world\n", 12));
    /* Same bytes, same hash; only `len` bytes count. */
    cr_assert_eq(kb_hash64("abcXYZ", 3), kb_hash64("abc", 3));
}

static kb_column advance(const char *s, size_t n)
{
    kb_column c = {0, 0, 0};
    kb_column_advance(&c, s, n);
    return c;
}

#define ASSERT_COL(c, b, p, u)                                                         \
    do {                                                                               \
        cr_assert_eq((c).bytes, (b), "bytes %zu, expected %zu", (c).bytes, (size_t)(b)); \
        cr_assert_eq((c).cps, (p), "code points %zu, expected %zu", (c).cps, (size_t)(p)); \
        cr_assert_eq((c).utf16, (u), "utf16 %zu, expected %zu", (c).utf16, (size_t)(u)); \
    } while (0)

Test(record, column_units)
{
    kb_column c = advance("abc", 3);
    ASSERT_COL(c, 3, 3, 3);
    c = advance("\xc3\xa9", 2); /* é */
    ASSERT_COL(c, 2, 1, 1);
    c = advance("\xe6\x9d\xb1", 3); /* 東 */
    ASSERT_COL(c, 3, 1, 1);
    c = advance("\xf0\x9f\x98\x80", 4); /* 😀: a surrogate pair in UTF-16 */
    ASSERT_COL(c, 4, 1, 2);
    c = advance("", 0);
    ASSERT_COL(c, 0, 0, 0);
}

Test(record, column_advance_accumulates)
{
    kb_column c = {10, 8, 9};
    kb_column_advance(&c, "a\xc3\xa9\xe6\x9d\xb1\xf0\x9f\x98\x80", 10); /* a é 東 😀 */
    ASSERT_COL(c, 20, 12, 14);
    kb_column_advance(&c, "xy", 1); /* only n bytes count */
    ASSERT_COL(c, 21, 13, 15);
}

/* "invalid bytes count as one code point each, as editors show them" */
Test(record, column_invalid_bytes_count_one_each)
{
    kb_column c = advance("a\xff" "b", 3);
    cr_expect_eq(c.bytes, 3);
    cr_expect_eq(c.cps, 3, "0xFF: %zu code points, expected 3", c.cps);
    cr_expect_eq(c.utf16, 3, "0xFF shown as U+FFFD: %zu UTF-16 units, expected 3", c.utf16);

    c = advance("a\x80" "b", 3); /* a stray continuation byte */
    cr_expect_eq(c.bytes, 3);
    cr_expect_eq(c.cps, 3, "stray 0x80: %zu code points, expected 3", c.cps);
    cr_expect_eq(c.utf16, 3, "stray 0x80: %zu UTF-16 units, expected 3", c.utf16);
}
