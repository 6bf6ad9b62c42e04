/* Locating the index from the current folder upwards. */
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
