#!/usr/bin/env bash
# Files changed after indexing: a passage that moved is shown where it is
# now (lines, JSON offsets and columns, --vimgrep, --context); one whose
# words changed is [stale], one whose file is gone [deleted] with its stored
# text; a touched file stays fresh; stderr suggests kbindex once per run.
. "$(dirname "$0")/lib.bash"
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 77; }
kb=$work/kb
mkdir -p "$kb/notes"
odd=$(printf 'odd name \xe9.txt')
# An emoji, a 2-byte and a 3-byte character before the word: the three
# column units differ.
printf '# Moving day\n\n\xf0\x9f\xa6\x98 \xc3\x9cber \xe2\x80\x94 the quokka colony settled near the river bend.\nIt came back every spring.\n\nA second paragraph about ferries and tides.\n' >"$kb/notes/moved.txt"
printf 'The pangolin survey counted eleven animals this year.\n\nNothing else here.\n' >"$kb/notes/edited.md"
printf 'The axolotl tank needs cleaning every Sunday.\n' >"$kb/notes/gone.md"
printf 'The narwhal tusk is a long tooth.\n' >"$kb/notes/touched.md"
for i in 1 2 3 4 5 6; do printf 'Filler paragraph number %s about weather and soil.\n\n' "$i"; done >"$kb/notes/twice.txt"
printf 'The okapi hides in dense forest.\n' >>"$kb/notes/twice.txt"
printf 'Intro line.\n\nThe tapir swims in slow rivers.\n' >"$kb/notes/$odd"
"$KBINDEX" "$kb" >/dev/null 2>&1
cd "$kb"

# Before any change: fresh, no suggestion.
"$KBSEARCH" quokka >"$work/out" 2>"$work/err"
[ ! -s "$work/err" ] || fail "suggestion on a fresh index: $(cat "$work/err")"
grep -q '^notes/moved.txt:1-4$' "$work/out" || fail "before: $(cat "$work/out")"

# (a) Lines inserted above a passage: its new lines, not stale.
{ printf 'Added on top.\n\nAnother added paragraph.\n\n'; cat notes/moved.txt; } >"$work/t" && mv "$work/t" notes/moved.txt
{ printf 'Added\n\n'; cat "notes/$odd"; } >"$work/t" && mv "$work/t" "notes/$odd"
# A copy of the okapi line on top and one line above the original: the
# original is the occurrence nearest the indexed offset.
{ printf 'The okapi hides in dense forest.\n\n'; head -n 12 notes/twice.txt; printf 'x\n'; tail -n 1 notes/twice.txt; } >"$work/t" && mv "$work/t" notes/twice.txt
"$KBSEARCH" quokka >"$work/out" 2>"$work/err"
grep -q '^notes/moved.txt:5-8$' "$work/out" || fail "(a) moved: $(cat "$work/out")"
grep -q 'stale\|deleted' "$work/out" && fail "(a) marked: $(cat "$work/out")"
[ ! -s "$work/err" ] || fail "(a) suggestion for a moved passage: $(cat "$work/err")"
"$KBSEARCH" tapir | grep -q "^notes/$odd:5-5\$" || fail "(a) odd name: $("$KBSEARCH" tapir)"
"$KBSEARCH" okapi | grep -q '^notes/twice.txt:16-16$' || fail "(a) nearest copy: $("$KBSEARCH" okapi)"

# (a) JSON: every offset, line and column slices the file as it is now.
"$KBSEARCH" --json quokka okapi tapir >"$work/moved.jsonl" 2>"$work/err"
[ ! -s "$work/err" ] || fail "(a) json stderr: $(cat "$work/err")"
python3 - "$work/moved.jsonl" <<'PY' || fail "(a) JSON offsets"
import base64, json, sys
objs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
matches = [o for o in objs if o["type"] == "match"]
assert len(matches) == 3, matches
for m in matches:
    assert "stale" not in m and "deleted" not in m, m
    path = m["abspath"]
    path = base64.b64decode(path["bytes"]) if isinstance(path, dict) else path.encode()
    data = open(path, "rb").read()
    text = data[m["byte_start"]:m["byte_end"]]
    assert data.count(b"\n", 0, m["byte_start"]) + 1 == m["line_start"], m
    assert m["line_end"] - m["line_start"] == text.rstrip(b"\n").count(b"\n"), m
    for s in m["spans"]:
        word = data[s["byte_start"]:s["byte_end"]].decode()
        assert word == s["text"] and word in ("quokka", "okapi", "tapir"), (word, s)
        bol = data.rfind(b"\n", 0, s["byte_start"]) + 1
        before = data[bol:s["byte_start"]]
        assert s["line"] == data.count(b"\n", 0, s["byte_start"]) + 1, s
        assert s["col_byte"] == len(before) + 1, s
        assert s["col_cp"] == len(before.decode()) + 1, s
        assert s["col_utf16"] == len(before.decode().encode("utf-16-le")) // 2 + 1, s
q = [m for m in matches if m["path"] == "notes/moved.txt"][0]["spans"][0]
assert (q["line"], q["col_byte"], q["col_cp"], q["col_utf16"]) == (7, 20, 14, 15), q
ends = [o for o in objs if o["type"] in ("end", "summary")]
assert all("outdated" not in o for o in ends), ends
PY

# (e) --vimgrep after (a): the new line:col; --context reads the new place.
[ "$("$KBSEARCH" --vimgrep quokka)" = "notes/moved.txt:7:20:🦘 Über — the quokka colony settled near the river bend." ] ||
    fail "(e) vimgrep: $("$KBSEARCH" --vimgrep quokka)"
