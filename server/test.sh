#!/usr/bin/env bash
# Every check of the server's Go module: gofmt, go vet, and the tests under the race
# detector (real SQLite files, loopback HTTP, the real serve path). With
# PICKET_TEST_POSTGRES_URL set (postgres://...), the PostgreSQL tests run too, each in a
# schema of its own.
#
#   server/test.sh
set -euo pipefail
cd "$(dirname "$0")"
. ../scripts/libpicket-env.sh

../scripts/gofmt-check.sh
go vet ./...
go test -race -count=1 ./...
