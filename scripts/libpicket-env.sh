# Sourced (not run) by every script that builds or tests Go code against this checkout:
# installs libpicket the way users install it (`make install` into
# ${CARGO_TARGET_DIR:-target}/prefix), then exports PKG_CONFIG_PATH (the Go binding finds the
# library only through pkg-config) and PICKET_PREFIX (for LD_LIBRARY_PATH with
# -tags picket_shared). The one place that decides how the repository's Go finds libpicket.
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
unset _picket_repo _picket_prefix
