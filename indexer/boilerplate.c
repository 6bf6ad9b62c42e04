/* The chrome detector: evidence per line, then per passage, then per run
 * of passages and per file (signals and points in boilerplate.h). */
#include "kbsearch/boilerplate.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "kbsearch/sentence.h"

#define SHORT_LINE_WORDS 20
#define RUN_LINES 3
#define LONG_RUN_LINES 8
#define LEGAL_MAX_WORDS 80
#define PROSE_WORDS 20
#define PROSE_WORDS_PER_LINE 6
#define INLINE_MENU_SEPARATORS 3
#define LINK_LIST 3
/* A first line of fewer words ("Home", "• Education") names a page's menu,
 * not its article. */
#define TITLE_MIN_WORDS 3

typedef struct {
    kb_str t;         /* trimmed */
    unsigned words;
    bool ends;        /* ends a sentence */
    bool linky;       /* a link, a URL or an item list cut by separators */
    unsigned seps;
    unsigned links;   /* items it lists: Markdown links, or separated items */
    bool legal;
    bool item;        /* a list item without a sentence end */
    uint64_t key;     /* hash of its letters and digits, lower-cased; 0: none */
    bool repeated;    /* another line of the file has the same key */
} line_info;

typedef struct {
    unsigned lines;   /* non-blank */
    unsigned words;
    unsigned short_lines; /* an inline menu counts one per item */
    unsigned linky, repeated, items;
    unsigned most_links; /* the most links or items one line lists */
    bool prose, legal, title;
    bool markup;      /* the author marked it as chrome (<nav>, <footer>) */
    bool code;        /* a code block: its shape says nothing of chrome */
    bool anchor;      /* prose that places the article: not a legal notice,
                         not mostly links */
} passage_info;

/* Where `needle` (two bytes or more) first occurs in [p, end), or NULL.
 * memchr finds the candidates for its first byte: glibc's memmem builds a
 * shift table on every call, which costs more than the short lines
 * searched here. */
static const char *find(const char *p, const char *end, const char *needle)
{
    size_t k = strlen(needle);
    for (; end - p >= (ptrdiff_t)k && (p = memchr(p, needle[0], (size_t)(end - p) - k + 1)); p++)
        if (memcmp(p + 1, needle + 1, k - 1) == 0)
            return p;
    return NULL;
}

static bool has(kb_str t, const char *needle)
{
    return find(t.p, t.p + t.n, needle) != NULL;
}

/* Does the ASCII-case-insensitive `needle` (lower case, starting with a
 * letter) occur in t?  Its first letter is tested before strncasecmp is
 * called: this runs at every byte of every line. */
static bool contains_ci(kb_str t, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= t.n; i++)
        if ((t.p[i] | 0x20) == needle[0] && strncasecmp(t.p + i, needle, k) == 0)
            return true;
    return false;
}

/* "Copyright 2024", "Copyright (c) 2024", "Copyright © 2024". */
static bool copyright_year(kb_str t)
{
    static const char word[] = "copyright";
    for (size_t i = 0; i + sizeof word - 1 <= t.n; i++) {
        if ((t.p[i] | 0x20) != word[0] || strncasecmp(t.p + i, word, sizeof word - 1) != 0)
            continue;
        size_t k = i + sizeof word - 1;
        while (k < t.n && (kb_is_space(t.p[k]) || strchr("(cC)", t.p[k])))
            k++;
        if (k + 1 < t.n && memcmp(t.p + k, "\xc2\xa9", 2) == 0)
            k += 2;
        while (k < t.n && kb_is_space(t.p[k]))
            k++;
        unsigned digits = 0;
        while (k + digits < t.n && t.p[k + digits] >= '0' && t.p[k + digits] <= '9')
            digits++;
        if (digits == 4)
            return true;
    }
    return false;
}

/* A hash of the line's letters and digits, lower-cased, so that lines
 * differing only in spacing, punctuation or case compare equal; 0 when
 * there are none.  ASCII is told without utf8proc (its only letters,
 * marks and numbers are A-Z, a-z, 0-9), and the code points are hashed
 * a batch at a time (kb_hash64_add takes its input piece by piece). */
static uint64_t line_key(kb_str t)
{
    uint64_t h = KB_HASH64_INIT;
    bool any = false;
    utf8proc_int32_t batch[32];
    size_t nb = 0;
    for (size_t i = 0; i < t.n;) {
        utf8proc_int32_t cp = (unsigned char)t.p[i];
        if (cp < 0x80) {
            i++;
            if (cp >= 'A' && cp <= 'Z')
                cp += 'a' - 'A';
            else if (!(cp >= 'a' && cp <= 'z') && !(cp >= '0' && cp <= '9'))
                continue;
        } else {
            utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)t.p + i,
                                                  (utf8proc_ssize_t)(t.n - i), &cp);
            if (k <= 0) {
                i++;
                continue;
            }
            i += (size_t)k;
            utf8proc_category_t c = utf8proc_category(cp);
            if (c < UTF8PROC_CATEGORY_LU || c > UTF8PROC_CATEGORY_NO)
                continue; /* letters (L*), marks (M*) and numbers (N*) only */
            cp = utf8proc_tolower(cp);
        }
        batch[nb++] = cp;
        any = true;
        if (nb == sizeof batch / sizeof *batch) {
            h = kb_hash64_add(h, batch, sizeof batch);
            nb = 0;
        }
    }
    if (nb)
        h = kb_hash64_add(h, batch, nb * sizeof *batch);
    return any ? h : 0;
}

