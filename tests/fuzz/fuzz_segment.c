/* fuzz_segment.c — libFuzzer target for what kbindex does to a file's text:
 * the segmenter (segment.h), then the boilerplate scorer (boilerplate.h)
 * over its passages, and the acronym finder (acronym.h) over the same text.
 *
 * The first byte picks the file name, so every text format's reader is
 * reached: its value modulo 4 gives .txt, .md, .rst, .org ('0' to '3' in
 * the seeds).  The rest is the file's text.
 *
 * kbindex segments only valid UTF-8 without NUL bytes (it skips other
 * files), so the target first makes the text so: each NUL and each byte
 * that starts no valid sequence becomes U+FFFD, as an editor shows it.
 * Repairing rather than returning early keeps the inputs libFuzzer's byte
 * flips spoil (most of them, once the text holds any non-ASCII) useful:
 * they still reach the segmenter, with a change at the spot it flipped.
 * The repaired text sits in a buffer of exactly its size plus the NUL
 * readers may rely on (extract.h), so ASan catches a read past that.
 *
 * The results are checked against the contracts in those headers; a broken
 * invariant calls abort(), which libFuzzer reports as a crash with the
 * input that caused it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/acronym.h"
#include "kbsearch/boilerplate.h"
#include "kbsearch/buf.h"
#include "kbsearch/format.h"
#include "kbsearch/segment.h"
#include "kbsearch/tokenize.h"
#include "kbsearch/utf8.h"

#include "check.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The one place a static is acceptable: libFuzzer's entry points take no
 * context, so state that outlives one input has nowhere else to live.  The
 * tokenizer is created once and reused, as kbindex reuses one for every
 * file.  It is never freed; LeakSanitizer does not report memory reachable
 * from a static. */
static kb_tokenizer *tokenizer;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (kb_tokenizer_new(&tokenizer)) {
        fprintf(stderr, "fuzz_segment: setup failed: out of memory\n");
        abort();
    }
    return 0;
}

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

/* Writes the repaired form of data[0..n) to out (NULL: only measures);
 * returns its length. */
static size_t repair(const char *data, size_t n, char *out)
{
    size_t len = 0;
    while (n > 0) {
        size_t good = n, bad = 0;
        if (!kb_utf8_valid(data, n, &bad))
            good = bad;
        const char *nul = memchr(data, '\0', good);
        if (nul)
            good = (size_t)(nul - data);
        if (out)
            memcpy(out + len, data, good);
        len += good;
        if (good == n)
            break;
        if (out)
            memcpy(out + len, replacement, sizeof replacement - 1);
        len += sizeof replacement - 1;
        data += good + 1;
        n -= good + 1;
    }
    return len;
}

typedef struct {
    const char *text;
    size_t len;
    kb_passage *p;
    size_t n, cap;
} passages;

static bool slice_in(const char *text, size_t len, kb_str s)
{
    return s.n == 0 || (s.p >= text && s.n <= len && (size_t)(s.p - text) <= len - s.n);
}

static unsigned newlines(const char *text, size_t from, size_t to)
{
    unsigned k = 0;
    for (size_t i = from; i < to; i++)
        k += text[i] == '\n';
    return k;
}

static int check_passage(void *ctx, const kb_passage *p)
{
    passages *ps = ctx;
    CHECK(p->byte_start < p->byte_end && p->byte_end <= ps->len);
    CHECK(ps->n == 0 || ps->p[ps->n - 1].byte_end <= p->byte_start);
    CHECK(p->body_start >= p->byte_start && p->body_start <= p->byte_end);
    CHECK(p->line_start == newlines(ps->text, 0, p->byte_start) + 1);
    CHECK(p->line_end == p->line_start + newlines(ps->text, p->byte_start, p->byte_end - 1));
    /* Windows of a long paragraph are cut between characters. */
    CHECK(kb_utf8_valid(ps->text + p->byte_start, p->byte_end - p->byte_start, NULL));
    CHECK(slice_in(ps->text, ps->len, p->heading));
    CHECK(kb_utf8_valid(p->heading.p, p->heading.n, NULL));
    if (!kb_grow((void **)&ps->p, &ps->cap, ps->n + 1, sizeof *ps->p))
        return KB_ERR_NOMEM;
    ps->p[ps->n++] = *p;
    return 0;
}

static int check_acronym(void *ctx, const char *acronym, size_t alen, const char *expansion,
                         size_t elen)
{
    (void)ctx;
    CHECK(alen >= 1 && kb_utf8_valid(acronym, alen, NULL));
    CHECK(elen >= 1 && kb_utf8_valid(expansion, elen, NULL));
    CHECK(expansion[0] != ' ' && expansion[elen - 1] != ' ');
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"notes.txt", "notes.md", "notes.rst", "notes.org"};
    const char *name = names[size ? data[0] % 4 : 0];
    const char *raw = size ? (const char *)data + 1 : "";
    size_t rawlen = size ? size - 1 : 0;
    size_t len = repair(raw, rawlen, NULL);
    char *text = malloc(len + 1);
    if (!text)
        return 0;
    text[len] = '\0';
    CHECK(repair(raw, rawlen, text) == len);
    CHECK(kb_utf8_valid(text, len, NULL) && !memchr(text, '\0', len));

    const kb_format *f = kb_format_for_path(name);
    kb_extract x;
    kb_extract_init(&x, text, len);
    kb_status st = f->read(&x);
    CHECK(st == KB_OK || st == KB_ERR_NOMEM);
    const char *xt = kb_extract_text(&x);
    size_t xl = kb_extract_len(&x);
    passages ps = {xt, xl, NULL, 0, 0};
    kb_str title = {NULL, 1}; /* poisoned: kb_segment must set it */
    if (st == KB_OK)
        st = kb_segment(&x, f->guess_headings, check_passage, &ps, &title);
    CHECK(st == KB_OK || st == KB_ERR_NOMEM);
    if (st == KB_OK) {
        CHECK(title.p != NULL || title.n == 0);
        CHECK(slice_in(xt, xl, title) || slice_in(x.title.data, x.title.len, title));
        CHECK(title.n <= 120 && kb_utf8_valid(title.p, title.n, NULL));
        kb_chrome *chrome = malloc((ps.n ? ps.n : 1) * sizeof *chrome);
        if (chrome && kb_boilerplate(xt, xl, title, ps.p, ps.n, chrome) == KB_OK) {
            kb_buf reasons = KB_BUF_INIT;
            for (size_t i = 0; i < ps.n; i++) {
                CHECK(chrome[i].score <= 100);
                CHECK(chrome[i].signals < KB_BP_MARKUP << 1);
                kb_chrome_reasons(chrome[i].signals, &reasons);
                CHECK((chrome[i].signals == 0) == (reasons.len == 0));
                kb_buf_reset(&reasons);
            }
            kb_buf_free(&reasons);
        }
        free(chrome);
    }
    st = kb_find_acronyms(tokenizer, text, len, check_acronym, NULL);
    CHECK(st == KB_OK || st == KB_ERR_NOMEM);
    kb_extract_free(&x);
    free(ps.p);
    free(text);
    return 0;
}
