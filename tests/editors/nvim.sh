#!/usr/bin/env bash
# The Neovim plugin (editors/nvim) in a headless Neovim with no user
# config: nvim_test.lua checks :KbSearch's quickfix list against kbsearch
# --json's output, the jump, the highlights, the errors and the --serve
# client.
set -euo pipefail
: "${KBINDEX:?set by ctest}" "${KBSEARCH:?set by ctest}" "${KB_TESTS:?set by ctest}" "${KB_EDITORS:?set by ctest}"
unset KBSEARCH_DB NO_COLOR
export LC_ALL=C.UTF-8

fail() { echo "FAIL: $*" >&2; exit 1; }

command -v nvim >/dev/null || fail "nvim not found (Debian package neovim; scripts/setup installs it)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp -r "$KB_TESTS/editors/fixtures/kb" "$work/kb"
"$KBINDEX" "$work/kb" >/dev/null 2>&1 || fail "kbindex on the fixture"
cp -r "$KB_EDITORS/nvim/doc" "$work/doc"
mkdir "$work/noindex" "$work/home"
echo "compost, with no index above it" >"$work/noindex/loose.txt"
for q in compost lighthouse; do
    (cd "$work/kb" && "$KBSEARCH" --json "$q") >"$work/$q.json" || fail "kbsearch --json $q"
done

HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_DATA_HOME=$work/home/.local/share \
    KB_DIR=$work/kb NOINDEX_DIR=$work/noindex EXPECT_DIR=$work DOC_COPY=$work/doc \
    timeout 60 nvim --headless --clean -i NONE --cmd "set rtp^=$KB_EDITORS/nvim" \
    -c "luafile $KB_TESTS/editors/nvim_test.lua" </dev/null ||
    fail "Neovim test (exit $?)"
