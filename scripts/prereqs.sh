#!/usr/bin/env bash
# Checks, in a second, that this machine has every prerequisite the README names for
# scripts/test.sh and scripts/demo.sh; everything else the tests use is installed by the
# project's own scripts (scripts/tools.sh). Prints one line per missing prerequisite, with
# the command that installs it, and exits 1; prints nothing and exits 0 when all are there.
#
#   scripts/prereqs.sh           what scripts/test.sh needs (everything below)
#   scripts/prereqs.sh demo      what scripts/demo.sh needs (Rust, Go, a C compiler, make)
#
# The install commands are Debian/Ubuntu's (the README says what each is elsewhere).
set -uo pipefail

what=${1:-test}
missing=0
# need NAME INSTALL CHECK...: CHECK (a command) must succeed, else one line and a count.
need() {
  local name=$1 install=$2
  shift 2
  if ! "$@" >/dev/null 2>&1; then
    echo "missing prerequisite: $name — install: $install" >&2
    missing=$((missing + 1))
  fi
}
# at_least MAJOR MINOR VERSION: VERSION (X.Y...) is at least MAJOR.MINOR.
at_least() {
  local major=${3%%.*} rest=${3#*.}
  local minor=${rest%%.*}
  [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]] || return 1
  ((major > $1 || (major == $1 && minor >= $2)))
}
go_ok() { at_least 1 26 "$(go env GOVERSION 2>/dev/null | sed 's/^go//')"; }
node_ok() { at_least 18 0 "$(node --version 2>/dev/null | sed 's/^v//')"; }
python_ok() { python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 9))'; }
# Python.h of that python3: the binding's C extensions (pip install ./bindings/python, make
# dist's wheel) compile against it. Debian's python3-dev; nothing else installs it.
python_headers_ok() {
  python3 -c 'import os, sys, sysconfig; sys.exit(not os.path.isfile(os.path.join(sysconfig.get_paths()["include"], "Python.h")))'
}
postgres_ok() { compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; }

rustup_hint="https://rustup.rs (curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh)"
need "Rust (cargo, rustc)" "$rustup_hint" cargo --version
need "Go 1.26 or newer" "https://go.dev/dl (tar -C /usr/local -xzf go1.26.*.linux-amd64.tar.gz)" go_ok
need "a C compiler (cc)" "sudo apt-get install build-essential" cc --version
need "make" "sudo apt-get install build-essential" make --version
if [ "$what" = test ]; then
  need "Python 3.9 or newer with venv" "sudo apt-get install python3 python3-venv" python_ok
  python_ok >/dev/null 2>&1 &&
    need "Python.h, the C headers of $(command -v python3)" "sudo apt-get install python3-dev" python_headers_ok
  need "Node.js 18 or newer" "sudo apt-get install nodejs (or https://nodejs.org)" node_ok
  # Debian's nodejs package has no npm (NodeSource's and nodejs.org's builds do).
  node_ok && need "npm (the Node binding's build)" "sudo apt-get install npm" npm --version
  need "pkg-config" "sudo apt-get install pkg-config" pkg-config --version
  need "git (make dist's source tarball and timestamps, reproduce.sh's clone)" "sudo apt-get install git" git --version
  need "valgrind" "sudo apt-get install valgrind" valgrind --version
  need "curl" "sudo apt-get install curl" curl --version
  need "openssl (the curl client's PKCE)" "sudo apt-get install openssl" openssl version
  need "a PostgreSQL server (/usr/lib/postgresql/*/bin)" "sudo apt-get install postgresql" postgres_ok
  # Debian packages that scripts/tools.sh installs itself when it runs as root; anyone else
  # installs them first.
  if [ "$(id -u)" != 0 ]; then
    need "Chromium (the browser tests)" "sudo apt-get install chromium" test -x /usr/bin/chromium
    need "systemd-analyze (the service unit's check)" "sudo apt-get install systemd" test -x /usr/bin/systemd-analyze
  fi
elif [ "$what" != demo ]; then
  echo "usage: scripts/prereqs.sh [demo]" >&2
  exit 2
fi
[ "$missing" = 0 ] || exit 1
