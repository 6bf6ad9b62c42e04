/* chrome_report.h — kbindex --show-boilerplate: what the index holds as
 * page chrome, and why.  Part of the kbindex program (it prints). */
#ifndef KBSEARCH_CHROME_REPORT_H
#define KBSEARCH_CHROME_REPORT_H

/* Lists the chrome passages of the files at or under `path` (a file or a
 * folder inside the indexed folder), from the index at db_path (NULL: the
 * one found from `path` upward, as kbsearch finds it), then a count line.
 * Diagnostics go to stderr.  Returns the exit status: 0, or 2 when the
 * index cannot be read or `path` is not inside the indexed folder. */
int kb_chrome_report(const char *db_path, const char *path);

#endif
