/* The query parser (grammar in include/kbsearch/query.h): a lexer over the
 * raw bytes, then recursive descent.  Words go through the document
 * tokenizer, so a query term is normalized exactly as indexed text. */
#include "kbsearch/query.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/buf.h"

/* Parentheses nested deeper than this are read as plain grouping of the
 * level above: it bounds the recursion on hostile input. */
#define MAX_DEPTH 32
/* NEAR/n and ADJ/n windows are clamped to this many words. */
#define MAX_WINDOW 1000

typedef enum {
    L_END,
    L_OPEN,   /* ( */
    L_CLOSE,  /* ) */
    L_AND,
    L_OR,
    L_NOT,
    L_NEAR,   /* NEAR, NEAR/n */
    L_ADJ,    /* ADJ, ADJ/n */
    L_MINUS,  /* '-' glued to what follows */
    L_PLUS,   /* '+' glued to what follows */
    L_QUOTED, /* "text": [from, to) inside the quotes */
    L_FIELD,  /* name:value; value [from, to), quoted or not */
    L_CHUNK   /* [from, to) */
} lex_kind;

typedef struct {
    lex_kind kind;
    size_t at;        /* where it starts (byte) */
    size_t next;      /* where the next lexeme may start */
    size_t from, to;  /* L_QUOTED, L_FIELD, L_CHUNK */
    unsigned window;  /* L_NEAR, L_ADJ */
    kb_qfield field;  /* L_FIELD */
    bool quoted;      /* L_FIELD: the value was quoted */
    bool unclosed;    /* L_QUOTED, quoted L_FIELD: no closing quote */
} lexeme;

typedef struct {
    const char *s;
    size_t len;
    size_t i;
    kb_tokenizer *tk;
    kb_stemmer *stemmer;
    kb_query *q;
    kb_status st;     /* first failure; parsing stops at it */
    size_t words;     /* in the leaves so far; past KB_QUERY_MAX_WORDS the query ends */
} parser;

/* --- bytes ---------------------------------------------------------------- */

static size_t space_at(const char *s, size_t len, size_t i)
{
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f' || s[i] == '\v')
        return 1;
    /* U+3000 ideographic space, typed on CJK keyboards */
    return i + 3 <= len && memcmp(s + i, "\xe3\x80\x80", 3) == 0 ? 3 : 0;
}

/* Straight, curly and fullwidth double quotes, as pasted from web pages. */
static size_t quote_at(const char *s, size_t len, size_t i)
{
    static const char *const quotes[] = {"\"", "\xe2\x80\x9c", "\xe2\x80\x9d", "\xe2\x80\x9e",
                                         "\xef\xbc\x82"};
    for (size_t k = 0; k < sizeof quotes / sizeof *quotes; k++) {
        size_t n = strlen(quotes[k]);
        if (i + n <= len && memcmp(s + i, quotes[k], n) == 0)
            return n;
    }
    return 0;
}

/* A chunk ends at white space, a quote or a parenthesis. */
static bool chunk_ends(const char *s, size_t len, size_t i)
{
    return i >= len || space_at(s, len, i) || quote_at(s, len, i) || s[i] == '(' || s[i] == ')';
}

static bool digits(const char *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return to > from;
}

/* A chunk ends at white space, except inside a number written in
 * space-separated thousands ("1 250 000"), which the tokenizer joins. */
static size_t chunk_end(const char *s, size_t len, size_t i)
{
    size_t from = i;
    while (!chunk_ends(s, len, i))
        i++;
    if (i - from > 3 || !digits(s, from, i))
        return i;
    while (i + 4 <= len && s[i] == ' ' && digits(s, i + 1, i + 4) && chunk_ends(s, len, i + 4))
        i += 4;
    return i;
}

/* Reads a quoted text whose opening quote (qn bytes) is at i. */
static void read_quoted(const char *s, size_t len, size_t i, size_t qn, lexeme *x)
{
    x->from = i + qn;
    for (x->to = x->from; x->to < len && !quote_at(s, len, x->to); x->to++)
        ;
    x->unclosed = x->to == len;
    x->next = x->unclosed ? len : x->to + quote_at(s, len, x->to);
}

static bool is_word(const char *s, size_t from, size_t to, const char *w)
{
    return to - from == strlen(w) && memcmp(s + from, w, to - from) == 0;
}

