#!/usr/bin/env bash
# Ranking rules on a tiny corpus where the right order is unambiguous.
. "$(dirname "$0")/lib.bash"
mkdir -p "$work/kb"
cd "$work/kb"
printf 'The quokka sleeps all day.\n\nThe wombat digs at night.\n\nA quokka and a wombat met at the waterhole.\n' >animals.txt
printf 'Flexibility matters.\n\nA flexible plan.\n\nThe plan is flexible and the budget has flexibility.\n' >plans.txt
printf 'Reading list\n\nNothing about marsupials here, only books.\n' >other.md
for i in 1 2 3 4 5; do printf 'Zebra sighting number %d near the river.\n\n' "$i"; done >zebras.txt
"$KBINDEX" . >/dev/null
first() { "$KBSEARCH" --color=never -n 1 "$@" | head -1; }
# More of the distinct query words first...
[ "$(first quokka wombat)" = "animals.txt:5-5" ] || fail "both words should rank first: $(first quokka wombat)"
# ...but not a strict AND: a word that never occurs does not empty the results.
[ "$(first quokka unicorn)" != "" ] || fail "a missing word emptied the results"
n=$("$KBSEARCH" --color=never quokka unicorn | grep -c '^animals.txt:')
[ "$n" = 2 ] || fail "expected both quokka passages, got $n"
# A phrase ranks the passages that hold it as a phrase before the others.
[ "$(first '"flexible plan"')" = "plans.txt:3-3" ] || fail "phrase first: $(first '"flexible plan"')"
# Stems: a query word finds its variants.
n=$("$KBSEARCH" --color=never flexible | grep -c '^plans.txt:')
[ "$n" = 3 ] || fail "flexible should find flexibility too ($n passages)"
# Exclusion drops every passage with the word.
"$KBSEARCH" --color=never quokka -- -wombat | grep -q '^animals.txt:5-5' && fail "-wombat ignored"
# Per file: 3 passages in text (saying how many more), all of them for programs.
out=$("$KBSEARCH" --color=never zebra)
[ "$(grep -c '^zebras.txt:' <<<"$out")" = 3 ] || fail "text should show 3 passages of a file"
grep -qx '    (+2 more in this file)' <<<"$out" || fail "no '+2 more in this file': $out"
[ "$("$KBSEARCH" --json zebra | grep -c '"type":"match"')" = 5 ] || fail "json should not cap per file"
[ "$("$KBSEARCH" --json --per-file 2 zebra | grep -c '"type":"match"')" = 2 ] || fail "--per-file 2"
"$KBSEARCH" --json --per-file 2 zebra | grep -q '"more_in_file":3' || fail "more_in_file in JSON"
# Proximity: the same words, as many times, in passages as long: together first.
mkdir -p "$work/prox" && cd "$work/prox"
printf 'Notes on the harbour.\n\nThe tide gauge reads high today and the boats wait by the pier for noon.\n' >near.txt
printf 'Notes on the harbour.\n\nThe tide reads high today and the boats wait by the pier for the gauge.\n' >far.txt
"$KBINDEX" . >/dev/null
[ "$(first tide gauge)" = "near.txt:3-3" ] || fail "words together should rank first: $(first tide gauge)"
# Each test below would tie without its signal, and a tie goes to the file
# indexed first (names sort), so the file expected first sorts last.
# Title: the query word in the file's title (front matter, not a passage).
mkdir -p "$work/head" && cd "$work/head"
printf -- '---\ntitle: Otter notes\n---\n\nOne otter crossed the weir at dusk.\n' >z.md
printf -- '---\ntitle: Weir notes\n---\n\nOne otter crossed the weir at dawn.\n' >a.md
"$KBINDEX" . >/dev/null
[ "$(first otter)" = "z.md:5-5" ] || fail "title match should rank first: $(first otter)"
"$KBSEARCH" --json --explain -n 1 otter | grep -q '"heading":{"value":1,"factor":1.2}' ||
    fail "heading factor: $("$KBSEARCH" --json --explain -n 1 otter)"
# File evidence: a passage in a file about the query beats a lone mention.
mkdir -p "$work/file" && cd "$work/file"
printf 'Notes from the bay.\n\nSea urchins graze kelp to the rock.\n\nOtters eat the urchins and the kelp returns.\n\nA diver counted kelp fronds near the pier.\n' >zz-bay.txt
printf 'Notes from the pier.\n\nThe crane arrives first, then the timber.\n\nA diver counted kelp fronds near the pier.\n\nThe cafe stays open.\n' >pier.txt
"$KBINDEX" . >/dev/null
"$KBSEARCH" --json --per-file 0 --explain kelp fronds >"$work/file.jsonl"
python3 - "$work/file.jsonl" <<'PY' || fail "file evidence / explain: $(cat "$work/file.jsonl")"
import json, sys
m = [o for o in map(json.loads, open(sys.argv[1])) if o["type"] == "match"]
first = m[0]
assert first["path"] == "zz-bay.txt" and first["line_start"] == 7, first
index = first["index"]
assert index.endswith("/.kbsearch"), first
assert first["also_at"] == [{"path": "pier.txt", "index": index, "line_start": 5, "line_end": 5}], first
# The explanation adds up (printed with 6 significant digits).
e = first["explain"]
assert abs(sum(t["bm25"] for t in e["terms"]) - e["bm25"]) < 1e-4 * e["bm25"], e
factors = [e[k]["factor"] for k in ("coverage", "proximity", "heading")]
assert abs(e["bm25"] * factors[0] * factors[1] * factors[2] - e["passage"]) < 1e-4 * e["passage"], e
assert abs(e["passage"] * e["file"]["factor"] - e["score"]) < 1e-4 * e["score"], e
assert e["file"]["value"] == 1 and e["file"]["factor"] > 1 and e["heading"]["value"] == 0, e
assert e["collapsed"] == 1, e
assert abs(first["score"] - e["score"]) < 1e-4 * e["score"], (first["score"], e["score"])
PY
printf 'Notes from the pier.\n\nThe crane arrives first, then the timber.\n\nA diver counted kelp fronds by the pier.\n\nThe cafe stays open.\n' >pier.txt
"$KBINDEX" . >/dev/null
[ "$(first kelp fronds)" = "zz-bay.txt:7-7" ] || fail "on-topic file should rank first: $(first kelp fronds)"
"$KBSEARCH" --color=never --explain -n 1 kelp fronds | grep -q '^    explain: score ' || fail "text --explain"
# Phrases first: the phrase beats a passage with more of the other words.
mkdir -p "$work/phrase" && cd "$work/phrase"
printf 'The tide gauge was repainted last week by the volunteers from the town.\n' >z.txt
printf 'Harbour notes: the gauge, the harbour tide, the harbour gauge and the harbour wall.\n' >a.txt
"$KBINDEX" . >/dev/null
[ "$(first '"tide gauge"' harbour)" = "z.txt:1-1" ] || fail "phrase first: $(first '"tide gauge"' harbour)"
cd "$work/kb"
# Language "none": no stemming, recorded in the index and used by kbsearch.
"$KBINDEX" --language none --db "$work/plain" . >/dev/null
n=$("$KBSEARCH" --db "$work/plain" --color=never flexible | grep -c '^plans.txt:')
[ "$n" = 2 ] || fail "with --language none, flexible should find only 'flexible' ($n passages)"
echo ok
