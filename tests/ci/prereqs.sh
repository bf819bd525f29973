#!/usr/bin/env bash
# scripts/test.sh on a machine that lacks one of the README's prerequisites stops at once,
# before it builds or installs anything, with one line naming what is missing and the command
# that installs it (scripts/prereqs.sh), rather than failing minutes in.
#
#   tests/ci/prereqs.sh      from anywhere; a few seconds (nothing is built)
#
# For each prerequisite found through PATH (Rust, Go, a C compiler, make, Python 3 and its
# C headers, Node and npm, pkg-config, valgrind, curl, openssl, git): a PATH of one directory that links
# every command of the caller's PATH but that one (for the headers, a python3 that answers
# as though Python.h were absent), then scripts/test.sh: exit 1 within 10 s, exactly one
# "missing prerequisite:" line, which names it and an install command, and no step started.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# Every command of PATH, the first of each name, linked into one directory.
farm="$work/bin"
mkdir -p "$farm"
IFS=: read -r -a path_dirs <<<"$PATH"
for dir in "${path_dirs[@]}"; do
  [ -d "$dir" ] || continue
  for cmd in "$dir"/*; do
    [ -x "$cmd" ] && [ ! -d "$cmd" ] && [ ! -e "$farm/${cmd##*/}" ] && ln -s "$cmd" "$farm/${cmd##*/}"
  done
done

# without TOOL NAME-RE [REPLACEMENT]: scripts/test.sh with TOOL gone from the farm (or
# replaced by the script REPLACEMENT) must stop at once naming NAME-RE.
without() {
  local tool=$1 name=$2 replacement=${3:-} started elapsed status=0
  [ -e "$farm/$tool" ] || fail "$tool is not on this machine's PATH: the test needs every prerequisite"
  mv "$farm/$tool" "$work/held"
  if [ -n "$replacement" ]; then printf '%s\n' "$replacement" >"$farm/$tool" && chmod +x "$farm/$tool"; fi
  started=$(date +%s)
  env -i HOME="$HOME" PATH="$farm" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" \
    CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" "$(command -v timeout)" -k 5 20 "$repo/scripts/test.sh" >"$work/out" 2>&1 ||
    status=$? # stopped after 20 s if the check let it through (124)
  elapsed=$(($(date +%s) - started))
  rm -f "$farm/$tool"
  mv "$work/held" "$farm/$tool"
  [ "$status" = 1 ] || { cat "$work/out" >&2; fail "without $tool: scripts/test.sh exited $status, not 1"; }
  [ "$elapsed" -le 10 ] || fail "without $tool: scripts/test.sh took ${elapsed}s to stop"
  if grep -q '^==>' "$work/out"; then cat "$work/out" >&2; fail "without $tool: a step started"; fi
  [ "$(grep -c '^missing prerequisite:' "$work/out")" = 1 ] ||
    { cat "$work/out" >&2; fail "without $tool: not exactly one 'missing prerequisite:' line"; }
  grep -Eq "^missing prerequisite: $name.* — install: .+" "$work/out" ||
    { cat "$work/out" >&2; fail "without $tool: the line does not name $name and an install command"; }
  ok "without $tool (${elapsed}s): $(grep '^missing prerequisite:' "$work/out")"
}

without cargo 'Rust'
without go 'Go 1.26'
without cc 'a C compiler'
without make 'make'
without python3 'Python 3.9'
real_python3="$(readlink -f "$farm/python3")"
without python3 'Python.h' "#!/bin/sh
case \"\$*\" in *Python.h*) exit 1 ;; esac
exec $real_python3 \"\$@\""
without node 'Node.js 18'
without npm 'npm'
without pkg-config 'pkg-config'
without valgrind 'valgrind'
without curl 'curl'
without openssl 'openssl'
without git 'git'

echo "$passed passed, 0 failed"
