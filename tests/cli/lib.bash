# Shared by the CLI tests: the real binaries (KBINDEX, KBSEARCH, set by
# ctest) on a copy of our corpus in a temporary folder.
set -euo pipefail
: "${KBINDEX:?set by ctest}" "${KBSEARCH:?set by ctest}" "${KB_TESTS:?set by ctest}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset KBSEARCH_DB NO_COLOR
export LC_ALL=C.UTF-8

fail() { echo "FAIL: $*" >&2; exit 1; }

# Copies tests/corpus to $work/kb (hidden files included).
copy_corpus() { cp -a "$KB_TESTS/corpus" "$work/kb"; }

# expect_exit CODE CMD...: runs CMD, fails unless it exits with CODE.
expect_exit() {
    local want=$1 got=0
    shift
    "$@" || got=$?
    [ "$got" = "$want" ] || fail "exit $got, wanted $want: $*"
}

# The indexer's summary without its timing, which varies.
summary() { sed -E 's/ in [0-9.]+ s$//; s/, [0-9.]+ MB read//'; }

# compare EXPECTED_FILE ACTUAL_FILE
compare() {
    diff -u "$1" "$2" || fail "output differs from $1 (update it only if the change is intended)"
}
