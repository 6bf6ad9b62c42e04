#!/usr/bin/env bash
# Query latency of a sharded index against one local index (docs/scaling.md,
# run for real): the corpus indexed whole and as 2 shards (kbindex --shard),
# shard 2 served by xapian-tcpsrv on 127.0.0.1; each query of
# ../shared/bench/queries.txt run as one kbsearch process (snippets
# included), p50/p95 per setup, and whether the rankings agree.
#
#   bench/shards.sh [CORPUS] [OUT]   (defaults: /var/tmp/kbbench/corpus-30,
#                                     /var/tmp/kbbench/shards)
# Uses build/ (scripts/setup builds it); the corpus is made by bench/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-/var/tmp/kbbench/corpus-30}
out=${2:-/var/tmp/kbbench/shards}
queries=../shared/bench/queries.txt
kbindex=$PWD/build/kbindex kbsearch=$PWD/build/kbsearch
[ -d "$corpus" ] || { echo "bench/shards.sh: no corpus at $corpus (bench/run.sh makes it)" >&2; exit 2; }
rm -rf "$out" && mkdir -p "$out"

t() { /usr/bin/time -f '%e s, %M KB peak' "$@" 2>&1 | tail -1; }
echo "kbindex whole:       $(t "$kbindex" -q --db "$out/whole" "$corpus")"
echo "kbindex --shard 1/2: $(t "$kbindex" -q --shard 1/2 --db "$out/s1" "$corpus")"
echo "kbindex --shard 2/2: $(t "$kbindex" -q --shard 2/2 --db "$out/s2" "$corpus")"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Its own session: xapian-tcpsrv signals its whole process group on exit.
setsid xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$port" "$out/s2" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
sleep 1
printf 's1\ntcp://127.0.0.1:%s\n' "$port" >"$out/team.shards"

python3 - "$kbsearch" "$queries" "$out" "$port" <<'PY'
import json, statistics, subprocess, sys, time
kbsearch, queries, out, port = sys.argv[1:]
qs = [l.rstrip("\n").split("\t")[-1] for l in open(queries) if l.strip() and not l.startswith("#")]
setups = {
    "one local index": ["--db", f"{out}/whole"],
    "2 local shards": ["--db", f"{out}/s1", "--db", f"{out}/s2"],
    "local + remote shard": ["--db", f"{out}/team.shards"],
}
ranked = {}
print(f"\n{len(qs)} queries, one process each, --json -n 10 (snippets included), 3 rounds\n")
print("| setup | p50 ms | p95 ms |\n|---|---|---|")
for name, args in setups.items():
    times, lists = [], []
    for rnd in range(3):
        for q in qs:
            t0 = time.perf_counter()
            r = subprocess.run([kbsearch, *args, "--json", "-n", "10", "--", q],
                               capture_output=True, text=True)
            times.append((time.perf_counter() - t0) * 1000)
            if r.returncode not in (0, 1):
                sys.exit(f"{name}: {q}: exit {r.returncode}: {r.stderr}")
            if rnd == 0:
                lists.append([(o["path"], o["line_start"]) for o in map(json.loads, r.stdout.splitlines())
                              if o["type"] == "match"])
    ranked[name] = lists
    times.sort()
    print(f"| {name} | {statistics.median(times):.1f} | {times[int(len(times) * 0.95)]:.1f} |")
base = ranked["one local index"]
for name, lists in ranked.items():
    same = sum(a == b for a, b in zip(base, lists))
    print(f"\n{name}: {same}/{len(qs)} queries rank the same 10 passages as one local index", end="")
print()
PY
