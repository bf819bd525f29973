#!/usr/bin/env bash
# Runs every test of picket: Rust (core and C ABI), the shared vectors in every runtime,
# the C tests under valgrind and sanitizers, Go, Python, Node, the server, the release
# artifacts and their install tests, fuzzing, and every benchmark once (untimed).
#
#   scripts/test.sh           everything (what CI runs)
#   scripts/test.sh --quick   everything but fuzzing and the sanitizer builds of the Rust tests
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    *) echo "usage: scripts/test.sh [--quick]" >&2; exit 2 ;;
  esac
done

start=$(date +%s)
step() { printf '\n==> [%ss] %s\n' "$(( $(date +%s) - start ))" "$*"; }

# The README's prerequisites, checked in a second: one line per missing one, with the
# command that installs it, and nothing runs.
scripts/prereqs.sh || { echo "scripts/test.sh: install the prerequisites above, then run it again" >&2; exit 1; }

step "CI's clean room (fresh HOME, PATH of system directories and toolchains, a check that stops on a tool the README does not name) and the prerequisites' check (each missing one stops this script at once): tests/ci/"
tests/ci/run.sh
tests/ci/prereqs.sh

step "Project tools, pinned, into target/ (scripts/tools.sh: cbindgen, cargo-fuzz, the Python venv, Playwright + Chromium, systemd-analyze)"
scripts/tools.sh all

step "Rust: unit, property, hostile-input, doc and vector tests; every benchmark once, untimed"
# --all-targets builds the benches too and runs each once in test mode: that is what proves
# they compile and run (a separate `cargo bench --no-run` would only relink them with fat LTO).
cargo test --workspace --all-targets
cargo test --workspace --doc

step "Build libpicket (release): every other runtime links it"
cargo build --release -p picket-ffi

step "Vectors: Rust core"
cargo run -q --release -p picket-core --example vectors -- tests/vectors/*.jsonl
step "Vectors: C ABI"
cargo run -q --release -p picket-ffi --example vectors -- tests/vectors/*.jsonl

step "C tests: static and shared library, valgrind, ASan+UBSan"
if [ "$quick" = 1 ]; then tests/c/run.sh --no-sanitizers; else tests/c/run.sh; fi

step "License files: every package's copy is the root's LICENSE-MIT and LICENSE-APACHE, and npm pack and cargo package carry them"
scripts/check-licenses.sh

step "Python binding: sdist, wheel (auditwheel) into a venv; pytest, vectors, benchmark once, from outside the checkout"
bindings/python/test.sh

step "Node binding: npm ci, addon + tsc build, types, node --test (worker races), vectors"
bindings/node/test.sh

step "Go binding: vet, race tests, vectors, benchmarks once, against an installed prefix"
bindings/go/test.sh

step "Memory returned after every rebuild: C, Go, Python and Node (tests/memory/run.sh: 100,000 keys x 200 rebuilds each)"
tests/memory/run.sh

step "Consumer: make install, the README's C and Go quick starts from a checkout, from outside it"
tests/consumer/run.sh

step "Release artifacts: make dist (C tarballs, the Go module as a proxy serves it, Python sdist + abi3 wheel, Node package)"
make dist
python3 scripts/dist/check-sizes.py   # the README's table of artifacts states their sizes (within 10%)

step "Install tests from dist/, no Rust on PATH: C tarball (pkg-config), Go (GOPROXY=file://), Python (pip, every CPython 3.9+; 3.8 refused)"
tests/install/c.sh
tests/install/go.sh
tests/install/python.sh

# Reproducible: a fresh clone elsewhere builds the same bytes. dist/ is HEAD's only when
# nothing is uncommitted (always so in CI); a working tree with changes skips it, saying so.
if [ -z "$(git status --porcelain --untracked-files=no)" ]; then
  step "Release artifacts are reproducible: make dist in a fresh clone elsewhere, byte for byte (scripts/dist/reproduce.sh)"
  scripts/dist/reproduce.sh
else
  step "Reproducibility: skipped (uncommitted changes; dist/ is not HEAD's): scripts/dist/reproduce.sh"
fi

step "The abi3 wheel against the version-specific build it replaced, every CPython, once with few samples (scripts/dist/bench-python.sh; the README's figures come from a full run)"
scripts/dist/bench-python.sh 3e7249c --repeat 1 --number 1

step "Go server (server/): vet, race tests over SQLite (and PostgreSQL when PICKET_TEST_POSTGRES_URL is set)"
server/test.sh

step "Dashboard in a real browser (Playwright + Debian's Chromium), SQLite and PostgreSQL"
server/tests/browser/run.sh

step "Server with real parts: 4 client runtimes, SQLite and PostgreSQL, restarts, load"
if [ "$quick" = 1 ]; then PICKET_LOAD_SECONDS=${PICKET_LOAD_SECONDS:-5} server/tests/run.sh; else server/tests/run.sh; fi

step "README commands no other test runs (demo.sh and its variants, the vector runners, picket-ct, bench/run.sh --quick), as written; every README command has a runner (tests/readme/commands.tsv)"
tests/readme/run.sh

if [ "$quick" = 1 ]; then
  step "Quick run: fuzzing and Rust sanitizer builds skipped"
else
  step "Rust tests under AddressSanitizer"
  RUSTC_BOOTSTRAP=1 RUSTFLAGS=-Zsanitizer=address CARGO_TARGET_DIR="$repo/target/asan" \
    cargo test -p picket-core -p picket-ffi --target x86_64-unknown-linux-gnu --lib --tests

  step "Python binding: thread and lifetime tests under AddressSanitizer"
  bindings/python/asan.sh

  if cargo +nightly miri --version >/dev/null 2>&1; then
    step "Miri: the FFI crate's Rust tests"
    MIRIFLAGS=-Zmiri-disable-isolation cargo +nightly miri test -p picket-ffi --lib --test api
  else
    step "Miri: skipped (no nightly toolchain with the miri component on this machine)"
  fi

  step "Fuzzing: every target for ${FUZZ_SECONDS:-30}s (cargo-fuzz, ASan, stable + RUSTC_BOOTSTRAP)"
  (cd fuzz && cargo test -q)
  fuzz/ci.sh
fi

step "All tests passed in $(( $(date +%s) - start ))s"
