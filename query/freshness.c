/* Hits against the files as they are now: stat, and read only what changed. */
#include "kbsearch/freshness.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kbsearch/buf.h"
#include "kbsearch/reader.h"

typedef enum {
    FILE_SAME,       /* size and mtime as indexed: not read */
    FILE_CHANGED,    /* read into `data` */
    FILE_UNREADABLE, /* there, but stat or read failed */
    FILE_GONE
} file_state;

/* One file met during the query. */
typedef struct {
    char *rel;       /* its path relative to the root (owned) */
    size_t rel_len;
    file_state state;
    kb_buf data;
} known_file;

struct kb_freshness {
    char *root;
    known_file *files;
    size_t nfiles, cap;
    kb_buf path; /* scratch: root + "/" + rel */
};

kb_status kb_freshness_new(const char *root, kb_freshness **out)
{
    *out = NULL;
    kb_freshness *f = calloc(1, sizeof *f);
    if (!f)
        return KB_ERR_NOMEM;
    f->root = strdup(root);
    if (!f->root) {
        free(f);
        return KB_ERR_NOMEM;
    }
    *out = f;
    return KB_OK;
}

void kb_freshness_free(kb_freshness *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->nfiles; i++) {
        free(f->files[i].rel);
        kb_buf_free(&f->files[i].data);
    }
    free(f->files);
    free(f->root);
    kb_buf_free(&f->path);
    free(f);
}

/* Looks at the file once: stat (through a link: kbindex --follow indexes
 * linked files), then a read only when it changed, repaired as kbindex
 * reads it (reader.h) so that the stored text can be found in it. */
static kb_status look(kb_freshness *f, const kb_file_entry *e, known_file *k)
{
    kb_buf_reset(&f->path);
    kb_buf_puts(&f->path, f->root);
    if (f->path.len == 0 || f->path.data[f->path.len - 1] != '/')
        kb_buf_add(&f->path, "/", 1);
    kb_buf_add(&f->path, k->rel, k->rel_len);
    if (kb_buf_status(&f->path))
        return KB_ERR_NOMEM;
    struct stat st;
    if (stat(f->path.data, &st) != 0) {
        k->state = errno == ENOENT || errno == ENOTDIR ? FILE_GONE : FILE_UNREADABLE;
        return KB_OK;
    }
    if (!S_ISREG(st.st_mode)) {
        k->state = FILE_GONE;
        return KB_OK;
    }
    int64_t mtime = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    if (e && e->size == (uint64_t)st.st_size && e->mtime_ns == mtime) {
        k->state = FILE_SAME;
        return KB_OK;
    }
    kb_status st_read = kb_buf_read_file(&k->data, f->path.data);
    if (st_read == KB_ERR_NOMEM)
        return KB_ERR_NOMEM;
    if (st_read)
        k->state = errno == ENOENT ? FILE_GONE : FILE_UNREADABLE;
    else if (e && e->size == k->data.len && e->hash == kb_hash64(k->data.data, k->data.len))
        k->state = FILE_SAME; /* touched, or indexed within the racy window */
    else {
        size_t repaired, first_bad;
        if (k->data.len)
            kb_text_repair(k->data.data, k->data.len, &repaired, &first_bad);
        k->state = FILE_CHANGED;
    }
    return KB_OK;
}

/* The file of `rel`, looked at on first use. */
static kb_status file_for(kb_freshness *f, kb_str rel, const kb_file_entry *e, known_file **out)
{
    for (size_t i = f->nfiles; i-- > 0;) {
        known_file *k = &f->files[i];
        if (k->rel_len == rel.n && memcmp(k->rel, rel.p, rel.n) == 0) {
            *out = k;
            return KB_OK;
        }
    }
    if (!kb_grow((void **)&f->files, &f->cap, f->nfiles + 1, sizeof *f->files))
        return KB_ERR_NOMEM;
    known_file *k = &f->files[f->nfiles];
    memset(k, 0, sizeof *k);
    k->rel = malloc(rel.n + 1);
    if (!k->rel)
        return KB_ERR_NOMEM;
    memcpy(k->rel, rel.p, rel.n);
    k->rel[rel.n] = '\0';
    k->rel_len = rel.n;
    f->nfiles++; /* counted now, so kb_freshness_free frees it */
    *out = k;
    return look(f, e, k);
}

/* The occurrence of t in d[0,n) that starts nearest `near`. */
static bool find_nearest(const char *d, size_t n, kb_str t, size_t near, size_t *at)
{
    if (t.n == 0 || t.n > n)
        return false;
    if (near <= n - t.n && memcmp(d + near, t.p, t.n) == 0) {
        *at = near;
        return true;
    }
    const char *after = near < n ? memmem(d + near, n - near, t.p, t.n) : NULL;
    /* The last occurrence starting before `near` ends before near - 1 + t.n. */
    const char *before = NULL;
    size_t end = near == 0 ? 0 : near - 1 + t.n < n ? near - 1 + t.n : n;
    for (const char *p = d, *q; p < d + end && (q = memmem(p, (size_t)(d + end - p), t.p, t.n));
         p = q + 1)
        before = q;
    if (!after && !before)
        return false;
    if (after && (!before || (size_t)(after - d) - near <= near - (size_t)(before - d)))
        *at = (size_t)(after - d);
    else
        *at = (size_t)(before - d);
    return true;
}

/* Puts rec at byte `at` of d: its lines and the column it starts at. */
static void place(const char *d, size_t at, kb_record *rec)
{
    kb_spot s = {0, 1, {0, 0, 0}};
    kb_spot_advance(&s, d, at);
    rec->line_end = s.line + (rec->line_end - rec->line_start);
    rec->line_start = s.line;
    rec->byte_start = at;
    rec->byte_end = at + rec->text.n;
    rec->col = s.col;
}

kb_status kb_freshness_check(kb_freshness *f, const kb_file_entry *e, kb_record *rec,
                             kb_hit_state *state, kb_str *now)
{
    *state = KB_HIT_FRESH;
    *now = (kb_str){NULL, 0};
    known_file *k = NULL;
    kb_status st = file_for(f, rec->path, e, &k);
    if (st)
        return st;
    size_t at = 0;
    switch (k->state) {
    case FILE_SAME:
        break;
    case FILE_GONE:
        *state = KB_HIT_DELETED;
        break;
    case FILE_UNREADABLE:
        *state = KB_HIT_STALE;
        break;
    case FILE_CHANGED:
        /* A passage read through a format (HTML, Markdown, PDF) is not a
         * copy of source bytes to look for again. */
        if (rec->map.n || rec->page) {
            *state = KB_HIT_STALE;
            break;
        }
        *now = (kb_str){k->data.data ? k->data.data : "", k->data.len};
        if (!find_nearest(now->p, now->n, rec->text, rec->byte_start, &at)) {
            *state = KB_HIT_STALE;
            break;
        }
        /* Even at the same offset the lines before may have changed. */
        *state = at == rec->byte_start ? KB_HIT_FRESH : KB_HIT_MOVED;
        place(now->p, at, rec);
        break;
    }
    return KB_OK;
}
