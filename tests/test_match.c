/* Tests for include/kbsearch/match.h: finding a query's words in text. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "kbsearch/buf.h"
#include "kbsearch/index.h"
#include "kbsearch/match.h"
#include "kbsearch/query.h"
#include "kbsearch/tokenize.h"

static kb_tokenizer *tk;
static kb_stemmer *en;
static kb_query *query;
static kb_matcher *matcher;

static void setup(void)
{
    cr_assert_eq(kb_tokenizer_new(&tk), KB_OK);
    cr_assert_eq(kb_stemmer_new("english", &en, NULL), KB_OK);
}

static void teardown(void)
{
    kb_matcher_free(matcher);
    kb_query_free(query);
    kb_stemmer_free(en);
    kb_tokenizer_free(tk);
    matcher = NULL;
    query = NULL;
}

TestSuite(match, .init = setup, .fini = teardown);

/* Parses `q` (replacing any earlier query) and builds its matcher. */
static void use_query(const char *q)
{
    kb_matcher_free(matcher);
    kb_query_free(query);
    matcher = NULL;
    query = NULL;
    char *err = NULL;
    kb_status st = kb_query_parse(q, strlen(q), tk, en, &query, &err);
    cr_assert_eq(st, KB_OK, "query [%s]: %s", q, err ? err : "");
    free(err);
    cr_assert_eq(kb_matcher_new(query, tk, en, &matcher), KB_OK);
}

/* Checks the invariants every result must keep, then pictures the spans as
 * "[surface]leaf" joined by spaces. */
static char *check_and_describe(const char *text, size_t len, const kb_matches *mm)
{
    size_t leaves = kb_matcher_leaf_count(matcher);
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "");
    for (size_t i = 0; i < mm->nspans; i++) {
        const kb_mspan *s = &mm->spans[i];
        cr_assert_lt(s->start, s->end, "span %zu is empty", i);
        cr_assert_leq(s->end, len, "span %zu ends past the text", i);
        cr_assert_lt(s->leaf, leaves, "span %zu names leaf %u of %zu", i, s->leaf, leaves);
        if (i) {
            cr_assert_geq(s->start, mm->spans[i - 1].end,
                          "spans %zu and %zu overlap or are unsorted", i - 1, i);
        }
        cr_assert_gt(mm->leaf_hit[s->leaf], 0, "span of leaf %u but leaf_hit 0", s->leaf);
        kb_buf_printf(&b, "%s[%.*s]%u", i ? " " : "", (int)(s->end - s->start),
                      text + s->start, s->leaf);
    }
    /* The word tokens are in order and slice the text. */
    for (size_t i = 0; i < mm->ntokens; i++) {
        cr_assert_lt(mm->tokens[i].start, mm->tokens[i].end);
        cr_assert_leq(mm->tokens[i].end, len);
        if (i) {
            cr_assert_geq(mm->tokens[i].start, mm->tokens[i - 1].end);
            cr_assert_gt(mm->tokens[i].pos, mm->tokens[i - 1].pos);
        }
    }
    cr_assert_eq(kb_buf_status(&b), KB_OK);
    return b.data;
}

static kb_matches mm;

static char *run(const char *text)
{
    memset(&mm, 0, sizeof mm);
    cr_assert_eq(kb_match(matcher, text, strlen(text), &mm), KB_OK);
    return check_and_describe(text, strlen(text), &mm);
}

#define EXPECT_SPANS(q, text, want)                                                    \
    do {                                                                               \
        use_query(q);                                                                  \
        char *got_ = run(text);                                                        \
        cr_expect_str_eq(got_, (want), "query [%s] on [%s]\n   got: %s\nwanted: %s", (q), \
                         (text), got_, (want));                                        \
        free(got_);                                                                    \
    } while (0)

Test(match, spans_slice_the_surface_word)
{
    EXPECT_SPANS("flexibility", "Flexible hours help.", "[Flexible]0");
    EXPECT_SPANS("flexible", "We value FLEXIBILITY and flexibly planned work.",
                 "[FLEXIBILITY]0 [flexibly]0");
    EXPECT_SPANS("cafe", "Meet at the Café, 9am.", "[Café]0");
    EXPECT_SPANS("korea", "South Korea’s economy grew; Korea's exports too.",
                 "[Korea’s]0 [Korea's]0");
    EXPECT_SPANS("running", "He runs, he ran, he is running.", "[runs]0 [running]0");
    EXPECT_SPANS("fox dog", "The quick fox saw two dogs.", "[fox]0 [dogs]1");
}

