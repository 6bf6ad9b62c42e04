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