static void describe_line(line_info *l, kb_str raw)
{
    l->t = kb_trim(raw);
    l->words = kb_count_words(l->t);
    l->ends = kb_ends_sentence(l->t);
    l->seps = kb_count_separators(l->t);
    l->linky = has(l->t, "](") || has(l->t, "://") || has(l->t, "www.") || l->seps >= 2;
    for (const char *p = l->t.p, *end = l->t.p + l->t.n; (p = find(p, end, "](")) != NULL;
         p += 2)
        l->links++;
    if (l->seps >= 2 && l->seps + 1 > l->links)
        l->links = l->seps + 1;
    l->legal = has(l->t, "\xc2\xa9") || contains_ci(l->t, "all rights reserved") ||
               copyright_year(l->t);
    l->item = kb_is_list_item(l->t) && !l->ends;
    l->key = line_key(l->t);
}

/* A line key and how many lines have it. */
typedef struct {
    uint64_t key; /* 0: an empty slot (no line has key 0 here) */
    unsigned count;
} key_count;

/* The slot of `key` in a table of `cap` slots (a power of two, never
 * full): where it is, or the empty one where it goes. */
static key_count *slot_of(key_count *table, size_t cap, uint64_t key)
{
    size_t i = (size_t)key & (cap - 1);
    while (table[i].key && table[i].key != key)
        i = (i + 1) & (cap - 1);
    return &table[i];
}

/* Marks lines whose key occurs more than once (the title's excepted),
 * counting keys in a hash table: sorting them cost a tenth of the
 * detector's time. */
static bool mark_repeats(line_info *lines, unsigned n, uint64_t title_key)
{
    size_t cap = 16;
    while (cap < 2 * (size_t)n)
        cap *= 2;
    key_count *table = calloc(cap, sizeof *table);
    if (!table)
        return false;
    for (unsigned i = 0; i < n; i++)
        if (lines[i].key && lines[i].key != title_key) {
            key_count *s = slot_of(table, cap, lines[i].key);
            s->key = lines[i].key;
            s->count++;
        }
    for (unsigned i = 0; i < n; i++)
        lines[i].repeated = lines[i].key && lines[i].key != title_key &&
                            slot_of(table, cap, lines[i].key)->count > 1;
    free(table);
    return true;
}

