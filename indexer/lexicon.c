/* The spelling and synonym tables (see include/kbsearch/lexicon.h). */
#include "kbsearch/lexicon.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbsearch/acronym.h"
#include "kbsearch/buf.h"
#include "kbsearch/record.h"

struct kb_lexicon {
    kb_db *db;
    kb_tokenizer *tk;
    kb_buf words;       /* counted words, each NUL-terminated */
    size_t *at;         /* their offsets in words */
    size_t nat, at_cap;
    bool dirty;         /* a file's acronym definitions changed */
    kb_buf scratch;
    kb_buf error;
};

kb_status kb_lexicon_new(kb_db *db, kb_tokenizer *tk, kb_lexicon **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return KB_ERR_NOMEM;
    (*out)->db = db;
    (*out)->tk = tk;
    return KB_OK;
}

void kb_lexicon_free(kb_lexicon *lx)
{
    if (!lx)
        return;
    kb_buf_free(&lx->words);
    free(lx->at);
    kb_buf_free(&lx->scratch);
    kb_buf_free(&lx->error);
    free(lx);
}

const char *kb_lexicon_last_error(const kb_lexicon *lx)
{
    return lx->error.len ? lx->error.data : "";
}

static kb_status engine_error(kb_lexicon *lx, kb_status st, const char *what)
{
    kb_buf_reset(&lx->error);
    kb_buf_printf(&lx->error, "%s: %s", what, kb_db_last_error(lx->db));
    return st;
}

kb_status kb_lexicon_word(kb_lexicon *lx, const char *term, size_t len, unsigned flags)
{
    if (flags & (KB_TOKEN_NUMBER | KB_TOKEN_CJK))
        return KB_OK;
    if (!kb_grow((void **)&lx->at, &lx->at_cap, lx->nat + 1, sizeof *lx->at))
        return KB_ERR_NOMEM;
    lx->at[lx->nat++] = lx->words.len;
    kb_buf_add(&lx->words, term, len);
    kb_buf_add(&lx->words, "", 1);
    return kb_buf_status(&lx->words);
}

static int count_token(void *ctx, const kb_token *t)
{
    return kb_lexicon_word(ctx, t->term, t->term_len, t->flags);
}

kb_status kb_lexicon_count(kb_lexicon *lx, const char *text, size_t len)
{
    return kb_tokenize(lx->tk, text, len, count_token, lx);
}

