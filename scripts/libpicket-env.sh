# Sourced (not run) by scripts/demo.sh and every script that builds or tests the Go server:
# makes libpicket available to Go's cgo. The one place to change how Go finds libpicket.
#
#   . scripts/libpicket-env.sh      # from anywhere; needs bash
#
# Today the Go binding links target/release/libpicket.a (its cgo LDFLAGS), so this builds it.
_picket_repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$_picket_repo" && env -u CARGO_TARGET_DIR cargo build -q --release -p picket-ffi) || return 1
unset _picket_repo
