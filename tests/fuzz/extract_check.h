/* extract_check.h — the fuzz targets' checks of a reader's extract
 * against extract.h (one copy for every reader's target): runs in order in
 * the text and in the source, in bounds, verbatim ones equal to their
 * source, each at the line and column its source offset has; every word
 * made only of verbatim runs has its letters, in order, where it maps;
 * marks in bounds and sorted, headings of level 1..6 with their label
 * inside, chrome marks never overlapping each other, nor code marks. */
#ifndef KBSEARCH_FUZZ_EXTRACT_CHECK_H
#define KBSEARCH_FUZZ_EXTRACT_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "kbsearch/extract.h"

#include "check.h"

static inline bool word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Where text offset `off` maps in the source (as kb_record_place does). */
static inline size_t map(const kb_extract *x, size_t off, bool end)
{
    const kb_run *r = &x->runs[kb_extract_run_at(x, off, end)];
    if (off <= r->text)
        return r->src;
    if (r->verbatim)
        return r->src + (off - r->text < r->len ? off - r->text : r->len);
    return off >= r->text + r->len ? r->src + r->src_len : r->src;
}

static inline void check_extract_runs(const kb_extract *x)
{
    const char *t = kb_extract_text(x);
    size_t len = kb_extract_len(x), at = 0;
    unsigned line = 1;
    kb_column col = {0, 0, 0}; /* of source offset `at` */
    for (size_t i = 0; i < x->nruns; i++) {
        const kb_run *r = &x->runs[i];
        CHECK(r->len > 0 && r->text + r->len <= len);
        CHECK(r->src + r->src_len <= x->src_len);
        if (i > 0) {
            CHECK(r->text >= x->runs[i - 1].text + x->runs[i - 1].len);
            CHECK(r->src >= x->runs[i - 1].src + x->runs[i - 1].src_len);
        }
        CHECK(!r->verbatim ||
              (r->len == r->src_len && memcmp(t + r->text, x->src + r->src, r->len) == 0));
        for (const char *nl; (nl = memchr(x->src + at, '\n', r->src - at));) {
            line++;
            col = (kb_column){0, 0, 0};
            at = (size_t)(nl - x->src) + 1;
        }
        kb_column_advance(&col, x->src + at, r->src - at);
        at = r->src;
        CHECK(r->line == line && r->col.bytes == col.bytes && r->col.cps == col.cps &&
              r->col.utf16 == col.utf16);
    }
}

/* A word's letters lie, in order, where it maps (markup between them). */
static inline void check_extract_words(const kb_extract *x)
{
    const char *t = kb_extract_text(x);
    size_t len = kb_extract_len(x), r = 0;
    for (size_t i = 0; i < len;) {
        if (!word_byte((unsigned char)t[i])) {
            i++;
            continue;
        }
        size_t end = i;
        bool verbatim = true;
        for (; end < len && word_byte((unsigned char)t[end]); end++) {
            while (r < x->nruns && x->runs[r].text + x->runs[r].len <= end)
                r++;
            verbatim = verbatim && r < x->nruns && x->runs[r].text <= end && x->runs[r].verbatim;
        }
        if (verbatim) {
            size_t s = map(x, i, false), e = map(x, end, true), k = i;
            CHECK(s <= e);
            for (size_t j = s; j < e && k < end; j++)
                if (x->src[j] == t[k])
                    k++;
            CHECK(k == end);
        }
        i = end;
    }
}

static inline void check_extract_marks(const kb_extract *x)
{
    size_t len = kb_extract_len(x), chrome_end = 0, code_end = 0;
    for (size_t i = 0; i < x->nmarks; i++) {
        const kb_mark *m = &x->marks[i];
        CHECK(m->start < m->end && m->end <= len);
        CHECK(m->label_start >= m->start && m->label_end <= m->end);
        CHECK(!i || x->marks[i - 1].start <= m->start);
        if (m->kind == KB_MARK_HEADING)
            CHECK(m->value >= 1 && m->value <= 6);
        if (m->kind == KB_MARK_CHROME) {
            CHECK(m->start >= chrome_end);
            chrome_end = m->end;
        }
        if (m->kind == KB_MARK_CODE) {
            CHECK(m->start >= code_end);
            code_end = m->end;
        }
    }
}

#endif
