/* Plain text: the text is the file; headings are only guessed (segment.h). */
#include "kbsearch/format.h"

kb_status kb_read_plain(kb_extract *x)
{
    kb_extract_identity(x);
    return kb_extract_status(x);
}
