/* The JSON Lines printer: one flat object per line, for scripts, editors
 * and ../shared/eval/score.py.  Text that is not valid UTF-8 is written as
 * {"bytes":"<base64>"} so the output is always valid JSON and never
 * silently altered. */
#include <stdlib.h>
#include <string.h>

#include "kbsearch/boilerplate.h"
#include "kbsearch/describe.h"
#include "kbsearch/utf8.h"
#include "printer_common.h"

#define KB_JSON_VERSION 1

typedef struct {
    kb_line_printer lp; /* first: the vtable and the line */
    size_t queries, matched, errors;
    size_t outdated;       /* stale or deleted matches, all queries */
    size_t query_outdated; /* the same, this query */
    double elapsed_ms;
} json_printer;

static void base64(kb_buf *b, const unsigned char *p, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        char out[4] = {tab[v >> 18], tab[(v >> 12) & 63], i + 1 < n ? tab[(v >> 6) & 63] : '=',
                       i + 2 < n ? tab[v & 63] : '='};
        kb_buf_add(b, out, 4);
    }
}

static void json_str(kb_buf *b, const char *p, size_t n)
{
    if (!kb_utf8_valid(p, n, NULL)) {
        kb_buf_puts(b, "{\"bytes\":\"");
        base64(b, (const unsigned char *)p, n);
        kb_buf_puts(b, "\"}");
        return;
    }
    kb_buf_add(b, "\"", 1);
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
            continue;
        kb_buf_add(b, p + from, i - from);
        from = i + 1;
        switch (c) {
        case '"': kb_buf_puts(b, "\\\""); break;
        case '\\': kb_buf_puts(b, "\\\\"); break;
        case '\n': kb_buf_puts(b, "\\n"); break;
        case '\r': kb_buf_puts(b, "\\r"); break;
        case '\t': kb_buf_puts(b, "\\t"); break;
        default: kb_buf_printf(b, "\\u%04x", c); break;
        }
    }
    kb_buf_add(b, p + from, n - from);
    kb_buf_add(b, "\"", 1);
}

static void key_str(kb_buf *b, const char *key, const char *p, size_t n)
{
    kb_buf_printf(b, ",\"%s\":", key);
    json_str(b, p, n);
}

static kb_status flush(json_printer *j)
{
    kb_buf_add(&j->lp.line, "\n", 1);
    return kb_line_printer_flush(&j->lp);
}

/* Which query an object is about: its "qid", or a --serve request's
 * "id", already JSON. */
static void query_key(kb_buf *b, const kb_print_query *q)
{
    if (q->id)
        kb_buf_printf(b, ",\"id\":%s", q->id);
    else
        key_str(b, "qid", q->qid, strlen(q->qid));
}

static void head(json_printer *j, const char *type, const kb_print_query *q)
{
    kb_buf_printf(&j->lp.line, "{\"type\":\"%s\"", type);
    query_key(&j->lp.line, q);
}

typedef struct {
    json_printer *j;
    const kb_print_query *q;
    kb_status st;
} correction_ctx;

/* {"type":"correction",...} for a word kbsearch corrected. */
static void correction(void *ctx, const kb_qnode *leaf)
{
    correction_ctx *c = ctx;
    if (!leaf->corrected_from || c->st)
        return;
    kb_buf *b = &c->j->lp.line;
    head(c->j, "correction", c->q);
    key_str(b, "from", leaf->corrected_from, strlen(leaf->corrected_from));
    key_str(b, "to", leaf->terms[0].term, leaf->terms[0].len);
    kb_buf_printf(b, ",\"column\":%zu}", leaf->col);
    c->st = flush(c->j);
}

static kb_status json_begin(kb_printer *p, const kb_print_query *q)
{
    json_printer *j = (json_printer *)p;
    j->queries++;
    j->query_outdated = 0;
    kb_buf_printf(&j->lp.line, "{\"type\":\"begin\",\"version\":%d", KB_JSON_VERSION);
    query_key(&j->lp.line, q);
    key_str(&j->lp.line, "query", q->text, strlen(q->text));
    kb_buf_puts(&j->lp.line, ",\"warnings\":[");
    for (size_t i = 0; q->parsed && i < q->parsed->nwarnings; i++) {
        if (i)
            kb_buf_add(&j->lp.line, ",", 1);
        json_str(&j->lp.line, q->parsed->warnings[i], strlen(q->parsed->warnings[i]));
    }
    kb_buf_puts(&j->lp.line, "]}");
    kb_status st = flush(j);
    if (!st && q->parsed) {
        correction_ctx c = {j, q, KB_OK};
        kb_query_each_leaf(q->parsed, correction, &c);
        st = c.st;
    }
    return st;
}

