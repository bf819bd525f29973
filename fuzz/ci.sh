#!/usr/bin/env bash
# Runs every fuzz target (or only the targets named as arguments) for FUZZ_SECONDS seconds
# each (default 30), under AddressSanitizer on a stable toolchain (RUSTC_BOOTSTRAP=1).
# Prints one line per target with its execution count; exits non-zero if any target found
# a crash, a failed property, a leak or a timeout (artifacts in fuzz/artifacts/<target>/).
#
#   fuzz/ci.sh                       # all targets, 30 s each
#   FUZZ_SECONDS=600 fuzz/ci.sh pkce # one target, 10 minutes
#
# Environment: FUZZ_SECONDS (per target), FUZZ_LOG_DIR (default fuzz/target/fuzz-logs),
# FUZZ_CORPUS_DIR (default fuzz/corpus; ignored by git), FUZZ_ARGS (extra libFuzzer flags).
set -euo pipefail
cd "$(dirname "$0")"

seconds=${FUZZ_SECONDS:-30}
logs=${FUZZ_LOG_DIR:-target/fuzz-logs}
corpus=${FUZZ_CORPUS_DIR:-corpus}
# cargo-fuzz finds its binaries under fuzz/target; a target dir set for the main
# workspace must not leak in.
unset CARGO_TARGET_DIR
# cargo-fuzz passes -Zsanitizer=address and other unstable flags; RUSTC_BOOTSTRAP lets a
# stable rustc accept them. No nightly toolchain is needed.
export RUSTC_BOOTSTRAP=1

# The pinned cargo-fuzz, installed by scripts/tools.sh into target/tools (never from PATH);
# a cargo subcommand called directly takes its own name as the first argument.
cargo_fuzz="$(../scripts/tools.sh cargo-fuzz)"
fuzz() { "$cargo_fuzz" fuzz "$@"; }

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(fuzz list)
fi
[ ${#targets[@]} -gt 0 ] || { echo "no fuzz targets found" >&2; exit 1; }

mkdir -p "$logs"
echo "==> building ${#targets[@]} fuzz targets (AddressSanitizer)"
for t in "${targets[@]}"; do
  fuzz build "$t" 2>"$logs/$t.build.log" || { cat "$logs/$t.build.log" >&2; exit 1; }
done

# Number of saved findings of target $1.
count_artifacts() {
  if [ -d "artifacts/$1" ]; then
    find "artifacts/$1" -type f | wc -l
  else
    echo 0
  fi
}

failed=()
printf '%-18s %-6s %14s %8s\n' target result executions seconds
for t in "${targets[@]}"; do
  # The checked-in seeds are copied into a scratch corpus that the run may grow.
  mkdir -p "$corpus/$t"
  if [ -d "seeds/$t" ]; then
    cp -n "seeds/$t"/* "$corpus/$t"/ 2>/dev/null || true
  fi
  args=(-max_total_time="$seconds" -timeout=25 -print_final_stats=1)
  [ -f "dicts/$t.dict" ] && args+=(-dict="dicts/$t.dict")
  # shellcheck disable=SC2206 # FUZZ_ARGS is a list of flags, split on purpose.
  args+=(${FUZZ_ARGS:-})
  artifacts_before=$(count_artifacts "$t")
  t0=$(date +%s)
  if fuzz run "$t" "$corpus/$t" -- "${args[@]}" >"$logs/$t.log" 2>&1 &&
    [ "$(count_artifacts "$t")" -eq "$artifacts_before" ]; then
    result=ok
  else
    # A non-zero exit, or (with -fork=1 -ignore_crashes=1 in FUZZ_ARGS) a new artifact.
    result=FAILED
    failed+=("$t")
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$t.log" | tail -n 1)
  # Fork mode prints no final stats; its status lines start with "#<executions>:".
  [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$logs/$t.log" | tail -n 1 | tr -d '#')
  printf '%-18s %-6s %14s %8s\n' "$t" "$result" "${execs:-?}" "$(( $(date +%s) - t0 ))"
done

if [ ${#failed[@]} -gt 0 ]; then
  for t in "${failed[@]}"; do
    echo
    echo "==> $t failed; end of $logs/$t.log:"
    tail -n 40 "$logs/$t.log"
    ls -1 "artifacts/$t" 2>/dev/null | sed "s|^|    artifact: fuzz/artifacts/$t/|"
  done
  exit 1
fi
echo "all ${#targets[@]} fuzz targets ran ${seconds}s each without a finding"
