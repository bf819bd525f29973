#!/usr/bin/env bash
# Tests picket-server with real parts: builds the server and the Go clients into a temporary
# directory, makes sure a PostgreSQL server is running (scripts/pg.sh, unless
# PICKET_TEST_POSTGRES_URL is already set), then
#   1. pytest test_*.py: the PKCE flow driven by Node, curl, Python and Go; restart
#      persistence; bad input; two processes on one PostgreSQL; the README's curl lines;
#      operations (a hung or stopped store, a store from a newer server, the connection
#      cap, the log, SIGTERM, memory through 100 changes at 100,000 keys) and
#      faults (SIGKILL in a burst of writes, a PostgreSQL outage under load, the CLI beside
#      the server); each on SQLite and on PostgreSQL where it applies, every test on an
#      empty store;
#   2. picket-load against a server on SQLite, then on PostgreSQL: bounded, fails on any
#      error or lost write; then an authorize flood (PICKET_FLOOD_SECONDS, default 15) that
#      fails when the codes table outgrows what retention allows.
#
#   server/tests/run.sh                       # load for 30 s per store (the README's figures)
#   PICKET_LOAD_SECONDS=5 server/tests/run.sh
#   PICKET_FLOOD_SECONDS=150 PICKET_LOAD_CODE_TTL=60 PICKET_LOAD_SWEEP=10 server/tests/run.sh --only load
#                                             # the flood with the server's default lifetimes
#   server/tests/run.sh --only pytest|load    # one part (while working on it)
#
# Loopback ports $PICKET_TEST_PORT_BASE (default 18350) to base+49 only; PostgreSQL from
# scripts/pg.sh (127.0.0.1:${PICKET_PG_PORT:-55432}).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
load_seconds="${PICKET_LOAD_SECONDS:-30}"
flood_seconds="${PICKET_FLOOD_SECONDS:-15}"
# The load server's code lifetime and retention interval, in seconds (the flood's bound is
# codes/s x their sum): short by default so that CI sees the bound within seconds; the
# server's defaults are 60 and 10.
code_ttl="${PICKET_LOAD_CODE_TTL:-5}"
sweep="${PICKET_LOAD_SWEEP:-1}"
load_clients="${PICKET_LOAD_CLIENTS:-16}"
port_base="${PICKET_TEST_PORT_BASE:-18350}"
only=all
case "${1:-}" in
  "") ;;
  --only) only=${2:?--only pytest|load} ;;
  *) echo "usage: server/tests/run.sh [--only pytest|load]" >&2; exit 2 ;;
esac

step() { printf '\n==> %s\n' "$*"; }

tmp=$(mktemp -d)
pids=()
started_pg=0
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  [ "$started_pg" = 1 ] && "$repo/scripts/pg.sh" stop || true
  rm -rf "$tmp"
}
trap cleanup EXIT

step "Build picket-server, the Go flow client and picket-load"
# shellcheck source=../../scripts/libpicket-env.sh
. "$repo/scripts/libpicket-env.sh"
(cd "$repo/server" &&
  go build -o "$tmp/bin/picket-server" ./cmd/picket-server &&
  go build -o "$tmp/bin/goflow" ./tests/goflow &&
  go build -o "$tmp/bin/picket-load" ./cmd/picket-load &&
  go vet ./tests/... ./cmd/picket-load)
export PICKET_SERVER_BIN="$tmp/bin/picket-server" PICKET_GOFLOW_BIN="$tmp/bin/goflow"

step "PostgreSQL"
if [ -z "${PICKET_TEST_POSTGRES_URL:-}" ]; then
  PICKET_TEST_POSTGRES_URL=$("$repo/scripts/pg.sh" start)
  started_pg=1
fi
export PICKET_TEST_POSTGRES_URL
echo "$PICKET_TEST_POSTGRES_URL"
# Each test gets its own database through scripts/pg.sh newdb: that must be the same server.
pg_addr() { sed -n 's#^postgres[a-z]*://[^@]*@\([^/]*\)/.*#\1#p' <<<"$1"; }
if [ "$(pg_addr "$PICKET_TEST_POSTGRES_URL")" != "$(pg_addr "$("$repo/scripts/pg.sh" url)")" ]; then
  echo "PICKET_TEST_POSTGRES_URL is not the server scripts/pg.sh runs ($("$repo/scripts/pg.sh" url))" >&2
  exit 1
fi

step "Client runtimes"
node -e 'if (+process.versions.node.split(".")[0] < 18) { console.error("node >= 18 needed (fetch)"); process.exit(1) }'
node --version
# Python: the project's venv (scripts/tools.sh: pytest, httpx, mypy, ruff, pinned), also the
# Python flow client's interpreter (test_flows.py runs $PYTHON).
python="$("$repo/scripts/tools.sh" python-venv)/bin/python"
export PYTHON="$python"
"$python" -c 'import httpx; print("httpx", httpx.__version__)'
curl --version | head -1
(cd "$here" && "$python" -m ruff check --no-cache . && "$python" -m ruff format --no-cache --check . &&
  "$python" -m mypy --strict --cache-dir "$tmp/mypy" harness.py conftest.py projects.py flow.py test_*.py)

