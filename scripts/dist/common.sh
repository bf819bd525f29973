# Sourced by the scripts of scripts/dist/ (bash): what every part of `make dist` shares.
#
#   repo, version, abi          the checkout, Cargo.toml's version, the SONAME's ABI part
#   SOURCE_DATE_EPOCH           exported: the last commit's time, unless already set; every
#                               timestamp written into an artifact is this one
#   stage                       target/dist-stage: what the parts build before dist/
#   libdir                      target/dist-stage/lib: libpicket.a and libpicket.so of the
#                               release (scripts/dist/libpicket.sh)
#   glibc_floor                 2.17: the oldest glibc the binaries run on (manylinux2014)
#   dist_venv                   the build tools, after use_dist_venv: target/dist-venv
#                               (scripts/tools.sh dist-venv: scripts/dist/requirements.txt)
#   dist_target, dist_built     x86_64-unknown-linux-gnu, and where cargo writes what
#                               zigbuild builds for it (TARGET_DIR/x86_64-unknown-linux-gnu/dist)
#   zigbuild CMD ARGS...        cargo-zigbuild CMD (build, rustc) of the dist profile, linked
#                               by zig cc for glibc_floor: every native binary of a release
#                               (libpicket, the Node addon) is built by this one function
#   check_glibc FILE            fails unless FILE (an ELF binary) needs glibc_floor or older;
#                               prints the newest GLIBC_ version it references
#   det_tar OUT DIR NAME        OUT (.tar.gz) holds DIR/NAME as NAME/..., byte-reproducible
#   say TEXT                    one line of progress
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
version="$(sed -n 's/^version = "\([0-9.]*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)"
[ -n "$version" ] || { echo "dist: no version = \"X.Y.Z\" in $repo/Cargo.toml" >&2; exit 1; }
IFS=. read -r _major _minor _ <<<"$version"
if [ "$_major" = 0 ]; then abi="0.$_minor"; else abi="$_major"; fi
unset _major _minor

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH="$(git -C "$repo" log -1 --format=%ct 2>/dev/null || true)"
  [ -n "$SOURCE_DATE_EPOCH" ] || {
    echo "dist: not a git checkout: set SOURCE_DATE_EPOCH (the release's time, in unix seconds)" >&2
    exit 1
  }
fi
export SOURCE_DATE_EPOCH

stage="$repo/target/dist-stage"
libdir="$stage/lib"
glibc_floor=2.17

say() { printf '\n==> dist: %s\n' "$*"; }

# use_dist_venv: installs the pinned build tools if needed and points zig's and
# cargo-zigbuild's caches into target/ (nothing in HOME).
use_dist_venv() {
  dist_venv="$("$repo/scripts/tools.sh" dist-venv)"
  export CARGO_ZIGBUILD_PYTHON_PATH="$dist_venv/bin/python"
  export CARGO_ZIGBUILD_CACHE_DIR="$repo/target/zig-cache/cargo-zigbuild"
  export ZIG_GLOBAL_CACHE_DIR="$repo/target/zig-cache/global"
  export ZIG_LOCAL_CACHE_DIR="$repo/target/zig-cache/local"
}

dist_target=x86_64-unknown-linux-gnu
dist_built="${CARGO_TARGET_DIR:-$repo/target}/$dist_target/dist"
case "$dist_built" in /*) ;; *) dist_built="$repo/$dist_built" ;; esac

# zigbuild CMD ARGS...: from the checkout, `cargo-zigbuild CMD --locked --profile dist
# --target x86_64-unknown-linux-gnu.2.17 ARGS...` (the dist profile of Cargo.toml: fat LTO,
# one codegen unit, symbols stripped), with the paths of the checkout and of cargo's home
# remapped (/picket, /cargo) so that the bytes do not depend on where either is. The same
# environment every time, so that cargo reuses what an earlier call built.
zigbuild() {
  local cmd="$1"
  shift
  use_dist_venv
  local cargo_home="${CARGO_HOME:-$HOME/.cargo}"
  (
    cd "$repo"
    export RUSTFLAGS="--remap-path-prefix=$repo=/picket --remap-path-prefix=$cargo_home=/cargo"
    "$dist_venv/bin/cargo-zigbuild" "$cmd" --locked --profile dist --target "$dist_target.$glibc_floor" "$@"
  )
}

# check_glibc FILE: the newest GLIBC_x.y symbol version FILE references (objdump -T), which
# must not be newer than glibc_floor; printed.
check_glibc() {
  local newest
  newest="$(objdump -T "$1" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n 1)"
  [ -n "$newest" ] || { echo "dist: $1 references no GLIBC_ symbol version (not linked against glibc?)" >&2; return 1; }
  [ "$(printf '%s\n%s\n' "$newest" "$glibc_floor" | sort -V | tail -n 1)" = "$glibc_floor" ] ||
    { echo "dist: $1 needs GLIBC_$newest, newer than $glibc_floor" >&2; return 1; }
  echo "$newest"
}

# det_tar OUT DIR NAME: a gzip'd tar of DIR/NAME whose bytes depend only on the files'
# contents, modes and names: entries sorted, owner root, every mtime SOURCE_DATE_EPOCH,
# no gzip timestamp or file name.
det_tar() {
  local out="$1" dir="$2" name="$3"
  tar --sort=name --format=gnu --owner=0 --group=0 --numeric-owner \
    --mtime="@$SOURCE_DATE_EPOCH" --mode='u+rw,go-w' -C "$dir" -cf - "$name" |
    gzip -9 -n >"$out.tmp"
  mv "$out.tmp" "$out"
}
