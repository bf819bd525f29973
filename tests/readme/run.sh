#!/usr/bin/env bash
# Runs, as written, the README commands that no other test runs: the two demo commands with
# their variants, the Rust tour, the vector runners' block, the constant-time harness, the
# benchmark suite's smoke run, and the full runs that take seconds (the Node benchmark, two
# Rust bench targets). First it audits that every command the README shows has a test that
# runs it (tests/readme/commands.py over commands.tsv, which names the runner of each: the
# quick starts are run by tests/install/, tests/consumer/run.sh and the bindings' tests, the
# server's endpoint and operator lines by server/tests, scripts/test.sh by CI itself).
#
#   tests/readme/run.sh     from anywhere, on a fresh clone too: it sets up what the README
#                           states as each line's precondition (picket pip-installed for the
#                           Python line) before running the lines
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
work="$(mktemp -d)"
data_made=0
[ -e picket-data ] || data_made=1
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ "$data_made" = 1 ] && rm -rf picket-data
  rm -rf "$work"
}
trap cleanup EXIT
passed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; echo "$passed passed, 1 failed"; exit 1; }

# 0. Every command the README shows is accounted for: a runner that runs it (commands.tsv).
python3 tests/readme/commands.py || fail "a README command that no test runs (tests/readme/commands.tsv)"
ok "every README command has a test that runs it (tests/readme/commands.tsv)"

# The lines of the first ```sh block of a README section (tests/readme/blocks.py), comments
# and blank lines stripped.
block() {
  local text
  text="$(python3 tests/readme/blocks.py README.md "$1" sh)" || fail "README.md: no sh block under $1"
  sed 's/[[:space:]]*#.*$//' <<<"$text" | grep -v '^[[:space:]]*$'
}

# 1. The vector runners (Rust, C ABI, Go, Python, Node), each line as written, from the
# repository root. The Python line
# needs picket installed, as the README says ("pip install ./bindings/python first"): this
# installs this checkout's picket into the project's venv (scripts/tools.sh) as the README
# says, every time (one installed from an older checkout would answer the vectors of an
# older core), then puts the venv first on PATH.
venv="$(scripts/tools.sh python-venv)"
echo "tests/readme/run.sh: pip install ./bindings/python (into $venv; the Python line's precondition)"
env -u CARGO_TARGET_DIR "$venv/bin/python3" -m pip install -q --force-reinstall --no-deps ./bindings/python ||
  fail "pip install ./bindings/python"
