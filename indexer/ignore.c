/* Ignore rules: gitignore(5) patterns from rule files and the command line.
 *
 * A pattern is compiled into a list of tokens and matched by running all
 * of its states at once over the path (a Thompson NFA), not by git's
 * backtracking wildmatch: the work is bounded by tokens x bytes, so
 * "**" + "/a*b*c*d*" against a long name cannot explode.  The tokens
 * keep wildmatch's meaning with WM_PATHNAME, which is what git uses. */
#include "kbsearch/ignore.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kbsearch/buf.h"

enum {
    T_LIT,   /* one given byte */
    T_ANY,   /* '?': one byte but '/' */
    T_SET,   /* "[...]": one byte of a set, never '/' */
    T_STAR,  /* '*': any bytes but '/' */
    T_ALL,   /* a trailing "/" + "**": any bytes */
    T_DIRS,  /* a leading or inner "**" + "/": nothing, or bytes ending in
                '/'; always followed by a T_INDIR */
    T_INDIR, /* inside a T_DIRS: some of its bytes read, so not nothing */
};

typedef struct {
    unsigned char kind;
    unsigned char ch; /* T_LIT: the byte */
    uint32_t set;     /* T_SET: index in the list's sets */
} tok;

typedef struct {
    unsigned char bits[32];
} byteset;

typedef struct {
    size_t tok0, ntok;  /* its tokens: toks[tok0, tok0 + ntok) of its list */
    bool negative;      /* "!pat": re-includes */
    bool dir_only;      /* "pat/": matches folders only */
    bool by_name;       /* no '/': matches the name at any depth */
} rule;

/* The rules of one folder's files (or of the command line), in order. */
typedef struct {
    char *base;         /* the folder, relative to the root; "" for it */
    size_t base_len;
    rule *rules;
    size_t nrules, rules_cap;
    tok *toks;
    size_t ntoks, toks_cap;
    byteset *sets;
    size_t nsets, sets_cap;
} rule_list;

struct kb_ignore {
    bool use_gitignore;
    rule_list exclude;        /* --exclude, matched before any folder's */
    rule_list include;        /* --include; no rules: every file */
    rule_list *frames;        /* one per folder entered, root first */
    size_t nframes, frames_cap;
    unsigned char *states;    /* NFA scratch: two sets of the longest rule */
    size_t states_cap;
};

/* ---- compiling ---------------------------------------------------------- */

static void set_add(byteset *s, unsigned char c)
{
    s->bits[c >> 3] |= (unsigned char)(1u << (c & 7));
}

static bool set_has(const byteset *s, unsigned char c)
{
    return s->bits[c >> 3] >> (c & 7) & 1;
}

/* The POSIX classes of "[[:name:]]", in the C locale and spelled out so
 * the locale of the process cannot change what a rule file means (git's
 * are ASCII too). */
static const char *const class_names[] = {"alnum", "alpha", "blank", "cntrl",
                                          "digit", "graph", "lower", "print",
                                          "punct", "space", "upper", "xdigit"};

