#!/usr/bin/env bash
# The C artifacts of a release, into DIST (default dist/):
#
#   libpicket-VERSION-x86_64-linux-gnu.tar.gz   relocatable binary tarball:
#       libpicket-VERSION-x86_64-linux-gnu/include/picket.h
#       .../lib/libpicket.a, libpicket.so.VERSION, libpicket.so.ABI -> it, libpicket.so -> that
#       .../lib/pkgconfig/picket.pc, picket-static.pc   (prefix=${pcfiledir}/../..)
#       .../LICENSE-MIT, LICENSE-APACHE
#     the files and links `make install` writes (the Makefile's install-files, from the
#     release build of scripts/dist/libpicket.sh: glibc 2.17 and newer);
#   libpicket-VERSION.tar.gz                    the source: `git archive` of HEAD, the
#     committed files only (README, Makefile, the Rust crates, the bindings...).
#
#   scripts/dist/c.sh [DIST]      after scripts/dist/libpicket.sh
# Both are byte-reproducible (common.sh's det_tar; git archive stamps the commit's time).
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
out="${1:-$repo/dist}"
mkdir -p "$out"
[ -f "$libdir/libpicket.a" ] && [ -f "$libdir/libpicket.so" ] || {
  echo "dist: no release build in $libdir: run scripts/dist/libpicket.sh first" >&2
  exit 1
}

name="libpicket-$version-x86_64-linux-gnu"
say "C binary tarball $name.tar.gz"
root="$stage/c"
rm -rf "$root"
make -s -C "$repo" install-files BUILD_DIR="$libdir" PREFIX="/$name" DESTDIR="$root" RELOCATABLE=1 >/dev/null
cp "$repo/LICENSE-MIT" "$repo/LICENSE-APACHE" "$root/$name/"
det_tar "$out/$name.tar.gz" "$root" "$name"
tar -tzvf "$out/$name.tar.gz"

say "Source tarball libpicket-$version.tar.gz (git archive HEAD)"
git -C "$repo" archive --format=tar --prefix="libpicket-$version/" HEAD | gzip -9 -n >"$out/libpicket-$version.tar.gz.tmp"
mv "$out/libpicket-$version.tar.gz.tmp" "$out/libpicket-$version.tar.gz"
echo "$(tar -tzf "$out/libpicket-$version.tar.gz" | wc -l) entries"