# The Node line needs picket-node built in place ("bindings/node/build.sh first"): built
# here every time (cargo rebuilds only what changed), after npm ci on a fresh clone.
echo "tests/readme/run.sh: bindings/node/build.sh (the Node line's precondition)"
bindings/node/build.sh || fail "bindings/node/build.sh"
lines=()
while IFS= read -r line; do lines+=("$line"); done < <(block "## Test vectors")
[ "${#lines[@]}" = 5 ] || fail "the README's vector block has ${#lines[@]} lines, expected 5"
cases=$(cat tests/vectors/*.jsonl | grep -c .)
for line in "${lines[@]}"; do
  out="$(PATH="$venv/bin:$PATH" bash -c "$line" 2>&1)" || { echo "$out" >&2; fail "$line"; }
  grep -q "$cases passed, 0 failed" <<<"$out" || { echo "$out" >&2; fail "$line: not $cases passed"; }
  ok "$line"
done

# 2. scripts/demo.sh --tour: the printed walk through the core.
out="$(scripts/demo.sh --tour 2>&1)" || { echo "$out" >&2; fail "scripts/demo.sh --tour"; }
grep -q "pk_" <<<"$out" || fail "scripts/demo.sh --tour printed no key"
ok "scripts/demo.sh --tour"
# The Rust quick start's line, as written (a debug build; demo.sh --tour runs it with --release).
out="$(cargo run -p picket-core --example tour 2>&1)" || { echo "$out" >&2; fail "cargo run -p picket-core --example tour"; }
grep -q "pk_" <<<"$out" || fail "cargo run -p picket-core --example tour printed no key"
ok "cargo run -p picket-core --example tour"

# 3. scripts/demo.sh and scripts/demo.sh -addr 127.0.0.1:0, as written, from the root: the
# server on SQLite in ./picket-data with no setup. The first start on an empty store prints
# the first project's keys; the second start keeps them and prints none.
serve() { # $@: the command as written; sets server_pid and base; output in $work/out
  : >"$work/out"
  "$@" >"$work/out" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do
    base="$(sed -n 's/^listening on //p' "$work/out" | head -n 1)"
    [ -n "$base" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/out" >&2; fail "$* exited"; }
    sleep 0.5
  done
  fail "$*: no 'listening on' line"
}
stop() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=; }

if [ "$data_made" = 1 ]; then first=(scripts/demo.sh -addr 127.0.0.1:0); second=(scripts/demo.sh)
else first=(scripts/demo.sh); second=(scripts/demo.sh -addr 127.0.0.1:0); fi
serve "${first[@]}"
[ "$(curl -s "$base/healthz")" = '{"status":"ok"}' ] || fail "${first[*]}: /healthz"
# It says what it does while it builds: a line per step, before the server's own output.
for said in "building libpicket" "building picket-server" "starting "; do
  grep -q "^demo.sh: $said" "$work/out" || fail "${first[*]} did not say 'demo.sh: $said...'"
done
# ...and the build's own progress: cargo's lines (its last, "Finished", even when nothing
# was left to compile) between the first step's line and the second's.
sed -n '/^demo.sh: building libpicket/,/^demo.sh: building picket-server/p' "$work/out" |
  grep -q '^ *Finished .release. profile' || fail "${first[*]} did not show cargo's progress while building libpicket"
# It prints the dashboard's URL, which serves the log-in page.
grep -qx "dashboard: $base/dashboard/" "$work/out" || fail "${first[*]} did not print 'dashboard: $base/dashboard/'"
curl -sfL "$base/dashboard/" | grep -q '<form' || fail "${first[*]}: $base/dashboard/ serves no form"
if [ "$data_made" = 1 ]; then
  sk="$(grep -o 'sk_[0-9a-f]\{32\}' "$work/out" | head -n 1)"
  [ -n "$sk" ] || fail "${first[*]}: the first start printed no secret key"
  curl -sf -u "$sk:" "$base/v1/project" | grep -q '"My First Project"' || fail "${first[*]}: My First Project"
fi
stop
ok "${first[*]}"
serve "${second[@]}"
[ "$(curl -s "$base/healthz")" = '{"status":"ok"}' ] || fail "${second[*]}: /healthz"
if [ "${second[*]}" = scripts/demo.sh ]; then
  [ "$base" = http://127.0.0.1:8080 ] || fail "scripts/demo.sh listens on $base, not 127.0.0.1:8080"
fi
if grep -q 'sk_[0-9a-f]\{32\}' "$work/out"; then fail "${second[*]}: a restart printed a key again"; fi
[ -z "${sk:-}" ] || curl -sf -u "$sk:" "$base/v1/project" >/dev/null || fail "${second[*]}: the key did not survive"
stop
ok "${second[*]}"

# 4. scripts/demo.sh -metrics-addr 127.0.0.1:9464 (the endpoint tour's start): the metrics
# are served on that second address, and count the requests made on the first.
serve scripts/demo.sh -metrics-addr 127.0.0.1:9464
curl -s -o /dev/null "$base/v1/ping"
metrics="$(curl -sf http://127.0.0.1:9464/metrics)" || fail "-metrics-addr 127.0.0.1:9464: no /metrics there"
grep -q '^picket_auth_total{outcome="header_missing"}' <<<"$metrics" ||
  { grep '^picket_' <<<"$metrics" | head -n 20 >&2; fail "-metrics-addr: the unauthenticated /v1/ping is not counted"; }
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/metrics")" = 404 ] || fail "-metrics-addr: /metrics is also on the API address"
stop
ok "scripts/demo.sh -metrics-addr 127.0.0.1:9464"

# 5. cargo run --release -p picket-ct, as written: every case measured and given a verdict.
# The verdicts are the README's measured figures, not asserted here (timing on a shared
# machine is noisy): exit 1 (a claim not met on this run) is reported, 2 (an error) fails.
cases_ct="$(cargo run -q --release -p picket-ct -- --list | grep -c '^[^ ]')"
set +e
cargo run -q --release -p picket-ct >"$work/ct.txt" 2>"$work/ct.err"
rc=$?
set -e
cat "$work/ct.txt"
[ "$rc" -le 1 ] || { tail -n 20 "$work/ct.err" >&2; fail "cargo run --release -p picket-ct: exit $rc"; }
rows="$(grep -c ' | .* | .* | \(pass\|FAIL\|leak\|no leak\)' "$work/ct.txt" || true)"
[ "$rows" = "$cases_ct" ] || fail "cargo run --release -p picket-ct: $rows verdicts for $cases_ct cases"
ok "cargo run --release -p picket-ct ($cases_ct cases; exit $rc: $(tail -n 1 "$work/ct.txt" | sed 's/.*)\. //'))"

# 6. bench/run.sh --quick, as written: every part (Rust, C, Go, Python, Node) runs and the
# table names each; the figures are not asserted (a smoke run on a shared machine).
bench/run.sh --quick >"$work/bench.txt" 2>&1 || { tail -n 30 "$work/bench.txt" >&2; fail "bench/run.sh --quick"; }
grep -q 'Parts failed: none' bench/latest.md || fail "bench/run.sh --quick: bench/latest.md does not say 'Parts failed: none'"
for part in rust c go python node; do
  grep -qi "^| $part\b" bench/latest.md || { cat bench/latest.md >&2; fail "bench/run.sh --quick: no $part row in bench/latest.md"; }
done
ok "bench/run.sh --quick (every part; table in bench/latest.md)"

# 7. The Node part's full run, as the Performance section gives it: a few seconds, so run as
# written (bench/run.sh --quick built the addon); every line a figure, the README's among them.
node bindings/node/bench/bench.mjs --json --repeat 31 --number 20 >"$work/node-bench.json" ||
  fail "node bindings/node/bench/bench.mjs --json --repeat 31 --number 20"
python3 - "$work/node-bench.json" <<'PY' || fail "node bindings/node/bench/bench.mjs --json: not the figures the README shows"
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
names = {r["figure"] for r in rows}
assert all(r["unit"] == "ns" and r["value"] > 0 for r in rows), rows
for want in ("node Registry.authenticate", "node Registry.authenticate, JS SDK header"):
    assert want in names, (want, sorted(names))
PY
ok "node bindings/node/bench/bench.mjs --json --repeat 31 --number 20 ($(grep -c . "$work/node-bench.json") figures)"

# 8. The two Rust benchmark lines the README quotes figures from, as written: about half a
# minute together, most of it compiling (cargo test --all-targets only runs them once,
# untimed). The figures are not asserted (a shared machine); that they are produced is.
out="$(cargo bench -p picket-core --bench core -- redact 2>&1)" || { echo "$out" >&2; fail "cargo bench -p picket-core --bench core -- redact"; }
for bench in redact_clean redact_with_secret; do
  grep -q "$bench .* µs\|$bench .* ns" <<<"$out" || { echo "$out" >&2; fail "cargo bench --bench core -- redact: no $bench figure"; }
done
ok "cargo bench -p picket-core --bench core -- redact (redact_clean, redact_with_secret)"
out="$(cargo bench -p picket-core --bench update 2>&1)" || { echo "$out" >&2; fail "cargo bench -p picket-core --bench update"; }
grep -q '^{"figure": "registry: one project of 10 keys replaced (with_projects)' <<<"$out" ||
  { echo "$out" >&2; fail "cargo bench -p picket-core --bench update: no with_projects figure"; }
ok "cargo bench -p picket-core --bench update ($(grep -c '^{"figure"' <<<"$out") figures)"

echo "$passed passed, 0 failed"