Test(match, no_match_gives_no_spans)
{
    EXPECT_SPANS("zebra", "Nothing to see here.", "");
    cr_assert_eq(mm.nspans, 0);
    cr_assert_eq(mm.leaf_hit[0], 0);
    cr_assert_eq(mm.ntokens, 4);
}

Test(match, multibyte_text)
{
    EXPECT_SPANS("creme ecole", "La crème, École normale; une crème brûlée.",
                 "[crème]0 [École]1 [crème]0");
    /* An apostrophe between letters joins them: "l’École" is one word. */
    EXPECT_SPANS("l'ecole", "De l’École normale.", "[l’École]0");
    EXPECT_SPANS("strasse", "Die Hauptstraße und die Straße.", "[Straße]0");
    /* 東京 in a Japanese sentence: one span over both characters. */
    EXPECT_SPANS("東京", "私は東京に住んでいます。", "[東京]0");
    EXPECT_SPANS("東京", "東京都と東京湾", "[東京]0 [東京]0");
    /* A three-character word: its two bigrams merge into one span. */
    EXPECT_SPANS("東京都", "私は東京都に住んでいます。", "[東京都]0");
    /* Mixed scripts; offsets stay exact after multi-byte text. */
    EXPECT_SPANS("tokyo 東京", "Tokyo (東京) is big; ÉÉÉ tokyo.", "[Tokyo]0 [東京]1 [tokyo]0");
}

Test(match, cjk_leaf_hit)
{
    use_query("東京都");
    char *d = run("私は東京都に住んでいます。");
    cr_assert_str_eq(d, "[東京都]0");
    free(d);
    cr_assert_eq(mm.leaf_hit[0], 2);
    /* Word tokens are CJK unigrams only: 13 characters, the last one "。"
     * punctuation, so 12 tokens. */
    cr_assert_eq(mm.ntokens, 12, "ntokens %zu", mm.ntokens);
    for (size_t i = 0; i < mm.ntokens; i++)
        cr_assert_eq(mm.tokens[i].end - mm.tokens[i].start, 3);
}

Test(match, phrase_is_one_span)
{
    use_query("\"flexible approach\"");
    cr_assert_eq(kb_matcher_leaf_count(matcher), 1);
    const char *text = "We need a flexible approach here.";
    char *d = run(text);
    cr_assert_str_eq(d, "[flexible approach]0");
    free(d);
    cr_assert_eq(mm.nspans, 1);
    cr_assert_eq(mm.leaf_hit[0], 2);
    cr_assert_eq(mm.spans[0].start, 10);
    cr_assert_eq(mm.spans[0].end, 27);

    /* A phrase across a line break and punctuation-free white space. */
    d = run("Flexible\n   approach, always.");
    cr_assert_str_eq(d, "[Flexible\n   approach]0");
    free(d);
    cr_assert_eq(mm.leaf_hit[0], 2);

    /* Hyphenated chunks are phrases too. */
    use_query("burden-sharing");
    d = run("A fair burden-sharing deal, and burden sharing again.");
    cr_assert_str_eq(d, "[burden-sharing]0 [burden sharing]0");
    free(d);
    cr_assert_eq(mm.leaf_hit[0], 2);
}

Test(match, phrase_absent_gives_word_spans)
{
    use_query("\"flexible approach\"");
    char *d = run("The approach was flexible.");
    cr_assert_str_eq(d, "[approach]0 [flexible]0");
    free(d);
    cr_assert_eq(mm.leaf_hit[0], 1);

    /* Only one word of it. */
    d = run("A flexible plan.");
    cr_assert_str_eq(d, "[flexible]0");
    free(d);
    cr_assert_eq(mm.leaf_hit[0], 1);

    /* None of it. */
    d = run("Nothing relevant.");
    cr_assert_str_eq(d, "");
    free(d);
    cr_assert_eq(mm.leaf_hit[0], 0);

    /* Wrong order is not the phrase. */
    d = run("approach flexible");
    cr_assert_eq(mm.leaf_hit[0], 1);
    cr_assert_eq(mm.nspans, 2);
    free(d);
}

