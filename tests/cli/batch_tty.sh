#!/usr/bin/env bash
# --batch - on a terminal answers each query before the next one is typed
# (batch workers read ahead only when the input is not a terminal).
. "$(dirname "$0")/lib.bash"
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 77; }
copy_corpus
"$KBINDEX" "$work/kb" >/dev/null 2>&1
python3 - "$KBSEARCH" "$work/kb/.kbsearch" <<'PY' || fail "no answer before the next query was typed"
import os, pty, select, sys, time
kbsearch, db = sys.argv[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(kbsearch, [kbsearch, "--db", db, "--color=never", "--batch", "-"])
os.write(fd, b"compost\n")
out, deadline = b"", time.time() + 10
while b"## 1: compost" not in out or b".md:" not in out and b".txt:" not in out:
    left = deadline - time.time()
    if left <= 0 or not select.select([fd], [], [], left)[0]:
        sys.exit(f"after 10 s: {out!r}")
    out += os.read(fd, 4096)
os.write(fd, b"\x04")
os.waitpid(pid, 0)
PY
echo ok
