/* reports.h — kbindex's read-only reports on an index.  Part of the
 * kbindex program (they print). */
#ifndef KBSEARCH_REPORTS_H
#define KBSEARCH_REPORTS_H

/* --show-boilerplate: lists the chrome passages of the files at or under
 * `path` (a file or a folder inside the indexed folder), from the index at
 * db_path (NULL: the one found from `path` upward, as kbsearch finds it),
 * then a count line.  Diagnostics go to stderr.  Returns the exit status:
 * 0, or 2 when the index cannot be read or `path` is not inside the
 * indexed folder. */
int kb_chrome_report(const char *db_path, const char *path);

/* --list-synonyms: the index's synonym table (lexicon.h), one line per
 * word or phrase, "KEY = VALUE, VALUE...", in key order, then a count
 * line.  The index is found and checked as for kb_chrome_report. */
int kb_synonym_report(const char *db_path, const char *path);

#endif
