# Sourced (not run) by every script that builds or tests Go code against this checkout:
# installs libpicket the way users install it (`make install` into
# ${CARGO_TARGET_DIR:-target}/prefix), copies its static library and header into
# bindings/go/packaged/ (where the Go binding's default build finds them, as it does in a
# release's module zip; gitignored build output), then exports PKG_CONFIG_PATH (for
# -tags picket_pkgconfig and picket_shared) and PICKET_PREFIX (for LD_LIBRARY_PATH with
# -tags picket_shared). The one place that decides how the repository's Go finds libpicket.
# On a platform other than linux/amd64 (which the module carries no library for) it sets
# GOFLAGS=-tags=picket_pkgconfig instead.
#
#   . scripts/libpicket-env.sh      # from anywhere; needs bash
#   PICKET_BUILD_PROGRESS=1 . scripts/libpicket-env.sh   # cargo's progress on stderr (demo.sh)
_picket_repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_picket_prefix="${CARGO_TARGET_DIR:-$_picket_repo/target}/prefix"
case "$_picket_prefix" in /*) ;; *) _picket_prefix="$_picket_repo/$_picket_prefix" ;; esac
if [ "${PICKET_BUILD_PROGRESS:-0}" = 1 ]; then
  make -s -C "$_picket_repo" install PREFIX="$_picket_prefix" >&2 || return 1
else
  make -s -C "$_picket_repo" install PREFIX="$_picket_prefix" >/dev/null || return 1
fi
export PICKET_PREFIX="$_picket_prefix"
export PKG_CONFIG_PATH="$_picket_prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
if [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ]; then
  # Copied only when changed, so that an unchanged library keeps its mtime.
  _picket_packaged="$_picket_repo/bindings/go/packaged"
  cmp -s "$_picket_prefix/lib/libpicket.a" "$_picket_packaged/lib/linux-amd64/libpicket.a" ||
    cp "$_picket_prefix/lib/libpicket.a" "$_picket_packaged/lib/linux-amd64/libpicket.a" || return 1
  cmp -s "$_picket_prefix/include/picket.h" "$_picket_packaged/include/picket.h" ||
    cp "$_picket_prefix/include/picket.h" "$_picket_packaged/include/picket.h" || return 1
  unset _picket_packaged
else
  export GOFLAGS="-tags=picket_pkgconfig${GOFLAGS:+ $GOFLAGS}"
fi
unset _picket_repo _picket_prefix
