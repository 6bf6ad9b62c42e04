/* shard.h — which part of a folder a file belongs to, so that one folder
 * can be indexed on several machines at once (kbindex --shard I/N).
 *
 * A file's shard depends on its path alone: the path relative to the
 * indexed folder, '/'-separated, the bytes the index stores (KB_PATH_PREFIX,
 * KB_FILE_META_PREFIX).  So it is the same on every machine and a file
 * never moves when others come or go:
 *
 *     shard = kb_hash64(path) mod N + 1      (FNV-1a, 64 bits: record.h)
 *
 * Changing this moves files between the shards of every index already
 * built: tests/test_shard.c pins its values.
 */
#ifndef KBSEARCH_SHARD_H
#define KBSEARCH_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include "kbsearch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The most shards a folder can be cut into. */
#define KB_SHARD_MAX 1024

/* Shard `index` of `count`: 1 <= index <= count <= KB_SHARD_MAX.  Shard
 * 1 of 1 is the whole folder. */
typedef struct kb_shard {
    unsigned index;
    unsigned count;
} kb_shard;

/* The shard, from 1 to `count` (>= 1), of the file at `path` (`len`
 * bytes, no NUL needed). */
unsigned kb_shard_of(const char *path, size_t len, unsigned count);

/* True when the file at `path` (NUL-terminated) is in shard `s`; always
 * for a count of 0 or 1. */
bool kb_shard_has(kb_shard s, const char *path);

/* Parses "I/N" (decimal digits only, 1 <= I <= N <= KB_SHARD_MAX) into
 * *out.  KB_ERR_INVALID, *out unchanged, for anything else. */
kb_status kb_shard_parse(const char *text, kb_shard *out);

#ifdef __cplusplus
}
#endif
#endif
