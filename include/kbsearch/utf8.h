/* utf8.h — UTF-8 validation and measuring, for input checks and for the
 * column units editors use. */
#ifndef KBSEARCH_UTF8_H
#define KBSEARCH_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* True when all `len` bytes are well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF).  Otherwise false, with *bad_at (if
 * not NULL) set to the offset of the first bad sequence. */
bool kb_utf8_valid(const char *s, size_t len, size_t *bad_at);

#ifdef __cplusplus
}
#endif
#endif