/* qsort has no context argument: the offsets are sorted as pointers. */
static int by_word(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

kb_status kb_lexicon_flush(kb_lexicon *lx, int sign)
{
    kb_status st = KB_OK;
    const char **w = malloc((lx->nat ? lx->nat : 1) * sizeof *w);
    if (!w)
        st = KB_ERR_NOMEM;
    for (size_t i = 0; w && i < lx->nat; i++)
        w[i] = lx->words.data + lx->at[i];
    if (w && lx->nat)
        qsort(w, lx->nat, sizeof *w, by_word);
    for (size_t i = 0; w && i < lx->nat && !st;) {
        size_t j = i + 1;
        while (j < lx->nat && strcmp(w[j], w[i]) == 0)
            j++;
        unsigned n = (unsigned)(j - i);
        st = sign > 0 ? kb_db_add_spelling(lx->db, w[i], strlen(w[i]), n)
                      : kb_db_remove_spelling(lx->db, w[i], strlen(w[i]), n);
        if (st)
            engine_error(lx, st, "updating the spelling table");
        i = j;
    }
    free(w);
    lx->nat = 0;
    kb_buf_reset(&lx->words);
    return st;
}

static int count_passage(void *ctx, unsigned docid, const char *data, size_t len)
{
    (void)docid;
    kb_lexicon *lx = ctx;
    kb_record r;
    if (kb_record_decode(data, len, &r) != KB_OK)
        return KB_OK; /* a damaged record: its words cannot be known */
    return kb_lexicon_count(lx, r.text.p, r.text.n);
}

kb_status kb_lexicon_forget(kb_lexicon *lx, const char *term, size_t len)
{
    kb_status st = kb_db_each_doc(lx->db, term, len, count_passage, lx);
    if (st) {
        lx->nat = 0;
        kb_buf_reset(&lx->words);
        return st == KB_ERR_NOMEM ? st : engine_error(lx, st, "reading a file's passages");
    }
    return kb_lexicon_flush(lx, -1);
}

static int add_definition(void *ctx, const char *acronym, size_t alen, const char *expansion,
                          size_t elen)
{
    kb_buf *b = ctx;
    kb_buf_add(b, acronym, alen);
    kb_buf_add(b, "\t", 1);
    kb_buf_add(b, expansion, elen);
    kb_buf_add(b, "\n", 1);
    return kb_buf_status(b);
}

kb_status kb_lexicon_file_acronyms(kb_lexicon *lx, const char *rel, const char *text,
                                   size_t len, bool indexed_before)
{
    kb_buf *defs = &lx->scratch;
    kb_buf_reset(defs);
    kb_status st = text ? kb_find_acronyms(lx->tk, text, len, add_definition, defs) : KB_OK;
    kb_buf key = KB_BUF_INIT;
    kb_buf_printf(&key, KB_ACRONYM_META_PREFIX "%s", rel);
    char *old = NULL;
    size_t old_len = 0;
    if (!st)
        st = kb_buf_status(&key);
    if (!st && indexed_before && (st = kb_db_get_meta(lx->db, key.data, &old, &old_len)))
        engine_error(lx, st, "reading acronym definitions");
    if (!st && (old_len != defs->len || (old_len && memcmp(old, defs->data, old_len) != 0))) {
        /* The stored hash is spoiled in the same commit as the definition,
         * so a run killed before the rebuild still leaves a rebuild due. */
        if (!lx->dirty && (st = kb_db_set_meta(lx->db, KB_META_SYNONYMS_HASH, KB_SYNONYMS_STALE,
                                               strlen(KB_SYNONYMS_STALE))))
            engine_error(lx, st, "recording the index metadata");
        lx->dirty = true;
        if (!st && (st = kb_db_set_meta(lx->db, key.data, defs->len ? defs->data : "", defs->len)))
            engine_error(lx, st, "recording acronym definitions");
    }
    free(old);
    kb_buf_free(&key);
    return st;
}

/* Adds key -> value to the synonym table. */
static kb_status synonym(kb_lexicon *lx, const char *k, size_t kn, const char *v, size_t vn)
{
    if (kn == 0 || vn == 0 || (kn == vn && memcmp(k, v, kn) == 0))
        return KB_OK;
    kb_status st = kb_db_add_synonym(lx->db, k, kn, v, vn);
    return st ? engine_error(lx, st, "updating the synonym table") : KB_OK;
}

/* Each "acronym\texpansion" line of a file's definitions, both ways. */
static int add_file_definitions(void *ctx, const char *key, const char *value, size_t len)
{
    (void)key;
    kb_lexicon *lx = ctx;
    kb_status st = KB_OK;
    for (size_t i = 0; i < len && !st;) {
        const char *nl = memchr(value + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - value) : len;
        const char *tab = memchr(value + i, '\t', end - i);
        if (tab) {
            size_t a = (size_t)(tab - value);
            st = synonym(lx, value + i, a - i, tab + 1, end - a - 1);
            if (!st)
                st = synonym(lx, tab + 1, end - a - 1, value + i, a - i);
        }
        i = end + 1;
    }
    return st;
}

static int join_token(void *ctx, const kb_token *t)
{
    kb_buf *b = ctx;
    if (t->flags & KB_TOKEN_BIGRAM)
        return 0; /* a CJK form is kept as its characters */
    if (b->len)
        kb_buf_add(b, " ", 1);
    kb_buf_add(b, t->term, t->term_len);
    return kb_buf_status(b);
}

/* One line of the user's file: forms separated by commas, each form's
 * normalized words one space apart; *n forms, each NUL-terminated in b. */
static kb_status user_group(kb_lexicon *lx, const char *line, size_t len, kb_buf *b,
                            size_t *n)
{
    kb_buf_reset(b);
    *n = 0;
    for (size_t i = 0; i <= len;) {
        const char *comma = memchr(line + i, ',', len - i);
        size_t end = comma ? (size_t)(comma - line) : len;
        kb_buf form = KB_BUF_INIT;
        kb_status st = kb_tokenize(lx->tk, line + i, end - i, join_token, &form);
        if (!st && form.len) {
            kb_buf_add(b, form.data, form.len + 1);
            (*n)++;
        }
        kb_buf_free(&form);
        if (st)
            return st;
        i = end + 1;
    }
    return kb_buf_status(b);
}

static kb_status add_user_file(kb_lexicon *lx, const char *path, const char *text, size_t len,
                               kb_lexicon_warn_fn warn, void *ctx)
{
    kb_buf forms = KB_BUF_INIT;
    kb_status st = KB_OK;
    unsigned lineno = 0;
    for (size_t i = 0; i < len && !st;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) : len;
        const char *line = text + i;
        size_t n = end - i, nforms = 0;
        lineno++;
        i = end + 1;
        size_t lead = 0;
        while (lead < n && (line[lead] == ' ' || line[lead] == '\t'))
            lead++;
        if (lead == n || line[lead] == '#')
            continue;
        if ((st = user_group(lx, line, n, &forms, &nforms)))
            break;
        if (nforms < 2) {
            char reason[96];
            snprintf(reason, sizeof reason,
                     "line %u: a group needs two or more forms separated by commas; skipped",
                     lineno);
            warn(ctx, path, reason);
            continue;
        }
        for (const char *a = forms.data; !st && a < forms.data + forms.len; a += strlen(a) + 1)
            for (const char *b = forms.data; !st && b < forms.data + forms.len;
                 b += strlen(b) + 1)
                if (a != b)
                    st = synonym(lx, a, strlen(a), b, strlen(b));
    }
    kb_buf_free(&forms);
    return st;
}

