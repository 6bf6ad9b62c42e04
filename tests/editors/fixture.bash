# Shared by the editor tests: the built binaries, and a copy of
# fixtures/kb indexed in a temporary folder ($work/kb) with a HOME of its
# own, so no user configuration reaches the editor.
set -euo pipefail
: "${KBINDEX:?set by ctest}" "${KBSEARCH:?set by ctest}" "${KB_TESTS:?set by ctest}" \
  "${KB_EDITORS:?set by ctest}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset KBSEARCH_DB NO_COLOR
export LC_ALL=C.UTF-8 HOME=$work/home
mkdir "$HOME"

fail() { echo "FAIL: $*" >&2; exit 1; }

cp -a "$KB_TESTS/editors/fixtures/kb" "$work/kb"
"$KBINDEX" "$work/kb" >/dev/null 2>"$work/kbindex.err" || fail "kbindex: $(cat "$work/kbindex.err")"
# A folder with no index above it, for the error path.
mkdir "$work/noindex"
printf 'compost\n' >"$work/noindex/note.txt"
