/* index.h — the C face of the search engine (the shim over Xapian).
 *
 * Everything Xapian does for kbsearch goes through these functions: an
 * opaque database handle, documents built term by term, a plain-data query
 * tree, ranked results, metadata and stemming.  No C++ type or exception
 * crosses this line; every call returns a kb_status and leaves a message
 * in the handle (kb_db_last_error) when it fails.  The shim knows nothing
 * about files, passages or the command line: terms and bytes in, weights
 * and bytes out.
 */
#ifndef KBSEARCH_INDEX_H
#define KBSEARCH_INDEX_H

#include <stddef.h>
#include "kbsearch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define KB_API __attribute__((visibility("default")))
#else
#define KB_API
#endif

/* The shim's functions never throw: say so to C++ callers. */
#ifdef __cplusplus
#define KB_NOEXCEPT noexcept
#else
#define KB_NOEXCEPT
#endif

typedef struct kb_db kb_db;
typedef struct kb_doc kb_doc;
typedef struct kb_results kb_results;
typedef struct kb_stemmer kb_stemmer;

typedef enum kb_db_mode {
    KB_DB_READ,  /* open an existing index read-only */
    KB_DB_WRITE  /* open for writing, creating it if missing (one writer) */
} kb_db_mode;

/* Opens the index at `path` (a folder).  On failure returns KB_ERR_NOT_FOUND
 * (no index there), KB_ERR_LOCKED (another writer has it), KB_ERR_VERSION,
 * KB_ERR_CORRUPT or KB_ERR_IO, sets *out to NULL and, if errmsg is not
 * NULL, stores a malloc'd message the caller frees. */
KB_API kb_status kb_db_open(const char *path, kb_db_mode mode, kb_db **out,
                            char **errmsg) KB_NOEXCEPT;

/* Rewrites the index at `path` with Xapian's compactor (full B-tree
 * blocks: about two thirds of the size of an index written file by file,
 * and quicker to search) and switches to the copy atomically: a reader,
 * or a crash at any moment, finds the old index or the new one, whole.
 * The copy lives in a folder inside `path` that the stub file KB_DB_STUB
 * there names; kb_db_open and kb_db_open_many (and xapian-tcpsrv) follow
 * it, for writing too, so later runs update the copy.  A reader that must
 * see a compaction (a long-lived one) watches that file: each compaction
 * replaces it.  The caller must hold the writer's lock (lock.h) and have no
 * writer open.  On failure the index is as it was; returns KB_ERR_NOT_FOUND,
 * KB_ERR_IO (a file operation: e.g. no space for the copy), or Xapian's
 * status, with a malloc'd message in *errmsg if not NULL. */
KB_API kb_status kb_db_compact(const char *path, char **errmsg) KB_NOEXCEPT;

/* The stub file of a compacted index (kb_db_compact). */
#define KB_DB_STUB "XAPIANDB"

/* --- several indexes searched as one ------------------------------------ */

/* How an index served by xapian-tcpsrv is named: "tcp://HOST:PORT". */
#define KB_REMOTE_PREFIX "tcp://"

/* How long to wait for a remote index, in milliseconds (0: no limit). */
typedef struct kb_remote_opts {
    unsigned connect_ms; /* to connect */
    unsigned timeout_ms; /* for each answer once connected: a query makes a
                            few exchanges, each bounded by this */
} kb_remote_opts;

/* Opens the `n` indexes named in `names` read-only, as one index: each a
 * folder, or "tcp://HOST:PORT" for one served by xapian-tcpsrv (HOST may
 * be a name, an IPv4 address or a bracketed IPv6 one).  Searches rank the
 * passages of all of them together, with statistics (document counts,
 * lengths, term frequencies) summed over them, so one ranking holds.
 * Spellings and synonyms of local indexes are merged; a remote index
 * offers none (Xapian's remote protocol has no such calls).  Metadata
 * (kb_db_get_meta and kb_db_each_meta) comes from the first index opened;
 * kb_db_get_shard_meta reads one index's own.
 * Without `partial`, any index that cannot be opened fails the call
 * (its status; *errmsg names it).  With `partial`, those are left out
 * (kb_db_shard_missing says why) and the call fails only if none opens.
 * Docids are Xapian's interleaving: kb_db_shard_of maps one back.
 * `remote` must not be NULL. */
