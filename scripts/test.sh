#!/usr/bin/env bash
# Runs every test of picket: Rust (core and C ABI), the shared vectors in every runtime,
# the C tests under valgrind and sanitizers, Go, Python, and fuzzing.
#
#   scripts/test.sh           everything (what CI runs)
#   scripts/test.sh --quick   everything but fuzzing and the sanitizer builds
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    *) echo "usage: scripts/test.sh [--quick]" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }

step "Rust: unit, property, doc and vector tests (workspace)"
cargo test --workspace --all-targets
cargo test --workspace --doc

step "Vectors through the core"
cargo run -q --release -p picket-core --example vectors -- tests/vectors/*.jsonl
