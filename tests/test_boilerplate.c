/* Tests for include/kbsearch/boilerplate.h: each signal on small files of
 * our own (tests/boilerplate/): a saved page with a menu, share bars, a
 * related list, an inline footer menu and a legal line; a note whose
 * closing list must stay content; a Markdown table that is not a menu. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/boilerplate.h"
#include "kbsearch/format.h"
#include "kbsearch/segment.h"

typedef struct {
    char *text;
    size_t len;
    kb_passage p[64];
    kb_chrome c[64];
    size_t n;
} judged;

static int collect(void *ctx, const kb_passage *p)
{
    judged *j = ctx;
    cr_assert_lt(j->n, 64);
    j->p[j->n++] = *p;
    return 0;
}

/* The detector works on a reader's text; these texts (the fixtures too,
 * whatever their extension) are read as plain text, so that line numbers
 * are the file's. */
static judged *judge_text(const char *text)
{
    judged *j = calloc(1, sizeof *j);
    j->text = strdup(text);
    j->len = strlen(text);
    kb_extract x;
    kb_extract_init(&x, j->text, j->len);
    cr_assert_eq(kb_read_plain(&x), KB_OK);
    kb_str title;
    cr_assert_eq(kb_segment(&x, true, collect, j, &title), KB_OK);
    cr_assert_eq(kb_boilerplate(j->text, j->len, title, j->p, j->n, j->c), KB_OK);
    kb_extract_free(&x);
    return j;
}

static judged *judge_file(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/boilerplate/%s", KB_TEST_DATA, name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return judge_text(buf);
}

static void judged_free(judged *j)
{
    free(j->text);
    free(j);
}

/* The verdict of the passage that starts on `line`. */
static kb_chrome at_line(const judged *j, unsigned line)
{
    for (size_t i = 0; i < j->n; i++)
        if (j->p[i].line_start == line)
            return j->c[i];
    cr_assert_fail("no passage starts on line %u", line);
    return (kb_chrome){0, 0};
}

static void expect(const judged *j, unsigned line, int chrome, unsigned signals)
{
    kb_chrome c = at_line(j, line);
    if (chrome)
        cr_expect_geq(c.score, KB_CHROME_THRESHOLD, "line %u: score %u", line, c.score);
    else
        cr_expect_lt(c.score, KB_CHROME_THRESHOLD, "line %u: score %u", line, c.score);
    cr_expect_eq(c.signals & signals, signals, "line %u: signals %#x, want %#x", line,
                 c.signals, signals);
}

Test(page, menu_at_the_head_is_chrome)
{
    judged *j = judge_file("page.txt");
    expect(j, 1, 1, KB_BP_SHORT_LINES | KB_BP_LONG_RUN | KB_BP_HEAD);
    judged_free(j);
}

Test(page, share_bar_is_chrome_by_links_and_repetition)
{
    judged *j = judge_file("page.txt");
    expect(j, 12, 1, KB_BP_LINKS | KB_BP_REPEATED);
    expect(j, 25, 1, KB_BP_LINKS | KB_BP_REPEATED | KB_BP_TAIL);
    judged_free(j);
}

Test(page, related_list_and_footer_after_the_article_are_chrome)
{
    judged *j = judge_file("page.txt");
    expect(j, 27, 1, KB_BP_SHORT_LINES | KB_BP_TAIL);
    expect(j, 33, 1, KB_BP_LINKS | KB_BP_TAIL);
    expect(j, 35, 1, KB_BP_LEGAL);
    judged_free(j);
}

Test(page, article_title_byline_prose_and_inner_list_are_content)
{
    judged *j = judge_file("page.txt");
    expect(j, 8, 0, 0);   /* title and byline: a short run, not a menu */
    expect(j, 14, 0, KB_BP_PROSE);
    expect(j, 18, 0, KB_BP_SHORT_LINES); /* a list between prose passages */
    expect(j, 23, 0, KB_BP_PROSE);
    cr_expect_eq(at_line(j, 18).signals & KB_BP_TAIL, 0u);
    judged_free(j);
}

Test(note, closing_list_is_content_without_page_evidence)
{
    judged *j = judge_file("garden.md");
    /* Nine short lines at the end: menu-shaped, but nothing says "page". */
    expect(j, 7, 0, KB_BP_SHORT_LINES | KB_BP_LONG_RUN);
    cr_expect_eq(at_line(j, 7).signals & KB_BP_TAIL, 0u);
    judged_free(j);
}

Test(note, same_list_on_a_page_is_chrome)
{
    /* The garden note's list after an article that ends in a legal line. */
    judged *j = judge_text("Our garden\n\n"
                           "We want more vegetables and fewer lawns this year. The raised beds by "
                           "the fence get the most sun, so the tomatoes go there.\n\n"
                           "Last year the courgettes took over the path. This time they get the "
                           "corner bed and nothing else, and we water them at night.\n\n"
                           "Seeds to buy\n- tomatoes\n- runner beans\n- courgettes\n- basil\n"
                           "- rocket\n- spinach\n- peas\n- carrots\n\n"
                           "\xc2\xa9 2026 Garden Weekly\n");
    expect(j, 7, 1, KB_BP_SHORT_LINES | KB_BP_LONG_RUN | KB_BP_TAIL);
    judged_free(j);
}