cd "$here"
if [ "$only" != load ]; then
  step "Real-part tests (pytest: SQLite and PostgreSQL, real processes and clients)"
  status=0
  PICKET_TEST_NOTES="$tmp/notes" PYTHONDONTWRITEBYTECODE=1 \
    "$python" -m pytest -q -p no:cacheprovider -rs test_*.py || status=$?
  if [ $status -eq 5 ]; then echo "pytest collected no tests: that is a failure" >&2; exit 1; fi
  [ $status -eq 0 ] || exit $status
  cat "$tmp/notes" 2>/dev/null || true
fi
[ "$only" != pytest ] || { step "Server tests passed (pytest only)"; exit 0; }

# start_server PORT STOREFLAGS...: starts picket-server on an empty store in the background,
# waits for its "listening on" line; sets srv_pid and srv_log.
start_server() {
  local port=$1
  shift
  srv_log="$tmp/server-$port.log"
  "$PICKET_SERVER_BIN" serve -addr "127.0.0.1:$port" "$@" >"$srv_log" 2>"$srv_log.err" &
  srv_pid=$!
  pids+=("$srv_pid")
  for _ in $(seq 1 300); do
    grep -q "^listening on http://127.0.0.1:$port" "$srv_log" && return 0
    kill -0 "$srv_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "picket-server did not start:" >&2
  cat "$srv_log" "$srv_log.err" >&2
  return 1
}

stop_server() {
  kill "$srv_pid" && wait "$srv_pid" || { echo "picket-server did not exit cleanly" >&2; return 1; }
}

# The load server's explicit limits. picket-load's clients are legitimate but all share one
# address (loopback) and one client_id, and it rolls a key every 100 ms with a 10-minute
# grace (~10 more live keys each second): the per-address and per-client rate limits of
# authorize and token, and the live-key quota, are lifted for it (the failed-authentication
# and per-project management limits stay at their defaults). Codes live $code_ttl s and the
# retention sweeper runs every $sweep s, so that the flood shows its bound within seconds:
# the codes issued within code_ttl + 2 x sweep + 1 s, which picket-load checks (-flood-window).
load_limits=(-max-keys-per-project 0 -rate-authorize-per-address 0 -rate-authorize-per-client 0
  -rate-token-per-address 0 -rate-token-per-client 0 -code-ttl "${code_ttl}s" -retention-interval "${sweep}s"
  -metrics-addr 127.0.0.1:0)

# load NAME PORT STOREFLAGS...: picket-load against a fresh server on that store.
load() {
  local name=$1 port=$2
  shift 2
  start_server "$port" "$@" "${load_limits[@]}"
  PICKET_PK=$(grep -o 'pk_[0-9a-f]\{32\}' "$srv_log" | head -1) \
  PICKET_SK=$(grep -o 'sk_[0-9a-f]\{32\}' "$srv_log" | head -1) \
    "$tmp/bin/picket-load" -url "http://127.0.0.1:$port" -redirect http://localhost:3000/callback \
      -duration "${load_seconds}s" -clients "$load_clients" -label "$name" \
      -flood "${flood_seconds}s" -flood-window "$((code_ttl + 2 * sweep + 1))s" \
      -metrics "$(sed -n 's#^metrics on \(http://[^ ]*\)$#\1#p' "$srv_log")" | tee "$tmp/load-$name.txt"
  stop_server
  if grep -q 'sk_[0-9a-f]\{32\}' "$srv_log.err"; then
    echo "a secret key appeared in the server's log" >&2
    return 1
  fi
}

step "Load: ${load_seconds}s, $load_clients clients, keys rolled during the run, then a ${flood_seconds}s authorize flood (SQLite)"
load sqlite $((port_base + 40)) -data "$tmp/load-data"
step "Load: ${load_seconds}s, $load_clients clients, keys rolled during the run, then a ${flood_seconds}s authorize flood (PostgreSQL)"
load postgres $((port_base + 41)) -db "$("$repo/scripts/pg.sh" newdb picket_load)"

step "picket-changes runs (server/bench-changes.sh --quick: SQLite, 200 projects; the figures come from a full run)"
"$repo/server/bench-changes.sh" --quick

step "The slow-body measurement runs (server/tests/measure_slow_bodies.py, 64 connections at -max-conns 32; the README's figures come from a run of 4,096 at the default cap)"
slow="$("$python" "$repo/server/tests/measure_slow_bodies.py" "$PICKET_SERVER_BIN" $((port_base + 42)) 64 -max-conns 32)"
echo "$slow"
# The share of -max-conns 32 is 4: the rest refused at once, the client of 127.0.0.1 served.
grep -q '^64 connections: 4 held' <<<"$slow" || { echo "FAIL: measure_slow_bodies.py: not 4 of 64 held" >&2; exit 1; }
grep -q 'a client of 127.0.0.1: HTTP/1.1 200' <<<"$slow" || { echo "FAIL: measure_slow_bodies.py: the other client was not served" >&2; exit 1; }

step "Server tests passed"
