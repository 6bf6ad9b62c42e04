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
 * index folder itself and entries matched by the ignore rules (ignore.h:
 * .gitignore and .kbignore files, --exclude and --include globs) are not
 * visited; symbolic links only with opts.follow.  Bad input of every kind
 * (kb_file_event) is reported and the run goes on.  One writer at a time:
 * a lock file in the index folder (lock.h) names the process holding it.
 *
 * With opts.shard the index holds one shard of the folder (shard.h): the
 * files of the other shards are treated as not in the folder (not read,
 * not reported, not counted; removed from the index if it held them).
 * The shard is recorded (KB_META_SHARD) and later runs keep it until
 * given another one; shard 1 of 1 is the whole folder again.
 *
 * Each passage is scored for page chrome (boilerplate.h); the score and
 * its signals go into the passage record, and passages judged chrome also
 * get KB_CHROME_TERM.
 */
#ifndef KBSEARCH_INDEXER_H
#define KBSEARCH_INDEXER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include "kbsearch/shard.h"
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
#define KB_META_SHARD "kb:shard" /* "I/N" (shard.h) when the index holds
                                    shard I of N of the folder's files;
                                    absent when it holds them all */

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
#define KB_TAG_PREFIX "K"     /* boolean: each tag of the file (front
                                 matter), whole, ASCII lower case */

/* What happened to one file or folder during a run.  The first group is
 * the normal course; the rest are reported as they happen (warnings) and
 * counted in kb_index_stats.count. */
typedef enum kb_file_event {
    KB_EV_INDEXED,     /* new or changed: (re)indexed */
    KB_EV_UNCHANGED,   /* left as it was */
    KB_EV_RENAMED,     /* indexed under its new path; detail: the old path */
    KB_EV_REMOVED,     /* gone from the folder: its passages removed */
    KB_EV_IGNORED,     /* by .kbignore, .gitignore, --include or --exclude */
    KB_EV_OTHER_TYPE,  /* content of no format kbindex reads (an extension
                          of none, sniffed binary: an image, an archive) */
    /* indexed, with a warning */
    KB_EV_EMPTY,       /* no text at all */
    KB_EV_REPAIRED,    /* invalid UTF-8 (or NUL) bytes read as spaces */
    KB_EV_TRUNCATED,   /* larger than max_bytes: the first part indexed */
    /* skipped, with a warning; what was indexed before is kept unless the
       file is gone */
    KB_EV_BINARY,      /* NUL bytes or mostly invalid UTF-8 in a text */
    KB_EV_BROKEN,      /* not valid in its format (a broken or encrypted
                          PDF): detail says what the reader found */
    KB_EV_UNREADABLE,  /* a file or folder that could not be read
                          (detail: the system's reason, as EACCES's) */
    KB_EV_VANISHED,    /* gone between the walk and its reading */
    KB_EV_CHANGING,    /* kept changing while it was read */
    KB_EV_SYMLINK,     /* a symbolic link, not followed (opts.follow) */
    KB_EV_LINK_LOOP,   /* following links: one leads back into a folder
                          being walked */
    KB_EV_BROKEN_LINK, /* following links: its target does not exist */
    KB_EV_SPECIAL,     /* FIFO, socket or device: never opened */
    KB_EV_NOTE,        /* anything else worth a warning (a bad line of the
                          synonyms file): detail says what */
    KB_EV_DAMAGED,     /* opts.check: the index's passages of a file do not
                          match its entry (detail says how) */
    KB_EV_COUNT
} kb_file_event;

/* A short lower-case name of the event ("binary", "unreadable"...). */
const char *kb_file_event_name(kb_file_event ev);

/* True for the events that are warnings (KB_EV_EMPTY and after). */
#define KB_EV_IS_WARNING(ev) ((ev) >= KB_EV_EMPTY)

/* Called for every event: `path` relative to the folder (for KB_EV_NOTE
 * maybe another file), `detail` a short lower-case phrase saying why or
 * NULL (KB_EV_INDEXED: "new" or "changed"; KB_EV_RENAMED: the old path;
 * KB_EV_REMOVED: "not in shard I/N" for a file of another shard).
 * Both valid during the call. */
typedef void (*kb_event_fn)(void *ctx, kb_file_event ev, const char *path, const char *detail);

