/* search.h — answering a query against an index: parse, retrieve, rank,
 * highlight.  What comes out are plain hits a printer can show without
 * knowing anything about the engine.
 *
 * The query is parsed (query.h), expanded against the index (expand.h:
 * spelling variants, synonyms, corrections), turned into an engine query
 * (a ranked group ORs its clauses, AND and '+' require, NOT and '-'
 * exclude, fields filter) and its passages scored with BM25.
 *
 * Ranking: the query's words and phrases are ORed and scored with BM25
 * over passages (so a query whose words never meet still finds the best
 * partial matches), then the best KB_RERANK_DEPTH candidates are re-scored
 * with the evidence of signals.h:
 *     passage = bm25 * (KB_COVER_FLOOR + (1 - KB_COVER_FLOOR) * coverage^2)
 *                    * (1 + KB_PROXIMITY_WEIGHT * proximity)
 *                    * (1 + KB_HEADING_WEIGHT * heading)
 *     score   = passage * (1 + KB_FILE_WEIGHT * file)
 * coverage: the IDF-weighted share of the query's leaves the passage
 * satisfies (a phrase found only as scattered words counts half), so
 * passages with more of the distinct query words win, but one with fewer
 * is never dropped: this is not a strict AND.  proximity: how close
 * together the words are.  heading: the coverage of the passage's heading
 * or its file's title, the larger.  file: the sum of the passage scores of
 * its file's candidates over the largest such sum, so a passage in a file
 * about the query beats a lone mention.  Passages holding every quoted
 * phrase as a phrase come before those that do not.
 *
 * Chrome: passages kbindex judged page chrome are left out, unless
 * kb_search_opts.all asks for them; they then come after all content.
 *
 * Copies: passages with the same normalized words (an article printed
 * twice, a paragraph pasted into several notes) are shown once, at the
 * best copy's rank, with the other places listed in kb_hit.also_at.
 *
 * Freshness: each shown passage's file is compared with the index
 * (freshness.h: one lstat per file, a read only when it changed) and the
 * hit says whether its text is still there, moved, stale or deleted.  The
 * places in also_at are the indexed ones.  The files of a remote index
 * are not on this machine: its passages are shown as indexed (fresh).
 *
 * Several indexes: a file is its index and its path; ties in score are
 * broken by path and place, never by docid, so that an index split into
 * shards ranks as the whole did.
 */
#ifndef KBSEARCH_SEARCH_H
#define KBSEARCH_SEARCH_H

#include <stddef.h>
#include "kbsearch/freshness.h"
#include "kbsearch/index.h"
#include "kbsearch/query.h"
#include "kbsearch/record.h"
#include "kbsearch/snippet.h"
#include "kbsearch/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KB_RERANK_DEPTH 100
#define KB_COVER_FLOOR 0.1
#define KB_PROXIMITY_WEIGHT 0.25
#define KB_HEADING_WEIGHT 0.2
#define KB_FILE_WEIGHT 0.2

typedef struct kb_searcher kb_searcher;

/* Finds the index to search, as git finds .git: `.kbsearch/` in `start`
 * or the nearest parent that has one, else $KBSEARCH_DB.  Appends its
 * path to *out.  KB_ERR_NOT_FOUND when there is none. */
kb_status kb_find_index(const char *start, kb_buf *out);

/* What `db` (an index as found or given) stands for: a shards file lists
 * several indexes to search as one.  `db` is a shards file when it is a
 * file, or a folder holding one named KB_SHARDS_FILE: one index per line,
 * a folder (relative to the file's folder unless absolute) or
 * tcp://HOST:PORT; blank lines and lines starting with # are skipped.
 * Otherwise `db` names one index.  Appends each name, NUL-terminated, to
 * *out and adds their number to *n.  KB_ERR_IO when the file cannot be
 * read, KB_ERR_NOT_FOUND when it lists nothing, KB_ERR_NOMEM. */
#define KB_SHARDS_FILE "shards"
kb_status kb_index_names(const char *db, kb_buf *out, size_t *n);

/* The default waits for a remote index, in milliseconds. */
#define KB_REMOTE_WAIT_MS 10000

/* How to open the indexes to search. */
typedef struct kb_searcher_opts {
    kb_remote_opts remote; /* waits for remote indexes (index.h) */
    int partial;           /* non-zero: an index that cannot be opened, or
                              stops answering, is left out (with
                              kb_searcher_missing saying why) instead of
                              failing the open or the query */
} kb_searcher_opts;

/* Opens the `n` indexes in `names` (folders, or tcp://HOST:PORT for one
 * served by xapian-tcpsrv) to search them as one: one ranking over all
 * their passages (kb_db_open_many).  They must agree on the schema, the
 * tokenizer and the stemming language recorded in them (else
 * KB_ERR_VERSION naming the two that differ).  On failure:
 * KB_ERR_NOT_FOUND (no index there), KB_ERR_VERSION (built by an
 * incompatible kbindex), KB_ERR_NETWORK (a remote one cannot be reached),
 * ...; *out is NULL and *errmsg (if not NULL) a malloc'd message naming
 * the index.  `o` may be NULL (defaults: KB_REMOTE_WAIT_MS, not
 * partial). */
kb_status kb_searcher_open(const char *const *names, size_t n, const kb_searcher_opts *o,
                           kb_searcher **out, char **errmsg);

/* Frees the searcher; NULL is accepted. */
void kb_searcher_free(kb_searcher *s);

/* The message of its last failed call; owned by the searcher. */
const char *kb_searcher_last_error(const kb_searcher *s);

