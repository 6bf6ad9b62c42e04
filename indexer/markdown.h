/* markdown.h — the parts of the Markdown reader (read_markdown.c) that are
 * not the walk over md4c's events: front matter and character references.
 * Internal to the indexer. */
#ifndef KBSEARCH_INDEXER_MARKDOWN_H
#define KBSEARCH_INDEXER_MARKDOWN_H

#include <stddef.h>
#include "kbsearch/extract.h"

/* Reads YAML front matter starting at source offset `at`: a "---" line,
 * then lines up to a "---" or "..." line.  Its "title:" becomes the
 * extract's title (quotes stripped), its "tags:" and "keywords:" its tags,
 * written "[a, b]", "a, b" or as "- a" lines below the key.  Returns the
 * offset just after the closing line, or `at` when there is no front
 * matter there (no opening line, or no closing one). */
size_t kb_markdown_front_matter(kb_extract *x, size_t at);

/* The most bytes kb_entity_decode writes. */
#define KB_ENTITY_MAX 4

/* The length of the character reference starting at p[0] == '&' as
 * CommonMark (and md4c) recognise one: "&name;" (a letter, then 1 to 47
 * letters or digits), "&#" 1 to 7 digits ";" or "&#x" 1 to 6 hex digits
 * ";".  0 when p[0..n) does not start with one. */
size_t kb_entity_len(const char *p, size_t n);

/* The UTF-8 of the character reference p[0..n) into out: numeric ones
 * always (U+FFFD for 0, a surrogate or beyond U+10FFFF; a space for other
 * control characters, which would otherwise break the text's layout),
 * named ones from a short table of the common names.  Returns the bytes
 * written; 0 for a name not in the table, or when p[0..n) is not exactly
 * one reference (kb_entity_len). */
size_t kb_entity_decode(const char *p, size_t n, char out[KB_ENTITY_MAX]);

#endif
