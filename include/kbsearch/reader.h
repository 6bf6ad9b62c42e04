/* reader.h — reading one file of the folder as text, whatever the file
 * turns out to be.
 *
 * kb_read_text() opens a path the walk reported as a regular file and
 * gives back UTF-8 text whose every byte is at the same offset as in the
 * file, so that passages, lines and columns point into the source:
 *  - a file that is not regular by the time it is opened (a FIFO, a
 *    device swapped in) is never read;
 *  - a NUL byte or mostly-invalid UTF-8 at the start means binary: skipped;
 *  - any other invalid UTF-8 byte (and a stray NUL further on) is read as
 *    a space: the valid text around it is indexed, offsets stay exact.
 *    Guessing Latin-1 or Windows-1252 instead would change byte lengths,
 *    so every offset after the first accented letter would be wrong in
 *    the editor, and a wrong guess would invent text;
 *  - a file larger than the limit is read up to it, cut at a line end
 *    (or at least at a character boundary);
 *  - a file whose size or modification time changes while it is read is
 *    read again, up to KB_READ_TRIES times in all.
 */
#ifndef KBSEARCH_READER_H
#define KBSEARCH_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include "kbsearch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KB_READ_TRIES 3
#define KB_BINARY_SNIFF 8000  /* bytes looked at to call a file binary */

typedef enum kb_read_outcome {
    KB_READ_TEXT,        /* text read (maybe repaired or cut: see below) */
    KB_READ_BINARY,      /* a NUL or mostly invalid UTF-8 early on */
    KB_READ_CHANGING,    /* changed during every try */
    KB_READ_VANISHED,    /* gone since it was listed */
    KB_READ_LINK,        /* became a symbolic link (not following links) */
    KB_READ_NOT_REGULAR, /* no longer a regular file: not read */
    KB_READ_FAILED,      /* open or read failed: see err */
} kb_read_outcome;

typedef struct kb_read_opts {
    size_t max_bytes;  /* read at most this much; 0: no limit */
    bool follow;       /* open through a symbolic link */
    bool raw;          /* the bytes as they are: no binary test, no
                          repair, a cut exactly at max_bytes (for readers
                          of formats with their own encodings: HTML, PDF) */
} kb_read_opts;

typedef struct kb_text_file {
    kb_read_outcome outcome;
    char *text;        /* KB_READ_TEXT: malloc'd, NUL-terminated, valid
                          UTF-8; the caller frees it.  Else NULL. */
    size_t len;        /* bytes of text */
    struct stat st;    /* the file's fstat while it was read */
    uint64_t hash;     /* kb_hash64 of the bytes as read, before repair */
    size_t repaired;   /* bytes read as spaces (invalid UTF-8, NUL) */
    size_t first_bad;  /* offset of the first of them, or of the NUL or
                          invalid byte that made it binary */
    bool truncated;    /* cut at max_bytes */
    int err;           /* KB_READ_FAILED: the errno */
} kb_text_file;

/* Reads `path` as described above into *out.  Returns KB_OK whatever the
 * outcome, KB_ERR_NOMEM (and nothing to free) when memory ran out. */
kb_status kb_read_text(const char *path, const kb_read_opts *o, kb_text_file *out);

/* The in-memory part of kb_read_text: classifies `len` bytes and, unless
 * binary, replaces their invalid UTF-8 bytes and NULs by spaces in place.
 * Returns KB_READ_TEXT or KB_READ_BINARY; sets *repaired, *first_bad. */
kb_read_outcome kb_text_repair(char *buf, size_t len, size_t *repaired, size_t *first_bad);

#ifdef __cplusplus
}
#endif
#endif
