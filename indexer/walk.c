/* The folder walk behind kb_index_folder. */
#include "kbsearch/walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/buf.h"

/* A folder on the path from the root to the entry being visited. */
typedef struct {
    dev_t dev;
    ino_t ino;
} dir_id;

typedef struct {
    const kb_walk_opts *o;
    kb_file_fn fn;
    kb_event_fn event;
    void *ctx;
    kb_buf abs;         /* absolute path of the entry being visited */
    size_t root_len;
    dir_id skip;        /* the skip folder, if skip_set */
    bool skip_set;
    dir_id *open;       /* the folders being walked, root first */
    size_t nopen, open_cap;
} walker;

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads a folder's visible names, sorted; NULL with errno on failure. */
static char **list_dir(const char *path, size_t *n)
{
    DIR *d = opendir(path);
    if (!d)
        return NULL;
    char **names = NULL;
    size_t cap = 0;
    *n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (!kb_grow((void **)&names, &cap, *n + 1, sizeof *names) ||
            !(names[*n] = strdup(e->d_name)))
            goto nomem;
        (*n)++;
    }
    closedir(d);
    qsort(names, *n, sizeof *names, by_name);
    return names ? names : calloc(1, sizeof *names);
nomem:
    closedir(d);
    while (*n)
        free(names[--*n]);
    free(names);
    errno = ENOMEM;
    return NULL;
}

static const char *rel_of(const walker *w)
{
    return w->abs.len > w->root_len ? w->abs.data + w->root_len + 1 : ".";
}

static void report(walker *w, kb_file_event ev, const char *detail)
{
    if (w->event)
        w->event(w->ctx, ev, rel_of(w), detail);
}

static bool same_dir(dir_id a, const struct stat *st)
{
    return a.dev == st->st_dev && a.ino == st->st_ino;
}

static int visit_dir(walker *w, const struct stat *self);

static void rule_file_warning(void *ctx, const char *path, const char *reason)
{
    walker *w = ctx;
    if (w->event)
        w->event(w->ctx, KB_EV_UNREADABLE, path, reason);
}

/* Visits the entry at w->abs, of lstat `st`. */
static int visit_entry(walker *w, struct stat *st)
{
    bool link = S_ISLNK(st->st_mode), follow = link && w->o->follow;
    struct stat target;
    int target_err = follow && stat(w->abs.data, &target) != 0 ? errno : 0;
    /* Another shard's file is not in this folder: nothing is said of it.
       A followed link is a file or a folder as its target is. */
    bool dir = follow && !target_err ? S_ISDIR(target.st_mode) : S_ISDIR(st->st_mode);
    if (!dir && !kb_shard_has(w->o->shard, rel_of(w)))
        return 0;
    /* A link is judged as a file, as git does, whatever it points to. */
    if (w->o->ignore && kb_ignore_skip(w->o->ignore, rel_of(w), S_ISDIR(st->st_mode))) {
        report(w, KB_EV_IGNORED, NULL);
        return 0;
    }
    if (link) {
        if (!follow) {
            report(w, KB_EV_SYMLINK, "symbolic link, not followed (--follow follows links)");
            return 0;
        }
        if (target_err) {
            if (target_err == ENOENT || target_err == ELOOP)
                report(w, target_err == ENOENT ? KB_EV_BROKEN_LINK : KB_EV_LINK_LOOP,
                       target_err == ENOENT ? "symbolic link to nothing" : "symbolic link loop");
            else
                report(w, KB_EV_UNREADABLE, strerror(target_err));
            return 0;
        }
        *st = target;
    }
    if (S_ISDIR(st->st_mode)) {
        if (w->skip_set && same_dir(w->skip, st))
            return 0;
        for (size_t i = 0; i < w->nopen; i++)
            if (same_dir(w->open[i], st)) {
                report(w, KB_EV_LINK_LOOP, "symbolic link loop: leads back to a folder above it");
                return 0;
            }
        return visit_dir(w, st);
    }
    if (S_ISREG(st->st_mode))
        return w->fn(w->ctx, rel_of(w), st);
    report(w, KB_EV_SPECIAL,
           S_ISFIFO(st->st_mode)   ? "a FIFO, not a file: not opened"
           : S_ISSOCK(st->st_mode) ? "a socket, not a file: not opened"
                                   : "a device, not a file: not opened");
    return 0;
}

static int visit_dir(walker *w, const struct stat *self)
{
    size_t n = 0;
    char **names = list_dir(w->abs.data, &n);
    if (!names) {
        if (errno == ENOMEM)
            return KB_ERR_NOMEM;
        if (w->abs.len == w->root_len)
            return KB_ERR_IO;
        if (errno != ENOENT) /* vanished since it was listed: nothing lost */
            report(w, KB_EV_UNREADABLE, strerror(errno));
        return 0;
    }
    int rc = 0;
    bool pushed = kb_grow((void **)&w->open, &w->open_cap, w->nopen + 1, sizeof *w->open);
    if (pushed)
        w->open[w->nopen++] = (dir_id){self->st_dev, self->st_ino};
    else
        rc = KB_ERR_NOMEM;
    bool entered = false;
    if (!rc && w->o->ignore) {
        rc = kb_ignore_enter(w->o->ignore, rel_of(w), w->abs.data, rule_file_warning, w);
        entered = rc == KB_OK;
    }
    size_t base = w->abs.len;
    for (size_t i = 0; i < n && rc == 0; i++) {
        w->abs.len = base;
        kb_buf_puts(&w->abs, "/");
        kb_buf_puts(&w->abs, names[i]);
        if (kb_buf_status(&w->abs)) {
            rc = KB_ERR_NOMEM;
            break;
        }
        struct stat st;
        if (lstat(w->abs.data, &st) == 0)
            rc = visit_entry(w, &st);
        else if (errno != ENOENT) /* ENOENT: gone since readdir */
            report(w, KB_EV_UNREADABLE, strerror(errno));
    }
    if (pushed)
        w->nopen--;
    if (entered)
        kb_ignore_leave(w->o->ignore);
    w->abs.len = base;
    w->abs.data[base] = '\0';
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

kb_status kb_walk(const char *root, const kb_walk_opts *o, kb_file_fn fn, kb_event_fn event,
                  void *ctx)
{
    walker w = {.o = o, .fn = fn, .event = event, .ctx = ctx, .abs = KB_BUF_INIT};
    struct stat st;
    if (o->skip && stat(o->skip, &st) == 0) {
        w.skip = (dir_id){st.st_dev, st.st_ino};
        w.skip_set = true;
    }
    kb_buf_puts(&w.abs, root);
    while (w.abs.len > 1 && w.abs.data[w.abs.len - 1] == '/')
        w.abs.data[--w.abs.len] = '\0';
    w.root_len = w.abs.len;
    int rc;
    if (kb_buf_status(&w.abs))
        rc = KB_ERR_NOMEM;
    else if (stat(w.abs.data, &st) != 0)
        rc = KB_ERR_IO;
    else
        rc = visit_dir(&w, &st);
    kb_buf_free(&w.abs);
    free(w.open);
    return (kb_status)rc;
}