static bool in_class(size_t cls, unsigned c)
{
    bool upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
    bool digit = c >= '0' && c <= '9', graph = c > ' ' && c < 0x7f;
    bool alnum = upper || lower || digit;
    switch (cls) {
    case 0: return alnum;
    case 1: return upper || lower;
    case 2: return c == ' ' || c == '\t';
    case 3: return c < ' ' || c == 0x7f;
    case 4: return digit;
    case 5: return graph;
    case 6: return lower;
    case 7: return graph || c == ' ';
    case 8: return graph && !alnum;
    case 9: return c == ' ' || (c >= '\t' && c <= '\r');
    case 10: return upper;
    default: return digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}

/* Parses the class starting at p[*i] == '[' into *s, as wildmatch does
 * (a ']' first is a member; "a-z" ranges; "[:name:]"; '\' quotes), and
 * moves *i past its ']'.  Returns why it can never match, or NULL. */
static const char *parse_set(const char *p, size_t len, size_t *i, byteset *s)
{
    size_t k = *i + 1;
    bool negated = k < len && (p[k] == '!' || p[k] == '^');
    if (negated)
        k++;
    memset(s, 0, sizeof *s);
    unsigned prev = 0; /* the last single member, 0 after a range or class */
    do {
        if (k >= len)
            return "'[' without a closing ']'";
        unsigned char ch = (unsigned char)p[k];
        if (ch == '\\') {
            if (++k >= len)
                return "'[' without a closing ']'";
            ch = (unsigned char)p[k];
            set_add(s, ch);
        } else if (ch == '-' && prev && k + 1 < len && p[k + 1] != ']') {
            ch = (unsigned char)p[++k];
            if (ch == '\\') {
                if (++k >= len)
                    return "'[' without a closing ']'";
                ch = (unsigned char)p[k];
            }
            for (unsigned c = prev; c <= ch; c++)
                set_add(s, (unsigned char)c);
            ch = 0;
        } else if (ch == '[' && k + 1 < len && p[k + 1] == ':') {
            const char *end = memchr(p + k + 2, ']', len - k - 2);
            if (!end)
                return "'[' without a closing ']'";
            size_t name = k + 2, close = (size_t)(end - p);
            if (close > name && p[close - 1] == ':') {
                size_t n = close - 1 - name, cls = 0;
                size_t ncls = sizeof class_names / sizeof *class_names;
                while (cls < ncls && !(strlen(class_names[cls]) == n &&
                                       memcmp(class_names[cls], p + name, n) == 0))
                    cls++;
                if (cls == ncls)
                    return "unknown character class in '[...]'";
                for (unsigned c = 0; c < 256; c++)
                    if (in_class(cls, c))
                        set_add(s, (unsigned char)c);
                k = close;
                ch = 0;
            } else {
                set_add(s, '['); /* not a class: a plain '[' member */
            }
        } else {
            set_add(s, ch);
        }
        prev = ch;
        k++;
    } while (k >= len || p[k] != ']');
    if (negated)
        for (size_t b = 0; b < sizeof s->bits; b++)
            s->bits[b] = (unsigned char)~s->bits[b];
    s->bits['/' >> 3] &= (unsigned char)~(1u << ('/' & 7));
    *i = k + 1;
    return NULL;
}

static bool push_tok(rule_list *l, unsigned char kind, unsigned char ch, uint32_t set)
{
    if (!kb_grow((void **)&l->toks, &l->toks_cap, l->ntoks + 1, sizeof *l->toks))
        return false;
    l->toks[l->ntoks++] = (tok){kind, ch, set};
    return true;
}

/* Appends the tokens of pattern p[0, len) to l.  Returns KB_OK (with *why
 * set when it can never match), or KB_ERR_NOMEM. */
static kb_status compile(rule_list *l, const char *p, size_t len, const char **why)
{
    *why = NULL;
    size_t i = 0;
    while (i < len && !*why) {
        char c = p[i];
        bool ok = true;
        if (c == '\\') {
            if (i + 1 == len)
                *why = "ends with a lone '\\'";
            else
                ok = push_tok(l, T_LIT, (unsigned char)p[i + 1], 0);
            i += 2;
        } else if (c == '?') {
            ok = push_tok(l, T_ANY, 0, 0);
            i++;
        } else if (c == '*') {
            size_t j = i;
            while (j < len && p[j] == '*')
                j++;
            /* wildmatch: "**" is special only as a whole segment */
            bool segment = j - i >= 2 && (i == 0 || p[i - 1] == '/');
            if (segment && j == len) {
                ok = push_tok(l, T_ALL, 0, 0);
            } else if (segment && p[j] == '/') {
                ok = push_tok(l, T_DIRS, 0, 0) && push_tok(l, T_INDIR, 0, 0);
                j++;
            } else if (segment && p[j] == '\\' && j + 1 < len && p[j + 1] == '/') {
                ok = push_tok(l, T_ALL, 0, 0); /* the quoted '/' follows */
            } else {
                ok = push_tok(l, T_STAR, 0, 0);
            }
            i = j;
        } else if (c == '[') {
            if (!kb_grow((void **)&l->sets, &l->sets_cap, l->nsets + 1, sizeof *l->sets))
                return KB_ERR_NOMEM;
            *why = parse_set(p, len, &i, &l->sets[l->nsets]);
            if (!*why) {
                ok = push_tok(l, T_SET, 0, (uint32_t)l->nsets);
                l->nsets++;
            }
        } else {
            ok = push_tok(l, T_LIT, (unsigned char)c, 0);
            i++;
        }
        if (!ok)
            return KB_ERR_NOMEM;
    }
    return KB_OK;
}

/* The NFA needs two state sets of every rule's length + 1. */
static bool reserve_states(kb_ignore *ig, size_t ntok)
{
    size_t need = 2 * (ntok + 1);
    if (need <= ig->states_cap)
        return true;
    unsigned char *p = realloc(ig->states, need);
    if (!p)
        return false;
    ig->states = p;
    ig->states_cap = need;
    return true;
}

/* Adds one trimmed rule line to l.  Returns KB_OK (with *why set, and
 * nothing added, when the pattern can never match) or KB_ERR_NOMEM. */
static kb_status add_rule(kb_ignore *ig, rule_list *l, const char *p, size_t len,
                          const char **why)
{
    rule r = {l->ntoks, 0, false, false, false};
    if (len && p[0] == '!') {
        r.negative = true;
        p++, len--;
    }
    if (len && p[len - 1] == '/') {
        r.dir_only = true;
        len--;
    }
    r.by_name = !memchr(p, '/', len);
    if (!r.by_name && p[0] == '/')
        p++, len--;
    if (len == 0) {
        *why = "is empty";
        return KB_OK;
    }
    size_t nsets = l->nsets;
    kb_status st = compile(l, p, len, why);
    r.ntok = l->ntoks - r.tok0;
    if (!st && !*why) {
        if (!reserve_states(ig, r.ntok) ||
            !kb_grow((void **)&l->rules, &l->rules_cap, l->nrules + 1, sizeof *l->rules))
            st = KB_ERR_NOMEM;
        else
            l->rules[l->nrules++] = r;
    }
    if (st || *why) {
        l->ntoks = r.tok0;
        l->nsets = nsets;
    }
    return st;
}

/* Adds the rules of a rule file's text, read as git reads one. */
static kb_status add_text(kb_ignore *ig, rule_list *l, const char *text, size_t len)
{
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        text += 3, len -= 3;
    while (len) {
        const char *nl = memchr(text, '\n', len);
        size_t n = nl ? (size_t)(nl - text) : len;
        const char *line = text;
        text += n + !!nl;
        len -= n + !!nl;
        const char *nul = memchr(line, '\0', n);
        if (nul)
            n = (size_t)(nul - line);
        if (n && line[n - 1] == '\r')
            n--;
        if (n == 0 || line[0] == '#')
            continue;
        /* Trailing spaces go, unless quoted; a final lone '\' keeps them. */
        size_t space = SIZE_MAX; /* where the trailing spaces start */
        for (size_t i = 0; i < n; i++) {
            if (line[i] == ' ') {
                if (space == SIZE_MAX)
                    space = i;
                continue;
            }
            space = SIZE_MAX;
            if (line[i] == '\\' && ++i == n)
                break;
        }
        if (space != SIZE_MAX)
            n = space;
        const char *why;
        kb_status st = add_rule(ig, l, line, n, &why);
        if (st)
            return st;
    }
    return KB_OK;
}

/* ---- matching ----------------------------------------------------------- */

/* Marks the states reached from set states without reading a byte. */
static void close_states(const tok *t, size_t m, unsigned char *s)
{
    for (size_t k = 0; k < m; k++)
        if (s[k] && (t[k].kind == T_STAR || t[k].kind == T_ALL))
            s[k + 1] = 1;
        else if (s[k] && t[k].kind == T_DIRS)
            s[k + 2] = 1;
}

static bool run(unsigned char *states, const rule_list *l, const rule *r,
                const char *s, size_t n)
{
    const tok *t = l->toks + r->tok0;
    size_t m = r->ntok;
    unsigned char *cur = states, *next = states + m + 1;
    memset(cur, 0, m + 1);
    cur[0] = 1;
    close_states(t, m, cur);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        memset(next, 0, m + 1);
        for (size_t k = 0; k < m; k++) {
            if (!cur[k])
                continue;
            switch (t[k].kind) {
            case T_LIT: next[k + 1] |= c == t[k].ch; break;
            case T_ANY: next[k + 1] |= c != '/'; break;
            case T_SET: next[k + 1] |= set_has(&l->sets[t[k].set], c); break;
            case T_STAR: next[k] |= c != '/'; break;
            case T_ALL: next[k] = 1; break;
            case T_DIRS: /* the same as inside, one state on */
                next[k + 1] = 1;
                next[k + 2] |= c == '/';
                break;
            default: /* T_INDIR: stays inside, or leaves after a '/' */
                next[k] = 1;
                next[k + 1] |= c == '/';
                break;
            }
        }
        if (!memchr(next, 1, m + 1))
            return false;
        close_states(t, m, next);
        unsigned char *tmp = cur;
        cur = next;
        next = tmp;
    }
    return cur[m];
}

