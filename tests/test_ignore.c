/* Tests for include/kbsearch/ignore.h: gitignore(5) syntax and matching on
 * a table of (rules, path, is_dir) cases, precedence between folders and
 * the command line, --include, real folders with .gitignore and .kbignore
 * files walked as the indexer walks them, bad globs, and bounded work on
 * patterns that make a backtracking matcher explode. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kbsearch/buf.h"
#include "kbsearch/ignore.h"

static const kb_ignore_opts defaults = {true, NULL, 0, NULL, 0};

static kb_ignore *new_ignore(const kb_ignore_opts *o)
{
    kb_ignore *ig = NULL;
    char *msg = NULL;
    kb_status st = kb_ignore_new(o, &ig, &msg);
    cr_assert_eq(st, KB_OK, "kb_ignore_new: %s", msg ? msg : kb_status_str(st));
    cr_assert_null(msg);
    return ig;
}

static void enter_text(kb_ignore *ig, const char *dir_rel, const char *rules)
{
    cr_assert_eq(kb_ignore_enter_text(ig, dir_rel, rules, strlen(rules)), KB_OK);
}

/* ---- one rule file at the root: the entry itself ----------------------- */

typedef struct {
    const char *rules; /* the root's rule file */
    const char *path;
    bool is_dir;
    bool skip;
} rule_case;