/* NEAR, NEAR/n, ADJ, ADJ/n in [from, to). */
static bool proximity_op(const char *s, size_t from, size_t to, lexeme *x)
{
    const char *const names[] = {"NEAR", "ADJ"};
    for (int k = 0; k < 2; k++) {
        size_t n = strlen(names[k]);
        if (to - from < n || memcmp(s + from, names[k], n) != 0)
            continue;
        unsigned w = k == 0 ? KB_NEAR_DEFAULT : KB_ADJ_DEFAULT;
        size_t i = from + n;
        if (i < to) {
            if (s[i] != '/' || i + 1 == to)
                return false;
            w = 0;
            for (i++; i < to; i++) {
                if (s[i] < '0' || s[i] > '9')
                    return false;
                if (w <= MAX_WINDOW)
                    w = w * 10 + (unsigned)(s[i] - '0');
            }
            if (w == 0)
                w = 1;
            if (w > MAX_WINDOW)
                w = MAX_WINDOW;
        }
        x->kind = k == 0 ? L_NEAR : L_ADJ;
        x->window = w;
        return true;
    }
    return false;
}

/* name:value with a known field name and a non-empty value. */
static bool field_op(const char *s, size_t len, size_t from, lexeme *x)
{
    static const struct {
        const char *name;
        kb_qfield field;
    } fields[] = {{"path:", KB_FIELD_PATH},
                  {"ext:", KB_FIELD_EXT},
                  {"title:", KB_FIELD_TITLE},
                  {"heading:", KB_FIELD_HEADING},
                  {"tag:", KB_FIELD_TAG}};
    for (size_t k = 0; k < sizeof fields / sizeof *fields; k++) {
        size_t n = strlen(fields[k].name);
        if (from + n > len || memcmp(s + from, fields[k].name, n) != 0)
            continue;
        size_t v = from + n, qn = quote_at(s, len, v);
        if (qn) {
            read_quoted(s, len, v, qn, x);
            x->quoted = true;
        } else {
            x->from = v;
            /* A path may hold parentheses: it runs to white space. */
            for (x->to = v; x->to < len && !space_at(s, len, x->to); x->to++)
                if (fields[k].field != KB_FIELD_PATH && chunk_ends(s, len, x->to))
                    break;
            x->next = x->to;
        }
        if (x->to == x->from)
            return false;
        x->kind = L_FIELD;
        x->field = fields[k].field;
        return true;
    }
    return false;
}

/* The lexeme at p->i (skipping white space), without consuming it. */
static lexeme peek(const parser *p)
{
    const char *s = p->s;
    size_t len = p->len, i = p->i, n;
    while (i < len && (n = space_at(s, len, i)))
        i += n;
    lexeme x = {0};
    x.at = i;
    x.next = i + 1;
    if (i >= len || p->words > KB_QUERY_MAX_WORDS) {
        x.kind = L_END;
        x.next = len;
        return x;
    }
    if (s[i] == '(' || s[i] == ')') {
        x.kind = s[i] == '(' ? L_OPEN : L_CLOSE;
        return x;
    }
    if ((n = quote_at(s, len, i))) {
        x.kind = L_QUOTED;
        read_quoted(s, len, i, n, &x);
        return x;
    }
    if ((s[i] == '-' || s[i] == '+') && !chunk_ends(s, len, i + 1) && s[i + 1] != '-' &&
        s[i + 1] != '+') {
        x.kind = s[i] == '-' ? L_MINUS : L_PLUS;
        return x;
    }
    if ((s[i] == '-' || s[i] == '+') && i + 1 < len && (s[i + 1] == '(' || quote_at(s, len, i + 1))) {
        x.kind = s[i] == '-' ? L_MINUS : L_PLUS;
        return x;
    }
    size_t end = chunk_end(s, len, i);
    x.next = end;
    if (is_word(s, i, end, "AND"))
        x.kind = L_AND;
    else if (is_word(s, i, end, "OR"))
        x.kind = L_OR;
    else if (is_word(s, i, end, "NOT"))
        x.kind = L_NOT;
    else if (proximity_op(s, i, end, &x))
        ;
    else if (field_op(s, len, i, &x))
        ;
    else {
        x.kind = L_CHUNK;
        x.from = i;
        x.to = end;
    }
    return x;
}

/* --- nodes ---------------------------------------------------------------- */

void kb_qterm_clear(kb_qterm *t)
{
    free(t->term);
    free(t->stem);
    free(t->accent);
    memset(t, 0, sizeof *t);
}

