#!/usr/bin/env bash
# Page chrome: left out of results by default, shown last with --all, listed
# with its evidence by kbindex --show-boilerplate, and not marked at all
# with --keep-boilerplate (which re-indexes every file when it changes).
. "$(dirname "$0")/lib.bash"
mkdir -p "$work/kb/saved"
cp "$KB_TESTS/boilerplate/page.txt" "$work/kb/saved/"
cp "$KB_TESTS/boilerplate/garden.md" "$work/kb/"
cd "$work/kb"
"$KBINDEX" . >/dev/null
# "Harbour" and "Ferry" are only in the related-stories list, a chrome passage.
expect_exit 1 "$KBSEARCH" --color=never harbour ferry
out=$("$KBSEARCH" --color=never --all harbour ferry)
grep -q '^saved/page.txt:27-31$' <<<"$out" || fail "--all should show the related list: $out"
# With --all, chrome never outranks content: "tide" is in the article and
# (as "Tidal" is not "tide") not in the menu, but "Share" is only chrome.
"$KBSEARCH" --json --all share tide >"$work/all.jsonl"
python3 - "$work/all.jsonl" <<'PY' || fail "--all ranking: $(cat "$work/all.jsonl")"
import json, sys
m = [o for o in map(json.loads, open(sys.argv[1])) if o["type"] == "match"]
lines = [o["line_start"] for o in m]
content = [l for l in lines if l in (14, 23)]
chrome = [l for l in lines if l in (12, 25)]
assert content and chrome, lines
assert max(lines.index(l) for l in content) < min(lines.index(l) for l in chrome), lines
PY
# The report: what is chrome and why, the note's list is not in it.
"$KBINDEX" --show-boilerplate . >"$work/report.txt"
grep -q '^saved/page.txt:1-6: chrome [0-9]* (short-lines,long-run,head): Home…$' "$work/report.txt" ||
    fail "menu not reported: $(cat "$work/report.txt")"
grep -q '^saved/page.txt:35-35: chrome 100 (legal,tail): © 2026 Estuary Post Ltd. All rights reserved.$' \
    "$work/report.txt" || fail "legal line not reported: $(cat "$work/report.txt")"
grep -q 'garden.md' "$work/report.txt" && fail "the note's list is content: $(cat "$work/report.txt")"
grep -qx 'kbindex: 6 of [0-9]* passages are chrome, in 1 files' "$work/report.txt" ||
    fail "count line: $(tail -1 "$work/report.txt")"
# A file, or a folder, narrows the report.
[ "$("$KBINDEX" --show-boilerplate garden.md | tail -1)" = "kbindex: 0 of 3 passages are chrome, in 0 files" ] ||
    fail "report for one file: $("$KBINDEX" --show-boilerplate garden.md)"
expect_exit 2 "$KBINDEX" --show-boilerplate /
# --keep-boilerplate: everything is indexed again and nothing is chrome.
s=$("$KBINDEX" --keep-boilerplate . | summary)
[ "$s" = "kbindex: 2 indexed, 0 unchanged, 0 renamed, 0 removed, 0 skipped; 14 passages" ] || fail "keep: $s"
"$KBSEARCH" --color=never harbour ferry | grep -q '^saved/page.txt:27-31$' || fail "kept chrome not found"
[ "$("$KBINDEX" --show-boilerplate . | tail -1)" = "kbindex: 0 of 14 passages are chrome, in 0 files" ] ||
    fail "nothing should be chrome under --keep-boilerplate"
# Back to the default: indexed again, chrome hidden again.
s=$("$KBINDEX" . | summary)
[ "$s" = "kbindex: 2 indexed, 0 unchanged, 0 renamed, 0 removed, 0 skipped; 14 passages" ] || fail "filter: $s"
expect_exit 1 "$KBSEARCH" --color=never harbour ferry
echo ok
