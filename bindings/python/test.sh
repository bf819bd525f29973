#!/usr/bin/env bash
# Tests the Python binding: builds libpicket, runs pytest, the shared vectors and the
# benchmark once. No install needed: the package is used from this directory.
#
#   bindings/python/test.sh
#
# The library is the one `cargo build --release -p picket-ffi` writes to target/release
# (or to $CARGO_TARGET_DIR/release when that is set); PICKET_LIB, when set, wins.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"

step() { printf '\n==> %s\n' "$*"; }

step "Build libpicket (cargo build --release -p picket-ffi)"
(cd "$repo" && cargo build --release -p picket-ffi)
if [[ -z "${PICKET_LIB:-}" && -n "${CARGO_TARGET_DIR:-}" ]]; then
  target="$CARGO_TARGET_DIR"
  [[ "$target" = /* ]] || target="$repo/$target"
  export PICKET_LIB="$target/release/libpicket.so"
fi

if ! "$python" -c 'import pytest' 2>/dev/null; then
  step "Install pytest"
  "$python" -m pip install --quiet pytest
fi

cd "$here"
export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"

step "pytest"
status=0
"$python" -m pytest -q tests || status=$?
if [[ $status -eq 5 ]]; then
  echo "pytest collected no tests: that is a failure" >&2
  exit 1
elif [[ $status -ne 0 ]]; then
  exit "$status"
fi

step "Vectors through the Python binding"
"$python" -m picket.vectors "$repo"/tests/vectors/*.jsonl

step "Benchmark, once (no timing)"
"$python" bench.py --quick

if "$python" -c 'import mypy, ruff' 2>/dev/null; then
  step "Types and lint (mypy --strict, ruff)"
  "$python" -m mypy
  "$python" -m ruff check picket tests bench.py
  "$python" -m ruff format --check picket tests bench.py
else
  step "Types and lint: skipped (pip install mypy ruff to run them)"
fi

echo
echo "Python binding: all checks passed"
