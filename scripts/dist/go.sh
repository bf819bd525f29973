#!/usr/bin/env bash
# The Go module of a release, as a Go module proxy serves it, into DIST/goproxy (default
# dist/goproxy):
#
#   goproxy/github.com/picket-dev/picket/bindings/go/@v/list, vVERSION.info, .mod, .zip
#
# The zip holds the committed files of bindings/go (git ls-files: no build output; the
# nested module routertest is left out, as the go command does) plus the library the
# module carries (link_packaged.go): packaged/lib/linux-amd64/libpicket.a of the release
# build (scripts/dist/libpicket.sh) and packaged/include/picket.h. Written by
# scripts/dist/gomodule (golang.org/x/mod/zip, the go command's own format); .info's Time is
# SOURCE_DATE_EPOCH. Byte-reproducible.
#
#   scripts/dist/go.sh [DIST]     after scripts/dist/libpicket.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
out="${1:-$repo/dist}"
[ -f "$libdir/libpicket.a" ] || { echo "dist: no $libdir/libpicket.a: run scripts/dist/libpicket.sh first" >&2; exit 1; }

say "Go module v$version as a module proxy serves it (goproxy/)"
module="$stage/go-module"
rm -rf "$module"
mkdir -p "$module"
(cd "$repo/bindings/go" && git ls-files -z . | xargs -0 cp --parents -t "$module")
cp "$libdir/libpicket.a" "$module/packaged/lib/linux-amd64/libpicket.a"
cp "$repo/include/picket.h" "$module/packaged/include/picket.h"
rm -rf "$out/goproxy"
(cd "$repo/scripts/dist/gomodule" && go run . -dir "$module" -version "v$version" \
  -time "$SOURCE_DATE_EPOCH" -out "$out/goproxy")
