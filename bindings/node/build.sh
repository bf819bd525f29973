#!/usr/bin/env bash
# Builds the package in place: the addon (cargo, release), copied to
# picket.linux-x64-gnu.node, then the JavaScript and its types (tsc) into dist/, and the
# ESM entry point (scripts/esm.js). Needs `npm ci` first (install.sh does both).
#
#   bindings/node/build.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"

(cd "$repo" && cargo build --release -p picket-node)
cp "$target/release/libpicket_node.so" "$here/picket.linux-x64-gnu.node"
rm -rf "$here/dist"
"$here/node_modules/.bin/tsc" -p "$here/tsconfig.json"
chmod +x "$here/dist/vectors-cli.js"
node "$here/scripts/esm.js"
