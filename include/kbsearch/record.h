/* record.h — the payload stored with each passage in the index, and the
 * per-file entry kept in the index metadata.  Both are written by kbindex
 * and read by kbsearch; this header is the schema between them (bump
 * KB_SCHEMA_VERSION when a layout changes).
 */
#ifndef KBSEARCH_RECORD_H
#define KBSEARCH_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kbsearch/buf.h"
#include "kbsearch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KB_SCHEMA_VERSION 6

/* A byte slice; not NUL-terminated unless said so. */
typedef struct kb_str {
    const char *p;
    size_t n;
} kb_str;

/* A column in the three units editors use, counted from 0 at the start
 * of a line: bytes (Vim, ripgrep), code points (Emacs), UTF-16 code units
 * (VS Code, LSP). */
typedef struct kb_column {
    size_t bytes;
    size_t cps;
    size_t utf16;
} kb_column;

/* Adds the width of `n` bytes of UTF-8 text to *c (invalid bytes count as
 * one code point each, as editors show them). */
void kb_column_advance(kb_column *c, const char *text, size_t n);

/* A piece of a passage's text and where it came from in the source file
 * (extract.h): text [text, text + len) came from file bytes [src, src +
 * src_len), which start on 1-based `line` at column `col`.  A verbatim
 * run's text is its source bytes, so offsets inside it map byte for byte. */
typedef struct kb_run {
    size_t text;
    size_t len;
    size_t src;
    size_t src_len;
    bool verbatim;
    unsigned line;
    kb_column col;
} kb_run;

/* Passage flags. */
enum {
    KB_REC_CODE = 1u << 0  /* a code block (Markdown fence, <pre><code>) */
};

/* One passage.  Line numbers are 1-based and inclusive; byte offsets are a
 * [start,end) range in the source file.  Without a map (plain text, Org,
 * RST), `text` is exactly those bytes, so an offset into `text` plus
 * byte_start is an offset into the file.  With one (HTML, Markdown), `text`
 * is what a reader sees and the map (kb_map_encode) says where each piece
 * of it is in the file: use kb_record_place.  PDF passages have `page`;
 * their offsets and lines are in the text extracted from the document. */
typedef struct kb_record {
    kb_str path;        /* relative to the index root, '/'-separated */
    kb_str heading;     /* the section heading in force, or empty */
    kb_str text;        /* the passage's source bytes */
    unsigned line_start;
    unsigned line_end;
    size_t byte_start;
    size_t byte_end;
    kb_column col;      /* where byte_start lies in its line */
    uint64_t content;   /* kb_hash64 of the normalized terms of the text
                           after its travelling heading: equal for copies */
    unsigned chrome;    /* boilerplate score, percent (boilerplate.h) */
    unsigned chrome_signals; /* KB_BP_* bits behind it */
    int is_chrome;      /* 1: judged chrome and left out of results by
                           default (0 under kbindex --keep-boilerplate) */
    unsigned page;      /* 1-based PDF page, 0 for other formats */
    unsigned flags;     /* KB_REC_* */
    kb_str map;         /* encoded runs, empty when text is the source */
} kb_record;

/* Encodes `n` runs of one passage (text offsets relative to the passage
 * text, src absolute, in order) onto `out`: the bytes for kb_record.map. */
void kb_map_encode(const kb_run *runs, size_t n, kb_buf *out);

/* Where a passage-text offset is in the file: byte offset, 1-based line,
 * column.  For an end offset (`end`), a match that ends where a run ends
 * maps to that run's end, not to the start of the next one (which may lie
 * after markup).  KB_ERR_CORRUPT when the map cannot be decoded. */
typedef struct kb_spot {
    size_t byte;
    unsigned line;
    kb_column col;
} kb_spot;
kb_status kb_record_place(const kb_record *r, size_t off, bool end, kb_spot *out);

/* Moves a place on over `n` bytes of source text `t` (lines, columns). */
void kb_spot_advance(kb_spot *s, const char *t, size_t n);

/* Appends the encoded record to `out` (check kb_buf_status). */
void kb_record_encode(const kb_record *r, kb_buf *out);

/* Decodes `len` bytes; the slices in *r point into `data`, so they live as
 * long as it does.  KB_ERR_CORRUPT when the bytes are not a record. */
kb_status kb_record_decode(const char *data, size_t len, kb_record *r);

/* What the index remembers about one source file (metadata key
 * KB_FILE_META_PREFIX + path).  size and mtime decide when to look again;
 * hash decides whether the content really changed. */
typedef struct kb_file_entry {
    uint64_t size;
    int64_t mtime_ns;
    uint64_t hash;       /* kb_hash64 of the content */
    unsigned passages;
    kb_str title;        /* first heading or first non-blank line */
} kb_file_entry;

#define KB_FILE_META_PREFIX "F:"

void kb_file_entry_encode(const kb_file_entry *e, kb_buf *out);
kb_status kb_file_entry_decode(const char *data, size_t len, kb_file_entry *e);

/* FNV-1a, 64 bits: detects edits, not attacks.  kb_hash64_add continues
 * a hash (start from KB_HASH64_INIT) so it can be fed piece by piece. */
#define KB_HASH64_INIT 0xcbf29ce484222325ull
uint64_t kb_hash64_add(uint64_t h, const void *data, size_t len);
uint64_t kb_hash64(const void *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif
