/* The tokenizer: splits text into words, numbers and CJK n-grams and folds
 * each one (see include/kbsearch/tokenize.h for the rules). */
#include "kbsearch/tokenize.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "kbsearch/buf.h"

struct kb_tokenizer {
    utf8proc_int32_t *cps;  /* decomposed code points of the current token */
    size_t cps_cap;         /* capacity of cps, in code points */
    utf8proc_int32_t *acps; /* the same keeping diacritics, when it has some */
    size_t acps_cap;
    char *raw;              /* token bytes before folding (joiners removed) */
    size_t raw_cap;
    char *term;             /* the folded term handed to callbacks */
    size_t term_cap;
    char *accent;           /* the folded term keeping diacritics */
    size_t accent_cap;
};

/* One decoded code point of the input. */
typedef struct {
    int32_t cp;   /* -1 for an invalid byte */
    size_t start; /* byte offset */
    size_t len;   /* bytes it takes (1 for an invalid byte) */
} cpoint;

kb_status kb_tokenizer_new(kb_tokenizer **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? KB_OK : KB_ERR_NOMEM;
}

void kb_tokenizer_free(kb_tokenizer *tk)
{
    if (!tk)
        return;
    free(tk->cps);
    free(tk->raw);
    free(tk->term);
    free(tk->acps);
    free(tk->accent);
    free(tk);
}

/* ASCII needs no decoder: most of the text in a knowledge base is ASCII,
 * and this runs once per character. */
static inline cpoint decode_at(const char *text, size_t len, size_t i)
{
    cpoint c = {-1, i, 1};
    if (i < len && !((unsigned char)text[i] & 0x80)) {
        c.cp = (unsigned char)text[i];
        return c;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)text + i,
                                          (utf8proc_ssize_t)(len - i), &cp);
    if (n > 0) {
        c.cp = cp;
        c.len = (size_t)n;
    }
    return c;
}

static bool is_cjk(int32_t cp)
{
    if (cp < 0x1100) /* below every range: one test for Latin text */
        return false;
    return (cp >= 0x4E00 && cp <= 0x9FFF)     /* CJK unified ideographs */
        || (cp >= 0x3400 && cp <= 0x4DBF)     /* extension A */
        || (cp >= 0x20000 && cp <= 0x3134F)   /* extensions B-G */
        || (cp >= 0xF900 && cp <= 0xFAFF)     /* compatibility ideographs */
        || (cp >= 0x3040 && cp <= 0x30FF)     /* hiragana, katakana */
        || (cp >= 0x31F0 && cp <= 0x31FF)     /* katakana extensions */
        || (cp >= 0xFF66 && cp <= 0xFF9F)     /* halfwidth katakana */
        || (cp >= 0xAC00 && cp <= 0xD7AF)     /* hangul syllables */
        || (cp >= 0x1100 && cp <= 0x11FF)     /* hangul jamo */
        || (cp >= 0x3130 && cp <= 0x318F);    /* hangul compatibility jamo */
}

/* ASCII letters and digits, by table: told once or twice per byte. */
static const bool ascii_word[128] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
    ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
    ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
    ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
};

/* Is cp an ASCII letter or digit? */
static inline bool ascii_alnum(int32_t cp)
{
    return cp >= 0 && cp < 0x80 && ascii_word[cp];
}

static inline bool is_word(int32_t cp)
{
    if (cp < 0x80)
        return ascii_alnum(cp);
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return !is_cjk(cp);
    default:
        return false;
    }
}

static bool is_digit(int32_t cp)
{
    return cp >= 0 && (cp < 0x80 ? (cp >= '0' && cp <= '9')
                                 : utf8proc_category(cp) == UTF8PROC_CATEGORY_ND);
}

static bool is_letter(int32_t cp)
{
    return is_word(cp) && !is_digit(cp);
}

static bool is_apostrophe(int32_t cp)
{
    return cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC ||
           cp == 0xFF07;
}

/* Soft hyphen, zero-width (non-)joiner, word joiner, BOM: invisible
 * inside a word, so they must not split it. */
static bool is_invisible(int32_t cp)
{
    return cp == 0x00AD || cp == 0x200C || cp == 0x200D || cp == 0x2060 || cp == 0xFEFF;
}

