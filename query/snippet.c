/* Snippet windows (see include/kbsearch/snippet.h). */
#include "kbsearch/snippet.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/buf.h"

/* Words of context kept before the first match of the window. */
#define LEAD_TOKENS 4

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Score of the window of tokens [first, first + KB_SNIPPET_TOKENS): 1000
 * per distinct leaf, plus 1 per match (FTS5's fts5SnippetScore); only
 * matches wholly inside count, so a phrase is never cut in half.  *lead
 * is the token index of the window's first match. */
static long window_score(const kb_matches *mm, size_t first, size_t *lead)
{
    size_t last = first + KB_SNIPPET_TOKENS - 1;
    if (last >= mm->ntokens)
        last = mm->ntokens - 1;
    size_t from = mm->tokens[first].start, to = mm->tokens[last].end;
    unsigned char seen[64] = {0};
    long score = 0;
    *lead = first;
    for (size_t i = 0; i < mm->nspans; i++) {
        const kb_mspan *s = &mm->spans[i];
        if (s->start < from || s->end > to)
            continue;
        if (score == 0)
            for (size_t t = first; t <= last && mm->tokens[t].start < s->start; t++)
                *lead = t + 1;
        unsigned l = s->leaf % 64;
        score += seen[l] ? 1 : 1000;
        seen[l] = 1;
    }
    return score;
}

/* The first token of the chosen window: the best score, and among equal
 * scores the window whose first match has LEAD_TOKENS words before it (a
 * window that starts at a match reads abruptly, one that ends at it hides
 * what follows). */
static size_t best_window(const kb_matches *mm)
{
    size_t best = 0, best_dist = (size_t)-1;
    long best_score = -1;
    for (size_t i = 0; i + KB_SNIPPET_TOKENS <= mm->ntokens; i++) {
        size_t lead;
        long s = window_score(mm, i, &lead);
        size_t want = lead > LEAD_TOKENS ? lead - LEAD_TOKENS : 0;
        size_t dist = want > i ? want - i : i - want;
        if (s > best_score || (s == best_score && dist < best_dist)) {
            best_score = s;
            best = i;
            best_dist = dist;
        }
    }
    return best;
}

static void copy_text(kb_buf *b, const char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (!is_space(p[i])) {
            size_t j = i;
            while (j < n && !is_space(p[j]))
                j++;
            kb_buf_add(b, p + i, j - i);
            i = j;
            continue;
        }
        size_t j = i;
        bool newline = false;
        while (j < n && is_space(p[j]))
            newline |= p[j] == '\n' || p[j] == '\r', j++;
        if (newline)
            kb_buf_add(b, " ", 1);
        else
            kb_buf_add(b, p + i, j - i);
        i = j;
    }
}

kb_status kb_snippet_make(const char *text, size_t len, const kb_matches *mm,
                          kb_snippet *out)
{
    memset(out, 0, sizeof *out);
    size_t from = 0, to = len;
    if (mm->ntokens > KB_SNIPPET_TOKENS) {
        size_t first = best_window(mm), last = first + KB_SNIPPET_TOKENS - 1;
        if (last >= mm->ntokens)
            last = mm->ntokens - 1;
        from = first ? mm->tokens[first].start : 0;
        to = last + 1 < mm->ntokens ? mm->tokens[last].end : len;
        while (to < len && !is_space(text[to]))
            to++; /* keep the punctuation that ends the last word */
    }
    while (from < to && is_space(text[from]))
        from++;
    while (to > from && is_space(text[to - 1]))
        to--;
    out->spans = calloc(mm->nspans ? mm->nspans : 1, sizeof *out->spans);
    if (!out->spans)
        return KB_ERR_NOMEM;
    kb_buf b = KB_BUF_INIT;
    if (from > 0)
        kb_buf_puts(&b, "\xe2\x80\xa6 ");
    size_t at = from;
    for (size_t i = 0; i < mm->nspans; i++) {
        const kb_mspan *m = &mm->spans[i];
        kb_span *s = &out->spans[out->nspans++];
        *s = (kb_span){m->start, m->end, KB_NOT_IN_SNIPPET, KB_NOT_IN_SNIPPET, m->leaf, m->how};
        if (m->start < from || m->end > to)
            continue;
        copy_text(&b, text + at, m->start - at);
        s->snip_start = b.len;
        copy_text(&b, text + m->start, m->end - m->start);
        s->snip_end = b.len;
        at = m->end;
    }
    copy_text(&b, text + at, to - at);
    if (to < len)
        kb_buf_puts(&b, " \xe2\x80\xa6");
    kb_buf_add(&b, "", 0);
    if (kb_buf_status(&b)) {
        kb_buf_free(&b);
        kb_snippet_free(out);
        return KB_ERR_NOMEM;
    }
    out->text = b.data;
    out->len = b.len;
    return KB_OK;
}

void kb_snippet_free(kb_snippet *s)
{
    free(s->text);
    free(s->spans);
    s->text = NULL;
    s->spans = NULL;
    s->len = s->nspans = 0;
}
