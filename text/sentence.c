/* Words and sentence ends in raw text (rules in sentence.h). */
#include "kbsearch/sentence.h"

#include <string.h>

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
    for (size_t i = 0; i < t.n;) {
        while (i < t.n && kb_is_space(t.p[i]))
            i++;
        n += i < t.n;
        while (i < t.n && !kb_is_space(t.p[i]))
            i++;
    }
    return n;
}

/* Does t, n bytes long, end in the 3-byte character c? */
static bool ends_in3(const char *t, size_t n, const char *c)
{
    return n >= 3 && memcmp(t + n - 3, c, 3) == 0;
}

/* Length of t once closing quotes and brackets (" ' ) ] ” ’) are
 * stripped from its end; never all of it.  The closers all end in
 * different bytes, so the last byte tells which one to try. */
static size_t without_closers(kb_str t)
{
    size_t n = t.n;
    for (;;) {
        unsigned char c = n ? (unsigned char)t.p[n - 1] : 0;
        if ((c == '"' || c == '\'' || c == ')' || c == ']') && n > 1)
            n--;
        else if ((c == 0x9D || c == 0x99) && n > 3 &&
                 ends_in3(t.p, n, c == 0x9D ? "\xe2\x80\x9d" : "\xe2\x80\x99"))
            n -= 3;
        else
            return n;
    }
}

/* Called for every line and every word of a file: the terminators are
 * tested by their last byte rather than by a table of strings. */
bool kb_ends_sentence(kb_str t)
{
    size_t n = without_closers(t);
    if (n == 0)
        return false;
    switch ((unsigned char)t.p[n - 1]) {
    case '.': case '!': case '?':
        return true;
    case 0x82: /* 。 */
        return ends_in3(t.p, n, "\xe3\x80\x82");
    case 0x81: /* ！ */
        return ends_in3(t.p, n, "\xef\xbc\x81");
    case 0x9F: /* ？ */
        return ends_in3(t.p, n, "\xef\xbc\x9f");
    default:
        return false;
    }
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

/* Does an item separator start at the space at p (n bytes left): the
 * space, the mark, a space? */
static bool separator_at(const char *p, size_t n)
{
    size_t mark = n >= 3 && p[1] == '|' ? 1
                : n >= 5 && memcmp(p + 1, "\xe2\x80\xba", 3) == 0 ? 3
                : n >= 4 && (memcmp(p + 1, "\xc2\xb7", 2) == 0 ||
                             memcmp(p + 1, "\xc2\xbb", 2) == 0) ? 2 : 0;
    return mark && p[1 + mark] == ' ';
}

/* One pass over the line: no two separators start at the same byte, and
 * one's last space may be the next one's first. */
unsigned kb_count_separators(kb_str t)
{
    unsigned n = 0;
    t = kb_trim(t);
    if (t.n && t.p[0] == '|')
        return 0;
    for (const char *p = t.p, *end = t.p + t.n;
         (p = memchr(p, ' ', (size_t)(end - p))) != NULL; p++)
        n += separator_at(p, (size_t)(end - p));
    return n;
}
