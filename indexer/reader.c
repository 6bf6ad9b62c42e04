/* kb_read_text: one file of the folder, read as text whatever it holds. */
#include "kbsearch/reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kbsearch/record.h"
#include "kbsearch/utf8.h"

kb_read_outcome kb_text_repair(char *buf, size_t len, size_t *repaired, size_t *first_bad)
{
    size_t sniff = len < KB_BINARY_SNIFF ? len : KB_BINARY_SNIFF;
    const char *nul = memchr(buf, '\0', sniff);
    *repaired = 0;
    if (nul) {
        *first_bad = (size_t)(nul - buf);
        return KB_READ_BINARY;
    }
    size_t bad_early = 0, at = 0, bad;
    while (at < len && !kb_utf8_valid(buf + at, len - at, &bad)) {
        at += bad;
        if (!*repaired)
            *first_bad = at;
        if (at < sniff)
            bad_early++;
        buf[at++] = ' '; /* the rest of a broken sequence fails on its own */
        ++*repaired;
    }
    /* Images, archives and the like are mostly invalid early on; text in
     * a legacy encoding has a few bad bytes (its accented letters). */
    if (bad_early * 8 > sniff)
        return KB_READ_BINARY;
    for (char *p = buf + sniff; (p = memchr(p, '\0', (size_t)(buf + len - p))); p++) {
        if (!*repaired || (size_t)(p - buf) < *first_bad)
            *first_bad = (size_t)(p - buf);
        *p = ' ';
        ++*repaired;
    }
    return KB_READ_TEXT;
}

/* Where to cut `n` bytes read from a longer file: after the last line end
 * in the second half, else before a character split by the limit. */
static size_t cut_point(const char *buf, size_t n)
{
    const char *nl = memrchr(buf + n / 2, '\n', n - n / 2);
    if (nl)
        return (size_t)(nl - buf) + 1;
    size_t lead = n;
    while (lead > 0 && n - lead < 4 && ((unsigned char)buf[lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead > 0 && ((unsigned char)buf[lead - 1] & 0x80)) {
        unsigned char c = (unsigned char)buf[lead - 1];
        size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (n - (lead - 1) < need)
            return lead - 1;
    }
    return n;
}

static bool same_version(const struct stat *a, const struct stat *b)
{
    return a->st_size == b->st_size && a->st_ino == b->st_ino &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* One attempt: reads the open file from its start into *buf. */
static kb_status read_once(int fd, const kb_read_opts *o, kb_text_file *out, char **buf,
                           size_t *cap, bool *stable)
{
    struct stat after;
    size_t limit = o->max_bytes ? o->max_bytes : SIZE_MAX, n = 0;
    size_t want = (size_t)out->st.st_size < limit ? (size_t)out->st.st_size : limit;
    out->truncated = false;
    for (;;) {
        if (n + 1 >= *cap) {
            size_t grow = *cap ? *cap * 2 : want + 2;
            char *p = realloc(*buf, grow);
            if (!p)
                return KB_ERR_NOMEM;
            *buf = p;
            *cap = grow;
        }
        size_t room = *cap - n - 1;
        if (room > limit - n)
            room = limit - n;
        char probe; /* at the limit: is there more? */
        ssize_t got = pread(fd, room ? *buf + n : &probe, room ? room : 1, (off_t)n);
        if (room == 0 && got > 0) {
            out->truncated = true;
            break;
        }
        if (got < 0) {
            if (errno == EINTR)
                continue;
            out->err = errno;
            out->outcome = KB_READ_FAILED;
            return KB_OK;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    if (fstat(fd, &after) != 0) {
        out->err = errno;
        out->outcome = KB_READ_FAILED;
        return KB_OK;
    }
    *stable = same_version(&out->st, &after) &&
              (out->truncated || n == (size_t)out->st.st_size);
    out->st = after;
    out->len = out->truncated && !o->raw ? cut_point(*buf, n) : n;
    return KB_OK;
}

kb_status kb_read_text(const char *path, const kb_read_opts *o, kb_text_file *out)
{
    memset(out, 0, sizeof *out);
    /* O_NONBLOCK: a FIFO swapped in after the walk must not hang open(). */
    int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (o->follow ? 0 : O_NOFOLLOW);
    int fd = open(path, flags);
    if (fd < 0) {
        out->err = errno;
        out->outcome = errno == ENOENT ? KB_READ_VANISHED
                       : errno == ELOOP && !o->follow ? KB_READ_LINK
                                                      : KB_READ_FAILED;
        return KB_OK;
    }
    char *buf = NULL;
    size_t cap = 0;
    kb_status st = KB_OK;
    out->outcome = KB_READ_CHANGING;
    for (int try = 0; try < KB_READ_TRIES && out->outcome == KB_READ_CHANGING; try++) {
        bool stable = false;
        if (fstat(fd, &out->st) != 0) {
            out->err = errno;
            out->outcome = KB_READ_FAILED;
        } else if (!S_ISREG(out->st.st_mode)) {
            out->outcome = KB_READ_NOT_REGULAR;
        } else if ((st = read_once(fd, o, out, &buf, &cap, &stable))) {
            break;
        } else if (out->outcome != KB_READ_FAILED && stable) {
            out->outcome = KB_READ_TEXT;
        }
    }
    close(fd);
    if (!st && out->outcome == KB_READ_TEXT) {
        buf[out->len] = '\0';
        out->hash = kb_hash64(buf, out->len);
        if (!o->raw)
            out->outcome = kb_text_repair(buf, out->len, &out->repaired, &out->first_bad);
    }
    if (!st && out->outcome == KB_READ_TEXT) {
        out->text = buf;
        return KB_OK;
    }
    free(buf);
    out->len = 0;
    return st;
}
