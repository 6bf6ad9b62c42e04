/* A parsed query in words: leaf labels for --explain and JSON spans, and
 * the whole tree for --explain-query. */
#include "kbsearch/describe.h"

#include <stdio.h>
#include <string.h>

#include "kbsearch/indexer.h"

static void terms(kb_buf *b, const kb_qterm *t, size_t n, const char *sep)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            kb_buf_puts(b, sep);
        kb_buf_add(b, t[i].term, t[i].len);
    }
}

void kb_qnode_label(const kb_qnode *n, kb_buf *b)
{
    switch (n->kind) {
    case KB_Q_PHRASE:
        kb_buf_puts(b, "\"");
        terms(b, n->terms, n->nterms, " ");
        kb_buf_puts(b, "\"");
        break;
    case KB_Q_PREFIX:
        terms(b, n->terms, 1, "");
        kb_buf_puts(b, "*");
        break;
    case KB_Q_NEAR:
    case KB_Q_ADJ: {
        char op[32];
        snprintf(op, sizeof op, " %s/%u ", n->kind == KB_Q_NEAR ? "NEAR" : "ADJ", n->window);
        terms(b, n->terms, n->nterms, op);
        break;
    }
    default:
        terms(b, n->terms, n->nterms, " ");
        break;
    }
}

/* " (N passages)" for a term, with its prefix. */
static void count(kb_buf *b, const kb_describe_ctx *c, const char *prefix, const char *t,
                  size_t n)
{
    kb_buf key = KB_BUF_INIT;
    kb_buf_puts(&key, prefix);
    kb_buf_add(&key, t, n);
    unsigned df = kb_buf_status(&key) ? 0 : c->df(c->ctx, key.data, key.len);
    kb_buf_printf(b, " (%u passage%s)", df, df == 1 ? "" : "s");
    kb_buf_free(&key);
}

static void word(kb_buf *b, const kb_describe_ctx *c, const kb_qterm *t)
{
    kb_buf_add(b, t->term, t->len);
    count(b, c, "", t->term, t->len);
    if (t->accent) {
        kb_buf_puts(b, ", with accents ");
        kb_buf_add(b, t->accent, t->accent_len);
        count(b, c, KB_ACCENT_PREFIX, t->accent, t->accent_len);
    }
    if (t->stem) {
        kb_buf_puts(b, ", stem ");
        kb_buf_add(b, t->stem, t->stem_len);
        count(b, c, KB_STEM_PREFIX, t->stem, t->stem_len);
    } else if (!(t->flags & (KB_TOKEN_NUMBER | KB_TOKEN_CJK))) {
        kb_buf_puts(b, ", exact form only");
    }
}

static void indent(kb_buf *b, int depth)
{
    for (int i = 0; i < depth; i++)
        kb_buf_puts(b, "  ");
}

static void alts(kb_buf *b, const kb_describe_ctx *c, const kb_qnode *n, int depth)
{
    for (size_t a = 0; a < n->nalts; a++) {
        const kb_qalt *alt = &n->alts[a];
        indent(b, depth);
        kb_buf_puts(b, alt->kind == KB_ALT_VARIANT ? "or spelling variant " : "or synonym ");
        if (alt->nterms == 1) {
            word(b, c, &alt->terms[0]);
        } else {
            kb_buf_puts(b, "\"");
            terms(b, alt->terms, alt->nterms, " ");
            kb_buf_puts(b, "\" (as a phrase)");
        }
        kb_buf_puts(b, "\n");
    }
}

static const char *const field_names[] = {"path", "ext", "title", "heading", "tag"};

static void node(kb_buf *b, const kb_describe_ctx *c, const kb_qnode *n, int depth)
{
    indent(b, depth);
    if (n->required)
        kb_buf_puts(b, "required: ");
    switch (n->kind) {
    case KB_Q_TERM:
        kb_buf_puts(b, "word ");
        word(b, c, &n->terms[0]);
        if (n->quoted)
            kb_buf_puts(b, ", quoted: exact form");
        if (n->corrected_from)
            kb_buf_printf(b, "; corrected from \"%s\"", n->corrected_from);
        kb_buf_puts(b, "\n");
        alts(b, c, n, depth + 1);
        return;
    case KB_Q_PHRASE:
        kb_buf_puts(b, "phrase ");
        kb_qnode_label(n, b);
        kb_buf_puts(b, ": these exact forms in a row\n");
        for (size_t i = 0; i < n->nterms; i++) {
            indent(b, depth + 1);
            word(b, c, &n->terms[i]);
            kb_buf_puts(b, "\n");
        }
        alts(b, c, n, depth + 1);
        return;
    case KB_Q_PREFIX:
        kb_buf_printf(b, "prefix %s*: any word starting with \"%s\" (the %d most frequent)\n",
                      n->terms[0].term, n->terms[0].term, KB_WILDCARD_MAX);
        return;
    case KB_Q_NEAR:
    case KB_Q_ADJ:
        kb_buf_printf(b, "%s/%u: these exact forms within %u words%s\n",
                      n->kind == KB_Q_NEAR ? "NEAR" : "ADJ", n->window, n->window,
                      n->kind == KB_Q_NEAR ? ", any order" : ", in this order");
        for (size_t i = 0; i < n->nterms; i++) {
            indent(b, depth + 1);
            word(b, c, &n->terms[i]);
            kb_buf_puts(b, "\n");
        }
        return;
    case KB_Q_FIELD:
        kb_buf_printf(b, "filter %s:%s", field_names[n->field], n->value);
        if (n->nterms) {
            kb_buf_puts(b, " (words ");
            for (size_t i = 0; i < n->nterms; i++) {
                const kb_qterm *t = &n->terms[i];
                kb_buf_puts(b, i ? ", " : "");
                kb_buf_add(b, t->stem ? t->stem : t->term, t->stem ? t->stem_len : t->len);
            }
            kb_buf_puts(b, ")");
        }
        kb_buf_puts(b, "\n");
        return;
    case KB_Q_NOT:
        kb_buf_puts(b, "NOT: leave out passages matching\n");
        break;
    case KB_Q_AND:
        kb_buf_puts(b, "AND: all of\n");
        break;
    case KB_Q_OR:
        kb_buf_puts(b, "OR: any of\n");
        break;
    case KB_Q_ANY:
        kb_buf_puts(b, "ANY: ranked, the more of these the better\n");
        break;
    }
    for (size_t i = 0; i < n->nkids; i++)
        node(b, c, &n->kids[i], depth + 1);
}

void kb_query_describe(const kb_query *q, const kb_describe_ctx *c, kb_buf *b)
{
    node(b, c, &q->root, 0);
    for (size_t i = 0; i < q->nwarnings; i++)
        kb_buf_printf(b, "warning: %s\n", q->warnings[i]);
}
