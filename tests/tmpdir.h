/* tmpdir.h — for the Criterion tests: a fresh folder per test under
 * $TMPDIR (else /tmp), removed with everything in it afterwards.  Each
 * test runs in its own process, so the one static path is per test. */
#ifndef KBSEARCH_TESTS_TMPDIR_H
#define KBSEARCH_TESTS_TMPDIR_H

#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

static char tmpdir[256];

/* Makes $TMPDIR/kb_test_NAME_XXXXXX into tmpdir. */
static void tmpdir_make(const char *name)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/kb_test_%s_XXXXXX", base && *base ? base : "/tmp", name);
    cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp failed");
}

static int tmpdir_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Removes tmpdir and all it holds (permissions a test took away first
 * given back is the test's job). */
static void tmpdir_remove(void)
{
    if (tmpdir[0])
        nftw(tmpdir, tmpdir_rm_one, 16, FTW_DEPTH | FTW_PHYS);
    tmpdir[0] = '\0';
}

#endif