static const rule_case cases[] = {
    /* comments, blank lines, escapes, trailing spaces, CR, BOM */
    {"# notes\n", "# notes", false, false},
    {"\\#notes\n", "#notes", false, true},
    {"\n   \n\t\n", "a", false, false},
    {"notes   \n", "notes", false, true},
    {"notes\\ \n", "notes ", false, true},
    {"notes\\ \n", "notes", false, false},
    {"notes \\  \n", "notes  ", false, true},
    {"notes\r\n", "notes", false, true},
    {"\xEF\xBB\xBFnotes\n", "notes", false, true},
    {"notes", "notes", false, true}, /* no final newline */
    {"\\!draft\n", "!draft", false, true},
    {"\\!draft\n", "draft", false, false},
    {" lead\n", " lead", false, true}, /* leading spaces are kept */
    {" lead\n", "lead", false, false},
    /* "!" re-includes; the last matching rule wins */
    {"*.log\n!keep.log\n", "keep.log", false, false},
    {"*.log\n!keep.log\n", "other.log", false, true},
    {"*.log\n!keep.log\n", "deep/keep.log", false, false},
    {"!keep.log\n*.log\n", "keep.log", false, true},
    {"!\n", "a", false, false},
    {"/\n", "a", true, false},
    /* a trailing '/' matches folders only (git: "foo/") */
    {"frotz/\n", "frotz", true, true},
    {"frotz/\n", "frotz", false, false},
    {"frotz/\n", "a/frotz", true, true},
    {"frotz/\n", "frotz/x", false, false}, /* the walk never gets there */
    /* a '/' at the start or middle anchors (git: "/foo", "doc/frotz") */
    {"/foo\n", "foo", false, true},
    {"/foo\n", "a/foo", false, false},
    {"doc/frotz\n", "doc/frotz", true, true},
    {"doc/frotz\n", "a/doc/frotz", true, false},
    {"doc/frotz/\n", "doc/frotz", true, true},
    {"doc/frotz/\n", "doc/frotz", false, false},
    {"foo/*\n", "foo/test.json", false, true},
    {"foo/*\n", "foo/bar", true, true},
    {"foo/*\n", "foo/bar/hello.c", false, false},
    /* no '/': the name at any depth */
    {"foo\n", "a/b/foo", false, true},
    {"foo\n", "a/foo/b", false, false},
    {"*.txt\n", "x/y/z.txt", false, true},
    /* '*' and '?' stop at '/' */
    {"a/*.c\n", "a/x.c", false, true},
    {"a/*.c\n", "a/b/x.c", false, false},
    {"x/a?c\n", "x/abc", false, true},
    {"x/a?c\n", "x/a/c", false, false},
    {"a?c\n", "ac", false, false},
    {"*\n", "anything", false, true},
    /* classes */
    {"[a-c]x\n", "bx", false, true},
    {"[a-c]x\n", "dx", false, false},
    {"[!a-c]x\n", "dx", false, true},
    {"[!a-c]x\n", "bx", false, false},
    {"[^a-c]x\n", "dx", false, true},
    {"[[:digit:]]*\n", "7up", false, true},
    {"[[:digit:]]*\n", "up", false, false},
    {"[[:upper:][:digit:]]\n", "Q", false, true},
    {"[]]x\n", "]x", false, true},
    {"[a-]x\n", "-x", false, true},
    {"[\\]]x\n", "]x", false, true},
    {"x/a[!b]c\n", "x/a/c", false, false},
    {"[[:x:]\n", "[", false, false},
    /* patterns git never matches */
    {"x[\n", "x[", false, false},
    {"[[:nope:]]\n", "n", false, false},
    {"abc\\\n", "abc\\", false, false},
    /* '\' quotes */
    {"\\*\n", "*", false, true},
    {"\\*\n", "a", false, false},
    {"\\[a]\n", "[a]", false, true},
    {"\\?\n", "a", false, false},
    /* "**" as a whole segment, leading, inner and trailing: git's examples */
    {"**/foo\n", "foo", false, true},
    {"**/foo\n", "a/b/foo", true, true},
    {"**/foo/bar\n", "foo/bar", false, true},
    {"**/foo/bar\n", "x/y/foo/bar", false, true},
    {"**/foo/bar\n", "foo/x/bar", false, false},
    {"abc/**\n", "abc/x", false, true},
    {"abc/**\n", "abc/x/y", false, true},
    {"abc/**\n", "abc", true, false},
    {"abc/**\n", "x/abc/y", false, false},
    {"a/**/b\n", "a/b", false, true},
    {"a/**/b\n", "a/x/b", false, true},
    {"a/**/b\n", "a/x/y/b", false, true},
    {"a/**/b\n", "a/xb", false, false},
    {"a/**/b\n", "a/x/b/c", false, false},
    {"a/**/\n", "a/x/y", true, true},
    {"a/**/\n", "a/x/y", false, false},
    {"**\n", "a/b/c", false, true},
    {"/**\n", "a/b", false, true},
    {"x/a**b\n", "x/aZZb", false, true}, /* not a whole segment: a '*' */
    {"x/a**b\n", "x/a/b", false, false},
    {"x/**b\n", "x/ab", false, true},
    {"x/**b\n", "x/a/b", false, false},
    {"x/***/y\n", "x/1/2/y", false, true},
    {"**/[[:alpha:]]\n", "ab", false, false},
    {"**/[[:alpha:]]\n", "x/a", false, true},
    {"*/\n", "any", true, true},
    {"*/\n", "any", false, false},
    /* byte strings: UTF-8, invalid UTF-8, newlines in names */
    {"caf\xc3\xa9\n", "caf\xc3\xa9", false, true},
    {"caf?\n", "caf\xff", false, true},
    {"caf?\n", "caf\xc3\xa9", false, false}, /* '?' is one byte */
    {"caf??\n", "caf\xc3\xa9", false, true},
    {"a*\n", "a\nb", false, true},
    {"[\x80-\xff]*\n", "\xe6\x9d\xb1", false, true},
    {"[[:alpha:]]*\n", "\xc3\xa9t\xc3\xa9", false, false}, /* classes are ASCII */

};

Test(ignore, rule_table)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const rule_case *c = &cases[i];
        kb_ignore *ig = new_ignore(&defaults);
        enter_text(ig, "", c->rules);
        cr_expect_eq(kb_ignore_skip(ig, c->path, c->is_dir), c->skip,
                     "case %zu: rules \"%s\", %s \"%s\": expected %s", i, c->rules,
                     c->is_dir ? "folder" : "file", c->path, c->skip ? "skip" : "keep");
        kb_ignore_free(ig);
    }
}

