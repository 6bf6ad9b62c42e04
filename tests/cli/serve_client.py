"""A client of `kbsearch --serve` for tests/cli/serve.sh (Python 3, stdlib).

Usage: serve_client.py KBSEARCH KBINDEX KB_FOLDER

Starts `KBSEARCH --serve` in KB_FOLDER (indexed already) with pipes and sends
it 100 requests: queries compared with what `KBSEARCH --json` writes for the
same query at the same moment, malformed lines, a burst of five in one write,
and, between requests, a file added, a file deleted and the whole index
rebuilt by KBINDEX.  Every request must get exactly one end object with its
id; the process must exit 0 at the end of its input with nothing on stderr,
and 2 with one diagnostic when its reader went away.
"""
import json
import os
import selectors
import shutil
import subprocess
import sys
import time

KBSEARCH, KBINDEX, KB = sys.argv[1:4]
TIMEOUT = 60  # seconds for any one answer (ASan builds are slow)
REQUESTS = 100


class Server:
    """kbsearch --serve, read as its answers come."""

    def __init__(self):
        self.proc = subprocess.Popen([KBSEARCH, "--serve"], cwd=KB, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.proc.stdout, selectors.EVENT_READ)
        self.pending = b""
        self.sent = 0
        self.objects = []  # everything read, in order

    def write(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, request):
        """Writes one request (an object, or the raw line if bytes)."""
        line = request if isinstance(request, bytes) else json.dumps(request).encode()
        self.write(line + b"\n")
        self.sent += 1

    def read_object(self):
        deadline = time.monotonic() + TIMEOUT
        while b"\n" not in self.pending:
            left = deadline - time.monotonic()
            if left <= 0 or not self.sel.select(left):
                sys.exit(f"no answer within {TIMEOUT} s; read so far: {self.pending[:200]!r}")
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                sys.exit(f"kbsearch --serve closed its output; stderr: {self.proc.stderr.read()!r}")
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        obj = json.loads(line)
        self.objects.append(obj)
        return obj

    def answer(self):
        """The objects up to and including the next end."""
        got = []
        while not got or got[-1]["type"] != "end":
            got.append(self.read_object())
        return got

    def ask(self, request):
        self.send(request)
        return self.answer()


def cli_json(req):
    """What `kbsearch --json` writes for the request's query, now."""
    args = [KBSEARCH, "--json", "-n", str(req.get("limit", 10)),
            "--per-file", str(req.get("per_file", 0))]
    args += ["--all"] if req.get("all") else []
    args += ["--no-correct"] if req.get("no_correct") else []
    out = subprocess.run(args + ["--", req["query"]], cwd=KB, capture_output=True, check=False)
    assert out.returncode in (0, 1, 2), (req, out.returncode, out.stderr)
    return [json.loads(line) for line in out.stdout.splitlines()]


def comparable(objects):
    """The objects without what differs between --serve and --json: the
    query's key (id or qid), times, and --json's summary."""
    return [{k: v for k, v in o.items() if k not in ("id", "qid", "elapsed_ms")}
            for o in objects if o["type"] != "summary"]


def check_full(req, got):
    """A whole answer: the id everywhere, and what --json says."""
    assert all(o["id"] == req["id"] for o in got), got
    assert got[0]["type"] == "begin" and not got[-1].get("cancelled"), got
    want = comparable(cli_json(req))
    assert comparable(got) == want, (req, comparable(got), want)
    return got


def paths(got):
    return {o["path"] for o in got if o["type"] == "match"}


def check_error(got, id_, words):
    assert [o["type"] for o in got] == ["error", "end"], got
    assert all(o["id"] == id_ for o in got), got
    assert got[1]["matches"] == 0 and "cancelled" not in got[1], got
    assert words in got[0]["message"], (words, got[0]["message"])


def kbindex():
    subprocess.run([KBINDEX, KB], check=True, capture_output=True)


QUERIES = [
    {"query": "compost"}, {"query": "cafe naive"}, {"query": "東京"}, {"query": "서울"},
    {"query": "strategic flexibility"}, {"query": '"latency fell"'}, {"query": "résumé"},
    {"query": "cache 3.5%"}, {"query": "owners café"}, {"query": "tomatoes", "limit": 1},
    {"query": "plan", "per_file": 1}, {"query": "latency", "limit": 2, "per_file": 1},
    {"query": "flexibilty"}, {"query": "flexibilty", "no_correct": True},
    {"query": "compost", "all": True}, {"query": "ext:md cache"}, {"query": "path:notes/ plan"},
    {"query": "strat*"}, {"query": "latency NEAR/5 cache"}, {"query": "title:garden"},
    {"query": "tag:plants"}, {"query": "budget OR owner"}, {"query": "+cache -disk"},
    {"query": "(unclosed"}, {"query": '"open quote'}, {"query": "nothingmatcheszz"},
    {"query": "-compost"}, {"query": ""}, {"query": "the", "limit": 0},
    {"query": "cache", "limit": 100000},
]


