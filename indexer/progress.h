/* progress.h — kbindex's progress line: one line on a terminal, redrawn in
 * place ("\r", erase to the end), at most ten times a second.  Part of the
 * kbindex program (it prints). */
#ifndef KBSEARCH_PROGRESS_H
#define KBSEARCH_PROGRESS_H

#include <stdio.h>
#include "kbsearch/indexer.h"

typedef struct kb_progress_line kb_progress_line;

/* A line drawn on `out` (borrowed).  KB_OK or KB_ERR_NOMEM. */
kb_status kb_progress_line_new(FILE *out, kb_progress_line **line);

/* Redraws the line for `p` unless it was drawn less than 100 ms ago in
 * the same phase; KB_PHASE_DONE erases it.  `line` may be NULL. */
void kb_progress_line_show(kb_progress_line *line, const kb_progress *p);

/* Erases the line if it is shown, so that a message can be printed; the
 * next kb_progress_line_show draws it again.  `line` may be NULL. */
void kb_progress_line_clear(kb_progress_line *line);

/* Erases the line and frees it.  NULL is fine. */
void kb_progress_line_free(kb_progress_line *line);

#endif
