#!/usr/bin/env bash
# bench/run.sh: the whole benchmark suite of issue 6, as one table.
#
#   bench/run.sh           the full run (about 2 minutes once built)
#   bench/run.sh --quick   short Go and Python runs, for a smoke test (< 1 minute once built;
#                          the Rust and C benchmarks are short already and run whole)
#
# Builds libpicket (cargo build --release -p picket-ffi, into the repository's target/: the Go
# and Python bindings link target/release, so CARGO_TARGET_DIR is ignored), then runs, in this
# order so that the C figure is compared with a Rust figure taken moments before:
#
#   Rust    bench/rust-summary.sh --stat fastest   (divan: picket-core/benches)
#   C       tests/c/bench.sh                        picket_registry_authenticate from C
#   Go      bindings/go/bench.sh                    the binding against the stdlib idiom, cgo
#   Python  bindings/python/bench.py                the binding against the stdlib idiom
#
# and prints one table (figure | value | reference | ratio | target | met) under a line naming
# the machine, its load and the date, with a footnote on the statistic of each part. The same
# text, in markdown, is written to bench/latest.md; each part's own output is kept in
# target/bench-run/. A ratio is figure / reference, both from this run.
#
# Exit status: 0 when every part ran, even if targets were missed (timing is not asserted:
# the machine may be shared); 1 when a part failed (its rows say FAILED); 2 for a bad option.
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

# Sizes of each part's run. Rust has none: its sample counts are fixed in the benchmarks
# (divan's attributes override its command-line options). C takes as many samples of as
# many calls as divan does for auth/keys/1000 (200 of 1,000), in both modes, so that the
# two fastest samples it compares are minima over as many draws.
c_samples=200 c_iterations=1000
if [ "$quick" = 1 ]; then
  mode="quick (--quick)"
  go_rounds=2 go_benchtime=200ms
  py_repeat=3 py_number=2
else
  mode="full"
  go_rounds=5 go_benchtime=2s
  py_repeat=25 py_number=10
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

if part build "$logs/build.txt" cargo build --release -q -p picket-ffi; then
  part Rust "$logs/rust.txt" bench/rust-summary.sh --stat fastest
  part C "$logs/c.txt" tests/c/bench.sh "$c_samples" "$c_iterations"
  part Go "$logs/go.txt" env ROUNDS="$go_rounds" bindings/go/bench.sh -test.benchtime="$go_benchtime"
  part Python "$logs/python.txt" python3 bindings/python/bench.py --repeat "$py_repeat" --number "$py_number"
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
versions="$(version rustc 1-2 --version), $(version go 3 version), $(version python3 1- --version), $(version "${CC:-gcc}" 1- --version)"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

header="Machine: $(uname -m), ${cpu:-unknown CPU}, $(nproc) CPUs, load average at start $load_start. $date_start, commit $commit, $mode run of ${elapsed} s."

step "table: bench/latest.md"
python3 - "$logs" "$repo/bench/latest.md" "$header" \
  "Toolchains: $versions. 1-minute load average before each part: $loads." \
  "$c_samples" "$c_iterations" "$go_rounds" "$go_benchtime" "${failed[*]:-}" <<'PY'
"""Reads each part's output in target/bench-run and prints the table."""
import os
import re
import sys

logs, latest, header, context, c_samples, c_iterations, go_rounds, go_benchtime, failed = sys.argv[1:10]
failed = failed.split()
rows = []  # (figure, value, reference, ratio, target, met)


def ns(v):
    """A time in ns as rust-summary.sh prints it."""
    return (f"{v:,.1f}" if v < 1000 else f"{v:,.0f}") + " ns"


def text(name):
    path = os.path.join(logs, name)
    if not os.path.exists(path + ".ok"):
        return None
    with open(path, encoding="utf-8") as f:
        return f.read()


def failed_row(part, why):
    rows.append((f"{part}: FAILED ({why})", "-", "-", "-", "-", "FAILED"))
    if part not in failed:
        failed.append(part)


# --- Rust: every row of rust-summary.sh, as it printed them.
rust = text("rust.txt")
rust_by_label = {}
# The benchmark names rust-summary.sh gives as references, and the label of the row that
# shows each one's figure (so that the reference column can show its value too).
REF_ROWS = {
    "floor": "floor:",
    "auth/valid": "authenticate, valid key",
    "auth/keys/1000": "authenticate, 1,000 keys",
    "redirect/matches/1": "redirect match, 1 entry",
    "redirect/siphash": "reference: SipHash",
    "reference/random_read_64mib": "reference: dependent random read",
}
if rust is None:
    failed_row("Rust", "see target/bench-run/rust.txt.err")
else:
    parsed = []
    for line in rust.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) != 6 or cells[0] == "figure" or set(cells[0]) == {"-"}:
            continue
        label, value, ref, ratio, target, met = cells
        if re.fullmatch(r"[\d,.]+", value):
            value += " ns"
        # rust-summary.sh labels the build time "median of 10" whatever --stat says.
        if "statistic: fastest" in rust:
            label = label.replace("(median of 10)", "(fastest of 10)")
        parsed.append([label, value, ref, ratio, target, met])
        rust_by_label[label] = value
    if not parsed:
        failed_row("Rust", "no table in target/bench-run/rust.txt")

    def ref_value(name):
        for label, value in rust_by_label.items():
            if name in REF_ROWS and label.startswith(REF_ROWS[name]):
                return value
        return None

    for label, value, ref, ratio, target, met in parsed:
        if ref != "-" and ref_value(ref):
            ref = f"{ref} ({ref_value(ref)})"
        rows.append((f"Rust: {label}", value, ref, ratio, target, met))

rust_1000 = None
for label, value in rust_by_label.items():
    if label.startswith("authenticate, 1,000 keys"):
        rust_1000 = float(value.replace(",", "").split()[0])

# --- C: the static library's fastest sample against Rust auth/keys/1000.
c = text("c.txt")
c_fig = {}
if c is not None:
    section = None
    for line in c.splitlines():
        if line.startswith("== C, static"):
            section = "static"
        elif line.startswith("== C, shared"):
            section = "shared"
        m = re.match(r"bench_authenticate keys=\d+ fastest_ns=([\d.]+) median_ns=([\d.]+)", line)
        if m and section:
            c_fig[section] = float(m.group(1))
if c is None or "static" not in c_fig:
    failed_row("C", "see target/bench-run/c.txt.err")
else:
    for section, what, limit in [
        ("static", "static library", 1.10),
        ("shared", "shared library", None),
    ]:
        if section not in c_fig:
            continue
        v = c_fig[section]
        label = f"C: picket_registry_authenticate, 1,000 keys, {what}"
        if rust_1000 is None:
            rows.append((label, ns(v), "-", "-", "-", "-"))
            continue
        ratio = v / rust_1000
        met = "-" if limit is None else ("yes" if ratio <= limit else "NO")
        target = "-" if limit is None else f"<= {limit:.2f} x"
        rows.append((label, ns(v), f"Rust auth/keys/1000 ({ns(rust_1000)})", f"{ratio:.2f}", target, met))

# --- Go: each benchmark's fastest run (wall ns/op; CPU ns/op separately).
go = text("go.txt")
runs = {}
for line in (go or "").splitlines():
    m = re.match(r"^(Benchmark\w+?)(?:-\d+)?\s+\d+\s+(.*)$", line)
    if not m:
        continue
    metrics = {unit: float(value) for value, unit in re.findall(r"([\d.]+) (\S+)", m.group(2))}
    runs.setdefault(m.group(1), []).append(metrics)


def go_min(name, unit):
    values = [r[unit] for r in runs.get(name, []) if unit in r]
    return min(values) if values else None


auth, idiom = go_min("BenchmarkAuthenticate", "ns/op"), go_min("BenchmarkIdiom", "ns/op")
if go is None or auth is None or idiom is None:
    failed_row("Go", "see target/bench-run/go.txt.err")
else:
    ratio = auth / idiom
    rows.append(("Go: stdlib idiom (Request.BasicAuth, sha256, map, subtle)", ns(idiom), "-", "-", "-", "-"))
    rows.append(("Go: binding, Registry.Authenticate", ns(auth), f"Go idiom ({ns(idiom)})",
                 f"{ratio:.2f}", "<= 1.00 x", "yes" if ratio <= 1.0 else "NO"))
    a_cpu, i_cpu = go_min("BenchmarkAuthenticate", "cpu-ns/op"), go_min("BenchmarkIdiom", "cpu-ns/op")
    if a_cpu and i_cpu:
        rows.append(("Go: binding, in process CPU time", f"{ns(a_cpu)} CPU", f"Go idiom ({ns(i_cpu)} CPU)",
                     f"{a_cpu / i_cpu:.2f}", "-", "-"))
    cgo = go_min("BenchmarkCgoOverhead", "ns/op")
    if cgo is not None:
        rows.append(("Go: cgo call overhead alone (a trivial C call)", ns(cgo), f"Go binding ({ns(auth)})",
                     f"{cgo / auth:.2f}", "-", "-"))
    unknown = go_min("BenchmarkAuthenticateUnknownKey", "ns/op")
    if unknown is not None:
        rows.append(("Go: binding, unknown key (error built)", ns(unknown), f"Go binding ({ns(auth)})",
                     f"{unknown / auth:.2f}", "-", "-"))
    parallel = go_min("BenchmarkAuthenticateParallel", "ns/op")
    if parallel is not None:
        rows.append((f"Go: binding, all {os.cpu_count()} CPUs at once (per call)", ns(parallel),
                     f"Go binding ({ns(auth)})", f"{parallel / auth:.2f}", "-", "-"))

    def heap(name):
        last = runs.get(name, [{}])[-1]
        if "B/op" not in last or "allocs/op" not in last:
            return "?"
        return f"{last['B/op']:.0f} B, {last['allocs/op']:.0f} allocs"

    rows.append(("Go: heap per call, binding", heap("BenchmarkAuthenticate"),
                 f"Go idiom ({heap('BenchmarkIdiom')})", "-", "-", "-"))

