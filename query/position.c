/* Offsets in a passage -> places in its file. */
#include "kbsearch/printer.h"

void kb_hit_position(const kb_hit *h, size_t off, kb_spot *at, size_t *bol, size_t *eol)
{
    const char *t = h->rec.text.p;
    size_t n = h->rec.text.n;
    if (kb_record_place(&h->rec, off, false, at))
        *at = (kb_spot){h->rec.byte_start, h->rec.line_start, h->rec.col}; /* a bad map */
    *bol = off < n ? off : n;
    while (*bol > 0 && t[*bol - 1] != '\n')
        (*bol)--;
    *eol = off;
    while (*eol < n && t[*eol] != '\n')
        (*eol)++;
    if (*eol > *bol && t[*eol - 1] == '\r')
        (*eol)--;
}

size_t kb_hit_byte_end(const kb_hit *h, size_t off)
{
    kb_spot at;
    return kb_record_place(&h->rec, off, true, &at) ? h->rec.byte_end : at.byte;
}
