#!/usr/bin/env bash
# Every kind of bad input, each made here: the run goes on, each gets its
# warning naming the file and the reason, the summary counts each kind, the
# exit status is 0 and the good files are searchable.
. "$(dirname "$0")/lib.bash"
kb=$work/kb
mkdir -p "$kb/sub"
good() { printf 'Notes on %s\n\nThe %s ledger keeps a record of %s.\n' "$1" "$1" "$1" >"$kb/$2"; }
good quince good.txt
printf 'caf\xe9 au lait\n\nThe \xe9picerie sells walnut bread.\n' >"$kb/latin1.txt"
printf 'walnut\0\0\0binary\n' >"$kb/nul.txt"
head -c 3000 /dev/urandom | tr -d '\000' | tr '\000-\177' '\200-\377' >"$kb/noise.txt"
: >"$kb/empty.txt"
{ printf 'Opening of the big file mentions plover.\n\n'; for i in $(seq 200); do printf 'filler line %d of padding text\n' "$i"; done
  printf '\nThe end of the big file mentions avocet.\n'; } >"$kb/big.txt"
mkfifo "$kb/pipe.txt"
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$kb/sock.txt"
if [ "$(id -u)" = 0 ]; then mknod "$kb/dev.txt" c 1 3; fi
ln -s "$kb" "$kb/sub/loop"
ln -s /nonexistent/target.txt "$kb/broken.txt"
outside=$work/outside && mkdir "$outside" && good heron "../outside/heron.txt"
ln -s "$outside/heron.txt" "$kb/heron.txt"
good newline "$(printf 'name\nwith newline.txt')"
good spaced "name with spaces.txt"
good bytes "$(printf 'name-\xff-bytes.txt')"

# A FIFO would block a reader forever: the bound catches a regression.
timeout 60 "$KBINDEX" --max-size 1K "$kb" >"$work/out" 2>"$work/err" || fail "kbindex exit $?: $(cat "$work/err")"
w() { grep -qxF -- "$1" "$work/err" || fail "no warning: $1 (got: $(cat "$work/err"))"; }
w 'kbindex: latin1.txt: not valid UTF-8 from byte 3: 2 bytes read as spaces, the rest indexed'
w 'kbindex: skipping nul.txt: binary file (NUL byte at offset 6)'
grep -q '^kbindex: skipping noise.txt: binary file (mostly not UTF-8, first bad byte at offset ' "$work/err" || fail "noise.txt not binary"
w 'kbindex: empty.txt: empty file'
w 'kbindex: big.txt: larger than --max-size 1K: its first 994 bytes indexed'
w 'kbindex: skipping pipe.txt: a FIFO, not a file: not opened'
w 'kbindex: skipping sock.txt: a socket, not a file: not opened'
w 'kbindex: skipping sub/loop: symbolic link, not followed (--follow follows links)'
w 'kbindex: skipping broken.txt: symbolic link, not followed (--follow follows links)'
w 'kbindex: skipping heron.txt: symbolic link, not followed (--follow follows links)'
devs=0
if [ "$(id -u)" = 0 ]; then w 'kbindex: skipping dev.txt: a device, not a file: not opened'; devs=1; fi
sum=$(summary <"$work/out")
want="kbindex: 7 indexed, 0 unchanged, 0 renamed, 0 removed, $((7 + devs)) skipped (2 binary, 3 symlink, $((2 + devs)) special file); warnings: 1 empty, 1 invalid UTF-8, 1 too large"
[ "${sum%%; [0-9]* passages}" = "$want" ] || fail "summary: $sum"