KB_API kb_status kb_db_open_many(const char *const *names, size_t n,
                                 const kb_remote_opts *remote, int partial,
                                 kb_db **out, char **errmsg) KB_NOEXCEPT;

/* How many indexes the handle was opened over (1 for kb_db_open). */
KB_API size_t kb_db_shard_count(const kb_db *db) KB_NOEXCEPT;

/* Which of them (0-based, in the order given) holds `docid`, in *shard. */
KB_API kb_status kb_db_shard_of(const kb_db *db, unsigned docid, size_t *shard) KB_NOEXCEPT;

/* NULL while index `shard` is searched; else why it is not (it could not
 * be opened, or kb_db_drop_unreachable found it gone), owned by db. */
KB_API const char *kb_db_shard_missing(const kb_db *db, size_t shard) KB_NOEXCEPT;

/* kb_db_get_meta on index `shard` alone; KB_ERR_INVALID if it is missing. */
KB_API kb_status kb_db_get_shard_meta(kb_db *db, size_t shard, const char *key,
                                      char **value, size_t *len) KB_NOEXCEPT;

/* After a call failed with KB_ERR_NETWORK: asks every remote index still
 * searched whether it answers; *unreachable is how many do not.  KB_OK
 * when all do.  Otherwise kb_db_last_error names each that does not, and:
 * with `leave_out`, they are no longer searched (kb_db_shard_missing says
 * why; docids of earlier results are void) and the call returns KB_OK,
 * unless none is left; without, KB_ERR_NETWORK. */
KB_API kb_status kb_db_check_remotes(kb_db *db, int leave_out, size_t *unreachable) KB_NOEXCEPT;

/* Closes the index; NULL is accepted.  A writer's changes since the last
 * kb_db_commit are dropped, so a failed run never half-commits. */
KB_API void kb_db_close(kb_db *db) KB_NOEXCEPT;

/* The message of the last failed call on `db` ("" if none); owned by db,
 * valid until the next call on it. */
KB_API const char *kb_db_last_error(const kb_db *db) KB_NOEXCEPT;

/* Makes every change since the last commit durable, atomically: a reader
 * or a crash sees all of it or none of it.  Under write-behind (below) the
 * commit is queued like a change: it has happened once kb_db_sync, or any
 * call that waits for the queue, returns KB_OK. */
KB_API kb_status kb_db_commit(kb_db *db) KB_NOEXCEPT;

/* Waits until every queued change and commit has been applied; returns the
 * first failure among them (its message in kb_db_last_error), else KB_OK.
 * KB_OK at once without write-behind. */
KB_API kb_status kb_db_sync(kb_db *db) KB_NOEXCEPT;

/* Catches a reader up with the latest commit (after KB_ERR_MODIFIED). */
KB_API kb_status kb_db_reopen(kb_db *db) KB_NOEXCEPT;

/* Lets a writer's changes run behind the caller: from now on adding and
 * deleting documents, setting metadata, adding or removing spellings and
 * synonyms, and commits are queued for a thread of the handle's own and
 * return at once, so the caller prepares the next document while Xapian
 * writes the last (Xapian's writer uses one core).  Every other call on
 * `db` first waits for the queue to empty, so it sees every change made
 * before it; kb_db_close drops what is still queued.
 * A queued change that fails is reported, with its message, by the next
 * call on `db` (kb_db_commit at the latest), and nothing queued after it
 * is applied.  Use the handle from one thread only.  KB_ERR_INVALID on a
 * reader; KB_ERR_NOMEM if the thread cannot start. */
KB_API kb_status kb_db_write_behind(kb_db *db) KB_NOEXCEPT;

/* --- documents --------------------------------------------------------- */

/* A document being built; free it with kb_doc_free after adding it. */
KB_API kb_status kb_doc_new(kb_doc **out) KB_NOEXCEPT;
KB_API void kb_doc_free(kb_doc *doc) KB_NOEXCEPT;

/* Adds `term` at word position `pos` (phrase search needs positions). */
KB_API kb_status kb_doc_add_posting(kb_doc *doc, const char *term,
                                    size_t len, unsigned pos) KB_NOEXCEPT;

/* Adds `term` without a position, counting `wdf` occurrences; wdf 0 adds a
 * boolean (filter) term that never affects the weight. */
