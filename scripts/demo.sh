#!/usr/bin/env bash
# The main job: builds picket-server (server/, over the Go binding) and serves on
# 127.0.0.1:8080 with its SQLite store in ./picket-data (created on first start). The first
# start creates "My First Project" and prints its publishable and secret keys once, with
# curl lines to try; later starts keep them. Ctrl-C stops it.
#
#   scripts/demo.sh                                 # 127.0.0.1:8080, ./picket-data
#   scripts/demo.sh -addr 127.0.0.1:0 -data /tmp/p  # any free port, another data directory
#   scripts/demo.sh key list -project 1             # any operator subcommand (server/API.md)
#   scripts/demo.sh --tour                          # instead: a printed walk through picket-core
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
if [ "${1:-}" = "--tour" ]; then
  cd "$repo"
  exec cargo run -q --release -p picket-core --example tour
fi
. "$repo/scripts/libpicket-env.sh"
bin="$repo/target/picket-server"
(cd "$repo/server" && go build -o "$bin" ./cmd/picket-server)
exec "$bin" "$@"
