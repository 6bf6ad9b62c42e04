/* Tests for include/kbsearch/reader.h (one file read as text) and for what
 * kb_index_folder does when a file vanishes or changes as it is read: real
 * files and a real index in a temporary folder. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kbsearch/indexer.h"
#include "kbsearch/reader.h"

#include "tmpdir.h"

static char path[512];

static void setup(void)
{
    tmpdir_make("reader");
    snprintf(path, sizeof path, "%s/note.txt", tmpdir);
}

static void teardown(void)
{
    tmpdir_remove();
}

TestSuite(reader, .init = setup, .fini = teardown);

static void write_bytes(const char *p, const char *data, size_t n)
{
    FILE *fp = fopen(p, "wb");
    cr_assert_not_null(fp);
    cr_assert_eq(fwrite(data, 1, n, fp), n);
    fclose(fp);
}

static kb_text_file read_it(size_t max)
{
    kb_read_opts o = {max, false, false};
    kb_text_file f;
    cr_assert_eq(kb_read_text(path, &o, &f), KB_OK);
    return f;
}

Test(reader, plain_text_is_read_whole_with_its_hash)
{
    write_bytes(path, "one\ntwo\n", 8);
    kb_text_file f = read_it(0);
    cr_assert_eq(f.outcome, KB_READ_TEXT);
    cr_assert_eq(f.len, 8);
    cr_assert_str_eq(f.text, "one\ntwo\n");
    cr_assert_eq(f.repaired, 0);
    cr_assert_not(f.truncated);
    cr_assert_eq(f.st.st_size, 8);
    cr_assert_neq(f.hash, 0);
    free(f.text);
}

Test(reader, invalid_bytes_become_spaces_at_the_same_offsets)
{
    /* Latin-1 "café crème", a lone continuation byte, a truncated
       sequence at the end, and a NUL past the sniffed start. */
    char data[9000];
    memset(data, 'a', sizeof data);
    memcpy(data, "caf\xe9 cr\xe8me \x80x", 13);
    data[8500] = '\0';
    data[sizeof data - 1] = '\xe2';
    write_bytes(path, data, sizeof data);
    kb_text_file f = read_it(0);
    cr_assert_eq(f.outcome, KB_READ_TEXT);
    cr_assert_eq(f.len, sizeof data);
    cr_assert_eq(memcmp(f.text, "caf  cr me  x", 13), 0);
    cr_assert_eq(f.text[8500], ' ');
    cr_assert_eq(f.text[sizeof data - 1], ' ');
    cr_assert_eq(f.repaired, 5);
    cr_assert_eq(f.first_bad, 3);
    free(f.text);
}

Test(reader, nul_or_noise_at_the_start_is_binary)
{
    write_bytes(path, "PK\x03\x04\0\0text", 10);
    kb_text_file f = read_it(0);
    cr_assert_eq(f.outcome, KB_READ_BINARY);
    cr_assert_eq(f.first_bad, 4);
    cr_assert_null(f.text);

    char noise[512];
    for (size_t i = 0; i < sizeof noise; i++)
        noise[i] = (char)(0x80 | (i * 37 % 0x7f) | 1);
    write_bytes(path, noise, sizeof noise);
    f = read_it(0);
    cr_assert_eq(f.outcome, KB_READ_BINARY);
}

Test(reader, a_large_file_is_cut_at_a_line_end_or_a_character)
{
    write_bytes(path, "first line\nsecond line\nthird", 28);
    kb_text_file f = read_it(20);
    cr_assert_eq(f.outcome, KB_READ_TEXT);
    cr_assert(f.truncated);
    cr_assert_str_eq(f.text, "first line\n");
    free(f.text);

    /* A file of exactly the limit is whole. */
    write_bytes(path, "0123456789", 10);
    f = read_it(10);
    cr_assert_not(f.truncated);
    cr_assert_eq(f.len, 10);
    free(f.text);

    /* No line end in the second half: the cut must not split "é". */
    write_bytes(path, "abcdefgh\xc3\xa9ijk", 13);
    f = read_it(9);
    cr_assert(f.truncated);
    cr_assert_eq(f.len, 8);
    cr_assert_eq(f.repaired, 0);
    free(f.text);
}

