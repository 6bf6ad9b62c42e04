#!/usr/bin/env bash
# Re-indexing after an edit, a delete and an add answers exactly as a fresh
# index of the same folder; an unchanged folder is not re-read.
. "$(dirname "$0")/lib.bash"
copy_corpus
queries=("compost" "strategic flexibility" "tomatoes watering" "latency" "cache" "owners")
run_all() { # DB OUT
    for q in "${queries[@]}"; do
        "$KBSEARCH" --db "$1" --json -n 20 "$q" | sed -E 's/"elapsed_ms":[0-9.]+/"elapsed_ms":0/'
    done >"$2" || true
}
"$KBINDEX" "$work/kb" >/dev/null 2>&1
"$KBINDEX" "$work/kb" 2>/dev/null | summary >"$work/again"
grep -qx 'kbindex: 0 indexed, 6 unchanged, 2 skipped, 0 removed; 0 passages' "$work/again" \
    || fail "unchanged re-run: $(cat "$work/again")"
# A touch without a content change is noticed by the hash: nothing re-indexed.
touch "$work/kb/notes/garden.md"
"$KBINDEX" "$work/kb" 2>/dev/null | summary | grep -q ' 0 indexed, 6 unchanged' || fail "touch re-indexed"

printf '\nThe cache warms in 30 seconds now.\n' >>"$work/kb/reports/latency.md"
rm "$work/kb/notes/planning.txt"
printf 'Owners of the compost heap\n\nThe compost is shared by three owners.\n' >"$work/kb/notes/shared.md"
"$KBINDEX" "$work/kb" 2>/dev/null | summary >"$work/update"
grep -qx 'kbindex: 2 indexed, 4 unchanged, 2 skipped, 1 removed; 5 passages' "$work/update" \
    || fail "update: $(cat "$work/update")"
run_all "$work/kb/.kbsearch" "$work/incremental.jsonl"

cp -a "$work/kb" "$work/fresh" && rm -rf "$work/fresh/.kbsearch"
"$KBINDEX" "$work/fresh" >/dev/null 2>&1
run_all "$work/fresh/.kbsearch" "$work/fresh.jsonl"
sed -i "s#$work/fresh#$work/kb#g" "$work/fresh.jsonl"
compare "$work/fresh.jsonl" "$work/incremental.jsonl"
grep -q '"path":"notes/planning.txt"' "$work/incremental.jsonl" && fail "deleted file still found"
grep -q '"path":"notes/shared.md"' "$work/incremental.jsonl" || fail "added file not found"
grep -q 'warms in 30 seconds' "$work/incremental.jsonl" || fail "edit not indexed"
echo ok
