#!/usr/bin/env bash
# kbsearch --serve: 100 requests through one process (tests/cli/serve_client.py):
# answers equal to --json's, malformed lines answered with an error, a burst
# answered once each, kbindex's commits and a rebuilt index seen, exit 0 at
# the end of the input, exit 2 when the reader went away.  And what --serve refuses on the command line.
. "$(dirname "$0")/lib.bash"
copy_corpus
"$KBINDEX" "$work/kb" >/dev/null 2>&1
python3 "$KB_TESTS/cli/serve_client.py" "$KBSEARCH" "$KBINDEX" "$work/kb" || fail "serve client"

cd "$work/kb"
expect_exit 2 "$KBSEARCH" --serve compost </dev/null 2>/dev/null
expect_exit 2 "$KBSEARCH" --serve --vimgrep </dev/null 2>/dev/null
expect_exit 0 "$KBSEARCH" --serve </dev/null
echo ok
