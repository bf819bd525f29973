#!/usr/bin/env bash
# tests/c/run.sh: the C tests of picket's C ABI (include/picket.h, libpicket).
#
#   tests/c/run.sh                    everything below
#   tests/c/run.sh --no-sanitizers    skip the AddressSanitizer + UBSan builds
#   tests/c/run.sh --no-valgrind      skip the valgrind runs
#
# 1. Builds the library (cargo build --release -p picket-ffi), installs it with
#    `make install PREFIX=$CARGO_TARGET_DIR/c-tests/prefix`, then takes compiler flags from
#    `pkg-config --cflags --libs picket` (shared) and `picket-static` (static).
# 2. Checks the header against the libraries and the tests: every function the header
#    declares is exported by both libraries (and nothing else named picket_* is), every
#    function is called by a test, every PICKET_RESULT_* constant is in check.h's table (codes.h).
# 3. Compiles each tests/c/test_*.c with -std=c11 -Wall -Wextra -Wpedantic -Werror three
#    times: against the shared library, the static library, and the static library with
#    -fsanitize=address,undefined -fno-sanitize-recover=all. Compiles the benchmark too (and
#    runs it once, briefly, so that it cannot rot; timing is tests/c/bench.sh's job).
# 4. Runs each program: shared, static, under valgrind (shared and static; any leak or
#    invalid access fails), and the sanitizer build.
# 5. Checks that, together, the programs saw every result code of the header returned,
#    except the three no test can provoke (listed below with the reason).
# 6. Checks that each function returned exactly the codes its comment in the header lists
#    (`Returns:`; test-support's `returns` example reads the lists), every listed code
#    seen returned by that function but the excused pairs (listed below with the reason).
#
# Prints a table and ends with `N passed, N failed`: N counts test cases, the CHECKs of the
# programs (summed over every run) and the checks of this script. A run that exits non-zero
# (a valgrind or sanitizer report, a crash) without a failed CHECK counts as one failure.
# Exit status: 0 only when nothing failed.
#
# Environment: CC (default gcc), CARGO_TARGET_DIR (as cargo; default <repo>/target).
# Build products and logs go to $CARGO_TARGET_DIR/c-tests.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

valgrind_on=1
sanitizers_on=1
for arg in "$@"; do
    case "$arg" in
        --no-valgrind) valgrind_on=0 ;;
        --no-sanitizers) sanitizers_on=0 ;;
        -h | --help)
            sed -n '2,30p' "$0"
            exit 0
            ;;
        *)
            echo "usage: tests/c/run.sh [--no-valgrind] [--no-sanitizers]" >&2
            exit 2
            ;;
    esac
done

CC="${CC:-gcc}"
target="${CARGO_TARGET_DIR:-$repo/target}"
case "$target" in /*) ;; *) target="$repo/$target" ;; esac
out="$target/c-tests"
logs="$out/logs"
rm -rf "$out"
mkdir -p "$out" "$logs"

passed=0
failed=0
rows=()
# Codes programs saw returned (from their `codes-returned:` lines), over all runs.
codes_seen=" "

say() { printf '\n==> %s\n' "$*"; }
pass() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    printf 'FAILED: %s\n' "$*"
}

# --- 1. the library and the flags --------------------------------------------------------
say "Build libpicket (cargo build --release -p picket-ffi)"
if ! cargo build --release -p picket-ffi; then
    echo "FAILED: cargo build; nothing to test"
    echo "0 passed, 1 failed"
    exit 1
fi

CSTD=(-std=c11 -Wall -Wextra -Wpedantic -Werror)
# The tests link what `make install` installs, found through its pkg-config files, as a C
# user's build does; the shared programs get an rpath to the prefix (the .pc has none).
prefix="$out/prefix"
if ! make -s install PREFIX="$prefix" >"$logs/make-install.log" 2>&1 || ! command -v pkg-config >/dev/null; then
    cat "$logs/make-install.log"
    echo "FAILED: make install PREFIX=$prefix (or no pkg-config); nothing to test"
    echo "0 passed, 1 failed"
    exit 1
fi
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
read -r -a SHARED <<<"$(pkg-config --cflags --libs picket) -Wl,-rpath,$prefix/lib"
read -r -a STATIC <<<"$(pkg-config --cflags --libs picket-static)"
echo "flags from pkg-config ($PKG_CONFIG_PATH):"
echo "  shared: ${SHARED[*]}"
echo "  static: ${STATIC[*]}"

# --- 2. the header against the libraries and the tests --------------------------------
say "Header, libraries and tests agree"
header="$repo/include/picket.h"
declared="$(sed -nE 's/^[A-Za-z_].*[ *](picket_[a-z0-9_]+)\(.*/\1/p' "$header" | sort -u)"
n_declared=$(printf '%s\n' "$declared" | grep -c .)
# readelf, not nm: the objects of libpicket.a carry LLVM bitcode (.llvmbc), on which a
# system nm's LTO plugin may give up and list no symbols at all.
for lib in "$prefix/lib/libpicket.so" "$prefix/lib/libpicket.a"; do
    if [ "${lib##*.}" = so ]; then
        symtab=(--dyn-syms)
    else
        symtab=(--syms)
    fi
    exported="$(readelf -W "${symtab[@]}" "$lib" |
        awk '$4 == "FUNC" && $5 == "GLOBAL" && $7 != "UND" {sub(/@.*/, "", $8); print $8}' |
        grep '^picket_' | sort -u)"
    if [ "$declared" = "$exported" ]; then
        pass
        echo "ok: the $n_declared functions of picket.h are exactly the picket_* exports of ${lib##*/}"
    else
        fail "picket.h and ${lib##*/} differ (< header only, > library only):"
        diff <(printf '%s\n' "$declared") <(printf '%s\n' "$exported") | grep '^[<>]'
    fi
