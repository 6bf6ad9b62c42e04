/* lexicon.h — the word lists an index keeps beside its passages, kept
 * exact under incremental indexing:
 *  - the spelling table (Xapian's): every word of the indexed text with
 *    its number of occurrences, so kbsearch can correct a mistyped word
 *    (expand.h).  A file's words are added when it is indexed and taken
 *    out, from its stored passages, before it is replaced or removed.
 *  - the synonym table (Xapian's): acronyms defined in the text ("wartime
 *    operational control (OPCON)", acronym.h), both ways, plus the groups
 *    of the user's file KB_SYNONYMS_FILE in the index folder.  Each file's
 *    definitions are kept in its metadata entry KB_ACRONYM_META_PREFIX +
 *    path ("acronym\texpansion\n" lines); the table is rebuilt from them
 *    at the end of a run when a definition or the user's file changed.
 * Keys and values are normalized words joined by single spaces.
 */
#ifndef KBSEARCH_LEXICON_H
#define KBSEARCH_LEXICON_H

#include <stdbool.h>
#include <stddef.h>
#include "kbsearch/index.h"
#include "kbsearch/status.h"
#include "kbsearch/tokenize.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KB_SYNONYMS_FILE "synonyms.txt"
#define KB_ACRONYM_META_PREFIX "S:"
#define KB_META_SYNONYMS_HASH "kb:synonyms-file" /* hash of the user's file */
#define KB_SYNONYMS_STALE "stale" /* that key's value while a rebuild is due */

typedef struct kb_lexicon kb_lexicon;

/* A lexicon writing to `db` (a writer), tokenizing with `tk`; both
 * borrowed.  KB_OK or KB_ERR_NOMEM. */
kb_status kb_lexicon_new(kb_db *db, kb_tokenizer *tk, kb_lexicon **out);
void kb_lexicon_free(kb_lexicon *lx);

/* Counts one normalized word (a token's term and flags), to be added by
 * kb_lexicon_flush.  Numbers and CJK are not spelling words. */
kb_status kb_lexicon_word(kb_lexicon *lx, const char *term, size_t len, unsigned flags);

/* Counts the words of `len` bytes of text, as kb_lexicon_word. */
kb_status kb_lexicon_count(kb_lexicon *lx, const char *text, size_t len);

/* Adds (sign > 0) or removes (sign < 0) the words counted since the last
 * flush to or from the spelling table, and forgets them. */
kb_status kb_lexicon_flush(kb_lexicon *lx, int sign);

/* Takes the spellings of every passage indexed by the boolean `term` (a
 * file's path term) out of the table; call before deleting them. */
kb_status kb_lexicon_forget(kb_lexicon *lx, const char *term, size_t len);

/* Records the acronym definitions of file `rel`'s text (replacing the
 * earlier ones); text NULL removes them (the file is gone).  Only a file
 * `indexed_before` can have definitions recorded, so only then are they
 * read back to compare (a read waits for the index's queued writes). */
kb_status kb_lexicon_file_acronyms(kb_lexicon *lx, const char *rel, const char *text,
                                   size_t len, bool indexed_before);

/* Rebuilds the synonym table if a file's definitions changed during this
 * run or the user's file at `user_file` (may not exist) differs from the
 * last run.  A line of the user's file that gives fewer than two forms is
 * reported through `warn` (its line number in `reason`) and skipped. */
typedef void (*kb_lexicon_warn_fn)(void *ctx, const char *path, const char *reason);
kb_status kb_lexicon_sync_synonyms(kb_lexicon *lx, const char *user_file,
                                   kb_lexicon_warn_fn warn, void *ctx);

/* Where a failure left its message (owned by the lexicon). */
const char *kb_lexicon_last_error(const kb_lexicon *lx);

#ifdef __cplusplus
}
#endif
#endif
