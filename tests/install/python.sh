#!/usr/bin/env bash
# The Python artifacts of `make dist`, installed the way users install from PyPI: with pip,
# from a local registry (`--no-index --find-links dist/`), on a machine with no Rust
# toolchain (no cargo, rustc or rustup on PATH; a stub that fails the test if called
# shadows one the system has), in a new HOME, with nothing of the checkout on any path.
#
#   tests/install/python.sh       (after make dist; DIST=dir for another dist/)
#
# For every CPython version on the machine from 3.9 up (tests/install/pythons.sh; of two
# interpreters of one X.Y, the newer), in a new directory:
# 1. the README's "Python quick start" commands as written, with that interpreter as
#    python3 and PICKET_DIST=dist/: a venv, cffi from PyPI, picket from dist/; the installed
#    wheel is the cp39-abi3 manylinux_2_17 one, with the C hot path (picket._speedups) in use;
# 2. a FastAPI app (tests/install/app.py; FastAPI, uvicorn and httpx from PyPI, pinned in
#    requirements-python.txt) served by uvicorn on loopback and driven by httpx
#    (tests/install/client.py): both header forms, 401 with the challenge, 403;
# 3. the shared vectors through `python -m picket.vectors`.
# And a CPython 3.8 venv: the same pip command fails with pip's own message naming the
# Python version (bindings/python/build_backend.py).
#
# Environment: PICKET_INSTALL_PORT (default 18151), the loopback port of the app.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
need_dist
user_path
unset PIP_FIND_LINKS PIP_NO_INDEX
here="$repo/tests/install"
port="${PICKET_INSTALL_PORT:-18151}"
url="http://127.0.0.1:$port/admin"
wheel_tag="cp39-abi3-manylinux_2_17_x86_64"
ls "$dist"/picket-"$version"-cp39-abi3-*manylinux_2_17_x86_64*.whl >/dev/null || die "no abi3 wheel in $dist: run make dist"

block "$repo/README.md" "Python quick start" sh >"$work/py.sh"
grep -q '^pip install --no-index --find-links \$PICKET_DIST picket' "$work/py.sh" ||
  die "the README's Python quick start does not install from \$PICKET_DIST"
mkdir -p "$work/vectors"
cp "$repo"/tests/vectors/*.jsonl "$work/vectors/"

# as_python3 VERSION INTERPRETER: a directory whose python3 is INTERPRETER, for PATH.
as_python3() {
  mkdir -p "$work/py-$1/bin"
  ln -sf "$2" "$work/py-$1/bin/python3"
  echo "$work/py-$1/bin"
}

tested=()
while read -r ver interpreter; do
  case "$ver" in 3.[0-7].* | 2.*) continue ;; esac
  project="$work/py-$ver/project"
  mkdir -p "$project"
  if [ "${ver%.*}" = 3.8 ]; then
    say "CPython $ver ($interpreter): pip refuses, naming the Python version"
    python_dir="$(as_python3 "$ver" "$interpreter")"
    "$interpreter" -m venv "$project/.venv"
    if "$project/.venv/bin/pip" install --no-index --find-links "$dist" picket >"$work/py38.txt" 2>&1; then
      die "pip installed picket on Python $ver"
    fi
    tail -n 1 "$work/py38.txt"
    grep -qF "ERROR: Package 'picket' requires a different Python: $ver not in '>=3.9'" "$work/py38.txt" ||
      die "pip on $ver did not refuse with the Python version: $(tail -n 5 "$work/py38.txt")"
    ok "Python $ver: pip says picket requires a different Python ($ver not in '>=3.9')"
    continue
  fi

  say "CPython $ver ($interpreter): the README's commands, in $project"
  python_dir="$(as_python3 "$ver" "$interpreter")"
  PATH="$python_dir:$PATH" PICKET_DIST="$dist" run_block "$project" "$work/py.sh"
  py="$project/.venv/bin/python"
  (cd "$project" && "$py" - "$wheel_tag" <<'EOF'
import importlib.metadata, sys
import picket, picket._fast, picket._native, picket._speedups
wheel = importlib.metadata.distribution("picket").read_text("WHEEL")
assert f"Tag: {sys.argv[1]}" in wheel, wheel
assert picket._fast.SPEEDUPS, "the C hot path is not in use"
for module in (picket._native, picket._speedups):
    assert module.__file__.endswith(".abi3.so"), module.__file__
print(f"picket from the {sys.argv[1]} wheel, C hot path in use, on", sys.version.split()[0])
EOF
  ) || die "Python $ver: the installed picket is not the abi3 wheel with its C hot path"
  ok "Python $ver: installed the $wheel_tag wheel; picket._speedups in use"

  "$project/.venv/bin/pip" install -q -r "$here/requirements-python.txt"
  cp "$here/app.py" "$here/client.py" "$project/"
  serve "$py" -m uvicorn --app-dir "$project" --host 127.0.0.1 --port "$port" app:app
  (cd "$project" && "$py" client.py "http://127.0.0.1:$port") || die "Python $ver: the FastAPI app answered wrongly"
  stop
  ok "Python $ver: FastAPI under uvicorn, driven by httpx: 200 (both header forms), 401 + challenge, 403"

  (cd "$project" && "$py" -m picket.vectors "$work"/vectors/*.jsonl) >"$work/vectors-$ver.txt" 2>&1 ||
    die "Python $ver: python -m picket.vectors failed: $(tail -n 5 "$work/vectors-$ver.txt")"
  ok "Python $ver: python -m picket.vectors: $(tail -n 1 "$work/vectors-$ver.txt")"
  tested+=("$ver")
done < <("$here/pythons.sh" | awk '{ split($1, v, "."); newest[v[1] "." v[2]] = $0 } END { for (m in newest) print newest[m] }' | sort -V)

[ ${#tested[@]} -gt 0 ] || die "no CPython 3.9 or newer found on this machine"
for minor in 3.9 3.10 3.11 3.12 3.13; do
  case " ${tested[*]} " in *" $minor."*) ;; *) echo "note: no CPython $minor on this machine" ;; esac
done
no_stub_called
ok "not on PATH, or never called: $(for t in cargo rustc rustup; do printf "%s=%s " "$t" "$(command -v "$t" || echo none)"; done)"

echo
echo "Python versions tested: ${tested[*]}"
echo "install-python: $checks passed, 0 failed"