Test(ignore, nul_ends_a_pattern_as_in_git)
{
    static const char rules[] = "ab\0cd\nxy\n";
    kb_ignore *ig = new_ignore(&defaults);
    cr_assert_eq(kb_ignore_enter_text(ig, "", rules, sizeof rules - 1), KB_OK);
    cr_expect(kb_ignore_skip(ig, "ab", false));
    cr_expect(kb_ignore_skip(ig, "xy", false));
    cr_expect(!kb_ignore_skip(ig, "cd", false));
    kb_ignore_free(ig);
}

/* ---- folders: base, depth, order --------------------------------------- */

Test(ignore, rules_apply_below_their_folder_only)
{
    kb_ignore *ig = new_ignore(&defaults);
    enter_text(ig, "", "");
    enter_text(ig, "docs", "*.txt\n/local.md\nsub/x\n");
    cr_expect(kb_ignore_skip(ig, "docs/a.txt", false));
    cr_expect(kb_ignore_skip(ig, "docs/deep/a.txt", false));
    cr_expect(kb_ignore_skip(ig, "docs/local.md", false));
    cr_expect(!kb_ignore_skip(ig, "docs/deep/local.md", false), "anchored to docs/");
    cr_expect(kb_ignore_skip(ig, "docs/sub/x", false));
    cr_expect(!kb_ignore_skip(ig, "sub/x", false));
    /* a sibling is not below docs/, whether or not docs was left */
    cr_expect(!kb_ignore_skip(ig, "other/a.txt", false));
    cr_expect(!kb_ignore_skip(ig, "docsx/a.txt", false));
    kb_ignore_leave(ig);
    enter_text(ig, "other", "");
    cr_expect(!kb_ignore_skip(ig, "other/a.txt", false));
    kb_ignore_leave(ig);
    kb_ignore_leave(ig);
    kb_ignore_leave(ig); /* nothing entered: does nothing */
    kb_ignore_free(ig);
}

Test(ignore, deeper_rules_override_shallower)
{
    kb_ignore *ig = new_ignore(&defaults);
    enter_text(ig, ".", "*.txt\n!keep.md\n");
    enter_text(ig, "a", "!*.txt\n*.md\n");
    cr_expect(!kb_ignore_skip(ig, "a/x.txt", false));
    cr_expect(kb_ignore_skip(ig, "a/keep.md", false));
    enter_text(ig, "a/b", "x.txt\n");
    cr_expect(kb_ignore_skip(ig, "a/b/x.txt", false));
    cr_expect(!kb_ignore_skip(ig, "a/b/y.txt", false), "a's rule still applies");
    kb_ignore_leave(ig);
    kb_ignore_leave(ig);
    cr_expect(kb_ignore_skip(ig, "b/x.txt", false), "a's rules are gone");
    kb_ignore_free(ig);
}

Test(ignore, exclude_globs_win_and_are_anchored_at_the_root)
{
    const char *ex[] = {"*.log", "build/out", "!keep.tmp"};
    kb_ignore_opts o = {true, ex, 3, NULL, 0};
    kb_ignore *ig = new_ignore(&o);
    enter_text(ig, "", "!keep.log\n*.tmp\n");
    enter_text(ig, "a", "!*.log\n");
    cr_expect(kb_ignore_skip(ig, "keep.log", false));
    cr_expect(kb_ignore_skip(ig, "a/x.log", false), "over a deeper rule file too");
    cr_expect(kb_ignore_skip(ig, "build/out", true));
    cr_expect(!kb_ignore_skip(ig, "a/build/out", true));
    cr_expect(kb_ignore_skip(ig, "x.tmp", false));
    cr_expect(!kb_ignore_skip(ig, "keep.tmp", false));
    kb_ignore_free(ig);
}