/* 1: the last rule of l that matches excludes the entry; 0: it re-includes
 * it; -1: none matches.  `name` points into rel, after its last '/'. */
static int verdict(kb_ignore *ig, const rule_list *l, const char *rel, size_t len,
                   const char *name, bool is_dir)
{
    if (l->base_len) {
        if (len <= l->base_len || rel[l->base_len] != '/' ||
            memcmp(rel, l->base, l->base_len) != 0)
            return -1;
        rel += l->base_len + 1;
        len -= l->base_len + 1;
    }
    size_t name_len = (size_t)(rel + len - name);
    for (size_t i = l->nrules; i-- > 0;) {
        const rule *r = &l->rules[i];
        if (r->dir_only && !is_dir)
            continue;
        if (r->by_name ? run(ig->states, l, r, name, name_len)
                       : run(ig->states, l, r, rel, len))
            return !r->negative;
    }
    return -1;
}

bool kb_ignore_skip(kb_ignore *ig, const char *rel, bool is_dir)
{
    size_t len = strlen(rel);
    const char *slash = strrchr(rel, '/');
    const char *name = slash ? slash + 1 : rel;
    int v = verdict(ig, &ig->exclude, rel, len, name, is_dir);
    for (size_t f = ig->nframes; v < 0 && f-- > 0;)
        v = verdict(ig, &ig->frames[f], rel, len, name, is_dir);
    if (v == 1)
        return true;
    if (is_dir || ig->include.nrules == 0)
        return false;
    return verdict(ig, &ig->include, rel, len, name, is_dir) != 1;
}

