/* The bytes gumbo parses for an HTML file: UTF-8, whatever the file's
 * encoding, with the way back from each byte to the file's bytes.
 *
 * The encoding comes from a byte-order mark, else from what the document
 * declares in its first 1024 bytes (the HTML5 prescan, simplified), else
 * UTF-8.  UTF-8 is parsed in place (a copy with invalid bytes read as
 * spaces, so offsets need no map).  Any other encoding is transcoded with
 * iconv, one character at a time, recording where each output byte came
 * from; single-byte encodings (most legacy pages) go through a 256-entry
 * table built once per file instead. */
#include "html.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kbsearch/reader.h"
#include "kbsearch/utf8.h"

#define PRESCAN_BYTES 1024
#define NO_CONVERTER ((iconv_t)-1)

static bool html_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool starts_ci(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    return n >= k && strncasecmp(s, word, k) == 0;
}

static bool equals_ci(kb_str s, const char *word)
{
    return s.n == strlen(word) && strncasecmp(s.p, word, s.n) == 0;
}

size_t kb_html_next_attr(const char *s, size_t n, size_t at, kb_html_attr *a)
{
    *a = (kb_html_attr){{NULL, 0}, {NULL, 0}, false};
    bool slash = false;
    for (; at < n && (html_space(s[at]) || s[at] == '/'); at++)
        slash = s[at] == '/';
    if (at >= n || s[at] == '>') {
        a->self_closing = slash && at < n;
        return at;
    }
    size_t name = at++; /* a leading '=' belongs to the name */
    while (at < n && !html_space(s[at]) && s[at] != '/' && s[at] != '>' && s[at] != '=')
        at++;
    a->name = (kb_str){s + name, at - name};
    while (at < n && html_space(s[at]))
        at++;
    if (at >= n || s[at] != '=')
        return at;
    for (at++; at < n && html_space(s[at]); at++)
        ;
    if (at < n && (s[at] == '"' || s[at] == '\'')) {
        const char *close = memchr(s + at + 1, s[at], n - at - 1);
        size_t end = close ? (size_t)(close - s) : n;
        a->value = (kb_str){s + at + 1, end - at - 1};
        return close ? end + 1 : n;
    }
    size_t value = at;
    while (at < n && !html_space(s[at]) && s[at] != '>')
        at++;
    a->value = (kb_str){s + value, at - value};
    return at;
}

/* The charset named in a Content-Type value ("text/html; charset=x"). */
static kb_str charset_in_content(kb_str v)
{
    const char *s = v.p;
    size_t n = v.n;
    for (size_t at = 0; at + 7 <= n;) {
        if (strncasecmp(s + at, "charset", 7) != 0) {
            at++;
            continue;
        }
        at += 7;
        while (at < n && html_space(s[at]))
            at++;
        if (at >= n || s[at] != '=')
            continue;
        for (at++; at < n && html_space(s[at]); at++)
            ;
        if (at < n && (s[at] == '"' || s[at] == '\'')) {
            const char *close = memchr(s + at + 1, s[at], n - at - 1);
            return close ? (kb_str){s + at + 1, (size_t)(close - s) - at - 1} : (kb_str){NULL, 0};
        }
        size_t start = at;
        while (at < n && !html_space(s[at]) && s[at] != ';')
            at++;
        return (kb_str){s + start, at - start};
    }
    return (kb_str){NULL, 0};
}

/* A <meta> tag's charset (its attributes start at `at`), or empty. */
static kb_str meta_charset(const char *s, size_t n, size_t at)
{
    bool pragma = false, need_pragma = false;
    kb_str charset = {NULL, 0};
    kb_html_attr a;
    while ((at = kb_html_next_attr(s, n, at, &a), a.name.n)) {
        if (equals_ci(a.name, "http-equiv")) {
            pragma |= equals_ci(a.value, "content-type");
        } else if (equals_ci(a.name, "charset")) {
            charset = a.value;
            need_pragma = false;
        } else if (equals_ci(a.name, "content") && !charset.p) {
            charset = charset_in_content(a.value);
            need_pragma = charset.p != NULL;
        }
    }
    return need_pragma && !pragma ? (kb_str){NULL, 0} : charset;
}

/* Where the tag or markup at `at` (a '<') ends. */
static size_t skip_markup(const char *s, size_t n, size_t at)
{
    if (starts_ci(s + at, n - at, "<!--")) {
        for (size_t i = at + 2; i + 3 <= n; i++)
            if (memcmp(s + i, "-->", 3) == 0)
                return i + 3;
        return n;
    }
    size_t name = at + (at + 1 < n && s[at + 1] == '/') + 1;
    if (name < n && alpha(s[name])) {
        while (name < n && !html_space(s[name]) && s[name] != '>')
            name++;
        kb_html_attr a;
        while ((name = kb_html_next_attr(s, n, name, &a), a.name.n))
            ;
        return name < n ? name + 1 : n;
    }
    const char *gt = memchr(s + at, '>', n - at);
    return gt ? (size_t)(gt - s) + 1 : n;
}

/* The encoding a document declares in its first bytes (an XML
 * declaration's encoding, else the HTML5 prescan's <meta charset> or
 * <meta http-equiv="Content-Type" content="...; charset=...">), as
 * written, or an empty string. */
static kb_str declared_charset(const char *s, size_t n)
{
    if (n > PRESCAN_BYTES)
        n = PRESCAN_BYTES;
    kb_html_attr a;
    if (starts_ci(s, n, "<?xml") && n > 5 && html_space(s[5]))
        for (size_t at = 5; (at = kb_html_next_attr(s, n, at, &a), a.name.n);)
            if (equals_ci(a.name, "encoding"))
                return a.value;
    for (size_t at = 0; at < n;) {
        const char *lt = memchr(s + at, '<', n - at);
        if (!lt)
            break;
        at = (size_t)(lt - s);
        if (starts_ci(s + at, n - at, "<meta") && at + 5 < n &&
            (html_space(s[at + 5]) || s[at + 5] == '/')) {
            kb_str c = meta_charset(s, n, at + 5);
            if (c.n)
                return c;
        }
        bool markup = at + 1 < n && (alpha(s[at + 1]) || strchr("!/?", s[at + 1]));
        at = markup ? skip_markup(s, n, at) : at + 1;
    }
    return (kb_str){NULL, 0};
}

/* Labels browsers read as another encoding than iconv's of that name, or
 * that iconv does not know (WHATWG Encoding: Latin-1 and ASCII are read as
 * windows-1252, Shift_JIS as Microsoft's CP932, GBK as GB18030; a page
 * that declares UTF-16 in ASCII bytes is not UTF-16).  NULL: UTF-8. */
static const struct {
    const char *label, *encoding;
} aliases[] = {
    {"ansi_x3.4-1968", "WINDOWS-1252"}, {"ascii", "WINDOWS-1252"},
    {"cp819", "WINDOWS-1252"}, {"csisolatin1", "WINDOWS-1252"},
    {"ibm819", "WINDOWS-1252"}, {"iso-8859-1", "WINDOWS-1252"},
    {"iso-ir-100", "WINDOWS-1252"}, {"iso8859-1", "WINDOWS-1252"},
    {"iso88591", "WINDOWS-1252"}, {"iso_8859-1", "WINDOWS-1252"},
    {"iso_8859-1:1987", "WINDOWS-1252"}, {"l1", "WINDOWS-1252"},
    {"latin1", "WINDOWS-1252"}, {"us-ascii", "WINDOWS-1252"},
    {"x-cp1252", "WINDOWS-1252"}, {"x-user-defined", "WINDOWS-1252"},
    {"iso-8859-9", "WINDOWS-1254"}, {"iso8859-9", "WINDOWS-1254"},
    {"l5", "WINDOWS-1254"}, {"latin5", "WINDOWS-1254"},
    {"iso-8859-11", "WINDOWS-874"}, {"tis-620", "WINDOWS-874"},
    {"csshiftjis", "CP932"}, {"ms932", "CP932"}, {"ms_kanji", "CP932"},
    {"shift-jis", "CP932"}, {"shift_jis", "CP932"}, {"sjis", "CP932"},
    {"windows-31j", "CP932"}, {"x-sjis", "CP932"},
    {"cseuckr", "CP949"}, {"euc-kr", "CP949"}, {"korean", "CP949"},
    {"ks_c_5601-1987", "CP949"}, {"windows-949", "CP949"},
    {"chinese", "GB18030"}, {"csgb2312", "GB18030"}, {"gb2312", "GB18030"},
    {"gb_2312", "GB18030"}, {"gb_2312-80", "GB18030"}, {"gbk", "GB18030"},
    {"iso-ir-58", "GB18030"}, {"x-gbk", "GB18030"},
    {"big5", "BIG5-HKSCS"}, {"cn-big5", "BIG5-HKSCS"}, {"csbig5", "BIG5-HKSCS"},
    {"x-x-big5", "BIG5-HKSCS"},
    {"csmacintosh", "MACINTOSH"}, {"mac", "MACINTOSH"}, {"x-mac-roman", "MACINTOSH"},
    {"x-mac-cyrillic", "MAC-CYRILLIC"},
    {"unicode-1-1-utf-8", NULL}, {"unicode11utf8", NULL}, {"unicode20utf8", NULL},
    {"utf8", NULL}, {"x-unicode20utf8", NULL},
    {"csunicode", NULL}, {"iso-10646-ucs-2", NULL}, {"ucs-2", NULL}, {"unicode", NULL},
    {"unicodefeff", NULL}, {"unicodefffe", NULL},
};

/* The iconv name for a declared label: NULL for UTF-8, "" when the label
 * cannot be an encoding's name.  `name` receives the lower-cased label. */
