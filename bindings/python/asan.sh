#!/usr/bin/env bash
# Runs the Python binding's thread and lifetime tests under AddressSanitizer: libpicket
# built with -Zsanitizer=address (stable cargo + RUSTC_BOOTSTRAP, as scripts/test.sh does
# for the Rust tests), the two extension modules compiled and linked with
# -fsanitize=address against it, and the ASan runtime preloaded into the venv's Python.
# A use after free of a builder or a registry (a build or close racing a call inside the
# library) aborts the run with ASan's report.
#
#   bindings/python/asan.sh            (after bindings/python/venv.sh)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="$("$here/venv.sh")"
py="$venv/bin/python"
triple="$(rustc -vV | sed -n 's/^host: //p')"
target="$repo/target/python-asan"

printf '\n==> libpicket with AddressSanitizer (%s)\n' "$triple"
(cd "$repo" && RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zsanitizer=address" CARGO_TARGET_DIR="$target/cargo" \
  cargo build -q -p picket-ffi --target "$triple")
lib="$target/cargo/$triple/debug/libpicket.a"

printf '\n==> picket (cffi module and C hot path) with -fsanitize=address\n'
rm -rf "$target/lib" "$target/build"
(cd "$here" && PICKET_STATIC_LIB="$lib" CFLAGS="-fsanitize=address -fno-omit-frame-pointer" \
  LDFLAGS="-fsanitize=address" "$py" setup.py -q build --build-base "$target/build" \
  --build-lib "$target/lib" >/dev/null)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$here/tests" "$work/tests"
cd "$work"
asan_rt="$(${CC:-gcc} -print-file-name=libasan.so)"
run() {
  printf '\n==> pytest under ASan (%s)\n' "$*"
  # Leaks are not checked: CPython keeps memory until exit on purpose. -s: an ASan report
  # goes to stderr as it happens (pytest's capture would lose it in the abort).
  env LD_PRELOAD="$asan_rt" ASAN_OPTIONS="detect_leaks=0:abort_on_error=1" PYTHONMALLOC=malloc \
    PYTHONPATH="$target/lib" PICKET_REPO="$repo" PICKET_RACE_ROUNDS=150 "$@" \
    "$py" -m pytest -q -s -p no:cacheprovider tests/test_races.py tests/test_threads.py \
    tests/test_registry.py
}
run
run PICKET_NO_SPEEDUPS=1
echo
echo "Python binding under AddressSanitizer: passed"
