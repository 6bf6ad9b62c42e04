#!/usr/bin/env bash
# The shim's exported symbols must be exactly the kb_* functions declared
# in its header: no C++ (mangled) symbol may leak into the C API.
set -euo pipefail
lib=$1 header=$2
exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TWDBR]$/ {print $3}' | sort -u)
declared=$(grep -oE '^KB_API [^(]*\(' "$header" | grep -oE 'kb_[a-z0-9_]+ *\($' | tr -d ' (' | sort -u)
if grep -v '^kb_' <<<"$exported" | grep -q .; then
    echo "symbols outside the C API are exported:"; grep -v '^kb_' <<<"$exported"; exit 1
fi
if [ "$exported" != "$declared" ]; then
    echo "exported and declared kb_* functions differ:"
    diff <(echo "$declared") <(echo "$exported") || true
    exit 1
fi
[ "$(wc -l <<<"$declared")" -ge 20 ] || { echo "too few declarations found: $declared"; exit 1; }
echo "ok: $(wc -l <<<"$exported") kb_* symbols, nothing else"
