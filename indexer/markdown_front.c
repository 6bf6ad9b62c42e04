/* YAML front matter at the top of a Markdown note.  Only what a search
 * uses is read (the title, and tags or keywords in the three ways notes
 * write them); the rest of YAML is not parsed, and a key only counts at
 * the start of its line, so nested maps do not lend their titles. */
#include "markdown.h"
#include "kbsearch/sentence.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

typedef struct {
    kb_str t;    /* the line without its end (LF or CRLF) */
    size_t next; /* where the next line starts */
} line;

static line line_at(const char *s, size_t len, size_t at)
{
    const char *nl = memchr(s + at, '\n', len - at);
    size_t end = nl ? (size_t)(nl - s) : len;
    line l = {{s + at, end - at}, nl ? end + 1 : len};
    if (l.t.n && l.t.p[l.t.n - 1] == '\r')
        l.t.n--;
    return l;
}

static bool is_fence(kb_str t, const char *fence)
{
    t = kb_trim(t);
    return t.n == 3 && memcmp(t.p, fence, 3) == 0;
}

/* "key:" at the start of the line: the value after it, trimmed. */
static bool key_value(kb_str t, const char *key, kb_str *value)
{
    size_t k = strlen(key);
    if (t.n <= k || strncasecmp(t.p, key, k) != 0 || t.p[k] != ':')
        return false;
    *value = kb_trim((kb_str){t.p + k + 1, t.n - k - 1});
    return true;
}

static kb_str unquote(kb_str v)
{
    v = kb_trim(v);
    if (v.n >= 2 && (v.p[0] == '"' || v.p[0] == '\'') && v.p[v.n - 1] == v.p[0])
        return (kb_str){v.p + 1, v.n - 2};
    return v;
}

/* "[a, b]" or "a, b". */
static void add_tag_list(kb_extract *x, kb_str v)
{
    if (v.n && v.p[0] == '[') {
        v = (kb_str){v.p + 1, v.n - 1};
        if (v.n && v.p[v.n - 1] == ']')
            v.n--;
    }
    while (v.n) {
        const char *comma = memchr(v.p, ',', v.n);
        size_t k = comma ? (size_t)(comma - v.p) : v.n;
        kb_str tag = unquote((kb_str){v.p, k});
        kb_extract_add_tag(x, tag.p, tag.n);
        v = comma ? (kb_str){comma + 1, v.n - k - 1} : (kb_str){v.p + k, 0};
    }
}

/* A "- item" line of a YAML block list: the item. */
static bool list_item(kb_str t, kb_str *item)
{
    t = kb_trim(t);
    if (t.n == 0 || t.p[0] != '-' || (t.n > 1 && t.p[1] != ' ' && t.p[1] != '\t'))
        return false;
    *item = unquote((kb_str){t.p + 1, t.n - 1});
    return true;
}

size_t kb_markdown_front_matter(kb_extract *x, size_t at)
{
    const char *s = x->src;
    size_t len = x->src_len;
    if (at >= len || !is_fence(line_at(s, len, at).t, "---"))
        return at;
    size_t body = line_at(s, len, at).next, end = 0;
    for (size_t p = body; p < len && !end;) {
        line l = line_at(s, len, p);
        if (is_fence(l.t, "---") || is_fence(l.t, "..."))
            end = l.next;
        p = l.next;
    }
    if (!end)
        return at; /* no closing line: a thematic break, not front matter */
    for (size_t p = body; p < end;) {
        line l = line_at(s, len, p);
        kb_str v;
        p = l.next;
        if (key_value(l.t, "title", &v)) {
            v = unquote(v);
            kb_extract_set_title(x, v.p, v.n);
        } else if (key_value(l.t, "tags", &v) || key_value(l.t, "keywords", &v)) {
            add_tag_list(x, v);
            kb_str item;
            for (line li; !v.n && p < end && list_item((li = line_at(s, len, p)).t, &item);
                 p = li.next)
                kb_extract_add_tag(x, item.p, item.n);
        }
    }
    return end;
}
