/* What the printer back-ends share: a line buffer flushed to the output,
 * and do-nothing callbacks for the events a back-end ignores.  Internal to
 * query/. */
#ifndef KBSEARCH_PRINTER_COMMON_H
#define KBSEARCH_PRINTER_COMMON_H

#include "kbsearch/buf.h"
#include "kbsearch/printer.h"

typedef struct kb_line_printer {
    kb_printer base;   /* first: the vtable */
    kb_printer_opts o;
    kb_buf line;       /* output being assembled */
} kb_line_printer;

/* Allocates a back-end of `size` bytes (>= sizeof(kb_line_printer)) with
 * the given vtable; every callback left NULL does nothing. */
kb_status kb_line_printer_new(size_t size, const kb_printer *vtable,
                              const kb_printer_opts *o, kb_printer **out);

/* Writes the buffered output; KB_ERR_IO or KB_ERR_NOMEM on failure. */
kb_status kb_line_printer_flush(kb_line_printer *p);

#endif
