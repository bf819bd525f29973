#!/usr/bin/env bash
# The main job: builds libpicket and starts the Picket-style API server on 127.0.0.1
# (bindings/go/cmd/picket-server). It creates "My First Project" with a publishable and a
# secret key, prints them with curl lines to try, and serves until Ctrl-C.
#
#   scripts/demo.sh                        # 127.0.0.1:8080
#   scripts/demo.sh -addr 127.0.0.1:0      # any free port
#   scripts/demo.sh --tour                 # instead: a printed walk through picket-core
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--tour" ]; then
  exec cargo run -q --release -p picket-core --example tour
fi
cargo build -q --release -p picket-ffi
cd bindings/go
exec go run ./cmd/picket-server "$@"
