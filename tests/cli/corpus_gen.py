"""A made-up corpus for the crash and concurrency tests (tests/cli/*.sh).

Every paragraph of a file version starts with its marker (vAf12: file 12 as
first written, vBf12: as changed by `b`), so a search for a marker tells
which version of which file each passage comes from.  Files are
dNN/fNNNN.md, so kbindex's walk visits them in their paths' byte order.

    corpus_gen.py a ROOT SEED N          write N files, version A
    corpus_gen.py b ROOT SEED N PLAN     edit, delete, rename and add files;
                                         touch the rest; PLAN gets {path: what}
    corpus_gen.py edit ROOT SEED TAG     rewrite a fifth of the files with
                                         marker vTAGfN; touch the rest
    corpus_gen.py queries ROOT SEED      print a fixed set of queries (words,
                                         a phrase, NEAR, a prefix, a path
                                         filter, markers), one per line
"""
import json, os, random, re, sys

mode, root, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(seed)
ons = "b c d f g h j k l m n p r s t v w z br cl dr gr pl st tr".split()
nucs, codas = "a e i o u ai ea ou".split(), ["", "", "n", "r", "s", "t", "l", "nd", "st"]
vocab = sorted({"".join(rng.choice(ons) + rng.choice(nucs) + rng.choice(codas)
                        for _ in range(rng.randint(1, 3))) for _ in range(3000)})
cum, total = [], 0.0
for i in range(len(vocab)):  # Zipf-like: a few words are common
    total += 1.0 / (i + 1)
    cum.append(total)


def sentence():
    return " ".join(rng.choices(vocab, cum_weights=cum, k=rng.randint(6, 14))).capitalize() + "."


def write(rel, marker):
    out, size = ["Notes on %s %s %s" % (rng.choice(vocab), rng.choice(vocab), marker), ""], 0
    want = rng.randint(4000, 16000)
    while size < want:
        para = marker + " " + " ".join(sentence() for _ in range(rng.randint(4, 8)))
        out += [para, ""]
        size += len(para) + 2
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(out))


def name(i, kind="f"):
    return "d%02d/%s%04d.md" % (i % 12, kind, i)


def touch(rel):
    """A new mtime, the same text: kbindex reads and hashes it (and counts
    it towards --commit-mb) but does not index it again."""
    os.utime(os.path.join(root, rel))


if mode == "a":
    for i in range(int(sys.argv[4])):
        write(name(i), "vAf%d" % i)
elif mode == "b":
    nfiles, plan = int(sys.argv[4]), {}
    for i in range(nfiles):
        r, p = rng.random(), name(i)
        if r < 0.12:
            write(p, "vBf%d" % i)
            plan[p] = "edited"
        elif r < 0.16:
            os.remove(os.path.join(root, p))
            plan[p] = "deleted"
        elif r < 0.19:
            os.rename(os.path.join(root, p), os.path.join(root, name(i, "r")))
            plan[p], plan[name(i, "r")] = "renamed_old", "renamed_new"
        else:
            touch(p)
            plan[p] = "unchanged"
    for i in range(nfiles, nfiles + nfiles // 16):
        write(name(i), "vBf%d" % i)
        plan[name(i)] = "added"
    with open(sys.argv[5], "w") as f:
        json.dump(plan, f)
elif mode == "edit":
    for d in sorted(os.listdir(root)):
        if not re.fullmatch(r"d\d\d", d):
            continue
        for f in sorted(os.listdir(os.path.join(root, d))):
            rel = d + "/" + f
            if rng.random() < 0.2:
                write(rel, "v%sf%d" % (sys.argv[4], int(re.sub(r"\D", "", f))))
            else:
                touch(rel)
elif mode == "queries":
    with open(os.path.join(root, name(1))) as f:
        seen = {}
        for w in re.findall(r"[a-z]{4,}", f.read()):
            seen[w] = seen.get(w, 0) + 1
    w = sorted(seen, key=lambda k: (-seen[k], k))[::3]
    print("\n".join([w[0], w[1] + " " + w[2], '"%s %s"' % (w[0], w[3]), w[0] + " NEAR/5 " + w[4],
                     w[1][:3] + "*", "path:d03/ " + w[2], "vAf3", "vAf5 OR vBf5 OR vCf5"]))
else:
    sys.exit("corpus_gen.py: unknown mode " + mode)