# --- Python: bench.py's best rounds (process CPU time).
py = text("python.txt")
cases, speedup, py_stat = {}, None, ""
for line in (py or "").splitlines():
    m = re.match(r"^  (.+?)\s+(\d+) ns/call", line)
    if m:
        cases[m.group(1)] = float(m.group(2))
    m = re.match(r"^speed-up of the binding over the idiom: ([\d.]+)x", line)
    if m:
        speedup = float(m.group(1))
    m = re.search(r"process CPU time, best of (\d+) rounds of (\d+) calls", line)
    if m:
        py_stat = f"best of {m.group(1)} rounds of {int(m.group(2)):,} calls"
IDIOM = "stdlib idiom (str header)"
BINDING = "Registry.authenticate (str header)"
if py is None or IDIOM not in cases or BINDING not in cases or speedup is None:
    failed_row("Python", "see target/bench-run/python.txt.err")
else:
    idiom_ns = cases[IDIOM]
    ref = f"Python idiom ({ns(idiom_ns)})"
    rows.append(("Python: stdlib idiom (base64, hashlib, dict, hmac.compare_digest)", ns(idiom_ns),
                 "-", "-", "-", "-"))
    rows.append((f"Python: binding, {BINDING}, {speedup:.2f} x faster", ns(cases[BINDING]), ref,
                 f"{1 / speedup:.2f}", "<= 0.33 x (3 x faster)", "yes" if speedup >= 3 else "NO"))
    for name, value in cases.items():
        if name in (IDIOM, BINDING):
            continue
        rows.append((f"Python: {name}", ns(value), ref, f"{value / idiom_ns:.2f}", "-", "-"))

# --- The table, its footnotes, and bench/latest.md.
missed = [r[0] for r in rows if r[5] == "NO"]
head = ("figure", "value", "reference", "ratio", "target", "met")
widths = [max(len(r[i]) for r in rows + [head]) for i in range(6)]
right = (1, 3)


def show(r):
    cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))]
    return "| " + " | ".join(cells) + " |"


rule = "|" + "|".join("-" * (w + 1) + (":" if i in right else "-") for i, w in enumerate(widths)) + "|"
notes = [
    "A ratio is figure / reference, both from this run; a target on a ratio is met when the "
    "ratio is within it.",
    "",
    "Statistics (the machine is shared: the least disturbed sample is the figure):",
    "- Rust: divan's fastest sample of each benchmark (200 samples of 1,000 calls, wall clock, "
    "as picket-core/benches/core.rs sets them); "
    "the 1,000,000-key build: fastest of 10 builds; registry_memory: best of 3 builds, bytes "
    "counted by a global allocator.",
    f"- C: fastest of {int(c_samples):,} samples of {int(c_iterations):,} calls "
    "(wall clock, CLOCK_MONOTONIC): the fixture, sample count and statistic of Rust "
    "auth/keys/1000.",
    f"- Go: fastest of {go_rounds} runs (interleaved rounds of -benchtime={go_benchtime}); a run's "
    "ns/op is the wall-clock mean over its calls; the CPU row is process CPU time per call "
    "(cpu-ns/op), fastest run.",
    f"- Python: bench.py's {py_stat or 'best round'} per case, in process CPU time "
    "(time.process_time: bench.py offers no wall-clock figure); ratios are figure / idiom, so "
    "lower is faster.",
]
summary = f"Targets missed: {len(missed)}" + (": " + "; ".join(missed) if missed else "") + "."
if failed:
    summary += f" Parts FAILED: {', '.join(failed)} (their output: target/bench-run/)."
out = [header, "", context, "", show(head), rule] + [show(r) for r in rows] + ["", summary, ""] + notes
print("\n".join(out))
with open(latest, "w", encoding="utf-8") as f:
    f.write("<!-- Generated by bench/run.sh; each run overwrites it. -->\n\n")
    f.write("\n".join(out) + "\n")
sys.exit(1 if failed else 0)
PY
table_rc=$?

step "done in $(( $(date +%s) - start ))s"
[ ${#failed[@]} -eq 0 ] && [ "$table_rc" -eq 0 ]
