#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: loopback only, trust auth, data in a temporary
# directory. Installs the Debian `postgresql` package only when no server binary is found.
#
#   scripts/pg.sh start   # idempotent; prints the URL
#   scripts/pg.sh url     # prints the URL (postgres://postgres@127.0.0.1:55432/picket?sslmode=disable)
#   scripts/pg.sh stop    # stops the server and deletes its data; idempotent
#   scripts/pg.sh newdb NAME   # (re)creates an empty database NAME on the running server; prints its URL
#   scripts/pg.sh halt    # stops the server, keeping its data (start brings it back): an outage
#   scripts/pg.sh freeze  # SIGSTOPs the server and every backend: a hung server (TCP still accepts)
#   scripts/pg.sh thaw    # SIGCONTs them
#   scripts/pg.sh sql NAME STATEMENT   # runs STATEMENT on database NAME; prints its rows (psql -tA)
#
# Environment: PICKET_PG_PORT (default 55432), PICKET_PG_DIR (default /tmp/picket-pg-$PORT).
# The server runs as the `postgres` OS user because initdb refuses root (CI runs as root).
set -euo pipefail

port=${PICKET_PG_PORT:-55432}
dir=${PICKET_PG_DIR:-/tmp/picket-pg-$port}
db=picket
url="postgres://postgres@127.0.0.1:$port/$db?sslmode=disable"

# find_bin prints the directory of the newest installed PostgreSQL server binaries, if any.
find_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/postgres" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

# as_pg runs a command as the postgres OS user when we are root, as ourselves otherwise.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    # runuser keeps no controlling terminal requirement and needs no password.
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

ensure_installed() {
  if ! find_bin >/dev/null; then
    echo "pg.sh: no PostgreSQL server found; installing the Debian package" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    # The package creates and starts a cluster on the default port; this script uses its
    # own cluster on $port, so the packaged one is left alone.
  fi
  find_bin >/dev/null || { echo "pg.sh: PostgreSQL server binaries still missing" >&2; exit 1; }
  id postgres >/dev/null 2>&1 || { echo "pg.sh: no postgres OS user" >&2; exit 1; }
}

running() {
  local bin
  bin=$(find_bin) || return 1
  [ -f "$dir/data/PG_VERSION" ] && as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

start() {
  ensure_installed
  local bin
  bin=$(find_bin)
  if running; then
    echo "$url"
    return 0
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    chown postgres: "$dir" 2>/dev/null || true
    as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  # Loopback only, socket in our own directory (not /var/run/postgresql, which may not exist).
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200" start >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }
  if ! as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$db'" postgres | grep -q 1; then
    as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db"
  fi
  echo "$url"
}

stop() {
  local bin
  if bin=$(find_bin) && [ -f "$dir/data/PG_VERSION" ]; then
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

# halt stops the server (fast: sessions are ended) and keeps its data.
halt() {
  local bin
  bin=$(find_bin) || { echo "pg.sh: no PostgreSQL server found" >&2; exit 1; }
  running || { echo "pg.sh: not running" >&2; exit 1; }
  as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
}

# signal_all SIG: the postmaster (from postmaster.pid), then its children (the backends,
# the checkpointer, the WAL writer...): SIGSTOP freezes them, SIGCONT lets them go on.
signal_all() {
  local pid
  pid=$(head -1 "$dir/data/postmaster.pid" 2>/dev/null) || { echo "pg.sh: not running" >&2; exit 1; }
  kill "-$1" "$pid"
  local stat fields
  for stat in /proc/[0-9]*/stat; do
    # After the command name's closing parenthesis: state, then the parent's pid.
    fields=$(sed 's/^.*) //' "$stat" 2>/dev/null) || continue
    read -r _ ppid _ <<<"$fields"
    if [ "$ppid" = "$pid" ]; then
      stat=${stat#/proc/}
      kill "-$1" "${stat%/stat}" 2>/dev/null || true
    fi
  done
}

# newdb drops and creates database $1 so that a test starts on an empty store.
newdb() {
  local name=$1 bin
  [[ "$name" =~ ^[a-z][a-z0-9_]{0,62}$ ]] || { echo "pg.sh: bad database name: $name" >&2; exit 2; }
  bin=$(find_bin) || { echo "pg.sh: no PostgreSQL server found" >&2; exit 1; }
  running || { echo "pg.sh: not running (scripts/pg.sh start)" >&2; exit 1; }
  PGOPTIONS="-c client_min_messages=warning" as_pg "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 postgres \
    -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name" >/dev/null
  echo "postgres://postgres@127.0.0.1:$port/$name?sslmode=disable"
}

# sql runs statement $2 on database $1 (a test that sets up what no API makes, such as a
# store from a newer picket-server) and prints its rows, unaligned.
sql() {
  local name=$1 bin
  [[ "$name" =~ ^[a-z][a-z0-9_]{0,62}$ ]] || { echo "pg.sh: bad database name: $name" >&2; exit 2; }
  bin=$(find_bin) || { echo "pg.sh: no PostgreSQL server found" >&2; exit 1; }
  running || { echo "pg.sh: not running (scripts/pg.sh start)" >&2; exit 1; }
  as_pg "$bin/psql" -q -tA -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 "$name" -c "$2"
}

case "${1:-}" in
  start) start ;;
  newdb) [ $# = 2 ] || { echo "usage: scripts/pg.sh newdb NAME" >&2; exit 2; }; newdb "$2" ;;
  stop) stop ;;
  url) echo "$url" ;;
  halt) halt ;;
  freeze) signal_all STOP ;;
  thaw) signal_all CONT ;;
  sql) [ $# = 3 ] || { echo "usage: scripts/pg.sh sql NAME STATEMENT" >&2; exit 2; }; sql "$2" "$3" ;;
  *) echo "usage: scripts/pg.sh start|stop|url|newdb NAME|halt|freeze|thaw|sql NAME STATEMENT" >&2; exit 2 ;;
esac