/* NULL while index i is searched, else why it is not (kb_searcher_opts
 * .partial); owned by the searcher, valid until its next call. */
const char *kb_searcher_missing(const kb_searcher *s, size_t i);

/* Catches the searcher up with the index on disk, for a process that keeps
 * it open across queries (kbsearch --serve): a searcher sees the index as
 * of its open or last refresh.  Cheap when nothing changed (Xapian rereads
 * one small file per index).  After kbindex committed, the new revision
 * is read; when a local index's folder was deleted (and maybe built
 * again), or the last refresh failed, the indexes are opened afresh.
 * Either way what the searcher keeps from the indexes' metadata follows:
 * their roots (the kb_hit.root of later hits), the stemming language, the
 * schema and tokenizer checks.
 * KB_OK; or KB_ERR_NOT_FOUND (no index there any more), KB_ERR_VERSION,
 * KB_ERR_NOMEM, ... with the message in kb_searcher_last_error: the
 * searcher still answers from what it had, and the next refresh opens the
 * index afresh. */
kb_status kb_searcher_refresh(kb_searcher *s);

typedef struct kb_search_opts {
    size_t limit;    /* passages to return, at most */
    size_t per_file; /* passages of one file, at most; 0: no limit */
    int all;         /* non-zero: include passages judged page chrome
                        (boilerplate.h), ranked after all the others */
    int explain;     /* non-zero: fill kb_hit.explain */
    int no_correct;  /* non-zero: search words as typed, even when the
                        spelling table has a likely correction (expand.h) */
} kb_search_opts;

/* One query leaf's part of a passage's BM25 score. */
typedef struct kb_explain_term {
    const char *leaf;   /* the word (normalized) or "the phrase" */
    double bm25;        /* its BM25 weight in the passage: the stem match
                           plus the exact-form bonus */
} kb_explain_term;

/* Why a passage ranks where it does (kb_search_opts.explain): each signal
 * in [0, 1] and the factor it gave, as in the formula at the top. */
typedef struct kb_explain {
    double bm25;              /* the engine's score: the sum of terms[] */
    kb_explain_term *terms;   /* one per positive query leaf */
    size_t nterms;
    double coverage, coverage_factor;
    double proximity, proximity_factor;
    double heading, heading_factor;  /* query found in the heading/title */
    double passage;           /* bm25 times the three factors above */
    double file, file_factor; /* the file's evidence over the best file's */
    double score;             /* passage * file_factor: what ranks */
    int phrases;              /* every phrase of the query found as one:
                                 ranked before passages where one is not */
} kb_explain;

/* Another place of a passage's text (a copy in the same or another file). */
typedef struct kb_place {
    kb_str path;
    size_t index;          /* which index holds it, as in kb_hit */
    const char *index_name;
    const char *root;
    unsigned line_start;
    unsigned line_end;
} kb_place;

/* One ranked passage.  Strings point into the hits (valid until
 * kb_hits_free) and are not NUL-terminated, except snippet.text. */
typedef struct kb_hit {
    unsigned rank;        /* 1-based */
    double score;
    size_t index;         /* which of the searcher's indexes holds it */
    const char *index_name; /* that index as named to kb_searcher_open */
    const char *root;     /* the absolute path of the folder it indexed:
                             rec.path is relative to it; owned by the
                             searcher */
    kb_record rec;        /* path, heading, text, lines and bytes: where the
                             text is in the file now when state is FRESH or
                             MOVED, where it was indexed when STALE or
                             DELETED (freshness.h) */
    kb_hit_state state;   /* the file as it is now against the index */
    kb_str now;           /* the file's current bytes when the search had to
                             read them (its size or mtime changed), else
                             {NULL, 0}: --context need not read it again */
    kb_str title;         /* the file's title */
    kb_snippet snippet;   /* excerpt and every match's offsets */
    unsigned more_in_file;/* on the last shown passage of a file: how many
                             more of its passages matched (among the
                             KB_RERANK_DEPTH best) but are not shown */
    kb_place *also_at;    /* copies of this passage's text (the same
                             normalized words after any travelling heading),
                             shown once: here; in rank order */
    size_t nalso;
    kb_explain *explain;  /* NULL unless kb_search_opts.explain */
} kb_hit;

typedef struct kb_hits kb_hits;

/* Runs `len` bytes of query text.  KB_OK with *out set (possibly zero hits),
 * or KB_ERR_QUERY (nothing to search; the message names the column),
 * KB_ERR_NOMEM, KB_ERR_CORRUPT, KB_ERR_BACKEND...; the message is then in
 * kb_searcher_last_error.  When kbindex commits under the query, the query
 * is run again on the new revision (KB_ERR_MODIFIED only if that keeps
 * happening). */
kb_status kb_search(kb_searcher *s, const char *query, size_t len,
                    const kb_search_opts *opts, kb_hits **out);

/* Appends the parsed and expanded query in words (describe.h) to *out,
 * without searching: what --explain-query prints.  Errors as kb_search. */
kb_status kb_search_describe(kb_searcher *s, const char *query, size_t len,
                             const kb_search_opts *opts, kb_buf *out);

size_t kb_hits_count(const kb_hits *h);

/* Hit i in rank order, or NULL past the end. */
const kb_hit *kb_hits_get(const kb_hits *h, size_t i);

/* The parsed query (its warnings tell what was repaired). */
const kb_query *kb_hits_query(const kb_hits *h);

/* Frees hits; NULL is accepted. */
void kb_hits_free(kb_hits *h);

#ifdef __cplusplus
}
#endif
#endif
