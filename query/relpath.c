/* Display paths: relative to where the user stands, as grep shows them. */
#include "kbsearch/printer.h"

#include <string.h>

void kb_abs_path(const char *root, kb_str rel, kb_buf *out)
{
    size_t n = strlen(root);
    kb_buf_add(out, root, n);
    if (n == 0 || root[n - 1] != '/')
        kb_buf_add(out, "/", 1);
    kb_buf_add(out, rel.p, rel.n);
}

void kb_display_path(const char *root, const char *cwd, kb_str rel, kb_buf *out)
{
    kb_buf abs = KB_BUF_INIT;
    kb_abs_path(root, rel, &abs);
    if (kb_buf_status(&abs)) {
        out->st = kb_buf_status(&abs);
        return;
    }
    if (!cwd) {
        kb_buf_add(out, rel.p, rel.n);
        kb_buf_free(&abs);
        return;
    }
    /* The longest common prefix that ends at a folder boundary. */
    size_t common = 0, i = 0;
    while (cwd[i] && abs.data[i] == cwd[i]) {
        i++;
        if (abs.data[i] == '/' && (cwd[i] == '/' || cwd[i] == '\0'))
            common = i;
    }
    if (strcmp(cwd, "/") == 0) {
        kb_buf_puts(out, abs.data + 1);
    } else if (common == 0) {
        kb_buf_add(out, abs.data, abs.len); /* nothing shared but "/" */
    } else {
        for (const char *c = cwd + common; *c; c++)
            if (*c == '/')
                kb_buf_puts(out, "../");
        kb_buf_puts(out, abs.data + common + 1);
    }
    kb_buf_free(&abs);
}