# The good text of each file is found, at offsets that slice the file.
found() { # QUERY PATH
    "$KBSEARCH" --db "$kb/.kbsearch" --json "$1" >"$work/hits" || fail "'$1' not found"
    python3 - "$kb" "$2" "$work/hits" <<'PY' || fail "'$1': wrong path or offsets"
import json, sys
root, want, hits = sys.argv[1], sys.argv[2].encode('utf-8', 'surrogateescape'), sys.argv[3]
for line in open(hits):
    o = json.loads(line)
    if o.get('type') != 'match':
        continue
    p = o['path']
    p = __import__('base64').b64decode(p['bytes']) if isinstance(p, dict) else p.encode()
    if p != want:
        continue
    data = open(root.encode() + b'/' + p, 'rb').read()
    for s in o['spans']:
        got = data[s['byte_start']:s['byte_end']].decode('utf-8', 'replace').lower()
        assert got.startswith(s['text'].lower()[:4]), (got, s)
    sys.exit(0)
sys.exit(1)
PY
}
found walnut latin1.txt
found "lait" latin1.txt
found quince good.txt
found plover big.txt
expect_exit 1 "$KBSEARCH" --db "$kb/.kbsearch" avocet
found newline "$(printf 'name\nwith newline.txt')"
found spaced "name with spaces.txt"
found bytes "$(printf 'name-\xff-bytes.txt')"
# Paths are printed safely: a newline cannot split a result line.
grep -q 'name?with newline.txt:' <("$KBSEARCH" --db "$kb/.kbsearch" --color=never newline ledger) \
    || fail "newline in a path not made safe: $("$KBSEARCH" --db "$kb/.kbsearch" --color=never newline ledger)"
grep -qxF 'unchanged: name\nwith newline.txt' <("$KBINDEX" -v "$kb" 2>/dev/null) || fail "verbose path not escaped"
grep -qxF 'unchanged: name-\xff-bytes.txt' <("$KBINDEX" -v "$kb" 2>/dev/null) || fail "verbose bytes not escaped"
# Unchanged files are not warned about again; skipped ones are.
"$KBINDEX" "$kb" 2>"$work/err2" >/dev/null
grep -q 'empty.txt\|big.txt\|latin1.txt' "$work/err2" && fail "warned again about unchanged files"
grep -q 'nul.txt' "$work/err2" || fail "binary file not warned about on the next run"

# --follow: a loop is detected, a link out of the folder and a link to a
# file are followed, a broken link is named.
"$KBINDEX" --follow "$kb" >"$work/out" 2>"$work/err" || fail "--follow exit $?"
w 'kbindex: skipping sub/loop: symbolic link loop: leads back to a folder above it'
w 'kbindex: skipping broken.txt: symbolic link to nothing'
found heron heron.txt

# --quiet: nothing but errors.
"$KBINDEX" --quiet "$kb" >"$work/out" 2>"$work/err"
[ -s "$work/out" ] || [ -s "$work/err" ] && fail "--quiet printed: $(cat "$work/out" "$work/err")"

# Unreadable file and folder.  As root permissions do not apply, so the
# run drops to user nobody (setpriv) on a copy it owns.
perm=$work/perm && mkdir -p "$perm/locked" && good finch "../perm/ok.txt"
good wren "../perm/secret.txt" && good lark "../perm/locked/inner.txt"
chmod 000 "$perm/secret.txt" "$perm/locked"
as_user=()
if [ "$(id -u)" = 0 ]; then
    chown -R nobody: "$perm" && chmod 755 "$work"
    as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
fi
"${as_user[@]}" "$KBINDEX" "$perm" >"$work/out" 2>"$work/err" || fail "unreadable: exit $?"
w 'kbindex: skipping locked: Permission denied'
w 'kbindex: skipping secret.txt: Permission denied'
grep -q '2 skipped (2 unreadable)' "$work/out" || fail "unreadable summary: $(cat "$work/out")"
"${as_user[@]}" "$KBSEARCH" --db "$perm/.kbsearch" finch >/dev/null || fail "readable file not indexed"

# A path longer than an index holds (251 bytes) is skipped, and the run
# goes on with the others (it used to fail the whole run).
far=$work/far && mkdir -p "$far/deep"
longest=deep/$(printf 'y%.0s' $(seq 242)).txt   # 251 bytes
longer=deep/$(printf 'x%.0s' $(seq 243)).txt    # 252 bytes
good medlar "../far/$longest" && good medlar "../far/$longer" && good finch "../far/ok.txt"
"$KBINDEX" "$far" >"$work/out" 2>"$work/err" || fail "a long path failed the run: exit $?: $(cat "$work/err")"
w "kbindex: skipping $longer: its path is 252 bytes long, and an index holds paths of up to 251: shorten its name or its folders'"
grep -q '2 indexed, .* 1 skipped (1 unreadable)' "$work/out" || fail "long path summary: $(cat "$work/out")"
hits=$("$KBSEARCH" --db "$far/.kbsearch" -l medlar) || fail "the longest path not indexed"
[[ $hits == *"/$longest" && $hits != *$'\n'* ]] || fail "medlar should be found in $longest only: $hits"
echo ok
