/* Locating the index from the current folder upwards, and the indexes a
 * shards file lists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kbsearch/indexer.h"
#include "kbsearch/search.h"

kb_status kb_find_index(const char *start, kb_buf *out)
{
    kb_buf dir = KB_BUF_INIT;
    kb_buf_puts(&dir, start);
    while (kb_buf_status(&dir) == KB_OK && dir.len > 0) {
        size_t base = dir.len;
        kb_buf_puts(&dir, dir.data[base - 1] == '/' ? "" : "/");
        kb_buf_puts(&dir, KB_INDEX_DIRNAME);
        struct stat st;
        if (kb_buf_status(&dir) == KB_OK && stat(dir.data, &st) == 0 && S_ISDIR(st.st_mode)) {
            kb_buf_add(out, dir.data, dir.len);
            kb_buf_free(&dir);
            return kb_buf_status(out);
        }
        /* Up one folder: cut the last component (and stop after "/"). */
        dir.len = base;
        while (dir.len > 0 && dir.data[dir.len - 1] != '/')
            dir.len--;
        if (dir.len > 1)
            dir.len--;
        else if (base == 1)
            break;
        dir.data[dir.len] = '\0';
    }
    kb_status st = kb_buf_status(&dir);
    kb_buf_free(&dir);
    if (st)
        return st;
    const char *env = getenv("KBSEARCH_DB");
    if (env && *env) {
        kb_buf_puts(out, env);
        return kb_buf_status(out);
    }
    return KB_ERR_NOT_FOUND;
}

/* Appends one line of a shards file as a name: tcp:// and absolute names
 * as they are, a relative folder after the file's own folder `dir`. */
static void add_listed(kb_buf *out, const char *dir, const char *line, size_t len)
{
    if (line[0] != '/' && strncmp(line, KB_REMOTE_PREFIX, strlen(KB_REMOTE_PREFIX)) != 0) {
        kb_buf_puts(out, dir);
        kb_buf_puts(out, "/");
    }
    kb_buf_add(out, line, len);
    kb_buf_add(out, "", 1);
}

kb_status kb_index_names(const char *db, kb_buf *out, size_t *n)
{
    struct stat st;
    kb_buf file = KB_BUF_INIT, dir = KB_BUF_INIT;
    kb_buf_puts(&file, db);
    if (stat(db, &st) == 0 && S_ISDIR(st.st_mode)) {
        kb_buf_puts(&file, "/" KB_SHARDS_FILE);
        kb_buf_puts(&dir, db);
    } else if (strchr(db, '/')) {
        kb_buf_add(&dir, db, (size_t)(strrchr(db, '/') - db));
    } else {
        kb_buf_puts(&dir, ".");
    }
    kb_status rc = kb_buf_status(&file) ? kb_buf_status(&file) : kb_buf_status(&dir);
    FILE *f = rc ? NULL : fopen(file.data, "r");
    if (!f) {
        /* No list: db is an index (or a remote one) itself. */
        kb_buf_add(out, db, strlen(db) + 1);
        *n += 1;
    } else {
        char *line = NULL;
        size_t cap = 0, before = *n;
        ssize_t len;
        while ((len = getline(&line, &cap, f)) >= 0) {
            while (len > 0 && strchr(" \t\r\n", line[len - 1]))
                line[--len] = '\0';
            size_t lead = strspn(line, " \t");
            if (line[lead] && line[lead] != '#') {
                add_listed(out, dir.data, line + lead, (size_t)len - lead);
                *n += 1;
            }
        }
        if (ferror(f))
            rc = KB_ERR_IO;
        else if (*n == before)
            rc = KB_ERR_NOT_FOUND;
        free(line);
        fclose(f);
    }
    kb_buf_free(&file);
    kb_buf_free(&dir);
    return rc ? rc : kb_buf_status(out);
}
