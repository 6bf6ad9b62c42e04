/* query.h — kbsearch's query language, parsed with the document tokenizer.
 *
 * Grammar (operators are recognised in capitals only; `and`, `or`, `not`
 * are ordinary words):
 *     query   := group
 *     group   := clause*                 ranked: more matching clauses is better
 *     clause  := or
 *     or      := and ( 'OR' and )*
 *     and     := near ( 'AND' near )*
 *     near    := unary ( ('NEAR' | 'NEAR/n' | 'ADJ' | 'ADJ/n') unary )*
 *     unary   := ('NOT' | '-' | '+') unary | primary
 *     primary := '(' group ')' | '"' text '"' | field ':' value | chunk
 * A chunk is bytes up to the next white space, quote or parenthesis.  One
 * that tokenizes to one term is a word; to several (burden-sharing, a CJK
 * word) a phrase; a chunk ending in '*' is a prefix ("strat*": every word
 * starting with "strat").  Quoted text is a phrase of exact forms (no
 * stemming, never corrected).  Curly and fullwidth quotes count as quotes.
 *
 * `+a` makes a clause required; `-a` and `NOT a` exclude it.  `a NEAR/5 b`
 * matches a and b within 5 words of each other in any order (NEAR alone
 * means NEAR/10); `a ADJ/3 b` in that order (ADJ alone: ADJ/1, side by
 * side).  Like phrases, they match exact forms.  "Within n words" is
 * Xapian's reading: the words lie in a window of n + k - 1 positions,
 * for k words.
 *
 * Fields filter without adding weight: `path:reports/` (path prefix,
 * relative to the indexed folder, case-sensitive), `ext:md` (extension,
 * any case), `title:word` (the file's title has the word or a variant of
 * it), `heading:word` (the passage's heading does).  `title:"a b"` needs
 * both words in the title.  The same field given twice means either
 * value; different fields must all hold.
 *
 * Lenient: an unclosed quote or parenthesis is closed at the end, a
 * stray ')' or an operator with nothing on one side is dropped, a NOT
 * inside an OR is dropped; each repair leaves a warning naming its
 * column.  A query is read up to its KB_QUERY_MAX_WORDS-th word: a word
 * or phrase that would pass it, and all that follows, are left out with
 * a warning.  Only a query with nothing to search (empty, only exclusions
 * or only filters) is an error.
 */
#ifndef KBSEARCH_QUERY_H
#define KBSEARCH_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include "kbsearch/index.h"
#include "kbsearch/status.h"
#include "kbsearch/tokenize.h"

/* The most words a query searches.  Xapian's and the re-rank's cost grow
 * faster than the words (10,000 took seconds), and a server must not
 * stall on one request. */
#define KB_QUERY_MAX_WORDS 256

#ifdef __cplusplus
extern "C" {
#endif

#define KB_NEAR_DEFAULT 10
#define KB_ADJ_DEFAULT 1

typedef struct kb_qterm {
    char *term;        /* normalized exact form, NUL-terminated */
    size_t len;
    char *stem;        /* Snowball stem, or NULL when the term is matched
                          exactly (numbers, CJK, quoted, language none) */
    size_t stem_len;
    char *accent;      /* the form with its diacritics, when it has some
                          ("café" beside "cafe"), else NULL */
    size_t accent_len;
    unsigned flags;    /* kb_token_flags of the term */
} kb_qterm;

typedef enum kb_qkind {
    KB_Q_TERM,   /* a word: terms[0] */
    KB_Q_PHRASE, /* terms[0..nterms) at consecutive positions */
    KB_Q_PREFIX, /* any word starting with terms[0].term */
    KB_Q_NEAR,   /* terms within `window` words, any order */
    KB_Q_ADJ,    /* terms in order within `window` words */
    KB_Q_FIELD,  /* a filter: `field` and `value` (terms for title/heading) */
    KB_Q_NOT,    /* passages matching kids[0] are left out */
    KB_Q_AND,    /* every kid */
    KB_Q_OR,     /* any kid */
    KB_Q_ANY     /* ranked: any kid, more kids better; `required` kids must
                    match */
} kb_qkind;

typedef enum kb_qfield {
    KB_FIELD_PATH,
    KB_FIELD_EXT,
    KB_FIELD_TITLE,
    KB_FIELD_HEADING,
    KB_FIELD_TAG     /* a tag of the file's front matter, whole */
} kb_qfield;
#define KB_NFIELDS (KB_FIELD_TAG + 1)

/* Why an alternative form of a word or phrase is searched too. */
typedef enum kb_qalt_kind {
    KB_ALT_VARIANT, /* British/American spelling (organise/organize) */
    KB_ALT_SYNONYM  /* the index's synonym table: acronyms defined in the
                       text, .kbsearch/synonyms.txt */
} kb_qalt_kind;

typedef struct kb_qalt {
    kb_qalt_kind kind;
    kb_qterm *terms;   /* one word, or a phrase of exact forms */
    size_t nterms;
} kb_qalt;

typedef struct kb_qnode {
    kb_qkind kind;
    kb_qterm *terms;        /* TERM, PHRASE, PREFIX, NEAR, ADJ; FIELD title/heading */
    size_t nterms;
    struct kb_qnode *kids;  /* NOT, AND, OR, ANY */
    size_t nkids;
    kb_qalt *alts;          /* TERM, PHRASE: other forms that satisfy it
                               (kb_query_expand) */
    size_t nalts;
    kb_qfield field;        /* FIELD */
    char *value;            /* FIELD: the value as written (path, ext) */
    unsigned window;        /* NEAR, ADJ */
    char *corrected_from;   /* TERM: the word as typed, when the spelling
                               was corrected (kb_query_expand) */
    bool quoted;            /* written in quotes: exact forms only */
    bool required;          /* '+' in a ranked group */
    int leaf;               /* index among the query's positive leaves
                               (TERM, PHRASE, PREFIX, NEAR, ADJ not under a
                               NOT), or -1 */
    size_t col;             /* 1-based byte column where it starts */
} kb_qnode;

typedef struct kb_query {
    kb_qnode root;          /* always KB_Q_ANY */
    size_t nleaves;         /* positive leaves, numbered in query order */
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

/* Numbers the positive leaves again (node->leaf, q->nleaves), after a
 * change to the tree's shape (kb_query_expand merges words). */
void kb_query_number_leaves(kb_query *q);

/* The positive leaf numbered i, or NULL. */
const kb_qnode *kb_query_leaf(const kb_query *q, size_t i);

/* Calls fn for each positive leaf in leaf order (node->leaf = 0, 1, ...). */
typedef void (*kb_leaf_fn)(void *ctx, const kb_qnode *leaf);
void kb_query_each_leaf(const kb_query *q, kb_leaf_fn fn, void *ctx);

/* Fills a query term from a normalized word: copies it and computes its
 * stem (unless `exact` or the word is a number or CJK).  Returns KB_OK or
 * KB_ERR_NOMEM; the term is freed with the query. */
kb_status kb_qterm_set(kb_qterm *t, const char *term, size_t len, unsigned flags,
                       kb_stemmer *stemmer, bool exact);

/* Frees a query term's strings and zeroes it (the struct is the caller's). */
void kb_qterm_clear(kb_qterm *t);

#ifdef __cplusplus
}
#endif
#endif
