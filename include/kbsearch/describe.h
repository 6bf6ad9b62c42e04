/* describe.h — a parsed query in words, so a user sees why a word did or
 * did not match: short labels for each leaf, and the whole tree with
 * normalized forms, stems, alternatives and how many passages hold each.
 */
#ifndef KBSEARCH_DESCRIBE_H
#define KBSEARCH_DESCRIBE_H

#include "kbsearch/buf.h"
#include "kbsearch/query.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Appends a leaf's label: `word`, `"a phrase"`, `strat*`,
 * `a NEAR/5 b`.  Check kb_buf_status. */
void kb_qnode_label(const kb_qnode *leaf, kb_buf *b);

/* How many passages hold a term (with its index prefix). */
typedef struct kb_describe_ctx {
    unsigned (*df)(void *ctx, const char *term, size_t len);
    void *ctx;
} kb_describe_ctx;

/* Appends the tree, one node per line, indented two spaces per level,
 * then one "warning: ..." line per repair.  Check kb_buf_status. */
void kb_query_describe(const kb_query *q, const kb_describe_ctx *c, kb_buf *b);

#ifdef __cplusplus
}
#endif
#endif
