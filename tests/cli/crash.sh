#!/usr/bin/env bash
# SIGKILL during an update never damages the index: kbindex is killed at 32
# moments (random delays from a fixed seed) across an update from folder
# version A to version B, committing every MB.  After each kill the index
# passes xapian-check, kbsearch answers, and the index holds a state the
# run committed: each file whole in one version (A's or B's, never both,
# never passages of two), changed files updated in walk order (a prefix),
# removals only at the end.  Every 4th time a normal run then completes it
# and answers exactly as a fresh index of B.
#   KB_CRASH_SEED=N KB_CRASH_KILLS=N bash tests/cli/crash.sh   (other runs)
. "$(dirname "$0")/lib.bash"
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 77; }
command -v xapian-check >/dev/null || { echo "xapian-check missing (Debian xapian-tools; scripts/setup installs it): skipped"; exit 77; }
seed=${KB_CRASH_SEED:-4242}
kills=${KB_CRASH_KILLS:-32}
RANDOM=$seed

# check.py ref OUT.jsonl: {path: {marker: passages}} of a marker batch.
# check.py state PLAN REF_A REF_B OUT.jsonl: prints the committed state the
# index holds (A, partial K/N, B-removals-pending, B) or says what is wrong.
cat >"$work/check.py" <<'PY'
import json, sys

def counts(path):
    held = {}
    for line in open(path, encoding="utf-8"):
        o = json.loads(line)  # a torn line fails here
        if o["type"] == "error":
            sys.exit("query %s failed: %s" % (o["qid"], o["message"]))
        if o["type"] == "match":  # a collapsed copy is a passage too
            for p in [o["path"]] + [a["path"] for a in o["also_at"]]:
                m = held.setdefault(p, {})
                m[o["qid"]] = m.get(o["qid"], 0) + 1
    return held

if sys.argv[1] == "ref":
    json.dump(counts(sys.argv[2]), open(sys.argv[3], "w"))
    sys.exit(0)
plan = json.load(open(sys.argv[2]))
ref = {"A": json.load(open(sys.argv[3])), "B": json.load(open(sys.argv[4]))}
held = counts(sys.argv[5])
version = {}
for p in sorted(set(plan) | set(held) | set(ref["A"]) | set(ref["B"])):
    got = held.get(p, {})
    may = [v for v in "AB" if p in ref[v] and ref[v][p] == got]
    if not got and plan.get(p) in ("deleted", "renamed_old", "added", "renamed_new"):
        may.append("-")  # not indexed yet, or removed already
    if not may:
        sys.exit("%s (%s) holds %s; A had %s, B has %s" % (p, plan.get(p, "unknown"), got,
                 ref["A"].get(p), ref["B"].get(p)))
    version[p] = may[0]
changed = sorted(p for p, c in plan.items() if c in ("edited", "added", "renamed_new"))
# A rename (same content, new path) is one step: the old path goes in the
# same commit as the new one comes; other removals come after every file.
gone = sorted(p for p, c in plan.items() if c == "deleted")
moved_in = sum(version[p] == "B" for p, c in plan.items() if c == "renamed_new")
moved_out = sum(version[p] == "-" for p, c in plan.items() if c == "renamed_old")
if moved_in != moved_out:
    sys.exit("renames half done: %d new paths indexed, %d old paths removed" % (moved_in, moved_out))
done = [version[p] == "B" for p in changed]
k = sum(done)
if done != [True] * k + [False] * (len(done) - k):
    sys.exit("changed files not updated in walk order: " +
             " ".join("%s=%s" % (p, version[p]) for p in changed))
removed = [version[p] == "-" for p in gone]
if any(removed) and (not all(removed) or k < len(changed)):
    sys.exit("removals out of order: %d of %d removed, %d of %d changed files updated"
             % (sum(removed), len(removed), k, len(changed)))
print("B" if all(removed) else "B-removals-pending" if k == len(changed)
      else "A" if k == 0 else "partial")
PY

nfiles=360
python3 "$KB_TESTS/cli/corpus_gen.py" a "$work/kb" "$seed" "$nfiles"
db=$work/kb/.kbsearch
"$KBINDEX" --commit-mb 1 "$work/kb" >/dev/null 2>"$work/err" || fail "indexing A: $(cat "$work/err")"
cp -a "$db" "$work/index-a"
for ((i = 0; i < nfiles + nfiles / 16; i++)); do
    printf 'vAf%d\tvAf%d\nvBf%d\tvBf%d\n' "$i" "$i" "$i" "$i"