KB_API kb_status kb_doc_add_term(kb_doc *doc, const char *term, size_t len,
                                 unsigned wdf) KB_NOEXCEPT;

/* Sets the stored payload returned with each result (copied). */
KB_API kb_status kb_doc_set_data(kb_doc *doc, const void *data, size_t len) KB_NOEXCEPT;

/* Adds `doc` to the index (pending until kb_db_commit).  The document's
 * content moves into the call: `doc` is left empty, whatever the outcome,
 * to be freed or filled again. */
KB_API kb_status kb_db_add_doc(kb_db *db, kb_doc *doc) KB_NOEXCEPT;

/* Deletes every document that has `term` (pending until commit). */
KB_API kb_status kb_db_delete_by_term(kb_db *db, const char *term, size_t len) KB_NOEXCEPT;

/* Empties the index: every document, metadata key, spelling and synonym
 * (pending until commit, so a crash before it leaves the old index). */
KB_API kb_status kb_db_clear(kb_db *db) KB_NOEXCEPT;

/* --- metadata: small key/value strings stored in the index ------------- */

/* The longest key, in bytes: Xapian stores a key with 2 bytes of its own
 * in a B-tree key of at most 255. */
#define KB_META_KEY_MAX 253

/* Sets key to value (len bytes); an empty value deletes the key.  A key
 * longer than KB_META_KEY_MAX is KB_ERR_INVALID. */
KB_API kb_status kb_db_set_meta(kb_db *db, const char *key, const char *value,
                                size_t len) KB_NOEXCEPT;

/* Reads key into a malloc'd, NUL-terminated *value (the caller frees it);
 * a missing key gives "" and KB_OK. */
KB_API kb_status kb_db_get_meta(kb_db *db, const char *key, char **value,
                                size_t *len) KB_NOEXCEPT;

/* Calls fn(ctx, key, value, value_len) for each key starting with prefix,
 * in key order.  Strings are valid during the call only.  A non-zero
 * return stops the walk and is returned (KB_DONE: stop, no error). */
typedef int (*kb_meta_fn)(void *ctx, const char *key, const char *value,
                          size_t value_len);
KB_API kb_status kb_db_each_meta(kb_db *db, const char *prefix, kb_meta_fn fn,
                                 void *ctx) KB_NOEXCEPT;

/* Calls fn(ctx, docid, data, data_len) for each document indexed by
 * `term` (`len` bytes; every document when len is 0), in docid order.
 * The data is valid during the call only; a non-zero return stops the
 * walk and is returned. */
typedef int (*kb_doc_fn)(void *ctx, unsigned docid, const char *data, size_t len);
KB_API kb_status kb_db_each_doc(kb_db *db, const char *term, size_t len, kb_doc_fn fn,
                                void *ctx) KB_NOEXCEPT;

/* --- statistics -------------------------------------------------------- */

/* Number of documents in the index. */
KB_API kb_status kb_db_doc_count(kb_db *db, unsigned *out) KB_NOEXCEPT;

/* Number of documents that contain `term`. */
KB_API kb_status kb_db_term_freq(kb_db *db, const char *term, size_t len,
                                 unsigned *out) KB_NOEXCEPT;

/* --- queries ------------------------------------------------------------ */

typedef enum kb_xq_op {
    KB_XQ_TERM,      /* one term: term/term_len */
    KB_XQ_PHRASE,    /* kids in order, within `window` positions (0: nkids) */
    KB_XQ_NEAR,      /* kids in any order within `window` positions */
    KB_XQ_AND,       /* all kids */
    KB_XQ_OR,        /* any kid; weights add up (none: matches nothing) */
    KB_XQ_AND_NOT,   /* kids[0] but none of kids[1..] */
    KB_XQ_AND_MAYBE, /* kids[0]; kids[1..] only add weight */
    KB_XQ_SYNONYM,   /* any kid, weighted as if one term */
    KB_XQ_SCALE,     /* kids[0] with its weight multiplied by `scale` */
    KB_XQ_WILDCARD,  /* every term starting with term/term_len, as one synonym */
    KB_XQ_FILTER     /* kids[0], only in documents matching all of kids[1..];
                      * kids[1..] add no weight */
} kb_xq_op;

