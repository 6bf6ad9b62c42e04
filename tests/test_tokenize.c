/* Tests for include/kbsearch/tokenize.h: kb_tokenize (terms, accented
 * terms, [start,end) offsets into the original text, positions, flags),
 * kb_normalize and kb_normalize_accented.
 *
 * Most cases are one row of a table: the input and every token expected
 * from it.  For each token the test also slices the input with [start,end)
 * and compares the slice with the surface text written in the row, so the
 * offsets are checked against the text itself, not only as numbers. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/tokenize.h"

/* ---- collecting tokens ------------------------------------------------ */

#define MAX_GOT 64

typedef struct {
    char term[4 * KB_TERM_MAX + 1]; /* copy of the term (it is scratch) */
    size_t term_len;
    char accent[4 * KB_TERM_MAX + 1]; /* "" when the token had none */
    size_t accent_len;
    bool has_accent;  /* accent was not NULL */
    size_t start, end;
    unsigned pos, flags;
    bool term_nul;   /* term[term_len] was '\0' in the callback */
    bool accent_nul; /* so was accent[accent_len], when given */
} got_tok;

typedef struct {
    got_tok toks[MAX_GOT];
    size_t n;
    size_t calls;      /* callback calls, even past MAX_GOT */
    size_t stop_after; /* return stop_rc on this call (1-based); 0: never */
    int stop_rc;
} collector;

static int collect(void *ctx, const kb_token *t)
{
    collector *c = ctx;
    c->calls++;
    if (c->n < MAX_GOT) {
        got_tok *g = &c->toks[c->n++];
        size_t n = t->term_len < sizeof g->term - 1 ? t->term_len : sizeof g->term - 1;
        memcpy(g->term, t->term, n);
        g->term[n] = '\0';
        g->term_len = t->term_len;
        g->has_accent = t->accent != NULL;
        g->accent_len = t->accent_len;
        if (t->accent) {
            n = t->accent_len < sizeof g->accent - 1 ? t->accent_len : sizeof g->accent - 1;
            memcpy(g->accent, t->accent, n);
            g->accent[n] = '\0';
            g->accent_nul = t->accent[t->accent_len] == '\0';
        }
        g->start = t->start;
        g->end = t->end;
        g->pos = t->pos;
        g->flags = t->flags;
        g->term_nul = t->term[t->term_len] == '\0';
    }
    if (c->stop_after && c->calls == c->stop_after)
        return c->stop_rc;
    return 0;
}

/* The tokens collected, as text for a failure message. */
static const char *describe(const collector *c)
{
    static char buf[4096];
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < c->n && at < sizeof buf; i++) {
        const got_tok *g = &c->toks[i];
        int k = snprintf(buf + at, sizeof buf - at, "%s\"%s\"%s%s%s[%zu,%zu)@%u/%u",
                         i ? " " : "", g->term, g->has_accent ? "+\"" : "", g->accent,
                         g->has_accent ? "\"" : "", g->start, g->end, g->pos, g->flags);
        if (k < 0)
            break;
        at += (size_t)k;
    }
    return buf;
}

static kb_tokenizer *new_tokenizer(void)
{
    kb_tokenizer *tk = NULL;
    cr_assert_eq(kb_tokenizer_new(&tk), KB_OK, "kb_tokenizer_new failed");
    cr_assert_not_null(tk);
    return tk;
}

/* ---- the table -------------------------------------------------------- */

#define MAX_TOK 12
#define ANY_POS (-1) /* position not promised by the header: not checked */

typedef struct {
    const char *term;    /* expected normalized term */
    const char *surface; /* expected input[start,end) */
    size_t start, end;
    int pos;             /* ANY_POS: not checked */
    unsigned flags;
    const char *accent;  /* expected accent; NULL when the token has none */
} exp_tok;

typedef struct {
    const char *name;
    const char *input;
    size_t len;          /* 0: strlen(input) */
    exp_tok t[MAX_TOK];  /* ends at the first term == NULL */
} tok_case;

#define NUM KB_TOKEN_NUMBER
#define UNI KB_TOKEN_CJK
#define BI (KB_TOKEN_CJK | KB_TOKEN_BIGRAM)

/* Building blocks for long inputs. */
#define A16 "aaaaaaaaaaaaaaaa"
#define A64 A16 A16 A16 A16
#define E10 "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9" /* 10 x é */
#define e10 "eeeeeeeeee"
#define R8 "\xe2\x85\xb7" /* ⅷ SMALL ROMAN NUMERAL EIGHT: 3 bytes, folds to "viii" */
#define R8x17 R8 R8 R8 R8 R8 R8 R8 R8 R8 R8 R8 R8 R8 R8 R8 R8 R8
#define E32 E10 E10 E10 "\xc3\xa9\xc3\xa9" /* 32 x é: 64 bytes */
#define e32 e10 e10 e10 "ee"

