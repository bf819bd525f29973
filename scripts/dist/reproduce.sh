#!/usr/bin/env bash
# Checks that `make dist` is reproducible: clones this checkout's HEAD into a new temporary
# directory (another path, an empty target/), runs `make dist` there with a new, empty
# cargo home (another path for the crates' sources, which the binaries must not hold:
# common.sh remaps it), and compares every artifact with this checkout's dist/ byte for
# byte (SHA256SUMS). Run `make dist` here
# first. Costs a full release build (a few minutes on 2 cores); scripts/test.sh runs it
# after make dist when the checkout has no uncommitted change (always so in CI).
#
#   scripts/dist/reproduce.sh
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[ -f "$repo/dist/SHA256SUMS" ] || { echo "reproduce: no dist/SHA256SUMS: run make dist first" >&2; exit 1; }
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
  echo "reproduce: the checkout has uncommitted changes; dist/ would not be HEAD's" >&2
  exit 1
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
git clone -q "$repo" "$tmp/picket"
echo "reproduce: make dist in $tmp/picket"
# rustup finds its toolchains by RUSTUP_HOME, which a new CARGO_HOME does not move.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
(cd "$tmp/picket" && env -u CARGO_TARGET_DIR CARGO_HOME="$tmp/cargo-home" make dist >"$tmp/log" 2>&1) ||
  { tail -n 40 "$tmp/log" >&2; exit 1; }
if diff -u "$repo/dist/SHA256SUMS" "$tmp/picket/dist/SHA256SUMS"; then
  echo "reproduce: all $(wc -l <"$repo/dist/SHA256SUMS") artifacts are byte-identical"
else
  echo "reproduce: the artifacts above differ" >&2
  exit 1
fi