/* Diacritics only: marks that belong to a script's letters stay. */
static bool is_diacritic(int32_t cp)
{
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
           (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
           (cp >= 0xFE20 && cp <= 0xFE2F);
}

/* Is there a CJK unified ideograph (U+4E00 to U+9FFF) at s?  Folding
 * leaves them as they are: none has a decomposition or a case, and all
 * are assigned (tested for every one against utf8proc 2.8).  Tokens hold
 * only valid UTF-8, so the lead byte tells: E4 B8 80 to E9 BF BF. */
static bool ideograph(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    return n >= 3 && (c == 0xE4 ? (unsigned char)s[1] >= 0xB8 : c >= 0xE5 && c <= 0xE9);
}

/* Composes k code points in place (each has 4 bytes of room for its
 * UTF-8) and copies the bytes into *out, NUL-terminated. */
static kb_status encode(utf8proc_int32_t *cps, size_t k, char **out, size_t *cap,
                        size_t *out_len)
{
    utf8proc_ssize_t nb = utf8proc_reencode(cps, (utf8proc_ssize_t)k,
                                            (utf8proc_option_t)(UTF8PROC_COMPOSE | UTF8PROC_STABLE));
    if (nb < 0)
        return KB_ERR_INVALID;
    if (!kb_grow((void **)out, cap, (size_t)nb + 1, 1))
        return KB_ERR_NOMEM;
    memcpy(*out, cps, (size_t)nb);
    (*out)[nb] = '\0';
    *out_len = (size_t)nb;
    return KB_OK;
}

/* Folds raw bytes into tk->term.  When that removed diacritics, the form
 * that keeps them goes to tk->accent; otherwise *accent_len is 0, and a
 * word without diacritics pays only for the scan that tells.  The ASCII
 * fast path matters: most text in a knowledge base is ASCII and
 * utf8proc's decomposition is costly. */
static kb_status fold(kb_tokenizer *tk, const char *s, size_t n, size_t *term_len,
                      size_t *accent_len)
{
    *accent_len = 0;
    if (n + 1 > tk->term_cap && !kb_grow((void **)&tk->term, &tk->term_cap, n + 1, 1))
        return KB_ERR_NOMEM;
    /* Lower-cases while it is ASCII or CJK ideographs; any other
     * character sends the word to utf8proc, which writes the whole term
     * again. */
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            tk->term[i++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        } else if (ideograph(s + i, n - i)) {
            memcpy(tk->term + i, s + i, 3);
            i += 3;
        } else {
            break;
        }
    }
    if (i == n) {
        tk->term[n] = '\0';
        *term_len = n;
        return KB_OK;
    }
    const int opts = UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                     UTF8PROC_IGNORE | UTF8PROC_STABLE;
    utf8proc_ssize_t ncp;
    for (;;) {
        ncp = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
                                 tk->cps, (utf8proc_ssize_t)tk->cps_cap,
                                 (utf8proc_option_t)opts);
        if (ncp < 0)
            return KB_ERR_INVALID;
        if ((size_t)ncp <= tk->cps_cap)
            break;
        if (!kb_grow((void **)&tk->cps, &tk->cps_cap, (size_t)ncp, sizeof *tk->cps))
            return KB_ERR_NOMEM;
    }
    bool marks = false;
    for (utf8proc_ssize_t i = 0; i < ncp && !marks; i++)
        marks = is_diacritic(tk->cps[i]);
    if (marks && !kb_grow((void **)&tk->acps, &tk->acps_cap, (size_t)ncp, sizeof *tk->acps))
        return KB_ERR_NOMEM;
    size_t k = 0;
    for (utf8proc_ssize_t i = 0; i < ncp; i++) {
        int32_t cp = is_apostrophe(tk->cps[i]) ? '\'' : tk->cps[i];
        if (marks)
            tk->acps[i] = cp;
        if (!is_diacritic(cp))
            tk->cps[k++] = cp;
    }
    kb_status st = encode(tk->cps, k, &tk->term, &tk->term_cap, term_len);
    if (st == KB_OK && marks)
        st = encode(tk->acps, (size_t)ncp, &tk->accent, &tk->accent_cap, accent_len);
    return st;
}

kb_status kb_normalize(kb_tokenizer *tk, const char *text, size_t len,
                       const char **term, size_t *term_len)
{
    size_t accent_len;
    kb_status st = fold(tk, text, len, term_len, &accent_len);
    *term = st == KB_OK ? tk->term : NULL;
    return st;
}

kb_status kb_normalize_accented(kb_tokenizer *tk, const char *text, size_t len,
                                const char **term, size_t *term_len)
{
    size_t plain_len, accent_len;
    kb_status st = fold(tk, text, len, &plain_len, &accent_len);
    *term = st != KB_OK ? NULL : accent_len ? tk->accent : tk->term;
    *term_len = accent_len ? accent_len : plain_len;
    return st;
}

