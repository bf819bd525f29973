#!/usr/bin/env bash
# The C tarball of `make dist`, used as a C project uses a downloaded release: on a machine
# with no Rust toolchain (no cargo, rustc or rustup on PATH; a stub that fails the test if
# called shadows one the system has), in a new HOME, with nothing of the checkout on any
# path.
#
#   tests/install/c.sh            (after make dist; DIST=dir for another dist/)
#
# 1. The README's "C quick start" commands as written, with the tarball in the project's
#    directory: unpack into $HOME/opt (a new random directory), build the README's app.c
#    with pkg-config alone, static and shared, and run both.
# 2. The tarball is relocatable: the unpacked tree moved to another random path builds and
#    runs the same, and pkg-config's paths follow it.
# 3. What the programs load (ldd), the versions the .pc files and the header state, and no
#    path of the checkout in the programs.
# 4. The source tarball, the one artifact that needs Rust: unpacked at a random path, it
#    builds and installs with `make install PREFIX=...` (cargo on PATH again, a new target
#    directory outside the checkout), and the README's app.c links what it installed.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
need_dist
caller_path="$PATH" # with cargo, for part 4 only
user_path

name="libpicket-$version-x86_64-linux-gnu"
tarball="$dist/$name.tar.gz"
[ -f "$tarball" ] || die "no $tarball: run make dist"
project="$work/project"
mkdir -p "$project"
cp "$tarball" "$project/"

say "The README's C quick start, in $project (HOME=$HOME)"
block "$repo/README.md" "C quick start" sh >"$work/c.sh"
block "$repo/README.md" "C quick start" c >"$project/app.c"
[ -s "$work/c.sh" ] && [ -s "$project/app.c" ] || die "no sh or c block in the README's C quick start"
grep -qF "$name.tar.gz" "$work/c.sh" || die "the README's C quick start does not unpack $name.tar.gz"
run_block "$project" "$work/c.sh" | tee "$work/c.out"
[ "$(grep -c '^authenticated: project 1, publishable$' "$work/c.out")" = 2 ] ||
  die "app-static and app did not both print 'authenticated: project 1, publishable'"
ok "the README's commands: unpacked, built with pkg-config only, app-static and app authenticate"

prefix="$HOME/opt/$name"
lib="$prefix/lib"
if grep -q libpicket <<<"$(ldd "$project/app-static")"; then die "app-static loads libpicket at run time"; fi
grep -qF "libpicket.so.$abi => $lib/libpicket.so.$abi" <<<"$(LD_LIBRARY_PATH="$lib" ldd "$project/app")" ||
  die "app does not load libpicket.so.$abi from $lib"
ok "app-static carries the library; app loads libpicket.so.$abi from the unpacked tree (ldd)"

export PKG_CONFIG_PATH="$lib/pkgconfig"
for pc in picket picket-static; do
  [ "$(pkg-config --modversion "$pc")" = "$version" ] || die "$pc.pc says version $(pkg-config --modversion "$pc")"
done
[ "$(sed -n 's/^#define PICKET_VERSION "\(.*\)"$/\1/p' "$prefix/include/picket.h")" = "$version" ] ||
  die "the header's PICKET_VERSION is not $version"
ok "picket.pc, picket-static.pc and picket.h say $version"

say "Relocated: the unpacked tree moved to another random path"
moved="$(mktemp -d "$work/elsewhere.XXXXXX")/$name"
mv "$prefix" "$moved"
export PKG_CONFIG_PATH="$moved/lib/pkgconfig"
[ "$(readlink -f "$(pkg-config --variable=libdir picket)")" = "$moved/lib" ] ||
  die "after the move, picket.pc's libdir is $(pkg-config --variable=libdir picket), not under $moved"
# shellcheck disable=SC2046 # pkg-config's output is a list of flags
(cd "$project" && cc -std=c11 -o app-moved app.c $(pkg-config --cflags --libs picket-static) &&
  cc -std=c11 -o app-moved-shared app.c $(pkg-config --cflags --libs picket))
[ "$("$project/app-moved")" = "authenticated: project 1, publishable" ] || die "app-moved does not authenticate"
[ "$(LD_LIBRARY_PATH="$moved/lib" "$project/app-moved-shared")" = "authenticated: project 1, publishable" ] ||
  die "app-moved-shared does not authenticate"
ok "moved to $moved: pkg-config follows (\${pcfiledir}), static and shared builds authenticate"

say "Nothing of the checkout ($repo) in the programs"
for program in app-static app app-moved app-moved-shared; do
  if grep -qF "$repo" "$project/$program"; then die "$program contains $repo"; fi
done
ok "grep finds $repo in none of the 4 programs"
no_stub_called
ok "not on PATH, or never called: $(for t in cargo rustc rustup; do printf "%s=%s " "$t" "$(command -v "$t" || echo none)"; done)"

say "The source tarball: make install from it, with cargo (a new target directory)"
src_tarball="$dist/libpicket-$version.tar.gz"
[ -f "$src_tarball" ] || die "no $src_tarball: run make dist"
src="$(mktemp -d "$work/src.XXXXXX")"
tar -xzf "$src_tarball" -C "$src"
[ -f "$src/libpicket-$version/Makefile" ] || die "$(basename "$src_tarball") has no libpicket-$version/Makefile"
(cd "$src/libpicket-$version" && PATH="$caller_path" CARGO_TARGET_DIR="$work/source-target" \
  make install PREFIX="$work/from-source" >"$work/source.log" 2>&1) ||
  { tail -n 30 "$work/source.log" >&2; die "make install from $(basename "$src_tarball") failed"; }
export PKG_CONFIG_PATH="$work/from-source/lib/pkgconfig"
# shellcheck disable=SC2046 # pkg-config's output is a list of flags
(cd "$project" && cc -std=c11 -o app-from-source app.c $(pkg-config --cflags --libs picket-static))
[ "$("$project/app-from-source")" = "authenticated: project 1, publishable" ] || die "app-from-source does not authenticate"
ok "$(basename "$src_tarball"): unpacked, make install PREFIX=..., the README's app.c links it and authenticates"

echo
echo "install-c: $checks passed, 0 failed"
