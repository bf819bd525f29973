#!/usr/bin/env bash
# CI's clean room (.ci/run) is what it says: a hand-installed tool cannot make CI green.
#
#   tests/ci/run.sh          from anywhere; about a second (no build)
#
# 1. The room, as `.ci/run -- COMMAND` makes it: HOME is a new, empty directory; PATH holds
#    only the system directories and the named toolchains' (rustup's commands, Go's); the
#    environment holds only the variables .ci/run sets (nothing of the caller's, e.g.
#    PYTHONPATH or a VIRTUAL_ENV, passes); and the room is removed afterwards.
# 2. The check at the start of the room: each tool the README does not name (patchelf,
#    cbindgen, cargo-fuzz, auditwheel, pytest, maturin, zig, cargo-zigbuild), put on PATH
#    one at a time as a stub, and pytest importable by python3, stops the run with exit 1 and
#    a line naming it, before COMMAND runs; without them the same check passes.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. The room itself.
# (Without PICKET_CI_CLEAN_ROOM: in CI this runs inside the room already, where .ci/run
# would otherwise take itself to be in its room and make no new one.)
env -u PICKET_CI_CLEAN_ROOM -u PICKET_CI_START PYTHONPATH=/caller VIRTUAL_ENV=/caller GOFLAGS=-caller "$repo/.ci/run" -- \
  bash -c 'echo "home=$HOME"; echo "entries=$(ls -A "$HOME" | wc -l)"; echo "path=$PATH"; echo "env=$(env | cut -d= -f1 | sort | tr "\n" " ")"' \
  >"$work/room.txt" 2>&1 || { cat "$work/room.txt" >&2; fail ".ci/run -- bash -c ... failed"; }
home="$(sed -n 's/^home=//p' "$work/room.txt")"
case "$home" in /tmp/picket-ci.*/home) ;; *) fail "HOME in the room is $home, not a new /tmp/picket-ci.*/home" ;; esac
grep -qx 'entries=0' "$work/room.txt" || fail "HOME in the room was not empty: $(grep '^entries=' "$work/room.txt")"
[ ! -e "$home" ] || fail "the room $home was left behind"
ok "HOME is a new empty directory ($home), removed afterwards"
path="$(sed -n 's/^path=//p' "$work/room.txt")"
IFS=: read -r -a dirs <<<"$path"
for dir in "${dirs[@]}"; do
  case "$dir" in
    /tmp/picket-ci.*/rust/bin | /usr/local/sbin | /usr/local/bin | /usr/sbin | /usr/bin | /sbin | /bin) ;;
    "$(dirname "$(readlink -f "$(command -v go)")")") ;;
    *) fail "the room's PATH holds $dir ($path)" ;;
  esac
done
ok "PATH holds only the system directories, rustup's commands and Go's: $path"
names="$(sed -n "s/^env=//p" "$work/room.txt")"
for name in $names; do
  case "$name" in
    HOME | PATH | RUSTUP_HOME | CARGO_HOME | LANG | USER | LOGNAME | TERM | CI | CARGO_TERM_COLOR | \
      PICKET_CI_CLEAN_ROOM | PICKET_CI_START | PWD | SHLVL | OLDPWD | _) ;;
    *) fail "the room's environment holds $name (all: $names)" ;;
  esac
done
ok "the environment holds only what .ci/run sets: $names"

# 2. The check, run as the room runs it (PICKET_CI_CLEAN_ROOM=1 skips the setup), on a PATH
# of the system directories plus one stub.
clean="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
check() { env -i PICKET_CI_CLEAN_ROOM=1 HOME="$work" PATH="$1" ${2:+PYTHONPATH="$2"} "$repo/.ci/run" -- true; }
check "$clean" >"$work/out" 2>&1 || { cat "$work/out" >&2; fail "the check fails on the system directories alone"; }
ok "the check passes on a PATH of the system directories"
for tool in patchelf cbindgen cargo-fuzz auditwheel pytest maturin zig cargo-zigbuild; do
  mkdir -p "$work/bin-$tool"
  printf '#!/bin/sh\necho "%s ran" >>"%s/ran"\n' "$tool" "$work" >"$work/bin-$tool/$tool"
  chmod +x "$work/bin-$tool/$tool"
  if check "$work/bin-$tool:$clean" >"$work/out" 2>&1; then fail "the check let $tool on PATH through"; fi
  grep -q "not named by the README: $tool ($work/bin-$tool/$tool)" "$work/out" ||
    { cat "$work/out" >&2; fail "the check failed without naming $tool"; }
done
[ ! -e "$work/ran" ] || fail "a stub ran: $(cat "$work/ran")"
ok "each of the 8 tools the README does not name, alone on PATH, stops the run naming it"
mkdir -p "$work/site/pytest"
: >"$work/site/pytest/__init__.py"
if check "$clean" "$work/site" >"$work/out" 2>&1; then fail "the check let an importable pytest through"; fi
grep -q 'not named by the README: pytest (python3 -m pytest)' "$work/out" || { cat "$work/out" >&2; fail "no line naming python3 -m pytest"; }
ok "pytest importable by python3 stops the run"

echo "$passed passed, 0 failed"
