#!/usr/bin/env bash
# The outputs for programs: non-UTF-8 names stay valid JSON, columns in all
# three units on 2-, 3- and 4-byte text with CRLF, a 50-query batch equals
# 50 runs, --vimgrep loads into Vim's quickfix, trec and -l.
. "$(dirname "$0")/lib.bash"
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 77; }
copy_corpus
printf 'Launch \xf0\x9f\x9a\x80 party at the caf\xc3\xa9 \xe2\x98\x95 with rocket fuel.\r\nSecond line: \xf0\x9f\x9a\x80 rocket again.\r\n' >"$work/kb/misc/emoji.txt"
printf 'A file whose name is Latin-1, about rocket science.\n' >"$work/kb/misc/caf$(printf '\xe9').txt"
"$KBINDEX" "$work/kb" >/dev/null 2>&1
cd "$work/kb"

"$KBSEARCH" --json rocket >"$work/rocket.jsonl"
python3 - "$work/rocket.jsonl" <<'PY' || fail "non-UTF-8 path or 4-byte columns"
import base64, json, sys
objs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
matches = [o for o in objs if o["type"] == "match"]
latin = [m for m in matches if isinstance(m["path"], dict)]
assert latin and base64.b64decode(latin[0]["path"]["bytes"]) == b"misc/caf\xe9.txt", latin
emoji = [m for m in matches if m["path"] == "misc/emoji.txt"]
assert emoji, matches
spans = [s for m in emoji for s in m["spans"]]
second = [s for s in spans if s["line"] == 2]
assert second, spans
# "Second line: 🚀 rocket": 'rocket' starts after 13 ASCII bytes, the 4-byte rocket and a space.
s = second[0]
assert (s["col_byte"], s["col_cp"], s["col_utf16"]) == (19, 16, 17), s
print("ok:", len(matches), "matches")
PY

# 50 queries in one process = 50 processes.
words=(compost tomato roots pruning fruit heap scraps cardboard planning flexibility options
       bets owner budget latency cache requests June meeting owners estimate résumé café
       東京 会議 서울 rocket launch fuel "strategic flexibility" "latency fell" "side shoots"
       "cold queries" garden plan team decisions direction disk median sampled slow
       "kitchen scraps" Tuesday Friday move sync warm market variety)
[ ${#words[@]} -eq 50 ] || fail "want 50 queries, have ${#words[@]}"
for i in "${!words[@]}"; do printf 'q%02d\t%s\n' "$i" "${words[$i]}"; done >"$work/batch.tsv"
"$KBSEARCH" --json --batch "$work/batch.tsv" | grep '"type":"match"' >"$work/batch.out" || true
for i in "${!words[@]}"; do
    "$KBSEARCH" --json "${words[$i]}" | grep '"type":"match"' |
        sed "s/\"qid\":\"1\"/\"qid\":\"$(printf 'q%02d' "$i")\"/" || true
done >"$work/single.out"
[ "$(wc -l <"$work/batch.out")" -ge 50 ] || fail "too few batch matches"
compare "$work/single.out" "$work/batch.out"

# --vimgrep: Vim's default errorformat loads it; every entry lands on the match.
"$KBSEARCH" --vimgrep --per-file 0 -n 50 rocket >"$work/vimgrep.txt"
if command -v vim >/dev/null; then
    vim -Es -u NONE -i NONE -c "cgetfile $work/vimgrep.txt" \
        -c 'let out = []' \
        -c 'for e in getqflist() | call add(out, bufname(e.bufnr) . ":" . e.lnum . ":" . e.col . ":" . e.valid) | endfor' \
        -c "call writefile(out, '$work/qf.txt')" -c 'qa!' </dev/null || true
    [ "$(wc -l <"$work/qf.txt")" = "$(wc -l <"$work/vimgrep.txt")" ] || fail "quickfix has $(wc -l <"$work/qf.txt") entries"
    grep -q ':0$' "$work/qf.txt" && fail "invalid quickfix entries: $(cat "$work/qf.txt")"
    while IFS=: read -r file lnum col _; do
        word=$(sed -n "${lnum}p" "$file" | tail -c +"$col" | head -c 6)
        [ "$word" = rocket ] || fail "quickfix $file:$lnum:$col does not point at 'rocket' ($word)"
    done <"$work/qf.txt"
else
    echo "vim missing: quickfix check skipped"
fi

# trec: six fields, ranks from 1; -l: each file once, best first.
"$KBSEARCH" --format=trec compost | awk 'NF != 6 || $2 != "Q0" || $4 != NR || $6 != "kbsearch" {exit 1}' ||
    fail "trec format"
[ "$("$KBSEARCH" -l compost)" = "notes/garden.md
misc/data.json
misc/no-newline.txt" ] || fail "-l: $("$KBSEARCH" -l compost)"
[ "$("$KBSEARCH" -l --null compost | tr '\0' '|')" = "notes/garden.md|misc/data.json|misc/no-newline.txt|" ] || fail "--null"
echo ok
