#!/usr/bin/env bash
# kbindex --compact: the compacted index answers exactly as before (same
# passages, places, snippets and scores) from less space; later runs update
# it (a new file found, a removed one gone) and answer as a fresh index of
# the folder does; compacting again replaces the copy and removes the old
# one and what a crash left; kbsearch --serve sees each compaction; a kill
# -9 at any moment of a compaction leaves an index that answers as before;
# --check does not compact; --rebuild works on it.
. "$(dirname "$0")/lib.bash"
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 77; }
command -v xapian-check >/dev/null || { echo "xapian-check missing (Debian xapian-tools; scripts/setup installs it): skipped"; exit 77; }
gen=$KB_TESTS/cli/corpus_gen.py
kb=$work/kb
db=$kb/.kbsearch
python3 "$gen" a "$kb" 11 600
python3 "$gen" queries "$kb" 11 >"$work/queries"
echo zebrafinchnote >>"$work/queries"

# answers DB: the batch's JSON lines without the index's name and times.
untimed() { sed -E 's/"index":"[^"]*",//g; s/"elapsed_ms":[0-9.]+//g'; }
answers() { "$KBSEARCH" --db "$1" --json --batch "$work/queries" | untimed; }
# live DB: the folder holding the index's tables now.
live() { if [ -f "$1/XAPIANDB" ]; then echo "$1/$(awk '{print $2}' "$1/XAPIANDB")"; else echo "$1"; fi; }
tables() { du -sb --exclude=kbindex.lock "$1" | cut -f1; }

"$KBINDEX" -q "$kb"
answers "$db" >"$work/before"
grep -q '"type":"match"' "$work/before" || fail "the queries find nothing"
before=$(tables "$db")

"$KBINDEX" --compact "$kb" >"$work/out" 2>"$work/err" || fail "kbindex --compact: $(cat "$work/err")"
grep -q '; compacted$' "$work/out" || fail "summary: $(cat "$work/out")"
[ "$(cat "$db/XAPIANDB")" = 'glass compact.1' ] || fail "stub: $(cat "$db/XAPIANDB")"
[ ! -e "$db/iamglass" ] && ! ls "$db"/*.glass >/dev/null 2>&1 || fail "the first tables are left: $(ls "$db")"
xapian-check "$db/compact.1" >/dev/null || fail "xapian-check on the copy"
after=$(tables "$db")
[ "$after" -lt "$before" ] || fail "compacted $after bytes, before $before"
answers "$db" >"$work/after"
compare "$work/before" "$work/after"
# Found as usual from inside the folder.
(cd "$kb/d01" && "$KBSEARCH" --json --batch "$work/queries") | untimed >"$work/found"
compare "$work/before" "$work/found"

# kbsearch --serve, started on the first copy, sees the next ones.
mkfifo "$work/requests"
"$KBSEARCH" --db "$db" --serve <"$work/requests" >"$work/served" 2>"$work/serve.err" &
serve=$!
exec 3>"$work/requests"
ask() { # ID QUERY: one request, then waits for its end
    printf '{"id":"%s","query":"%s"}\n' "$1" "$2" >&3
    for _ in $(seq 100); do
        grep -q "\"type\":\"end\",\"id\":\"$1\"" "$work/served" && return 0
        sleep 0.1
    done
    fail "no answer to request $1: $(cat "$work/serve.err")"
}
ask 1 zebrafinchnote
grep -q '"id":"1".*"type":"match"\|"type":"match".*"id":"1"' "$work/served" && fail "zebrafinchnote found before it was written"

# A later run updates the copy: a new file, a removed one.
printf 'A zebrafinchnote, written after the compaction.\n' >"$kb/d01/new.md"
gone=$(ls "$kb"/d02/*.md | head -1)
rm "$gone"
"$KBINDEX" -q "$kb"
[ "$(cat "$db/XAPIANDB")" = 'glass compact.1' ] || fail "a normal run changed the stub"
"$KBINDEX" -q --db "$work/fresh" "$kb"
answers "$db" >"$work/updated"
answers "$work/fresh" >"$work/fresh.out"
compare "$work/fresh.out" "$work/updated"
grep -q zebrafinchnote "$work/updated" || fail "the new file is not found"

# Compacting again: a new copy, the old one and a crash's leftovers gone.
mkdir "$db/compact.7" && echo junk >"$db/compact.7/iamglass"
echo junk >"$db/XAPIANDB.new"
"$KBINDEX" -q --compact "$kb"
[ "$(cat "$db/XAPIANDB")" = 'glass compact.2' ] || fail "stub: $(cat "$db/XAPIANDB")"
[ "$(ls "$db" | sort | tr '\n' ' ')" = 'XAPIANDB compact.2 kbindex.lock ' ] || fail "left: $(ls "$db")"
answers "$db" >"$work/again"
compare "$work/fresh.out" "$work/again"
ask 2 zebrafinchnote
grep '"id":"2"' "$work/served" | grep -q '"type":"match"' || fail "--serve did not see the compacted update"
exec 3>&-
wait $serve || fail "kbsearch --serve: $(cat "$work/serve.err")"

# --check changes nothing.
"$KBINDEX" -q --check --compact "$kb" || fail "--check"
[ "$(cat "$db/XAPIANDB")" = 'glass compact.2' ] || fail "--check compacted"

# kill -9 at moments across a compaction: the index always answers as it
# did, and the next --compact completes.
RANDOM=5
start=$(date +%s%N)
"$KBINDEX" -q --compact "$kb"
took=$((($(date +%s%N) - start) / 1000000))
for i in 1 2 3 4 5 6; do
    "$KBINDEX" -q --compact "$kb" &
    pid=$!
    sleep "$(awk -v r=$RANDOM -v t=$took 'BEGIN { printf "%.3f", r / 32768 * t / 1000 }')"
    kill -9 $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
    xapian-check "$(live "$db")" >/dev/null || fail "kill $i: xapian-check on $(live "$db")"
    answers "$db" >"$work/killed"
    compare "$work/fresh.out" "$work/killed"
done
"$KBINDEX" -q --compact "$kb"
[ "$(ls "$db" | grep -c compact)" = 1 ] && [ ! -e "$db/XAPIANDB.new" ] || fail "left: $(ls "$db")"

# --rebuild empties the copy and indexes again.
"$KBINDEX" -q --rebuild "$kb"
answers "$db" >"$work/rebuilt"
grep -c '"type":"match"' "$work/fresh.out" >"$work/n.fresh"
grep -c '"type":"match"' "$work/rebuilt" >"$work/n.rebuilt"
compare "$work/n.fresh" "$work/n.rebuilt"
echo "ok: compacted $before -> $after bytes; updates, serve, kills, rebuild"