Test(reader, what_is_not_a_regular_file_is_never_read)
{
    cr_assert_eq(mkfifo(path, 0600), 0);
    kb_text_file f = read_it(0);
    cr_assert_eq(f.outcome, KB_READ_NOT_REGULAR);
    unlink(path);
    f = read_it(0);
    cr_assert_eq(f.outcome, KB_READ_VANISHED);
    char target[600];
    snprintf(target, sizeof target, "%s/target.txt", tmpdir);
    write_bytes(target, "x\n", 2);
    cr_assert_eq(symlink(target, path), 0);
    f = read_it(0);
    cr_assert_eq(f.outcome, KB_READ_LINK);
    kb_read_opts follow = {0, true, false};
    cr_assert_eq(kb_read_text(path, &follow, &f), KB_OK);
    cr_assert_eq(f.outcome, KB_READ_TEXT);
    free(f.text);
}

/* A file whose content does not match its size on every read: /proc's
 * files say 0 bytes and give more, as a file being written to does. */
Test(reader, a_file_that_keeps_changing_is_given_up)
{
    kb_read_opts o = {0, false, false};
    kb_text_file f;
    cr_assert_eq(kb_read_text("/proc/self/stat", &o, &f), KB_OK);
    cr_assert_eq(f.outcome, KB_READ_CHANGING);
    cr_assert_null(f.text);
}

/* kb_index_folder: the progress callback runs just before a file is read,
 * so it can make the file vanish or change at that very moment. */
typedef struct {
    const char *victim; /* file name, relative */
    int action;         /* 1: delete it, 2: rewrite it */
    unsigned seen[KB_EV_COUNT];
} race;

static void on_progress(void *ctx, const kb_progress *p)
{
    race *r = ctx;
    if (!p->path || strcmp(p->path, r->victim) != 0)
        return;
    char full[600];
    snprintf(full, sizeof full, "%s/%s", tmpdir, r->victim);
    if (r->action == 1)
        unlink(full);
    else
        write_bytes(full, "Rewritten\n\nThe heron came back.\n", 32);
}

static void on_event(void *ctx, kb_file_event ev, const char *p, const char *detail)
{
    (void)p;
    (void)detail;
    ((race *)ctx)->seen[ev]++;
}

static kb_index_stats index_with(race *r)
{
    char db[600];
    snprintf(db, sizeof db, "%s/.kbsearch", tmpdir);
    kb_index_opts o = {.folder = tmpdir, .db_path = db, .event = on_event,
                       .progress = on_progress, .ctx = r};
    kb_index_stats stats;
    char *msg = NULL;
    cr_assert_eq(kb_index_folder(&o, &stats, &msg), KB_OK, "%s", msg ? msg : "");
    return stats;
}

Test(reader, a_file_gone_before_its_reading_is_reported_and_removed)
{
    char a[600], b[600];
    snprintf(a, sizeof a, "%s/a.txt", tmpdir);
    snprintf(b, sizeof b, "%s/b.txt", tmpdir);
    write_bytes(a, "Alpha\n\nThe alpha note.\n", 23);
    write_bytes(b, "Beta\n\nThe beta note.\n", 21);
    race r = {"zzz", 0, {0}};
    kb_index_stats s = index_with(&r);
    cr_assert_eq(s.count[KB_EV_INDEXED], 2);
    write_bytes(b, "Beta\n\nThe beta note, edited.\n", 29);
    race gone = {"b.txt", 1, {0}};
    s = index_with(&gone);
    cr_assert_eq(s.count[KB_EV_VANISHED], 1);
    cr_assert_eq(gone.seen[KB_EV_VANISHED], 1);
    cr_assert_eq(s.count[KB_EV_REMOVED], 1, "its old passages are removed");
    cr_assert_eq(s.count[KB_EV_UNCHANGED], 1);
}

Test(reader, a_file_changed_before_its_reading_is_indexed_as_it_is_then)
{
    char a[600];
    snprintf(a, sizeof a, "%s/a.txt", tmpdir);
    write_bytes(a, "Alpha\n\nThe alpha note.\n", 23);
    race r = {"a.txt", 2, {0}};
    kb_index_stats s = index_with(&r);
    cr_assert_eq(s.count[KB_EV_INDEXED], 1);
    cr_assert_eq(s.bytes, 32, "the rewritten content was read");
    race again = {"none", 0, {0}};
    s = index_with(&again);
    cr_assert_eq(s.count[KB_EV_UNCHANGED], 1);
    cr_assert_eq(s.count[KB_EV_INDEXED], 0);
}
