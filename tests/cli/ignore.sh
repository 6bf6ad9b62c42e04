#!/usr/bin/env bash
# Ignore rules: .gitignore (by default) and .kbignore files in the tree,
# --exclude and --include globs, --no-gitignore; a rule that starts to
# match an indexed file removes it.
. "$(dirname "$0")/lib.bash"
kb=$work/kb
mkdir -p "$kb/notes" "$kb/build" "$kb/logs/old"
note() { printf 'Note %s\n\nThe %s entry of the kestrel log.\n' "$1" "$1" >"$kb/$2"; }
note one notes/one.md
note two notes/two.txt
note built build/out.txt
note daily logs/daily.log.txt
note kept logs/old/kept.log.txt
printf 'build/\n' >"$kb/.gitignore"
printf '*.log.txt\n!old/kept.log.txt\n' >"$kb/logs/.kbignore"
files() { (cd "$kb" && "$KBSEARCH" -l kestrel) | sort | tr "\n" " "; }

"$KBINDEX" -v "$kb" >"$work/out" 2>&1 || fail "kbindex: $(cat "$work/out")"
grep -qx 'ignored: build' "$work/out" || fail "build/ not ignored: $(cat "$work/out")"
grep -qx 'ignored: logs/daily.log.txt' "$work/out" || fail ".kbignore not read"
[ "$(files)" = "logs/old/kept.log.txt notes/one.md notes/two.txt " ] || fail "indexed: $(files)"
tail -n 1 "$work/out" | grep -q ', 2 ignored, 0 skipped' || fail "summary: $(tail -n 1 "$work/out")"

"$KBINDEX" --no-gitignore "$kb" >/dev/null 2>&1
[ "$(files)" = "build/out.txt logs/old/kept.log.txt notes/one.md notes/two.txt " ] || fail "--no-gitignore: $(files)"

# --exclude wins over the tree's rules; the excluded file is removed.
"$KBINDEX" --exclude 'kept*' --exclude '/notes/two.txt' "$kb" >"$work/out" 2>&1
[ "$(files)" = "build/out.txt notes/one.md " ] && fail "gitignore back on: build/ must be ignored again"
[ "$(files)" = "notes/one.md " ] || fail "--exclude: $(files)"
grep -q ' 3 removed, 4 ignored' "$work/out" || fail "--exclude summary: $(cat "$work/out")"

"$KBINDEX" --include '*.md' "$kb" >/dev/null 2>&1
[ "$(files)" = "notes/one.md " ] || fail "--include: $(files)"
"$KBINDEX" --include 'notes/**' "$kb" >/dev/null 2>&1
[ "$(files)" = "notes/one.md notes/two.txt " ] || fail "--include folder: $(files)"

expect_exit 2 "$KBINDEX" --exclude 'a[b' "$kb" 2>"$work/err"
grep -qxF "kbindex: --exclude 'a[b': '[' without a closing ']'" "$work/err" || fail "bad glob: $(cat "$work/err")"
echo ok