/* State of one kb_tokenize call. */
typedef struct {
    kb_tokenizer *tk;
    const char *text;
    size_t len;
    kb_token_fn fn;
    void *ctx;
    unsigned pos; /* next word position */
} walk;

/* Drops a possessive "'s" from the end of a folded term of n bytes. */
static size_t drop_possessive(char *term, size_t n)
{
    if (n > 2 && term[n - 2] == '\'' && term[n - 1] == 's') {
        n -= 2;
        term[n] = '\0';
    }
    return n;
}

/* Folds raw bytes and hands the token to the callback. */
static int emit(walk *w, const char *raw, size_t raw_len, size_t start,
                size_t end, unsigned pos, unsigned flags)
{
    size_t n, an;
    kb_status st = fold(w->tk, raw, raw_len, &n, &an);
    if (st == KB_ERR_INVALID)
        return 0;
    if (st != KB_OK)
        return st;
    /* CJK terms are never possessives or acronyms.  The accented form
     * keeps every mark it had (none is in "'s"), so it still differs. */
    if (!(flags & KB_TOKEN_CJK)) {
        n = drop_possessive(w->tk->term, n);
        if (an)
            an = drop_possessive(w->tk->accent, an);
    }
    if (n == 0 || n > KB_TERM_MAX)
        return 0;
    if (an > KB_TERM_MAX)
        an = 0;
    kb_token t = {.term = w->tk->term, .term_len = n,
                  .accent = an ? w->tk->accent : NULL, .accent_len = an,
                  .start = start, .end = end, .pos = pos, .flags = flags};
    return w->fn(w->ctx, &t);
}

/* A run of CJK characters starting at byte i: unigrams and bigrams. */
static int cjk_run(walk *w, size_t *i)
{
    cpoint prev = {-1, 0, 0};
    int rc = 0;
    while (*i < w->len && rc == 0) {
        cpoint c = decode_at(w->text, w->len, *i);
        if (c.cp < 0 || !is_cjk(c.cp))
            break;
        if (prev.cp >= 0)
            rc = emit(w, w->text + prev.start, prev.len + c.len, prev.start,
                      c.start + c.len, w->pos - 1, KB_TOKEN_CJK | KB_TOKEN_BIGRAM);
        if (rc == 0)
            rc = emit(w, w->text + c.start, c.len, c.start, c.start + c.len,
                      w->pos++, KB_TOKEN_CJK);
        prev = c;
        *i += c.len;
    }
    return rc;
}

/* Tries "U.S." / "R.O.K." at byte i: two or more single letters each
 * followed by a dot.  On success emits the letters as one term. */
static int acronym(walk *w, size_t *i, bool *found)
{
    size_t at = *i, raw_len = 0, pairs = 0;
    *found = false;
    for (;;) {
        cpoint l = decode_at(w->text, w->len, at);
        if (!is_letter(l.cp))
            break;
        size_t dot = at + l.len;
        if (dot >= w->len || w->text[dot] != '.')
            break;
        if (!kb_grow((void **)&w->tk->raw, &w->tk->raw_cap, raw_len + l.len, 1))
            return KB_ERR_NOMEM;
        memcpy(w->tk->raw + raw_len, w->text + at, l.len);
        raw_len += l.len;
        pairs++;
        at = dot + 1;
    }
    if (pairs < 2 || (at < w->len && is_word(decode_at(w->text, w->len, at).cp)))
        return 0;
    *found = true;
    int rc = emit(w, w->tk->raw, raw_len, *i, at, w->pos++, 0);
    *i = at;
    return rc;
}

static bool ascii_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool three_digits_at(const char *text, size_t len, size_t i)
{
    return i + 3 <= len && ascii_digit(text[i]) && ascii_digit(text[i + 1]) &&
           ascii_digit(text[i + 2]);
}

/* True when the comma at byte i is a thousands separator: exactly three
 * digits follow, then no further digit. */
static bool group_comma(const char *text, size_t len, size_t i)
{
    return three_digits_at(text, len, i + 1) && (i + 4 >= len || !ascii_digit(text[i + 4]));
}

/* Hands the callback a term that is not folded from the text. */
static int emit_term(walk *w, const char *term, size_t start, size_t end)
{
    kb_token t = {.term = term, .term_len = strlen(term), .start = start, .end = end,
                  .pos = w->pos++};
    return w->fn(w->ctx, &t);
}

/* The white space that may separate thousands groups, or a number from
 * its '%': space, no-break space, thin space, narrow no-break space.
 * Returns its length at byte i, or 0. */
