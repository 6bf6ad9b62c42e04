/* fuzz_ignore.c — libFuzzer target for the ignore rules (ignore.h).
 *
 * An input is rule-file text, a NUL, then paths separated by NULs (a path
 * ending in '/' is a folder).  The text's first line is also tried as an
 * --exclude and an --include glob: it must be accepted, or refused with a
 * message naming it.  The text is then read as the root's rule file, and
 * every path is matched, twice (the matcher's scratch memory is reused).
 * Invariants that need no second implementation: the same rules in folder
 * "sub" decide "sub/<path>" as the root's decide <path>; a deeper "**"
 * skips everything and a deeper "!**" keeps everything.  A broken
 * invariant calls abort(), which libFuzzer reports as a crash with the
 * input that caused it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/buf.h"
#include "kbsearch/ignore.h"

#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PATHS 64

static void check_glob(const char *glob)
{
    const char *globs[] = {glob};
    kb_ignore_opts o = {true, globs, 1, globs, 1};
    kb_ignore *ig = (kb_ignore *)1;
    char *msg = (char *)1;
    kb_status st = kb_ignore_new(&o, &ig, &msg);
    CHECK(st == KB_OK || st == KB_ERR_INVALID || st == KB_ERR_NOMEM);
    if (st == KB_OK) {
        CHECK(ig != NULL && msg == NULL);
        /* every file matching the glob is both excluded and included */
        (void)kb_ignore_skip(ig, glob, false);
    } else {
        CHECK(ig == NULL);
        CHECK(st == KB_ERR_NOMEM ||
              (msg && strncmp(msg, "--exclude '", 11) == 0 && strstr(msg, glob)));
    }
    kb_ignore_free(ig);
    free(msg);
}

static kb_ignore *with_rules(const char *dir, const char *text, size_t len)
{
    kb_ignore_opts o = {true, NULL, 0, NULL, 0};
    kb_ignore *ig = NULL;
    if (kb_ignore_new(&o, &ig, NULL) != KB_OK)
        return NULL;
    if (kb_ignore_enter_text(ig, "", "", 0) != KB_OK ||
        kb_ignore_enter_text(ig, dir, text, len) != KB_OK) {
        kb_ignore_free(ig);
        return NULL;
    }
    return ig;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nul = memchr(text, '\0', size);
    size_t text_len = nul ? (size_t)(nul - text) : size;

    kb_buf line = KB_BUF_INIT;
    const char *nl = memchr(text, '\n', text_len);
    kb_buf_add(&line, text, nl ? (size_t)(nl - text) : text_len);
    if (kb_buf_status(&line) == KB_OK)
        check_glob(line.data);
    kb_buf_free(&line);

    kb_ignore *root = with_rules("", text, text_len);
    kb_ignore *sub = with_rules("sub", text, text_len);
    if (!root || !sub)
        goto done;

    const char *p = nul ? nul + 1 : text + size;
    const char *end = text + size;
    kb_buf path = KB_BUF_INIT, moved = KB_BUF_INIT;
    bool skip[MAX_PATHS], dir[MAX_PATHS];
    size_t np = 0;
    const char *paths[MAX_PATHS];
    size_t lens[MAX_PATHS];
    while (p < end && np < MAX_PATHS) {
        const char *e = memchr(p, '\0', (size_t)(end - p));
        size_t n = e ? (size_t)(e - p) : (size_t)(end - p);
        paths[np] = p;
        lens[np] = n;
        dir[np] = n && p[n - 1] == '/';
        np++;
        p += n + 1;
    }
    for (size_t i = 0; i < np; i++) {
        kb_buf_reset(&path);
        kb_buf_add(&path, paths[i], lens[i] - dir[i]);
        kb_buf_reset(&moved);
        kb_buf_printf(&moved, "sub/%s", path.data ? path.data : "");
        if (kb_buf_status(&path) || kb_buf_status(&moved))
            break;
        skip[i] = kb_ignore_skip(root, path.data, dir[i]);
        CHECK(kb_ignore_skip(root, path.data, dir[i]) == skip[i]);
        CHECK(kb_ignore_skip(sub, moved.data, dir[i]) == skip[i]);
    }
    if (kb_ignore_enter_text(root, "", "**\n", 3) == KB_OK) {
        for (size_t i = 0; i < np; i++) {
            kb_buf_reset(&path);
            kb_buf_add(&path, paths[i], lens[i]);
            if (kb_buf_status(&path) == KB_OK)
                CHECK(kb_ignore_skip(root, path.data, dir[i]));
        }
        if (kb_ignore_enter_text(root, "", "!**\n", 4) == KB_OK)
            for (size_t i = 0; i < np; i++) {
                kb_buf_reset(&path);
                kb_buf_add(&path, paths[i], lens[i]);
                if (kb_buf_status(&path) == KB_OK)
                    CHECK(!kb_ignore_skip(root, path.data, dir[i]));
            }
    }
    kb_buf_free(&path);
    kb_buf_free(&moved);
done:
    kb_ignore_free(root);
    kb_ignore_free(sub);
    return 0;
}
