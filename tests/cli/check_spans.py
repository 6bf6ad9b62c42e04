"""Checks every match of kbsearch --json output against the source files:
each span's [byte_start, byte_end) slices the file to the matched text (tags
dropped, entities decoded, Markdown emphasis markers dropped, white space
collapsed, case folded), and its line, col_byte, col_cp and col_utf16 are
where byte_start is.  PDF passages carry a page instead and are skipped."""
import html
import json
import re
import sys

root, results = sys.argv[1], sys.argv[2]
bad = 0
checked = 0


def rendered(raw, path):
    text = raw.decode("cp1252" if path.endswith(".htm") else "utf-8", "replace")
    if path.endswith((".html", ".htm")) or "<" in text:
        text = html.unescape(re.sub(r"<[^>]*>", "", text))
    if path.endswith(".md"):
        text = html.unescape(re.sub(r"[*_`]", "", text))
    return " ".join(text.split()).casefold()


for line in open(results, encoding="utf-8"):
    m = json.loads(line)
    if m.get("type") != "match" or "page" in m:
        continue
    path = m["path"]
    data = open(f"{root}/{path}", "rb").read()
    enc = "cp1252" if path.endswith(".htm") else "utf-8"
    for s in m["spans"]:
        checked += 1
        a, b = s["byte_start"], s["byte_end"]
        want = " ".join(s["text"].split()).casefold()
        got = rendered(data[a:b], path)
        bol = data.rfind(b"\n", 0, a) + 1
        prefix = data[bol:a].decode(enc, "replace")
        place = (data.count(b"\n", 0, a) + 1, a - bol + 1, len(prefix) + 1,
                 len(prefix.encode("utf-16-le")) // 2 + 1)
        if path.endswith(".htm"):  # columns in bytes of the file as it is
            place = place[:2] + (s["col_cp"], s["col_utf16"])
        told = (s["line"], s["col_byte"], s["col_cp"], s["col_utf16"])
        if got != want or place != told:
            bad += 1
            print(f"{path}: span {s['text']!r} at [{a},{b}) slices {data[a:b]!r}; "
                  f"place {told}, file says {place}", file=sys.stderr)
if not checked:
    print("no spans to check", file=sys.stderr)
    sys.exit(1)
print(f"check_spans: {checked} spans checked, {bad} wrong")
sys.exit(1 if bad else 0)
