#!/usr/bin/env bash
# Regression guard: relevance on the visible judged queries must not fall
# more than 0.02 below the level reached (skipped without ../shared).
. "$(dirname "$0")/lib.bash"
level=0.855
floor=$(python3 -c "print($level - 0.02)")
rc=0
"$KB_TESTS/../scripts/eval" --min-ndcg "$floor" >"$work/table" 2>&1 || rc=$?
[ $rc = 77 ] && { echo "no ../shared: skipped"; exit 77; }
tail -7 "$work/table"
[ $rc = 0 ] || fail "nDCG@10 below $floor (exit $rc)"
echo ok
