#!/usr/bin/env bash
# --json: every line parses; every span slices its file to its text and
# its columns are right in bytes, code points and UTF-16; --batch answers
# as separate runs do.
. "$(dirname "$0")/lib.bash"
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 77; }
copy_corpus
# One long line: its passages are windows that start inside the line.
python3 -c 'import sys; sys.stdout.write(" ".join("zanzibar" if i % 700 == 350 else ("crème", "日本語", "word%d" % i)[i % 3] for i in range(4000)) + "\n")' >"$work/kb/long-line.txt"
"$KBINDEX" "$work/kb" >/dev/null 2>&1
cd "$work/kb"
queries=(compost 'cafe naive' 東京 서울 'strategic flexibility' '"latency fell"' résumé 'cache 3.5%' 'owners café'
         zanzibar)
for q in "${queries[@]}"; do "$KBSEARCH" --json "$q" | grep -v '"type":"summary"'; done >"$work/all.jsonl"
python3 - "$work/all.jsonl" <<'PY' || fail "JSON check"
import json, os, sys
n = 0
KEYS = {
    "begin": {"type", "version", "qid", "query", "warnings"},
    "match": {"type", "qid", "rank", "score", "path", "abspath", "index", "line_start", "line_end",
              "byte_start", "byte_end", "heading", "title", "snippet", "more_in_file", "also_at",
              "spans"},
    "end": {"type", "qid", "matches", "elapsed_ms"},
    "summary": {"type", "queries", "matched", "errors", "elapsed_ms"},
}
current, ranks, scores = None, [], []
for raw in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(raw)
    assert set(o) == KEYS[o["type"]], (o["type"], set(o) ^ KEYS[o["type"]])
    if o["type"] == "begin":
        assert o["version"] == 1 and isinstance(o["query"], str) and o["warnings"] == [], o
        current, ranks, scores = o["qid"], [], []
        continue
    assert o["qid"] == current, o
    if o["type"] == "end":
        assert o["matches"] == len(ranks) and o["elapsed_ms"] >= 0, o
        assert ranks == list(range(1, len(ranks) + 1)) and scores == sorted(scores, reverse=True)
        continue
    if o["type"] != "match":
        continue
    ranks.append(o["rank"])
    scores.append(o["score"])
    assert o["abspath"] == os.path.join(os.getcwd(), o["path"]), o
    assert o["index"] == os.path.join(os.getcwd(), ".kbsearch"), o
    assert isinstance(o["heading"], str) and o["title"] and o["snippet"], o
    assert isinstance(o["more_in_file"], int) and o["more_in_file"] >= 0, o
    data = open(o["abspath"], "rb").read()
    assert data[o["byte_start"]:o["byte_end"]].strip(), o
    assert o["line_start"] == data[:o["byte_start"]].count(b"\n") + 1, o
    assert o["line_end"] == data[:o["byte_end"]].count(b"\n") + 1, o
    assert o["spans"], o
    for s in o["spans"]:
        surface = data[s["byte_start"]:s["byte_end"]].decode()
        assert surface == s["text"], (surface, s)
        bol = data.rfind(b"\n", 0, s["byte_start"]) + 1
        before = data[bol:s["byte_start"]]
        assert s["line"] == data[:s["byte_start"]].count(b"\n") + 1, s
        assert s["col_byte"] == len(before) + 1, s
        text = before.decode()
        assert s["col_cp"] == len(text) + 1, s
        assert s["col_utf16"] == len(text.encode("utf-16-le")) // 2 + 1, s
        if s["snippet_start"] is not None:
            snip = o["snippet"].encode()[s["snippet_start"]:s["snippet_end"]].decode()
            assert " ".join(snip.split()) == " ".join(s["text"].split()), (snip, s)
        n += 1
assert n >= 12, n
print("spans checked:", n)
PY
# One process for the batch, the same answers as one process per query.
for i in "${!queries[@]}"; do printf 'q%d\t%s\n' "$i" "${queries[$i]}"; done >"$work/batch.tsv"
printf '# a comment\n\n  \t \n' >>"$work/batch.tsv"
"$KBSEARCH" --json --batch "$work/batch.tsv" | grep '"type":"match"' >"$work/batch.out"
for i in "${!queries[@]}"; do
    "$KBSEARCH" --json "${queries[$i]}" | grep '"type":"match"' | sed "s/\"qid\":\"1\"/\"qid\":\"q$i\"/"
done >"$work/single.out"
compare "$work/single.out" "$work/batch.out"
# A bad line reports an error for its qid, and the batch goes on (exit 2).
rc=0
printf 'a\tcompost\nb\t-compost\nc\tcache\n' | "$KBSEARCH" --json --batch - >"$work/bad.out" 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "batch with a bad line: exit $rc"
grep -q '"type":"error","qid":"b"' "$work/bad.out" || fail "no error object for the bad line"
grep -q '"type":"match","qid":"c"' "$work/bad.out" || fail "batch stopped at the bad line"
tail -1 "$work/bad.out" | grep -q '"type":"summary","queries":3,"matched":2,"errors":1' || fail "summary"
# A batch file that cannot be read is named once, as the input it is.
for bad in "$work/no-such-batch" "$work"; do
    rc=0
    err=$("$KBSEARCH" --batch "$bad" 2>&1 >/dev/null) || rc=$?
    [ "$rc" = 2 ] || fail "unreadable batch file $bad: exit $rc"
    grep -qF "$bad: " <<<"$err" && ! grep -q 'write error' <<<"$err" ||
        fail "unreadable batch file $bad: $err"
done
echo ok
