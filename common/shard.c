#include "kbsearch/shard.h"

#include <string.h>

#include "kbsearch/record.h"

unsigned kb_shard_of(const char *path, size_t len, unsigned count)
{
    return (unsigned)(kb_hash64(path, len) % count) + 1;
}

bool kb_shard_has(kb_shard s, const char *path)
{
    return s.count <= 1 || kb_shard_of(path, strlen(path), s.count) == s.index;
}

/* A decimal number from 1 to KB_SHARD_MAX at *p, ending at `end`; 0 if
 * there is none. */
static unsigned shard_number(const char **p, char end)
{
    unsigned v = 0;
    const char *s = *p;
    for (; *s >= '0' && *s <= '9'; s++)
        if ((v = v * 10 + (unsigned)(*s - '0')) > KB_SHARD_MAX)
            return 0;
    if (s == *p || *s != end)
        return 0;
    *p = s;
    return v;
}

kb_status kb_shard_parse(const char *text, kb_shard *out)
{
    const char *p = text;
    unsigned index = shard_number(&p, '/');
    if (!index)
        return KB_ERR_INVALID;
    p++;
    unsigned count = shard_number(&p, '\0');
    if (!count || index > count)
        return KB_ERR_INVALID;
    *out = (kb_shard){index, count};
    return KB_OK;
}