static void free_terms(kb_qterm *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        kb_qterm_clear(&t[i]);
    free(t);
}

static void free_node(kb_qnode *n)
{
    free_terms(n->terms, n->nterms);
    for (size_t i = 0; i < n->nkids; i++)
        free_node(&n->kids[i]);
    free(n->kids);
    for (size_t i = 0; i < n->nalts; i++)
        free_terms(n->alts[i].terms, n->alts[i].nterms);
    free(n->alts);
    free(n->value);
    free(n->corrected_from);
    memset(n, 0, sizeof *n);
}

void kb_query_free(kb_query *q)
{
    if (!q)
        return;
    free_node(&q->root);
    for (size_t i = 0; i < q->nwarnings; i++)
        free(q->warnings[i]);
    free(q->warnings);
    free(q);
}

/* The empty node: what an item with no term (punctuation) gives. */
static kb_qnode empty(size_t col)
{
    kb_qnode n;
    memset(&n, 0, sizeof n);
    n.kind = KB_Q_ANY;
    n.leaf = -1;
    n.col = col;
    return n;
}

static bool is_empty(const kb_qnode *n)
{
    return n->kind == KB_Q_ANY && n->nkids == 0;
}

static void fail(parser *p, kb_status st)
{
    if (!p->st)
        p->st = st;
}

static void add_kid(parser *p, kb_qnode *parent, kb_qnode *kid)
{
    if (is_empty(kid))
        return;
    kb_qnode *k = p->st ? NULL : realloc(parent->kids, (parent->nkids + 1) * sizeof *k);
    if (!k) {
        fail(p, KB_ERR_NOMEM);
        free_node(kid);
        return;
    }
    parent->kids = k;
    k[parent->nkids++] = *kid;
}

static void warn(parser *p, const char *fmt, ...)
{
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    kb_query *q = p->q;
    char **w = realloc(q->warnings, (q->nwarnings + 1) * sizeof *w);
    if (!w) {
        fail(p, KB_ERR_NOMEM);
        return;
    }
    q->warnings = w;
    if (!(w[q->nwarnings] = strdup(msg)))
        fail(p, KB_ERR_NOMEM);
    else
        q->nwarnings++;
}

kb_status kb_qterm_set(kb_qterm *t, const char *term, size_t len, unsigned flags,
                       kb_stemmer *stemmer, bool exact)
{
    memset(t, 0, sizeof *t);
    t->flags = flags;
    t->len = len;
    if (!(t->term = strndup(term, len)))
        return KB_ERR_NOMEM;
    if (exact || !stemmer || (flags & (KB_TOKEN_NUMBER | KB_TOKEN_CJK)))
        return KB_OK;
    const char *stem;
    size_t n;
    if (kb_stem(stemmer, term, len, &stem, &n) || !(t->stem = strndup(stem, n)))
        return KB_ERR_NOMEM;
    t->stem_len = n;
    return KB_OK;
}

/* Terms of a piece of text, collected from the tokenizer. */
typedef struct {
    kb_qterm *terms;
    unsigned *pos;
    size_t n, cap, pos_cap;
    kb_stemmer *stemmer;
    bool exact;
} collector;

static int collect(void *ctx, const kb_token *tok)
{
    collector *c = ctx;
    if (!kb_grow((void **)&c->terms, &c->cap, c->n + 1, sizeof *c->terms) ||
        !kb_grow((void **)&c->pos, &c->pos_cap, c->n + 1, sizeof *c->pos))
        return KB_ERR_NOMEM;
    kb_qterm *t = &c->terms[c->n];
    c->pos[c->n] = tok->pos;
    kb_status st = kb_qterm_set(t, tok->term, tok->term_len, tok->flags, c->stemmer, c->exact);
    c->n++; /* counted even on failure, so its strings are freed */
    if (!st && tok->accent) {
        if (!(t->accent = strndup(tok->accent, tok->accent_len)))
            return KB_ERR_NOMEM;
        t->accent_len = tok->accent_len;
    }
    return st;
}

/* A CJK word is searched as its bigrams in a row: a unigram is dropped
 * where a bigram covers its position (the bigram at p covers p and p+1). */