Test(match, leaf_hit_per_leaf)
{
    use_query("fox \"lazy dog\" zebra");
    cr_assert_eq(kb_matcher_leaf_count(matcher), 3);
    cr_assert_eq(kb_matcher_leaf(matcher, 0)->kind, KB_Q_TERM);
    cr_assert_eq(kb_matcher_leaf(matcher, 1)->kind, KB_Q_PHRASE);
    cr_assert_eq(kb_matcher_leaf(matcher, 2)->kind, KB_Q_TERM);
    cr_assert_null(kb_matcher_leaf(matcher, 3));
    char *d = run("The fox jumped over the lazy dog.");
    cr_assert_str_eq(d, "[fox]0 [lazy dog]1");
    free(d);
    cr_assert_eq(mm.leaf_hit[0], 2);
    cr_assert_eq(mm.leaf_hit[1], 2);
    cr_assert_eq(mm.leaf_hit[2], 0);

    /* The matcher is reusable: a second text resets everything. */
    d = run("A zebra.");
    cr_assert_str_eq(d, "[zebra]2");
    free(d);
    cr_assert_eq(mm.leaf_hit[0], 0);
    cr_assert_eq(mm.leaf_hit[1], 0);
    cr_assert_eq(mm.leaf_hit[2], 2);
}

Test(match, excluded_words_are_never_highlighted)
{
    use_query("fox -dog -\"lazy cat\"");
    cr_assert_eq(kb_matcher_leaf_count(matcher), 1);
    cr_assert_str_eq(kb_matcher_leaf(matcher, 0)->terms[0].term, "fox");
    const char *text = "The dog and the fox; dogs, a lazy cat, a fox.";
    char *d = run(text);
    cr_assert_str_eq(d, "[fox]0 [fox]0");
    free(d);
    for (size_t i = 0; i < mm.nspans; i++) {
        cr_assert_neq(strncmp(text + mm.spans[i].start, "dog", 3), 0);
        cr_assert_neq(strncmp(text + mm.spans[i].start, "lazy", 4), 0);
    }
}

Test(match, quoted_word_is_exact)
{
    /* Quoted: exact forms only, no stem matching. */
    EXPECT_SPANS("\"flexible\"", "Flexible, flexibility, flexible.", "[Flexible]0 [flexible]0");
    /* Unquoted: the stem matches all of them. */
    EXPECT_SPANS("flexible", "Flexible, flexibility, flexible.",
                 "[Flexible]0 [flexibility]0 [flexible]0");
}

Test(match, sorted_non_overlapping_with_overlapping_leaves)
{
    /* Leaves that cover the same words: the spans still come out sorted and
     * non-overlapping (check_and_describe asserts both). */
    use_query("\"brown fox\" fox quick \"quick brown\"");
    const char *text = "The quick brown fox; a fox; quick brown dogs.";
    char *d = run(text);
    free(d);
    cr_assert_gt(mm.nspans, 0);
    /* Every matched word lies inside some span. */
    const char *words[] = {"quick", "brown", "fox"};
    for (size_t w = 0; w < 3; w++) {
        for (const char *p = strstr(text, words[w]); p; p = strstr(p + 1, words[w])) {
            size_t at = (size_t)(p - text);
            int inside = 0;
            for (size_t i = 0; i < mm.nspans; i++)
                inside |= mm.spans[i].start <= at && at < mm.spans[i].end;
            cr_assert(inside, "\"%s\" at %zu is not highlighted", words[w], at);
        }
    }
    cr_assert_eq(mm.leaf_hit[0], 2);
    cr_assert_eq(mm.leaf_hit[1], 2);
    cr_assert_eq(mm.leaf_hit[2], 2);
    cr_assert_eq(mm.leaf_hit[3], 2);
}

Test(match, invalid_utf8_does_not_shift_offsets)
{
    EXPECT_SPANS("fox", "bad \xff\xfe bytes then fox\x80 end", "[fox]0");
}

Test(match, empty_text)
{
    use_query("fox");
    memset(&mm, 0, sizeof mm);
    cr_assert_eq(kb_match(matcher, "", 0, &mm), KB_OK);
    cr_assert_eq(mm.nspans, 0);
    cr_assert_eq(mm.ntokens, 0);
    cr_assert_eq(mm.leaf_hit[0], 0);
}