static line_info *describe_lines(const char *text, size_t len, unsigned *count)
{
    unsigned n = 1;
    for (const char *p = text, *end = text + len; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        n++;
    line_info *lines = calloc(n, sizeof *lines);
    if (!lines)
        return NULL;
    size_t start = 0;
    for (unsigned k = 0; k < n; k++) {
        const char *nl = start < len ? memchr(text + start, '\n', len - start) : NULL;
        size_t stop = nl ? (size_t)(nl - text) : len;
        describe_line(&lines[k], (kb_str){text + start, stop - start});
        start = stop + 1;
    }
    *count = n;
    return lines;
}

static void describe_passage(passage_info *pi, const line_info *lines, unsigned nlines,
                             const char *text, const kb_passage *p, uint64_t title_key)
{
    kb_str body = {text + p->body_start, p->byte_end - p->body_start};
    unsigned words = kb_count_words(body);
    memset(pi, 0, sizeof *pi);
    bool first = true;
    for (unsigned i = p->line_start - 1; i < p->line_end && i < nlines; i++) {
        const line_info *l = &lines[i];
        line_info part;
        if (l->t.n && (l->t.p < text + p->byte_start || l->t.p + l->t.n > text + p->byte_end)) {
            /* A window of a long paragraph holds part of this line: judge
             * that part alone (a part is never a repeated line). */
            const char *from = l->t.p < text + p->byte_start ? text + p->byte_start : l->t.p;
            const char *to = l->t.p + l->t.n > text + p->byte_end ? text + p->byte_end
                                                                   : l->t.p + l->t.n;
            memset(&part, 0, sizeof part);
            describe_line(&part, (kb_str){from, (size_t)(to - from)});
            part.key = 0;
            l = &part;
        }
        if (!l->t.n)
            continue;
        if (first && title_key && l->key == title_key && l->words >= TITLE_MIN_WORDS &&
            !l->linky)
            pi->title = true;
        first = false;
        pi->lines++;
        pi->words += l->words;
        if (!l->ends && l->seps >= 2)
            pi->short_lines += l->seps + 1;
        else
            pi->short_lines += l->words <= SHORT_LINE_WORDS && !l->ends;
        pi->items += l->item;
        pi->linky += l->linky;
        if (l->links > pi->most_links)
            pi->most_links = l->links;
        pi->repeated += l->repeated;
        pi->legal |= l->legal;
    }
    pi->legal &= words <= LEGAL_MAX_WORDS;
    /* Counting sentences reads the whole body: it goes last. */
    pi->prose = words >= PROSE_WORDS && pi->words >= PROSE_WORDS_PER_LINE * pi->lines &&
                2 * pi->items <= pi->lines && kb_count_sentences(body) > 0;
    pi->anchor = pi->prose && !pi->legal && 2 * pi->linky <= pi->lines;
    if (pi->prose)
        pi->short_lines = 0;
}

/* A saved page shows itself by a legal line, an inline menu or repeated
 * short lines. */
static bool looks_like_page(const line_info *lines, unsigned n)
{
    unsigned repeated = 0;
    for (unsigned i = 0; i < n; i++) {
        if (lines[i].legal || lines[i].seps >= INLINE_MENU_SEPARATORS)
            return true;
        repeated += lines[i].repeated && lines[i].words <= SHORT_LINE_WORDS;
    }
    return repeated >= 2;
}

static unsigned clamp_score(int points)
{
    return points < 0 ? 0 : points > 100 ? 100 : (unsigned)points;
}

static void judge(const passage_info *pi, size_t n, bool page, kb_chrome *out)
{
    size_t first_anchor = n, last_anchor = n, nanchors = 0;
    /* The article: from the first to the last prose passage, not counting
     * legal notices, which are prose too. */
    for (size_t i = 0; i < n; i++)
        if (pi[i].anchor) {
            if (first_anchor == n)
                first_anchor = i;
            last_anchor = i;
            nanchors++;
        }
    bool placed = page && nanchors >= 2;
    for (size_t i = 0; i < n;) {
        /* A run: consecutive non-prose passages (a prose one is its own). */
        size_t end = i + 1;
        unsigned short_lines = pi[i].short_lines;
        if (!pi[i].prose)
            while (end < n && !pi[end].prose)
                short_lines += pi[end++].short_lines;
        for (size_t k = i; k < end; k++) {
            const passage_info *q = &pi[k];
            unsigned s = 0;
            int points = 0;
            if (q->code) {
                out[k] = q->markup ? (kb_chrome){70, KB_BP_MARKUP} : (kb_chrome){0, 0};
                continue;
            }
            if (q->markup)
                s |= KB_BP_MARKUP, points += 70;
            if (q->short_lines && short_lines >= RUN_LINES) {
                s |= KB_BP_SHORT_LINES, points += 40;
                if (short_lines >= LONG_RUN_LINES)
                    s |= KB_BP_LONG_RUN, points += 20;
            }
            if (!q->prose && q->lines && 2 * q->linky > q->lines)
                s |= KB_BP_LINKS, points += q->most_links >= LINK_LIST ? 30 : 20;
            if (!q->prose && q->lines && 2 * q->repeated > q->lines)
                s |= KB_BP_REPEATED, points += 30;
            if (q->legal)
                s |= KB_BP_LEGAL, points += 80;
            if (placed && k > last_anchor)
                s |= KB_BP_TAIL, points += 30;
            if (placed && k < first_anchor && q->lines >= RUN_LINES &&
                2 * q->words <= 5 * q->lines)
                s |= KB_BP_HEAD, points += 10;
            if (q->prose)
                s |= KB_BP_PROSE, points -= 40;
            if (q->title)
                s |= KB_BP_TITLE, points -= 30;
            out[k] = (kb_chrome){clamp_score(points), s};
        }
        i = end;
    }
}

kb_status kb_boilerplate(const char *text, size_t len, kb_str title,
                         const kb_passage *p, size_t n, kb_chrome *out)
{
    unsigned nlines = 0;
    line_info *lines = describe_lines(text, len, &nlines);
    passage_info *pi = calloc(n ? n : 1, sizeof *pi);
    /* A title that is a menu line ("Home | News | Sport") is no title. */
    uint64_t title_key = kb_count_separators(title) >= 2 ? 0 : line_key(title);
    if (!lines || !pi || !mark_repeats(lines, nlines, title_key)) {
        free(lines);
        free(pi);
        return KB_ERR_NOMEM;
    }
    bool marked = false;
    for (size_t i = 0; i < n; i++) {
        describe_passage(&pi[i], lines, nlines, text, &p[i], title_key);
        pi[i].markup = p[i].flags & KB_PASSAGE_CHROME;
        pi[i].code = p[i].flags & KB_PASSAGE_CODE;
        marked |= pi[i].markup;
    }
    /* A page that marks its furniture says where the article is better
     * than position can: a list closing the article is not its tail. */
    judge(pi, n, !marked && looks_like_page(lines, nlines), out);
    free(lines);
    free(pi);
    return KB_OK;
}

void kb_chrome_reasons(unsigned signals, kb_buf *out)
{
    static const char *const names[] = {"short-lines", "long-run", "links", "repeated", "legal",
                                        "tail", "head", "prose", "title", "markup"};
    bool first = true;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (signals & (1u << i)) {
            kb_buf_printf(out, "%s%s", first ? "" : ",", names[i]);
            first = false;
        }
}
