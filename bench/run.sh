#!/usr/bin/env bash
# bench/run.sh: the whole benchmark suite, as one table.
#
#   bench/run.sh           the full run
#   bench/run.sh --quick   fewer samples everywhere, for a smoke test
#
# Installs libpicket into target/prefix (scripts/libpicket-env.sh) and the Python binding
# into target/python-venv (CARGO_TARGET_DIR is ignored), then runs each part, whose output is
# kept in target/bench-run/:
#
#   Rust    cargo bench -p picket-core --bench figures, --bench registry_memory   (rust.txt)
#   C       tests/c/bench.sh                  picket_registry_authenticate from C   (c.txt)
#   Go      go test -bench in bindings/go     the binding against the stdlib idiom  (go.txt)
#   Python  bindings/python/bench.py --json   the binding against the stdlib idiom  (python.txt)
#   Node    bindings/node/bench/bench.mjs --json   picket-node against the Node idiom   (node.txt)
#
# Every part prints its figures as JSON lines (one object per figure: figure, value, unit,
# reference, target_ratio, note); Go prints the standard `go test -bench` format. One
# script, bench/report.py, reads them all and prints the table (figure | value | reference |
# ratio | target | met), also written to bench/latest.md, under a line naming the machine,
# its load and the date.
#
# Exit status: 0 when every part ran, even if targets were missed (timing is not asserted:
# the machine may be shared); 1 when a part failed or a figure is malformed; 2 for a bad
# option.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
unset CARGO_TARGET_DIR

quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    -h | --help) sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) echo "usage: bench/run.sh [--quick]" >&2; exit 2 ;;
  esac
done

# Sizes of each part's run. C takes as many samples of as many calls as the Rust figures
# (tests/c/bench.sh SAMPLES ITERATIONS); Go runs its suite ROUNDS times.
if [ "$quick" = 1 ]; then
  mode="quick (--quick)"
  rust_args=(--quick)
  c_samples=50 c_iterations=1000
  go_rounds=1 go_benchtime=200ms
  py_args=(--repeat 3 --number 2)
  node_args=(--repeat 5 --number 2)
else
  mode="full"
  rust_args=()
  c_samples=300 c_iterations=2000
  go_rounds=5 go_benchtime=2s
  py_args=(--repeat 25 --number 10)
  node_args=(--repeat 31 --number 20)
fi

logs="$repo/target/bench-run"
rm -rf "$logs"
mkdir -p "$logs"

start=$(date +%s)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
date_start=$(date -u '+%Y-%m-%d %H:%M UTC')
loads=""
failed=()

step() { printf '==> [%3ss] %s\n' "$(( $(date +%s) - start ))" "$*" >&2; }

# part NAME LOG COMMAND...: runs COMMAND with its stdout in LOG and its stderr in LOG.err,
# noting the 1-minute load average before it; on failure, shows the end of both.
part() {
  local name=$1 log=$2
  shift 2
  loads="$loads${loads:+, }$name $(cut -d' ' -f1 /proc/loadavg)"
  step "$name: $*"
  if ! "$@" >"$log" 2>"$log.err"; then
    failed+=("$name")
    echo "bench/run.sh: $name failed; the end of its output ($log, $log.err):" >&2
    tail -n 15 "$log" "$log.err" >&2
    rm -f "$log.ok"
    return 1
  fi
  touch "$log.ok"
}

# go_bench: the Go suite, ROUNDS interleaved rounds of every benchmark (a change of load hits
# the binding and the idiom alike), in the standard `go test -bench` format.
go_bench() {
  local bin
  bin=$(mktemp)
  (cd bindings/go && go test -c -o "$bin" .) || return 1
  for _ in $(seq "$go_rounds"); do
    (cd bindings/go && "$bin" -test.run '^$' -test.bench . -test.benchmem -test.benchtime="$go_benchtime") || { rm -f "$bin"; return 1; }
  done
  rm -f "$bin"
}

rust_bench() {
  cargo bench -q -p picket-core --bench figures -- "${rust_args[@]}" &&
    cargo bench -q -p picket-core --bench registry_memory
}

# prepare: libpicket installed as users install it (scripts/libpicket-env.sh: make install
# into target/prefix, PKG_CONFIG_PATH for Go's cgo), and this checkout's Python binding
# installed into the venv bench.py runs in (pip install ./bindings/python, as the README
# shows; every run, so that an install from an older checkout is never measured).
venv="$repo/target/python-venv"
prepare() {
  . scripts/libpicket-env.sh || return 1
  bindings/python/venv.sh >/dev/null && "$venv/bin/python" -m pip install -q --force-reinstall --no-deps ./bindings/python
}

# node_prepare: picket-node built in place from this checkout (build.sh: npm ci on first
# use, then the addon and dist/; cargo rebuilds only what changed).
node_prepare() {
  bindings/node/build.sh
}

node_bench() {
  node_prepare >&2 && node bindings/node/bench/bench.mjs --json "${node_args[@]}"
}

if part build "$logs/build.txt" prepare; then
  part Rust "$logs/rust.txt" rust_bench
  part C "$logs/c.txt" tests/c/bench.sh "$c_samples" "$c_iterations"
  part Go "$logs/go.txt" go_bench
  part Python "$logs/python.txt" "$venv/bin/python" bindings/python/bench.py --json "${py_args[@]}"
  part Node "$logs/node.txt" node_bench
fi
loads="$loads, end $(cut -d' ' -f1 /proc/loadavg)"
elapsed=$(( $(date +%s) - start ))

cpu=$(grep -m1 -E '^(model name|Model|cpu model)' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
# version TOOL FIELDS ARGS...: fields FIELDS of the first line `TOOL ARGS...` prints, or "no TOOL".
version() {
  local tool=$1 fields=$2
  shift 2
  if command -v "$tool" >/dev/null; then
    "$tool" "$@" 2>&1 | head -n1 | cut -d' ' -f"$fields"
  else
    echo "no $tool"
  fi
}
versions="$(version rustc 1-2 --version), $(version go 3 version), $(version python3 1- --version), node $(version node 1 --version), $(version "${CC:-gcc}" 1- --version)"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

header="Machine: $(uname -m), ${cpu:-unknown CPU}, $(nproc) CPUs, load average at start $load_start. $date_start, commit $commit, $mode run of ${elapsed} s."

step "table: bench/latest.md"
parts=()
for name in rust c go python node; do
  [ -e "$logs/$name.txt.ok" ] && parts+=("$logs/$name.txt")
done
python3 bench/report.py --out bench/latest.md \
  --title "$header" \
  --title "Toolchains: $versions. 1-minute load average before each part: $loads. Parts failed: ${failed[*]:-none}." \
  --title "Statistics: Rust, median of alternating samples (figures.rs); C, median sample; Go, median of $go_rounds runs of -benchtime=$go_benchtime; Python, as bench.py --json reports; Node, median of alternating samples (bench.mjs). A ratio is figure / reference, both from this run." \
  "${parts[@]}"
table_rc=$?

step "done in $(( $(date +%s) - start ))s"
[ ${#failed[@]} -eq 0 ] && [ "$table_rc" -eq 0 ]
