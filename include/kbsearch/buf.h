/* buf.h — a growable byte buffer with a sticky error (the FTS5 habit): after
 * one failed append every later append does nothing, so a run of appends
 * needs one check at the end (kb_buf_status). */
#ifndef KBSEARCH_BUF_H
#define KBSEARCH_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include "kbsearch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kb_buf {
    char *data;   /* always NUL-terminated once anything was appended */
    size_t len;   /* bytes used, without the NUL */
    size_t cap;   /* bytes allocated */
    kb_status st; /* KB_OK, or the first error met */
} kb_buf;

#define KB_BUF_INIT {NULL, 0, 0, KB_OK}

/* Appends n bytes of p. */
void kb_buf_add(kb_buf *b, const void *p, size_t n);

/* Appends a NUL-terminated string. */
void kb_buf_puts(kb_buf *b, const char *s);

/* Appends printf-formatted text. */
void kb_buf_printf(kb_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Empties the buffer, keeping its memory and clearing the error. */
void kb_buf_reset(kb_buf *b);

/* KB_OK, or the first error since the last reset. */
kb_status kb_buf_status(const kb_buf *b);

/* Frees the memory; the buffer can be used again after it. */
void kb_buf_free(kb_buf *b);

/* Appends the whole file at `path` to *b.  Returns KB_OK, KB_ERR_IO
 * (errno tells why; ENOENT when it does not exist) or KB_ERR_NOMEM. */
kb_status kb_buf_read_file(kb_buf *b, const char *path);

/* Makes the array *p (of *cap elements of `size` bytes) hold at least
 * `need` elements, doubling its capacity.  Returns false, leaving the
 * array as it was, when memory runs out. */
bool kb_grow(void **p, size_t *cap, size_t need, size_t size);

#ifdef __cplusplus
}
#endif
#endif
