#!/usr/bin/env bash
# serve.sh — latency per query through one `kbsearch --serve` process against
# one `kbsearch --json QUERY` process per query, what an editor searching as
# the user types would pay either way.
#
#   bench/serve.sh [FOLDER...]     (default: /var/tmp/kbbench/corpus-10 and
#                                   examples/kb)
#
# Each FOLDER is indexed into a temporary index (kbindex --db), then the
# queries of QUERIES (default ../shared/bench/queries.txt) are run PASSES
# times (default 3) each way, after one pass to warm the page cache.  Times
# are the client's wall clock: for --serve from writing the request to
# reading its end object, for a process from its start to its exit (with its
# output read).  Printed: the median and 90th percentile per query, in ms.
# BUILD (default build/, RelWithDebInfo, built if missing) holds the binaries.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$here/build}
queries=${QUERIES:-$here/../shared/bench/queries.txt}
passes=${PASSES:-3}
case ${1:-} in -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
folders=("$@")
((${#folders[@]})) || folders=(/var/tmp/kbbench/corpus-10 "$here/examples/kb")

# Measured builds are optimised: RelWithDebInfo, as the lead's figures.
if [[ ! -f $build/CMakeCache.txt ]]; then
    cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target kbindex kbsearch -j2 >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "| folder | matches per pass | way | median ms | p90 ms |"
echo "|---|---:|---|---:|---:|"
for folder in "${folders[@]}"; do
    db=$work/$(basename "$folder").db
    "$build/kbindex" --db "$db" "$folder" >/dev/null 2>&1
    python3 - "$build/kbsearch" "$db" "$queries" "$passes" "$folder" <<'PY'
import json, os, statistics, subprocess, sys, time

kbsearch, db, queries_file, passes, folder = sys.argv[1:6]
queries = [l.strip() for l in open(queries_file, encoding="utf-8")
           if l.strip() and not l.startswith("#")]


def one_process(q):
    t = time.perf_counter()
    subprocess.run([kbsearch, "--db", db, "--json", "--", q], stdout=subprocess.PIPE,
                   stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t


serve = subprocess.Popen([kbsearch, "--db", db, "--serve"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE)
passages = 0


def through_serve(q, i):
    global passages
    t = time.perf_counter()
    serve.stdin.write(json.dumps({"id": i, "query": q}).encode() + b"\n")
    serve.stdin.flush()
    while True:
        o = json.loads(serve.stdout.readline())
        if o["type"] == "end" and o["id"] == i:
            passages += o["matches"]
            return time.perf_counter() - t


times = {"--serve": [], "process per query": []}
for p in range(int(passes) + 1):
    for i, q in enumerate(queries):
        s, o = through_serve(q, i), one_process(q)
        if p:  # the first pass warms the page cache
            times["--serve"].append(s)
            times["process per query"].append(o)
serve.stdin.close()
assert serve.wait() == 0
name = os.path.basename(os.path.normpath(folder))
for way, ts in times.items():
    ms = sorted(t * 1e3 for t in ts)
    print(f"| {name} ({len(queries)} queries) | {passages // (int(passes) + 1)} | {way} "
          f"| {statistics.median(ms):.2f} | {ms[int(0.9 * len(ms))]:.2f} |")
PY
done
