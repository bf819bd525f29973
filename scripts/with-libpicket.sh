#!/usr/bin/env bash
# Runs a command with this checkout's libpicket installed the way users install it, for
# the repository's own Go builds (the binding finds the library only through pkg-config):
# `make install` into ${CARGO_TARGET_DIR:-target}/prefix, then the command with
# PKG_CONFIG_PATH pointing there and PICKET_PREFIX set to the prefix (for LD_LIBRARY_PATH
# with -tags picket_shared).
#
#   scripts/with-libpicket.sh go test ./...            (from any directory)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${CARGO_TARGET_DIR:-$repo/target}/prefix"
case "$prefix" in /*) ;; *) prefix="$repo/$prefix" ;; esac
make -s -C "$repo" install PREFIX="$prefix" >/dev/null
export PICKET_PREFIX="$prefix"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
exec "$@"
