#!/usr/bin/env bash
# Every check of the Go binding, built as a user builds it: scripts/libpicket-env.sh
# installs libpicket with `make install` into a prefix (target/prefix, or
# $CARGO_TARGET_DIR/prefix) and copies its static library and header into packaged/, where
# the default build finds them as it does in a release's module zip. Then gofmt, go vet,
# the tests under the race detector (among them the vector runner's tests), the package's
# tests again linked through pkg-config to the installed libpicket.a
# (-tags picket_pkgconfig) and libpicket.so (-tags picket_shared), Require under three
# routers (routertest), the vector runner over the project's vectors, and each benchmark
# once (-benchtime=1x: exercised, not timed). tests/install/go.sh tests the module zip of
# `make dist` as users get it.
#
#   bindings/go/test.sh
set -euo pipefail
cd "$(dirname "$0")"

step() { printf '\n==> %s\n' "$*"; }

# Re-run under scripts/with-libpicket.sh: make install into target/prefix, packaged/, PKG_CONFIG_PATH.
if [ -z "${PICKET_PREFIX:-}" ]; then exec ../../scripts/with-libpicket.sh ./test.sh "$@"; fi
prefix="$PICKET_PREFIX"
step "libpicket installed in $prefix (PKG_CONFIG_PATH=$PKG_CONFIG_PATH)"

step "gofmt and go vet"
../../scripts/gofmt-check.sh  # the whole tree: routertest (a module of its own) too
go vet ./...

step "go test -race ./... (the default: packaged/lib/linux-amd64/libpicket.a)"
go test -race -count=1 ./...

step "go test -tags picket_pkgconfig . (the installed libpicket.a, through pkg-config)"
go test -tags picket_pkgconfig -count=1 .

step "go test -tags picket_shared . (libpicket.so, found at run time through LD_LIBRARY_PATH)"
LD_LIBRARY_PATH="$prefix/lib" go test -tags picket_shared -count=1 .

step "Require with net/http's ServeMux, chi and gorilla/mux (routertest: a module of its own, so the binding needs no router)"
(cd routertest && go vet ./... && go test -race -count=1 ./...)

step "vectors through the Go binding"
go run ./cmd/vectors ../../tests/vectors/*.jsonl

step "benchmarks, once each (not timed)"
go test -run '^$' -bench . -benchtime=1x ./...
