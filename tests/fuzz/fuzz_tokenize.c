/* fuzz_tokenize.c — libFuzzer target for the tokenizer (tokenize.h).
 *
 * Every input, valid UTF-8 or not, is tokenized and every token is checked
 * against the contract in tokenize.h: its byte range lies inside the input
 * and tokens come in text order; its term is 1..KB_TERM_MAX bytes,
 * NUL-terminated and valid UTF-8.  A broken invariant calls abort(), which
 * libFuzzer reports as a crash with the input that caused it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "kbsearch/tokenize.h"
#include "kbsearch/utf8.h"

#include "check.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The one place a static is acceptable: libFuzzer's entry points take no
 * context, so state that outlives one input has nowhere else to live.  The
 * tokenizer is created once and reused, as kbindex reuses one for every
 * passage, so its scratch buffers carry over from input to input.  It is
 * never freed; LeakSanitizer does not report memory reachable from a
 * static. */
static kb_tokenizer *tokenizer;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (kb_tokenizer_new(&tokenizer)) {
        fprintf(stderr, "fuzz_tokenize: setup failed: out of memory\n");
        abort();
    }
    return 0;
}

/* What the previous token left, to check the order of the next one. */
typedef struct {
    size_t len;        /* bytes in the input */
    size_t ntokens;
    size_t last_start;
    unsigned last_pos;
} walk;

static int check_token(void *ctx, const kb_token *tok)
{
    walk *w = ctx;
    CHECK(tok->start < tok->end);
    CHECK(tok->end <= w->len);
    CHECK(tok->term != NULL);
    CHECK(tok->term_len >= 1 && tok->term_len <= KB_TERM_MAX);
    CHECK(tok->term[tok->term_len] == '\0');
    CHECK(kb_utf8_valid(tok->term, tok->term_len, NULL));
    if (w->ntokens > 0) {
        CHECK(tok->start >= w->last_start);
        CHECK(tok->pos >= w->last_pos);
    }
    w->ntokens++;
    w->last_start = tok->start;
    w->last_pos = tok->pos;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    walk w = {size, 0, 0, 0};
    kb_status st = kb_tokenize(tokenizer, (const char *)data, size, check_token, &w);
    CHECK(st == KB_OK || st == KB_ERR_NOMEM);
    return 0;
}
