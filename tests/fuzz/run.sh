#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.c) with clang in
# build-fuzz and runs each for SECONDS on a scratch copy of its seed corpus
# (tests/fuzz/corpus/<target>/ is only read), all targets at once, one
# process each.  -max_total_time is wall-clock time, so the run takes
# SECONDS however many targets there are; with more targets than cores
# they share the CPU and each runs fewer inputs.  A crash, sanitizer
# report, leak, slow input (-timeout) or memory blow-up (-rss_limit_mb)
# fails the run; the input that did it is kept in build-fuzz/crashes/ and
# the command that replays it is printed.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]    default: 20 s, every target
#   tests/fuzz/run.sh 600 fuzz_query           one target for ten minutes
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}
shift || true

if ! command -v clang >/dev/null || ! command -v clang++ >/dev/null; then
    echo "fuzz: clang is not installed; run scripts/setup (it installs clang and libclang-rt-14-dev)" >&2
    exit 1
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for src in tests/fuzz/fuzz_*.c; do
        targets+=("$(basename "$src" .c)")
    done
fi

CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DKB_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]}"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/kbfuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p build-fuzz/crashes
# Without llvm-symbolizer (package llvm) traces are symbolized by addr2line.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:allow_addr2line=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:allow_addr2line=1

run_one() {
    local t=$1 corpus=$scratch/$1 dict=()
    mkdir -p "$corpus"
    cp tests/fuzz/corpus/"$t"/* "$corpus"/
    [ -f tests/fuzz/"$t".dict ] && dict=(-dict=tests/fuzz/"$t".dict)
    # -seed fixes the mutation sequence (the time budget still decides how
    # far it gets); the outer timeout only catches a fuzzer that never ends.
    timeout $((seconds + 120)) build-fuzz/tests/fuzz/"$t" -seed=1 -max_total_time="$seconds" \
        -timeout=5 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
        -artifact_prefix=build-fuzz/crashes/"$t"- "${dict[@]}" "$corpus" \
        >"$scratch/$t.log" 2>&1
}

pids=()
for t in "${targets[@]}"; do
    run_one "$t" &
    pids+=($!)
done

failed=0
for i in "${!targets[@]}"; do
    t=${targets[$i]}
    log=$scratch/$t.log
    if wait "${pids[$i]}"; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        echo "fuzz: $t: $runs inputs in ${seconds} s, corpus $(ls tests/fuzz/corpus/"$t" | wc -l) -> $(ls "$scratch/$t" | wc -l), no crash"
    else
        failed=1
        echo "fuzz: $t FAILED; its log ends:" >&2
        tail -n 60 "$log" >&2
        artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
        if [ -n "$artifact" ]; then
            echo "fuzz: $t: reproducer $artifact; replay: build-fuzz/tests/fuzz/$t $artifact" >&2
        else
            echo "fuzz: $t: no reproducer written (killed after $((seconds + 120)) s?)" >&2
        fi
    fi
done
exit "$failed"