/* KB_XQ_WILDCARD expands to at most this many terms, the ones in the most
 * documents, so that a short prefix ("s") stays cheap and its rare terms
 * do not dilute the synonym.  Where a wildcard only decides which documents
 * match (under a filter of KB_XQ_FILTER or an excluded kid of
 * KB_XQ_AND_NOT) it expands to every term instead: a path filter such as
 * the boolean prefix "Preports/" must not lose files past the hundredth.
 * The prefix is matched byte for byte: a lowercase prefix never reaches
 * our prefixed terms (Z..., P..., XC...), which start with an uppercase
 * letter.  An empty prefix is KB_ERR_INVALID. */
#define KB_WILDCARD_MAX 100

/* A query as plain data; the caller owns the tree, the shim only reads it
 * during kb_db_search. */
typedef struct kb_xq {
    kb_xq_op op;
    const char *term;          /* KB_XQ_TERM, KB_XQ_WILDCARD (the prefix) */
    size_t term_len;
    const struct kb_xq *kids;  /* array of nkids children */
    size_t nkids;
    unsigned window;           /* KB_XQ_PHRASE, KB_XQ_NEAR */
    double scale;              /* KB_XQ_SCALE, >= 0 */
} kb_xq;

/* Documents are weighed with BM25 (Robertson's k1 and b), their lengths
 * measured against a fixed pivot rather than the index's average: a
 * document's weights never depend on what else is indexed.  The length
 * part is applied when a document is added (kb_db_add_doc stores each
 * term's wdf divided by the document's length factor), so a search reads
 * no document lengths.  Changing these three changes the index format. */
#define KB_BM25_K1 1.2
#define KB_BM25_B 0.5
#define KB_BM25_PIVOT 64.0 /* a document's length: the wdfs of its terms, summed */

/* One ranked result; `data` (the stored payload) is owned by the results. */
typedef struct kb_result {
    unsigned docid;
    double weight;    /* BM25 weight, higher is better */
    const char *data;
    size_t data_len;
} kb_result;

/* Runs `q` and keeps the best `max` documents with their payloads.  A
 * reader that meets a concurrent commit reopens and retries by itself;
 * KB_ERR_MODIFIED is returned only if that keeps failing. */
KB_API kb_status kb_db_search(kb_db *db, const kb_xq *q, size_t max,
                              kb_results **out) KB_NOEXCEPT;

/* The weight document `docid` gets under `q`, as in kb_db_search (0 when
 * it does not match): what one part of a query contributes, for explaining
 * a score.  Slow (it tests every document the query matches); not for
 * ranking. */
KB_API kb_status kb_db_weigh(kb_db *db, const kb_xq *q, unsigned docid,
                             double *weight) KB_NOEXCEPT;

/* How many results there are (at most `max`). */
KB_API size_t kb_results_count(const kb_results *res) KB_NOEXCEPT;

/* Result i in rank order; KB_DONE past the end. */
KB_API kb_status kb_results_get(const kb_results *res, size_t i, kb_result *out) KB_NOEXCEPT;

/* Frees results and their payloads; NULL is accepted. */
KB_API void kb_results_free(kb_results *res) KB_NOEXCEPT;

/* --- stemming ------------------------------------------------------------ */

/* A Snowball stemmer for `language` ("english", "en", "french", ...;
 * "none" gives a stemmer that returns words unchanged).  An unknown name
 * gives KB_ERR_INVALID and a malloc'd message listing the valid ones. */
KB_API kb_status kb_stemmer_new(const char *language, kb_stemmer **out,
                                char **errmsg) KB_NOEXCEPT;
KB_API void kb_stemmer_free(kb_stemmer *st) KB_NOEXCEPT;

/* True (1) when the stemmer is "none". */
KB_API int kb_stemmer_is_none(const kb_stemmer *st) KB_NOEXCEPT;

/* Stems a normalized word; *stem is owned by the stemmer and valid until
 * its next call.  Returns KB_OK or KB_ERR_NOMEM. */
KB_API kb_status kb_stem(kb_stemmer *st, const char *word, size_t len,
                         const char **stem, size_t *stem_len) KB_NOEXCEPT;

/* --- spelling: Xapian's table of words and how often they were seen ------ */

