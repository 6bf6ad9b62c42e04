/* Offsets in a passage -> lines and columns in its file. */
#include "kbsearch/printer.h"

void kb_hit_position(const kb_hit *h, size_t off, unsigned *line, kb_column *col,
                     size_t *bol, size_t *eol)
{
    const char *t = h->rec.text.p;
    size_t n = h->rec.text.n;
    *bol = 0;
    *line = h->rec.line_start;
    for (size_t i = 0; i < off && i < n; i++) {
        if (t[i] == '\n') {
            (*line)++;
            *bol = i + 1;
        }
    }
    /* The passage's first line may start mid-line (a window): its column
     * is stored in the record. */
    *col = *bol ? (kb_column){0, 0, 0} : h->rec.col;
    kb_column_advance(col, t + *bol, off - *bol);
    *eol = off;
    while (*eol < n && t[*eol] != '\n')
        (*eol)++;
    if (*eol > *bol && t[*eol - 1] == '\r')
        (*eol)--;
}