/* ---- rule lists and folders --------------------------------------------- */

static void list_free(rule_list *l)
{
    free(l->base);
    free(l->rules);
    free(l->toks);
    free(l->sets);
    memset(l, 0, sizeof *l);
}

static kb_status list_init(rule_list *l, const char *base)
{
    memset(l, 0, sizeof *l);
    if (strcmp(base, ".") == 0)
        base = "";
    l->base = strdup(base);
    if (!l->base)
        return KB_ERR_NOMEM;
    l->base_len = strlen(base);
    return KB_OK;
}

/* A segment "", "." or ".." inside a glob: no path has one. */
static bool has_dot_segment(const char *g)
{
    if (*g == '!')
        g++;
    if (*g == '/')
        g++;
    for (const char *s = g;;) {
        const char *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        bool last = !e || e[1] == '\0';
        if (n == 0 || (n == 1 && s[0] == '.') ||
            (n == 2 && s[0] == '.' && s[1] == '.'))
            return true;
        if (last)
            return false;
        s = e + 1;
    }
}

static kb_status add_globs(kb_ignore *ig, rule_list *l, const char *flag,
                           const char *const *globs, size_t n, char **errmsg)
{
    for (size_t i = 0; i < n; i++) {
        const char *why = NULL;
        kb_status st = add_rule(ig, l, globs[i], strlen(globs[i]), &why);
        if (st)
            return st;
        if (!why && has_dot_segment(globs[i]))
            why = "has an empty, '.' or '..' segment, which no path has";
        if (why) {
            if (errmsg) {
                kb_buf m = KB_BUF_INIT;
                kb_buf_printf(&m, "%s '%s': %s", flag, globs[i], why);
                if (kb_buf_status(&m)) {
                    kb_buf_free(&m);
                    return KB_ERR_NOMEM;
                }
                *errmsg = m.data;
            }
            return KB_ERR_INVALID;
        }
    }
    return KB_OK;
}

