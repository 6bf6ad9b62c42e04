#!/usr/bin/env bash
# Copies of a passage are shown once, with the other places listed: the same
# paragraph twice in a file, and pasted into another file under a heading.
. "$(dirname "$0")/lib.bash"
mkdir -p "$work/kb/notes"
cd "$work/kb"
para='The lighthouse keeper logs every passing ship, its flag and the weather at dawn.'
printf 'Harbour diary\n\n%s\n\nAn unrelated line about gulls and ships.\n\n%s\n' "$para" "$para" >diary.txt
printf 'Copied from the diary\n\n%s\n\nOther notes about the lighthouse lamp.\n' "$para" >notes/copy.md
# Different words in the same order are not copies.
printf '%s Twice.\n' "$para" >near.txt
"$KBINDEX" . >/dev/null
out=$("$KBSEARCH" --color=never --per-file 0 lighthouse keeper)
[ "$(grep -c 'logs every passing ship' <<<"$out")" = 2 ] || fail "copies not collapsed: $out"
grep -qE '^    \(also in (diary.txt:[0-9]+-[0-9]+|notes/copy.md:1-3), (diary.txt:[0-9]+-[0-9]+|notes/copy.md:1-3)\)$' <<<"$out" ||
    fail "no 'also in' line for both other places: $out"
"$KBSEARCH" --json lighthouse keeper >"$work/out.jsonl"
python3 - "$work/out.jsonl" <<'PY' || fail "also_at in JSON"
import json, sys
m = [o for o in map(json.loads, open(sys.argv[1])) if o["type"] == "match"]
copies = [o for o in m if "passing ship" in o["snippet"] and "Twice" not in o["snippet"]]
assert len(copies) == 1, copies
places = sorted((a["path"], a["line_start"]) for a in copies[0]["also_at"])
shown = (copies[0]["path"], copies[0]["line_start"])
assert len(places) == 2 and shown not in places, (shown, places)
assert {p for p, _ in places} | {shown[0]} == {"diary.txt", "notes/copy.md"}, places
near = [o for o in m if "Twice" in o["snippet"]]
assert len(near) == 1 and near[0]["also_at"] == [], near
PY
echo ok