static const tok_case tok_cases[] = {
    /* ASCII words and case */
    {.name = "ascii words", .input = "Hello, world! Foo bar",
     .t = {{"hello", "Hello", 0, 5, 0, 0}, {"world", "world", 7, 12, 1, 0},
           {"foo", "Foo", 14, 17, 2, 0}, {"bar", "bar", 18, 21, 3, 0}}},
    {.name = "case folding", .input = "MiXeD UPPER lower",
     .t = {{"mixed", "MiXeD", 0, 5, 0, 0}, {"upper", "UPPER", 6, 11, 1, 0},
           {"lower", "lower", 12, 17, 2, 0}}},

    /* diacritics, compatibility forms, case folding beyond ASCII */
    {.name = "accents", .input = "Café naïve ÉCOLE",
     .t = {{"cafe", "Café", 0, 5, 0, 0, "café"}, {"naive", "naïve", 6, 12, 1, 0, "naïve"},
           {"ecole", "ÉCOLE", 13, 19, 2, 0, "école"}}},
    {.name = "decomposed accent (NFD input)", .input = "Cafe\xcc\x81 noir",
     .t = {{"cafe", "Cafe\xcc\x81", 0, 6, 0, 0, "café"}, {"noir", "noir", 7, 11, 1, 0}}},
    {.name = "ligatures", .input = "ﬁnal ﬂow",
     .t = {{"final", "ﬁnal", 0, 6, 0, 0}, {"flow", "ﬂow", 7, 12, 1, 0}}},
    {.name = "fullwidth", .input = "ＡＢＣ １２３",
     .t = {{"abc", "ＡＢＣ", 0, 9, 0, 0}, {"123", "１２３", 10, 19, 1, NUM}}},
    {.name = "sharp s", .input = "Straße groß",
     .t = {{"strasse", "Straße", 0, 7, 0, 0}, {"gross", "groß", 8, 13, 1, 0}}},
    {.name = "dotted capital I", .input = "İstanbul",
     .t = {{"istanbul", "İstanbul", 0, 9, 0, 0, "i\xcc\x87stanbul"}}},
    {.name = "Indic vowel signs kept", .input = "हिन्दी",
     .t = {{"हिन्दी", "हिन्दी", 0, 18, 0, 0}}},
    {.name = "soft hyphen vanishes inside a word", .input = "co\xc2\xad" "operate",
     .t = {{"cooperate", "co\xc2\xad" "operate", 0, 11, 0, 0}}},
    {.name = "accent beside the term, with apostrophe and possessive",
     .input = "l’Été de José’s",
     .t = {{"l'ete", "l’Été", 0, 9, 0, 0, "l'été"}, {"de", "de", 10, 12, 1, 0},
           {"jose", "José’s", 13, 22, 2, 0, "josé"}}},
    {.name = "zero-width joiner vanishes inside a word", .input = "zero\xe2\x80\x8d" "width",
     .t = {{"zerowidth", "zero\xe2\x80\x8d" "width", 0, 12, 0, 0}}},

    /* apostrophes */
    {.name = "curly apostrophe", .input = "don’t stop",
     .t = {{"don't", "don’t", 0, 7, 0, 0}, {"stop", "stop", 8, 12, 1, 0}}},
    {.name = "apostrophe variants", .input = "can't wonʼt isn＇t",
     .t = {{"can't", "can't", 0, 5, 0, 0}, {"won't", "wonʼt", 6, 12, 1, 0},
           {"isn't", "isn＇t", 13, 20, 2, 0}}},
    {.name = "possessive curly", .input = "Korea’s economy",
     .t = {{"korea", "Korea’s", 0, 9, 0, 0}, {"economy", "economy", 10, 17, 1, 0}}},
    {.name = "possessive ascii", .input = "the company's plan",
     .t = {{"the", "the", 0, 3, 0, 0}, {"company", "company's", 4, 13, 1, 0},
           {"plan", "plan", 14, 18, 2, 0}}},
    {.name = "quotes are not apostrophes between letters",
     .input = "‘quoted’ students’ union",
     .t = {{"quoted", "quoted", 3, 9, 0, 0}, {"students", "students", 13, 21, 1, 0},
           {"union", "union", 25, 30, 2, 0}}},

    /* acronyms */
    {.name = "acronyms", .input = "The U.S. and R.O.K. agreed",
     .t = {{"the", "The", 0, 3, 0, 0}, {"us", "U.S.", 4, 8, 1, 0},
           {"and", "and", 9, 12, 2, 0}, {"rok", "R.O.K.", 13, 19, 3, 0},
           {"agreed", "agreed", 20, 26, 4, 0}}},
    {.name = "e.g. and i.e.", .input = "e.g. this, i.e. that",
     .t = {{"eg", "e.g.", 0, 4, 0, 0}, {"this", "this", 5, 9, 1, 0},
           {"ie", "i.e.", 11, 15, 2, 0}, {"that", "that", 16, 20, 3, 0}}},
    {.name = "one initial is not an acronym", .input = "A. Smith",
     .t = {{"a", "A", 0, 1, 0, 0}, {"smith", "Smith", 3, 8, 1, 0}}},

    /* numbers */
    {.name = "numbers", .input = "3.5 2026 1,250 12,345,678",
     .t = {{"3.5", "3.5", 0, 3, 0, NUM}, {"2026", "2026", 4, 8, 1, NUM},
           {"1250", "1,250", 9, 14, 2, NUM},
           {"12345678", "12,345,678", 15, 25, 3, NUM}}},
    {.name = "commas that are not thousands separators", .input = "1,25 and 1,2345",
     .t = {{"1", "1", 0, 1, 0, NUM}, {"25", "25", 2, 4, 1, NUM},
           {"and", "and", 5, 8, 2, 0}, {"1", "1", 9, 10, 3, NUM},
           {"2345", "2345", 11, 15, 4, NUM}}},
    {.name = "percent and full stop", .input = "Up 3.5% in 2026.",
     .t = {{"up", "Up", 0, 2, 0, 0}, {"3.5", "3.5", 3, 6, 1, NUM},
           {"percent", "%", 6, 7, 2, 0}, {"in", "in", 8, 10, 3, 0},
           {"2026", "2026", 11, 15, 4, NUM}}},
    {.name = "version number", .input = "version 1.2.3 released",
     .t = {{"version", "version", 0, 7, 0, 0}, {"1.2.3", "1.2.3", 8, 13, 1, NUM},
           {"released", "released", 14, 22, 2, 0}}},

    /* thousands groups separated by white space */
    {.name = "space groups", .input = "1 250 and 12 345 678",
     .t = {{"1250", "1 250", 0, 5, 0, NUM}, {"and", "and", 6, 9, 1, 0},
           {"12345678", "12 345 678", 10, 20, 2, NUM}}},
    {.name = "no-break space group", .input = "Of 1\xc2\xa0" "250 sampled",
     .t = {{"of", "Of", 0, 2, 0, 0}, {"1250", "1\xc2\xa0" "250", 3, 9, 1, NUM},
           {"sampled", "sampled", 10, 17, 2, 0}}},
    {.name = "thin and narrow no-break space groups",
     .input = "1\xe2\x80\x89" "250, 12\xe2\x80\xaf" "345\xe2\x80\xaf" "678",
     .t = {{"1250", "1\xe2\x80\x89" "250", 0, 7, 0, NUM},
           {"12345678", "12\xe2\x80\xaf" "345\xe2\x80\xaf" "678", 9, 23, 1, NUM}}},
    {.name = "space group ends at a full stop, comma or CJK", .input = "1 250. 2 500, 3 000円",
     .t = {{"1250", "1 250", 0, 5, 0, NUM}, {"2500", "2 500", 7, 12, 1, NUM},
           {"3000", "3 000", 14, 19, 2, NUM}, {"円", "円", 19, 22, 3, UNI}}},
    {.name = "first group of four digits", .input = "2024 500",
     .t = {{"2024", "2024", 0, 4, 0, NUM}, {"500", "500", 5, 8, 1, NUM}}},
    {.name = "group followed by a letter", .input = "5 100m",
     .t = {{"5", "5", 0, 1, 0, NUM}, {"100m", "100m", 2, 6, 1, NUM}}},
    {.name = "group of four digits", .input = "1 2500",
     .t = {{"1", "1", 0, 1, 0, NUM}, {"2500", "2500", 2, 6, 1, NUM}}},
    {.name = "group followed by a decimal point", .input = "1 250.5",
     .t = {{"1", "1", 0, 1, 0, NUM}, {"250.5", "250.5", 2, 7, 1, NUM}}},
    {.name = "two spaces or a tab are no group separator", .input = "1  250 1\t250",
     .t = {{"1", "1", 0, 1, 0, NUM}, {"250", "250", 3, 6, 1, NUM},
           {"1", "1", 7, 8, 2, NUM}, {"250", "250", 9, 12, 3, NUM}}},
    {.name = "malformed run joins nothing", .input = "555 123 4567",
     .t = {{"555", "555", 0, 3, 0, NUM}, {"123", "123", 4, 7, 1, NUM},
           {"4567", "4567", 8, 12, 2, NUM}}},
    {.name = "first group after a decimal or a number", .input = "1,5 250 0.5 250 000",
     .t = {{"1", "1", 0, 1, 0, NUM}, {"5", "5", 2, 3, 1, NUM},
           {"250", "250", 4, 7, 2, NUM}, {"0.5", "0.5", 8, 11, 3, NUM},
           {"250", "250", 12, 15, 4, NUM}, {"000", "000", 16, 19, 5, NUM}}},
    {.name = "first group that is a decimal or has commas", .input = "2.5 000 1,250 000",
     .t = {{"2.5", "2.5", 0, 3, 0, NUM}, {"000", "000", 4, 7, 1, NUM},
           {"1250", "1,250", 8, 13, 2, NUM}, {"000", "000", 14, 17, 3, NUM}}},
    {.name = "first group after a letter", .input = "A1 250",
     .t = {{"a1", "A1", 0, 2, 0, 0}, {"250", "250", 3, 6, 1, NUM}}},

    /* percent */
    {.name = "percent sign", .input = "3.5% 40%",
     .t = {{"3.5", "3.5", 0, 3, 0, NUM}, {"percent", "%", 3, 4, 1, 0},
           {"40", "40", 5, 7, 2, NUM}, {"percent", "%", 7, 8, 3, 0}}},
    {.name = "percent after one space or no-break space", .input = "3.5 % 7\xc2\xa0%",
     .t = {{"3.5", "3.5", 0, 3, 0, NUM}, {"percent", "%", 4, 5, 1, 0},
           {"7", "7", 6, 7, 2, NUM}, {"percent", "%", 9, 10, 3, 0}}},
    {.name = "fullwidth percent", .input = "50％",
     .t = {{"50", "50", 0, 2, 0, NUM}, {"percent", "％", 2, 5, 1, 0}}},
    {.name = "percent after grouped numbers", .input = "1 250 % 1,250%",
     .t = {{"1250", "1 250", 0, 5, 0, NUM}, {"percent", "%", 6, 7, 1, 0},
           {"1250", "1,250", 8, 13, 2, NUM}, {"percent", "%", 13, 14, 3, 0}}},
    {.name = "percent written out", .input = "3.5 percent",
     .t = {{"3.5", "3.5", 0, 3, 0, NUM}, {"percent", "percent", 4, 11, 1, 0}}},
    {.name = "no percent after two spaces, a word or before a number",
     .input = "3  % v2% abc% %5 2%%",
     .t = {{"3", "3", 0, 1, 0, NUM}, {"v2", "v2", 5, 7, 1, 0},
           {"abc", "abc", 9, 12, 2, 0}, {"5", "5", 15, 16, 3, NUM},
           {"2", "2", 17, 18, 4, NUM}, {"percent", "%", 18, 19, 5, 0}}},

    /* amounts */
    {.name = "billion", .input = "$2bn deal",
     .t = {{"2", "2", 1, 2, 0, NUM}, {"billion", "bn", 2, 4, 1, 0},
           {"deal", "deal", 5, 9, 2, 0}}},
    {.name = "amounts in any case", .input = "2BN 3.5Tn 1,250mn",
     .t = {{"2", "2", 0, 1, 0, NUM}, {"billion", "BN", 1, 3, 1, 0},
           {"3.5", "3.5", 4, 7, 2, NUM}, {"trillion", "Tn", 7, 9, 3, 0},
           {"1250", "1,250", 10, 15, 4, NUM}, {"million", "mn", 15, 17, 5, 0}}},
    {.name = "amount suffix that does not end the word", .input = "2bnd 3mnx",
     .t = {{"2bnd", "2bnd", 0, 4, 0, NUM}, {"3mnx", "3mnx", 5, 9, 1, NUM}}},
    {.name = "m and k are no amounts", .input = "5m 3k 4bm",
     .t = {{"5m", "5m", 0, 2, 0, NUM}, {"3k", "3k", 3, 5, 1, NUM},
           {"4bm", "4bm", 6, 9, 2, NUM}}},
    {.name = "amount needs a number right before it", .input = "2 bn abn x2bn",
     .t = {{"2", "2", 0, 1, 0, NUM}, {"bn", "bn", 2, 4, 1, 0},
           {"abn", "abn", 5, 8, 2, 0}, {"x2bn", "x2bn", 9, 13, 3, 0}}},

    /* hyphens, punctuation, underscores */
    {.name = "hyphen splits at consecutive positions", .input = "burden-sharing deal",
     .t = {{"burden", "burden", 0, 6, 0, 0}, {"sharing", "sharing", 7, 14, 1, 0},
           {"deal", "deal", 15, 19, 2, 0}}},
    {.name = "em dash splits", .input = "cost—benefit",
     .t = {{"cost", "cost", 0, 4, 0, 0}, {"benefit", "benefit", 7, 14, 1, 0}}},
    {.name = "snake_case kept", .input = "snake_case MAX_VALUE",
     .t = {{"snake_case", "snake_case", 0, 10, 0, 0},
           {"max_value", "MAX_VALUE", 11, 20, 1, 0}}},
    {.name = "leading and trailing underscores dropped", .input = "__init__ _private",
     .t = {{"init", "init", 2, 6, 0, 0}, {"private", "private", 10, 17, 1, 0}}},

    /* CJK: unigrams and bigrams */
    {.name = "Han unigrams and bigrams", .input = "東京都",
     .t = {{"東", "東", 0, 3, 0, UNI}, {"東京", "東京", 0, 6, 0, BI},
           {"京", "京", 3, 6, 1, UNI}, {"京都", "京都", 3, 9, 1, BI},
           {"都", "都", 6, 9, 2, UNI}}},
    {.name = "Hangul", .input = "한국은",
     .t = {{"한", "한", 0, 3, 0, UNI}, {"한국", "한국", 0, 6, 0, BI},
           {"국", "국", 3, 6, 1, UNI}, {"국은", "국은", 3, 9, 1, BI},
           {"은", "은", 6, 9, 2, UNI}}},
    {.name = "hiragana", .input = "ひらがな",
     .t = {{"ひ", "ひ", 0, 3, 0, UNI}, {"ひら", "ひら", 0, 6, 0, BI},
           {"ら", "ら", 3, 6, 1, UNI}, {"らが", "らが", 3, 9, 1, BI},
           {"が", "が", 6, 9, 2, UNI}, {"がな", "がな", 6, 12, 2, BI},
           {"な", "な", 9, 12, 3, UNI}}},
    {.name = "katakana with voicing and long vowel", .input = "データ",
     .t = {{"デ", "デ", 0, 3, 0, UNI}, {"デー", "デー", 0, 6, 0, BI},
           {"ー", "ー", 3, 6, 1, UNI}, {"ータ", "ータ", 3, 9, 1, BI},
           {"タ", "タ", 6, 9, 2, UNI}}},
    {.name = "Latin, CJK and a number", .input = "Tokyo 東京 2026",
     .t = {{"tokyo", "Tokyo", 0, 5, 0, 0}, {"東", "東", 6, 9, 1, UNI},
           {"東京", "東京", 6, 12, 1, BI}, {"京", "京", 9, 12, 2, UNI},
           {"2026", "2026", 13, 17, 3, NUM}}},
    {.name = "no bigram across a space", .input = "東 京",
     .t = {{"東", "東", 0, 3, 0, UNI}, {"京", "京", 4, 7, 1, UNI}}},

    /* invalid UTF-8 */
    {.name = "invalid bytes between words", .input = "abc\xff\xfe" "def",
     .t = {{"abc", "abc", 0, 3, 0, 0}, {"def", "def", 5, 8, 1, 0}}},
    {.name = "truncated sequence inside a CJK run", .input = "東\xe4\xba" "京",
     .t = {{"東", "東", 0, 3, 0, UNI}, {"京", "京", 5, 8, 1, UNI}}},
    {.name = "stray continuation and overlong bytes",
     .input = "caf\x80" "e \xc0\xaf" "ok",
     .t = {{"caf", "caf", 0, 3, 0, 0}, {"e", "e", 4, 5, 1, 0},
           {"ok", "ok", 8, 10, 2, 0}}},

    /* empty and separator-only inputs, explicit lengths */
    {.name = "empty input", .input = ""},
    {.name = "punctuation only", .input = "-- !!! ... ,,, ___ ’’"},
    {.name = "embedded NUL separates", .input = "ab\0cd", .len = 5,
     .t = {{"ab", "ab", 0, 2, 0, 0}, {"cd", "cd", 3, 5, 1, 0}}},
    {.name = "len shorter than the string", .input = "hello world", .len = 5,
     .t = {{"hello", "hello", 0, 5, 0, 0}}},

    /* KB_TERM_MAX, measured after normalization */
    {.name = "term of exactly KB_TERM_MAX bytes kept", .input = A64,
     .t = {{A64, A64, 0, 64, 0, 0}}},
    {.name = "term of KB_TERM_MAX+1 bytes skipped", .input = "x " A64 "a y",
     .t = {{"x", "x", 0, 1, 0, 0}, {"y", "y", 68, 69, ANY_POS, 0}}},
    {.name = "accent of exactly KB_TERM_MAX bytes kept", .input = E32,
     .t = {{e32, E32, 0, 64, 0, 0, E32}}},
    {.name = "accent of KB_TERM_MAX+2 bytes dropped, term kept", .input = E32 "\xc3\xa9",
     .t = {{e32 "e", E32 "\xc3\xa9", 0, 66, 0, 0}}},
    {.name = "long surface, short term kept", .input = E10 E10 E10 E10,
     .t = {{e10 e10 e10 e10, E10 E10 E10 E10, 0, 80, 0, 0}}},
    {.name = "short surface, long term skipped", .input = "ok " R8x17 " go",
     .t = {{"ok", "ok", 0, 2, 0, 0}, {"go", "go", 55, 57, ANY_POS, 0}}},
};

