/* Acronym definitions in text (see include/kbsearch/acronym.h). */
#include "kbsearch/acronym.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/buf.h"

/* Bytes between '(' and ')' worth looking at: a long form, not a remark. */
#define MAX_PAREN 120

typedef struct {
    size_t term;      /* offset in the arena */
    size_t term_len;
    size_t start, end;
    unsigned flags;
} word;

typedef struct {
    const char *text;
    size_t len;
    word *w;
    size_t n, cap;
    kb_buf arena;
} words;

static int add_word(void *ctx, const kb_token *t)
{
    words *ws = ctx;
    if (t->flags & KB_TOKEN_BIGRAM)
        return 0;
    if (!kb_grow((void **)&ws->w, &ws->cap, ws->n + 1, sizeof *ws->w))
        return KB_ERR_NOMEM;
    ws->w[ws->n++] = (word){ws->arena.len, t->term_len, t->start, t->end, t->flags};
    kb_buf_add(&ws->arena, t->term, t->term_len);
    return kb_buf_status(&ws->arena);
}

static const char *term_of(const words *ws, const word *w)
{
    return ws->arena.data + w->term;
}

/* Words that may stand in a long form without giving a letter. */
static bool function_word(const char *t, size_t n)
{
    static const char *const small[] = {"a",  "an", "and", "at", "by", "de", "der", "des",
                                        "du", "for", "in", "of", "on", "or", "the", "to",
                                        "with", "la", "le", "et", "und", "y"};
    for (size_t i = 0; i < sizeof small / sizeof *small; i++)
        if (strlen(small[i]) == n && memcmp(small[i], t, n) == 0)
            return true;
    return false;
}

/* Is the surface of w written like an acronym?  Its letters and digits
 * (dots dropped) go to *letters, lower-cased. */
static bool acronym_like(const words *ws, const word *w, char *letters, size_t *n)
{
    size_t upper = 0, lower = 0;
    *n = 0;
    if (w->flags & KB_TOKEN_CJK)
        return false;
    for (size_t i = w->start; i < w->end; i++) {
        char c = ws->text[i];
        if (c >= 'A' && c <= 'Z') {
            upper++;
            c = (char)(c - 'A' + 'a');
        } else if (c >= 'a' && c <= 'z') {
            lower++;
        } else if (c == '.') {
            continue;
        } else if (c < '0' || c > '9') {
            return false; /* non-ASCII, apostrophes, underscores */
        }
        if (*n == KB_ACRONYM_MAX)
            return false;
        letters[(*n)++] = c;
    }
    char first = ws->text[w->start];
    return *n >= 2 && upper >= 2 && lower <= upper && first >= 'A' && first <= 'Z';
}

/* Can letters[j..m) be given, in order, by the initials of words[i..k)?
 * Each word gives a prefix of its own term: at least one letter, or none
 * for a function word that is not the first. */
static bool spells(const words *ws, const char *letters, size_t m, size_t j, size_t i, size_t k,
                   bool first)
{
    if (i == k)
        return j == m;
    const word *w = &ws->w[i];
    const char *t = term_of(ws, w);
    if (!first && function_word(t, w->term_len) && spells(ws, letters, m, j, i + 1, k, false))
        return true;
    for (size_t g = 1; g <= w->term_len && j + g <= m && t[g - 1] == letters[j + g - 1]; g++)
        if (spells(ws, letters, m, j + g, i + 1, k, false))
            return true;
    return false;
}

/* Only spaces and hyphens between two words: the same phrase. */
static bool joined(const words *ws, size_t a, size_t b)
{
    for (size_t i = ws->w[a].end; i < ws->w[b].start; i++)
        if (ws->text[i] != ' ' && ws->text[i] != '-' && ws->text[i] != '\t')
            return false;
    return true;
}

static kb_status report(const words *ws, size_t acro, size_t from, size_t to, kb_acronym_fn fn,
                        void *ctx)
{
    kb_buf exp = KB_BUF_INIT;
    for (size_t i = from; i < to; i++) {
        if (i > from)
            kb_buf_add(&exp, " ", 1);
        kb_buf_add(&exp, term_of(ws, &ws->w[i]), ws->w[i].term_len);
    }
    kb_status st = kb_buf_status(&exp);
    if (!st)
        st = fn(ctx, term_of(ws, &ws->w[acro]), ws->w[acro].term_len, exp.data, exp.len);
    kb_buf_free(&exp);
    return st;
}

/* The parenthesis [open, close] and the words around it. */
static kb_status definition(const words *ws, size_t open, size_t close, kb_acronym_fn fn,
                            void *ctx)
{
    /* Words come in text order without overlapping (bigrams are left
     * out), so they are found by binary search: a file may hold thousands
     * of parentheses, and scanning all its words for each took minutes. */
    size_t lo = 0, hi = ws->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ws->w[mid].start > open)
            hi = mid;
        else
            lo = mid + 1;
    }
    size_t in = lo, nin = 0; /* first word inside, how many */
    size_t before = lo;      /* one past the last word before the '(' */
    while (before > 0 && ws->w[before - 1].end > open)
        before--;
    while (in + nin < ws->n && ws->w[in + nin].end <= close)
        nin++;
    char letters[KB_ACRONYM_MAX];
    size_t m;
    /* "long form (ACRO)": the parenthesis holds the acronym alone. */
    bool adjacent = before > 0;
    for (size_t i = adjacent ? ws->w[before - 1].end : open; i < open; i++)
        adjacent &= ws->text[i] == ' ' || ws->text[i] == '\t';
    if (!adjacent)
        return KB_OK; /* "end of a sentence. (ACRO)" defines nothing */
    if (nin == 1 && acronym_like(ws, &ws->w[in], letters, &m)) {
        for (size_t k = 1; k <= m + 3 && k <= before; k++) {
            size_t from = before - k;
            if (k > 1 && !joined(ws, from, from + 1))
                break;
            if (spells(ws, letters, m, 0, from, before, true))
                return report(ws, in, from, before, fn, ctx);
        }
        return KB_OK;
    }
    /* "ACRO (long form)" */
    if (nin >= 2 && nin <= KB_ACRONYM_WORDS && before > 0 &&
        acronym_like(ws, &ws->w[before - 1], letters, &m) &&
        spells(ws, letters, m, 0, in, in + nin, true))
        return report(ws, before - 1, in, in + nin, fn, ctx);
    return KB_OK;
}

kb_status kb_find_acronyms(kb_tokenizer *tk, const char *text, size_t len, kb_acronym_fn fn,
                           void *ctx)
{
    words ws = {text, len, NULL, 0, 0, KB_BUF_INIT};
    kb_status st = KB_OK;
    bool tokenized = false; /* once, and only for texts with a parenthesis */
    for (size_t i = 0; i < len && !st; i++) {
        if (text[i] != '(')
            continue;
        size_t close = i + 1;
        while (close < len && close - i <= MAX_PAREN && text[close] != ')' && text[close] != '(' &&
               text[close] != '\n')
            close++;
        if (close >= len || text[close] != ')' || close - i > MAX_PAREN)
            continue;
        if (!tokenized && (st = kb_tokenize(tk, text, len, add_word, &ws)))
            break;
        tokenized = true;
        st = definition(&ws, i, close, fn, ctx);
        i = close;
    }
    free(ws.w);
    kb_buf_free(&ws.arena);
    return st;
}
