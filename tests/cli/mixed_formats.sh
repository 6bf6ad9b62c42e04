#!/usr/bin/env bash
# A folder mixing every format kbindex reads: each result's positions point
# into the source file (every span's bytes, line and columns checked against
# the file by tests/cli/check_spans.py), PDF results carry their page,
# markup and link URLs are not text, <nav> is chrome, front-matter tags
# filter, code is marked, content sniffing picks a reader or skips binary.
. "$(dirname "$0")/lib.bash"
kb="$work/kb"
mkdir -p "$kb/notes" "$kb/pages" "$kb/misc"

cat >"$kb/notes/plan.md" <<'EOF'
---
title: "Greenhouse plan"
tags: [gardening, Planning]
---
# Greenhouse plan

Naïve seedlings need **un*frigging*believable** patience; see
[the orchard guide](https://example.org/zanzibarish) for the ladder rota.

## Watering

Water the *tomatoes* at dawn &amp; dusk, never at noon.

```sh
frobnicate --tomatoes=all
```
EOF

printf '%s\r\n' '<!DOCTYPE html>' '<html><head><title>Harbour notes</title>' \
  '<style>.x { color: red }</style><script>var trackingpixel = 1;</script></head>' \
  '<body><nav><ul><li><a href="/">Home</a></li><li><a href="/s">Subscribe</a></li></ul></nav>' \
  '<article><h1>Harbour &amp; pier</h1>' \
  '<p>The <b>bold</b>er skippers leave the caf&eacute; at dawn; the tide' \
  '   table says &ldquo;high water&rdquo; at six.</p>' \
  '<h2>Harbour logistics</h2><p>Crates of <i>mackerel</i> go north by lorry.' \
  '<p>Unclosed paragraph about the lighthouse keeper.</div></article>' \
  '<!-- a comment about sardines -->' \
  '<footer><p>Copyright 2026 Harbour Club. All rights reserved.</p></footer></body></html>' \
  >"$kb/pages/harbour.html"

# windows-1252: é is one byte (0xE9), which the map must point at.
printf '<html><head><meta charset="windows-1252"><title>Old page</title></head><body>\n<p>The old caf\xe9 sells smoked herring by the quay.</p></body></html>\n' >"$kb/pages/legacy.htm"

printf '#+TITLE: Orchard\n* Pruning\nCut the apple branches in winter.\n** Ladders\nThe ladder rota lives here.\n' >"$kb/notes/orchard.org"
printf 'Beekeeping\n==========\n\nThe hives face south.\n\nSwarms\n------\n\nA swarm settles on the plum tree.\n' >"$kb/notes/bees.rst"
python3 "$KB_TESTS/fixtures/formats/make_pdf.py" sample "$kb/report.pdf"
printf 'plain words about a kettle\n' >"$kb/misc/README"                 # no extension: text
printf '<!doctype html><p>A sniffed page about the windmill.</p>\n' >"$kb/misc/page"  # sniffed HTML
printf 'GIF89a\x01\x00\x00\x00\x00binary windmill' >"$kb/misc/image.dat"  # binary: other type

"$KBINDEX" -v "$kb" >"$work/index.out" 2>"$work/index.err" || fail "kbindex: $(cat "$work/index.err")"
grep -qx 'other type: misc/image.dat (binary content of no format kbindex reads)' "$work/index.out" ||
    fail "image.dat not 'other type': $(cat "$work/index.out")"
[ "$(grep -c '^indexed: ' "$work/index.out")" = 8 ] || fail "8 files indexed: $(cat "$work/index.out")"
[ ! -s "$work/index.err" ] || fail "warnings: $(cat "$work/index.err")"

cd "$kb"
queries=(bolder "unfriggingbelievable" café "high water" mackerel tomatoes "ladder rota" herring
         "apple branches" swarm kettle windmill "tidal pools" information frobnicate naïve harbour)
for q in "${queries[@]}"; do
    "$KBSEARCH" --json --all -n 50 "$q" || true
done >"$work/all.jsonl"
python3 "$KB_TESTS/cli/check_spans.py" "$kb" "$work/all.jsonl" || fail "spans do not slice the sources"

first() { "$KBSEARCH" --json -n 1 "$@" | grep '"type":"match"' || true; }
has() { grep -q -- "$2" <<<"$1" || fail "$3: $1"; }
has "$(first bolder)" '"path":"pages/harbour.html"' "tags inside a word keep it whole"
has "$(first mackerel)" '"heading":"Harbour logistics"' "h2 is the heading"
has "$(first mackerel)" '"title":"Harbour notes"' "<title> is the title"
has "$(first tomatoes)" '"heading":"Watering"' "Markdown heading"
has "$(first frobnicate)" '"code":true' "a code block is marked"
has "$(first '"tidal pools"')" '"page":1' "a PDF passage has its page"
has "$(first information)" '"page":1' "a hyphenated word is whole"
has "$("$KBSEARCH" --color=never -n 1 '"tidal pools"')" '^report.pdf#page=1' "text shows path#page=N"
has "$(first 'swarm')" '"heading":"Swarms"' "RST section title"
has "$(first 'ladder rota')" '"path":"notes/orchard.org"' "Org text"
has "$(first kettle)" '"path":"misc/README"' "a file without an extension is text"
has "$(first windmill)" '"path":"misc/page"' "sniffed HTML"
has "$(first herring)" '"path":"pages/legacy.htm"' "windows-1252 page"

none() { [ -z "$(first "$@")" ] || fail "no result expected for $*: $(first "$@")"; }
none trackingpixel          # <script>
none sardines               # a comment
none zanzibarish            # a link URL
none red                    # <style>
none binary                 # the binary file
none Subscribe              # <nav>: chrome, hidden by default ...
[ -n "$("$KBSEARCH" --json --all Subscribe | grep '"type":"match"')" ] || fail "... but indexed (--all)"

# tag: filters by front matter, whole and in any case.
has "$(first tag:planning watering)" '"path":"notes/plan.md"' "tag: filter"
none tag:gardening herring

# vimgrep: line and byte column of the match in the HTML source.
"$KBSEARCH" --vimgrep mackerel >"$work/vim.txt"
line=$(grep -n 'mackerel' "$kb/pages/harbour.html" | cut -d: -f1)
col=$(( $(sed -n "${line}p" "$kb/pages/harbour.html" | grep -bo mackerel | head -1 | cut -d: -f1) + 1 ))
grep -q "^pages/harbour.html:$line:$col:" "$work/vim.txt" || fail "vimgrep: $(cat "$work/vim.txt"), wanted $line:$col"
echo "ok: mixed formats"