/* The parameter is an index into the table, not the row itself: Criterion
 * copies parameters into memory shared with a freshly started worker, where
 * the row's const char * fields (addresses in the parent) would dangle.
 * The worker reads its own copy of the static table instead. */
#define N_TOK_CASES (sizeof tok_cases / sizeof tok_cases[0])
static size_t tok_idx[N_TOK_CASES];

ParameterizedTestParameters(tokenize, table)
{
    for (size_t i = 0; i < N_TOK_CASES; i++)
        tok_idx[i] = i;
    return cr_make_param_array(size_t, tok_idx, N_TOK_CASES);
}

ParameterizedTest(size_t *idx, tokenize, table)
{
    cr_assert_lt(*idx, N_TOK_CASES);
    const tok_case *c = &tok_cases[*idx];
    size_t len = c->len ? c->len : strlen(c->input);
    size_t want = 0;
    while (want < MAX_TOK && c->t[want].term)
        want++;

    kb_tokenizer *tk = new_tokenizer();
    collector got = {0};
    kb_status st = kb_tokenize(tk, c->input, len, collect, &got);
    cr_assert_eq(st, KB_OK, "[%s] kb_tokenize returned %d", c->name, (int)st);

    cr_assert_eq(got.calls, want, "[%s] %zu tokens, expected %zu; got: %s", c->name,
                 got.calls, want, describe(&got));

    for (size_t i = 0; i < want; i++) {
        const exp_tok *e = &c->t[i];
        const got_tok *g = &got.toks[i];
        cr_expect_str_eq(g->term, e->term, "[%s] token %zu: term \"%s\", expected \"%s\"",
                         c->name, i, g->term, e->term);
        cr_expect_eq(g->term_len, strlen(e->term), "[%s] token %zu: term_len %zu",
                     c->name, i, g->term_len);
        cr_expect(g->term_nul, "[%s] token %zu: term not NUL-terminated", c->name, i);
        cr_expect_eq(g->start, e->start, "[%s] token %zu (%s): start %zu, expected %zu",
                     c->name, i, e->term, g->start, e->start);
        cr_expect_eq(g->end, e->end, "[%s] token %zu (%s): end %zu, expected %zu",
                     c->name, i, e->term, g->end, e->end);
        if (e->pos != ANY_POS)
            cr_expect_eq(g->pos, (unsigned)e->pos,
                         "[%s] token %zu (%s): pos %u, expected %d", c->name, i,
                         e->term, g->pos, e->pos);
        cr_expect_eq(g->flags, e->flags, "[%s] token %zu (%s): flags %u, expected %u",
                     c->name, i, e->term, g->flags, e->flags);
        if (e->accent) {
            cr_expect(g->has_accent, "[%s] token %zu (%s): no accent, expected \"%s\"",
                      c->name, i, e->term, e->accent);
            cr_expect_str_eq(g->accent, e->accent, "[%s] token %zu: accent \"%s\", expected \"%s\"",
                             c->name, i, g->accent, e->accent);
            cr_expect_eq(g->accent_len, strlen(e->accent), "[%s] token %zu: accent_len %zu",
                         c->name, i, g->accent_len);
            cr_expect(g->accent_nul, "[%s] token %zu: accent not NUL-terminated", c->name, i);
        } else {
            cr_expect(!g->has_accent && g->accent_len == 0,
                      "[%s] token %zu (%s): accent \"%s\" (%zu bytes), expected none",
                      c->name, i, e->term, g->accent, g->accent_len);
        }

        /* The offsets must slice the input to the surface we expect. */
        cr_assert(g->start <= g->end && g->end <= len,
                  "[%s] token %zu: [%zu,%zu) outside the input of %zu bytes", c->name,
                  i, g->start, g->end, len);
        size_t slen = strlen(e->surface);
        cr_expect(g->end - g->start == slen &&
                      memcmp(c->input + g->start, e->surface, slen) == 0,
                  "[%s] token %zu: input[%zu,%zu) = \"%.*s\", expected \"%s\"", c->name,
                  i, g->start, g->end, (int)(g->end - g->start), c->input + g->start,
                  e->surface);
        /* ...and the row itself must be consistent. */
        cr_assert_eq(e->end - e->start, slen, "[%s] bad table row %zu", c->name, i);
        cr_assert(memcmp(c->input + e->start, e->surface, slen) == 0,
                  "[%s] bad table row %zu", c->name, i);
    }

    /* "Called once per token, in text order." */
    for (size_t i = 1; i < got.n; i++)
        cr_expect_geq(got.toks[i].start, got.toks[i - 1].start,
                      "[%s] token %zu starts before token %zu", c->name, i, i - 1);
    kb_tokenizer_free(tk);
}

