#!/usr/bin/env bash
# kbindex --shard I/N: shards of one folder are disjoint, together they
# hold what the whole index holds (files and passages), a re-run is
# unchanged, another I/N re-shards (files leave, none "renamed" from a file
# of another shard), the shard is recorded in kb:shard and kept by later
# runs, 1/1 goes back to the whole folder, and bad values exit 2.
. "$(dirname "$0")/lib.bash"
for tool in xapian-delve xapian-metadata; do
    command -v $tool >/dev/null || { echo "$tool missing (Debian xapian-tools; scripts/setup installs it): skipped"; exit 77; }
done
copy_corpus
kb=$work/kb
# Beside the corpus's files (shard 1 of 2: misc/data.json, misc/no-newline.txt,
# notes/planning.txt, reports/latency.md; shard 2: the others, binary.txt
# among them), per shard of 2: a FIFO in shard 1, a symbolic link in shard
# 2, four notes in each.  note-4 (1 of 2, 3 of 3) and note-5 (2 of 2, 2 of
# 3) are copies.
mkdir "$kb/extra"
for i in 1 2 3 4 6 7 8; do printf 'Note %s\n\nThe orchard row %s was pruned.\n' $i $i >"$kb/extra/note-$i.md"; done
cp "$kb/extra/note-4.md" "$kb/extra/note-5.md"
mkfifo "$kb/extra/pipe"
ln -s ../notes/garden.md "$kb/extra/link.md"

files() { xapian-metadata list "$1" F: | sed 's/^F://'; }
passages() { xapian-delve "$1" | sed -n 's/^number of documents = //p'; }
shard_of() { xapian-metadata get "$1" kb:shard; }
# run WANT-SUMMARY ARGS...: indexes with ARGS; stderr goes to $work/err.
run() {
    local want=$1
    shift
    "$KBINDEX" "$@" "$kb" 2>"$work/err" | summary >"$work/out" || fail "kbindex $*: $(cat "$work/err")"
    [ "$(cat "$work/out")" = "$want" ] || fail "kbindex $*: $(cat "$work/out")"
}

run 'kbindex: 16 indexed, 0 unchanged, 0 renamed, 0 removed, 3 skipped (1 binary, 1 symlink, 1 special file); warnings: 1 invalid UTF-8; 25 passages' \
    --db "$work/whole"
# Each shard counts and reports its own files only: no other file is read.
run 'kbindex: shard 1/2: 8 indexed, 0 unchanged, 0 renamed, 0 removed, 1 skipped (1 special file); 12 passages' \
    --db "$work/s1" --shard 1/2
[ "$(cat "$work/err")" = 'kbindex: skipping extra/pipe: a FIFO, not a file: not opened' ] \
    || fail "shard 1/2 spoke of other files: $(cat "$work/err")"
run 'kbindex: shard 2/2: 8 indexed, 0 unchanged, 0 renamed, 0 removed, 2 skipped (1 binary, 1 symlink); warnings: 1 invalid UTF-8; 13 passages' \
    --db "$work/s2" --shard 2/2

files "$work/whole" >"$work/whole.files"
files "$work/s1" >"$work/s1.files"
files "$work/s2" >"$work/s2.files"
[ "$(wc -l <"$work/s1.files")" = 8 ] && [ "$(wc -l <"$work/s2.files")" = 8 ] \
    || fail "uneven shards: $(cat "$work/s1.files") / $(cat "$work/s2.files")"
[ -z "$(comm -12 "$work/s1.files" "$work/s2.files")" ] \
    || fail "a file in both shards: $(comm -12 "$work/s1.files" "$work/s2.files")"
diff -u "$work/whole.files" <(sort "$work/s1.files" "$work/s2.files") || fail "the shards' union is not the whole index"
diff -u <(xapian-delve -A P "$work/whole" | tr ' ' '\n' | grep '^P') \
    <(xapian-delve -A P "$work/s1" "$work/s2" | tr ' ' '\n' | grep '^P') \
    || fail "the shards' passages are not of the whole index's files"
[ $(($(passages "$work/s1") + $(passages "$work/s2"))) = "$(passages "$work/whole")" ] \
    || fail "passages: $(passages "$work/s1") + $(passages "$work/s2") != $(passages "$work/whole")"

# Recorded; a run without --shard keeps it and reads nothing.
[ "$(shard_of "$work/s1")" = 1/2 ] || fail "kb:shard of shard 1/2: '$(shard_of "$work/s1")'"
[ -z "$(shard_of "$work/whole")" ] || fail "kb:shard in the whole index: '$(shard_of "$work/whole")'"
"$KBINDEX" --db "$work/s1" "$kb" 2>/dev/null >"$work/out"
grep -qx 'kbindex: shard 1/2: 0 indexed, 8 unchanged, 0 renamed, 0 removed, 1 skipped (1 special file); 0 passages, 0.0 MB read in [0-9.]* s' "$work/out" \
    || fail "re-run: $(cat "$work/out")"
expect_exit 0 "$KBINDEX" --check --db "$work/s1" "$kb" >"$work/out" 2>/dev/null
[ "$(cat "$work/out")" = 'kbindex: shard 1/2: check: 8 in sync, 0 to index, 0 renamed, 0 deleted, 0 damaged' ] \
    || fail "--check: $(cat "$work/out")"