kb_status kb_ignore_new(const kb_ignore_opts *o, kb_ignore **out, char **errmsg)
{
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    kb_ignore *ig = calloc(1, sizeof *ig);
    if (!ig)
        return KB_ERR_NOMEM;
    ig->use_gitignore = o->use_gitignore;
    kb_status st = list_init(&ig->exclude, "");
    if (!st)
        st = list_init(&ig->include, "");
    if (!st)
        st = add_globs(ig, &ig->exclude, "--exclude", o->exclude, o->nexclude, errmsg);
    if (!st)
        st = add_globs(ig, &ig->include, "--include", o->include, o->ninclude, errmsg);
    if (st) {
        kb_ignore_free(ig);
        return st;
    }
    *out = ig;
    return KB_OK;
}

static kb_status push_frame(kb_ignore *ig, const char *dir_rel)
{
    if (!kb_grow((void **)&ig->frames, &ig->frames_cap, ig->nframes + 1,
                 sizeof *ig->frames))
        return KB_ERR_NOMEM;
    kb_status st = list_init(&ig->frames[ig->nframes], dir_rel);
    if (!st)
        ig->nframes++;
    return st;
}

/* Adds the rules of dir_abs/name to l; a file that is there but cannot be
 * used is reported and left out. */
static kb_status read_rules(kb_ignore *ig, rule_list *l, const char *dir_abs,
                            const char *name, kb_warn_fn warn, void *ctx)
{
    kb_buf path = KB_BUF_INIT, text = KB_BUF_INIT;
    kb_buf_printf(&path, "%s/%s", dir_abs, name);
    if (kb_buf_status(&path))
        return KB_ERR_NOMEM;
    const char *problem = NULL;
    struct stat st;
    kb_status rc = KB_OK;
    /* Not followed, as the walk follows none, and git reads none in-tree. */
    if (lstat(path.data, &st) != 0)
        problem = errno == ENOENT ? NULL : strerror(errno);
    else if (S_ISLNK(st.st_mode))
        problem = "symbolic link, not followed";
    else if (!S_ISREG(st.st_mode))
        problem = "not a regular file";
    else if ((rc = kb_buf_read_file(&text, path.data)) == KB_ERR_IO) {
        rc = KB_OK;
        problem = errno == ENOENT ? NULL : strerror(errno);
    } else if (rc == KB_OK) {
        rc = add_text(ig, l, text.data ? text.data : "", text.len);
    }
    if (problem && warn) {
        kb_buf_reset(&path);
        kb_buf_printf(&path, "%s%s%s", l->base, l->base_len ? "/" : "", name);
        if (kb_buf_status(&path))
            rc = KB_ERR_NOMEM;
        else
            warn(ctx, path.data, problem);
    }
    kb_buf_free(&path);
    kb_buf_free(&text);
    return rc;
}

kb_status kb_ignore_enter(kb_ignore *ig, const char *dir_rel, const char *dir_abs,
                          kb_warn_fn warn, void *ctx)
{
    kb_status st = push_frame(ig, dir_rel);
    if (st)
        return st;
    rule_list *l = &ig->frames[ig->nframes - 1];
    if (ig->use_gitignore)
        st = read_rules(ig, l, dir_abs, KB_GITIGNORE_FILE, warn, ctx);
    if (!st)
        st = read_rules(ig, l, dir_abs, KB_IGNORE_FILE, warn, ctx);
    if (st)
        kb_ignore_leave(ig);
    return st;
}

kb_status kb_ignore_enter_text(kb_ignore *ig, const char *dir_rel,
                               const char *text, size_t len)
{
    kb_status st = push_frame(ig, dir_rel);
    if (st)
        return st;
    st = add_text(ig, &ig->frames[ig->nframes - 1], text, len);
    if (st)
        kb_ignore_leave(ig);
    return st;
}

void kb_ignore_leave(kb_ignore *ig)
{
    if (ig->nframes)
        list_free(&ig->frames[--ig->nframes]);
}

void kb_ignore_free(kb_ignore *ig)
{
    if (!ig)
        return;
    while (ig->nframes)
        kb_ignore_leave(ig);
    free(ig->frames);
    list_free(&ig->exclude);
    list_free(&ig->include);
    free(ig->states);
    free(ig);
}