/* Where a run is, for a progress display.  During KB_PHASE_SCAN only
 * files_total grows; KB_PHASE_INDEX knows the totals: files_total counts
 * the files to read (new or changed by size and time), bytes_total their
 * size. */
typedef enum { KB_PHASE_SCAN, KB_PHASE_INDEX, KB_PHASE_DONE } kb_phase;
typedef struct kb_progress {
    kb_phase phase;
    unsigned files_done, files_total;
    unsigned long long bytes_done, bytes_total;
    const char *path;  /* the file about to be read, or NULL */
} kb_progress;

/* Called before each file is read and every few hundred files scanned.
 * It may not call back into the indexer. */
typedef void (*kb_progress_fn)(void *ctx, const kb_progress *p);

typedef struct kb_index_opts {
    const char *folder;   /* the folder to index */
    const char *db_path;  /* the index; NULL: folder/.kbsearch */
    const char *language; /* NULL: the index's own, else "english" */
    size_t commit_bytes;  /* 0: KB_COMMIT_BYTES */
    size_t max_bytes;     /* bytes read of one file; 0: KB_MAX_FILE_BYTES */
    int keep_boilerplate; /* non-zero: score chrome but mark nothing as
                             chrome; changing it re-indexes every file */
    bool follow;          /* follow symbolic links (loops are detected) */
    bool no_gitignore;    /* read .kbignore files only, not .gitignore */
    const char *const *exclude; /* --exclude globs (ignore.h), or NULL */
    size_t nexclude;
    const char *const *include; /* --include globs: only files matching */
    size_t ninclude;
    kb_shard shard;       /* the files to index; {0, 0}: the shard the
                             index records (KB_META_SHARD, kept by rebuild
                             too), else the whole folder; {1, 1}: the
                             whole folder */
    bool rebuild;         /* empty the index first, whatever built it */
    bool wait;            /* another writer holds the index: wait for it */
    bool compact;         /* once the run is committed (not interrupted),
                             rewrite the index compactly (kb_db_compact);
                             a failure there leaves it as committed */
    bool check;           /* change nothing: open the index read-only and
                             report what a run would do (KB_EV_INDEXED with
                             detail "new" or "changed", KB_EV_RENAMED,
                             KB_EV_REMOVED) and damage (KB_EV_DAMAGED) */
    /* Set (by a signal handler, say) to stop: the files done so far are
       committed and kb_index_folder returns KB_ERR_INTERRUPTED. */
    const volatile sig_atomic_t *stop;
    kb_event_fn event;    /* may be NULL */
    kb_progress_fn progress; /* may be NULL */
    void *ctx;            /* for event and progress */
} kb_index_opts;

/* Xapian keeps spelling changes in memory until a commit: 8 MB of text
 * keeps kbindex under ~120 MB resident on any folder (32 MB: ~220 MB). */
#define KB_COMMIT_BYTES (8u << 20)
#define KB_MAX_FILE_BYTES (64u << 20)

typedef struct kb_index_stats {
    unsigned count[KB_EV_COUNT]; /* files (and folders) per event */
    unsigned long passages;      /* passages written by this run */
    unsigned long long bytes;    /* bytes of text read */
    kb_shard shard;              /* the part of the folder the run
                                    indexed; {1, 1}: all of it */
} kb_index_stats;

/* Called for a warning about a file that is not one of the folder's
 * files being indexed (a line of the synonyms file, say). */
typedef void (*kb_warn_fn)(void *ctx, const char *path, const char *reason);

/* Indexes opts->folder.  Returns KB_OK when the index was committed (files
 * may have been skipped: see stats and the events), KB_ERR_INTERRUPTED
 * when opts->stop was set (what was done is committed).  Otherwise the
 * failure (KB_ERR_IO: the folder cannot be read; KB_ERR_LOCKED: another
 * kbindex holds the index; KB_ERR_VERSION: built by another schema,
 * tokenizer or language, give opts.rebuild; ...) and, if errmsg is not
 * NULL, a malloc'd message that the caller frees.  The last commit is
 * intact whatever happens, a crash included. */
kb_status kb_index_folder(const kb_index_opts *opts, kb_index_stats *stats, char **errmsg);

#ifdef __cplusplus
}
#endif
#endif
