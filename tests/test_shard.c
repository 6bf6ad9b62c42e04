/* Tests for include/kbsearch/shard.h: a file's shard from its path, pinned
 * to fixed values (a change would move files between the shards of every
 * index built), and "I/N" parsing. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "kbsearch/shard.h"

typedef struct {
    const char *path;
    unsigned of2, of3, of1024;
} pinned;

/* Worked out apart from the code under test: FNV-1a 64 of the UTF-8 bytes
 * (offset basis 0xcbf29ce484222325, prime 0x100000001b3), mod N, + 1. */
static const pinned values[] = {
    {"", 2, 3, 806},                   /* the offset basis itself */
    {"a", 1, 2, 141},                  /* 0xaf63dc4c8601ec8c */
    {"notes/garden.md", 2, 3, 702},    /* 0x37629f36c8ce5ebd */
    {"notes/planning.txt", 1, 2, 153}, /* 0xfa72b701b5423898 */
    {"misc/binary.txt", 2, 1, 742},    /* 0xffef021536f54ae5 */
    {"travel/z\xc3\xbcrich.md", 1, 1, 317}, /* 0x8a0b88240e4a353c */
};

Test(shard, pinned_values)
{
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        const pinned *v = &values[i];
        size_t n = strlen(v->path);
        cr_expect_eq(kb_shard_of(v->path, n, 2), v->of2, "'%s' of 2", v->path);
        cr_expect_eq(kb_shard_of(v->path, n, 3), v->of3, "'%s' of 3", v->path);
        cr_expect_eq(kb_shard_of(v->path, n, 1024), v->of1024, "'%s' of 1024", v->path);
        cr_expect_eq(kb_shard_of(v->path, n, 1), 1, "'%s' of 1", v->path);
    }
}

Test(shard, the_path_bytes_alone_decide)
{
    /* The length is honoured: a path is not read past it. */
    cr_expect_eq(kb_shard_of("notes/garden.md/more", 15, 1024), 702);
    /* The bytes as stored: not normalized, not case-folded. */
    cr_expect_neq(kb_shard_of("A", 1, 1024), kb_shard_of("a", 1, 1024));
}

Test(shard, has_follows_of)
{
    for (unsigned i = 1; i <= 3; i++)
        cr_expect_eq(kb_shard_has((kb_shard){i, 3}, "notes/garden.md"), i == 3);
    cr_expect(kb_shard_has((kb_shard){1, 1}, "notes/garden.md"));
    cr_expect(kb_shard_has((kb_shard){0, 0}, "notes/garden.md"), "no shard: the whole folder");
}

Test(shard, every_path_in_exactly_one_shard_and_spread)
{
    enum { N = 7, FILES = 7000 };
    unsigned seen[N + 1] = {0};
    char path[64];
    for (unsigned f = 0; f < FILES; f++) {
        snprintf(path, sizeof path, "notes/%u/day-%u.md", f / 100, f);
        unsigned in = 0;
        for (unsigned i = 1; i <= N; i++)
            in += kb_shard_has((kb_shard){i, N}, path);
        cr_assert_eq(in, 1, "%s is in %u shards", path, in);
        seen[kb_shard_of(path, strlen(path), N)]++;
    }
    for (unsigned i = 1; i <= N; i++)
        cr_expect(seen[i] > FILES / N * 8 / 10 && seen[i] < FILES / N * 12 / 10,
                  "shard %u of %u holds %u of %u files", i, N, seen[i], FILES);
}

Test(shard, parse_accepts)
{
    static const struct {
        const char *text;
        kb_shard want;
    } ok[] = {
        {"1/1", {1, 1}}, {"1/2", {1, 2}}, {"2/2", {2, 2}}, {"7/13", {7, 13}},
        {"1024/1024", {1024, 1024}}, {"01/002", {1, 2}},
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        kb_shard s = {0, 0};
        cr_assert_eq(kb_shard_parse(ok[i].text, &s), KB_OK, "'%s'", ok[i].text);
        cr_expect(s.index == ok[i].want.index && s.count == ok[i].want.count,
                  "'%s' gave %u/%u", ok[i].text, s.index, s.count);
    }
}

Test(shard, parse_refuses)
{
    static const char *const bad[] = {
        "0/2", "3/2", "2", "a/b", "1/0", "1/2000", "1/1025", "", "/", "1/", "/2",
        "-1/2", "+1/2", " 1/2", "1/2 ", "1 /2", "1/2/3", "1/2x", "0x1/2",
        "99999999999999999999/2", "1/18446744073709551617",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        kb_shard s = {5, 9};
        cr_expect_eq(kb_shard_parse(bad[i], &s), KB_ERR_INVALID, "'%s'", bad[i]);
        cr_expect(s.index == 5 && s.count == 9, "'%s' changed the output", bad[i]);
    }
}
