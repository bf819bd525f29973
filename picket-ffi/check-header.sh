#!/usr/bin/env bash
# Fails when include/picket.h differs from what the pinned cbindgen generates from
# picket-ffi/src. Run from anywhere; CI runs it. With --install, installs the pinned
# cbindgen first when it is missing or another version.
#
# To update the header after changing picket-ffi/src, run from the repository root:
#   cbindgen --config picket-ffi/cbindgen.toml --crate picket-ffi --output include/picket.h
set -euo pipefail

pinned="0.29.0"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

have="$(cbindgen --version 2>/dev/null || true)"
if [ "$have" != "cbindgen $pinned" ]; then
    if [ "${1:-}" = "--install" ]; then
        cargo install cbindgen --version "$pinned" --locked
        have="$(cbindgen --version)"
    else
        echo "check-header.sh: need cbindgen $pinned, found '${have:-none}'." >&2
        echo "  install it: cargo install cbindgen --version $pinned --locked (or pass --install)" >&2
        exit 1
    fi
fi

tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
cbindgen --quiet --config picket-ffi/cbindgen.toml --crate picket-ffi --output "$tmp"
if ! diff -u include/picket.h "$tmp"; then
    echo "check-header.sh: include/picket.h is stale; regenerate it with:" >&2
    echo "  cbindgen --config picket-ffi/cbindgen.toml --crate picket-ffi --output include/picket.h" >&2
    exit 1
fi
echo "include/picket.h is fresh ($have)"
