#!/usr/bin/env bash
# kbsearch finds the index as git finds .git, then $KBSEARCH_DB; paths are
# shown relative to the current folder.
. "$(dirname "$0")/lib.bash"
copy_corpus
"$KBINDEX" "$work/kb" >/dev/null 2>&1
cd "$work/kb/notes"
"$KBSEARCH" -n 1 '"latency fell"' | head -1 | grep -qx '../reports/latency.md:1-3' || fail "relative path from a sibling folder"
cd "$work/kb/reports"
"$KBSEARCH" -n 1 '"latency fell"' | head -1 | grep -qx 'latency.md:1-3' || fail "relative path in the same folder"
mkdir -p "$work/elsewhere/deep"
cd "$work/elsewhere/deep"
KBSEARCH_DB="$work/kb/.kbsearch" "$KBSEARCH" -n 1 '"latency fell"' | head -1 |
    grep -qx '../../kb/reports/latency.md:1-3' || fail "KBSEARCH_DB or path outside the index root"
# An index elsewhere (--db) keeps its own root.
"$KBINDEX" --db "$work/other-db" "$work/kb" >/dev/null 2>&1
cd "$work/kb"
"$KBSEARCH" --db "$work/other-db" -n 1 compost | head -1 | grep -qx 'notes/garden.md:14-16' || fail "--db"
echo ok