static size_t group_space_at(const char *text, size_t len, size_t i)
{
    if (i < len && text[i] == ' ')
        return 1;
    if (i + 2 <= len && memcmp(text + i, "\xc2\xa0", 2) == 0)
        return 2;
    if (i + 3 <= len && (memcmp(text + i, "\xe2\x80\x89", 3) == 0 ||
                         memcmp(text + i, "\xe2\x80\xaf", 3) == 0))
        return 3;
    return 0;
}

/* The same, for a space that ends just before byte i. */
static size_t group_space_before(const char *text, size_t i)
{
    if (i >= 1 && text[i - 1] == ' ')
        return 1;
    if (i >= 2 && memcmp(text + i - 2, "\xc2\xa0", 2) == 0)
        return 2;
    if (i >= 3 && (memcmp(text + i - 3, "\xe2\x80\x89", 3) == 0 ||
                   memcmp(text + i - 3, "\xe2\x80\xaf", 3) == 0))
        return 3;
    return 0;
}

/* A digit group cannot start right after a digit and '.', ',' or a group
 * space: it would be the tail of a decimal or of another number. */
static bool continues_number(const char *text, size_t i)
{
    size_t n = i >= 1 && (text[i - 1] == '.' || text[i - 1] == ',')
                   ? 1 : group_space_before(text, i);
    return n > 0 && i > n && ascii_digit(text[i - n - 1]);
}

/* The thousands groups that follow a first group ending at byte `end`,
 * when the whole run is a well-formed number (rule in tokenize.h): the
 * byte where the last group ends, or `end` when nothing is joined.
 * Phone numbers ("555 123 4567") and lists are why a malformed run
 * joins nothing rather than as much as it can. */
static size_t space_groups(const char *text, size_t len, size_t end)
{
    size_t at = end, sp;
    while ((sp = group_space_at(text, len, at)) && three_digits_at(text, len, at + sp))
        at += sp + 3;
    if (at == end || at == len)
        return at;
    cpoint next = decode_at(text, len, at);
    if (is_word(next.cp))
        return end;
    if (text[at] == '.' && at + 1 < len && is_digit(decode_at(text, len, at + 1).cp))
        return end;
    sp = group_space_at(text, len, at);
    if (sp && at + sp < len && is_digit(decode_at(text, len, at + sp).cp))
        return end;
    return at;
}

/* Length of a percent sign ('%' or fullwidth '％') at byte i, or 0. */
static size_t percent_at(const char *text, size_t len, size_t i)
{
    if (i < len && text[i] == '%')
        return 1;
    return i + 3 <= len && memcmp(text + i, "\xef\xbc\x85", 3) == 0 ? 3 : 0;
}

/* A word made only of a number, [start,*i), whose bytes without its
 * commas are raw[0, raw_len): joins the thousands groups that follow it,
 * emits it, then "percent" for a '%' after it. */
static int number(walk *w, size_t start, size_t *i, const char *raw, size_t raw_len)
{
    const char *text = w->text;
    size_t end = *i;
    bool short_group = raw_len <= 3;
    for (size_t k = 0; k < raw_len && short_group; k++)
        short_group = ascii_digit(raw[k]);
    size_t to = short_group && !continues_number(text, start) ? space_groups(text, w->len, end)
                                                             : end;
    if (to > end) {
        /* The groups are joined in tk->raw; the first one (three digits
         * at most) waits aside, as raw may be tk->raw, which may move. */
        char first[3];
        memcpy(first, raw, raw_len);
        if (!kb_grow((void **)&w->tk->raw, &w->tk->raw_cap, raw_len + (to - end), 1))
            return KB_ERR_NOMEM;
        memcpy(w->tk->raw, first, raw_len);
        raw = w->tk->raw;
        while (end < to) {
            end += group_space_at(text, w->len, end);
            memcpy(w->tk->raw + raw_len, text + end, 3);
            raw_len += 3;
            end += 3;
        }
    }
    int rc = emit(w, raw, raw_len, start, end, w->pos++, KB_TOKEN_NUMBER);
    size_t at = end + (percent_at(text, w->len, end) ? 0 : group_space_at(text, w->len, end));
    size_t n = percent_at(text, w->len, at);
    *i = n ? at + n : end;
    return rc == 0 && n ? emit_term(w, "percent", at, at + n) : rc;
}

/* The word an amount's suffix stands for ("bn", "mn", "tn" in any case),
 * or NULL.  Only two-letter ones: "m" and "k" also mean metres and kilo-. */
