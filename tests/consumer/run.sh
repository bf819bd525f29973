#!/usr/bin/env bash
# tests/consumer/run.sh: picket used as a project in another repository uses it, from a
# temporary directory outside this checkout, with nothing of the checkout on any path.
#
#   tests/consumer/run.sh
#
# 1. `make install` into a prefix ($HOME/.local, with HOME a temporary directory, exactly
#    as the README writes it); checks that the version of Cargo.toml, the header's macros,
#    the .pc files, the library's file name and its SONAME agree, that the library has no
#    RPATH/RUNPATH, and that DESTDIR staging and `make uninstall` write and remove exactly
#    the installed files.
# 2. The README's "C quick start" from a checkout (its second sh block, `make install`) and
#    its app.c, as written (extracted from README.md, so the README cannot drift), static
#    and shared; ldd shows which is which. (tests/install/c.sh runs the first, the tarball.)
# 3. The README's "Go quick start" with the installed library (its second sh block): a new
#    module in a temporary directory requires the binding through a `replace` to a copy of
#    the committed files of bindings/go (no packaged library), builds with
#    -tags picket_pkgconfig and -tags picket_shared as the README says, and serves requests
#    from curl over loopback through picket.Require. (tests/install/go.sh runs the first
#    block: the module from make dist's module proxy, with its packaged library.)
# 4. grep -r of the prefix and of every built program for the checkout's path finds nothing.
#
# Environment: PICKET_CONSUMER_PORT (default 18150), the loopback port of the Go server.
# shellcheck source=../install/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../install/common.sh"
port="${PICKET_CONSUMER_PORT:-18150}"
prefix="$HOME/.local"

# --- 1. make install: versions, SONAME, no rpath, DESTDIR and uninstall -------------------
say "C quick start commands (make install PREFIX=\$HOME/.local, app.c static and shared)"
mkdir -p "$work/c"
block "$repo/README.md" "C quick start" sh 2 >"$work/c.sh"
block "$repo/README.md" "C quick start" c >"$work/c/app.c"
[ -s "$work/c.sh" ] && [ -s "$work/c/app.c" ] || die "no sh or c block in the README's C quick start"
grep -q '^make install PREFIX=\$HOME/.local' "$work/c.sh" || die "the C quick start no longer installs into \$HOME/.local"
run_block "$work/c" "$work/c.sh" | tee "$work/c.out"

say "Installed files, versions and SONAME agree"
version="$(sed -n 's/^version = "\([0-9.]*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)"
IFS=. read -r major minor patch <<<"$version"
if [ "$major" = 0 ]; then abi="0.$minor"; else abi="$major"; fi
h="$prefix/include/picket.h"
[ "$(sed -n 's/^#define PICKET_VERSION "\(.*\)"$/\1/p' "$h")" = "$version" ] || die "PICKET_VERSION of the installed header is not $version"
[ "$(sed -n 's/^#define PICKET_VERSION_MAJOR \(.*\)$/\1/p' "$h")" = "$major" ] || die "PICKET_VERSION_MAJOR is not $major"
[ "$(sed -n 's/^#define PICKET_VERSION_MINOR \(.*\)$/\1/p' "$h")" = "$minor" ] || die "PICKET_VERSION_MINOR is not $minor"
[ "$(sed -n 's/^#define PICKET_VERSION_PATCH \(.*\)$/\1/p' "$h")" = "$patch" ] || die "PICKET_VERSION_PATCH is not $patch"
ok "header macros say $version, as Cargo.toml"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
for pc in picket picket-static; do
    [ "$(pkg-config --modversion "$pc")" = "$version" ] || die "$pc.pc says version $(pkg-config --modversion "$pc")"
    [ "$(pkg-config --variable=prefix "$pc")" = "$prefix" ] || die "$pc.pc prefix is not $prefix"
    [ "$(pkg-config --variable=libdir "$pc")" = "$prefix/lib" ] || die "$pc.pc libdir is not $prefix/lib"
    [ "$(pkg-config --variable=includedir "$pc")" = "$prefix/include" ] || die "$pc.pc includedir is not $prefix/include"
done
grep -q -- '-lpthread' <<<"$(pkg-config --static --libs picket)" || die "picket.pc has no Libs.private for static linking"
ok "picket.pc and picket-static.pc: version $version, prefix, libdir, includedir; Libs.private"
lib="$prefix/lib"
[ -f "$lib/libpicket.so.$version" ] && [ ! -L "$lib/libpicket.so.$version" ] || die "no regular file libpicket.so.$version"
[ "$(readlink "$lib/libpicket.so.$abi")" = "libpicket.so.$version" ] || die "libpicket.so.$abi is not a link to libpicket.so.$version"
[ "$(readlink "$lib/libpicket.so")" = "libpicket.so.$abi" ] || die "libpicket.so is not a link to libpicket.so.$abi"
[ -f "$lib/libpicket.a" ] || die "no libpicket.a"
soname="$(readelf -d "$lib/libpicket.so.$version" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')"
[ "$soname" = "libpicket.so.$abi" ] || die "SONAME is '$soname', not libpicket.so.$abi"
ok "libpicket.so.$version, SONAME $soname, links libpicket.so.$abi and libpicket.so"
if grep -Eq 'RPATH|RUNPATH' <<<"$(readelf -d "$lib/libpicket.so.$version")"; then die "libpicket.so has an RPATH/RUNPATH"; fi
ok "libpicket.so has no RPATH or RUNPATH"

