/* kb_lock_take: an OFD lock on <index>/kbindex.lock holding the writer's pid. */
#include "kbsearch/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kbsearch/buf.h"

struct kb_lock {
    int fd; /* the locked file; closing it releases the lock */
};

/* mkdir -p: makes `path` and its missing parents.  Sets errno on failure. */
static kb_status make_folders(const char *path)
{
    if (!*path) {
        errno = ENOENT;
        return KB_ERR_IO;
    }
    kb_buf p = KB_BUF_INIT;
    kb_buf_puts(&p, path);
    if (kb_buf_status(&p))
        return KB_ERR_NOMEM;
    kb_status st = KB_OK;
    for (char *c = p.data + 1; !st; c++) {
        if (*c != '/' && *c != '\0')
            continue;
        char end = *c;
        *c = '\0';
        struct stat sb;
        /* stat first: a parent we may not write to can exist already. */
        if (stat(p.data, &sb) != 0 && (errno != ENOENT || mkdir(p.data, 0777) != 0) &&
            errno != EEXIST)
            st = KB_ERR_IO;
        *c = end;
        if (!end)
            break;
    }
    if (!st) {
        struct stat sb;
        if (stat(path, &sb) != 0)
            st = KB_ERR_IO;
        else if (!S_ISDIR(sb.st_mode)) {
            errno = ENOTDIR;
            st = KB_ERR_IO;
        }
    }
    int e = errno;
    kb_buf_free(&p);
    errno = e;
    return st;
}

/* The pid the holder wrote, or 0. */
static long read_holder(int fd)
{
    char text[32];
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    if (n <= 0)
        return 0;
    text[n] = '\0';
    char *end;
    long pid = strtol(text, &end, 10);
    return end != text && *end == '\n' && pid > 0 ? pid : 0;
}

static kb_status write_pid(int fd)
{
    char text[32];
    int n = snprintf(text, sizeof text, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, text, (size_t)n, 0) != n)
        return KB_ERR_IO; /* a short write to a tiny file: the disk is full */
    return KB_OK;
}

kb_status kb_lock_take(const char *db_path, bool wait, kb_lock **out, long *holder_pid)
{
    *out = NULL;
    if (holder_pid)
        *holder_pid = 0;
    kb_status st = make_folders(db_path);
    if (st)
        return st;
    kb_buf file = KB_BUF_INIT;
    kb_buf_printf(&file, "%s/" KB_LOCK_FILE, db_path);
    if (kb_buf_status(&file))
        return KB_ERR_NOMEM;
    int fd = open(file.data, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
    int e = errno;
    kb_buf_free(&file);
    if (fd < 0) {
        errno = e;
        return KB_ERR_IO;
    }
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    int rc;
    while ((rc = fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &fl)) != 0 && errno == EINTR)
        ;
    if (rc != 0) {
        e = errno;
        st = KB_ERR_IO;
        if (e == EAGAIN || e == EACCES) {
            st = KB_ERR_LOCKED;
            if (holder_pid)
                *holder_pid = read_holder(fd);
        }
    } else if ((st = write_pid(fd)) == KB_OK) {
        kb_lock *l = malloc(sizeof *l);
        if (l) {
            l->fd = fd;
            *out = l;
            return KB_OK;
        }
        st = KB_ERR_NOMEM;
    }
    e = errno;
    close(fd);
    errno = e;
    return st;
}

void kb_lock_release(kb_lock *l)
{
    if (!l)
        return;
    close(l->fd);
    free(l);
}
