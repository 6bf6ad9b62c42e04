/* Tests for kb_index_folder's check mode (indexer.h, opts.check): it
 * reports what a run would do and damage, and changes nothing.  Real
 * folders and indexes in a temporary folder. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kbsearch/index.h"
#include "kbsearch/indexer.h"

#include "tmpdir.h"

static char db[600];

static void setup(void)
{
    tmpdir_make("check");
    snprintf(db, sizeof db, "%s/.kbsearch", tmpdir);
}

static void teardown(void)
{
    tmpdir_remove();
}

TestSuite(check, .init = setup, .fini = teardown);

static void put(const char *name, const char *text)
{
    char p[700];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    FILE *fp = fopen(p, "w");
    cr_assert_not_null(fp);
    fputs(text, fp);
    fclose(fp);
}

typedef struct {
    char seen[2048];
} log_ctx;

static void on_event(void *ctx, kb_file_event ev, const char *path, const char *detail)
{
    log_ctx *l = ctx;
    size_t n = strlen(l->seen);
    snprintf(l->seen + n, sizeof l->seen - n, "%s %s%s%s\n", kb_file_event_name(ev), path,
             detail ? ": " : "", detail ? detail : "");
}

static kb_index_stats run(bool check, log_ctx *l)
{
    kb_index_opts o = {.folder = tmpdir, .db_path = db, .check = check, .event = on_event, .ctx = l};
    kb_index_stats s;
    char *msg = NULL;
    cr_assert_eq(kb_index_folder(&o, &s, &msg), KB_OK, "%s", msg ? msg : "");
    return s;
}

Test(check, reports_each_difference_and_changes_nothing)
{
    put("a.txt", "Alpha\n\nThe alpha note.\n");
    put("b.txt", "Beta\n\nThe beta note.\n");
    put("c.txt", "Gamma\n\nThe gamma note.\n");
    log_ctx l = {""};
    run(false, &l);
    put("a.txt", "Alpha\n\nThe alpha note, edited.\n");
    put("d.txt", "Delta\n\nThe delta note.\n");
    char from[700], to[700];
    snprintf(from, sizeof from, "%s/b.txt", tmpdir);
    snprintf(to, sizeof to, "%s/e.txt", tmpdir);
    cr_assert_eq(rename(from, to), 0);
    snprintf(from, sizeof from, "%s/c.txt", tmpdir);
    cr_assert_eq(unlink(from), 0);
    for (int round = 0; round < 2; round++) { /* the second sees the same */
        log_ctx c = {""};
        kb_index_stats s = run(true, &c);
        cr_assert_str_eq(c.seen, "indexed a.txt: changed\n"
                                 "indexed d.txt: new\n"
                                 "renamed e.txt: b.txt\n"
                                 "removed c.txt\n");
        cr_assert_eq(s.count[KB_EV_DAMAGED], 0);
    }
    log_ctx u = {""};
    kb_index_stats s = run(false, &u);
    cr_assert_eq(s.count[KB_EV_INDEXED], 2);
    log_ctx c = {""};
    s = run(true, &c);
    cr_assert_eq(s.count[KB_EV_UNCHANGED], 3);
    cr_assert_str_eq(c.seen, "unchanged a.txt\nunchanged d.txt\nunchanged e.txt\n");
}

Test(check, finds_passages_missing_or_belonging_to_no_file)
{
    put("a.txt", "Alpha\n\nThe alpha note.\n\nA second paragraph.\n");
    put("b.txt", "Beta\n\nThe beta note.\n");
    log_ctx l = {""};
    run(false, &l);
    kb_db *w;
    char *msg = NULL;
    cr_assert_eq(kb_db_open(db, KB_DB_WRITE, &w, &msg), KB_OK);
    cr_assert_eq(kb_db_delete_by_term(w, "Pa.txt", 6), KB_OK);
    kb_doc *d;
    cr_assert_eq(kb_doc_new(&d), KB_OK);
    cr_assert_eq(kb_doc_add_posting(d, "stray", 5, 1), KB_OK);
    cr_assert_eq(kb_db_add_doc(w, d), KB_OK);
    kb_doc_free(d);
    cr_assert_eq(kb_db_commit(w), KB_OK);
    kb_db_close(w);
    log_ctx c = {""};
    kb_index_stats s = run(true, &c);
    cr_assert_eq(s.count[KB_EV_DAMAGED], 2, "%s", c.seen);
    cr_assert(strstr(c.seen, "damaged a.txt: the index holds 0 passages of it, its entry says 2"),
              "%s", c.seen);
    cr_assert(strstr(c.seen, "damaged .: the index holds 1 passage that belongs to no file"),
              "%s", c.seen);
}