/* ---- positions and flags across a longer text ------------------------- */

Test(tokenize, positions_consecutive_and_bigrams_share)
{
    /* Every non-bigram token takes the next position; every bigram takes
     * the position of the unigram that starts where it starts. */
    const char *text = "Seoul’s 서울시 hosts the U.S.-R.O.K. burden-sharing talks, "
                       "3.5% up; 1 250 staff, $2bn; 東京都 next.";
    kb_tokenizer *tk = new_tokenizer();
    collector got = {0};
    cr_assert_eq(kb_tokenize(tk, text, strlen(text), collect, &got), KB_OK);
    cr_assert_gt(got.n, 10);
    unsigned next = 0;
    for (size_t i = 0; i < got.n; i++) {
        const got_tok *g = &got.toks[i];
        if (g->flags & KB_TOKEN_BIGRAM) {
            cr_expect(g->flags & KB_TOKEN_CJK, "bigram \"%s\" lacks KB_TOKEN_CJK", g->term);
            bool found = false;
            for (size_t j = 0; j < got.n; j++)
                if (!(got.toks[j].flags & KB_TOKEN_BIGRAM) &&
                    got.toks[j].start == g->start) {
                    found = true;
                    cr_expect_eq(g->pos, got.toks[j].pos,
                                 "bigram \"%s\" pos %u, its first char has %u", g->term,
                                 g->pos, got.toks[j].pos);
                }
            cr_expect(found, "bigram \"%s\" has no unigram at its start", g->term);
        } else {
            cr_expect_eq(g->pos, next, "token \"%s\" pos %u, expected %u", g->term,
                         g->pos, next);
            next = g->pos + 1;
        }
    }
    /* seoul, 3 Hangul, hosts the us rok burden sharing talks 3.5 percent up
     * 1250 staff 2 billion, 3 Han, next */
    cr_expect_eq(next, 22u, "%u positions used", next);
    kb_tokenizer_free(tk);
}

