#!/usr/bin/env bash
# On the real scraped articles in ../shared (when present): "strategic
# flexibility" finds the articles' passages about it, not page chrome.
. "$(dirname "$0")/lib.bash"
shared=$(cd "$KB_TESTS/../../shared" 2>/dev/null && pwd) || { echo "no ../shared: skipped"; exit 77; }
[ -d "$shared/corpus/seeds" ] || { echo "no seeds: skipped"; exit 77; }
cp -r "$shared/corpus/seeds" "$work/seeds"
"$KBINDEX" "$work/seeds" >/dev/null
cd "$work/seeds"
"$KBSEARCH" --json -n 5 "strategic flexibility" >"$work/out.jsonl"
python3 - "$work/out.jsonl" "$shared/eval/seeds/boilerplate.tsv" <<'PY' || fail "seed results"
import json, sys
chrome = {}
for line in open(sys.argv[2]):
    if line.startswith("#") or not line.strip():
        continue
    f, a, b, _ = line.rstrip("\n").split("\t")
    chrome.setdefault(f, []).append((int(a), int(b)))
hits = [o for o in map(json.loads, open(sys.argv[1])) if o["type"] == "match"]
assert len(hits) == 5, len(hits)
for h in hits:
    assert "flexib" in h["snippet"].lower(), h["snippet"]
    inside = any(a <= h["line_start"] and h["line_end"] <= b for a, b in chrome.get(h["path"], []))
    assert not inside, ("page chrome ranked", h["path"], h["line_start"])
print("top 5:", [(h["path"], h["line_start"]) for h in hits])
PY
echo ok
