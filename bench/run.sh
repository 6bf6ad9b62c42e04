#!/usr/bin/env bash
# bench/run.sh - kbsearch beside its peers on the real-text corpus, in one run.
#
# Usage: bench/run.sh [OUT_DIR]        (default /var/tmp/kbbench/report)
#
# 1. builds kbindex/kbsearch (RelWithDebInfo, in build-bench/) unless
#    KBSEARCH=/path/to/kbsearch is given (kbindex beside it);
# 2. installs the peers and builds the corpus with ../shared/bench/
#    (install-peers.sh, make-corpus.sh: idempotent);
# 3. runs ../shared/bench/peers.sh on the full corpus with kbsearch
#    (index wall/CPU/RSS/size of every tool, one-shot query latency);
# 4. adds what peers.sh does not measure: kbindex on corpus-10 and corpus-30
#    (linearity, MB/s), the size and one-shot query times after `kbindex --compact`, `--batch` queries
#    per second over queries.txt repeated 10 times, and re-running kbindex on
#    the unchanged full corpus;
# 5. writes OUT_DIR/report.md: the tables for bench/README.md.
#
# Environment: SHARED (default ../shared beside the project), CORPUS_ROOT
# (/var/tmp/kbbench), PASSES (3, query passes of peers.sh), PEERS (as
# peers.sh: "omindex fts5 recoll"), SKIP_PEERS=1 (reuse OUT_DIR/full).
# Timings are wall-clock on a shared machine: compare ratios within a run.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT=$(dirname "$HERE")
SHARED=${SHARED:-$(dirname "$PROJECT")/shared}
ROOT=${CORPUS_ROOT:-/var/tmp/kbbench}
OUT=${1:-$ROOT/report}
PASSES=${PASSES:-3}
export LC_ALL=C.UTF-8
mkdir -p "$OUT"
log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

if [ -z "${KBSEARCH:-}" ]; then
  log "building kbsearch (build-bench/)"
  cmake -S "$PROJECT" -B "$PROJECT/build-bench" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$PROJECT/build-bench" -j"$(nproc)" --target kbindex kbsearch >/dev/null
  KBSEARCH=$PROJECT/build-bench/kbsearch
fi
KBINDEX=${KBINDEX:-$(dirname "$KBSEARCH")/kbindex}
export KBSEARCH KBINDEX

"$SHARED/bench/install-peers.sh" >/dev/null
"$SHARED/bench/make-corpus.sh" "$ROOT" >/dev/null

if [ "${SKIP_PEERS:-0}" != 1 ]; then
  log "peers.sh on the full corpus (about 10 minutes)"
  PASSES=$PASSES "$SHARED/bench/peers.sh" "$ROOT/corpus" "$OUT/full" >/dev/null
