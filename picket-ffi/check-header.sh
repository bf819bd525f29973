#!/usr/bin/env bash
# Fails when include/picket.h differs from what the pinned cbindgen generates from
# picket-ffi/src. Run from anywhere; CI runs it. The pinned cbindgen is installed by
# scripts/tools.sh into target/tools (once) and called from there, never from PATH.
#
# To update the header after changing picket-ffi/src, run from the repository root:
#   "$(scripts/tools.sh cbindgen)" --config picket-ffi/cbindgen.toml --crate picket-ffi --output include/picket.h
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
cbindgen="$(scripts/tools.sh cbindgen)"
have="$("$cbindgen" --version)"

tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
"$cbindgen" --quiet --config picket-ffi/cbindgen.toml --crate picket-ffi --output "$tmp"
if ! diff -u include/picket.h "$tmp"; then
    echo "check-header.sh: include/picket.h is stale; regenerate it with:" >&2
    echo "  \"\$(scripts/tools.sh cbindgen)\" --config picket-ffi/cbindgen.toml --crate picket-ffi --output include/picket.h" >&2
    exit 1
fi
echo "include/picket.h is fresh ($have)"
