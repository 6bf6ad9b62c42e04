#!/usr/bin/env bash
# Several indexes searched as one: the corpus indexed whole, as two shards
# (kbindex --shard), and as one local shard plus one served by
# xapian-tcpsrv must rank the same passages.  A server that dies or stops
# answering gives a clear error, or results from the others with
# --partial, never a hang; indexes stemmed differently are refused.
. "$(dirname "$0")/lib.bash"
command -v xapian-tcpsrv >/dev/null || fail "xapian-tcpsrv is missing (Debian package xapian-tools; scripts/setup installs it)"
servers=()
stop_servers() {
    local p
    for p in "${servers[@]}"; do
        kill -CONT "$p" 2>/dev/null || true
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    servers=()
}
trap 'stop_servers; rm -rf "$work"' EXIT

copy_corpus
"$KBINDEX" -q --db "$work/whole.db" "$work/kb"
"$KBINDEX" -q --shard 1/2 --db "$work/s1.db" "$work/kb"
"$KBINDEX" -q --shard 2/2 --db "$work/s2.db" "$work/kb"

# serve DB: starts xapian-tcpsrv on a free port of 127.0.0.1; sets $port
# and $server.  It runs in a session of its own: on SIGTERM it signals its
# whole process group, which would otherwise include this script.
serve() {
    local try i
    for try in 1 2 3; do
        port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        setsid xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$port" "$1" >/dev/null 2>&1 &
        server=$!
        servers+=("$server")
        for i in $(seq 50); do
            if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
            kill -0 "$server" 2>/dev/null || break
            sleep 0.1
        done
    done
    fail "xapian-tcpsrv did not start"
}

queries=(compost 'strategic flexibility' 'latency cache' 'café owners' '"latency fell"'
         'report OR notes' 'cafe -owners' 'ext:md latency' 'path:notes/ compost')

# What must agree between two runs of a query: the ranked passages, their
# places, snippets and spans; scores to 5 significant digits (statistics
# are summed in another order).
ranked() {
    local q
    for q in "${queries[@]}"; do
        timeout 30 "$KBSEARCH" --json --no-correct -n 20 "$@" -- "$q" || [ $? = 1 ]
    done | python3 -c '
import json, sys
for o in map(json.loads, sys.stdin):
    if o["type"] != "match":
        continue
    o["score"] = float("%.5g" % o["score"])
    o["also_at"] = [(a["path"], a["line_start"]) for a in o["also_at"]]
    for k in ("index", "elapsed_ms"):
        o.pop(k, None)
    print(json.dumps(o, sort_keys=True))
'
}

ranked --db "$work/whole.db" >"$work/whole.out"
[ "$(wc -l <"$work/whole.out")" -gt 15 ] || fail "too few matches to compare: $(cat "$work/whole.out")"
ranked --db "$work/s1.db" --db "$work/s2.db" >"$work/two.out"
compare "$work/whole.out" "$work/two.out"

# Per-file limits and collapsed copies hold across shards too.
ranked --db "$work/whole.db" --per-file 1 >"$work/whole1.out"
ranked --db "$work/s1.db" --db "$work/s2.db" --per-file 1 >"$work/two1.out"
compare "$work/whole1.out" "$work/two1.out"
cmp -s "$work/whole.out" "$work/whole1.out" && fail "--per-file 1 changed nothing to compare"

# The shards really split the corpus: each alone finds less.
ranked --db "$work/s1.db" >"$work/s1.out"
ranked --db "$work/s2.db" >"$work/s2.out"
[ -s "$work/s1.out" ] && [ -s "$work/s2.out" ] || fail "a shard holds no match"
cmp -s "$work/s1.out" "$work/whole.out" && fail "shard 1 alone ranks like the whole"

# JSON names each result's index.
"$KBSEARCH" --json --db "$work/s1.db" --db "$work/s2.db" -n 50 compost café latency notes |
    python3 -c '
import json, sys
seen = {o["index"] for o in map(json.loads, sys.stdin) if o["type"] == "match"}
assert seen == {sys.argv[1], sys.argv[2]}, seen
' "$work/s1.db" "$work/s2.db" || fail "index names in JSON"