stage="$work/stage"
make -s -C "$repo" install PREFIX=/usr DESTDIR="$stage" >/dev/null
[ "$(sed -n 's/^prefix=//p' "$stage/usr/lib/pkgconfig/picket.pc")" = /usr ] || die "a DESTDIR install's picket.pc does not say prefix=/usr"
installed="$(cd "$prefix" && find . \( -type f -o -type l \) | sort)"
staged="$(cd "$stage/usr" && find . \( -type f -o -type l \) | sort)"
[ "$installed" = "$staged" ] || die "DESTDIR install differs from the PREFIX install: $(diff <(echo "$installed") <(echo "$staged"))"
make -s -C "$repo" uninstall PREFIX=/usr DESTDIR="$stage" >/dev/null
left="$(find "$stage" \( -type f -o -type l \))"
[ -z "$left" ] || die "make uninstall left: $left"
ok "DESTDIR=stage PREFIX=/usr: the same $(echo "$installed" | wc -l) files, prefix=/usr in the .pc; make uninstall removes them all"

# --- 2. the C quick start ran: check what it built --------------------------------------
say "C quick start: results"
[ "$(grep -c '^authenticated: project 1, publishable$' "$work/c.out")" = 2 ] || die "app-static and app did not both print 'authenticated: project 1, publishable'"
ok "the README's app.c authenticates, static and shared"
if grep -q libpicket <<<"$(ldd "$work/c/app-static")"; then die "app-static loads libpicket at run time"; fi
ok "app-static does not load libpicket (ldd)"
grep -qF "libpicket.so.$abi => $lib/libpicket.so.$abi" <<<"$(LD_LIBRARY_PATH="$lib" ldd "$work/c/app")" || die "app does not load libpicket.so.$abi from the prefix"
ok "app loads libpicket.so.$abi from the prefix (ldd)"
if "$work/c/app" >/dev/null 2>"$work/noload.txt"; then die "app ran without LD_LIBRARY_PATH: it has an rpath"; fi
grep -q "libpicket.so.$abi" "$work/noload.txt" || die "app without the prefix on the loader's path failed otherwise: $(cat "$work/noload.txt")"
ok "app without LD_LIBRARY_PATH fails to find libpicket.so.$abi (no rpath)"

# --- 3. Go with the installed library (pkg-config tags), from a copy of bindings/go ------
say "Go quick start with the installed library: -tags picket_pkgconfig and picket_shared"
module=github.com/picket-dev/picket/bindings/go
# The committed files alone: no packaged/ library, so only pkg-config can find one.
mkdir -p "$work/picket-go" "$work/goapp"
(cd "$repo/bindings/go" && git ls-files -z . | xargs -0 cp --parents -t "$work/picket-go")
[ ! -e "$work/picket-go/packaged/lib/linux-amd64/libpicket.a" ] || die "the copy of bindings/go has a packaged library"
[ "$(sed -n 's/^module //p' "$work/picket-go/go.mod")" = "$module" ] || die "bindings/go/go.mod is not module $module"
block "$repo/README.md" "Go quick start" go >"$work/goapp/main.go"
block "$repo/README.md" "Go quick start" sh 2 >"$work/go.sh"
grep -q -- '-tags picket_pkgconfig' "$work/go.sh" && grep -q -- '-tags picket_shared' "$work/go.sh" ||
    die "the Go quick start's second block does not build with -tags picket_pkgconfig and picket_shared"
# The module as the first block gets it, but from the copy (replace), the network off.
(cd "$work/goapp" && go mod init example.com/app && go mod edit -replace="$module=$work/picket-go" &&
    GOPROXY=off go get "$module@v$version")
GOPROXY=off run_block "$work/goapp" "$work/go.sh"
ok "the README's commands: go build -tags picket_pkgconfig and -tags picket_shared, through pkg-config"

if grep -q libpicket <<<"$(ldd "$work/goapp/app-pc" 2>&1)"; then die "app-pc loads libpicket at run time"; fi
ok "app-pc (the installed libpicket.a) does not load libpicket (ldd)"
grep -qF "libpicket.so.$abi => $lib/libpicket.so.$abi" <<<"$(LD_LIBRARY_PATH="$lib" ldd "$work/goapp/app-shared")" || die "app-shared does not load libpicket.so.$abi"
ok "app-shared (-tags picket_shared) loads libpicket.so.$abi (ldd)"

url="http://127.0.0.1:$port/v1/whoami"
serve "$work/goapp/app-pc"
expect 200 '^project 1$' -u "$sk:"
expect 403 '"error":"auth_wrong_kind"' -u "$pk:"
stop
LD_LIBRARY_PATH="$lib" serve "$work/goapp/app-shared"
expect 200 '^project 1$' -H "Authorization: Basic  $(printf %s "$sk" | base64 -w0)"
expect 401 '"error":"header_missing","code":300'
stop
ok "app-pc and app-shared serve through picket.Require (200, 403; 200 JS SDK form, 401)"

# --- 4. nothing refers to the checkout --------------------------------------------------
say "No path of the checkout ($repo) in what was installed or built"
[ -n "$repo" ] && [ "$repo" != / ] || die "no checkout path to look for"
built=("$work/c/app-static" "$work/c/app" "$work/goapp/app-pc" "$work/goapp/app-shared")
if grep -rl -- "$repo" "$prefix" "${built[@]}"; then die "the files above contain $repo"; fi
# The check can fail: a file holding the path is found.
printf 'x%sx' "$repo" >"$work/probe"
grep -rlq -- "$repo" "$work/probe" || die "grep does not find the checkout path in a file holding it"
ok "grep -r finds $repo in none of the prefix ($(find "$prefix" -type f | wc -l) files) and the ${#built[@]} programs"

echo
echo "consumer: $checks passed, 0 failed"
