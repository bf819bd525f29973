#!/usr/bin/env bash
# tests/memory/run.sh: memory is returned after every rebuild, in C, Go, Python and Node.
#
# A server rebuilds its registry after every change. Each runtime's program here (the same
# steps in rebuild.c, go/main.go, rebuild.py and rebuild.mjs) builds a registry of KEYS keys over KEYS/10
# projects, then rebuilds it REBUILDS times on THREADS OS threads in turn, freeing the old
# one each time, and fails when its resident set (RSS) after any rebuild exceeds the RSS
# after the first build by more than BOUND_MB. These are the figures the README states
# (Operations). Each runtime links libpicket as its users do: C the installed shared
# library (make install, pkg-config), Go the static library through the module's
# cgo flags (the library libpicket-env.sh packages beside it), Python the package built from
# bindings/python (libpicket linked into its extension), Node the npm package pack.sh makes
# (its addon links picket-ffi, and so its allocator), npm-installed into a new project.
# Node's first build is each worker thread's: each is a V8 isolate whose first build costs
# it about 5 MB once, so its baseline is the RSS once every thread has built (rebuild.mjs).
#
#   tests/memory/run.sh
#   PICKET_MEMORY_REBUILDS=20 tests/memory/run.sh     (a quicker look; CI runs the default)
#
# Before libpicket chose its own allocator (picket-ffi/src/alloc.rs) the same programs grew
# by 408 MB (C, 200 rebuilds), 368 MB (Go, 100), 221 MB (Python, 30) and 221 MB (Node, 60,
# still growing); now by about 19 MB, the small blocks (about 250 bytes a project) each of
# the 8 threads' malloc arena keeps for its next build (Node: under 1 MB after each worker
# thread's first build, about 40 MB over its very first). Linux only.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
keys="${PICKET_MEMORY_KEYS:-100000}"
rebuilds="${PICKET_MEMORY_REBUILDS:-200}"
threads="${PICKET_MEMORY_THREADS:-8}"
bound="${PICKET_MEMORY_BOUND_MB:-32}"
args=("$keys" "$rebuilds" "$threads" "$bound")

step() { printf '\n==> %s\n' "$*"; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

step "libpicket installed as users install it (make install; PKG_CONFIG_PATH)"
# shellcheck source=../../scripts/libpicket-env.sh
. "$repo/scripts/libpicket-env.sh"
echo "$PICKET_PREFIX"

step "C: $keys keys, $rebuilds rebuilds on $threads threads (libpicket.so)"
read -r -a shared <<<"$(pkg-config --cflags --libs picket) -Wl,-rpath,$PICKET_PREFIX/lib"
"${CC:-gcc}" -std=c11 -Wall -Wextra -Wpedantic -Werror -O2 -D_POSIX_C_SOURCE=200809L \
  "$here/rebuild.c" "${shared[@]}" -lpthread -o "$work/rebuild"
"$work/rebuild" "${args[@]}"

step "Go: the same through the Go binding's Holder (libpicket.a, linked into the program)"
(cd "$here/go" && "$repo/scripts/gofmt-check.sh" && go vet . && go build -o "$work/rebuild-go" .)
"$work/rebuild-go" "${args[@]}"

step "Python: the same through the Python binding (pip install ./bindings/python)"
py="$("$repo/scripts/tools.sh" python-venv)/bin/python"
"$py" -m pip install -q --no-deps --force-reinstall "$repo/bindings/python"
"$py" -m ruff check --no-cache "$here/rebuild.py"
"$py" -m ruff format --no-cache --check "$here/rebuild.py"
(cd "$work" && "$py" -m mypy --strict --cache-dir "$work/mypy" "$here/rebuild.py")
(cd "$work" && "$py" "$here/rebuild.py" "${args[@]}")

step "Node: the same through the Node binding (bindings/node/pack.sh; npm install of the tarball)"
tarball="$("$repo/bindings/node/pack.sh" "$work/npm" | tail -n1)"
mkdir "$work/node"
cp "$here/rebuild.mjs" "$work/node/"
(cd "$work/node" && npm init -y >/dev/null &&
  npm install --no-audit --no-fund --loglevel=error "$tarball" &&
  node --expose-gc rebuild.mjs "${args[@]}")

step "Memory returned in C, Go, Python and Node"
