#!/usr/bin/env bash
# Writes picket.pc and picket-static.pc for a build tree, so that a C build finds the
# repository's include/picket.h and the libraries cargo built:
#
#   cargo build --release -p picket-ffi
#   picket-ffi/make-pc.sh                      # writes $CARGO_TARGET_DIR/release/*.pc
#   export PKG_CONFIG_PATH="${CARGO_TARGET_DIR:-target}/release"
#   cc -std=c11 app.c $(pkg-config --cflags --libs picket)          # shared (rpath set)
#   cc -std=c11 app.c $(pkg-config --cflags --libs picket-static)   # static
#
# Usage: make-pc.sh [LIBDIR]   (default: ${CARGO_TARGET_DIR:-<repo>/target}/release)
# Prints the directory it wrote to (the value for PKG_CONFIG_PATH).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
case "$target" in /*) ;; *) target="$repo/$target" ;; esac
libdir="${1:-$target/release}"
mkdir -p "$libdir"
libdir="$(cd "$libdir" && pwd)"
includedir="$repo/include"
version="$(sed -n 's/^#define PICKET_VERSION "\(.*\)"$/\1/p' "$includedir/picket.h")"
if [ -z "$version" ]; then
    echo "make-pc.sh: no PICKET_VERSION in $includedir/picket.h" >&2
    exit 1
fi

fill() {
    sed -e "s|@PREFIX@|$repo|g" \
        -e "s|@LIBDIR@|$libdir|g" \
        -e "s|@INCLUDEDIR@|$includedir|g" \
        -e "s|@VERSION@|$version|g" \
        -e "s|@RPATH@|-Wl,-rpath,\${libdir}|g" \
        -e '/^#/d' \
        "$1" >"$2"
}
fill "$here/picket.pc.in" "$libdir/picket.pc"
fill "$here/picket-static.pc.in" "$libdir/picket-static.pc"
echo "$libdir"
