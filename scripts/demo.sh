#!/usr/bin/env bash
# The main job: builds picket-server (server/, over the Go binding) and serves on
# 127.0.0.1:8080 with its SQLite store in ./picket-data (created on first start). The first
# start creates "My First Project" and prints its publishable and secret keys once, with
# curl lines to try; later starts keep them. It prints the dashboard's URL
# (http://127.0.0.1:8080/dashboard/: sign up there for an account of your own). Ctrl-C stops it.
#
#   scripts/demo.sh                                 # 127.0.0.1:8080, ./picket-data
#   scripts/demo.sh -addr 127.0.0.1:0 -data /tmp/p  # any free port, another data directory
#   scripts/demo.sh key list -project 1             # any operator subcommand (server/API.md)
#   scripts/demo.sh --tour                          # instead: a printed walk through picket-core
#
# It says what it is doing on stderr while it builds (a line per step and the builds' own
# progress: a first run compiles for a minute or two); the server's own output follows.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
step() { printf 'demo.sh: %s\n' "$*" >&2; }
"$repo/scripts/prereqs.sh" demo || exit 1
if [ "${1:-}" = "--tour" ]; then
  cd "$repo"
  step "building and running the tour of picket-core (cargo run --release -p picket-core --example tour)"
  exec cargo run --release -p picket-core --example tour
fi
step "building libpicket (cargo build --release -p picket-ffi) and installing it into target/prefix"
PICKET_BUILD_PROGRESS=1 . "$repo/scripts/libpicket-env.sh"
bin="$repo/target/picket-server"
step "building picket-server (go build ./cmd/picket-server in server/; Go prints each package it compiles)"
(cd "$repo/server" && go build -v -o "$bin" ./cmd/picket-server 2>&1 | sed 's/^/  go: /' >&2)
step "starting $bin $*"
exec "$bin" "$@"