/* Reads the user's file; *text NULL when there is none. */
static kb_status read_user_file(kb_lexicon *lx, const char *path, char **text, size_t *len)
{
    *text = NULL;
    *len = 0;
    kb_buf b = KB_BUF_INIT;
    kb_status st = kb_buf_read_file(&b, path);
    if (st == KB_ERR_IO && errno == ENOENT)
        return KB_OK;
    if (st) {
        kb_buf_reset(&lx->error);
        kb_buf_printf(&lx->error, "reading %s: %s", path,
                      st == KB_ERR_IO ? strerror(errno) : "out of memory");
        kb_buf_free(&b);
        return st;
    }
    *text = b.data ? b.data : strdup("");
    *len = b.len;
    return *text ? KB_OK : KB_ERR_NOMEM;
}

kb_status kb_lexicon_sync_synonyms(kb_lexicon *lx, const char *user_file,
                                   kb_lexicon_warn_fn warn, void *ctx)
{
    char *text = NULL, *old = NULL;
    size_t len = 0;
    kb_status st = read_user_file(lx, user_file, &text, &len);
    if (st)
        return st;
    char hash[24] = "";
    if (text)
        snprintf(hash, sizeof hash, "%016llx", (unsigned long long)kb_hash64(text, len));
    if ((st = kb_db_get_meta(lx->db, KB_META_SYNONYMS_HASH, &old, NULL))) {
        free(text);
        return engine_error(lx, st, "reading the index metadata");
    }
    bool changed = strcmp(old, hash) != 0;
    free(old);
    if (lx->dirty || changed) {
        if ((st = kb_db_clear_synonyms(lx->db)))
            engine_error(lx, st, "clearing the synonym table");
        if (!st)
            st = kb_db_each_meta(lx->db, KB_ACRONYM_META_PREFIX, add_file_definitions, lx);
        if (!st && text)
            st = add_user_file(lx, user_file, text, len, warn, ctx);
        if (!st && (st = kb_db_set_meta(lx->db, KB_META_SYNONYMS_HASH, hash, strlen(hash))))
            engine_error(lx, st, "recording the index metadata");
        lx->dirty = st != KB_OK;
    }
    free(text);
    return st;
}