static void spans(json_printer *j, const kb_print_query *q, const kb_hit *h)
{
    kb_buf *b = &j->lp.line;
    kb_buf_puts(b, ",\"spans\":[");
    for (size_t i = 0; i < h->snippet.nspans; i++) {
        const kb_span *s = &h->snippet.spans[i];
        kb_spot at;
        size_t bol, eol;
        kb_hit_position(h, s->start, &at, &bol, &eol);
        kb_buf_printf(b, "%s{\"byte_start\":%zu,\"byte_end\":%zu,\"line\":%u,"
                         "\"col_byte\":%zu,\"col_cp\":%zu,\"col_utf16\":%zu",
                      i ? "," : "", at.byte, kb_hit_byte_end(h, s->end), at.line,
                      at.col.bytes + 1, at.col.cps + 1, at.col.utf16 + 1);
        key_str(b, "text", h->rec.text.p + s->start, s->end - s->start);
        const kb_qnode *leaf = q->parsed ? kb_query_leaf(q->parsed, s->leaf) : NULL;
        if (leaf) {
            kb_buf label = KB_BUF_INIT;
            kb_qnode_label(leaf, &label);
            key_str(b, "term", label.data ? label.data : "", label.len);
            kb_buf_free(&label);
        }
        kb_buf_printf(b, ",\"match\":\"%s\"", kb_match_how_name(s->how));
        if (s->snip_start == KB_NOT_IN_SNIPPET)
            kb_buf_puts(b, ",\"snippet_start\":null,\"snippet_end\":null}");
        else
            kb_buf_printf(b, ",\"snippet_start\":%zu,\"snippet_end\":%zu}", s->snip_start,
                          s->snip_end);
    }
    kb_buf_puts(b, "]");
}

static void factor(kb_buf *b, const char *name, double value, double f)
{
    kb_buf_printf(b, ",\"%s\":{\"value\":%.6g,\"factor\":%.6g}", name, value, f);
}

/* --explain (documented in docs/output.md). */
static void explain(kb_buf *b, const kb_hit *h)
{
    const kb_explain *e = h->explain;
    kb_buf_printf(b, ",\"explain\":{\"score\":%.6g,\"passage\":%.6g,\"bm25\":%.6g,\"terms\":[",
                  e->score, e->passage, e->bm25);
    for (size_t i = 0; i < e->nterms; i++) {
        kb_buf_puts(b, i ? ",{\"leaf\":" : "{\"leaf\":");
        json_str(b, e->terms[i].leaf, strlen(e->terms[i].leaf));
        kb_buf_printf(b, ",\"bm25\":%.6g}", e->terms[i].bm25);
    }
    kb_buf_puts(b, "]");
    factor(b, "coverage", e->coverage, e->coverage_factor);
    factor(b, "proximity", e->proximity, e->proximity_factor);
    factor(b, "heading", e->heading, e->heading_factor);
    factor(b, "file", e->file, e->file_factor);
    kb_buf_printf(b, ",\"phrases\":%s,\"chrome\":{\"score\":%u,\"signals\":\"",
                  e->phrases ? "true" : "false", h->rec.chrome);
    kb_chrome_reasons(h->rec.chrome_signals, b);
    kb_buf_printf(b, "\",\"hidden\":%s},\"collapsed\":%zu}", h->rec.is_chrome ? "true" : "false",
                  h->nalso);
}

