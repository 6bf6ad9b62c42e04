/* Tests for include/kbsearch/lock.h: real processes holding, releasing and
 * dying with the lock of an index folder in a fresh temporary folder. */
#include <criterion/criterion.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kbsearch/index.h"
#include "kbsearch/lock.h"

#include "tmpdir.h"

static char dbpath[300];

static void make_tmp(void)
{
    tmpdir_make("lock");
    snprintf(dbpath, sizeof dbpath, "%s/index", tmpdir);
}

TestSuite(lock, .init = make_tmp, .fini = tmpdir_remove);

/* --- a holder in another process ------------------------------------------ */

typedef struct {
    pid_t pid;
    int release; /* write end: a byte (or EOF) tells the child to release */
} holder;

/* Forks a child that takes the lock, says so, holds it until told (or
 * killed), then releases it and exits 0. */
static holder start_holder(void)
{
    int ready[2], release[2];
    cr_assert_eq(pipe(ready), 0);
    cr_assert_eq(pipe(release), 0);
    pid_t pid = fork();
    cr_assert_neq(pid, -1, "fork: %s", strerror(errno));
    if (pid == 0) {
        close(ready[0]);
        close(release[1]);
        kb_lock *l;
        char c = kb_lock_take(dbpath, false, &l, NULL) == KB_OK ? 'y' : 'n';
        if (write(ready[1], &c, 1) != 1 || c != 'y')
            _exit(1);
        (void)!read(release[0], &c, 1);
        kb_lock_release(l);
        _exit(0);
    }
    close(ready[1]);
    close(release[0]);
    char c = 0;
    cr_assert_eq(read(ready[0], &c, 1), 1, "the holder died before saying");
    cr_assert_eq(c, 'y', "the holder could not take the lock");
    close(ready[0]);
    return (holder){pid, release[1]};
}

