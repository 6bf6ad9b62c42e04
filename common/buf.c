#include "kbsearch/buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(kb_buf *b, size_t extra)
{
    if (b->st)
        return 0;
    if (b->len + extra + 1 <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->st = KB_ERR_NOMEM;
        return 0;
    }
    b->data = p;
    b->cap = cap;
    return 1;
}

void kb_buf_add(kb_buf *b, const void *p, size_t n)
{
    if (!reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void kb_buf_puts(kb_buf *b, const char *s)
{
    kb_buf_add(b, s, strlen(s));
}

void kb_buf_printf(kb_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        if (!b->st)
            b->st = KB_ERR_INVALID;
        return;
    }
    if (!reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void kb_buf_reset(kb_buf *b)
{
    b->len = 0;
    b->st = KB_OK;
    if (b->data)
        b->data[0] = '\0';
}

kb_status kb_buf_status(const kb_buf *b)
{
    return b->st;
}

void kb_buf_free(kb_buf *b)
{
    free(b->data);
    *b = (kb_buf)KB_BUF_INIT;
}

bool kb_grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * size);
    if (!q)
        return false;
    *p = q;
    *cap = n;
    return true;
}

kb_status kb_buf_read_file(kb_buf *b, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return KB_ERR_IO;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        kb_buf_add(b, chunk, n);
    int e = ferror(f) ? EIO : 0;
    fclose(f);
    if (e) {
        errno = e;
        return KB_ERR_IO;
    }
    return kb_buf_status(b);
}