static const char *encoding_name(kb_str label, char name[32])
{
    while (label.n && html_space(*label.p))
        label.p++, label.n--;
    while (label.n && html_space(label.p[label.n - 1]))
        label.n--;
    if (label.n == 0 || label.n >= 32)
        return "";
    for (size_t i = 0; i < label.n; i++) {
        char c = label.p[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-_.:", c)))
            return ""; /* no iconv suffixes such as "//TRANSLIT" */
        name[i] = c;
    }
    name[label.n] = '\0';
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
        if (!strcmp(name, aliases[i].label))
            return aliases[i].encoding;
    if (!strcmp(name, "utf-8") || !strncmp(name, "utf-", 4))
        return NULL; /* the declaration itself was read as ASCII */
    return name;
}

/* Does the converter read printable ASCII as itself?  (A declaration was
 * found by reading the bytes as ASCII: EBCDIC or UTF-32 cannot be right.) */
static bool ascii_compatible(iconv_t cd)
{
    char in[97], out[400];
    for (int c = 0x20; c < 0x7f; c++)
        in[c - 0x20] = (char)c;
    memcpy(in + 95, "\t\n", 2);
    char *ip = in, *op = out;
    size_t il = sizeof in, ol = sizeof out;
    iconv(cd, NULL, NULL, NULL, NULL);
    size_t r = iconv(cd, &ip, &il, &op, &ol);
    iconv(cd, NULL, NULL, NULL, NULL);
    return r != (size_t)-1 && sizeof out - ol == sizeof in && memcmp(in, out, sizeof in) == 0;
}

/* The converter for what the document declares, or NO_CONVERTER for
 * UTF-8.  An unknown label: UTF-8 if the bytes are valid UTF-8, else
 * windows-1252 (what browsers fall back to for Western pages). */
static iconv_t declared_converter(const char *s, size_t n)
{
    char buf[32];
    kb_str label = declared_charset(s, n);
    const char *name = label.n ? encoding_name(label, buf) : NULL;
    if (!name)
        return NO_CONVERTER;
    iconv_t cd = *name ? iconv_open("UTF-8", name) : NO_CONVERTER;
    if (cd != NO_CONVERTER && ascii_compatible(cd))
        return cd;
    if (cd != NO_CONVERTER)
        iconv_close(cd);
    if (kb_utf8_valid(s, n, NULL))
        return NO_CONVERTER;
    return iconv_open("UTF-8", "WINDOWS-1252");
}

/* Grows in->buf and in->map to hold `more` bytes beyond in->len (and the
 * map's last entry). */
static bool reserve(kb_html_input *in, size_t *cap, size_t more)
{
    if (more > SIZE_MAX / sizeof *in->map - 2 - in->len)
        return false;
    if (in->len + more + 1 <= *cap)
        return true;
    size_t want = *cap ? *cap : 64;
    while (want < in->len + more + 1)
        want = want > SIZE_MAX / (2 * sizeof *in->map) ? in->len + more + 1 : want * 2;
    char *buf = realloc(in->buf, want);
    if (buf)
        in->buf = buf;
    size_t *map = realloc(in->map, want * sizeof *map);
    if (map)
        in->map = map;
    if (!buf || !map)
        return false;
    *cap = want;
    return true;
}

/* Appends `n` converted bytes that came from source byte `from`. */
static void put(kb_html_input *in, const char *p, size_t n, size_t from)
{
    memcpy(in->buf + in->len, p, n);
    for (size_t i = 0; i < n; i++)
        in->map[in->len + i] = from;
    in->len += n;
}

/* A byte the encoding has no character for: a space, reported. */
static void bad_byte(kb_extract *x, kb_html_input *in, size_t at)
{
    put(in, " ", 1, at);
    kb_extract_bad_bytes(x, at, 1);
}

typedef struct {
    char out[256][8];
    signed char len[256]; /* bytes of out, -1: no character */
} byte_table;

/* Fills *t when the encoding is one byte per character; false when some
 * byte starts a longer sequence. */
static bool single_byte(iconv_t cd, byte_table *t)
{
    bool ok = true;
    for (int c = 0; c < 256 && ok; c++) {
        char in = (char)c, *ip = &in, *op = t->out[c];
        size_t il = 1, ol = sizeof t->out[c];
        iconv(cd, NULL, NULL, NULL, NULL);
        size_t r = iconv(cd, &ip, &il, &op, &ol);
        if (r != (size_t)-1)
            r = iconv(cd, NULL, NULL, &op, &ol); /* what a composing converter holds */
        ok = r != (size_t)-1 || errno == EILSEQ;
        t->len[c] = (signed char)(r == (size_t)-1 ? -1 : (int)(sizeof t->out[c] - ol));
    }
    iconv(cd, NULL, NULL, NULL, NULL);
    return ok;
}

static kb_status by_table(kb_extract *x, kb_html_input *in, const byte_table *t, size_t start)
{
    size_t cap = 0;
    const unsigned char *s = (const unsigned char *)x->src;
    if (!reserve(in, &cap, 0))
        return KB_ERR_NOMEM;
    for (size_t i = start; i < x->src_len; i++) {
        if (!reserve(in, &cap, sizeof t->out[0]))
            return KB_ERR_NOMEM;
        if (t->len[s[i]] < 0)
            bad_byte(x, in, i);
        else
            put(in, t->out[s[i]], (size_t)t->len[s[i]], i);
    }
    return KB_OK;
}

/* Multi-byte and stateful encodings (Shift_JIS, GB18030, UTF-16, ISO-2022):
 * iconv one character at a time, given one more byte until it is whole. */
static kb_status by_character(kb_extract *x, kb_html_input *in, iconv_t cd, size_t start)
{
    enum { LONGEST = 8, ROOM = 64 }; /* input bytes of a character; output room */
    size_t cap = 0, n = x->src_len;
    for (size_t i = start, k = 1; i < n;) {
        if (!reserve(in, &cap, ROOM))
            return KB_ERR_NOMEM;
        char *ip = (char *)x->src + i, *op = in->buf + in->len;
        size_t il = k, ol = ROOM;
        size_t r = iconv(cd, &ip, &il, &op, &ol);
        size_t used = k - il, made = ROOM - ol;
        for (size_t b = 0; b < made; b++)
            in->map[in->len + b] = i;
        in->len += made;
        if (used) {
            i += used;
            k = 1;
        } else if (r == (size_t)-1 && errno == EINVAL && k < LONGEST && i + k < n) {
            k++; /* an incomplete character: one more byte */
        } else if (r == (size_t)-1) {
            bad_byte(x, in, i++);
            k = 1;
        } else {
            i += k; /* nothing consumed yet "done": never loop */
            k = 1;
        }
    }
    if (!reserve(in, &cap, ROOM))
        return KB_ERR_NOMEM;
    char *op = in->buf + in->len;
    size_t ol = ROOM;
    iconv(cd, NULL, NULL, &op, &ol); /* a shift back to the initial state */
    for (size_t b = 0; b < ROOM - ol; b++)
        in->map[in->len + b] = n;
    in->len += ROOM - ol;
    return KB_OK;
}

/* The UTF-8 bytes from `start` on, invalid ones read as spaces. */
static kb_status from_utf8(kb_extract *x, kb_html_input *in, size_t start)
{
    size_t n = x->src_len - start, repaired, first_bad;
    in->buf = malloc(n + 1);
    if (!in->buf)
        return KB_ERR_NOMEM;
    memcpy(in->buf, x->src + start, n);
    in->len = n;
    in->base = start;
    kb_text_repair(in->buf, n, &repaired, &first_bad);
    if (repaired) {
        kb_extract_bad_bytes(x, start + first_bad, repaired);
        in->changed = true;
    }
    return KB_OK;
}

static bool all_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

static kb_status transcode(kb_extract *x, kb_html_input *in, iconv_t cd, size_t start)
{
    byte_table *t = malloc(sizeof *t);
    if (!t)
        return KB_ERR_NOMEM;
    kb_status st;
    if (!single_byte(cd, t)) {
        st = by_character(x, in, cd, start);
    } else if (all_ascii(x->src + start, x->src_len - start)) {
        st = from_utf8(x, in, start); /* the common declared-but-ASCII page */
    } else {
        st = by_table(x, in, t, start);
    }
    free(t);
    if (!st && in->map)
        in->map[in->len] = x->src_len;
    return st;
}

kb_status kb_html_input_make(kb_extract *x, kb_html_input *in)
{
    *in = (kb_html_input){NULL, 0, 0, NULL, false};
    const char *s = x->src;
    size_t n = x->src_len, start = 0;
    iconv_t cd = NO_CONVERTER;
    if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
        start = 3;
    else if (n >= 2 && (memcmp(s, "\xff\xfe", 2) == 0 || memcmp(s, "\xfe\xff", 2) == 0))
        cd = iconv_open("UTF-8", s[0] == '\xff' ? "UTF-16LE" : "UTF-16BE");
    if (cd != NO_CONVERTER) {
        start = 2; /* UTF-16 has NULs: its mark says it is text */
    } else {
        size_t sniff = n - start < KB_BINARY_SNIFF ? n - start : KB_BINARY_SNIFF;
        if (memchr(s + start, '\0', sniff)) {
            kb_extract_fail(x, "binary data, not HTML");
            return KB_ERR_FORMAT;
        }
        if (!start)
            cd = declared_converter(s, n);
    }
    kb_status st = cd == NO_CONVERTER ? from_utf8(x, in, start) : transcode(x, in, cd, start);
    if (cd != NO_CONVERTER)
        iconv_close(cd);
    if (st) {
        kb_html_input_free(in);
        return st;
    }
    if (kb_html_flatten(in->buf, in->len))
        in->changed = true;
    return KB_OK;
}

void kb_html_input_free(kb_html_input *in)
{
    free(in->buf);
    free(in->map);
    *in = (kb_html_input){NULL, 0, 0, NULL, false};
}
