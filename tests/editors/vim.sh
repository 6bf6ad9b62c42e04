#!/usr/bin/env bash
# The Vim plugin in a real Vim, headless: tests/editors/vim_test.vim runs
# :KbSearch on the indexed fixture and checks the quickfix list, the jumps
# and the marks against kbsearch --json.
. "$(dirname "$0")/fixture.bash"
command -v vim >/dev/null || fail "vim is not installed (scripts/setup installs it)"

export KB_WORK=$work
status=0
timeout 60 vim -Es -N -u NONE -i NONE --cmd 'set rtp^=$KB_EDITORS/vim' \
  -S "$KB_TESTS/editors/vim_test.vim" </dev/null >"$work/vim.out" 2>&1 || status=$?
if [ "$status" != 0 ]; then
  cat "$work/vim.out" >&2
  [ -f "$work/errors" ] && cat "$work/errors" >&2
  fail "vim exited $status"
fi
[ -f "$work/passed" ] || fail "vim_test.vim did not finish: $(cat "$work/vim.out")"
