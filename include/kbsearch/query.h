/* query.h — kbsearch's query language, parsed with the document tokenizer.
 *
 * Grammar (it grows with the [query] work; every query is a tree):
 *     query  := item*
 *     item   := '-'? ( '"' text '"' | chunk )
 *     chunk  := bytes up to the next white space or quote
 * A chunk that tokenizes to one term is a word; to several (burden-sharing,
 * a CJK word) a phrase.  Quoted text is a phrase of exact forms (no
 * stemming).  '-' excludes the item.  Curly quotes count as quotes.
 * Lenient: an unclosed quote is closed at the end, with a warning.  Only a
 * query with nothing to search (empty, or only exclusions) is an error.
 */
#ifndef KBSEARCH_QUERY_H
#define KBSEARCH_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include "kbsearch/index.h"
#include "kbsearch/status.h"
#include "kbsearch/tokenize.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kb_qterm {
    char *term;        /* normalized exact form, NUL-terminated */
    size_t len;
    char *stem;        /* Snowball stem, or NULL when the term is matched
                          exactly (numbers, CJK, quoted, language none) */
    size_t stem_len;
    unsigned flags;    /* kb_token_flags of the term */
} kb_qterm;

typedef enum kb_qkind {
    KB_Q_TERM,   /* terms[0] */
    KB_Q_PHRASE, /* terms[0..nterms) at consecutive positions */
    KB_Q_NOT,    /* passages matching kids[0] are left out */
    KB_Q_ANY     /* ranked: passages matching any kid, more kids better */
} kb_qkind;

typedef struct kb_qnode {
    kb_qkind kind;
    kb_qterm *terms;        /* TERM, PHRASE */
    size_t nterms;
    struct kb_qnode *kids;  /* NOT, ANY */
    size_t nkids;
    bool quoted;            /* written in quotes: exact forms only */
    size_t col;             /* 1-based byte column where it starts */
} kb_qnode;

typedef struct kb_query {
    kb_qnode root;          /* always KB_Q_ANY */
    char **warnings;        /* repairs made, e.g. "unclosed quote at column 5" */
    size_t nwarnings;
} kb_query;

/* Parses `len` bytes of `text`.  `stemmer` may be NULL (no stems).  On
 * success *out is a tree the caller frees with kb_query_free.  On failure
 * returns KB_ERR_QUERY (nothing to search) or KB_ERR_NOMEM, *out is NULL and
 * *errmsg (if not NULL) a malloc'd message naming the column. */
kb_status kb_query_parse(const char *text, size_t len, kb_tokenizer *tk,
                         kb_stemmer *stemmer, kb_query **out, char **errmsg);

/* Frees a query; NULL is accepted. */
void kb_query_free(kb_query *q);

#ifdef __cplusplus
}
#endif
#endif
