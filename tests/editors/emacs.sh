#!/usr/bin/env bash
# The Emacs package in a real Emacs, in batch: kbsearch.el byte-compiles
# without a warning and checkdoc finds nothing in it, then the ERT tests
# of kbsearch-test.el run on the indexed fixture (results buffer, jumps,
# faces, xref, consult).
. "$(dirname "$0")/fixture.bash"
command -v emacs >/dev/null || fail "emacs is not installed (scripts/setup installs it)"

# Compiled in a copy, so no .elc is left in the source tree.
mkdir "$work/lisp"
cp "$KB_EDITORS/emacs/kbsearch.el" "$work/lisp/"
timeout 60 emacs --batch -Q --eval '(setq byte-compile-error-on-warn t)' \
  -f batch-byte-compile "$work/lisp/kbsearch.el" >"$work/compile.out" 2>&1 ||
  { cat "$work/compile.out" >&2; fail "kbsearch.el does not byte-compile cleanly"; }

timeout 60 emacs --batch -Q --eval '(checkdoc-file (car command-line-args-left))' \
  "$work/lisp/kbsearch.el" >"$work/checkdoc.out" 2>&1 ||
  { cat "$work/checkdoc.out" >&2; fail "checkdoc did not run"; }
! grep -q 'Warning' "$work/checkdoc.out" || { cat "$work/checkdoc.out" >&2; fail "checkdoc warnings"; }

export KB_WORK=$work
timeout 60 emacs --batch -Q -L "$KB_EDITORS/emacs" -l ert -l "$KB_TESTS/editors/kbsearch-test.el" \
  -f ert-run-tests-batch-and-exit >"$work/ert.out" 2>&1 ||
  { cat "$work/ert.out" >&2; fail "ERT tests failed"; }
grep -E '^Ran [0-9]+ tests' "$work/ert.out"