done
uncalled=()
for fn in $declared; do
    grep -qE "\\b$fn\\(" "$here"/test_*.c || uncalled+=("$fn")
done
if [ ${#uncalled[@]} -eq 0 ]; then
    pass
    echo "ok: every function of picket.h is called by a test"
else
    fail "functions no test calls: ${uncalled[*]}"
fi
header_codes="$(grep -oE '^ *PICKET_RESULT_[A-Z0-9_]+ = [0-9]+' "$header" | awk '{print $1, $3}')"
n_codes=$(printf '%s\n' "$header_codes" | grep -c .)
missing_in_table=()
while read -r name value; do
    grep -q "CHECK_CODE_(${name#PICKET_RESULT_})" "$here/codes.h" || missing_in_table+=("$name")
done <<<"$header_codes"
if [ ${#missing_in_table[@]} -eq 0 ]; then
    pass
    echo "ok: check.h (codes.h) lists all $n_codes result codes of picket.h"
else
    fail "codes of picket.h missing from check.h's table (codes.h): ${missing_in_table[*]}"
fi

# --- 3. compile ---------------------------------------------------------------------------
say "Compile (${CC}, ${CSTD[*]})"
tests=()
for src in "$here"/test_*.c; do
    tests+=("$(basename "$src" .c)")
done
compile() { # name variant flags...
    local name="$1" variant="$2"
    shift 2
    if "$CC" "${CSTD[@]}" "$@" -o "$out/$name-$variant" >"$logs/$name-$variant.compile.log" 2>&1; then
        echo "ok: $name-$variant"
        return 0
    fi
    fail "compile $name-$variant (log: $logs/$name-$variant.compile.log)"
    cat "$logs/$name-$variant.compile.log"
    return 1
}
variants=(shared static)
[ "$sanitizers_on" = 1 ] && variants+=(asan)
for t in "${tests[@]}"; do
    compile "$t" shared -O2 -g "$here/$t.c" "${SHARED[@]}" -lpthread
    compile "$t" static -O2 -g "$here/$t.c" "${STATIC[@]}" -lpthread
    if [ "$sanitizers_on" = 1 ]; then
        compile "$t" asan -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
            -fno-sanitize-recover=all "$here/$t.c" "${STATIC[@]}" -lpthread
    fi
done
compile bench_authenticate static -O2 "$here/bench_authenticate.c" "${STATIC[@]}"
compile bench_authenticate shared -O2 "$here/bench_authenticate.c" "${SHARED[@]}"

# --- 4. run -------------------------------------------------------------------------------
# run NAME MODE COMMAND...: runs one program, parses its `[name] N passed, N failed` line.
run() {
    local name="$1" mode="$2"
    shift 2
    local log="$logs/$name.$mode.log"
    "$@" >"$log" 2>&1
    local status=$?
    local line p f
    line="$(grep -E "^\[$name\] [0-9]+ passed, [0-9]+ failed$" "$log" | tail -1)"
    if [ -n "$line" ]; then
        p="$(echo "$line" | awk '{print $2}')"
        f="$(echo "$line" | awk '{print $4}')"
    else
        p=0
        f=0
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    local verdict=ok
    if [ "$status" -ne 0 ] || [ -z "$line" ] || [ "$f" -ne 0 ]; then
        verdict="FAILED (exit $status)"
        if [ "$f" -eq 0 ]; then
            failed=$((failed + 1)) # the run itself: a crash, a valgrind or sanitizer report
        fi
        echo "---- $name $mode: $verdict; log $log"
        grep -vE '^(codes-returned:|returned:|notice:)' "$log" | tail -40
    fi
    if [ "$mode" = shared ]; then
        codes_seen+="$(sed -n 's/^codes-returned://p' "$log" | tr '\n' ' ') "
        sed -n 's/^returned: //p' "$log" >>"$out/returned.txt"
        grep -h '^notice:' "$log" | sed "s/^/  [$name] /" | sort -u
    fi
    rows+=("$(printf '%-16s %-16s %7s %7s  %s' "$name" "$mode" "$p" "$f" "$verdict")")
}

VALGRIND=(valgrind --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite,indirect,possible --show-leak-kinds=definite,indirect,possible
    --track-origins=yes)
if [ "$valgrind_on" = 1 ] && ! command -v valgrind >/dev/null; then
    fail "valgrind is not installed (install it, or pass --no-valgrind)"
    valgrind_on=0
fi
# LeakSanitizer stays on (ASan's default on Linux) with no suppression: none is needed.
# picket's only thread-local allocation, the last-error message, is freed by the
# thread-local destructors glibc runs at thread exit and in exit(), before LeakSanitizer's
# check; and LeakSanitizer does see allocations made inside the static library (a builder
# that is never freed is reported as a direct leak).
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

say "Run"
for t in "${tests[@]}"; do
    [ -x "$out/$t-shared" ] && run "$t" shared "$out/$t-shared"
    [ -x "$out/$t-static" ] && run "$t" static "$out/$t-static"
    if [ "$valgrind_on" = 1 ]; then
        [ -x "$out/$t-shared" ] && run "$t" valgrind-shared "${VALGRIND[@]}" "$out/$t-shared"
        [ -x "$out/$t-static" ] && run "$t" valgrind-static "${VALGRIND[@]}" "$out/$t-static"
    fi
    if [ "$sanitizers_on" = 1 ] && [ -x "$out/$t-asan" ]; then
        run "$t" asan+ubsan "$out/$t-asan"
    fi
done
for variant in static shared; do
    if [ -x "$out/bench_authenticate-$variant" ]; then
        if "$out/bench_authenticate-$variant" 1 2000 >"$logs/bench-$variant.log" 2>&1; then
            pass
            echo "ok: bench_authenticate-$variant runs (1 x 2,000 calls; timing: tests/c/bench.sh)"
        else
            fail "bench_authenticate-$variant (log: $logs/bench-$variant.log)"
            cat "$logs/bench-$variant.log"
        fi
    fi
done

# --- 5. every result code returned somewhere ---------------------------------------------
say "Every result code of the header returned by some test"
# No test can provoke these three; each is covered by picket_result_text, the HTTP status
# and WWW-Authenticate tests instead:
#   PANIC (1)               only a bug in picket panics;
#   INTERNAL_ERROR (7)      only a picket-core error without a C code (a build mismatch);
#   BUILD_TOO_MANY_KEYS (603) needs 2^32 - 1 keys in one builder (hundreds of GB).
unreachable=" 1 7 603 "
not_seen=()
while read -r name value; do
    case "$unreachable" in *" $value "*) continue ;; esac
    case "$codes_seen" in *" $value "*) ;; *) not_seen+=("$name ($value)") ;; esac
done <<<"$header_codes"
if [ ${#not_seen[@]} -eq 0 ]; then
    pass
    echo "ok: all $n_codes codes but PANIC, INTERNAL_ERROR and BUILD_TOO_MANY_KEYS were returned as expected"
else
    fail "codes no test saw returned: ${not_seen[*]}"
fi

# --- 6. each function returns exactly the codes its comment lists -------------------------
say "Each function returns exactly the codes its comment in picket.h lists"
# The lists are the header's own ("Returns:" in each comment); the pairs are those the
# programs saw (CHECK_RC of a direct call). Listed pairs no test can provoke:
#   picket_registry_builder_add_key:BUILD_TOO_MANY_KEYS   2^32 - 1 keys (hundreds of GB);
#   picket_registry_update:BUILD_TOO_MANY_KEYS            the same.
touch "$out/returned.txt"
if cargo run -q -p picket-test-support --example returns -- "$header" "$out/returned.txt" \
    picket_registry_builder_add_key:BUILD_TOO_MANY_KEYS picket_registry_update:BUILD_TOO_MANY_KEYS; then
    pass
else
    fail "a function's returns differ from its comment in picket.h (above)"
fi

# --- summary ------------------------------------------------------------------------------
say "Summary"
printf '%-16s %-16s %7s %7s  %s\n' program run passed failed verdict
printf '%s\n' "${rows[@]}"
[ "$valgrind_on" = 1 ] || echo "(valgrind runs skipped)"
[ "$sanitizers_on" = 1 ] || echo "(sanitizer runs skipped)"
echo "logs: $logs"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
