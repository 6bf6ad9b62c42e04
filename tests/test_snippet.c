/* Tests for include/kbsearch/snippet.h: the highlighted excerpt. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/buf.h"
#include "kbsearch/index.h"
#include "kbsearch/match.h"
#include "kbsearch/query.h"
#include "kbsearch/snippet.h"
#include "kbsearch/tokenize.h"

#define ELLIPSIS "\xe2\x80\xa6"

static kb_tokenizer *tk;
static kb_stemmer *en;
static kb_query *query;
static kb_matcher *matcher;
static kb_matches mm;
static kb_snippet snip;

static void setup(void)
{
    cr_assert_eq(kb_tokenizer_new(&tk), KB_OK);
    cr_assert_eq(kb_stemmer_new("english", &en, NULL), KB_OK);
    memset(&snip, 0, sizeof snip);
}

static void teardown(void)
{
    kb_snippet_free(&snip);
    kb_matcher_free(matcher);
    kb_query_free(query);
    kb_stemmer_free(en);
    kb_tokenizer_free(tk);
}

TestSuite(snippet, .init = setup, .fini = teardown);

/* Text with every white-space run that holds a line break made one space:
 * what the snippet should copy. */
static char *one_line(const char *t)
{
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "");
    for (size_t i = 0; t[i];) {
        if (strchr(" \t\r\n\f\v", t[i])) {
            size_t j = i;
            int nl = 0;
            while (t[j] && strchr(" \t\r\n\f\v", t[j]))
                nl |= t[j] == '\n' || t[j] == '\r', j++;
            if (nl)
                kb_buf_puts(&b, " ");
            else
                kb_buf_add(&b, t + i, j - i);
            i = j;
        } else {
            kb_buf_add(&b, t + i, 1);
            i++;
        }
    }
    cr_assert_eq(kb_buf_status(&b), KB_OK);
    return b.data;
}

/* Matches `text` against `q`, builds the snippet and checks what every
 * snippet must satisfy. */
static void make(const char *q, const char *text)
{
    kb_snippet_free(&snip);
    kb_matcher_free(matcher);
    kb_query_free(query);
    matcher = NULL;
    query = NULL;
    cr_assert_eq(kb_query_parse(q, strlen(q), tk, en, &query, NULL), KB_OK);
    cr_assert_eq(kb_matcher_new(query, tk, en, &matcher), KB_OK);
    size_t len = strlen(text);
    cr_assert_eq(kb_match(matcher, text, len, &mm), KB_OK);
    cr_assert_eq(kb_snippet_make(text, len, &mm, &snip), KB_OK);

    cr_assert_not_null(snip.text);
    cr_assert_eq(strlen(snip.text), snip.len, "snippet length or NUL is wrong");
    cr_assert_null(strchr(snip.text, '\n'), "line break in snippet: %s", snip.text);
    cr_assert_null(strchr(snip.text, '\r'), "carriage return in snippet: %s", snip.text);

    /* Every match is listed, in text order, with its passage offsets. */
    cr_assert_eq(snip.nspans, mm.nspans);
    for (size_t i = 0; i < snip.nspans; i++) {
        const kb_span *s = &snip.spans[i];
        cr_assert_eq(s->start, mm.spans[i].start);
        cr_assert_eq(s->end, mm.spans[i].end);
        cr_assert_eq(s->leaf, mm.spans[i].leaf);
        if (s->snip_start == KB_NOT_IN_SNIPPET) {
            cr_assert_eq(s->snip_end, KB_NOT_IN_SNIPPET);
            continue;
        }
        cr_assert_lt(s->snip_start, s->snip_end);
        cr_assert_leq(s->snip_end, snip.len);
        if (i && snip.spans[i - 1].snip_start != KB_NOT_IN_SNIPPET)
            cr_assert_geq(s->snip_start, snip.spans[i - 1].snip_end);
        /* The snippet slice is the passage slice, line breaks made spaces. */
        char *surface = strndup(text + s->start, s->end - s->start);
        char *want = one_line(surface);
        cr_assert_eq(s->snip_end - s->snip_start, strlen(want), "span %zu: [%.*s] vs [%s]", i,
                     (int)(s->snip_end - s->snip_start), snip.text + s->snip_start, want);
        cr_assert(memcmp(snip.text + s->snip_start, want, strlen(want)) == 0,
                  "span %zu: snippet [%.*s], passage [%s]", i,
                  (int)(s->snip_end - s->snip_start), snip.text + s->snip_start, want);
        free(surface);
        free(want);
    }

    /* Apart from the ellipses, the snippet is a piece of the passage. */
    const char *core = snip.text;
    size_t core_len = snip.len;
    if (strncmp(core, ELLIPSIS " ", 4) == 0)
        core += 4, core_len -= 4;
    if (core_len >= 4 && strcmp(core + core_len - 4, " " ELLIPSIS) == 0)
        core_len -= 4;
    char *flat = one_line(text);
    char *piece = strndup(core, core_len);
    cr_assert(strstr(flat, piece) != NULL, "snippet [%s] is not a piece of the passage", piece);
    free(piece);
    free(flat);
}

