/* Org mode: the text is the file; "* Heading" lines (the number of stars
 * is the level) are headings, "#+TITLE:" is the title.  Org's markup is
 * light enough that the words read well as they are. */
#include "kbsearch/format.h"
#include "kbsearch/sentence.h"

#include <string.h>
#include <strings.h>

kb_status kb_read_org(kb_extract *x)
{
    kb_extract_identity(x);
    const char *s = x->src;
    for (size_t at = 0; at < x->src_len;) {
        const char *nl = memchr(s + at, '\n', x->src_len - at);
        size_t end = nl ? (size_t)(nl - s) : x->src_len, stars = 0;
        while (at + stars < end && s[at + stars] == '*')
            stars++;
        if (stars && at + stars < end && (s[at + stars] == ' ' || s[at + stars] == '\t')) {
            kb_str label = kb_trim((kb_str){s + at + stars, end - at - stars});
            if (label.n) {
                size_t ls = (size_t)(label.p - s);
                kb_extract_heading(x, (unsigned)stars, at, end, ls, ls + label.n);
            }
        } else if (end - at > 8 && strncasecmp(s + at, "#+title:", 8) == 0) {
            kb_extract_set_title(x, s + at + 8, end - at - 8);
        }
        at = end + 1;
    }
    return kb_extract_status(x);
}