/* ---- symbols give the terms and positions of their words -------------- */

/* A phrase query written either way matches the other, since both give the
 * same terms at the same positions. */
static const char *const same_as_words[][2] = {
    {"3.5%", "3.5 percent"},
    {"3.5 %", "3.5 percent"},
    {"1 250 ％ up", "1250 percent up"},
    {"12 345 678", "12345678"},
    {"$2bn", "2 billion"},
    {"€1.5TN loan", "1.5 trillion loan"},
    {"1,250mn", "1250 million"},
};

Test(tokenize, symbols_match_their_words)
{
    kb_tokenizer *tk = new_tokenizer();
    for (size_t i = 0; i < sizeof same_as_words / sizeof same_as_words[0]; i++) {
        const char *sym = same_as_words[i][0], *words = same_as_words[i][1];
        collector a = {0}, b = {0};
        cr_assert_eq(kb_tokenize(tk, sym, strlen(sym), collect, &a), KB_OK);
        cr_assert_eq(kb_tokenize(tk, words, strlen(words), collect, &b), KB_OK);
        bool same = a.n == b.n;
        for (size_t k = 0; same && k < a.n; k++)
            same = strcmp(a.toks[k].term, b.toks[k].term) == 0 &&
                   a.toks[k].pos == b.toks[k].pos;
        cr_expect(same, "\"%s\" gave %s", sym, describe(&a));
        cr_expect(same, "\"%s\" gave %s", words, describe(&b));
    }
    kb_tokenizer_free(tk);
}