# One local shard and one remote.
serve "$work/s2.db"
remote="tcp://127.0.0.1:$port"
ranked --db "$work/s1.db" --db "$remote" >"$work/remote.out"
compare "$work/whole.out" "$work/remote.out"

# A shards file, given with --db or found as .kbsearch/shards.
printf '# two halves\n%s\n\n  %s\n' "$work/s1.db" "$remote" >"$work/list"
ranked --db "$work/list" >"$work/list.out"
compare "$work/whole.out" "$work/list.out"
mkdir -p "$work/team/.kbsearch" "$work/team/sub"
printf '../../s1.db\n%s\n' "$remote" >"$work/team/.kbsearch/shards"
(cd "$work/team/sub" && ranked) >"$work/found.out"
compare "$work/whole.out" "$work/found.out"
: >"$work/empty"
expect_exit 2 "$KBSEARCH" --db "$work/empty" compost 2>"$work/err"
grep -q "empty: the shards file lists no index" "$work/err" || fail "empty shards file: $(cat "$work/err")"

# The server dies between two queries of a batch.
batch_with_kill() {
    { echo compost; sleep 1; echo 'latency cache'; sleep 1.5; echo report; } |
        timeout 30 "$KBSEARCH" --db "$work/s1.db" --db "$remote" -n 3 --batch - "$@" \
        >"$work/batch.out" 2>"$work/batch.err" &
    local client=$!
    sleep 1.5
    kill "$server"
    local rc=0
    wait "$client" || rc=$?
    echo "$rc"
}
rc=$(batch_with_kill)
[ "$rc" = 2 ] || fail "dead server: exit $rc, wanted 2: $(cat "$work/batch.err")"
grep -q "3: index $remote: .*(--partial searches the other indexes)" "$work/batch.err" ||
    fail "dead server: the message does not name it: $(cat "$work/batch.err")"
grep -q '^## 2: latency cache' "$work/batch.out" || fail "queries before the death are lost"

serve "$work/s2.db"
remote="tcp://127.0.0.1:$port"
rc=$(batch_with_kill --partial)
[ "$rc" = 0 ] || fail "dead server, --partial: exit $rc: $(cat "$work/batch.err")"
grep -q "not searched (--partial): index $remote" "$work/batch.err" ||
    fail "--partial does not name the missing index: $(cat "$work/batch.err")"
grep -q '^## 3: report' "$work/batch.out" || fail "--partial: no results after the death"

# A server that is up but does not answer (stopped): the timeout ends it.
serve "$work/s2.db"
remote="tcp://127.0.0.1:$port"
kill -STOP "$server"
expect_exit 2 timeout 30 "$KBSEARCH" --timeout 300 --connect-timeout 300 \
    --db "$work/s1.db" --db "$remote" compost 2>"$work/err"
grep -q "$remote" "$work/err" || fail "stopped server: $(cat "$work/err")"
timeout 30 "$KBSEARCH" --partial --timeout 300 --connect-timeout 300 \
    --db "$work/s1.db" --db "$remote" -l compost >"$work/out" 2>"$work/err" ||
    fail "stopped server, --partial: $(cat "$work/err")"
grep -q "not searched (--partial)" "$work/err" || fail "stopped server, --partial: $(cat "$work/err")"
[ -s "$work/out" ] || fail "stopped server, --partial: no results from the live shard"

# Nothing listening.
kill -CONT "$server"
stop_servers
expect_exit 2 "$KBSEARCH" --db "$work/s1.db" --db "$remote" compost 2>"$work/err"
grep -q "opening index $remote: .*Couldn't connect" "$work/err" || fail "no server: $(cat "$work/err")"
expect_exit 2 "$KBSEARCH" --db "tcp://127.0.0.1" compost 2>"$work/err"
grep -q "tcp://HOST:PORT" "$work/err" || fail "bad remote name: $(cat "$work/err")"

# Indexes stemmed differently cannot be ranked together.
"$KBINDEX" -q --language french --db "$work/fr.db" "$work/kb"
expect_exit 2 "$KBSEARCH" --db "$work/s1.db" --db "$work/fr.db" compost 2>"$work/err"
grep -q "cannot be searched together: their words were stemmed as 'english' and 'french'" \
    "$work/err" || fail "language mismatch: $(cat "$work/err")"
echo ok
