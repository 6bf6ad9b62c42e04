/* Tests for include/kbsearch/sentence.h: sentence ends and abbreviations,
 * list items and item separators. */
#include <criterion/criterion.h>

#include <string.h>

#include "kbsearch/sentence.h"

static kb_str s(const char *t)
{
    return (kb_str){t, strlen(t)};
}

Test(sentence, counts_ends_not_abbreviations)
{
    cr_expect_eq(kb_count_sentences(s("We moved the meeting to 2024.")), 1u);
    cr_expect_eq(kb_count_sentences(s("I could not do it.")), 1u);
    cr_expect_eq(kb_count_sentences(s("Ask Dr. Lee about the U.S. plan, e.g. the map.")), 1u);
    cr_expect_eq(kb_count_sentences(s("It rained. “Stay in,” she said! Why?")), 3u);
    cr_expect_eq(kb_count_sentences(s("No end here")), 0u);
    cr_expect_eq(kb_count_sentences(s("J. R. Smith wrote it")), 0u);
}

Test(sentence, list_items_and_separators)
{
    cr_expect(kb_is_list_item(s("- milk")));
    cr_expect(kb_is_list_item(s("12) the twelfth")));
    cr_expect(kb_is_list_item(s("\xe2\x80\xa2 bullet")));
    cr_expect(!kb_is_list_item(s("-5 degrees")));
    cr_expect_eq(kb_count_separators(s("Home | News | Sport")), 2u);
    cr_expect_eq(kb_count_separators(s("World \xe2\x80\xba Europe \xc2\xb7 Today")), 2u);
    cr_expect_eq(kb_count_separators(s("| a | b |")), 0u, "a table row has cells, not items");
}

Test(sentence, words_are_runs_between_any_ascii_space)
{
    cr_expect_eq(kb_count_words(s("")), 0u);
    cr_expect_eq(kb_count_words(s(" \t\r\n\f\v")), 0u);
    cr_expect_eq(kb_count_words(s("one")), 1u);
    cr_expect_eq(kb_count_words(s(" a  b\tc\r\nd ")), 4u);
    cr_expect_eq(kb_count_words(s("\va\fb\x01" "c")), 2u, "a control character is no space");
    cr_expect_eq(kb_count_words(s("caf\xc3\xa9 \xe2\x80\x94 ok")), 3u);
}

Test(sentence, closers_after_the_end)
{
    cr_expect(kb_ends_sentence(s("Done.")));
    cr_expect(kb_ends_sentence(s("Done.)")));
    cr_expect(kb_ends_sentence(s("(\"Done.\")")));
    cr_expect(kb_ends_sentence(s("Done.\xe2\x80\x9d")));
    cr_expect(kb_ends_sentence(s("Done!\xe2\x80\x99]")));
    cr_expect(kb_ends_sentence(s("\xe5\xae\x8c\xe3\x80\x82")));
    cr_expect(kb_ends_sentence(s("\xef\xbc\x9f\xe2\x80\x9d")));
    cr_expect(kb_ends_sentence(s(".\xe2\x80\x9d")));
    cr_expect(kb_ends_sentence(s("?")));
    cr_expect(!kb_ends_sentence(s("")));
    cr_expect(!kb_ends_sentence(s("Done")));
    cr_expect(!kb_ends_sentence(s("x)")));
    cr_expect(!kb_ends_sentence(s("\"")), "a closer alone is not stripped");
    cr_expect(!kb_ends_sentence(s("\xe2\x80\x9d")));
    cr_expect(!kb_ends_sentence(s("Done.\xe2\x80")), "a cut closer is no closer");
}

Test(sentence, separators_may_share_a_space)
{
    cr_expect_eq(kb_count_separators(s("a | | b")), 2u);
    cr_expect_eq(kb_count_separators(s("a \xe2\x80\xba b \xc2\xb7 c \xc2\xbb d | e")), 4u);
    cr_expect_eq(kb_count_separators(s("  | a | b")), 0u, "trimmed first");
    cr_expect_eq(kb_count_separators(s("a |b | ")), 0u, "trimmed: the last has no space after");
    cr_expect_eq(kb_count_separators(s("a \xc2\xb7")), 0u);
}
