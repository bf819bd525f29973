#!/usr/bin/env bash
# Runs a command with this checkout's libpicket installed the way users install it (see
# scripts/libpicket-env.sh, which does the work).
#
#   scripts/with-libpicket.sh go test ./...            (from any directory)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/libpicket-env.sh"
exec "$@"