fi
DB=$ROOT/work/corpus/kbsearch.db
[ -d "$DB" ] || { echo "bench/run.sh: no kbsearch index at $DB (peers.sh did not build it)" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/kbbench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
warm() { find "$1" -type f -print0 | xargs -0 cat > /dev/null; }
bytes() { find "$1" -type f -printf '%s\n' | awk '{s += $1} END {print s}'; }

# seconds and peak KiB of one command, as "WALL RSS"
timed() {
  /usr/bin/time -f '%e %M' -o "$TMP/time" "$@" > /dev/null 2> "$TMP/err" ||
    { cat "$TMP/err" >&2; return 1; }
  cat "$TMP/time"
}

# Linearity: the two subsets here, the full corpus from peers.sh's run.
: > "$OUT/sizes.tsv"
for name in corpus-10 corpus-30; do
  warm "$ROOT/$name"
  rm -rf "$TMP/db"
  log "kbindex $name"
  read -r wall rss < <(timed "$KBINDEX" --db "$TMP/db" "$ROOT/$name")
  printf '%s\t%s\t%s\t%s\n' "$name" "$(bytes "$ROOT/$name")" "$wall" "$rss" >> "$OUT/sizes.tsv"
done
full_wall=$(awk -F'\t' '$2=="kbsearch"{print $4}' "$OUT/full/index.tsv" | tail -n 1)
full_rss=$(awk -F'\t' '$2=="kbsearch"{print $7}' "$OUT/full/index.tsv" | tail -n 1)
printf 'corpus\t%s\t%s\t%s\n' "$(bytes "$ROOT/corpus")" "$full_wall" "$full_rss" >> "$OUT/sizes.tsv"

log "kbindex --compact on the full index, then one-shot queries on it beside quest"
read -r compact_wall _ < <(timed "$KBINDEX" --compact --db "$DB" "$ROOT/corpus")
compact_bytes=$(du -sb --exclude=kbindex.lock "$DB" | cut -f1)
python3 "$SHARED/bench/lib/qtime.py" --queries "$SHARED/bench/queries.txt" --out "$OUT/compacted" \
  --passes 3 --tool "quest=quest:$ROOT/work/corpus/omega.db" \
  --tool "kbsearch=kbsearch:$KBSEARCH:$DB" > /dev/null 2>&1

log "--batch over queries.txt x10"
grep -v '^[[:space:]]*#' "$SHARED/bench/queries.txt" | grep -v '^[[:space:]]*$' > "$TMP/q1"
for _ in 1 2 3 4 5 6 7 8 9 10; do cat "$TMP/q1"; done > "$TMP/q10"
nq=$(wc -l < "$TMP/q10")
: > "$OUT/batch.tsv"
for _ in 1 2 3; do
  read -r wall rss < <(timed "$KBSEARCH" --db "$DB" --batch "$TMP/q10")
  printf '%s\t%s\n' "$wall" "$rss" >> "$OUT/batch.tsv"
done

log "kbindex on the unchanged full corpus"
: > "$OUT/reindex.tsv"
for _ in 1 2 3; do
  read -r wall rss < <(timed "$KBINDEX" --db "$DB" "$ROOT/corpus")
  printf '%s\t%s\n' "$wall" "$rss" >> "$OUT/reindex.tsv"
done

python3 - "$OUT" "$nq" "$compact_bytes" "$compact_wall" "$(git -C "$PROJECT" rev-parse --short HEAD)" > "$OUT/report.md" <<'EOF'
import csv, statistics, sys
out, nq, compact, compact_wall, commit = (sys.argv[1], int(sys.argv[2]), int(sys.argv[3]),
                                          float(sys.argv[4]), sys.argv[5])
env = dict(l.split(": ", 1) for l in open(f"{out}/full/env.txt").read().splitlines() if ": " in l)
rows = list(csv.DictReader(open(f"{out}/full/index.tsv"), delimiter="\t", quoting=csv.QUOTE_NONE))
idx = {r["indexer"]: r for r in rows}
def summary(path):
    return {r["tool"]: r for r in csv.DictReader(open(path), delimiter="\t", quoting=csv.QUOTE_NONE)}
q = summary(f"{out}/full/queries-summary.tsv")
qc = summary(f"{out}/compacted/queries-summary.tsv")
med = lambda path, col: statistics.median(float(l.split("\t")[col]) for l in open(path))
kb, om, fts = idx.get("kbsearch"), idx.get("omindex"), idx.get("fts5")

print(f"Measured {env['date']} on {env['cpu']}, {env['host']}; commit {commit}; "
      f"corpus {env['corpus']}.\n")
print("| target | kbsearch | peer | ratio | met |")
print("|---|---|---|---|---|")
def row(name, ours, peer, ratio, ok):
    print(f"| {name} | {ours} | {peer} | {ratio} | {'yes' if ok else 'no'} |")
if kb and om:
    w, ow = float(kb["wall_s"]), float(om["wall_s"])
    row("index wall ≤ 1/3 omindex", f"{w:.1f} s", f"omindex {ow:.1f} s", f"{w / ow:.2f}", w <= ow / 3)
    r = float(kb["maxrss_kb"]) / 1024
    row("index peak RSS ≤ 150 MiB", f"{r:.0f} MiB", f"omindex {float(om['maxrss_kb']) / 1024:.0f} MiB",
        "", r <= 150)
if kb and fts:
    b, fb = float(kb["db_bytes"]) / 1e6, float(fts["db_bytes"]) / 1e6
    row("index size ≤ FTS5 (default)", f"{b:.0f} MB", f"FTS5 {fb:.0f} MB", f"{b / fb:.2f}", b <= fb)
    c = compact / 1e6
    row(f"index size ≤ FTS5 (kbindex --compact, {compact_wall:.1f} s)", f"{c:.0f} MB", f"FTS5 {fb:.0f} MB",
        f"{c / fb:.2f}", c <= fb)
for table, how in ((q, "default"), (qc, "compacted")):
    if "kbsearch" not in table or "quest" not in table:
        continue
    p50, p95 = float(table["kbsearch"]["p50_ms"]), float(table["kbsearch"]["p95_ms"])
    qp = float(table["quest"]["p50_ms"])
    row(f"one-shot p50 ≤ quest p50 ({how})", f"{p50:.1f} ms", f"quest {qp:.1f} ms", f"{p50 / qp:.2f}",
        p50 <= qp)
    row(f"one-shot p95 ≤ 1.5 × own p50 ({how})", f"{p95:.1f} ms",
        f"1.5 × {p50:.1f} = {1.5 * p50:.1f} ms", f"{p95 / p50:.2f}", p95 <= 1.5 * p50)
bw = med(f"{out}/batch.tsv", 0)
row("--batch ≥ 500 queries/s", f"{nq / bw:.0f} q/s ({nq} in {bw:.2f} s)", "", "", nq / bw >= 500)
rw = med(f"{out}/reindex.tsv", 0)
row("re-index unchanged ≤ 1 s", f"{rw:.2f} s", "", "", rw <= 1)
sizes = [l.rstrip("\n").split("\t") for l in open(f"{out}/sizes.tsv")]
rates = [float(b) / 1e6 / float(w) for _, b, w, _ in sizes]
spread = max(rates) / min(rates) - 1
row("linear: MB/s within 20% (10%/30%/full)", " / ".join(f"{r:.2f}" for r in rates) + " MB/s", "",
    f"{spread:.0%} spread", spread <= 0.2)
print()
print("| corpus | MB | kbindex wall s | MB/s | peak RSS MiB |")
print("|---|---|---|---|---|")
for (name, b, w, rss), r in zip(sizes, rates):
    print(f"| {name} | {float(b) / 1e6:.1f} | {float(w):.1f} | {r:.2f} | {float(rss) / 1024:.0f} |")
print()
print(open(f"{out}/full/summary.md").read().split("```", 2)[2].strip())
EOF
cat "$OUT/report.md"
