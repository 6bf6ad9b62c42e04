#!/usr/bin/env bash
# Readers while a writer re-indexes: a reader loop runs kbsearch (text,
# --json, --batch) all the time that kbindex updates a changing folder
# several times, committing every MB.  Every search exits 0 or 1 and every
# JSON line it prints parses; the updated index then answers exactly as a
# fresh one.  A second kbindex started while the first writes fails at
# once (exit 2) with a message naming the index.
. "$(dirname "$0")/lib.bash"
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 77; }
gen() { python3 "$KB_TESTS/cli/corpus_gen.py" "$@"; }
seed=77
gen a "$work/kb" "$seed" 300
db=$work/kb/.kbsearch
"$KBINDEX" --commit-mb 1 "$work/kb" >/dev/null 2>"$work/err" || fail "first index: $(cat "$work/err")"
gen queries "$work/kb" "$seed" >"$work/queries"
mapfile -t queries <"$work/queries"

# The reader: until told to stop, every kind of search; each exit code is
# logged, JSON kept for the parse check, stderr of failures kept.
: >"$work/codes"
reader() {
    local n=0 rc q
    while [ ! -e "$work/stop" ] && [ -d "$work" ]; do
        q=${queries[n % ${#queries[@]}]}
        n=$((n + 1))
        rc=0
        "$KBSEARCH" --db "$db" -n 5 "$q" >/dev/null 2>>"$work/reader-err" || rc=$?
        echo "text $rc" >>"$work/codes"
        rc=0
        "$KBSEARCH" --db "$db" --json -n 50 "$q" >>"$work/reader.jsonl" 2>>"$work/reader-err" || rc=$?
        echo "json $rc" >>"$work/codes"
        rc=0
        "$KBSEARCH" --db "$db" --json -n 20 --batch "$work/queries" >>"$work/reader.jsonl" \
            2>>"$work/reader-err" || rc=$?
        echo "batch $rc" >>"$work/codes"
    done
}
reader &
reader_pid=$!
# A failure must not leave the reader looping (ctest would wait for it).
trap 'kill "$reader_pid" 2>/dev/null || true; wait "$reader_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

# The writer: three rounds of edits, each indexed while the reader reads.
# In each round, once the writer has the index open, a second kbindex must
# be refused at once, naming the index and the writer's pid (lock.h).
refused=0
for round in C D E; do
    gen edit "$work/kb" "$((seed + $(printf '%d' "'$round")))" "$round"
    "$KBINDEX" --commit-mb 1 "$work/kb" >"$work/out-$round" 2>"$work/err-$round" &
    writer=$!
    # Xapian opens its tables after taking its lock: wait for one of them.
    for _ in $(seq 100); do
        ls -l "/proc/$writer/fd" 2>/dev/null | grep -q 'postlist\.glass' && break
        sleep 0.02
    done
    if kill -0 "$writer" 2>/dev/null; then
        rc=0
        "$KBINDEX" "$work/kb" >/dev/null 2>"$work/second" || rc=$?
        if kill -0 "$writer" 2>/dev/null; then # still writing: a real conflict
            [ "$rc" = 2 ] || fail "second kbindex exit $rc, wanted 2: $(cat "$work/second")"
            grep -qxF "kbindex: index $db is being updated by another kbindex (pid $writer): wait for it to finish, or run kbindex --wait" \
                "$work/second" || fail "second kbindex does not name the index and the writer: $(cat "$work/second")"
            refused=$((refused + 1))
        fi
    fi
    wait "$writer" || fail "writer round $round: $(cat "$work/err-$round")"
done
# With --wait the second one waits for the first, says so, then runs.
gen edit "$work/kb" "$((seed + 99))" F
"$KBINDEX" --commit-mb 1 "$work/kb" >/dev/null 2>"$work/err-F" &
writer=$!
held=0
for _ in $(seq 100); do
    ls -l "/proc/$writer/fd" 2>/dev/null | grep -q 'kbindex\.lock' && { held=1; break; }
    sleep 0.02
done
"$KBINDEX" --wait "$work/kb" >"$work/waited" 2>"$work/wait-err" || fail "--wait: exit $?: $(cat "$work/wait-err")"
wait "$writer" || fail "writer round F: $(cat "$work/err-F")"
[ "$held" = 0 ] || grep -qxF "kbindex: $db: waiting for kbindex (pid $writer) to finish with it" \
    "$work/wait-err" || fail "--wait did not say it waited: $(cat "$work/wait-err")"
touch "$work/stop"
wait "$reader_pid"
[ "$refused" -ge 1 ] || fail "the writer was never caught writing: no second-writer check ran"

grep -v ' [01]$' "$work/codes" | sort | uniq -c >&2 &&
    fail "searches failed: $(grep -v 'showing results' "$work/reader-err" | sort -u | head -5)"
searches=$(wc -l <"$work/codes")
[ "$searches" -ge 30 ] || fail "only $searches searches ran during the writes"
python3 - "$work/reader.jsonl" "$(grep -c '^json [01]$\|^batch [01]$' "$work/codes")" \
    "$(grep -c '^json\|^batch' "$work/codes")" <<'PY' || fail "torn JSON"
import json, sys
runs = open_queries = 0
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    try:
        o = json.loads(line)
    except ValueError as e:
        sys.exit("line %d: %s: %r" % (n, e, line[:200]))
    t = o["type"]
    if t == "begin":
        assert open_queries == 0, "line %d: begin inside a query" % n
        open_queries = 1
    elif t == "end":
        assert open_queries == 1, "line %d: end without begin" % n
        open_queries = 0
    elif t == "summary":
        runs += 1
    elif t in ("match", "correction", "error"):
        assert open_queries == 1, "line %d: %s outside a query" % (n, t)
assert open_queries == 0, "the last query has no end"
ok, all_runs = int(sys.argv[2]), int(sys.argv[3])  # a run that failed may end early
assert ok <= runs <= all_runs, "%d summaries for %d runs, %d of them whole" % (runs, all_runs, ok)
PY

# The index after all those updates answers as a fresh one.
answers() { # DB OUT
    "$KBSEARCH" --db "$1" --json -n 20 --batch "$work/queries" 2>/dev/null |
        sed -E 's/"elapsed_ms":[0-9.]+/"elapsed_ms":0/g; s#'"$work"'/fresh/#'"$work"'/kb/#g' >"$2" || true
}
answers "$db" "$work/updated.jsonl"
cp -a "$work/kb" "$work/fresh" && rm -rf "$work/fresh/.kbsearch"
"$KBINDEX" "$work/fresh" >/dev/null 2>"$work/err" || fail "fresh index: $(cat "$work/err")"
answers "$work/fresh/.kbsearch" "$work/fresh.jsonl"
grep -q '"type":"match"' "$work/fresh.jsonl" || fail "the fixed queries find nothing"
compare "$work/fresh.jsonl" "$work/updated.jsonl"
echo "concurrent: $searches searches during 3 updates, all exit 0 or 1, JSON whole; $refused second writers refused"
