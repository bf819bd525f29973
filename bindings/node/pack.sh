#!/usr/bin/env bash
# Builds the npm package of picket-node, with the prebuilt addon for linux-x64 (glibc)
# inside, into OUTDIR: OUTDIR/picket-node-VERSION.tgz (npm pack). Installing it needs no
# Rust toolchain. Callable from `make dist`.
#
#   bindings/node/pack.sh OUTDIR
#
# Needs cargo, node and npm (npm ci installs the pinned build tools into
# bindings/node/node_modules). Prints the tarball's path last.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ $# -eq 1 ] || { echo "usage: bindings/node/pack.sh OUTDIR" >&2; exit 2; }
mkdir -p "$1"
out="$(cd "$1" && pwd)"
cd "$here"
[ -x node_modules/.bin/tsc ] || npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
./build.sh >&2
# Symbols are not needed to run the addon (a third of its size).
strip --strip-unneeded picket.linux-x64-gnu.node
# The glibc the addon needs is the newest symbol version it references; the loader
# (src/native.ts, GLIBC_FLOOR) refuses older systems with a message rather than a
# dynamic-linker error. Fail here if a build raised it.
floor="$(node -p 'require("./dist/native.js").GLIBC_FLOOR')"
needed="$(objdump -T picket.linux-x64-gnu.node | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n1)"
if [ "$needed" != "$floor" ]; then
  echo "pack.sh: the addon needs glibc $needed but GLIBC_FLOOR in src/native.ts says $floor" >&2
  exit 1
fi
tarball="$(npm pack --silent --pack-destination "$out")"
echo "$out/$tarball"