/* ---- the tokenizer's name -------------------------------------------- */

/* The index records it and error messages quote it: one line of
 * printable ASCII. */
Test(tokenize, id_is_one_printable_line)
{
    const char *id = KB_TOKENIZER_ID;
    cr_expect_gt(strlen(id), 0u);
    for (const char *p = id; *p; p++)
        cr_expect(*p >= 0x20 && *p < 0x7f, "byte 0x%02x at %zu of KB_TOKENIZER_ID",
                  (unsigned char)*p, (size_t)(p - id));
}

/* ---- stopping early --------------------------------------------------- */

Test(tokenize, callback_done_stops_early)
{
    const char *text = "one two three four five";
    kb_tokenizer *tk = new_tokenizer();
    collector got = {.stop_after = 2, .stop_rc = KB_DONE};
    kb_status st = kb_tokenize(tk, text, strlen(text), collect, &got);
    cr_expect_eq(st, KB_DONE, "kb_tokenize returned %d, expected KB_DONE", (int)st);
    cr_expect_eq(got.calls, 2u, "%zu callbacks after stopping on the 2nd", got.calls);
    cr_expect_str_eq(got.toks[1].term, "two");
    kb_tokenizer_free(tk);
}

Test(tokenize, callback_error_value_returned)
{
    const char *text = "alpha beta gamma";
    kb_tokenizer *tk = new_tokenizer();
    collector got = {.stop_after = 1, .stop_rc = KB_ERR_IO};
    kb_status st = kb_tokenize(tk, text, strlen(text), collect, &got);
    cr_expect_eq(st, KB_ERR_IO, "kb_tokenize returned %d, expected KB_ERR_IO", (int)st);
    cr_expect_eq(got.calls, 1u);
    kb_tokenizer_free(tk);
}

