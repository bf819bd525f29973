# Sourced by the install tests (tests/install/*.sh) and tests/consumer/run.sh: a user's
# machine without the checkout.
#
#   repo                         the checkout
#   need_dist                    sets dist: DIST, default the checkout's dist/ (`make dist`)
#   version, abi                 Cargo.toml's version; the SONAME's part (libpicket.so.$abi)
#   work                         a new temporary directory outside the checkout, removed on
#                                exit; HOME is $work/home (so pip, go and cargo caches start empty)
#   user_path [TOOL...]          sets PATH to the system directories and Go's, without
#                                cargo, rustc, rustup and each TOOL (a stub that fails and
#                                records the call shadows one found there anyway);
#                                no_stub_called checks none was called
#   block FILE HEADING LANG [N]  the Nth (default 1st) ```LANG block of `## HEADING` in FILE
#                                (tests/readme/blocks.py: fails when there is none)
#   run_block DIR FILE           runs FILE's lines with bash -e in DIR (`make` lines in the
#                                checkout), printing each
#   ok TEXT / die TEXT / say TEXT
#   on_exit COMMAND              run COMMAND (a string) on exit, before $work is removed
#   serve PROGRAM / stop         starts PROGRAM with ADDR=127.0.0.1:$port (the README's Go
#                                program) and waits until $url answers; stops it
#   expect STATUS BODY-RE ARGS   one curl request to $url; its status and body must match
#   sk, pk                       the README's secret and publishable keys
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# need_dist: sets dist, or stops when there is none.
need_dist() {
  dist="$(cd "${DIST:-$repo/dist}" 2>/dev/null && pwd)" || {
    echo "FAILED: no ${DIST:-$repo/dist}: run make dist first" >&2
    exit 1
  }
}
version="$(sed -n 's/^version = "\([0-9.]*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)"
IFS=. read -r _major _minor _ <<<"$version"
if [ "$_major" = 0 ]; then abi="0.$_minor"; else abi="$_major"; fi # the SONAME's: libpicket.so.$abi
unset _major _minor

checks=0
ok() { checks=$((checks + 1)); echo "ok: $*"; }
die() { echo "FAILED: $*" >&2; exit 1; }
say() { printf '\n==> %s\n' "$*"; }

work="$(mktemp -d)"
case "$work/" in "$repo"/*) die "the temporary directory $work is inside the checkout" ;; esac
_exit_hooks=(true)
on_exit() { _exit_hooks+=("$1"); }
_cleanup() {
  local hook
  for hook in "${_exit_hooks[@]}"; do eval "$hook" || true; done
  chmod -R u+w "$work" 2>/dev/null || true # Go's module cache is read-only
  rm -rf "$work"
}
trap _cleanup EXIT

# The toolchains keep their own homes (Go's build cache may be shared with the caller's:
# it holds nothing a test fetches); HOME is the user's new one, so that pip's cache and Go's
# module cache start empty.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
GOCACHE="$(go env GOCACHE 2>/dev/null || true)"
export GOCACHE
export HOME="$work/home"
mkdir -p "$HOME"
unset PKG_CONFIG_PATH CGO_CFLAGS CGO_LDFLAGS LD_LIBRARY_PATH LIBRARY_PATH C_INCLUDE_PATH CPATH \
  GOFLAGS GOPATH GOMODCACHE GOPROXY GONOSUMDB GOPRIVATE PYTHONPATH VIRTUAL_ENV CARGO_TARGET_DIR

# user_path [TOOL...]: a PATH without the Rust toolchain (and without each TOOL): the
# system directories and Go's. A tool found there anyway (e.g. Debian's cargo) is shadowed
# by a stub that fails and records the call; no_stub_called then checks none was made.
user_path() {
  local stubs="$work/stubs" tool go_dir
  mkdir -p "$stubs"
  go_dir="$(dirname "$(readlink -f "$(command -v go)")")"
  export PATH="$stubs:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$go_dir"
  for tool in cargo rustc rustup "$@"; do
    command -v "$tool" >/dev/null || continue
    printf '#!/bin/sh\necho "%s $*" >>"%s"\necho "%s: not installed on this machine (install test)" >&2\nexit 127\n' \
      "$tool" "$work/stub-calls" "$tool" >"$stubs/$tool"
    chmod +x "$stubs/$tool"
    [ "$(command -v "$tool")" = "$stubs/$tool" ] || die "$tool is not the stub on PATH"
  done
}
no_stub_called() {
  if [ -s "$work/stub-calls" ]; then die "called, though not installed: $(cat "$work/stub-calls")"; fi
}

# The caller's python3 (a README prerequisite), found before user_path narrows PATH.
_python3="$(command -v python3)"
block() { "$_python3" "$repo/tests/readme/blocks.py" "$1" "## $2" "$3" "${4:-1}"; }

run_block() {
  local dir="$1" script="$work/run-block.sh"
  {
    echo 'set -euo pipefail'
    while IFS= read -r line; do
      [ -n "$line" ] || continue
      printf 'echo %q\n' "\$ $line"
      case "$line" in
        make\ *) printf 'cd %q\n' "$repo" ;;
        *) printf 'cd %q\n' "$dir" ;;
      esac
      printf '%s\n' "$line"
    done <"$2"
  } >"$script"
  bash "$script"
}

# The README's keys (the Go quick start's main.go registers both for project 1).
sk=sk_e1f767d29fa6e533f2e5c62342fb9e24
pk=pk_d9960d04426c1e9f3941bec7e39c8854

server_pid=""
on_exit 'if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi'
serve() {
  ADDR="127.0.0.1:$port" "$@" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    curl -s -o /dev/null "$url" && return 0
    kill -0 "$server_pid" 2>/dev/null || die "$1 exited: $(cat "$work/server.log")"
    sleep 0.1
  done
  die "$1 does not answer on 127.0.0.1:$port"
}
stop() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }
expect() {
  local want="$1" body="$2" got
  shift 2
  got="$(curl -s -D "$work/headers" -o "$work/body" -w '%{http_code}' "$@" "$url")"
  [ "$got" = "$want" ] || die "curl $* -> $got, want $want: $(cat "$work/body")"
  grep -Eq "$body" "$work/body" || die "curl $* -> body $(cat "$work/body"), want /$body/"
}
