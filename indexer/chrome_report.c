/* kbindex --show-boilerplate (see chrome_report.h). */
#include "chrome_report.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../cli/cli.h"
#include "kbsearch/boilerplate.h"
#include "kbsearch/index.h"
#include "kbsearch/indexer.h"
#include "kbsearch/printer.h"
#include "kbsearch/search.h"

/* Longest excerpt of a passage's first line, in bytes. */
#define EXCERPT_BYTES 72

typedef struct {
    const char *root;   /* the indexed folder */
    char cwd[PATH_MAX]; /* paths are shown relative to it, as kbsearch does */
    kb_buf path;
    const char *prefix; /* relative path of the file or folder asked about */
    size_t prefix_len;
    kb_buf line;
    unsigned long passages, chrome;
    unsigned long files;
    kb_buf last_file;   /* to count files with chrome */
} report;

static int under(const report *r, kb_str rel)
{
    if (r->prefix_len == 0)
        return 1;
    return rel.n >= r->prefix_len && memcmp(rel.p, r->prefix, r->prefix_len) == 0 &&
           (rel.n == r->prefix_len || rel.p[r->prefix_len] == '/');
}

static int each_passage(void *ctx, unsigned docid, const char *data, size_t len)
{
    report *r = ctx;
    kb_record rec;
    (void)docid;
    if (kb_record_decode(data, len, &rec) != KB_OK || !under(r, rec.path))
        return 0;
    r->passages++;
    if (!rec.is_chrome)
        return 0;
    r->chrome++;
    if (r->last_file.len != rec.path.n || memcmp(r->last_file.data, rec.path.p, rec.path.n)) {
        r->files++;
        kb_buf_reset(&r->last_file);
        kb_buf_add(&r->last_file, rec.path.p, rec.path.n);
    }
    kb_buf_reset(&r->line);
    kb_buf_reset(&r->path);
    kb_display_path(r->root, r->cwd, rec.path, &r->path);
    kb_add_safe(&r->line, r->path.data ? r->path.data : "", r->path.len);
    kb_buf_printf(&r->line, ":%u-%u: chrome %u (", rec.line_start, rec.line_end, rec.chrome);
    kb_chrome_reasons(rec.chrome_signals, &r->line);
    kb_buf_puts(&r->line, "): ");
    size_t n = 0;
    while (n < rec.text.n && rec.text.p[n] != '\n' && rec.text.p[n] != '\r')
        n++;
    size_t cut = n > EXCERPT_BYTES ? EXCERPT_BYTES : n;
    while (cut < n && cut > 0 && ((unsigned char)rec.text.p[cut] & 0xC0) == 0x80)
        cut--;
    kb_add_safe(&r->line, rec.text.p, cut);
    kb_buf_puts(&r->line, cut < rec.text.n ? "…\n" : "\n");
    if (kb_buf_status(&r->line))
        return KB_ERR_NOMEM;
    return fwrite(r->line.data, 1, r->line.len, stdout) == r->line.len ? 0 : KB_ERR_IO;
}

/* The part of `abs` below `root`, or NULL when it is not inside. */
static const char *inside(const char *root, const char *abs)
{
    size_t n = strlen(root);
    if (strcmp(root, "/") == 0)
        return abs + 1;
    if (strncmp(abs, root, n) != 0 || (abs[n] != '/' && abs[n] != '\0'))
        return NULL;
    return abs[n] == '/' ? abs + n + 1 : abs + n;
}

int kb_chrome_report(const char *db_path, const char *path)
{
    char abs[PATH_MAX];
    if (!realpath(path, abs)) {
        kb_cli_diag("kbindex", path, "%s", strerror(errno));
        return KB_EXIT_ERROR;
    }
    kb_buf found = KB_BUF_INIT;
    struct stat st;
    kb_status s = KB_OK;
    if (!db_path) {
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%s", abs);
        char *slash = strrchr(dir, '/');
        if (stat(abs, &st) == 0 && !S_ISDIR(st.st_mode))
            slash[slash == dir] = '\0'; /* its folder ("/" stays "/") */
        s = kb_find_index(dir, &found);
        db_path = found.data;
    }
    kb_db *db = NULL;
    char *msg = NULL, *root = NULL, *schema = NULL;
    int rc = KB_EXIT_ERROR;
    report r = {0};
    r.line = (kb_buf)KB_BUF_INIT;
    r.last_file = (kb_buf)KB_BUF_INIT;
    r.path = (kb_buf)KB_BUF_INIT;
    if (!getcwd(r.cwd, sizeof r.cwd))
        r.cwd[0] = '\0';
    if (s == KB_ERR_NOT_FOUND) {
        kb_cli_diag("kbindex", path, "no index found here or in the parent folders, and "
                    "KBSEARCH_DB is not set: run 'kbindex DIR' first, or give --db PATH");
    } else if (s || (s = kb_db_open(db_path, KB_DB_READ, &db, &msg))) {
        kb_cli_diag("kbindex", NULL, "%s", msg ? msg : kb_status_str(s));
    } else if ((s = kb_db_get_meta(db, KB_META_ROOT, &root, NULL)) ||
               (s = kb_db_get_meta(db, KB_META_SCHEMA, &schema, NULL))) {
        kb_cli_diag("kbindex", NULL, "%s", kb_db_last_error(db));
    } else if (atoi(schema) != KB_SCHEMA_VERSION) {
        kb_cli_diag("kbindex", db_path, "index schema '%s' differs from this kbindex's %d: "
                    "remove the index folder and run kbindex again", schema, KB_SCHEMA_VERSION);
    } else if (!(r.prefix = inside(root, abs))) {
        kb_cli_diag("kbindex", path, "not inside the indexed folder %s", root);
    } else {
        r.root = root;
        r.prefix_len = strlen(r.prefix);
        s = kb_db_each_doc(db, NULL, 0, each_passage, &r);
        if (s)
            kb_cli_diag("kbindex", NULL, "%s", s == KB_ERR_BACKEND ? kb_db_last_error(db)
                                                                   : kb_status_str(s));
        else
            rc = 0;
    }
    if (!rc)
        printf("kbindex: %lu of %lu passages are chrome, in %lu files\n", r.chrome, r.passages,
               r.files);
    free(msg);
    free(root);
    free(schema);
    kb_buf_free(&r.path);
    kb_db_close(db);
    kb_buf_free(&r.line);
    kb_buf_free(&r.last_file);
    kb_buf_free(&found);
    return rc;
}