def reader_gone():
    """The editor went away: one diagnostic and exit 2, not a silent death
    by SIGPIPE."""
    proc = subprocess.Popen([KBSEARCH, "--serve"], cwd=KB, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    proc.stdin.write(b'{"id":1,"query":"compost"}\n')
    proc.stdin.flush()
    rc = proc.wait(timeout=TIMEOUT)
    err = proc.stderr.read()
    assert rc == 2 and err == b"kbsearch: output: write error\n", (rc, err)
    proc.stdin.close()


def main():
    srv = Server()
    ids = []  # every id sent, null for lines without a usable one
    n = 0

    def next_id():
        nonlocal n
        n += 1
        ids.append(n)
        return n

    def ask_query(q):
        req = dict(q, id=next_id())
        return check_full(req, srv.ask(req))

    # Queries one at a time, each compared with --json.
    for q in QUERIES:
        ask_query(q)
    # A string id comes back as the same string.
    req = {"id": "édition \"1\"", "query": "compost"}
    ids.append(req["id"])
    check_full(req, srv.ask(req))

    # Malformed lines: an error and an end each, and the process stays up.
    malformed = [
        (b"not json at all", None, "not JSON"),
        (b"[1, 2]", None, "a request is a JSON object"),
        (b'"compost"', None, "a request is a JSON object"),
        (b'{"id": 501}', 501, '"query" must be a string'),
        (b'{"id": 502, "query": 3}', 502, '"query" must be a string'),
        (b'{"id": 503, "query": "x", "limit": -1}', 503, '"limit" must be a whole number'),
        (b'{"id": 504, "query": "x", "per_file": 1.5}', 504, '"per_file" must be a whole'),
        (b'{"id": 505, "query": "x", "all": "yes"}', 505, '"all" must be true or false'),
        (b'{"id": {"a": 1}, "query": "compost"}', None, '"id" must be a string or a number'),
        (b'{"id": 506, "query": "caf\xff"}', None, "not JSON"),
        (b'{"id": 507, "query": "a", "query": "b"}', None, "not JSON"),
        (b'{"id": 508, "query": "' + b"a" * (1 << 20) + b'"}', None, "at most 1048576 bytes"),
    ]
    for line, id_, words in malformed:
        srv.send(line)
        ids.append(id_)
        check_error(srv.answer(), id_, words)
    ask_query({"query": "compost"})

    # Five requests in one write: one end each, the last answered in full.
    burst = [dict(q, id=next_id()) for q in QUERIES[:5]]
    srv.write(b"".join(json.dumps(r).encode() + b"\n" for r in burst))
    srv.sent += len(burst)
    for req in burst:
        got = srv.answer()
        if got[-1].get("cancelled"):
            assert got == [{"type": "end", "id": req["id"], "matches": 0, "cancelled": True,
                            "elapsed_ms": got[-1]["elapsed_ms"]}], got
        else:
            check_full(req, got)
    assert not got[-1].get("cancelled"), "the last of a burst must be answered"
    # A malformed line behind a request does not cancel it.
    req = dict(QUERIES[0], id=next_id())
    srv.write(json.dumps(req).encode() + b"\nnot json\n")
    srv.sent += 2
    ids.append(None)
    check_full(req, srv.answer())
    check_error(srv.answer(), None, "not JSON")

    # kbindex commits while the process runs: a new file is found...
    word = {"query": "quokkaberry", "no_correct": True}
    assert not paths(ask_query(word)), "quokkaberry before it was written"
    with open(os.path.join(KB, "notes", "quokka.md"), "w", encoding="utf-8") as f:
        f.write("# Jam\n\nThe quokkaberry jam set overnight.\n")
    kbindex()
    assert paths(ask_query(word)) == {"notes/quokka.md"}, "new file not found after kbindex"
    # ... and a deleted one is gone.
    assert "notes/garden.md" in paths(ask_query({"query": "compost"}))
    os.remove(os.path.join(KB, "notes", "garden.md"))
    kbindex()
    assert "notes/garden.md" not in paths(ask_query({"query": "compost"})), "deleted file found"

    # The index deleted: said in an error object; built again: found again.
    shutil.rmtree(os.path.join(KB, ".kbsearch"))
    req = {"id": next_id(), "query": "compost"}
    got = srv.ask(req)
    assert [o["type"] for o in got] == ["begin", "error", "end"], got
    assert "run kbindex" in got[1]["message"], got
    kbindex()
    assert paths(ask_query(word)) == {"notes/quokka.md"}, "rebuilt index not read"

    # The rest of the hundred.
    i = 0
    while srv.sent < REQUESTS:
        ask_query(QUERIES[i % len(QUERIES)])
        i += 1

    srv.proc.stdin.close()
    rc = srv.proc.wait(timeout=TIMEOUT)
    rest = srv.proc.stdout.read()
    err = srv.proc.stderr.read().decode(errors="replace")
    assert rc == 0, f"exit {rc}; stderr: {err}"
    assert not rest and not srv.pending, rest
    assert err == "", f"stderr: {err}"

    ends = [o["id"] for o in srv.objects if o["type"] == "end"]
    assert len(ids) == REQUESTS == srv.sent, (len(ids), srv.sent)
    assert ends == ids, "not exactly one end per request, in order"
    assert all("summary" != o["type"] for o in srv.objects)
    reader_gone()
    matches = sum(1 for o in srv.objects if o["type"] == "match")
    cancelled = sum(1 for o in srv.objects if o.get("cancelled"))
    print(f"ok: {len(ids)} requests, {matches} matches, {cancelled} cancelled")


main()