Test(tokenize, callback_done_inside_cjk_run)
{
    const char *text = "東京都庁 after";
    kb_tokenizer *tk = new_tokenizer();
    collector got = {.stop_after = 3, .stop_rc = KB_DONE};
    cr_expect_eq(kb_tokenize(tk, text, strlen(text), collect, &got), KB_DONE);
    cr_expect_eq(got.calls, 3u, "%zu callbacks after stopping on the 3rd", got.calls);
    kb_tokenizer_free(tk);
}

/* ---- a tokenizer is reusable ------------------------------------------ */

Test(tokenize, reuse_across_calls)
{
    kb_tokenizer *tk = new_tokenizer();
    collector a = {0}, b = {0};
    const char *long_text = A64 " Ünïcödé " E10 " 東京";
    cr_assert_eq(kb_tokenize(tk, long_text, strlen(long_text), collect, &a), KB_OK);
    cr_assert_eq(kb_tokenize(tk, "ok Go", 5, collect, &b), KB_OK);
    cr_assert_eq(b.n, 2u);
    cr_expect_str_eq(b.toks[0].term, "ok");
    cr_expect_str_eq(b.toks[1].term, "go");
    cr_expect_eq(b.toks[1].pos, 1u, "positions restart at 0 on each call");
    cr_expect_eq(b.toks[0].pos, 0u);
    kb_tokenizer_free(tk);
    kb_tokenizer_free(NULL); /* accepted */
}

/* ---- kb_normalize and kb_normalize_accented -------------------------- */

typedef struct {
    const char *input;
    const char *expected; /* kb_normalize */
    const char *accented; /* kb_normalize_accented */
} norm_case;

