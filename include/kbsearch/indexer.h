/* indexer.h — building and updating an index from a folder of text files.
 *
 * kb_index_folder() walks the folder, reads each text file, segments it
 * into passages and writes them to the index, incrementally: a file whose
 * size and mtime are unchanged is not read; a file whose content hash is
 * unchanged is not re-indexed; a file that disappeared is removed.  Work
 * is committed every `commit_bytes` of text read and at the end, so a
 * crash loses at most that much work and never the last commit.
 *
 * Files indexed: .txt .md .markdown .rst .org and names without an
 * extension.  Hidden files and folders (name starting with '.'), the
 * index folder itself and symbolic links are not visited.  A file with
 * NUL bytes or invalid UTF-8 is skipped: the `warn` callback gets its path
 * and the reason, and the run goes on.
 *
 * Each passage is scored for page chrome (boilerplate.h); the score and
 * its signals go into the passage record, and passages judged chrome also
 * get KB_CHROME_TERM.
 */
#ifndef KBSEARCH_INDEXER_H
#define KBSEARCH_INDEXER_H

#include <stddef.h>
#include "kbsearch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default language for stemming. */
#define KB_DEFAULT_LANGUAGE "english"

/* Name of the index folder inside the indexed folder. */
#define KB_INDEX_DIRNAME ".kbsearch"

/* Metadata keys of the index. */
#define KB_META_ROOT "kb:root"         /* absolute path of the indexed folder */
#define KB_META_LANGUAGE "kb:language" /* stemming language, or "none" */
#define KB_META_SCHEMA "kb:schema"     /* KB_SCHEMA_VERSION, in decimal */
#define KB_META_BOILERPLATE "kb:boilerplate" /* "filter" or "keep" */
#define KB_META_TOKENIZER "kb:tokenizer" /* KB_TOKENIZER_ID: queries are
                                            tokenized the same way */

/* The boolean term of passages judged chrome (boilerplate.h), which
 * searches leave out unless asked to include them. */
#define KB_CHROME_TERM "XC"

/* Term prefixes.  Exact forms have none (they start with a lower-case
 * letter, a digit or a non-Latin letter, so never collide with these). */
#define KB_STEM_PREFIX "Z"    /* Snowball stem, wdf counted, no positions */
#define KB_ACCENT_PREFIX "A"  /* a form with its diacritics ("café"), when
                                 it has some */
#define KB_PATH_PREFIX "P"    /* boolean: the file's relative path */
#define KB_EXT_PREFIX "E"     /* boolean: its extension, lower case */
#define KB_TITLE_PREFIX "T"   /* boolean: each word (stem) of its title */
#define KB_HEADING_PREFIX "H" /* boolean: each word (stem) of the heading */

typedef struct kb_index_opts {
    const char *folder;   /* the folder to index */
    const char *db_path;  /* the index; NULL: folder/.kbsearch */
    const char *language; /* NULL: the index's own, else "english" */
    size_t commit_bytes;  /* 0: KB_COMMIT_BYTES */
    int keep_boilerplate; /* non-zero: score chrome but mark nothing as
                             chrome; changing it re-indexes every file */
} kb_index_opts;

#define KB_COMMIT_BYTES (32u << 20)

typedef struct kb_index_stats {
    unsigned indexed;        /* files (re)indexed */
    unsigned unchanged;      /* files left as they were */
    unsigned skipped;        /* files skipped with a warning */
    unsigned removed;        /* files gone from the folder, removed */
    unsigned long passages;  /* passages written by this run */
    unsigned long long bytes;/* bytes of text read */
} kb_index_stats;

/* Called for each skipped file or folder: `path` relative to the folder,
 * `reason` a short lower-case phrase.  Both valid during the call. */
typedef void (*kb_warn_fn)(void *ctx, const char *path, const char *reason);

/* Indexes opts->folder.  Returns KB_OK when the index was committed (files
 * may have been skipped: see stats and warnings).  Otherwise returns the
 * failure (KB_ERR_IO: the folder cannot be read; KB_ERR_LOCKED; KB_ERR_VERSION:
 * built by another schema or language, rebuild it; ...) and, if errmsg is
 * not NULL, a malloc'd message that the caller frees. */
kb_status kb_index_folder(const kb_index_opts *opts, kb_warn_fn warn, void *ctx,
                          kb_index_stats *stats, char **errmsg);

#ifdef __cplusplus
}
#endif
#endif
