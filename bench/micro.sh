#!/usr/bin/env bash
# micro.sh — the micro-benchmark's table: CPU time (median of 5 passes) and
# callgrind's instruction count for each hot path (bench/MICRO.md).
#
#   bench/micro.sh [--no-callgrind] [--keep DIR] [FOLDER]
#
# Instruction counts are the figure to compare between builds on a shared
# machine: they do not move when another job takes the core.  --keep DIR
# leaves callgrind's files there, for callgrind_annotate.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$here/build}
callgrind=1
keep=
folder=()
while (($#)); do
    case $1 in
        --no-callgrind) callgrind=0 ;;
        --keep) keep=${2:?--keep wants a folder}; shift ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "micro.sh: unknown option $1" >&2; exit 2 ;;
        *) folder=("$1") ;;
    esac
    shift
done

# Measured builds are optimised: RelWithDebInfo, as the lead's figures.
if [[ ! -f $build/CMakeCache.txt ]]; then
    cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target micro -j2 >/dev/null
micro=$build/bench/micro

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=${keep:-$work}
mkdir -p "$out"

"$micro" --reps 5 "${folder[@]}" >"$work/native"
head -n1 "$work/native" | sed 's/^# /Input: /'
echo

# Each path alone, counting only its pass function: setting up is not in
# the count.
if ((callgrind)); then
    command -v valgrind >/dev/null || { echo "micro.sh: valgrind is not installed" >&2; exit 1; }
    for name in $(awk '!/^#/ {print $1}' "$work/native"); do
        valgrind --tool=callgrind --toggle-collect="pass_$name*" \
            --callgrind-out-file="$out/callgrind.$name" \
            "$micro" --only "$name" --reps 1 "${folder[@]}" >/dev/null 2>"$work/vg.$name"
        ir=$(awk '/^(summary|totals):/ {print $2; exit}' "$out/callgrind.$name")
        echo "$name ${ir:-0}" >>"$work/ir"
    done
else
    : >"$work/ir"
fi

echo "| path | input | MB/s | ns/byte | instructions/byte | instructions per unit |"
echo "|---|---|---:|---:|---:|---:|"
awk 'NR == FNR { ir[$1] = $2; next }
     /^#/ { next }
     {
         name = $1; bytes = $2; units = $3; unit = $4; mbs = $6; nsb = $7
         unit_name = unit; sub(/s$/, "", unit_name)
         if (name in ir && ir[name] > 0)
             printf "| %s | %.1f MB, %d %s | %.1f | %.2f | %.1f | %.0f / %s |\n", name,
                    bytes / 1e6, units, unit, mbs, nsb, ir[name] / bytes, ir[name] / units, unit_name
         else
             printf "| %s | %.1f MB, %d %s | %.1f | %.2f | - | - |\n", name,
                    bytes / 1e6, units, unit, mbs, nsb
     }' "$work/ir" "$work/native"
