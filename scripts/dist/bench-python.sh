#!/usr/bin/env bash
# The speed of the release's abi3 wheel (dist/) against a version-specific build of
# bindings/python at git revision REV (before the limited API: `_speedups` built for each
# CPython with its full API and the system's C compiler), on every CPython from 3.9 up on
# the machine (tests/install/pythons.sh): bindings/python/bench.py --json in a venv of each,
# under flock /work/tools/bench.lock when that exists. Prints one table row per Python and
# figure (ns per call, best of --repeat rounds; lower is better).
#
#   scripts/dist/bench-python.sh REV [BENCH ARGS...]      after make dist
#
# Needs cargo (the old build links target/release/libpicket.a, `cargo build --release -p
# picket-ffi`). Timings depend on the machine and its load; not part of CI.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rev="${1:?usage: scripts/dist/bench-python.sh REV [BENCH ARGS...]}"
shift
wheel=("$repo"/dist/picket-*-cp39-abi3-*.whl)
[ -f "${wheel[0]}" ] || { echo "bench-python: no abi3 wheel in dist/: run make dist" >&2; exit 1; }
(cd "$repo" && cargo build -q --release -p picket-ffi)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git -C "$repo" archive "$rev" | tar -x -C "$work" --one-top-level=old
lock=()
[ -f /work/tools/bench.lock ] && lock=(flock /work/tools/bench.lock)

printf '%-8s %-52s %10s %10s %7s\n' python figure "$rev" abi3 ratio
"$repo/tests/install/pythons.sh" | while read -r ver interpreter; do
  case "$ver" in 3.[0-8].* | 2.*) continue ;; esac
  for build in old abi3; do
    venv="$work/venv-$ver-$build"
    "$interpreter" -m venv "$venv"
    "$venv/bin/pip" install -q cffi==2.0.0 setuptools==80.9.0 wheel
    if [ "$build" = old ]; then
      PICKET_STATIC_LIB="$repo/target/release/libpicket.a" \
        "$venv/bin/pip" install -q --no-deps --no-build-isolation "$work/old/bindings/python"
    else
      "$venv/bin/pip" install -q --no-deps "${wheel[0]}"
    fi
    (cd "$work" && "${lock[@]}" "$venv/bin/python" "$repo/bindings/python/bench.py" --json "$@") >"$work/$ver-$build.jsonl"
  done
  "$interpreter" - "$ver" "$work/$ver-old.jsonl" "$work/$ver-abi3.jsonl" <<'EOF'
import json, sys
ver, old, new = sys.argv[1:]
load = lambda p: {r["figure"]: r["value"] for r in map(json.loads, open(p))}
a, b = load(old), load(new)
for figure in a:
    print(f"{ver:<8} {figure[:52]:<52} {a[figure]:>10.1f} {b[figure]:>10.1f} {b[figure] / a[figure]:>7.2f}")
EOF
done
