#!/usr/bin/env bash
# bench/floor.sh - what Xapian's own indexers cost on the bench corpus, beside kbindex.
#
# Usage: bench/floor.sh [OUT_DIR]        (default /var/tmp/kbbench/floor)
#
# The [perf] targets ask for an index built in a third of omindex's time and
# no larger than SQLite FTS5's.  This measures, in one run on the same text,
# what Xapian's own tools need, so that a gap can be put down to kbsearch's
# code or to the engine: omindex (files), scriptindex (Xapian's record
# indexer: TermGenerator with English stems and positions, the text kept as
# document data, one thread) with one document per file and with one per
# blank-line paragraph (kbsearch ranks passages, so each passage is a Xapian
# document), and kbindex.  Each index is then compacted (xapian-compact,
# kbindex --compact) and answers ../shared/bench/queries.txt, one process per
# query: quest on omindex's and on the paragraphs', kbsearch on kbindex's.
# The corpus comes from ../shared/bench/make-corpus.sh (bench/run.sh runs
# it).  About 5 minutes; writes OUT_DIR/floor.md.
#
# Environment: SHARED (default ../shared beside the project), CORPUS_ROOT
# (/var/tmp/kbbench), KBSEARCH (default build-bench/kbsearch; kbindex beside
# it).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT=$(dirname "$HERE")
SHARED=${SHARED:-$(dirname "$PROJECT")/shared}
ROOT=${CORPUS_ROOT:-/var/tmp/kbbench}
OUT=${1:-$ROOT/floor}
KBSEARCH=${KBSEARCH:-$PROJECT/build-bench/kbsearch}
KBINDEX=${KBINDEX:-$(dirname "$KBSEARCH")/kbindex}
CORPUS=$ROOT/corpus
export LC_ALL=C.UTF-8
log() { printf '[floor %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

[ -d "$CORPUS" ] || { echo "bench/floor.sh: no corpus at $CORPUS: run bench/run.sh first" >&2; exit 2; }
if [ ! -x "$KBSEARCH" ] || [ ! -x "$KBINDEX" ]; then
  echo "bench/floor.sh: no kbsearch and kbindex at $KBSEARCH (set KBSEARCH)" >&2
  exit 2
fi
for tool in omindex scriptindex xapian-compact xapian-delve quest; do
  command -v $tool > /dev/null ||
    { echo "bench/floor.sh: $tool is missing: run ../shared/bench/install-peers.sh" >&2; exit 2; }
done
rm -rf "$OUT" && mkdir -p "$OUT"

# scriptindex's input: field lines, '=' continuing a value, a blank line
# between records.
log "writing the records (per file, per paragraph)"
python3 - "$CORPUS" "$OUT" <<'EOF'
import os, sys
corpus, out = sys.argv[1:]
paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs)
with open(f"{out}/file.records", "w") as byfile, open(f"{out}/para.records", "w") as bypara:
    for path in paths:
        text = open(path, "rb").read().decode("utf-8", "replace").replace("\r", "")
        for sink, units in ((byfile, [text]), (bypara, text.split("\n\n"))):
            for unit in units:
                if not unit.strip():
                    continue
                lines = unit.strip("\n").split("\n")
                sink.write("text=" + lines[0] + "\n" + "".join("=" + l + "\n" for l in lines[1:]) + "\n")
EOF
echo 'text : index field' > "$OUT/script"

: > "$OUT/index.tsv"
# Times `$@`, which writes the index $OUT/$name.db, then compacts it into
# $OUT/$name.compact; one line of index.tsv.
index() {
  local name=$1
  shift
  log "$name"
  /usr/bin/time -f '%e\t%U\t%M' -o "$OUT/time" "$@" > "$OUT/$name.log" 2>&1
  local docs size
  docs=$(xapian-delve "$OUT/$name.db" | sed -n 's/^number of documents = //p')
  size=$(du -sb --exclude=kbindex.lock "$OUT/$name.db" | cut -f1)
  if [ "$name" = kbindex ]; then
    "$KBINDEX" -q --compact --db "$OUT/$name.db" "$CORPUS"
    mv "$OUT/$name.db" "$OUT/$name.compact"
  else
    xapian-compact "$OUT/$name.db" "$OUT/$name.compact" > /dev/null
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$docs" "$(cat "$OUT/time")" "$size" \
    "$(du -sb --exclude=kbindex.lock "$OUT/$name.compact" | cut -f1)" >> "$OUT/index.tsv"
}
find "$CORPUS" -type f -print0 | xargs -0 cat > /dev/null
index omindex omindex --db "$OUT/omindex.db" --url / -M rst:text/plain "$CORPUS"
index scriptindex-file scriptindex --overwrite "$OUT/scriptindex-file.db" "$OUT/script" "$OUT/file.records"
index scriptindex-para scriptindex --overwrite "$OUT/scriptindex-para.db" "$OUT/script" "$OUT/para.records"
index kbindex "$KBINDEX" -q --db "$OUT/kbindex.db" "$CORPUS"
rm -f "$OUT"/*.records

log "one-shot queries on the compacted indexes"
python3 "$SHARED/bench/lib/qtime.py" --queries "$SHARED/bench/queries.txt" --out "$OUT/queries" \
  --passes 3 --tool "quest=quest:$OUT/omindex.compact" \
  --tool "quest-para=quest:$OUT/scriptindex-para.compact" \
  --tool "kbsearch=kbsearch:$KBSEARCH:$OUT/kbindex.compact" > /dev/null 2>&1
python3 - "$OUT" "$(git -C "$PROJECT" rev-parse --short HEAD)" \
  "$(scriptindex --version)" > "$OUT/floor.md" <<'EOF'
import csv, sys
out, commit, version = sys.argv[1:]
print(f"Commit {commit}; {version}.\n")
print("| indexer | documents | wall s | user s | peak RSS MiB | MB | MB compacted |")
print("|---|---|---|---|---|---|---|")
for name, docs, wall, user, rss, size, compact in (l.rstrip("\n").split("\t")
                                                   for l in open(f"{out}/index.tsv")):
    print(f"| {name} | {docs} | {float(wall):.1f} | {float(user):.1f} | "
          f"{int(rss) / 1024:.0f} | {int(size) / 1e6:.0f} | {int(compact) / 1e6:.0f} |")
print()
print("| one-shot query | p50 ms | p95 ms |")
print("|---|---|---|")
for r in csv.DictReader(open(f"{out}/queries/queries-summary.tsv"), delimiter="\t",
                        quoting=csv.QUOTE_NONE):
    print(f"| {r['tool']} | {float(r['p50_ms']):.1f} | {float(r['p95_ms']):.1f} |")
EOF
cat "$OUT/floor.md"