Test(ignore, include_globs_keep_only_matching_files)
{
    const char *in[] = {"*.md", "notes/*.txt", "!draft*"};
    kb_ignore_opts o = {true, NULL, 0, in, 3};
    kb_ignore *ig = new_ignore(&o);
    enter_text(ig, "", "secret.md\n");
    cr_expect(!kb_ignore_skip(ig, "a.md", false));
    cr_expect(!kb_ignore_skip(ig, "x/y/a.md", false));
    cr_expect(kb_ignore_skip(ig, "a.txt", false));
    cr_expect(!kb_ignore_skip(ig, "notes/a.txt", false));
    cr_expect(kb_ignore_skip(ig, "x/notes/a.txt", false));
    cr_expect(kb_ignore_skip(ig, "draft.md", false), "the last include is a '!'");
    cr_expect(kb_ignore_skip(ig, "secret.md", false), "excluded before included");
    cr_expect(!kb_ignore_skip(ig, "src", true), "folders are descended");
    cr_expect(!kb_ignore_skip(ig, "a.txt", true));
    kb_ignore_free(ig);
}

Test(ignore, bad_globs)
{
    static const struct {
        bool include;
        const char *glob, *says;
    } bad[] = {
        {false, "", "is empty"},
        {false, "!", "is empty"},
        {false, "/", "is empty"},
        {true, "a[b", "without a closing"},
        {false, "[[:word:]]", "unknown character class"},
        {true, "trail\\", "lone"},
        {false, "./build", "'.'"},
        {false, "a/../b", "'..'"},
        {true, "a//b", "empty"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *g[] = {"*.ok", bad[i].glob};
        kb_ignore_opts o = {true, NULL, 0, NULL, 0};
        if (bad[i].include)
            o.include = g, o.ninclude = 2;
        else
            o.exclude = g, o.nexclude = 2;
        kb_ignore *ig = (kb_ignore *)1;
        char *msg = NULL;
        cr_expect_eq(kb_ignore_new(&o, &ig, &msg), KB_ERR_INVALID, "glob \"%s\"", bad[i].glob);
        cr_expect_null(ig);
        cr_assert_not_null(msg, "glob \"%s\"", bad[i].glob);
        kb_buf want = KB_BUF_INIT;
        kb_buf_printf(&want, "%s '%s': ", bad[i].include ? "--include" : "--exclude",
                      bad[i].glob);
        cr_expect(strncmp(msg, want.data, want.len) == 0 && strstr(msg, bad[i].says),
                  "glob \"%s\": message \"%s\"", bad[i].glob, msg);
        kb_buf_free(&want);
        free(msg);
        /* and without a place for the message */
        cr_expect_eq(kb_ignore_new(&o, &ig, NULL), KB_ERR_INVALID);
    }
    /* the same text in a rule file only matches nothing */
    kb_ignore *ig = new_ignore(&defaults);
    enter_text(ig, "", "a[b\n[[:word:]]\n./build\n*.ok\n");
    cr_expect(kb_ignore_skip(ig, "x.ok", false));
    cr_expect(!kb_ignore_skip(ig, "build", true));
    kb_ignore_free(ig);
}

/* ---- bounded work ------------------------------------------------------ */

Test(ignore, no_backtracking_blowup, .timeout = 10.)
{
    kb_buf rules = KB_BUF_INIT, path = KB_BUF_INIT;
    kb_buf_puts(&rules, "**/**/**/a*b*c*d*\n");
    for (int i = 0; i < 100; i++)
        kb_buf_puts(&rules, "a*");
    kb_buf_puts(&rules, "z\n");
    for (int i = 0; i < 40; i++)
        kb_buf_puts(&path, "aaaaaaaabbbbbbbbcccccccc/");
    for (int i = 0; i < 20000; i++)
        kb_buf_puts(&path, i % 3 ? "bc" : "a");
    cr_assert_eq(kb_buf_status(&rules) | kb_buf_status(&path), KB_OK);
    kb_ignore *ig = new_ignore(&defaults);
    cr_assert_eq(kb_ignore_enter_text(ig, "", rules.data, rules.len), KB_OK);
    cr_assert(!kb_ignore_skip(ig, path.data, false));
    kb_buf_puts(&path, "d");
    cr_assert(kb_ignore_skip(ig, path.data, false));
    kb_ignore_free(ig);
    kb_buf_free(&rules);
    kb_buf_free(&path);
}

/* ---- real folders, walked as the indexer walks them -------------------- */

static char root[] = "/tmp/kb_ignore_XXXXXX";

static void setup(void)
{
    cr_assert_not_null(mkdtemp(root), "mkdtemp failed");
}

static void rm_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            kb_buf sub = KB_BUF_INIT;
            kb_buf_printf(&sub, "%s/%s", path, e->d_name);
            rm_tree(sub.data);
            kb_buf_free(&sub);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void teardown(void)
{
    rm_tree(root);
}

/* Writes root/rel with `text`, making its folders. */
static void put(const char *rel, const char *text)
{
    kb_buf p = KB_BUF_INIT;
    kb_buf_printf(&p, "%s/%s", root, rel);
    for (char *s = p.data + strlen(root) + 1; (s = strchr(s, '/')); s++) {
        *s = '\0';
        mkdir(p.data, 0755);
        *s = '/';
    }
    FILE *f = fopen(p.data, "w");
    cr_assert_not_null(f, "cannot write %s", p.data);
    fputs(text, f);
    fclose(f);
    kb_buf_free(&p);
}

typedef struct {
    kb_buf kept;     /* files indexed, one per line, in walk order */
    kb_buf warnings; /* "path: reason" lines */
} walk_log;

static void on_warn(void *ctx, const char *path, const char *reason)
{
    walk_log *log = ctx;
    kb_buf_printf(&log->warnings, "%s: %s\n", path, reason);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What indexer/walk.c does: sorted names, hidden ones left out, a folder
 * entered for its rules and left after its entries. */
static void walk(kb_ignore *ig, const char *rel, walk_log *log)
{
    kb_buf abs = KB_BUF_INIT;
    kb_buf_printf(&abs, "%s%s%s", root, *rel ? "/" : "", rel);
    cr_assert_eq(kb_ignore_enter(ig, rel, abs.data, on_warn, log), KB_OK);
    DIR *d = opendir(abs.data);
    cr_assert_not_null(d);
    char *names[64];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' && n < 64)
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        kb_buf sub = KB_BUF_INIT, sub_abs = KB_BUF_INIT;
        kb_buf_printf(&sub, "%s%s%s", rel, *rel ? "/" : "", names[i]);
        kb_buf_printf(&sub_abs, "%s/%s", abs.data, names[i]);
        struct stat st;
        cr_assert_eq(lstat(sub_abs.data, &st), 0);
        bool is_dir = S_ISDIR(st.st_mode);
        if (!kb_ignore_skip(ig, sub.data, is_dir)) {
            if (is_dir)
                walk(ig, sub.data, log);
            else
                kb_buf_printf(&log->kept, "%s\n", sub.data);
        }
        kb_buf_free(&sub);
        kb_buf_free(&sub_abs);
        free(names[i]);
    }
    kb_ignore_leave(ig);
    kb_buf_free(&abs);
}

static void make_tree(void)
{
    put(".gitignore", "# build output\n*.log\nbuild/\n!important.log\nnotes.md\n");
    put(".kbignore", "secret.txt\n!keep.log\n!notes.md\n");
    put("readme.md", "hello\n");
    put("a.log", "x\n");
    put("important.log", "x\n");
    put("keep.log", "x\n");
    put("notes.md", "x\n");
    put("secret.txt", "x\n");
    put("build/important.log", "inside an excluded folder: stays out\n");
    put("build/.kbignore", "!*\n");
    put("docs/.gitignore", "/local.md\n*.txt\n");
    put("docs/guide.md", "x\n");
    put("docs/local.md", "x\n");
    put("docs/x.txt", "x\n");
    put("docs/sub/local.md", "x\n");
    put("docs/sub/y.txt", "x\n");
    put("docs/sub/.kbignore", "!y.txt\n");
    put("other/z.txt", "siblings of docs keep their .txt\n");
    put("other/sub/secret.txt", "x\n");
}

Test(ignore, walk_real_folders, .init = setup, .fini = teardown)
{
    make_tree();
    walk_log log = {KB_BUF_INIT, KB_BUF_INIT};
    kb_ignore *ig = new_ignore(&defaults);
    walk(ig, "", &log);
    kb_ignore_free(ig);
    cr_expect_str_eq(log.kept.data,
                     "docs/guide.md\n"
                     "docs/sub/local.md\n"
                     "docs/sub/y.txt\n"
                     "important.log\n"
                     "keep.log\n"
                     "notes.md\n"
                     "other/z.txt\n"
                     "readme.md\n");
    cr_expect_null(log.warnings.data);
    kb_buf_free(&log.kept);
    kb_buf_free(&log.warnings);
}

Test(ignore, walk_without_gitignore, .init = setup, .fini = teardown)
{
    make_tree();
    const char *ex[] = {"docs/sub", "a.log"};
    kb_ignore_opts o = {false, ex, 2, NULL, 0};
    walk_log log = {KB_BUF_INIT, KB_BUF_INIT};
    kb_ignore *ig = new_ignore(&o);
    walk(ig, "", &log);
    kb_ignore_free(ig);
    cr_expect_str_eq(log.kept.data,
                     "build/important.log\n"  /* build/ was a .gitignore rule */
                     "docs/guide.md\n"
                     "docs/local.md\n"
                     "docs/x.txt\n"
                     "important.log\n"
                     "keep.log\n"
                     "notes.md\n"
                     "other/z.txt\n"
                     "readme.md\n");
    kb_buf_free(&log.kept);
    kb_buf_free(&log.warnings);
}

Test(ignore, walk_with_includes, .init = setup, .fini = teardown)
{
    make_tree();
    const char *in[] = {"*.txt"};
    kb_ignore_opts o = {true, NULL, 0, in, 1};
    walk_log log = {KB_BUF_INIT, KB_BUF_INIT};
    kb_ignore *ig = new_ignore(&o);
    walk(ig, "", &log);
    kb_ignore_free(ig);
    cr_expect_str_eq(log.kept.data, "docs/sub/y.txt\nother/z.txt\n");
    kb_buf_free(&log.kept);
    kb_buf_free(&log.warnings);
}

Test(ignore, unusable_rule_files_are_reported, .init = setup, .fini = teardown)
{
    put("a/file.md", "x\n");
    put("a/.kbignore/inside", "a folder named .kbignore\n");
    put("b/file.md", "x\n");
    put("b/real", "file.md\n");
    kb_buf link = KB_BUF_INIT;
    kb_buf_printf(&link, "%s/b/.gitignore", root);
    cr_assert_eq(symlink("real", link.data), 0);
    bool as_root = geteuid() == 0;
    if (!as_root) {
        put("c/file.md", "x\n");
        put("c/.gitignore", "file.md\n");
        kb_buf_reset(&link);
        kb_buf_printf(&link, "%s/c/.gitignore", root);
        cr_assert_eq(chmod(link.data, 0), 0);
    }
    kb_buf_free(&link);
    walk_log log = {KB_BUF_INIT, KB_BUF_INIT};
    kb_ignore *ig = new_ignore(&defaults);
    walk(ig, "", &log);
    kb_ignore_free(ig);
    cr_expect_str_eq(log.kept.data, as_root ? "a/file.md\nb/file.md\nb/real\n"
                                            : "a/file.md\nb/file.md\nb/real\nc/file.md\n");
    cr_expect_str_eq(log.warnings.data,
                     as_root ? "a/.kbignore: not a regular file\n"
                               "b/.gitignore: symbolic link, not followed\n"
                             : "a/.kbignore: not a regular file\n"
                               "b/.gitignore: symbolic link, not followed\n"
                               "c/.gitignore: Permission denied\n");
    kb_buf_free(&log.kept);
    kb_buf_free(&log.warnings);
}
