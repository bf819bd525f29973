#!/usr/bin/env bash
# Every check of the Go binding: builds the Rust static library it links, then gofmt,
# go vet, the tests under the race detector (among them the real-client tests of
# cmd/picket-server and the vector runner's tests), the vector runner over the project's
# vectors, and each benchmark once (-benchtime=1x: exercised, not timed).
#
#   bindings/go/test.sh
set -euo pipefail
cd "$(dirname "$0")"

step() { printf '\n==> %s\n' "$*"; }

step "Rust static library: cargo build --release -p picket-ffi"
# The cgo flags link ../../target/release/libpicket.a: build into the workspace's target/.
(cd ../.. && env -u CARGO_TARGET_DIR cargo build --release -p picket-ffi)

step "gofmt and go vet"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
  echo "not gofmt-formatted:" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...

step "go test -race ./..."
go test -race -count=1 ./...

step "vectors through the Go binding"
go run ./cmd/vectors ../../tests/vectors/*.jsonl

step "benchmarks, once each (not timed)"
go test -run '^$' -bench . -benchtime=1x ./...