# Re-sharded as 2 of 3: the files of other shards leave the index (note-4
# too, though note-5, new here, is its copy), the others stay unchanged.
expect_exit 1 "$KBINDEX" --check --shard 2/3 --db "$work/s1" "$kb" >"$work/out" 2>/dev/null
grep -qx 'deleted: extra/note-4.md' "$work/out" || fail "--check --shard 2/3: $(cat "$work/out")"
"$KBINDEX" -v --shard 2/3 --db "$work/s1" "$kb" 2>/dev/null | grep -E '^(removed|indexed|renamed):' >"$work/out"
cat >"$work/want" <<'EOF'
indexed: extra/note-1.md (new)
indexed: extra/note-5.md (new)
indexed: misc/cafe-crlf.txt (new)
indexed: misc/latin1.txt (new)
indexed: misc/tokyo.md (new)
removed: extra/note-2.md (not in shard 2/3)
removed: extra/note-4.md (not in shard 2/3)
removed: extra/note-8.md (not in shard 2/3)
removed: misc/no-newline.txt (not in shard 2/3)
EOF
compare "$work/want" "$work/out"
[ "$(shard_of "$work/s1")" = 2/3 ] || fail "kb:shard after --shard 2/3: '$(shard_of "$work/s1")'"
files "$work/s1" >"$work/s23.files"
"$KBINDEX" --db "$work/s23" --shard 2/3 "$kb" >/dev/null 2>&1
diff -u <(files "$work/s23") "$work/s23.files" || fail "re-sharded index differs from a fresh shard 2/3"
[ "$(passages "$work/s1")" = "$(passages "$work/s23")" ] || fail "re-sharded passages differ from a fresh shard's"
run 'kbindex: shard 2/3: 0 indexed, 9 unchanged, 0 renamed, 0 removed, 1 skipped (1 special file); 0 passages' --db "$work/s1"
# --rebuild keeps it too: rebuilding one machine's shard is not the whole folder.
run 'kbindex: shard 2/3: 9 indexed, 0 unchanged, 0 renamed, 0 removed, 1 skipped (1 special file); warnings: 1 invalid UTF-8; 15 passages' \
    --db "$work/s1" --rebuild
diff -u <(files "$work/s1") "$work/s23.files" || fail "--rebuild changed the shard"

# 1/1 is the whole folder again, and the index no longer records a shard.
run 'kbindex: 7 indexed, 9 unchanged, 0 renamed, 0 removed, 3 skipped (1 binary, 1 symlink, 1 special file); 10 passages' \
    --db "$work/s1" --shard 1/1
[ -z "$(shard_of "$work/s1")" ] || fail "kb:shard after --shard 1/1: '$(shard_of "$work/s1")'"
diff -u "$work/whole.files" <(files "$work/s1") || fail "--shard 1/1 is not the whole folder"
# A whole index given a shard drops the other shard's files.
run 'kbindex: shard 2/2: 0 indexed, 8 unchanged, 0 renamed, 8 removed, 2 skipped (1 binary, 1 symlink); 0 passages' \
    --db "$work/whole" --shard 2/2
diff -u "$work/s2.files" <(files "$work/whole") || fail "whole index as shard 2/2"
[ "$(passages "$work/whole")" = "$(passages "$work/s2")" ] || fail "whole index as shard 2/2: passages"

# Bad values: exit 2, the option and what it takes named, nothing written.
for bad in 0/2 3/2 2 a/b 1/0 1/2000 '' 1/2/3 -1/2; do
    expect_exit 2 "$KBINDEX" --shard "$bad" --db "$work/bad" "$kb" >"$work/out" 2>"$work/err"
    [ "$(cat "$work/err")" = "kbindex: --shard: '$bad' is not I/N, shard I of N with 1 <= I <= N <= 1024" ] \
        || fail "--shard '$bad': $(cat "$work/err")"
    [ -s "$work/out" ] && fail "--shard '$bad' wrote to stdout"
    [ -e "$work/bad" ] && fail "--shard '$bad' created the index"
done
# A damaged record is an error naming it, until a shard is given.
xapian-metadata set "$work/s2" kb:shard 'two of three'
expect_exit 2 "$KBINDEX" --db "$work/s2" "$kb" >/dev/null 2>"$work/err"
grep -qF "kbindex: index $work/s2 records shard 'two of three', not one of the form I/N: give --shard I/N (1/1 for the whole folder)" "$work/err" \
    || fail "damaged kb:shard: $(cat "$work/err")"
expect_exit 0 "$KBINDEX" --db "$work/s2" --shard 2/2 "$kb" >/dev/null 2>&1
[ "$(shard_of "$work/s2")" = 2/2 ] || fail "kb:shard not mended: '$(shard_of "$work/s2")'"

# Following links: a link to a folder is walked in every shard, its files
# (and a link to a file) go by their paths like the others.
ln -s ../notes "$kb/extra/linked"
for s in 1 2; do "$KBINDEX" --follow --shard $s/2 --db "$work/f$s" "$kb" >/dev/null 2>&1; done
"$KBINDEX" --follow --db "$work/fw" "$kb" >/dev/null 2>&1
files "$work/fw" | grep -qx 'extra/linked/garden.md' || fail "--follow: the linked folder not indexed"
[ -z "$(comm -12 <(files "$work/f1") <(files "$work/f2"))" ] || fail "--follow: a file in both shards"
diff -u <(files "$work/fw") <({ files "$work/f1"; files "$work/f2"; } | sort) || fail "--follow: the shards' union is not the whole"
echo ok
