/* kbindex's read-only reports (see reports.h). */
#include "reports.h"

#include <errno.h>
#include <stdbool.h>
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

/* An index opened for a report, with the part of `path` below its root. */
typedef struct {
    kb_db *db;
    char *root;
    const char *rel;  /* points into abs */
    char abs[PATH_MAX];
    kb_buf found;
} opened;

static void close_report(opened *o)
{
    kb_db_close(o->db);
    free(o->root);
    kb_buf_free(&o->found);
}

/* Opens the index at db_path, or the one found from `path` upward, and
 * checks its schema and that `path` is inside.  0 or the exit status,
 * the reason told on stderr. */
static int open_report(const char *db_path, const char *path, opened *o)
{
    memset(o, 0, sizeof *o);
    o->found = (kb_buf)KB_BUF_INIT;
    if (!realpath(path, o->abs)) {
        kb_cli_diag("kbindex", path, "%s", strerror(errno));
        return KB_EXIT_ERROR;
    }
    struct stat st;
    kb_status s = KB_OK;
    if (!db_path) {
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%s", o->abs);
        char *slash = strrchr(dir, '/');
        if (stat(o->abs, &st) == 0 && !S_ISDIR(st.st_mode))
            slash[slash == dir] = '\0'; /* its folder ("/" stays "/") */
        s = kb_find_index(dir, &o->found);
        db_path = o->found.data;
    }
    char *msg = NULL, *schema = NULL;
    int rc = KB_EXIT_ERROR;
    if (s == KB_ERR_NOT_FOUND) {
        kb_cli_diag("kbindex", path, "no index found here or in the parent folders, and "
                    "KBSEARCH_DB is not set: run 'kbindex DIR' first, or give --db PATH");
    } else if (s || (s = kb_db_open(db_path, KB_DB_READ, &o->db, &msg))) {
        kb_cli_diag("kbindex", NULL, "%s", msg ? msg : kb_status_str(s));
    } else if ((s = kb_db_get_meta(o->db, KB_META_ROOT, &o->root, NULL)) ||
               (s = kb_db_get_meta(o->db, KB_META_SCHEMA, &schema, NULL))) {
        kb_cli_diag("kbindex", NULL, "%s", kb_db_last_error(o->db));
    } else if (atoi(schema) != KB_SCHEMA_VERSION) {
        kb_cli_diag("kbindex", db_path, "index schema '%s' differs from this kbindex's %d: "
                    "remove the index folder and run kbindex again", schema, KB_SCHEMA_VERSION);
    } else if (!(o->rel = inside(o->root, o->abs))) {
        kb_cli_diag("kbindex", path, "not inside the indexed folder %s", o->root);
    } else {
        rc = 0;
    }
    free(msg);
    free(schema);
    if (rc)
        close_report(o);
    return rc;
}

int kb_chrome_report(const char *db_path, const char *path)
{
    opened o;
    int rc = open_report(db_path, path, &o);
    if (rc)
        return rc;
    report r = {0};
    r.line = (kb_buf)KB_BUF_INIT;
    r.last_file = (kb_buf)KB_BUF_INIT;
    r.path = (kb_buf)KB_BUF_INIT;
    if (!getcwd(r.cwd, sizeof r.cwd))
        r.cwd[0] = '\0';
    r.root = o.root;
    r.prefix = o.rel;
    r.prefix_len = strlen(r.prefix);
    kb_status s = kb_db_each_doc(o.db, NULL, 0, each_passage, &r);
    if (s) {
        kb_cli_diag("kbindex", NULL, "%s", s == KB_ERR_BACKEND ? kb_db_last_error(o.db)
                                                               : kb_status_str(s));
        rc = KB_EXIT_ERROR;
    } else {
        printf("kbindex: %lu of %lu passages are chrome, in %lu files\n", r.chrome, r.passages,
               r.files);
    }
    kb_buf_free(&r.path);
    kb_buf_free(&r.line);
    kb_buf_free(&r.last_file);
    close_report(&o);
    return rc;
}

/* Synonyms grouped by key: "KEY = VALUE, VALUE". */
typedef struct {
    kb_buf key;   /* the key being listed */
    kb_buf line;
    unsigned long keys;
} synonym_list;

static int each_synonym(void *ctx, const char *key, size_t key_len, const char *value,
                        size_t value_len)
{
    synonym_list *l = ctx;
    bool same = l->key.len == key_len && memcmp(l->key.data, key, key_len) == 0;
    if (!same) {
        kb_buf_puts(&l->line, l->keys ? "\n" : "");
        kb_buf_reset(&l->key);
        kb_buf_add(&l->key, key, key_len);
        kb_add_safe(&l->line, key, key_len);
        kb_buf_puts(&l->line, " = ");
        l->keys++;
    } else {
        kb_buf_puts(&l->line, ", ");
    }
    kb_add_safe(&l->line, value, value_len);
    if (kb_buf_status(&l->line) || kb_buf_status(&l->key))
        return KB_ERR_NOMEM;
    if (fwrite(l->line.data, 1, l->line.len, stdout) != l->line.len)
        return KB_ERR_IO;
    kb_buf_reset(&l->line);
    return 0;
}

int kb_synonym_report(const char *db_path, const char *path)
{
    opened o;
    int rc = open_report(db_path, path, &o);
    if (rc)
        return rc;
    synonym_list l = {KB_BUF_INIT, KB_BUF_INIT, 0};
    kb_status s = kb_db_each_synonym(o.db, NULL, 0, each_synonym, &l);
    if (s) {
        kb_cli_diag("kbindex", NULL, "%s", s == KB_ERR_BACKEND ? kb_db_last_error(o.db)
                                                               : kb_status_str(s));
        rc = KB_EXIT_ERROR;
    } else {
        printf("%skbindex: %lu words or phrases have synonyms\n", l.keys ? "\n" : "", l.keys);
    }
    kb_buf_free(&l.key);
    kb_buf_free(&l.line);
    close_report(&o);
    return rc;
}
