#!/usr/bin/env bash
# The release build of libpicket, which every binary artifact carries: the static library
# (the C tarball, the Go module, the Python wheel) and the shared library (the C tarball),
# into target/dist-stage/lib.
#
#   scripts/dist/libpicket.sh
#
# - cargo's `dist` profile (release: fat LTO, one codegen unit; the .so stripped), with only
#   the staticlib and cdylib crate types, so that LTO makes the archive one object of the
#   code reachable from the C ABI (with the rlib type as well, rustc would pack every
#   crate's objects whole: 27 MB instead of 8);
# - linked by `zig cc` for x86_64-linux-gnu with glibc 2.17 (cargo-zigbuild), so that the
#   .so asks nothing newer of the C library than manylinux2014 allows; checked below;
# - paths of the checkout and of cargo's home remapped (/picket, /cargo), so that the bytes
#   do not depend on where the clone is;
# - the archive stripped of debug info (binutils' strip; rustc strips only what it links).
# Checks: the SONAME, every exported symbol is picket_*, no GLIBC_ version above 2.17.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

say "libpicket $version: cargo-zigbuild rustc --profile dist, zig cc for glibc $glibc_floor"
zigbuild rustc -p picket-ffi --crate-type staticlib,cdylib

rm -rf "$libdir"
mkdir -p "$libdir"
cp "$dist_built/libpicket.so" "$libdir/libpicket.so"
strip --strip-debug -o "$libdir/libpicket.a" "$dist_built/libpicket.a"

so="$libdir/libpicket.so"
soname="$(readelf -d "$so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')"
[ "$soname" = "libpicket.so.$abi" ] || { echo "dist: libpicket.so has SONAME '$soname', not libpicket.so.$abi" >&2; exit 1; }
others="$(nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRW]$/ && $3 !~ /^picket_/ { print $3 }')"
[ -z "$others" ] || { echo "dist: libpicket.so exports symbols other than picket_*: $others" >&2; exit 1; }
newest="$(check_glibc "$so")"
for f in libpicket.a libpicket.so; do
  if grep -qF "$repo" "$libdir/$f"; then echo "dist: $f contains the checkout's path $repo" >&2; exit 1; fi
done
echo "libpicket.a  $(stat -c %s "$libdir/libpicket.a") bytes"
echo "libpicket.so $(stat -c %s "$so") bytes, SONAME $soname, exports only picket_*, newest glibc symbol GLIBC_$newest"
