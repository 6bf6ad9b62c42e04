/* Words and sentence ends in raw text (rules in sentence.h). */
#include "kbsearch/sentence.h"

#include <string.h>

bool kb_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

kb_str kb_trim(kb_str t)
{
    while (t.n && kb_is_space(*t.p))
        t.p++, t.n--;
    while (t.n && kb_is_space(t.p[t.n - 1]))
        t.n--;
    return t;
}

unsigned kb_count_words(kb_str t)
{
    unsigned n = 0;
    for (size_t i = 0; i < t.n; i++)
        if (!kb_is_space(t.p[i]) && (i == 0 || kb_is_space(t.p[i - 1])))
            n++;
    return n;
}

/* Length of t once closing quotes and brackets are stripped from its end. */
static size_t without_closers(kb_str t)
{
    static const char *const closers[] = {"\"", "'", ")", "]", "\xe2\x80\x9d", "\xe2\x80\x99"};
    size_t n = t.n;
    for (bool stripped = true; stripped && n;) {
        stripped = false;
        for (size_t i = 0; i < sizeof closers / sizeof *closers; i++) {
            size_t k = strlen(closers[i]);
            if (n > k && memcmp(t.p + n - k, closers[i], k) == 0) {
                n -= k;
                stripped = true;
            }
        }
    }
    return n;
}

bool kb_ends_sentence(kb_str t)
{
    static const char *const enders[] = {".", "!", "?", "\xe3\x80\x82", "\xef\xbc\x81", "\xef\xbc\x9f"};
    size_t n = without_closers(t);
    for (size_t i = 0; i < sizeof enders / sizeof *enders; i++) {
        size_t k = strlen(enders[i]);
        if (n >= k && memcmp(t.p + n - k, enders[i], k) == 0)
            return true;
    }
    return false;
}

/* A word ending in '.' that is an abbreviation: a dot inside it ("U.S.",
 * "e.g."), or one or two letters the first of them a capital ("Dr.",
 * "St.", "J.").  "it." and "2024." end sentences. */
static bool abbreviation(kb_str w)
{
    size_t n = without_closers(w);
    if (n == 0 || w.p[n - 1] != '.')
        return false;
    for (size_t i = 0; i + 1 < n; i++)
        if (w.p[i] == '.')
            return true;
    if (n < 2 || n > 3 || w.p[0] < 'A' || w.p[0] > 'Z')
        return false;
    return n == 2 || ((w.p[1] | 0x20) >= 'a' && (w.p[1] | 0x20) <= 'z');
}

unsigned kb_count_sentences(kb_str t)
{
    unsigned n = 0;
    for (size_t i = 0; i < t.n;) {
        while (i < t.n && kb_is_space(t.p[i]))
            i++;
        size_t start = i;
        while (i < t.n && !kb_is_space(t.p[i]))
            i++;
        kb_str w = {t.p + start, i - start};
        n += w.n && kb_ends_sentence(w) && !abbreviation(w);
    }
    return n;
}

bool kb_is_list_item(kb_str t)
{
    if (t.n >= 2 && strchr("-*+", t.p[0]) && t.p[1] == ' ')
        return true;
    if (t.n >= 4 && memcmp(t.p, "\xe2\x80\xa2", 3) == 0) /* U+2022 bullet */
        return true;
    size_t k = 0;
    while (k < t.n && t.p[k] >= '0' && t.p[k] <= '9')
        k++;
    return k > 0 && k + 1 < t.n && (t.p[k] == '.' || t.p[k] == ')') && t.p[k + 1] == ' ';
}

unsigned kb_count_separators(kb_str t)
{
    static const char *const seps[] = {" | ", " \xe2\x80\xba ", " \xc2\xb7 ", " \xc2\xbb "};
    unsigned n = 0;
    t = kb_trim(t);
    if (t.n && t.p[0] == '|')
        return 0;
    for (size_t k = 0; k < sizeof seps / sizeof *seps; k++) {
        size_t len = strlen(seps[k]);
        for (const char *p = t.p, *end = t.p + t.n;
             (p = memmem(p, (size_t)(end - p), seps[k], len)) != NULL; p += len - 1)
            n++;
    }
    return n;
}
