#!/usr/bin/env bash
# The Go benchmarks of issue 6, run properly: the binding (Registry.Authenticate) against
# the standard-library idiom a Go server writes (Request.BasicAuth + crypto/sha256 + map +
# crypto/subtle) on the same 1,000 keys and requests, the bare cgo call, the rejection path
# and the binding from all CPUs at once.
#
#   bindings/go/bench.sh                 5 rounds of -benchtime=2s
#   ROUNDS=9 bindings/go/bench.sh -test.benchtime=5s
#
# The 5 runs of each benchmark (what -count=5 gives) are made as 5 interleaved rounds of
# the whole suite, so that a change in the machine's load hits the binding and the idiom
# alike. Prints every run, then a table of medians and the ratio binding / idiom (target
# <= 1.0) in wall time (ns/op) and in CPU time (cpu-ns/op, which leaves out the time spent
# waiting for a CPU on a busy machine).
set -euo pipefail
cd "$(dirname "$0")"
rounds=${ROUNDS:-5}

# Links the installed static library, as test.sh does.
if [ -z "${PICKET_PREFIX:-}" ]; then exec ../../scripts/with-libpicket.sh ./bench.sh "$@"; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go test -c -o "$work/picket.test" .
for round in $(seq "$rounds"); do
  echo "# round $round of $rounds"
  "$work/picket.test" -test.run '^$' -test.bench . -test.benchmem -test.benchtime=2s "$@"
done | tee "$work/out"

echo
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) CPUs, $(go version | cut -d' ' -f3), load average$(uptime | sed 's/.*load average//')"
awk '
  /^Benchmark/ {
    name = $1; sub(/-[0-9]+$/, "", name)
    for (i = 2; i <= NF; i++) {
      if ($i == "ns/op") ns[name] = ns[name] " " $(i-1)
      if ($i == "cpu-ns/op") cpu[name] = cpu[name] " " $(i-1)
      if ($i == "B/op") bytes[name] = $(i-1)
      if ($i == "allocs/op") allocs[name] = $(i-1)
    }
    if (!(name in seen)) { seen[name] = 1; order[++n] = name }
  }
  function median(list,    a, k, i, j, t) {
    k = split(list, a, " ")
    if (k == 0) return -1
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
  }
  END {
    printf "\n%-36s %13s %15s %8s %10s\n", "benchmark (median of runs)", "ns/op", "cpu-ns/op", "B/op", "allocs/op"
    for (i = 1; i <= n; i++) {
      b = order[i]; wall[b] = median(ns[b]); c[b] = median(cpu[b])
      printf "%-36s %13.1f %15s %8s %10s\n", b, wall[b], (c[b] < 0 ? "-" : sprintf("%.1f", c[b])), bytes[b], allocs[b]
    }
    a = "BenchmarkAuthenticate"; d = "BenchmarkIdiom"
    if ((a in wall) && (d in wall)) {
      r = wall[a] / wall[d]; rc = c[a] / c[d]
      printf "\nratio binding / idiom, wall time: %.2f   target <= 1.00: %s\n", r, (r <= 1.0 ? "met" : "NOT met")
      printf "ratio binding / idiom, CPU time:  %.2f   target <= 1.00: %s\n", rc, (rc <= 1.0 ? "met" : "NOT met")
    }
    if (("BenchmarkCgoOverhead" in wall) && (a in wall)) {
      printf "cgo call overhead: %.1f ns/op (%.1f cpu-ns/op), %.0f%% of one Authenticate\n", wall["BenchmarkCgoOverhead"], c["BenchmarkCgoOverhead"], 100 * wall["BenchmarkCgoOverhead"] / wall[a]
    }
    l = "BenchmarkAuthenticateNoLock"
    if ((l in wall) && (a in wall)) {
      printf "registry read lock (Close-safety): %.1f ns/op (%.1f cpu-ns/op) of one Authenticate\n", wall[a] - wall[l], c[a] - c[l]
    }
  }
' "$work/out"