static bool covered_unigram(const collector *c, size_t i)
{
    if ((c->terms[i].flags & (KB_TOKEN_CJK | KB_TOKEN_BIGRAM)) != KB_TOKEN_CJK)
        return false;
    for (size_t k = 0; k < c->n; k++)
        if ((c->terms[k].flags & KB_TOKEN_BIGRAM) &&
            (c->pos[k] == c->pos[i] || c->pos[k] + 1 == c->pos[i]))
            return true;
    return false;
}

/* Tokenizes [from, to) into c, dropping unigrams that bigrams cover. */
static void tokenize(parser *p, size_t from, size_t to, bool exact, collector *c)
{
    memset(c, 0, sizeof *c);
    c->stemmer = p->stemmer;
    c->exact = exact;
    kb_status st = kb_tokenize(p->tk, p->s + from, to - from, collect, c);
    if (st) {
        fail(p, st);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (covered_unigram(c, i)) {
            kb_qterm_clear(&c->terms[i]);
        } else {
            c->terms[n] = c->terms[i];
            c->pos[n++] = c->pos[i];
        }
    }
    c->n = n;
}

/* A word (one term) or a phrase (several) from [from, to). */
static kb_qnode text_leaf(parser *p, size_t from, size_t to, bool quoted, size_t col)
{
    collector c;
    tokenize(p, from, to, quoted, &c);
    free(c.pos);
    kb_qnode n = empty(col);
    bool too_many = !p->st && p->words + c.n > KB_QUERY_MAX_WORDS;
    if (too_many) {
        warn(p, "a query searches at most %d words: the rest, from column %zu, is not read",
             KB_QUERY_MAX_WORDS, col);
        p->words = KB_QUERY_MAX_WORDS + 1;
    }
    if (p->st || c.n == 0 || too_many) {
        free_terms(c.terms, c.n);
        return n;
    }
    p->words += c.n;
    n.kind = c.n == 1 ? KB_Q_TERM : KB_Q_PHRASE;
    n.terms = c.terms;
    n.nterms = c.n;
    n.quoted = quoted;
    return n;
}

static kb_qnode chunk_leaf(parser *p, const lexeme *x)
{
    size_t col = x->at + 1;
    if (x->to - x->from < 2 || p->s[x->to - 1] != '*')
        return text_leaf(p, x->from, x->to, false, col);
    kb_qnode n = text_leaf(p, x->from, x->to - 1, true, col);
    if (n.kind == KB_Q_TERM && !(n.terms[0].flags & KB_TOKEN_CJK)) {
        n.kind = KB_Q_PREFIX;
        n.quoted = false;
        return n;
    }
    if (!is_empty(&n))
        warn(p, "'*' at column %zu needs one word before it; searched without it",
             x->to);
    free_node(&n);
    return text_leaf(p, x->from, x->to - 1, false, col);
}

static kb_qnode field_leaf(parser *p, const lexeme *x)
{
    kb_qnode n = empty(x->at + 1);
    if (x->unclosed)
        warn(p, "unclosed quote at column %zu closed at the end", x->from);
    n.kind = KB_Q_FIELD;
    n.field = x->field;
    /* Not strndup: the query need not be NUL-terminated. */
    if ((n.value = malloc(x->to - x->from + 1)) != NULL) {
        memcpy(n.value, p->s + x->from, x->to - x->from);
        n.value[x->to - x->from] = '\0';
    } else {
        fail(p, KB_ERR_NOMEM);
        return empty(x->at + 1);
    }
    if (x->field == KB_FIELD_EXT || x->field == KB_FIELD_TAG) {
        char *v = n.value;
        while (x->field == KB_FIELD_EXT && *v == '.')
            v++;
        memmove(n.value, v, strlen(v) + 1);
        for (v = n.value; *v; v++)
            if (*v >= 'A' && *v <= 'Z')
                *v = (char)(*v - 'A' + 'a');
    }
    if (x->field == KB_FIELD_TITLE || x->field == KB_FIELD_HEADING) {
        collector c;
        tokenize(p, x->from, x->to, false, &c);
        free(c.pos);
        n.terms = c.terms;
        n.nterms = c.n;
    }
    if (!*n.value || ((x->field == KB_FIELD_TITLE || x->field == KB_FIELD_HEADING) && !n.nterms)) {
        warn(p, "field at column %zu has no value to filter by; dropped", x->at + 1);
        free_node(&n);
        return empty(x->at + 1);
    }
    return n;
}

/* --- grammar -------------------------------------------------------------- */

static kb_qnode group(parser *p, int depth);
static kb_qnode unary(parser *p, int depth);