static const norm_case norm_cases[] = {
    {"Hello", "hello", "hello"},
    {"Café", "cafe", "café"},
    {"Cafe\xcc\x81", "cafe", "café"},            /* NFD input composes */
    {"ÉCOLE", "ecole", "école"},
    {"naïve", "naive", "naïve"},
    {"l’Été", "l'ete", "l'été"},
    {"ﬁnal", "final", "final"},
    {"ＡＢＣ", "abc", "abc"},
    {"Straße", "strasse", "strasse"},
    {"don’t", "don't", "don't"},
    {"donʼt", "don't", "don't"},
    {"don＇t", "don't", "don't"},
    {"‘quoted’", "'quoted'", "'quoted'"},
    {"co\xc2\xad" "operate", "cooperate", "cooperate"},     /* soft hyphen */
    {"co\xc2\xad" "opéré", "coopere", "coopéré"},
    {"zero\xe2\x80\x8d" "width", "zerowidth", "zerowidth"}, /* zero-width joiner */
    {"データ", "データ", "データ"},                               /* kana voicing kept */
    {"ｶﾀｶﾅ", "カタカナ", "カタカナ"},                           /* halfwidth -> NFKC */
    {"हिन्दी", "हिन्दी", "हिन्दी"},                           /* Indic marks kept */
    {"한국", "한국", "한국"},
    {"", "", ""},
};

#define N_NORM_CASES (sizeof norm_cases / sizeof norm_cases[0])
static size_t norm_idx[N_NORM_CASES];

ParameterizedTestParameters(normalize, table)
{
    for (size_t i = 0; i < N_NORM_CASES; i++)
        norm_idx[i] = i;
    return cr_make_param_array(size_t, norm_idx, N_NORM_CASES); /* see tokenize::table */
}

typedef kb_status (*normalize_fn)(kb_tokenizer *, const char *, size_t, const char **,
                                  size_t *);

static void check_normalize(kb_tokenizer *tk, normalize_fn fn, const char *fname,
                            const char *input, const char *expected)
{
    const char *term = NULL;
    size_t n = 12345;
    kb_status st = fn(tk, input, strlen(input), &term, &n);
    cr_assert_eq(st, KB_OK, "%s(\"%s\") returned %d", fname, input, (int)st);
    cr_assert_not_null(term);
    cr_expect_eq(n, strlen(expected), "%s(\"%s\"): %zu bytes \"%.*s\"", fname, input, n,
                 (int)n, term);
    cr_expect(n == strlen(expected) && memcmp(term, expected, n) == 0,
              "%s(\"%s\") = \"%.*s\", expected \"%s\"", fname, input, (int)n, term, expected);
}

ParameterizedTest(size_t *idx, normalize, table)
{
    cr_assert_lt(*idx, N_NORM_CASES);
    const norm_case *c = &norm_cases[*idx];
    kb_tokenizer *tk = new_tokenizer();
    check_normalize(tk, kb_normalize, "kb_normalize", c->input, c->expected);
    check_normalize(tk, kb_normalize_accented, "kb_normalize_accented", c->input,
                    c->accented);
    /* ...and in the other order, as the scratch space is shared. */
    check_normalize(tk, kb_normalize, "kb_normalize", c->input, c->expected);
    kb_tokenizer_free(tk);
}

/* kb_normalize gives exactly the term kb_tokenize gives a one-word input,
 * and kb_normalize_accented its accent (or the term, when it has none). */
static const char *const same_words[] = {
    "Café", "ﬁnal", "ＡＢＣ", "Straße", "don’t", "snake_case", "3.5", "İstanbul",
    "MiXeD", "naïve", "Cafe\xcc\x81", "l’Été",
};

Test(normalize, matches_tokenize_on_single_words)
{
    kb_tokenizer *tk = new_tokenizer();
    for (size_t i = 0; i < sizeof same_words / sizeof same_words[0]; i++) {
        const char *w = same_words[i];
        collector got = {0};
        cr_assert_eq(kb_tokenize(tk, w, strlen(w), collect, &got), KB_OK);
        cr_expect_eq(got.n, 1u, "\"%s\" gave %zu tokens, expected one word", w, got.n);
        if (got.n != 1)
            continue;
        const got_tok *g = &got.toks[0];
        const char *term;
        size_t n;
        cr_assert_eq(kb_normalize(tk, w, strlen(w), &term, &n), KB_OK);
        cr_expect(n == g->term_len && memcmp(term, g->term, n) == 0,
                  "\"%s\": kb_normalize \"%.*s\", kb_tokenize \"%s\"", w, (int)n, term,
                  g->term);
        const char *want = g->has_accent ? g->accent : g->term;
        cr_assert_eq(kb_normalize_accented(tk, w, strlen(w), &term, &n), KB_OK);
        cr_expect(n == strlen(want) && memcmp(term, want, n) == 0,
                  "\"%s\": kb_normalize_accented \"%.*s\", kb_tokenize \"%s\"", w, (int)n,
                  term, want);
    }
    kb_tokenizer_free(tk);
}
