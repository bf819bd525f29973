#!/usr/bin/env bash
# The license files: LICENSE-MIT and LICENSE-APACHE at the root are the project's ("MIT OR
# Apache-2.0", as every package declares). A Go module (the binding's, and the server's that
# `go install …/server/cmd/picket-server` fetches), an npm package and a crate carry only
# their own directory, and a Python project's license-files must lie inside it, so each
# package root holds a copy: this checks the copies are the root's, byte for byte, and that
# `npm pack` and `cargo package` would publish them (bindings/python/test.sh checks the
# sdist and the wheel; a Go module's zip is every file of its directory).
#
#   scripts/check-licenses.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
for dir in bindings/go bindings/python bindings/node server picket-core; do
  for f in LICENSE-MIT LICENSE-APACHE; do
    cmp -s "$f" "$dir/$f" || { echo "check-licenses: $dir/$f is not the root's $f (copy it)" >&2; exit 1; }
  done
done
grep -q '"license": "MIT OR Apache-2.0"' bindings/node/package.json
grep -q '^license = "MIT OR Apache-2.0"$' bindings/python/pyproject.toml Cargo.toml
(cd bindings/node && npm pack --dry-run --json --ignore-scripts 2>/dev/null) | python3 -c '
import json, sys
files = {f["path"] for f in json.load(sys.stdin)[0]["files"]}
missing = {"LICENSE-MIT", "LICENSE-APACHE"} - files
assert not missing, f"npm pack leaves out {sorted(missing)}"'
crate_files=$(cargo package --list --allow-dirty -p picket-core)
for f in LICENSE-MIT LICENSE-APACHE; do
  grep -qx "$f" <<<"$crate_files" || { echo "check-licenses: cargo package -p picket-core leaves out $f" >&2; exit 1; }
done
echo "check-licenses: the license files of every package are the root's"