Test(note, markdown_table_is_not_an_inline_menu)
{
    judged *j = judge_file("costs.md");
    expect(j, 5, 0, 0);
    cr_expect_eq(at_line(j, 5).signals & KB_BP_LINKS, 0u);
    judged_free(j);
}

Test(legal, copyright_forms)
{
    const char *lines[] = {"\xc2\xa9 Example Group.", "Copyright 2024 Example Ltd",
                           "Copyright (c) 2019 Someone", "All Rights Reserved"};
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        judged *j = judge_text(lines[i]);
        cr_expect(j->c[0].signals & KB_BP_LEGAL, "%s", lines[i]);
        judged_free(j);
    }
    judged *j = judge_text("The copyright of these photos belongs to the museum.");
    cr_expect_eq(j->c[0].signals & KB_BP_LEGAL, 0u, "the word alone is not a legal line");
    judged_free(j);
}

Test(legal, a_window_is_judged_by_its_own_part_of_the_line)
{
    /* One long line: the segmenter cuts it into windows; only the first
     * holds the copyright sign. */
    char text[8192] = "Photo \xc2\xa9 Jane Doe. The harbour wall was rebuilt in spring.";
    for (int i = 0; i < 40; i++)
        strcat(text, " Masons set each stone by hand and the tide came in twice a day.");
    judged *j = judge_text(text);
    cr_assert_gt(j->n, 1u, "the line should be cut into windows");
    for (size_t i = 1; i < j->n; i++) {
        cr_expect_eq(j->c[i].signals & KB_BP_LEGAL, 0u, "window %zu", i);
        cr_expect_lt(j->c[i].score, KB_CHROME_THRESHOLD, "window %zu", i);
    }
    judged_free(j);
}

Test(legal, long_prose_mentioning_rights_is_not_legal)
{
    char text[2048] = "All rights reserved is a phrase that";
    for (int i = 0; i < 20; i++)
        strcat(text, " publishers print on pages to say that nobody may copy them.");
    judged *j = judge_text(text);
    cr_expect_eq(j->c[0].signals & KB_BP_LEGAL, 0u);
    judged_free(j);
}

Test(repeated, title_repeated_is_not_repetition)
{
    judged *j = judge_text("Rivers of the north country\n\nRivers of the north country\n\n"
                           "The rivers of the north run fast in spring, when the snow melts on "
                           "the fells and every beck fills to its banks.\n");
    for (size_t i = 0; i < j->n; i++)
        cr_expect_eq(j->c[i].signals & KB_BP_REPEATED, 0u, "passage %zu", i);
    judged_free(j);
}

Test(reasons, names_in_table_order)
{
    kb_buf b = KB_BUF_INIT;
    kb_chrome_reasons(KB_BP_SHORT_LINES | KB_BP_TAIL | KB_BP_TITLE, &b);
    cr_expect_str_eq(b.data, "short-lines,tail,title");
    kb_buf_reset(&b);
    kb_chrome_reasons(0, &b);
    cr_expect_eq(b.len, 0u);
    kb_buf_free(&b);
}

/* Chrome marks (a page's <nav>, <footer>): what they cover is chrome, and
 * the page's own markup places the article, so a list closing it is not
 * its tail. */
Test(markup, marked_furniture_is_chrome_and_position_is_not_used)
{
    const char *text = "Home\nNews\nSport\n\n"
                       "The council met on Tuesday and agreed to widen the harbour road, "
                       "which floods twice a year when the spring tides meet the river in "
                       "spate.\n\n"
                       "The work starts in March and should take six weeks to finish, with "
                       "one lane open at all times for buses, bicycles and the fish lorries.\n\n"
                       "Next steps\n\n- survey\n- tender\n- build\n\n"
                       "Copyright 2026 Harbour News\n";
    kb_extract x;
    kb_extract_init(&x, text, strlen(text));
    cr_assert_eq(kb_read_plain(&x), KB_OK);
    const char *footer = strstr(text, "Copyright");
    kb_extract_mark(&x, KB_MARK_CHROME, 0, 0, 15);
    kb_extract_mark(&x, KB_MARK_CHROME, 0, (size_t)(footer - text), strlen(text));
    cr_assert_eq(kb_extract_status(&x), KB_OK);
    judged *j = calloc(1, sizeof *j);
    j->text = strdup(text);
    j->len = strlen(text);
    kb_str title;
    cr_assert_eq(kb_segment(&x, true, collect, j, &title), KB_OK);
    cr_assert_eq(kb_boilerplate(text, j->len, title, j->p, j->n, j->c), KB_OK);
    expect(j, 1, 1, KB_BP_MARKUP);
    expect(j, 9, 0, 0); /* "Next steps" and its list */
    cr_expect_eq(at_line(j, 9).signals & (KB_BP_TAIL | KB_BP_MARKUP), 0u);
    expect(j, 5, 0, KB_BP_PROSE);
    expect(j, 15, 1, KB_BP_MARKUP);
    kb_extract_free(&x);
    judged_free(j);
}
