/* ignore.h — which entries of the folder tree kbindex leaves out.
 *
 * Rules come from `.gitignore` (unless turned off) and `.kbignore` files in
 * the tree, with git's syntax and precedence (gitignore(5)):
 *
 *   - blank lines and lines starting with '#' are skipped; trailing spaces
 *     are trimmed unless escaped ("\ "); a line ending in "\r" loses it;
 *     "\#" and "\!" start a pattern with those characters;
 *   - "!pat" re-includes what an earlier rule excluded, but nothing inside
 *     an excluded folder: the walk never descends into it;
 *   - "pat/" matches folders only;
 *   - a pattern with '/' at its start or middle is anchored to the folder
 *     of its rule file; any other matches an entry's name at any depth
 *     below that folder;
 *   - '*' and '?' match any bytes but '/'; "[a-z]", "[!a-z]" ("[^a-z]"),
 *     "[[:alpha:]]" classes (ASCII); '\' quotes the next byte; a "**"
 *     that is a whole path segment matches any number of folders (none
 *     or more at the start or in the middle, everything inside at the
 *     end); any other "**" is a '*';
 *   - the last matching rule wins; a deeper folder's rules come after its
 *     parent's, and in one folder `.kbignore` comes after `.gitignore`.
 *
 * A pattern git would never match (unclosed '[', unknown class, a final
 * lone '\') matches nothing here either.  Paths are byte strings relative
 * to the root, '/'-separated, without "./"; they may hold any byte but NUL
 * and need not be UTF-8.  Matching is case-sensitive and takes time
 * proportional to pattern length times path length, whatever the pattern.
 *
 * Usage, by a depth-first walk:
 *
 *     kb_ignore *ig;
 *     if (kb_ignore_new(&opts, &ig, &msg)) ...report msg, exit 2...
 *     kb_ignore_enter(ig, "", root, warn, ctx);
 *     for each entry `rel` of the folder entered last:
 *         if (kb_ignore_skip(ig, rel, is_dir)) continue;
 *         if (is_dir) { kb_ignore_enter(ig, rel, abs, warn, ctx); recurse;
 *                       kb_ignore_leave(ig); }
 *         else index it;
 *     kb_ignore_leave(ig);
 *     kb_ignore_free(ig);
 */
#ifndef KBSEARCH_IGNORE_H
#define KBSEARCH_IGNORE_H

#include <stdbool.h>
#include <stddef.h>
#include "kbsearch/indexer.h"
#include "kbsearch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The rule files read in each folder. */
#define KB_IGNORE_FILE ".kbignore"
#define KB_GITIGNORE_FILE ".gitignore"

typedef struct kb_ignore kb_ignore;

typedef struct kb_ignore_opts {
    bool use_gitignore;          /* read .gitignore files too (the default) */
    const char *const *exclude;  /* --exclude globs, in command-line order:
                                    rules of a root .kbignore read after
                                    every rule file, so they win */
    size_t nexclude;
    const char *const *include;  /* --include globs: when there are any,
                                    a file is kept only if the last one it
                                    matches is not a "!glob"; folders are
                                    always descended */
    size_t ninclude;
} kb_ignore_opts;

/* Creates the rule set of `o` (the globs are copied) in *out, which the
 * caller frees with kb_ignore_free.  A glob that could never match (empty,
 * unclosed '[', unknown "[:class:]", a final lone '\', a "." or ".."
 * segment) gives KB_ERR_INVALID and, if errmsg is not NULL, a malloc'd
 * message naming it that the caller frees; KB_ERR_NOMEM when memory runs
 * out.  On failure *out is NULL. */
kb_status kb_ignore_new(const kb_ignore_opts *o, kb_ignore **out, char **errmsg);

/* Enters a folder: reads the rule files in `dir_abs` (its path to open),
 * which apply to entries below `dir_rel` (its path relative to the root;
 * "" or "." for the root).  A missing rule file is fine; one that cannot
 * be read, or is not a regular file (symbolic links are not followed),
 * is reported to `warn` (its path relative to the root and the reason;
 * warn may be NULL) and left out.  Returns KB_OK, or
 * KB_ERR_NOMEM (nothing was entered then: do not call kb_ignore_leave). */
kb_status kb_ignore_enter(kb_ignore *ig, const char *dir_rel, const char *dir_abs,
                          kb_warn_fn warn, void *ctx);

/* Enters a folder whose rules are `text` (len bytes, the content of a rule
 * file read last in that folder) instead of reading files: for tests and
 * callers that hold the rules in memory.  Returns KB_OK or KB_ERR_NOMEM. */
kb_status kb_ignore_enter_text(kb_ignore *ig, const char *dir_rel,
                               const char *text, size_t len);

/* Leaves the folder entered last, dropping its rules; does nothing when
 * no folder is entered. */
void kb_ignore_leave(kb_ignore *ig);

/* Whether the entry `rel` (a path relative to the root, below the folder
 * entered last) is to be left out: true when its last matching rule
 * excludes it, or, for a file (is_dir false) when --include globs were
 * given, none of them keeps it.  Only the entry itself is tested: the
 * caller does not descend into a folder that is skipped.  Uses scratch
 * memory inside ig, so one handle serves one thread at a time. */
bool kb_ignore_skip(kb_ignore *ig, const char *rel, bool is_dir);

/* Frees ig and every rule; NULL is fine. */
void kb_ignore_free(kb_ignore *ig);

#ifdef __cplusplus
}
#endif
#endif
