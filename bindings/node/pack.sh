#!/usr/bin/env bash
# Builds the npm package of picket-node, with the prebuilt addon for linux-x64 (glibc 2.17
# and newer) inside, into OUTDIR: OUTDIR/picket-node-VERSION.tgz (npm pack). Installing it
# needs no Rust toolchain. Called by `make dist`.
#
#   bindings/node/pack.sh OUTDIR
#
# Needs cargo, node and npm (npm ci installs the pinned build tools into
# bindings/node/node_modules) and the release's zig toolchain (build.sh; scripts/tools.sh
# dist-venv installs it into target/dist-venv on first use). Prints the tarball's path last.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ $# -eq 1 ] || { echo "usage: bindings/node/pack.sh OUTDIR" >&2; exit 2; }
mkdir -p "$1"
out="$(cd "$1" && pwd)"
cd "$here"
./build.sh >&2
# The glibc the addon needs is the newest symbol version it references: built by zig cc
# for glibc_floor (scripts/dist/common.sh: 2.17, manylinux2014, as every other artifact),
# it must need no newer one, and the loader (src/native.ts, GLIBC_FLOOR) refuses systems
# older than that floor with a message rather than a dynamic-linker error.
. "$here/../../scripts/dist/common.sh"
loader_floor="$(node -p 'require("./dist/native.js").GLIBC_FLOOR')"
[ "$loader_floor" = "$glibc_floor" ] ||
  { echo "pack.sh: GLIBC_FLOOR in src/native.ts is $loader_floor, the release's floor is $glibc_floor (scripts/dist/common.sh)" >&2; exit 1; }
needed="$(check_glibc picket.linux-x64-gnu.node)"
echo "pack.sh: picket.linux-x64-gnu.node: $(stat -c %s picket.linux-x64-gnu.node) bytes, newest glibc symbol GLIBC_$needed (floor $glibc_floor)" >&2
tarball="$(npm pack --silent --pack-destination "$out")"
echo "$out/$tarball"
