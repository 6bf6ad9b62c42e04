#!/usr/bin/env bash
# Exit statuses and diagnostics of both programs: 0 match, 1 none, 2 error;
# data on stdout only, diagnostics as "PROG: CONTEXT: MESSAGE" on stderr.
. "$(dirname "$0")/lib.bash"
copy_corpus
expect_exit 0 "$KBINDEX" "$work/kb" >/dev/null 2>"$work/err"
grep -qx 'kbindex: skipping misc/binary.txt: binary file (NUL byte at offset 25)' "$work/err" \
    || fail "no warning for the binary file"
cd "$work/kb"
expect_exit 0 "$KBSEARCH" compost >/dev/null
expect_exit 1 "$KBSEARCH" zzyzx >"$work/out"
[ -s "$work/out" ] && fail "output for a query without matches"
expect_exit 2 "$KBSEARCH" -- -compost >"$work/out" 2>"$work/err"
grep -q '^kbsearch: query: nothing to search: .*column 1' "$work/err" || fail "bad message: $(cat "$work/err")"
[ -s "$work/out" ] && fail "stdout written on error"
expect_exit 2 "$KBSEARCH" --limit x compost 2>"$work/err"
grep -q "^kbsearch: --limit: 'x' is not a whole number" "$work/err" || fail "bad --limit message"
expect_exit 2 "$KBSEARCH" --color=sometimes compost 2>"$work/err"
grep -q "^kbsearch: --color: 'sometimes' is not one of: always, auto, never" "$work/err" \
    || fail "bad --color message: $(cat "$work/err")"
expect_exit 2 "$KBSEARCH" --bogus compost 2>/dev/null
expect_exit 2 "$KBSEARCH" 2>/dev/null
expect_exit 2 "$KBSEARCH" --db "$work/nowhere" compost 2>"$work/err"
grep -q "^kbsearch: $work/nowhere: no index here: run kbindex" "$work/err" || fail "$(cat "$work/err")"
mkdir "$work/empty"
(cd "$work/empty" && expect_exit 2 "$KBSEARCH" compost 2>"$work/err")
grep -q "^kbsearch: no index found in .*run 'kbindex DIR' first" "$work/err" || fail "$(cat "$work/err")"
expect_exit 2 "$KBINDEX" "$work/missing" 2>"$work/err"
grep -q "^kbindex: $work/missing: No such file or directory" "$work/err" || fail "$(cat "$work/err")"
expect_exit 2 "$KBINDEX" --language klingon "$work/empty" 2>"$work/err"
grep -q "unknown language 'klingon'" "$work/err" || fail "$(cat "$work/err")"
expect_exit 2 "$KBINDEX" --language french "$work/kb" 2>"$work/err"
grep -q "built with language 'english', not 'french'" "$work/err" || fail "$(cat "$work/err")"
# --help lists every long option the program accepts; --version answers.
for prog in "$KBINDEX" "$KBSEARCH"; do
    "$prog" --version | grep -qE '^kb(index|search) [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"
    help=$("$prog" --help)
    for opt in $(grep -oE '\{"[a-z-]+", (no|required)_argument' "$KB_TESTS/../$(
                 [ "$prog" = "$KBINDEX" ] && echo indexer/kbindex.c || echo query/kbsearch.c)" |
                 grep -oE '"[a-z-]+"' | tr -d '"' | grep -v '^colour$'); do
        grep -q -- "--$opt" <<<"$help" || fail "$prog --help does not mention --$opt"
    done
done
echo ok