static void consume(parser *p, const lexeme *x)
{
    p->i = x->next;
}

static const char *op_name(lex_kind k)
{
    switch (k) {
    case L_AND: return "AND";
    case L_OR: return "OR";
    case L_NOT: return "NOT";
    case L_NEAR: return "NEAR";
    case L_ADJ: return "ADJ";
    default: return "operator";
    }
}

static kb_qnode primary(parser *p, int depth)
{
    lexeme x = peek(p);
    if (x.kind == L_END || x.kind == L_CLOSE)
        return empty(x.at + 1); /* the callers stop at these */
    consume(p, &x);
    switch (x.kind) {
    case L_OPEN: {
        kb_qnode g = group(p, depth + 1);
        lexeme c = peek(p);
        if (c.kind == L_CLOSE)
            consume(p, &c);
        else
            warn(p, "unclosed parenthesis at column %zu closed at the end", x.at + 1);
        g.col = x.at + 1;
        return g;
    }
    case L_QUOTED: {
        if (x.unclosed)
            warn(p, "unclosed quote at column %zu closed at the end", x.at + 1);
        return text_leaf(p, x.from, x.to, true, x.at + 1);
    }
    case L_FIELD:
        return field_leaf(p, &x);
    case L_CHUNK:
        return chunk_leaf(p, &x);
    case L_AND:
    case L_OR:
    case L_NEAR:
    case L_ADJ:
        warn(p, "%s at column %zu has nothing before it; dropped", op_name(x.kind), x.at + 1);
        return empty(x.at + 1);
    default:
        return empty(x.at + 1);
    }
}

static bool positive(const kb_qnode *n)
{
    return !is_empty(n) && n->kind != KB_Q_NOT;
}

/* NOT, '-' and '+' in a row are read in a loop, not by recursion, so a
 * long run of them cannot exhaust the stack. */
static kb_qnode unary(parser *p, int depth)
{
    bool negate = false, required = false;
    lexeme x = peek(p), first = x;
    while (x.kind == L_NOT || x.kind == L_MINUS || x.kind == L_PLUS) {
        consume(p, &x);
        if (x.kind == L_PLUS)
            required = true;
        else
            negate = !negate;
        x = peek(p);
    }
    if (first.kind != L_NOT && first.kind != L_MINUS && first.kind != L_PLUS)
        return primary(p, depth);
    if (x.kind == L_END || x.kind == L_CLOSE || x.kind == L_AND || x.kind == L_OR) {
        warn(p, "%s at column %zu has nothing after it; dropped",
             first.kind == L_NOT ? "NOT" : first.kind == L_MINUS ? "'-'" : "'+'", first.at + 1);
        return empty(first.at + 1);
    }
    kb_qnode kid = primary(p, depth);
    if (is_empty(&kid))
        return kid;
    if (!negate) {
        kid.required = required;
        kid.col = first.at + 1;
        return kid;
    }
    kb_qnode n = empty(first.at + 1);
    n.kind = KB_Q_NOT;
    add_kid(p, &n, &kid);
    return n;
}

/* Can this node take part in NEAR/ADJ (words at positions)? */
static bool positional(const kb_qnode *n)
{
    return n->kind == KB_Q_TERM || n->kind == KB_Q_PHRASE || n->kind == KB_Q_NEAR ||
           n->kind == KB_Q_ADJ;
}

/* Appends b's terms to a (both positional); b is consumed. */
static void join_terms(parser *p, kb_qnode *a, kb_qnode *b)
{
    kb_qterm *t = p->st ? NULL : realloc(a->terms, (a->nterms + b->nterms) * sizeof *t);
    if (!t) {
        fail(p, KB_ERR_NOMEM);
        free_node(b);
        return;
    }
    memcpy(t + a->nterms, b->terms, b->nterms * sizeof *t);
    a->terms = t;
    a->nterms += b->nterms;
    free(b->terms);
    b->terms = NULL;
    b->nterms = 0;
    free_node(b);
}

/* Positional operators match exact forms, as phrases do. */
static void drop_stems(kb_qnode *n)
{
    for (size_t i = 0; i < n->nterms; i++) {
        free(n->terms[i].stem);
        n->terms[i].stem = NULL;
        n->terms[i].stem_len = 0;
    }
}

