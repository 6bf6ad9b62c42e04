/* The folder walk behind kb_index_folder. */
#include "kbsearch/walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/buf.h"

typedef struct {
    const char *skip;
    kb_file_fn fn;
    kb_warn_fn warn;
    void *ctx;
    kb_buf abs; /* absolute path of the entry being visited */
    size_t root_len;
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
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            char **p = realloc(names, cap * sizeof *names);
            if (!p)
                goto nomem;
            names = p;
        }
        if (!(names[*n] = strdup(e->d_name)))
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

static int visit_dir(walker *w)
{
    size_t n = 0;
    char **names = list_dir(w->abs.data, &n);
    if (!names) {
        if (errno == ENOMEM)
            return KB_ERR_NOMEM;
        if (w->abs.len == w->root_len)
            return KB_ERR_IO;
        w->warn(w->ctx, rel_of(w), strerror(errno));
        return 0;
    }
    int rc = 0;
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
        if (lstat(w->abs.data, &st) != 0) {
            if (errno != ENOENT) /* vanished since readdir: nothing to do */
                w->warn(w->ctx, rel_of(w), strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            if (!w->skip || strcmp(w->abs.data, w->skip) != 0)
                rc = visit_dir(w);
        } else if (S_ISREG(st.st_mode)) {
            rc = w->fn(w->ctx, rel_of(w), w->abs.data, &st);
        }
    }
    w->abs.len = base;
    w->abs.data[base] = '\0';
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

kb_status kb_walk(const char *root, const char *skip, kb_file_fn fn,
                  kb_warn_fn warn, void *ctx)
{
    walker w = {skip, fn, warn, ctx, KB_BUF_INIT, 0};
    kb_buf_puts(&w.abs, root);
    while (w.abs.len > 1 && w.abs.data[w.abs.len - 1] == '/')
        w.abs.data[--w.abs.len] = '\0';
    w.root_len = w.abs.len;
    int rc = kb_buf_status(&w.abs) ? KB_ERR_NOMEM : visit_dir(&w);
    kb_buf_free(&w.abs);
    return (kb_status)rc;
}
