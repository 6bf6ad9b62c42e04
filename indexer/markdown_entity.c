/* Character references ("&amp;", "&#233;", "&#xE9;") as Markdown text and
 * raw HTML carry them.  HTML names over two thousand; notes use a few
 * dozen, and an unknown name is left as it was written (still searchable
 * as typed), so a short table is enough. */
#include "markdown.h"

#include <stdbool.h>
#include <string.h>

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int hex_value(char c)
{
    if (is_digit(c))
        return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return -1;
}

size_t kb_entity_len(const char *p, size_t n)
{
    if (n < 3 || p[0] != '&')
        return 0;
    size_t i = 1, min, max;
    if (p[1] == '#') {
        bool hex = n > 2 && (p[2] == 'x' || p[2] == 'X');
        i = hex ? 3 : 2;
        size_t start = i;
        while (i < n && i - start < 8 && (hex ? hex_value(p[i]) >= 0 : is_digit(p[i])))
            i++;
        min = start + 1;
        max = start + (hex ? 6 : 7);
    } else {
        if (!is_alpha(p[1]))
            return 0;
        for (i = 2; i < n && i < 50 && (is_alpha(p[i]) || is_digit(p[i])); i++)
            ;
        min = 3;
        max = 49;
    }
    return i >= min && i <= max && i < n && p[i] == ';' ? i + 1 : 0;
}

static size_t utf8_put(unsigned long c, char *out)
{
    if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        c = 0xFFFD; /* as CommonMark says */
    else if (c < 0x20 || c == 0x7F)
        c = ' '; /* a "&#10;" must not become a line break of the layout */
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | c >> 6);
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | c >> 12);
        out[1] = (char)(0x80 | (c >> 6 & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | c >> 18);
    out[1] = (char)(0x80 | (c >> 12 & 0x3F));
    out[2] = (char)(0x80 | (c >> 6 & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

typedef struct {
    const char *name;
    unsigned long c;
} named;

/* Markup, typography, and the accented letters of Western European
 * languages that notes written on an English keyboard spell out. */
static const named names[] = {
    {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
    {"nbsp", 0xA0}, {"ensp", 0x2002}, {"emsp", 0x2003}, {"thinsp", 0x2009},
    {"copy", 0xA9}, {"reg", 0xAE}, {"trade", 0x2122}, {"deg", 0xB0}, {"para", 0xB6},
    {"sect", 0xA7}, {"middot", 0xB7}, {"bull", 0x2022}, {"hellip", 0x2026},
    {"mdash", 0x2014}, {"ndash", 0x2013}, {"minus", 0x2212}, {"times", 0xD7},
    {"divide", 0xF7}, {"plusmn", 0xB1}, {"micro", 0xB5}, {"frac12", 0xBD},
    {"frac14", 0xBC}, {"frac34", 0xBE}, {"lsquo", 0x2018}, {"rsquo", 0x2019},
    {"sbquo", 0x201A}, {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"bdquo", 0x201E},
    {"laquo", 0xAB}, {"raquo", 0xBB}, {"lsaquo", 0x2039}, {"rsaquo", 0x203A},
    {"dagger", 0x2020}, {"larr", 0x2190}, {"rarr", 0x2192}, {"uarr", 0x2191},
    {"darr", 0x2193}, {"harr", 0x2194}, {"rArr", 0x21D2}, {"hArr", 0x21D4},
    {"ne", 0x2260}, {"le", 0x2264}, {"ge", 0x2265}, {"infin", 0x221E},
    {"cent", 0xA2}, {"pound", 0xA3}, {"yen", 0xA5}, {"euro", 0x20AC},
    {"iexcl", 0xA1}, {"iquest", 0xBF}, {"szlig", 0xDF},
    {"agrave", 0xE0}, {"aacute", 0xE1}, {"acirc", 0xE2}, {"atilde", 0xE3},
    {"auml", 0xE4}, {"aring", 0xE5}, {"aelig", 0xE6}, {"ccedil", 0xE7},
    {"egrave", 0xE8}, {"eacute", 0xE9}, {"ecirc", 0xEA}, {"euml", 0xEB},
    {"igrave", 0xEC}, {"iacute", 0xED}, {"icirc", 0xEE}, {"iuml", 0xEF},
    {"ntilde", 0xF1}, {"ograve", 0xF2}, {"oacute", 0xF3}, {"ocirc", 0xF4},
    {"otilde", 0xF5}, {"ouml", 0xF6}, {"oslash", 0xF8}, {"ugrave", 0xF9},
    {"uacute", 0xFA}, {"ucirc", 0xFB}, {"uuml", 0xFC}, {"yacute", 0xFD},
    {"yuml", 0xFF}, {"oelig", 0x153},
    {"Agrave", 0xC0}, {"Aacute", 0xC1}, {"Acirc", 0xC2}, {"Auml", 0xC4},
    {"Aring", 0xC5}, {"AElig", 0xC6}, {"Ccedil", 0xC7}, {"Egrave", 0xC8},
    {"Eacute", 0xC9}, {"Ecirc", 0xCA}, {"Ntilde", 0xD1}, {"Oacute", 0xD3},
    {"Ouml", 0xD6}, {"Oslash", 0xD8}, {"Uacute", 0xDA}, {"Uuml", 0xDC},
    {"OElig", 0x152},
    {"alpha", 0x3B1}, {"beta", 0x3B2}, {"gamma", 0x3B3}, {"delta", 0x3B4},
    {"epsilon", 0x3B5}, {"lambda", 0x3BB}, {"mu", 0x3BC}, {"pi", 0x3C0},
    {"sigma", 0x3C3}, {"tau", 0x3C4}, {"phi", 0x3C6}, {"omega", 0x3C9},
    {"Delta", 0x394}, {"Sigma", 0x3A3}, {"Omega", 0x3A9},
};

size_t kb_entity_decode(const char *p, size_t n, char out[KB_ENTITY_MAX])
{
    if (kb_entity_len(p, n) != n)
        return 0;
    if (p[1] == '#') {
        bool hex = p[2] == 'x' || p[2] == 'X';
        unsigned long c = 0;
        for (size_t i = hex ? 3 : 2; i < n - 1; i++)
            c = c * (hex ? 16 : 10) + (unsigned long)(hex ? hex_value(p[i]) : p[i] - '0');
        return utf8_put(c, out);
    }
    size_t len = n - 2;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i].name) == len && memcmp(names[i].name, p + 1, len) == 0)
            return utf8_put(names[i].c, out);
    return 0;
}