static const char *slice(const kb_span *s)
{
    static char buf[256];
    cr_assert_neq(s->snip_start, KB_NOT_IN_SNIPPET);
    snprintf(buf, sizeof buf, "%.*s", (int)(s->snip_end - s->snip_start),
             snip.text + s->snip_start);
    return buf;
}

static int starts_with_ellipsis(void)
{
    return strncmp(snip.text, ELLIPSIS, 3) == 0;
}

static int ends_with_ellipsis(void)
{
    return snip.len >= 3 && strcmp(snip.text + snip.len - 3, ELLIPSIS) == 0;
}

/* Space-separated words of the snippet, not counting the ellipses. */
static size_t snippet_words(void)
{
    size_t n = 0;
    char *copy = strdup(snip.text);
    for (char *w = strtok(copy, " \t"); w; w = strtok(NULL, " \t"))
        n += strcmp(w, ELLIPSIS) != 0;
    free(copy);
    return n;
}

/* 80 words, one token each: w0 .. w79, with `special` words put in. */
static char *numbered_text(const char *const *special, const size_t *at, size_t nspecial)
{
    kb_buf b = KB_BUF_INIT;
    for (size_t i = 0; i < 80; i++) {
        const char *word = NULL;
        for (size_t k = 0; k < nspecial; k++)
            if (at[k] == i)
                word = special[k];
        if (i)
            kb_buf_puts(&b, i % 10 == 0 ? "\n" : " ");
        if (word)
            kb_buf_puts(&b, word);
        else
            kb_buf_printf(&b, "w%zu", i);
    }
    cr_assert_eq(kb_buf_status(&b), KB_OK);
    return b.data;
}

static const char long_text[] =
    "Alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima\n"
    "mike november oscar papa quebec romeo sierra tango uniform victor whiskey\n"
    "xray yankee zulu one two three four five six seven eight nine ten. The\n"
    "Flexible approach\n\n   worked well for the team and for the caf\xc3\xa9 crowd,\n"
    "eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen\n"
    "twenty alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo\n"
    "lima mike november oscar papa quebec romeo sierra tango uniform victor.\n";

Test(snippet, long_text_window_with_ellipses)
{
    make("flexibility cafe", long_text);
    cr_assert_gt(mm.ntokens, KB_SNIPPET_TOKENS);
    cr_assert(starts_with_ellipsis(), "no leading ellipsis: %s", snip.text);
    cr_assert(ends_with_ellipsis(), "no trailing ellipsis: %s", snip.text);
    cr_assert_eq(strncmp(snip.text, ELLIPSIS " ", 4), 0);
    cr_assert_eq(strcmp(snip.text + snip.len - 4, " " ELLIPSIS), 0);
    cr_assert_eq(snip.nspans, 2);
    cr_assert_str_eq(slice(&snip.spans[0]), "Flexible");
    cr_assert_str_eq(slice(&snip.spans[1]), "caf\xc3\xa9");
    /* The blank line and indentation inside became one space. */
    cr_assert_not_null(strstr(snip.text, "Flexible approach worked well"), "%s", snip.text);
    cr_assert_leq(snippet_words(), KB_SNIPPET_TOKENS, "%zu words: %s", snippet_words(),
                  snip.text);
    cr_assert_lt(snip.len, sizeof long_text / 2);
}

