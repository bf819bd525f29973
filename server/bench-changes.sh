#!/usr/bin/env bash
# server/bench-changes.sh: what a change to one project costs the other tenants, at
# 100,000 keys over 10,000 projects, with the registry updated project by project and
# rebuilt whole, on SQLite and on PostgreSQL (cmd/picket-changes says how).
#
#   server/bench-changes.sh                  both stores, the default sizes
#   server/bench-changes.sh -projects 1000   (more flags go to picket-changes)
#   server/bench-changes.sh --quick          SQLite, 200 projects, 1 s + 2 s a mode: a check
#                                            that it runs (server/tests/run.sh), no figures
#
# Builds picket-server and picket-changes into a temporary directory, each store empty
# (SQLite in a temporary directory; PostgreSQL from scripts/pg.sh, a fresh database), and
# prints one table per store. A timed run: run it alone (on a shared machine, under
# flock /work/tools/bench.lock server/bench-changes.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
tmp=$(mktemp -d)
started_pg=0
cleanup() {
  [ "$started_pg" = 1 ] && "$repo/scripts/pg.sh" stop || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# shellcheck source=../scripts/libpicket-env.sh
. "$repo/scripts/libpicket-env.sh"
(cd "$here" && go build -o "$tmp/picket-server" ./cmd/picket-server && go build -o "$tmp/picket-changes" ./cmd/picket-changes)

if [ "${1:-}" = --quick ]; then
  "$tmp/picket-changes" -server "$tmp/picket-server" -data "$tmp/sqlite" \
    -projects 200 -baseline 1s -duration 2s -clients 2
  exit
fi

echo "== SQLite"
"$tmp/picket-changes" -server "$tmp/picket-server" -data "$tmp/sqlite" "$@"

echo "== PostgreSQL"
if ! "$repo/scripts/pg.sh" url >/dev/null || ! "$repo/scripts/pg.sh" newdb picket_bench_changes >/dev/null 2>&1; then
  "$repo/scripts/pg.sh" start >/dev/null
  started_pg=1
fi
"$tmp/picket-changes" -server "$tmp/picket-server" -db "$("$repo/scripts/pg.sh" newdb picket_bench_changes)" "$@"
