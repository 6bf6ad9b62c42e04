#!/usr/bin/env bash
# The man pages stay in step with --help: the same long options, both ways,
# and the pages render without warnings.
. "$(dirname "$0")/lib.bash"
man_dir="$KB_TESTS/../man"
for prog in kbindex kbsearch; do
    bin=$KBINDEX; [ $prog = kbsearch ] && bin=$KBSEARCH
    help_opts=$("$bin" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
    man_opts=$(sed 's/\\-/-/g' "$man_dir/$prog.1" | grep -oE -- '--[a-z][a-z-]*' | sort -u)
    [ "$help_opts" = "$man_opts" ] || fail "$prog: --help and $prog.1 differ: $(diff <(echo "$help_opts") <(echo "$man_opts"))"
    if command -v groff >/dev/null; then
        warnings=$(groff -man -Tutf8 -ww -z "$man_dir/$prog.1" 2>&1)
        [ -z "$warnings" ] || fail "$prog.1: $warnings"
    fi
done
echo ok
