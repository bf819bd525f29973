#!/usr/bin/env bash
# Creates (or updates) the virtual environment the Python binding is built and tested in,
# with the pinned tools of requirements-test.txt. .ci/run calls it; so does test.sh.
#
#   bindings/python/venv.sh [DIR]     default: <repo>/target/python-venv
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${1:-$repo/target/python-venv}"
python="${PYTHON:-python3}"
stamp="$venv/.requirements"
if [[ ! -x "$venv/bin/python" ]]; then
  "$python" -m venv "$venv"
fi
if ! cmp -s "$here/requirements-test.txt" "$stamp"; then
  "$venv/bin/python" -m pip install -q --upgrade pip
  "$venv/bin/python" -m pip install -q -r "$here/requirements-test.txt"
  cp "$here/requirements-test.txt" "$stamp"
fi
echo "$venv"
