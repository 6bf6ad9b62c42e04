#include "kbsearch/status.h"

const char *kb_status_str(kb_status st)
{
    switch (st) {
    case KB_OK: return "success";
    case KB_DONE: return "done";
    case KB_ERR_NOMEM: return "out of memory";
    case KB_ERR_IO: return "input/output error";
    case KB_ERR_NOT_FOUND: return "not found";
    case KB_ERR_LOCKED: return "index is locked by another writer";
    case KB_ERR_QUERY: return "query leaves nothing to search";
    case KB_ERR_MODIFIED: return "index was modified while reading";
    case KB_ERR_CORRUPT: return "index is corrupt";
    case KB_ERR_VERSION: return "index was built by an incompatible version";
    case KB_ERR_INVALID: return "invalid argument";
    case KB_ERR_BACKEND: return "search engine error";
    case KB_ERR_INTERNAL: return "internal error";
    case KB_ERR_INTERRUPTED: return "interrupted";
    case KB_ERR_FORMAT: return "not valid in its format";
    case KB_ERR_NETWORK: return "a remote index cannot be reached";
    case KB_STATUS_LAST: break;
    }
    return "unknown status";
}
