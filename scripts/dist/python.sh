#!/usr/bin/env bash
# The Python artifacts of a release, into DIST (default dist/), for
# `pip install --no-index --find-links DIST picket`:
#
#   picket-VERSION.tar.gz       the sdist (with the Rust crates in rust/: builds anywhere
#                               with cargo), repacked byte-reproducibly (common.sh's det_tar)
#   picket-VERSION-cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
#                               ONE wheel for every CPython from 3.9 on: both extensions
#                               are on the limited API of 3.9 (abi3), compiled and linked by
#                               zig cc for glibc 2.17, with the release libpicket.a of
#                               scripts/dist/libpicket.sh linked in (no cargo here)
#
#   scripts/dist/python.sh [DIST]     after scripts/dist/libpicket.sh
#
# The wheel is built from the extracted sdist (as pip builds one), with the pinned tools of
# target/dist-venv and no build isolation (so those versions build it), without debug info
# (no build path inside), then `auditwheel repair --plat manylinux_2_17_x86_64` tags it and
# `auditwheel show` must confirm that tag. Wheel entries are dated SOURCE_DATE_EPOCH.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
out="${1:-$repo/dist}"
[ -f "$libdir/libpicket.a" ] || { echo "dist: no $libdir/libpicket.a: run scripts/dist/libpicket.sh first" >&2; exit 1; }
use_dist_venv
py="$dist_venv/bin/python"
plat=manylinux_2_17_x86_64
work="$stage/python"
rm -rf "$work"
mkdir -p "$work/sdist" "$work/wheel" "$work/repaired"

say "Python sdist (python -m build --sdist), repacked reproducibly"
# The sdist copies the Rust sources from this checkout; cargo's target dir is not read.
(cd "$repo/bindings/python" && env -u CARGO_TARGET_DIR "$py" -m build --sdist --no-isolation --outdir "$work/sdist" . >/dev/null)
rm -rf "$repo/bindings/python/picket.egg-info"
sdist=("$work"/sdist/picket-*.tar.gz)
[ ${#sdist[@]} = 1 ] || { echo "dist: expected one sdist, found: ${sdist[*]}" >&2; exit 1; }
name="$(basename "${sdist[0]}" .tar.gz)"
tar -xzf "${sdist[0]}" -C "$work"
det_tar "$out/$name.tar.gz" "$work" "$name"
echo "$name.tar.gz: $(tar -tzf "$out/$name.tar.gz" | wc -l) entries"

say "Python wheel: abi3, zig cc for glibc $glibc_floor, the release libpicket.a"
zig="$("$py" -c 'import os, ziglang; print(os.path.join(os.path.dirname(ziglang.__file__), "zig"))')"
cc="$zig cc -target x86_64-linux-gnu.$glibc_floor"
cflags="-g0 -DNDEBUG" # the release: no debug info (no build path inside), no asserts
# Debian's pyconfig.h includes <x86_64-linux-gnu/python3.X/pyconfig.h> from /usr/include,
# which zig (with its own C library headers) does not search: searched last, for that only.
include_py="$("$py" -c 'import sysconfig; print(sysconfig.get_config_var("INCLUDEPY"))')"
if grep -q '^#  *include <.*/pyconfig.h>' "$include_py/pyconfig.h"; then
  cflags="$cflags -idirafter $(dirname "$include_py")"
fi
(cd "$work/$name" && CC="$cc" LDSHARED="$cc -shared" CFLAGS="$cflags" \
  PICKET_STATIC_LIB="$libdir/libpicket.a" "$py" -m build --wheel --no-isolation --outdir "$work/wheel" . >"$work/wheel.log" 2>&1) ||
  { tail -n 40 "$work/wheel.log" >&2; exit 1; }
wheel=("$work"/wheel/picket-*-cp39-abi3-linux_x86_64.whl)
[ -f "${wheel[0]}" ] || { echo "dist: no cp39-abi3 wheel in $work/wheel: $(ls "$work/wheel")" >&2; exit 1; }

say "auditwheel repair --plat $plat, then auditwheel show"
# --only-plat: the symbol versions alone would also allow manylinux_2_12, but Rust's
# standard library needs glibc 2.17 (rustc's x86_64-unknown-linux-gnu), so 2.17 it is.
PATH="$dist_venv/bin:$PATH" "$dist_venv/bin/auditwheel" repair --plat "$plat" --only-plat \
  --wheel-dir "$work/repaired" "${wheel[0]}" 2>&1 | grep -v '^INFO:'
repaired=("$work"/repaired/picket-*.whl)
[ ${#repaired[@]} = 1 ] || { echo "dist: auditwheel made ${#repaired[@]} wheels" >&2; exit 1; }
shown="$("$dist_venv/bin/auditwheel" show "${repaired[0]}")"
echo "$shown"
# show names the most compatible tag the wheel's symbols allow: $plat or older.
consistent="$(tr -d '\n' <<<"$shown" | sed -n 's/.*is consistent with the following platform tag: *"manylinux_\([0-9]*\)_\([0-9]*\)_x86_64".*/\1.\2/p')"
[ -n "$consistent" ] && [ "$(printf '%s\n%s\n' "$consistent" "$glibc_floor" | sort -V | tail -n 1)" = "$glibc_floor" ] ||
  { echo "dist: auditwheel show does not confirm $plat (consistent with: ${consistent:-nothing})" >&2; exit 1; }
case "$(basename "${repaired[0]}")" in
  picket-"$version"-cp39-abi3-manylinux2014_x86_64."$plat".whl) ;;
  *) echo "dist: unexpected wheel name $(basename "${repaired[0]}")" >&2; exit 1 ;;
esac
# No path of the checkout in the modules (read with Python's zipfile: unzip is no prerequisite,
# and a missing one would have made this check pass silently).
"$py" - "${repaired[0]}" "$repo" <<'PY' || exit 1
import sys, zipfile
wheel, repo = sys.argv[1], sys.argv[2].encode()
with zipfile.ZipFile(wheel) as z:
    modules = [n for n in z.namelist() if n.endswith(".so")]
    assert modules, f"dist: no .so in {wheel}"
    leaks = [n for n in modules if repo in z.read(n)]
sys.exit(f"dist: the wheel's modules contain {repo.decode()}: {leaks}" if leaks else 0)
PY
cp "${repaired[0]}" "$out/"
