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
# Language "none": no stemming, recorded in the index and used by kbsearch.
"$KBINDEX" --language none --db "$work/plain" . >/dev/null
n=$("$KBSEARCH" --db "$work/plain" --color=never flexible | grep -c '^plans.txt:')
[ "$n" = 2 ] || fail "with --language none, flexible should find only 'flexible' ($n passages)"
echo ok
