/* format.h — the file formats kbindex reads, one reader module each
 * (indexer/read_*.c), all behind one interface: a file's bytes in, a
 * kb_extract (extract.h) out.  Adding a format is adding a reader file
 * and its line in the table of indexer/format.c.
 *
 * A file's format comes from its extension; a file with any other
 * extension (or none) is sniffed: a PDF signature, an HTML document type
 * or <html> tag, else text unless its first bytes look binary.
 */
#ifndef KBSEARCH_FORMAT_H
#define KBSEARCH_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include "kbsearch/extract.h"
#include "kbsearch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kb_format {
    const char *name;                /* "text", "markdown", "html", ... */
    const char *const *extensions;   /* ".md", ... NULL-terminated */
    bool raw;        /* the reader gets the bytes as they are; otherwise
                        they are UTF-8 with bad bytes read as spaces
                        (reader.h) and binary files never reach it */
    bool guess_headings; /* the segmenter may take a short line for a
                            heading (formats without explicit ones) */
    /* Fills *x (initialised on the source) or fails it: returns
     * kb_extract_status(x). */
    kb_status (*read)(kb_extract *x);
} kb_format;

/* The reader for a path's extension (case-insensitive), or NULL when the
 * extension is not one of ours (sniff the content then). */
const kb_format *kb_format_for_path(const char *path);

/* The reader for content of unknown type from its first `n` bytes: PDF,
 * HTML, or text (the caller still rejects binary text). */
const kb_format *kb_format_sniff(const char *head, size_t n);

/* The readers, one per file. */
kb_status kb_read_plain(kb_extract *x);
kb_status kb_read_org(kb_extract *x);
kb_status kb_read_rst(kb_extract *x);
kb_status kb_read_markdown(kb_extract *x);
kb_status kb_read_html(kb_extract *x);
kb_status kb_read_pdf(kb_extract *x);

#ifdef __cplusplus
}
#endif
#endif
