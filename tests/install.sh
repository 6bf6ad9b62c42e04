#!/usr/bin/env bash
# Installs the build into a temporary prefix (its rpath points at the real
# prefix, so the test points the loader at the temporary one) and checks
# that the installed programs run and the man pages are there.
set -euo pipefail
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
DESTDIR=$prefix cmake --install "$build" >/dev/null
root=$(find "$prefix" -path '*/bin/kbsearch' -printf '%h\n' | head -1)/..
for f in bin/kbindex bin/kbsearch share/man/man1/kbindex.1 share/man/man1/kbsearch.1; do
    [ -e "$root/$f" ] || { echo "FAIL: $f not installed"; exit 1; }
done
runpath=$(readelf -d "$root/bin/kbsearch" | sed -nE 's/.*(RUNPATH|RPATH).*\[(.*)\]/\2/p')
[ -n "$runpath" ] || { echo "FAIL: installed kbsearch has no runpath"; exit 1; }
lib=$prefix$runpath
[ -e "$lib/libkbxapian.so.0" ] || { echo "FAIL: runpath $runpath does not hold the installed shim"; exit 1; }
for p in kbindex kbsearch; do
    LD_LIBRARY_PATH=$lib "$root/bin/$p" --version | grep -q "^$p " || { echo "FAIL: $p does not run"; exit 1; }
done
echo "ok: $runpath"