static kb_qnode binary(parser *p, kb_qkind kind, kb_qnode *a, kb_qnode *b, size_t col)
{
    if (a->kind == kind) {
        add_kid(p, a, b);
        return *a;
    }
    kb_qnode n = empty(col);
    n.kind = kind;
    add_kid(p, &n, a);
    add_kid(p, &n, b);
    return n;
}

static kb_qnode near(parser *p, int depth)
{
    kb_qnode left = unary(p, depth);
    for (;;) {
        lexeme x = peek(p);
        if (x.kind != L_NEAR && x.kind != L_ADJ)
            return left;
        consume(p, &x);
        lexeme y = peek(p);
        kb_qnode right = y.kind == L_END || y.kind == L_CLOSE ? empty(y.at + 1) : unary(p, depth);
        if (is_empty(&left) || is_empty(&right)) {
            warn(p, "%s at column %zu needs a word on each side; dropped", op_name(x.kind),
                 x.at + 1);
            if (is_empty(&left))
                left = right;
            continue;
        }
        kb_qkind kind = x.kind == L_NEAR ? KB_Q_NEAR : KB_Q_ADJ;
        bool chain = left.kind == kind && left.window == x.window;
        if (!positional(&left) || !positional(&right) || right.required || left.required || (right.kind != KB_Q_TERM && right.kind != KB_Q_PHRASE) ||
            ((left.kind == KB_Q_NEAR || left.kind == KB_Q_ADJ) && !chain)) {
            warn(p, "%s at column %zu takes words or phrases on each side; read as AND",
                 op_name(x.kind), x.at + 1);
            left = binary(p, KB_Q_AND, &left, &right, left.col);
            continue;
        }
        if (!chain) {
            left.kind = kind;
            left.window = x.window;
            left.quoted = false;
        }
        join_terms(p, &left, &right);
        drop_stems(&left);
    }
}

/* Joins operands of AND or OR, with the repairs the grammar promises. */
static kb_qnode chain(parser *p, int depth, lex_kind op, kb_qkind kind,
                      kb_qnode (*operand)(parser *, int))
{
    kb_qnode left = operand(p, depth);
    for (;;) {
        lexeme x = peek(p);
        if (x.kind != op)
            return left;
        consume(p, &x);
        lexeme y = peek(p);
        kb_qnode right = y.kind == L_END || y.kind == L_CLOSE || y.kind == L_AND || y.kind == L_OR
                             ? empty(y.at + 1)
                             : operand(p, depth);
        if (is_empty(&left) || is_empty(&right)) {
            warn(p, "%s at column %zu has nothing %s it; dropped", op_name(op), x.at + 1,
                 is_empty(&left) ? "before" : "after");
            if (is_empty(&left))
                left = right;
            continue;
        }
        left.required = right.required = false;
        left = binary(p, kind, &left, &right, left.col);
    }
}

static kb_qnode and_expr(parser *p, int depth)
{
    kb_qnode n = chain(p, depth, L_AND, KB_Q_AND, near);
    if (n.kind != KB_Q_AND || p->st)
        return n;
    bool any = false;
    for (size_t i = 0; i < n.nkids; i++)
        any |= positive(&n.kids[i]);
    if (any)
        return n;
    /* NOT a AND NOT b: nothing to find, two things to leave out. */
    kb_qnode not = empty(n.col);
    not.kind = KB_Q_NOT;
    kb_qnode or = empty(n.col);
    or.kind = KB_Q_OR;
    for (size_t i = 0; i < n.nkids; i++) {
        add_kid(p, &or, &n.kids[i].kids[0]);
        free(n.kids[i].kids);
    }
    free(n.kids);
    add_kid(p, &not, &or);
    return not;
}

static kb_qnode or_expr(parser *p, int depth)
{
    kb_qnode n = chain(p, depth, L_OR, KB_Q_OR, and_expr);
    if (n.kind != KB_Q_OR)
        return n;
    size_t k = 0;
    for (size_t i = 0; i < n.nkids; i++) {
        if (n.kids[i].kind == KB_Q_NOT) {
            warn(p, "NOT at column %zu inside OR leaves nothing to find; dropped", n.kids[i].col);
            free_node(&n.kids[i]);
        } else {
            n.kids[k++] = n.kids[i];
        }
    }
    n.nkids = k;
    if (k == 0) {
        free(n.kids);
        return empty(n.col);
    }
    if (k == 1) {
        kb_qnode only = n.kids[0];
        free(n.kids);
        return only;
    }
    return n;
}

