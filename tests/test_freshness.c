/* Tests for include/kbsearch/freshness.h: a passage against its file as it
 * is now, on real files in a temporary folder. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kbsearch/freshness.h"

#define S(lit) ((kb_str){(lit), sizeof(lit) - 1})

static char root[] = "/tmp/kb_freshness_XXXXXX";
static char path[512];
static kb_freshness *f;

static void setup(void)
{
    cr_assert_not_null(mkdtemp(root), "mkdtemp failed");
    snprintf(path, sizeof path, "%s/note.txt", root);
    cr_assert_eq(kb_freshness_new(root, &f), KB_OK);
}

static void teardown(void)
{
    kb_freshness_free(f);
    unlink(path);
    rmdir(root);
}

TestSuite(freshness, .init = setup, .fini = teardown);

static void write_file(const char *text)
{
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* The entry kbindex would have written for the file as it is now. */
static kb_file_entry entry_now(void)
{
    struct stat st;
    cr_assert_eq(lstat(path, &st), 0);
    kb_file_entry e = {(uint64_t)st.st_size,
                       (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec, 0, 1,
                       {"", 0}};
    return e;
}

/* "grape" on line 3 at byte 14: "one\ntwo\nabc grape\n". */
static kb_record grape(void)
{
    kb_record r;
    memset(&r, 0, sizeof r);
    r.path = S("note.txt");
    r.text = S("grape");
    r.line_start = r.line_end = 3;
    r.byte_start = 12;
    r.byte_end = 17;
    r.col = (kb_column){4, 4, 4};
    return r;
}

Test(freshness, unchanged_file_is_not_read)
{
    write_file("one\ntwo\nabc grape\n");
    kb_file_entry e = entry_now();
    kb_record r = grape();
    kb_hit_state state;
    kb_str now;
    cr_assert_eq(kb_freshness_check(f, &e, &r, &state, &now), KB_OK);
    cr_assert_eq(state, KB_HIT_FRESH);
    cr_assert_null(now.p, "an unchanged file costs only the stat");
    /* Cached: the same answer after the file changes within the query. */
    write_file("gone\n");
    cr_assert_eq(kb_freshness_check(f, &e, &r, &state, &now), KB_OK);
    cr_assert_eq(state, KB_HIT_FRESH);
}

Test(freshness, moved_to_the_nearest_copy)
{
    write_file("one\ntwo\nabc grape\n");
    kb_file_entry e = entry_now();
    e.size++; /* as if indexed before the edit below */
    /* A copy far above, the original two lines down, another far below. */
    write_file("grape\n\n\n\n\n\n\n\n\n\n\n\n\n\n\none\ntwo\nnew\n\xc3\xa9\xf0\x9f\x98\x80 grape\n"
               "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\ngrape\n");
    kb_record r = grape();
    r.byte_start = 22;
    r.byte_end = 27;
    kb_hit_state state;
    kb_str now;
    cr_assert_eq(kb_freshness_check(f, &e, &r, &state, &now), KB_OK);
    cr_assert_eq(state, KB_HIT_MOVED);
    cr_assert_not_null(now.p);
    cr_assert_eq(r.line_start, 19);
    cr_assert_eq(r.line_end, 19);
    cr_assert_eq(r.byte_start, 39);
    cr_assert_eq(r.byte_end, 44);
    cr_assert(memcmp(now.p + r.byte_start, "grape", 5) == 0);
    cr_assert_eq(r.col.bytes, 7);
    cr_assert_eq(r.col.cps, 3);
    cr_assert_eq(r.col.utf16, 4);
}

Test(freshness, same_offset_after_a_change_is_fresh)
{
    write_file("one\ntwo\nabc grape\n");
    kb_file_entry e = entry_now();
    write_file("one\ntwo\nabc grape\nmore text after it\n");
    kb_record r = grape();
    kb_hit_state state;
    kb_str now;
    cr_assert_eq(kb_freshness_check(f, &e, &r, &state, &now), KB_OK);
    cr_assert_eq(state, KB_HIT_FRESH);
    cr_assert_eq(r.line_start, 3);
    cr_assert_eq(r.byte_start, 12);
}

Test(freshness, edited_text_is_stale_and_keeps_its_place)
{
    write_file("one\ntwo\nabc grape\n");
    kb_file_entry e = entry_now();
    write_file("one\ntwo\nabc grapefruit juice\n");
    kb_record r = grape();
    r.text = S("grape\n");
    r.byte_end = 18;
    kb_hit_state state;
    kb_str now;
    cr_assert_eq(kb_freshness_check(f, &e, &r, &state, &now), KB_OK);
    cr_assert_eq(state, KB_HIT_STALE);
    cr_assert_eq(r.line_start, 3);
    cr_assert_eq(r.byte_start, 12);
}

Test(freshness, missing_file_is_deleted)
{
    kb_record r = grape();
    kb_file_entry e = {18, 0, 0, 1, {"", 0}};
    kb_hit_state state;
    kb_str now;
    cr_assert_eq(kb_freshness_check(f, &e, &r, &state, &now), KB_OK);
    cr_assert_eq(state, KB_HIT_DELETED);
    cr_assert_null(now.p);
}

Test(freshness, no_entry_means_compare_the_bytes)
{
    write_file("one\ntwo\nabc grape\n");
    kb_record r = grape();
    kb_hit_state state;
    kb_str now;
    cr_assert_eq(kb_freshness_check(f, NULL, &r, &state, &now), KB_OK);
    cr_assert_eq(state, KB_HIT_FRESH);
    cr_assert_eq(now.n, 18);
}

Test(freshness, shrunk_file_is_stale)
{
    write_file("one\ntwo\nabc grape\n");
    kb_file_entry e = entry_now();
    write_file("on");
    kb_record r = grape();
    kb_hit_state state;
    kb_str now;
    cr_assert_eq(kb_freshness_check(f, &e, &r, &state, &now), KB_OK);
    cr_assert_eq(state, KB_HIT_STALE);
}
