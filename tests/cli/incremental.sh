#!/usr/bin/env bash
# Re-indexing after each kind of change (edit, delete, add, rename, touch
# without a change, a file replaced by a symbolic link) answers exactly as
# a fresh index of the same folder; an unchanged folder is not re-read.
. "$(dirname "$0")/lib.bash"
copy_corpus
queries=("compost" "strategic flexibility" "tomatoes watering" "latency" "cache" "owners"
         "orchard ledger")
run_all() { # DB OUT
    for q in "${queries[@]}"; do
        "$KBSEARCH" --db "$1" --json -n 20 "$q" | sed -E 's/"elapsed_ms":[0-9.]+/"elapsed_ms":0/'
    done >"$2" || true
}
# same_as_fresh STEP: the incremental index answers as a fresh one.
same_as_fresh() {
    "$KBINDEX" --check "$work/kb" >"$work/check" 2>/dev/null || fail "$1: --check after the run: $(cat "$work/check")"
    run_all "$work/kb/.kbsearch" "$work/incremental.jsonl"
    rm -rf "$work/fresh" && cp -a "$work/kb" "$work/fresh" && rm -rf "$work/fresh/.kbsearch"
    "$KBINDEX" "$work/fresh" >/dev/null 2>&1
    run_all "$work/fresh/.kbsearch" "$work/fresh.jsonl"
    sed -i "s#$work/fresh#$work/kb#g" "$work/fresh.jsonl"
    diff -u "$work/fresh.jsonl" "$work/incremental.jsonl" || fail "$1: differs from a fresh index"
}
# step NAME EXPECTED-SUMMARY: re-indexes and checks the summary.
step() {
    "$KBINDEX" "$work/kb" 2>/dev/null | summary >"$work/out"
    [ "$(cat "$work/out")" = "$2" ] || fail "$1: $(cat "$work/out")"
}
"$KBINDEX" "$work/kb" >/dev/null 2>&1
step unchanged 'kbindex: 0 indexed, 8 unchanged, 0 renamed, 0 removed, 1 skipped (1 binary); 0 passages'
# A touch without a content change is noticed by the hash: nothing re-indexed.
touch "$work/kb/notes/garden.md"
step touch 'kbindex: 0 indexed, 8 unchanged, 0 renamed, 0 removed, 1 skipped (1 binary); 0 passages'

printf '\nThe cache warms in 30 seconds now.\n' >>"$work/kb/reports/latency.md"
rm "$work/kb/notes/planning.txt"
printf 'Owners of the compost heap\n\nThe compost is shared by three owners.\n' >"$work/kb/notes/shared.md"
step edit-delete-add 'kbindex: 2 indexed, 6 unchanged, 0 renamed, 1 removed, 1 skipped (1 binary); 5 passages'
same_as_fresh edit-delete-add
grep -q '"path":"notes/planning.txt"' "$work/incremental.jsonl" && fail "deleted file still found"
grep -q '"path":"notes/shared.md"' "$work/incremental.jsonl" || fail "added file not found"
grep -q 'warms in 30 seconds' "$work/incremental.jsonl" || fail "edit not indexed"

# A rename is recognized by the content hash; results point at the new path.
mkdir "$work/kb/archive"
mv "$work/kb/notes/garden.md" "$work/kb/archive/garden-2025.md"
expect_exit 1 "$KBINDEX" --check "$work/kb" >"$work/check" 2>/dev/null
[ "$(cat "$work/check")" = 'renamed: archive/garden-2025.md (was notes/garden.md)
kbindex: check: 7 in sync, 0 to index, 1 renamed, 0 deleted, 0 damaged' ] || fail "--check before the rename: $(cat "$work/check")"
step rename 'kbindex: 0 indexed, 7 unchanged, 1 renamed, 0 removed, 1 skipped (1 binary); 4 passages'
same_as_fresh rename
grep -q '"path":"notes/garden.md"' "$work/incremental.jsonl" && fail "renamed file found at its old path"
grep -q '"path":"archive/garden-2025.md"' "$work/incremental.jsonl" || fail "renamed file not found"
grep -qx 'unchanged: archive/garden-2025.md' <("$KBINDEX" -v "$work/kb" 2>/dev/null) \
    || fail "renamed file re-read on the next run"

# Renamed and edited in one go: the old path removed, the new one indexed.
mv "$work/kb/notes/shared.md" "$work/kb/notes/orchard.md"
printf 'Orchard ledger\n\nThe orchard ledger lists every tree.\n' >>"$work/kb/notes/orchard.md"
step rename-edit 'kbindex: 1 indexed, 7 unchanged, 0 renamed, 1 removed, 1 skipped (1 binary); 2 passages'
same_as_fresh rename-edit

# A file replaced by a symbolic link (not followed) is removed.
mv "$work/kb/reports/latency.md" "$work/latency.md"
ln -s "$work/latency.md" "$work/kb/reports/latency.md"
step link 'kbindex: 0 indexed, 7 unchanged, 0 renamed, 1 removed, 2 skipped (1 binary, 1 symlink); 0 passages'
same_as_fresh link
echo ok