static kb_qnode group(parser *p, int depth)
{
    kb_qnode g = empty(p->i + 1);
    for (;;) {
        lexeme x = peek(p);
        if (x.kind == L_END || p->st)
            break;
        if (x.kind == L_CLOSE) {
            if (depth > 0)
                break;
            warn(p, "unmatched ')' at column %zu dropped", x.at + 1);
            consume(p, &x);
            continue;
        }
        if (x.kind == L_OPEN && depth >= MAX_DEPTH) {
            warn(p, "parenthesis at column %zu nested too deep; ignored", x.at + 1);
            consume(p, &x);
            continue;
        }
        kb_qnode c = or_expr(p, depth);
        add_kid(p, &g, &c);
    }
    if (depth > 0 && g.nkids == 1) { /* (a) is a */
        kb_qnode only = g.kids[0];
        free(g.kids);
        return only;
    }
    g.kind = KB_Q_ANY;
    return g;
}

/* --- leaves ---------------------------------------------------------------- */

static bool is_leaf(const kb_qnode *n)
{
    return n->kind == KB_Q_TERM || n->kind == KB_Q_PHRASE || n->kind == KB_Q_PREFIX ||
           n->kind == KB_Q_NEAR || n->kind == KB_Q_ADJ;
}

static void number(kb_qnode *n, bool negated, size_t *count)
{
    n->leaf = -1;
    if (is_leaf(n) && !negated)
        n->leaf = (int)(*count)++;
    for (size_t i = 0; i < n->nkids; i++)
        number(&n->kids[i], negated || n->kind == KB_Q_NOT, count);
}

static void each_leaf(const kb_qnode *n, kb_leaf_fn fn, void *ctx)
{
    if (n->leaf >= 0)
        fn(ctx, n);
    for (size_t i = 0; i < n->nkids; i++)
        each_leaf(&n->kids[i], fn, ctx);
}

void kb_query_each_leaf(const kb_query *q, kb_leaf_fn fn, void *ctx)
{
    each_leaf(&q->root, fn, ctx);
}

static const kb_qnode *find_leaf(const kb_qnode *n, int i)
{
    if (n->leaf == i)
        return n;
    for (size_t k = 0; k < n->nkids; k++) {
        const kb_qnode *f = find_leaf(&n->kids[k], i);
        if (f)
            return f;
    }
    return NULL;
}

const kb_qnode *kb_query_leaf(const kb_query *q, size_t i)
{
    return i < q->nleaves ? find_leaf(&q->root, (int)i) : NULL;
}

void kb_query_number_leaves(kb_query *q)
{
    q->nleaves = 0;
    number(&q->root, false, &q->nleaves);
}

/* The column of the first node of `kind` (0 if none). */
static size_t first_col(const kb_qnode *n, kb_qkind kind)
{
    if (n->kind == kind)
        return n->col;
    for (size_t i = 0; i < n->nkids; i++) {
        size_t c = first_col(&n->kids[i], kind);
        if (c)
            return c;
    }
    return 0;
}

static char *nothing_to_search(const kb_query *q)
{
    kb_buf b = KB_BUF_INIT;
    size_t not = first_col(&q->root, KB_Q_NOT), field = first_col(&q->root, KB_Q_FIELD);
    if (not)
        kb_buf_printf(&b, "nothing to search: the query only excludes words (column %zu); "
                          "add a word to look for", not);
    else if (field)
        kb_buf_printf(&b, "nothing to search: the query only filters (column %zu); "
                          "add a word to look for", field);
    else
        kb_buf_puts(&b, "nothing to search: the query has no words");
    return b.data;
}

kb_status kb_query_parse(const char *text, size_t len, kb_tokenizer *tk,
                         kb_stemmer *stemmer, kb_query **out, char **errmsg)
{
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    kb_query *q = calloc(1, sizeof *q);
    if (!q)
        return KB_ERR_NOMEM;
    parser p = {text, len, 0, tk, stemmer, q, KB_OK, 0};
    q->root = group(&p, 0);
    q->root.col = 1;
    kb_status st = p.st;
    if (!st) {
        kb_query_number_leaves(q);
        if (q->nleaves == 0) {
            st = KB_ERR_QUERY;
            if (errmsg)
                *errmsg = nothing_to_search(q);
        }
    }
    if (st) {
        kb_query_free(q);
        return st;
    }
    *out = q;
    return KB_OK;
}
