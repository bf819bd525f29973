#!/usr/bin/env bash
# Tests the Node binding (picket-node): installs the pinned npm dependencies (npm ci into
# bindings/node/node_modules), builds the addon and the JavaScript (build.sh), checks the
# declarations as ESM and CommonJS consumers see them (tsc; moduleResolution nodenext,
# node16 and bundler), runs the tests (node --test: API, registry, misuse with worker
# threads, real Express and Fastify servers, pino) under this Node and 18, 22 and 24, the
# shared vectors through the picket-vectors bin (and a file with failures, whose tally
# must equal the C ABI runner's), the benchmark once without timing, and the README's Node
# quick start from the packed tarball with no Rust on PATH (test/install.sh).
#
#   bindings/node/test.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$here"

step() { printf '\n==> %s\n' "$*"; }

step "node $(node --version), npm $(npm --version): npm ci (package-lock.json) into bindings/node/node_modules"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

step "Build: the addon (cargo-zigbuild, dist profile, glibc 2.17) and dist/ (tsc, ESM entry)"
./build.sh

step "Types: the declarations as an ESM and a CommonJS consumer see them (tsc --noEmit), with moduleResolution nodenext, node16 and bundler"
for config in tsconfig tsconfig.node16 tsconfig.bundler; do
  node_modules/.bin/tsc -p "test/types/$config.json"
done

step "node --test ($(node --version))"
# The files by name: Node 22 and later take the arguments of --test as files or globs, not
# directories.
node --expose-gc --test test/*.test.mjs

for version in $(test/nodes.sh); do
  step "node --test under Node $version (test/nodes.sh)"
  "$(test/nodes.sh "$version")" --expose-gc --test test/*.test.mjs
done

step "Vectors through picket-vectors: every shared file"
node dist/vectors-cli.js "$repo"/tests/vectors/*.jsonl

step "Vectors: a file with failures gives the C ABI runner's tally"
mine=$(node dist/vectors-cli.js test/fixtures/mixed.jsonl | tail -n1 || true)
theirs=$(cd "$repo" && cargo run -q --release -p picket-ffi --example vectors -- bindings/node/test/fixtures/mixed.jsonl | tail -n1 || true)
echo "node: $mine; C ABI: $theirs"
[ "$mine" = "$theirs" ] && [ -n "$mine" ]

step "Benchmark once (no timing) and its JSON form"
node bench/bench.mjs --quick
node bench/bench.mjs --json --repeat 1 --number 1 | node -e '
const rows = require("node:fs").readFileSync(0, "utf8").trim().split("\n").map((l) => JSON.parse(l));
const keys = "figure,note,reference,target_ratio,unit,value";
const names = new Set(rows.map((r) => r.figure));
if (!rows.length || !rows.every((r) => Object.keys(r).sort().join() === keys && r.unit === "ns" && Number.isFinite(r.value)
    && (r.reference === null || names.has(r.reference))) || names.size !== rows.length) {
  console.error(rows); process.exit(1);
}
console.log(`bench --json: ${rows.length} figures, well formed`);'

step "Pack (pack.sh) and install as the README's Node quick start says, without Rust on PATH"
test/install.sh

echo
echo "Node binding: all checks passed"
