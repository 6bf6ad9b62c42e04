/* Tests for include/kbsearch/acronym.h: definitions found in text. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "kbsearch/acronym.h"
#include "kbsearch/buf.h"

static kb_tokenizer *tk;

static void setup(void)
{
    cr_assert_eq(kb_tokenizer_new(&tk), KB_OK);
}

static void teardown(void)
{
    kb_tokenizer_free(tk);
}

TestSuite(acronym, .init = setup, .fini = teardown);

static int collect(void *ctx, const char *a, size_t alen, const char *e, size_t elen)
{
    kb_buf *b = ctx;
    if (b->len)
        kb_buf_puts(b, "; ");
    kb_buf_add(b, a, alen);
    kb_buf_puts(b, "=");
    kb_buf_add(b, e, elen);
    return 0;
}

/* "acro=long form; ..." for the definitions in text, "" for none. */
static char *found(const char *text)
{
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "");
    cr_assert_eq(kb_find_acronyms(tk, text, strlen(text), collect, &b), KB_OK);
    return b.data;
}

typedef struct {
    const char *text;
    const char *want;
} acro_case;

static const acro_case cases[] = {
    /* the long form is the shortest run of words that spells the acronym */
    {"The transfer of wartime operational control (OPCON) was delayed.",
     "opcon=operational control"},
    {"Combined Forces Command (CFC) meets in spring.", "cfc=combined forces command"},
    {"talks with the Republic of Korea (ROK) went on", "rok=republic of korea"},
    {"a Memorandum of Understanding (MoU) was signed", "mou=memorandum of understanding"},
    {"the Group of Seven (G7) summit", ""}, /* one capital; 7 is no initial */
    /* hyphenated words are words */
    {"the burden-sharing agreement (BSA) lapsed", "bsa=burden sharing agreement"},
    /* the reverse order: the parenthesis holds the long form */
    {"OPCON (operational control) stays", "opcon=operational control"},
    {"The NSC (National Security Council) met.", "nsc=national security council"},
    /* several in one text, in order */
    {"Combined Forces Command (CFC) and United Nations Command (UNC) agreed.",
     "cfc=combined forces command; unc=united nations command"},
    /* dotted acronyms */
    {"the United States (U.S.) budget", "us=united states"},
    /* not definitions */
    {"(see below) for details", ""},
    {"The report (2024) says so.", ""},
    {"We flew to Seoul yesterday (USA) again.", ""},
    {"a remark (e.g. this one) here", ""},
    {"(OPCON) at the very start", ""},
    {"lower case (opcon) is no acronym: operational control", ""},
    {"Operational control. (OPCON)", ""},
    {"a sentence ends here, Operational Control (OC", ""},
    {"東京 (TK) 都", ""},
};

Test(acronym, table)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = found(cases[i].text);
        cr_expect_str_eq(got, cases[i].want, "[%s]\n   got: %s\nwanted: %s", cases[i].text, got,
                         cases[i].want);
        free(got);
    }
}

static int stop(void *ctx, const char *a, size_t alen, const char *e, size_t elen)
{
    (void)a, (void)alen, (void)e, (void)elen;
    ++*(int *)ctx;
    return KB_DONE;
}

Test(acronym, callback_stops_the_walk)
{
    const char *t = "Combined Forces Command (CFC) and United Nations Command (UNC).";
    int calls = 0;
    cr_assert_eq(kb_find_acronyms(tk, t, strlen(t), stop, &calls), KB_DONE);
    cr_assert_eq(calls, 1);
}

Test(acronym, only_len_bytes_are_read)
{
    const char *t = "Combined Forces Command (CFC) and more";
    char *got = NULL;
    kb_buf b = KB_BUF_INIT;
    kb_buf_puts(&b, "");
    cr_assert_eq(kb_find_acronyms(tk, t, 28, collect, &b), KB_OK); /* cut before ')' */
    got = b.data;
    cr_assert_str_eq(got, "");
    free(got);
}

static int count(void *ctx, const char *a, size_t alen, const char *e, size_t elen)
{
    (void)a, (void)alen, (void)e, (void)elen;
    ++*(size_t *)ctx;
    return 0;
}

/* Each parenthesis used to scan every word of the file, so a 2 MB file
 * dense with them took minutes; kbindex reads whole files.  The timeout is
 * generous for the sanitizer build and far below the quadratic time. */
Test(acronym, many_parentheses_in_linear_time, .timeout = 20)
{
    static const char unit[] = "the Big Cat (BC) ran (AB) off. ";
    const size_t reps = 2000000 / (sizeof unit - 1);
    size_t len = reps * (sizeof unit - 1), defs = 0;
    char *t = malloc(len);
    cr_assert_not_null(t);
    for (size_t i = 0; i < reps; i++)
        memcpy(t + i * (sizeof unit - 1), unit, sizeof unit - 1);
    cr_assert_eq(kb_find_acronyms(tk, t, len, count, &defs), KB_OK);
    cr_assert_eq(defs, reps);
    free(t);
}