"$KBSEARCH" -C 1 quokka >"$work/ctx"
grep -q '^7:🦘 Über — the quokka' "$work/ctx" && grep -q '^4-$' "$work/ctx" && grep -q '^9-$' "$work/ctx" ||
    fail "(e) --context: $(cat "$work/ctx")"

# (b) The passage's words edited: [stale], the stored text, a suggestion.
sed -i 's/counted eleven animals/counted only nine animals/' notes/edited.md
"$KBSEARCH" pangolin >"$work/out" 2>"$work/err"
grep -q '^notes/edited.md:1-1 \[stale\]$' "$work/out" || fail "(b) text: $(cat "$work/out")"
grep -q 'counted eleven animals' "$work/out" || fail "(b) stored text: $(cat "$work/out")"
[ "$(cat "$work/err")" = "kbsearch: 1 result comes from a file changed since it was indexed: run kbindex to update the index" ] ||
    fail "(b) stderr: $(cat "$work/err")"
"$KBSEARCH" --json pangolin >"$work/out" 2>"$work/err"
grep '"type":"match"' "$work/out" | grep -q '"stale":true' || fail "(b) json: $(cat "$work/out")"
grep '"type":"match"' "$work/out" | grep -q '"deleted"' && fail "(b) json deleted: $(cat "$work/out")"
grep -q '"type":"end".*"outdated":1' "$work/out" || fail "(b) json end: $(cat "$work/out")"
grep -q '"type":"summary".*"outdated":1' "$work/out" || fail "(b) json summary: $(cat "$work/out")"
grep -q 'run kbindex to update the index' "$work/err" || fail "(b) json stderr: $(cat "$work/err")"
"$KBSEARCH" -C 1 pangolin | grep -q '^    The pangolin survey counted eleven' || fail "(b) --context falls back to the snippet"
"$KBSEARCH" --vimgrep pangolin 2>/dev/null | grep -q '^notes/edited.md:1:5:\[stale\] The pangolin' ||
    fail "(b) vimgrep: $("$KBSEARCH" --vimgrep pangolin 2>&1)"

# (c) The file deleted: [deleted], its stored text still shown.
rm notes/gone.md
"$KBSEARCH" axolotl >"$work/out" 2>"$work/err"
grep -q '^notes/gone.md:1-1 \[deleted\]$' "$work/out" || fail "(c) text: $(cat "$work/out")"
grep -q 'The axolotl tank needs cleaning every Sunday' "$work/out" || fail "(c) stored text: $(cat "$work/out")"
grep -q 'run kbindex to update the index' "$work/err" || fail "(c) stderr: $(cat "$work/err")"
"$KBSEARCH" --json axolotl 2>/dev/null | grep '"type":"match"' | grep -q '"deleted":true' || fail "(c) json"
[ -z "$("$KBSEARCH" --vimgrep axolotl 2>/dev/null)" ] || fail "(c) vimgrep lists a deleted file"
[ -z "$("$KBSEARCH" -l axolotl 2>/dev/null)" ] || fail "(c) -l lists a deleted file"
[ "$("$KBSEARCH" --format=trec axolotl 2>/dev/null | awk '{print $3}')" = "notes/gone.md:1-1" ] || fail "(c) trec"

# (d) Touched without a change: fresh, no suggestion.
touch -d '2001-02-03 04:05:06' notes/touched.md
"$KBSEARCH" narwhal >"$work/out" 2>"$work/err"
[ "$(head -1 "$work/out")" = "notes/touched.md:1-1" ] || fail "(d) text: $(cat "$work/out")"
[ ! -s "$work/err" ] || fail "(d) suggestion: $(cat "$work/err")"

# (e) A file read through a format (Markdown here) whose passage moved is
# stale: its passages are not copies of source bytes to look for again.
{ printf 'Added on top.\n\n'; cat notes/touched.md; } >"$work/t" && mv "$work/t" notes/touched.md
"$KBSEARCH" narwhal >"$work/out" 2>/dev/null
[ "$(head -1 "$work/out")" = "notes/touched.md:1-1 [stale]" ] || fail "(e) text: $(cat "$work/out")"
printf 'The narwhal tusk is a long tooth.\n' >notes/touched.md

# A batch: the suggestion once, last, counting every query's results.
printf 'a\tpangolin\nb\tquokka\nc\taxolotl\n' >"$work/batch.tsv"
"$KBSEARCH" --batch "$work/batch.tsv" >/dev/null 2>"$work/err"
[ "$(cat "$work/err")" = "kbsearch: 2 results come from files changed since they were indexed: run kbindex to update the index" ] ||
    fail "batch stderr: $(cat "$work/err")"
"$KBSEARCH" --json --batch "$work/batch.tsv" 2>/dev/null | tail -1 | grep -q '"outdated":2' || fail "batch summary"

# kbindex brings the index up to date: nothing is stale any more.
"$KBINDEX" "$kb" >/dev/null 2>&1
"$KBSEARCH" --batch "$work/batch.tsv" >"$work/out" 2>"$work/err"
[ ! -s "$work/err" ] || fail "after kbindex: $(cat "$work/err")"
grep -q 'stale\|deleted' "$work/out" && fail "after kbindex: $(cat "$work/out")"
grep -q '^notes/edited.md:1-1$' "$work/out" || fail "after kbindex: $(cat "$work/out")"
echo ok
