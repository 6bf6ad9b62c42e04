/* The table of format readers, and choosing one for a file. */
#include "kbsearch/format.h"

#include <string.h>
#include <strings.h>

static const char *const plain_ext[] = {".txt", ".text", NULL};
static const char *const markdown_ext[] = {".md", ".markdown", NULL};
static const char *const org_ext[] = {".org", NULL};
static const char *const rst_ext[] = {".rst", NULL};
static const char *const html_ext[] = {".html", ".htm", ".xhtml", NULL};
static const char *const pdf_ext[] = {".pdf", NULL};

static const kb_format formats[] = {
    {"text", plain_ext, false, true, kb_read_plain},
    {"markdown", markdown_ext, false, true, kb_read_markdown},
    {"org", org_ext, false, true, kb_read_org},
    {"rst", rst_ext, false, true, kb_read_rst},
    {"html", html_ext, true, false, kb_read_html},
    {"pdf", pdf_ext, true, true, kb_read_pdf},
};

const kb_format *kb_format_for_path(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash + 1 : path, '.');
    if (!dot || dot == (slash ? slash + 1 : path))
        return NULL; /* no extension, or a dot file: sniff */
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        for (const char *const *e = formats[i].extensions; *e; e++)
            if (!strcasecmp(dot, *e))
                return &formats[i];
    return NULL;
}

static const kb_format *by_name(const char *name)
{
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        if (!strcmp(formats[i].name, name))
            return &formats[i];
    return &formats[0];
}

/* Case-insensitive prefix test. */
static bool starts(const char *p, size_t n, const char *word)
{
    size_t k = strlen(word);
    return n >= k && strncasecmp(p, word, k) == 0;
}

const kb_format *kb_format_sniff(const char *head, size_t n)
{
    if (n >= 5 && memcmp(head, "%PDF-", 5) == 0)
        return by_name("pdf");
    size_t i = n >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    while (i < n && strchr(" \t\r\n", head[i]))
        i++;
    /* An XML declaration or a comment may come before the document type. */
    if (starts(head + i, n - i, "<?xml") || starts(head + i, n - i, "<!--")) {
        const char *gt = memchr(head + i, '>', n - i);
        for (i = gt ? (size_t)(gt - head) + 1 : n; i < n && strchr(" \t\r\n", head[i]); i++)
            ;
    }
    if (starts(head + i, n - i, "<!doctype html") || starts(head + i, n - i, "<html"))
        return by_name("html");
    return &formats[0];
}
