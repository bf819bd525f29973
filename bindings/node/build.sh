#!/usr/bin/env bash
# Builds the package in place: the addon, copied to picket.linux-x64-gnu.node, then the
# JavaScript and its types (tsc) into dist/, and the ESM entry point (scripts/esm.js).
# Runs `npm ci` first when the pinned build tools (package-lock.json) are not installed yet.
#
#   bindings/node/build.sh
#
# The addon is built the one way every native binary of a release is (scripts/dist/
# common.sh's zigbuild): cargo's dist profile (fat LTO, one codegen unit, symbols
# stripped), linked by zig cc for glibc 2.17, with the pinned tools of target/dist-venv
# (scripts/tools.sh dist-venv installs them on first use). So the addon the tests load is
# the one pack.sh ships, built once.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../../scripts/dist/common.sh"

[ -x "$here/node_modules/.bin/tsc" ] ||
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
zigbuild build -p picket-node
cp "$dist_built/libpicket_node.so" "$here/picket.linux-x64-gnu.node"
rm -rf "$here/dist"
"$here/node_modules/.bin/tsc" -p "$here/tsconfig.json"
chmod +x "$here/dist/vectors-cli.js"
node "$here/scripts/esm.js"
