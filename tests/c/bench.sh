#!/usr/bin/env bash
# tests/c/bench.sh: times picket_registry_authenticate through the C ABI
# (tests/c/bench_authenticate.c: a 1,000-key registry, cycling valid Basic headers).
#
#   tests/c/bench.sh [--rust] [SAMPLES [ITERATIONS]]   default: 2,000 samples of 1,000 calls
#
# Builds the library (cargo build --release -p picket-ffi), compiles the benchmark with -O2
# against the static library (the figure to compare) and the shared one, and prints the
# fastest, median and mean ns/call of each (see bench_authenticate.c). With --rust it then
# runs the Rust benchmark of the same fixture (`cargo bench -p picket-core --bench core --
# auth::keys`, divan) in the same session and prints the ratios C / Rust of the fastest and
# median figures against divan's `auth/keys/1000` (target: C <= 1.1 x Rust). On a busy
# machine the fastest figures are the ones to compare; medians and means move with the load.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

rust=0
if [ "${1:-}" = --rust ]; then
    rust=1
    shift
fi
samples="${1:-2000}"
iterations="${2:-1000}"

CC="${CC:-gcc}"
target="${CARGO_TARGET_DIR:-$repo/target}"
case "$target" in /*) ;; *) target="$repo/$target" ;; esac
out="$target/c-bench"
mkdir -p "$out"

cargo build --release -q -p picket-ffi
# Linked as a C user links the installed library (see tests/c/run.sh).
prefix="$out/prefix"
make -s install PREFIX="$prefix" >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
read -r -a SHARED <<<"$(pkg-config --cflags --libs picket) -Wl,-rpath,$prefix/lib"
read -r -a STATIC <<<"$(pkg-config --cflags --libs picket-static)"
CFLAGS=(-std=c11 -Wall -Wextra -Wpedantic -Werror -O2)
"$CC" "${CFLAGS[@]}" "$here/bench_authenticate.c" "${STATIC[@]}" -o "$out/bench_authenticate-static"
"$CC" "${CFLAGS[@]}" "$here/bench_authenticate.c" "${SHARED[@]}" -o "$out/bench_authenticate-shared"

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "== C, static library (the figure)"
"$out/bench_authenticate-static" "$samples" "$iterations" static | tee "$out/c-static.txt"
echo
echo "== C, shared library"
"$out/bench_authenticate-shared" "$samples" "$iterations" shared

if [ "$rust" = 1 ]; then
    echo
    echo "== Rust, divan: auth/keys (the 1000 row is the same fixture)"
    cargo bench -q -p picket-core --bench core -- auth::keys | tee "$out/rust.txt"
    # divan's row: `├─ 1000  <fastest> <unit> │ <slowest> │ <median> │ <mean> │ ...`
    rust_ns="$(awk '/─ 1000 / {
        n = 0
        for (i = 1; i <= NF; i++) if ($i ~ /^[0-9.]+$/ && $(i+1) ~ /^(ps|ns|µs|us|ms|s)$/) {
            v = $i; u = $(i+1)
            f = (u == "ps") ? 0.001 : (u == "ns") ? 1 : (u == "ms") ? 1e6 : (u == "s") ? 1e9 : 1e3
            vals[++n] = v * f
        }
        if (n >= 3) printf "%.1f %.1f\n", vals[1], vals[3]
        exit }' "$out/rust.txt")"
    c_ns="$(sed -n 's/^{"figure": "c authenticate.*"value": \([0-9.]*\),.*fastest \([0-9.]*\) ns.*/\2 \1/p' "$out/c-static.txt")"
    if [ -n "$rust_ns" ] && [ -n "$c_ns" ]; then
        read -r rf rm <<<"$rust_ns"
        read -r cf cm <<<"$c_ns"
        echo
        awk -v cf="$cf" -v cm="$cm" -v rf="$rf" -v rm="$rm" 'BEGIN {
            printf "C (static) / Rust, 1,000 keys: fastest %.1f / %.1f ns = %.2fx; median %.1f / %.1f ns = %.2fx (target <= 1.10x)\n",
                cf, rf, cf / rf, cm, rm, cm / rm }'
    else
        echo "could not read the figures to compute the ratio; compare by hand"
    fi
fi