done >"$work/markers"
markers() { # DB OUT: every marker's passages; kbsearch answers 0 or 1
    local rc=0
    "$KBSEARCH" --db "$1" --json --no-correct -n 100000 --batch "$work/markers" >"$2" \
        2>"$work/search-err" || rc=$?
    [ "$rc" -le 1 ] || fail "kbsearch exit $rc: $(head -3 "$work/search-err")"
}
markers "$db" "$work/a.jsonl"
python3 "$work/check.py" ref "$work/a.jsonl" "$work/ref-a.json"

sleep 0.01 # B's edits get later mtimes than A's index saw
python3 "$KB_TESTS/cli/corpus_gen.py" b "$work/kb" "$((seed + 1))" "$nfiles" "$work/plan.json"
cp -a "$work/kb" "$work/fresh" && rm -rf "$work/fresh/.kbsearch"
"$KBINDEX" "$work/fresh" >/dev/null 2>"$work/err" || fail "indexing B fresh: $(cat "$work/err")"
markers "$work/fresh/.kbsearch" "$work/b.jsonl"
python3 "$work/check.py" ref "$work/b.jsonl" "$work/ref-b.json"
# Fixed queries, answered by the fresh index of B; abspaths made alike.
python3 "$KB_TESTS/cli/corpus_gen.py" queries "$work/kb" "$seed" >"$work/queries"
answers() { # DB OUT
    "$KBSEARCH" --db "$1" --json -n 20 --batch "$work/queries" 2>/dev/null |
        sed -E 's/"elapsed_ms":[0-9.]+/"elapsed_ms":0/g; s#'"$work"'/fresh/#'"$work"'/kb/#g' >"$2" || true
}
answers "$work/fresh/.kbsearch" "$work/fresh.jsonl"
grep -q '"type":"match"' "$work/fresh.jsonl" || fail "the fixed queries find nothing"

restore() { rm -rf "$db" && cp -a "$work/index-a" "$db"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
run_ms=0 # the mean of two runs: timing varies with the machine's load
for _ in 1 2; do
    restore
    t0=$(now_ms)
    "$KBINDEX" --commit-mb 1 "$work/kb" >"$work/out" 2>"$work/err" || fail "A to B: $(cat "$work/err")"
    run_ms=$((run_ms + ($(now_ms) - t0) / 2))
done
grep -Eq ' ([3-9]|[1-9][0-9]+)\.[0-9] MB read' "$work/out" ||
    fail "under 3 MB read, so under 3 commits: $(cat "$work/out")"
span=$((run_ms * 115 / 100)) # most kills inside the run, a few after it

mid=0 after=0 checks=0 completed=0
declare -A states=()
for ((i = 1; i <= kills; i++)); do
    restore
    delay=$((RANDOM * span / 32768))
    "$KBINDEX" --commit-mb 1 "$work/kb" >/dev/null 2>"$work/err" &
    pid=$!
    sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
    kill -KILL "$pid" 2>/dev/null || true
    rc=0
    { wait "$pid"; } 2>/dev/null || rc=$? # no "Killed" notice from bash
    case $rc in
    137) mid=$((mid + 1)) ;;
    0) after=$((after + 1)) ;;
    *) fail "kill $i after $delay ms: kbindex exit $rc: $(cat "$work/err")" ;;
    esac
    what="kill $i (seed $seed, $delay ms of $run_ms)"
    xapian-check "$db" >"$work/xc" 2>&1 || fail "$what: xapian-check: $(tail -5 "$work/xc")"
    markers "$db" "$work/held.jsonl"
    state=$(python3 "$work/check.py" state "$work/plan.json" "$work/ref-a.json" \
        "$work/ref-b.json" "$work/held.jsonl" 2>&1) || fail "$what: $state"
    [ "$rc" != 0 ] || [ "$state" = B ] || fail "$what: the run ended but the index is $state"
    states[$state]=$((${states[$state]:-0} + 1))
    checks=$((checks + 2))
    if ((i % 4 == 0)); then
        "$KBINDEX" "$work/kb" >/dev/null 2>"$work/err" || fail "$what: completing: $(cat "$work/err")"
        xapian-check "$db" >"$work/xc" 2>&1 || fail "$what: completed: xapian-check: $(tail -5 "$work/xc")"
        answers "$db" "$work/completed.jsonl"
        diff -u "$work/fresh.jsonl" "$work/completed.jsonl" >&2 ||
            fail "$what: the completed index answers otherwise than a fresh one"
        completed=$((completed + 1)) checks=$((checks + 2))
    fi
done
[ "$mid" -ge $((kills / 4)) ] || fail "only $mid of $kills kills landed inside the run"
summary=""
for s in A partial B-removals-pending B; do summary+=" $s=${states[$s]:-0}"; done
echo "crash: $kills kills ($mid mid-run, $after after completion; run $run_ms ms, seed $seed);" \
    "states held:$summary; $completed completed = fresh; $checks checks passed"