Test(snippet, phrase_span_in_snippet)
{
    make("\"flexible approach worked\"", long_text);
    cr_assert_eq(snip.nspans, 1);
    cr_assert_eq(mm.leaf_hit[0], 2);
    /* In the passage the phrase holds a blank line; in the snippet a space. */
    cr_assert_eq(memcmp(long_text + snip.spans[0].start, "Flexible approach\n\n", 19), 0);
    cr_assert_neq(snip.spans[0].snip_start, KB_NOT_IN_SNIPPET,
                  "the passage's only match is not in its snippet: %s", snip.text);
    cr_assert_str_eq(slice(&snip.spans[0]), "Flexible approach worked");
}

Test(snippet, window_is_exactly_the_token_budget)
{
    const char *special[] = {"needle"};
    size_t at[] = {40};
    char *text = numbered_text(special, at, 1);
    make("needle", text);
    cr_assert_eq(mm.ntokens, 80);
    cr_assert_eq(snip.nspans, 1);
    cr_assert_str_eq(slice(&snip.spans[0]), "needle");
    cr_assert_eq(snippet_words(), KB_SNIPPET_TOKENS, "%zu words: %s", snippet_words(),
                 snip.text);
    cr_assert(starts_with_ellipsis());
    cr_assert(ends_with_ellipsis());
    free(text);
}

/* "moved back a little so the first match has some words before it": a
 * lone match in the middle gets a few words of lead, and the rest of the
 * window follows it. */
Test(snippet, lone_match_gets_a_little_lead)
{
    const char *special[] = {"needle"};
    size_t at[] = {40};
    char *text = numbered_text(special, at, 1);
    make("needle", text);
    const kb_span *s = &snip.spans[0];
    cr_assert_neq(s->snip_start, KB_NOT_IN_SNIPPET);
    size_t before = 0, after = 0;
    char *head = strndup(snip.text, s->snip_start);
    for (char *w = strtok(head, " "); w; w = strtok(NULL, " "))
        before += strcmp(w, ELLIPSIS) != 0;
    free(head);
    char *tail = strdup(snip.text + s->snip_end);
    for (char *w = strtok(tail, " "); w; w = strtok(NULL, " "))
        after += strcmp(w, ELLIPSIS) != 0;
    free(tail);
    cr_expect_geq(before, 1, "the match opens the snippet: %s", snip.text);
    cr_expect_leq(before, KB_SNIPPET_TOKENS / 4,
                  "%zu words before the match, %zu after: the lead is not \"a little\": %s",
                  before, after, snip.text);
    cr_expect_geq(after, KB_SNIPPET_TOKENS / 2, "%zu words after the match: %s", after,
                  snip.text);
    free(text);
}

Test(snippet, window_prefers_more_distinct_leaves)
{
    /* "alpha" alone at 5 and 8; "alpha" and "omega" together near 60. */
    const char *special[] = {"alpha", "alpha", "alpha", "omega"};
    size_t at[] = {5, 8, 60, 64};
    char *text = numbered_text(special, at, 4);
    make("alpha omega", text);
    cr_assert_eq(snip.nspans, 4);
    cr_assert_eq(snip.spans[0].snip_start, KB_NOT_IN_SNIPPET);
    cr_assert_eq(snip.spans[1].snip_start, KB_NOT_IN_SNIPPET);
    cr_assert_str_eq(slice(&snip.spans[2]), "alpha");
    cr_assert_str_eq(slice(&snip.spans[3]), "omega");
    cr_assert(starts_with_ellipsis());
    free(text);
}

