#!/usr/bin/env bash
# Text output of real searches on tests/corpus, compared with tests/expected.
. "$(dirname "$0")/lib.bash"
copy_corpus
"$KBINDEX" "$work/kb" >"$work/index.out" 2>"$work/index.err"
summary <"$work/index.out" >"$work/summary"
compare "$KB_TESTS/expected/index-summary.txt" "$work/summary"
compare "$KB_TESTS/expected/index-warnings.txt" "$work/index.err"
cd "$work/kb/notes"
{
    for q in 'strategic flexibility' 'compost' '"latency fell"' 'cafe naive' '東京' '서울' \
             'tomato -compost' '3.5%' '1250 requests' 'résumé'; do
        echo "### $q"
        "$KBSEARCH" --color=never -n 3 $q || echo "(exit $?)"
    done
} >"$work/search.txt" 2>&1
compare "$KB_TESTS/expected/search.txt" "$work/search.txt"
# --context lines from the file, and the text header of each batch query.
{
    "$KBSEARCH" --color=never -C 1 -n 2 compost
    printf 'a\tcompost heap\nb\t"latency fell"\n' | "$KBSEARCH" --color=never -n 1 --batch -
} >"$work/context.txt"
compare "$KB_TESTS/expected/context-batch.txt" "$work/context.txt"
"$KBSEARCH" --color=always -n 2 compost >"$work/color.txt"
compare "$KB_TESTS/expected/search-color.txt" "$work/color.txt"
# Without a terminal and without --color, no escape sequence at all.
"$KBSEARCH" -n 2 compost | grep -q $'\033' && fail "colour codes written to a pipe"
NO_COLOR=1 "$KBSEARCH" --color=auto -n 2 compost | grep -q $'\033' && fail "NO_COLOR ignored"
# A file edited since indexing: --context falls back to the stored snippet.
sed -i 's/fortnight/month/' "$work/kb/notes/garden.md"
"$KBSEARCH" --color=never -C 1 -n 1 compost | sed -n 2p | grep -q '^    Compost The compost heap needs turning once a fortnight' ||
    fail "--context on an edited file: $("$KBSEARCH" --color=never -C 1 -n 1 compost)"
# Control characters in a file never reach the terminal: ESC (C0) and CSI
# (C1, U+009B, which a UTF-8 terminal obeys as ESC [) print as '?'.
printf 'The narwhal \033[31mred\033[0m tusk and the \302\23331mwalrus\n' >"$work/kb/notes/controls.txt"
"$KBINDEX" "$work/kb" >/dev/null 2>&1
for fmt in --color=never --vimgrep "-C 1"; do
    out=$("$KBSEARCH" $fmt narwhal)
    grep -q $'\033\|\302\233' <<<"$out" && fail "a control character printed with $fmt: $(od -c <<<"$out")"
    grep -qF 'narwhal ?[31mred?[0m tusk and the ?31mwalrus' <<<"$out" || fail "$fmt: $out"
done
echo ok
