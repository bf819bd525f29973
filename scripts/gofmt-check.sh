#!/usr/bin/env bash
# The one gofmt check of the test scripts: exits 1 and lists the Go files below each DIR
# (default: the current directory; gofmt walks every subdirectory, nested modules too) that
# gofmt would change.
#
#   scripts/gofmt-check.sh [DIR...]
set -euo pipefail
unformatted=$(gofmt -l "${@:-.}")
if [ -n "$unformatted" ]; then
  echo "not gofmt-formatted:" >&2
  echo "$unformatted" >&2
  exit 1
fi