static const char *amount(const char *suffix)
{
    if ((suffix[1] | 0x20) != 'n')
        return NULL;
    switch (suffix[0] | 0x20) {
    case 'b':
        return "billion";
    case 'm':
        return "million";
    case 't':
        return "trillion";
    default:
        return NULL;
    }
}

/* A word or number starting at byte i.  Its raw bytes, before folding,
 * are its bytes in the text without the commas of thousands groups, so
 * only a word with such a comma is copied (to tk->raw). */
static int word(walk *w, size_t *i)
{
    size_t start = *i, at = *i, commas = 0;
    /* The word's longest prefix made of digits and of the '.' and ','
     * that join them: [start,num_end), holding num_commas commas. */
    size_t num_end = *i, num_commas = 0;
    bool in_num = true;
    int32_t last = -1;
    while (at < w->len) {
        unsigned char b = (unsigned char)w->text[at];
        if (ascii_alnum(b)) {
            /* The bulk of most words: the general case below, made short
             * (ASCII digits sort before letters).  Past the number part,
             * nothing changes until the run of ASCII letters and digits
             * ends. */
            if (in_num && b <= '9') {
                num_end = at + 1;
                num_commas = commas;
            } else {
                in_num = false;
            }
            at++;
            while (!in_num && at < w->len && ascii_alnum((unsigned char)w->text[at]))
                at++;
            last = (unsigned char)w->text[at - 1];
            continue;
        }
        cpoint c = decode_at(w->text, w->len, at);
        if (!is_word(c.cp)) {
            if (last < 0 || at + c.len >= w->len)
                break;
            cpoint next = decode_at(w->text, w->len, at + c.len);
            bool joins = false;
            if (is_apostrophe(c.cp))
                joins = is_letter(last) && is_letter(next.cp);
            else if (c.cp == '_')
                joins = is_word(last) && is_word(next.cp);
            else if (c.cp == '.')
                joins = is_digit(last) && is_digit(next.cp);
            else if (c.cp == ',')
                joins = is_digit(last) && group_comma(w->text, w->len, at);
            else if (is_invisible(c.cp)) /* folded away by fold() */
                joins = is_word(last) && is_word(next.cp);
            if (!joins)
                break;
            commas += c.cp == ',';
        }
        if (in_num && is_digit(c.cp)) {
            num_end = at + c.len;
            num_commas = commas;
        } else if (c.cp != '.' && c.cp != ',') {
            in_num = false;
        }
        last = c.cp;
        at += c.len;
    }
    size_t end = at;
    *i = end;
    const char *raw = w->text + start;
    size_t raw_len = end - start;
    if (commas) {
        /* Every ',' in the word joins a thousands group. */
        if (!kb_grow((void **)&w->tk->raw, &w->tk->raw_cap, raw_len, 1))
            return KB_ERR_NOMEM;
        raw_len = 0;
        for (size_t k = start; k < end; k++)
            if (w->text[k] != ',')
                w->tk->raw[raw_len++] = w->text[k];
        raw = w->tk->raw;
    }
    if (num_end == end)
        return number(w, start, i, raw, raw_len);
    const char *unit = num_end > start && end - num_end == 2 ? amount(w->text + num_end) : NULL;
    if (unit) {
        int rc = emit(w, raw, num_end - start - num_commas, start, num_end, w->pos++,
                      KB_TOKEN_NUMBER);
        return rc ? rc : emit_term(w, unit, num_end, end);
    }
    return emit(w, raw, raw_len, start, end, w->pos++, num_end > start ? KB_TOKEN_NUMBER : 0);
}

kb_status kb_tokenize(kb_tokenizer *tk, const char *text, size_t len,
                      kb_token_fn fn, void *ctx)
{
    walk w = {tk, text, len, fn, ctx, 0};
    size_t i = 0;
    int rc = 0;
    while (i < len && rc == 0) {
        unsigned char b = (unsigned char)text[i];
        if (b < 0x80 && !ascii_alnum(b)) {
            i++; /* ASCII space or punctuation: most of what is between words */
            continue;
        }
        cpoint c = decode_at(text, len, i);
        if (c.cp >= 0 && is_cjk(c.cp)) {
            rc = cjk_run(&w, &i);
        } else if (is_word(c.cp)) {
            bool found = false;
            rc = is_letter(c.cp) ? acronym(&w, &i, &found) : 0;
            if (rc == 0 && !found)
                rc = word(&w, &i);
        } else {
            i += c.len;
        }
    }
    return (kb_status)rc;
}