static kb_status json_hit(kb_printer *p, const kb_print_query *q, const kb_hit *h)
{
    json_printer *j = (json_printer *)p;
    kb_buf abs = KB_BUF_INIT;
    kb_abs_path(h->root, h->rec.path, &abs);
    head(j, "match", q);
    kb_buf_printf(&j->lp.line, ",\"rank\":%u,\"score\":%.6g", h->rank, h->score);
    key_str(&j->lp.line, "path", h->rec.path.p, h->rec.path.n);
    key_str(&j->lp.line, "abspath", abs.data ? abs.data : "", abs.len);
    kb_buf_free(&abs);
    key_str(&j->lp.line, "index", h->index_name, strlen(h->index_name));
    kb_buf_printf(&j->lp.line, ",\"line_start\":%u,\"line_end\":%u,\"byte_start\":%zu,\"byte_end\":%zu",
                  h->rec.line_start, h->rec.line_end, h->rec.byte_start, h->rec.byte_end);
    if (h->rec.page)
        kb_buf_printf(&j->lp.line, ",\"page\":%u", h->rec.page);
    if (h->rec.flags & KB_REC_CODE)
        kb_buf_puts(&j->lp.line, ",\"code\":true");
    key_str(&j->lp.line, "heading", h->rec.heading.p, h->rec.heading.n);
    key_str(&j->lp.line, "title", h->title.p, h->title.n);
    key_str(&j->lp.line, "snippet", h->snippet.text, h->snippet.len);
    kb_buf_printf(&j->lp.line, ",\"more_in_file\":%u,\"also_at\":[", h->more_in_file);
    for (size_t i = 0; i < h->nalso; i++) {
        kb_buf_puts(&j->lp.line, i ? ",{\"path\":" : "{\"path\":");
        json_str(&j->lp.line, h->also_at[i].path.p, h->also_at[i].path.n);
        key_str(&j->lp.line, "index", h->also_at[i].index_name,
                strlen(h->also_at[i].index_name));
        kb_buf_printf(&j->lp.line, ",\"line_start\":%u,\"line_end\":%u}",
                      h->also_at[i].line_start, h->also_at[i].line_end);
    }
    kb_buf_puts(&j->lp.line, "]");
    spans(j, q, h);
    /* Only when true, so a fresh match keeps the version 1 field set. */
    if (h->state == KB_HIT_STALE)
        kb_buf_puts(&j->lp.line, ",\"stale\":true");
    else if (h->state == KB_HIT_DELETED)
        kb_buf_puts(&j->lp.line, ",\"deleted\":true");
    if (h->state == KB_HIT_STALE || h->state == KB_HIT_DELETED) {
        j->query_outdated++;
        j->outdated++;
    }
    if (h->explain)
        explain(&j->lp.line, h);
    kb_buf_puts(&j->lp.line, "}");
    return flush(j);
}

static kb_status json_error(kb_printer *p, const kb_print_query *q, const char *message)
{
    json_printer *j = (json_printer *)p;
    j->errors++;
    head(j, "error", q);
    key_str(&j->lp.line, "message", message, strlen(message));
    kb_buf_puts(&j->lp.line, "}");
    return flush(j);
}

/* "outdated": stale or deleted matches; like "stale" and "deleted", only
 * written when there are some, so an up-to-date index keeps the field set. */
static void outdated(kb_buf *b, size_t n)
{
    if (n)
        kb_buf_printf(b, ",\"outdated\":%zu", n);
}

static kb_status json_end(kb_printer *p, const kb_print_query *q, size_t n, double ms)
{
    json_printer *j = (json_printer *)p;
    j->matched += n > 0;
    j->elapsed_ms += ms;
    head(j, "end", q);
    kb_buf_printf(&j->lp.line, ",\"matches\":%zu", n);
    if (q->cancelled)
        kb_buf_puts(&j->lp.line, ",\"cancelled\":true");
    outdated(&j->lp.line, j->query_outdated);
    kb_buf_printf(&j->lp.line, ",\"elapsed_ms\":%.3f}", ms);
    return flush(j);
}

static kb_status json_finish(kb_printer *p)
{
    json_printer *j = (json_printer *)p;
    kb_buf_printf(&j->lp.line, "{\"type\":\"summary\",\"queries\":%zu,\"matched\":%zu,\"errors\":%zu",
                  j->queries, j->matched, j->errors);
    outdated(&j->lp.line, j->outdated);
    kb_buf_printf(&j->lp.line, ",\"elapsed_ms\":%.3f}", j->elapsed_ms);
    kb_status st = flush(j);
    return st ? st : fflush(j->lp.o.out) ? KB_ERR_IO : KB_OK;
}

kb_status kb_printer_json_new(const kb_printer_opts *o, kb_printer **out)
{
    const kb_printer vt = {json_begin, json_hit, json_error, json_end, json_finish, NULL};
    return kb_line_printer_new(sizeof(json_printer), &vt, o, out);
}
