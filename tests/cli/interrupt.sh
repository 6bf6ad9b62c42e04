#!/usr/bin/env bash
# SIGINT and SIGTERM stop kbindex between files: what is done is committed,
# the summary says so, the exit status is 130, and the next run finishes
# the job.  Also: the progress line (--progress on a pipe), and an index of
# another language refused until --rebuild.
. "$(dirname "$0")/lib.bash"
kb=$work/kb
python3 "$KB_TESTS/cli/corpus_gen.py" a "$kb" 7 360
db=$kb/.kbsearch

# stop SIGNAL: starts a run, signals it once it holds the index, and checks
# it stopped early, cleanly.  A machine fast enough to finish first retries
# with a shorter delay.
stop() {
    local sig=$1 delay rc
    for delay in 0.3 0.1 0.02 0; do
        rm -rf "$db"
        "$KBINDEX" --commit-mb 1 "$kb" >"$work/out" 2>"$work/err" &
        local pid=$!
        for _ in $(seq 200); do
            ls -l "/proc/$pid/fd" 2>/dev/null | grep -q 'kbindex\.lock' && break
            sleep 0.01
        done
        sleep "$delay"
        kill -"$sig" "$pid" 2>/dev/null || true
        rc=0
        wait "$pid" || rc=$?
        [ "$rc" = 0 ] && continue # finished before the signal
        [ "$rc" = 130 ] || fail "SIG$sig: exit $rc, wanted 130: $(cat "$work/err")"
        grep -q '^kbindex: interrupted, kept: [0-9]* indexed' "$work/out" || fail "SIG$sig: summary: $(cat "$work/out")"
        xapian-check "$db" >/dev/null || fail "SIG$sig: xapian-check failed"
        expect_exit 1 "$KBINDEX" --check "$kb" >/dev/null 2>&1 # the rest is still to do
        "$KBINDEX" "$kb" >"$work/out" 2>"$work/err" || fail "SIG$sig: next run: $(cat "$work/err")"
        "$KBINDEX" --check "$kb" >/dev/null 2>&1 || fail "SIG$sig: not complete after the next run"
        return 0
    done
    fail "SIG$sig: kbindex always finished before the signal"
}
stop INT
stop TERM

# --progress on a pipe: the line is redrawn in place and erased at the end.
rm -rf "$db"
"$KBINDEX" --progress "$kb" >/dev/null 2>"$work/err" || fail "--progress: $(cat "$work/err")"
grep -aq $'\r''kbindex: [0-9]*/360 files, [0-9.]*/[0-9.]* MB' "$work/err" || fail "no progress line: $(head -c 300 "$work/err" | cat -A)"
[ "$(tail -c 4 "$work/err" | od -An -c | tr -d ' ')" = '\r033[K' ] || fail "progress line not erased at the end"
"$KBINDEX" "$kb" 2>"$work/err" >/dev/null
[ -s "$work/err" ] && fail "progress shown on a pipe without --progress: $(cat -A "$work/err" | head -3)"

# Another language: refused with the way out, then rebuilt.
expect_exit 2 "$KBINDEX" --language french "$kb" 2>"$work/err"
grep -qxF "kbindex: index $db was built with language 'english', not 'french': run kbindex --rebuild to index everything again" \
    "$work/err" || fail "language mismatch: $(cat "$work/err")"
"$KBINDEX" --rebuild --language french "$kb" >"$work/out" 2>&1 || fail "--rebuild: $(cat "$work/out")"
grep -q '^kbindex: 360 indexed, 0 unchanged' "$work/out" || fail "--rebuild did not re-index: $(cat "$work/out")"
"$KBINDEX" --check "$kb" >/dev/null 2>&1 || fail "--check after --rebuild"
"$KBSEARCH" --db "$db" --json vAf12 >"$work/hits" || fail "rebuilt index: search failed"
grep -q '"path":"d[0-9]*/f0012.md"' "$work/hits" || fail "rebuilt index does not answer"
echo ok