Test(snippet, match_at_start_has_no_leading_ellipsis)
{
    const char *special[] = {"needle"};
    size_t at[] = {0};
    char *text = numbered_text(special, at, 1);
    make("needle", text);
    cr_assert_not(starts_with_ellipsis(), "%s", snip.text);
    cr_assert(ends_with_ellipsis(), "%s", snip.text);
    cr_assert_eq(snip.spans[0].snip_start, 0);
    cr_assert_str_eq(slice(&snip.spans[0]), "needle");
    free(text);
}

Test(snippet, match_at_end_has_no_trailing_ellipsis)
{
    const char *special[] = {"needle"};
    size_t at[] = {79};
    char *text = numbered_text(special, at, 1);
    make("needle", text);
    cr_assert(starts_with_ellipsis(), "%s", snip.text);
    cr_assert_not(ends_with_ellipsis(), "%s", snip.text);
    cr_assert_str_eq(slice(&snip.spans[0]), "needle");
    cr_assert_eq(snip.spans[0].snip_end, snip.len);
    free(text);
}

Test(snippet, no_match_in_long_text_shows_its_start)
{
    char *text = numbered_text(NULL, NULL, 0);
    make("zebra", text);
    cr_assert_eq(snip.nspans, 0);
    cr_assert_not(starts_with_ellipsis());
    cr_assert(ends_with_ellipsis());
    cr_assert_eq(strncmp(snip.text, "w0 w1 w2", 8), 0, "%s", snip.text);
    free(text);
}

Test(snippet, short_text_is_whole)
{
    const char *text = "Caf\xc3\xa9 au lait\nis served\r\n\r\n  hot,\tby the Caf\xc3\xa9.";
    make("cafe", text);
    cr_assert_leq(mm.ntokens, KB_SNIPPET_TOKENS);
    cr_assert_str_eq(snip.text, "Caf\xc3\xa9 au lait is served hot,\tby the Caf\xc3\xa9.");
    cr_assert_null(strstr(snip.text, ELLIPSIS));
    cr_assert_eq(snip.nspans, 2);
    cr_assert_str_eq(slice(&snip.spans[0]), "Caf\xc3\xa9");
    cr_assert_str_eq(slice(&snip.spans[1]), "Caf\xc3\xa9");
    cr_assert_eq(snip.spans[0].snip_start, 0);
}

Test(snippet, short_text_multibyte_spans)
{
    const char *text = "South Korea\xe2\x80\x99s capital; \xe6\x9d\xb1\xe4\xba\xac is Japan\xe2\x80\x99s.";
    make("korea 東京", text);
    cr_assert_str_eq(snip.text, text);
    cr_assert_eq(snip.nspans, 2);
    cr_assert_str_eq(slice(&snip.spans[0]), "Korea\xe2\x80\x99s");
    cr_assert_str_eq(slice(&snip.spans[1]), "\xe6\x9d\xb1\xe4\xba\xac");
}

Test(snippet, exactly_budget_tokens_is_whole)
{
    kb_buf b = KB_BUF_INIT;
    for (int i = 0; i < KB_SNIPPET_TOKENS; i++)
        kb_buf_printf(&b, "%sw%d", i ? " " : "", i);
    make("w5", b.data);
    cr_assert_eq(mm.ntokens, KB_SNIPPET_TOKENS);
    cr_assert_str_eq(snip.text, b.data);
    cr_assert_eq(snip.nspans, 1);
    cr_assert_str_eq(slice(&snip.spans[0]), "w5");
    kb_buf_free(&b);
}

Test(snippet, free_resets)
{
    make("cafe", "Caf\xc3\xa9.");
    kb_snippet_free(&snip);
    cr_assert_null(snip.text);
    cr_assert_null(snip.spans);
    cr_assert_eq(snip.len, 0);
    cr_assert_eq(snip.nspans, 0);
    kb_snippet_free(&snip); /* twice is harmless */
}
