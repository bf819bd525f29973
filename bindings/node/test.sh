#!/usr/bin/env bash
# Tests the Node binding (picket-node): installs the pinned npm dependencies (npm ci into
# bindings/node/node_modules), builds the addon and the JavaScript (build.sh), checks the
# declarations as ESM and CommonJS consumers see them (tsc), runs the tests (node --test:
# API, registry, misuse with worker threads, real Express and Fastify servers, pino), the
# shared vectors through the picket-vectors bin (and a file with failures, whose tally
# must equal the C ABI runner's).
#
#   bindings/node/test.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$here"

step() { printf '\n==> %s\n' "$*"; }

step "node $(node --version), npm $(npm --version): npm ci (package-lock.json) into bindings/node/node_modules"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

step "Build: the addon (cargo, release) and dist/ (tsc, ESM entry)"
./build.sh

step "Types: the declarations as an ESM and a CommonJS consumer see them (tsc --noEmit)"
node_modules/.bin/tsc -p test/types/tsconfig.json

step "node --test"
node --expose-gc --test test/

step "Vectors through picket-vectors: every shared file"
node dist/vectors-cli.js "$repo"/tests/vectors/*.jsonl

step "Vectors: a file with failures gives the C ABI runner's tally"
mine=$(node dist/vectors-cli.js test/fixtures/mixed.jsonl | tail -n1 || true)
theirs=$(cd "$repo" && cargo run -q --release -p picket-ffi --example vectors -- bindings/node/test/fixtures/mixed.jsonl | tail -n1 || true)
echo "node: $mine; C ABI: $theirs"
[ "$mine" = "$theirs" ] && [ -n "$mine" ]

echo
echo "Node binding: all checks passed"
