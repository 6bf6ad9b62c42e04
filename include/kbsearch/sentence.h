/* sentence.h — the few facts about raw text that both the segmenter and
 * the boilerplate detector judge lines by: words, sentence ends, list
 * items and item separators.
 */
#ifndef KBSEARCH_SENTENCE_H
#define KBSEARCH_SENTENCE_H

#include <stdbool.h>
#include <stddef.h>
#include "kbsearch/record.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ASCII white space, including CR: ' ', '\t', '\n', '\v', '\f', '\r'.
 * Inline, as the segmenter and the chrome detector ask it of every byte. */
static inline bool kb_is_space(char c)
{
    /* Bit b of the mask is set for byte b: 9 to 13, and 32. */
    return (unsigned char)c <= ' ' && (0x100003E00ull >> (unsigned char)c) & 1;
}

/* `t` without leading and trailing white space. */
kb_str kb_trim(kb_str t);

/* Runs of non-space bytes in t. */
unsigned kb_count_words(kb_str t);

/* Does t end a sentence (. ! ? or the CJK 。！？), closing quotes and
 * brackets allowed after the terminator? */
bool kb_ends_sentence(kb_str t);

/* Sentence ends in t: words that end a sentence and are not abbreviations
 * (a dot inside, as "U.S." and "e.g.", or one or two letters starting with
 * a capital, as "Dr." and "J.", do not count; "it." and "2024." do). */
unsigned kb_count_sentences(kb_str t);

/* Does the (trimmed) line start a list item: "- ", "* ", "+ ", "• ",
 * "1. " or "1) "? */
bool kb_is_list_item(kb_str t);

/* Item separators in a line: " | ", " › ", " · ", " » " (breadcrumbs,
 * share bars, inline menus).  A Markdown table row ('|' first) has none:
 * its cells are data. */
unsigned kb_count_separators(kb_str t);

#ifdef __cplusplus
}
#endif
#endif