static void finish_holder(holder *h)
{
    close(h->release);
    int status;
    cr_assert_eq(waitpid(h->pid, &status, 0), h->pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "holder status %d", status);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --- tests ------------------------------------------------------------------ */

Test(lock, take_writes_pid_and_release_frees_it)
{
    kb_lock *l = NULL;
    long pid = -1;
    cr_assert_eq(kb_lock_take(dbpath, false, &l, &pid), KB_OK);
    cr_assert_not_null(l);
    cr_assert_eq(pid, 0, "no holder to report");

    char file[400], text[32] = "";
    snprintf(file, sizeof file, "%s/" KB_LOCK_FILE, dbpath);
    FILE *f = fopen(file, "r");
    cr_assert_not_null(f);
    cr_assert_not_null(fgets(text, sizeof text, f));
    fclose(f);
    cr_assert_eq(strtol(text, NULL, 10), (long)getpid(), "file holds '%s'", text);

    kb_lock_release(l);
    cr_assert_eq(kb_lock_take(dbpath, false, &l, NULL), KB_OK, "taken again after release");
    kb_lock_release(l);
    kb_lock_release(NULL);
}

Test(lock, second_take_in_one_process_is_refused)
{
    kb_lock *a = NULL, *b = (kb_lock *)1;
    long pid = 0;
    cr_assert_eq(kb_lock_take(dbpath, false, &a, NULL), KB_OK);
    cr_assert_eq(kb_lock_take(dbpath, false, &b, &pid), KB_ERR_LOCKED);
    cr_assert_null(b);
    cr_assert_eq(pid, (long)getpid());
    kb_lock_release(a);
}

Test(lock, holder_in_another_process_is_named)
{
    holder h = start_holder();
    kb_lock *l = NULL;
    long pid = 0;
    cr_assert_eq(kb_lock_take(dbpath, false, &l, &pid), KB_ERR_LOCKED);
    cr_assert_null(l);
    cr_assert_eq(pid, (long)h.pid, "holder %ld, child %ld", pid, (long)h.pid);
    cr_assert_eq(kb_lock_take(dbpath, false, &l, NULL), KB_ERR_LOCKED, "NULL pid is fine");
    finish_holder(&h);
    cr_assert_eq(kb_lock_take(dbpath, false, &l, &pid), KB_OK, "free once the child released");
    kb_lock_release(l);
}

Test(lock, killed_holder_leaves_no_stale_lock)
{
    holder h = start_holder();
    kb_lock *l = NULL;
    cr_assert_eq(kb_lock_take(dbpath, false, &l, NULL), KB_ERR_LOCKED);
    cr_assert_eq(kill(h.pid, SIGKILL), 0);
    int status;
    cr_assert_eq(waitpid(h.pid, &status, 0), h.pid);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    close(h.release);
    long pid = -1;
    cr_assert_eq(kb_lock_take(dbpath, false, &l, &pid), KB_OK, "the kernel released it");
    kb_lock_release(l);
}

Test(lock, wait_blocks_until_the_holder_releases, .timeout = 10.)
{
    holder h = start_holder();
    pid_t waiter = fork();
    cr_assert_neq(waiter, -1);
    if (waiter == 0) { /* releases the holder a little later */
        usleep(300 * 1000);
        _exit(write(h.release, "r", 1) == 1 ? 0 : 1); /* the parent keeps its copy open */
    }
    double t0 = now();
    kb_lock *l = NULL;
    long pid = -1;
    cr_assert_eq(kb_lock_take(dbpath, true, &l, &pid), KB_OK);
    double waited = now() - t0;
    cr_assert_geq(waited, 0.2, "returned after %.3f s, before the release", waited);
    kb_lock_release(l);
    waitpid(waiter, NULL, 0);
    finish_holder(&h);
}

Test(lock, wait_returns_when_the_holder_is_killed, .timeout = 10.)
{
    holder h = start_holder();
    pid_t killer = fork();
    cr_assert_neq(killer, -1);
    if (killer == 0) {
        usleep(200 * 1000);
        kill(h.pid, SIGKILL);
        _exit(0);
    }
    kb_lock *l = NULL;
    cr_assert_eq(kb_lock_take(dbpath, true, &l, NULL), KB_OK);
    kb_lock_release(l);
    waitpid(killer, NULL, 0);
    int status;
    cr_assert_eq(waitpid(h.pid, &status, 0), h.pid);
    cr_assert(WIFSIGNALED(status));
    close(h.release);
}

Test(lock, missing_folders_are_created)
{
    char deep[400];
    snprintf(deep, sizeof deep, "%s/a/b/c/index/", tmpdir);
    kb_lock *l = NULL;
    cr_assert_eq(kb_lock_take(deep, false, &l, NULL), KB_OK);
    struct stat sb;
    cr_assert_eq(stat(deep, &sb), 0);
    cr_assert(S_ISDIR(sb.st_mode));
    char file[450];
    snprintf(file, sizeof file, "%s" KB_LOCK_FILE, deep);
    cr_assert_eq(stat(file, &sb), 0);
    kb_lock_release(l);
}

Test(lock, a_file_in_the_way_is_an_io_error)
{
    char file[400];
    snprintf(file, sizeof file, "%s/plain", tmpdir);
    FILE *f = fopen(file, "w");
    cr_assert_not_null(f);
    fclose(f);
    kb_lock *l = (kb_lock *)1;
    errno = 0;
    cr_assert_eq(kb_lock_take(file, false, &l, NULL), KB_ERR_IO);
    cr_assert_eq(errno, ENOTDIR, "errno %d", errno);
    cr_assert_null(l);
    snprintf(file, sizeof file, "%s/plain/index", tmpdir);
    cr_assert_eq(kb_lock_take(file, false, &l, NULL), KB_ERR_IO);
    cr_assert_eq(errno, ENOTDIR, "errno %d", errno);
    cr_assert_eq(kb_lock_take("", false, &l, NULL), KB_ERR_IO);
}

/* The lock file sits beside Xapian's files: a new index is created in the
 * folder the lock made, and reopened, while the lock is held. */
Test(lock, xapian_shares_the_folder)
{
    kb_lock *l = NULL;
    cr_assert_eq(kb_lock_take(dbpath, false, &l, NULL), KB_OK);
    kb_db *db = NULL;
    char *err = NULL;
    cr_assert_eq(kb_db_open(dbpath, KB_DB_WRITE, &db, &err), KB_OK, "%s", err ? err : "");
    cr_assert_eq(kb_db_set_meta(db, "k", "v", 1), KB_OK);
    cr_assert_eq(kb_db_commit(db), KB_OK);
    kb_db_close(db);
    cr_assert_eq(kb_db_open(dbpath, KB_DB_READ, &db, &err), KB_OK, "%s", err ? err : "");
    char *v = NULL;
    cr_assert_eq(kb_db_get_meta(db, "k", &v, NULL), KB_OK);
    cr_assert_str_eq(v, "v");
    free(v);
    kb_db_close(db);
    kb_lock_release(l);
}