/* The longest word the spelling table can hold, in bytes. */
#define KB_SPELLING_WORD_MAX 254

/* Adds `freq` to the spelling frequency of `word` (`len` bytes), adding
 * the word if it is new; pending until kb_db_commit, like documents.
 * Words of 0 or 1 byte and freq 0 are ignored (KB_OK); a word longer than
 * KB_SPELLING_WORD_MAX is KB_ERR_INVALID; a reader gets KB_ERR_INVALID. */
KB_API kb_status kb_db_add_spelling(kb_db *db, const char *word, size_t len,
                                    unsigned freq) KB_NOEXCEPT;

/* Takes `freq` from the frequency of `word`; the word leaves the table
 * (and the suggestions) when it reaches 0.  An absent word is no error. */
KB_API kb_status kb_db_remove_spelling(kb_db *db, const char *word, size_t len,
                                       unsigned freq) KB_NOEXCEPT;

/* The spelling frequency of `word` in *out, 0 when it is not in the table.
 * A writer sees its own pending changes; a reader sees the table as of
 * its open or last kb_db_reopen (a commit since then is invisible until
 * it reopens).  A concurrent commit that invalidates what it was reading
 * makes it reopen and retry by itself, as kb_db_search does. */
KB_API kb_status kb_db_spelling_freq(kb_db *db, const char *word, size_t len,
                                     unsigned *out) KB_NOEXCEPT;

/* Xapian's correction for `word`: a word of the spelling table at most
 * `max_edits` edits away, in a malloc'd NUL-terminated *out the caller
 * frees ("" when there is none, NULL on error).  What Xapian 1.4 does:
 *  - an edit inserts, deletes or substitutes one character, or swaps two
 *    adjacent ones; characters are code points of the UTF-8, compared
 *    exactly (no case folding, no accent stripping);
 *  - a word of 0 or 1 byte, or max_edits 0, never gets a suggestion, and
 *    max_edits is lowered to len - 1;
 *  - only words sharing a byte fragment with `word` are candidates: the
 *    first two bytes, the last two, a run of three, or (up to 4 bytes)
 *    the first and last byte; a candidate sharing at least 3 fragments
 *    fewer than the best one before it in byte order (the word itself
 *    included) is skipped, so a 2-edit typo, or a short word, is often
 *    not corrected;
 *  - the fewest edits win, then the highest frequency, then byte order;
 *  - a word that is itself in the table is corrected only if the winner
 *    is at least as frequent as it (it never suggests itself).
 * Visibility and retries as for kb_db_spelling_freq. */
KB_API kb_status kb_db_spelling_suggest(kb_db *db, const char *word, size_t len,
                                        unsigned max_edits, char **out) KB_NOEXCEPT;

/* --- synonyms: Xapian's table of key -> equivalent forms --------------- */

/* The longest synonym key or value, in bytes. */
#define KB_SYNONYM_MAX 255

/* Adds `value` to the synonyms of `key` (a set: adding twice keeps one);
 * pending until kb_db_commit.  Both may hold spaces ("operational
 * control"); an empty or overlong (> KB_SYNONYM_MAX) one is
 * KB_ERR_INVALID, as is a reader. */
KB_API kb_status kb_db_add_synonym(kb_db *db, const char *key, size_t key_len,
                                   const char *value, size_t value_len) KB_NOEXCEPT;

/* Removes every key and its values (pending until kb_db_commit), so that
 * a run can write the whole table afresh. */
KB_API kb_status kb_db_clear_synonyms(kb_db *db) KB_NOEXCEPT;

/* Calls fn(ctx, key, key_len, value, value_len) for each synonym: with
 * key_len 0 every (key, value) pair, by key then value in byte order;
 * otherwise the values of that key alone (none: fn is never called).
 * Strings are valid during the call only.  A non-zero return stops the
 * walk and is returned (KB_DONE: stop, no error).  The pairs are read
 * before the first call, so a retry after a concurrent commit never
 * shows fn a pair twice.  Visibility as for kb_db_spelling_freq. */
typedef int (*kb_synonym_fn)(void *ctx, const char *key, size_t key_len,
                             const char *value, size_t value_len);
KB_API kb_status kb_db_each_synonym(kb_db *db, const char *key, size_t key_len,
                                    kb_synonym_fn fn, void *ctx) KB_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#endif
