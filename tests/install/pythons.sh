#!/usr/bin/env bash
# Lists the CPython interpreters on this machine, one line each: "X.Y.Z PATH", oldest
# first, each real interpreter once. Found by path, never through a shim or PATH:
# PICKET_PYTHONS (paths, space-separated) when set, else the system's /usr/bin/python3.N
# and /usr/local/bin/python3.N, pyenv's versions (PYENV_ROOT, else ~/.pyenv of the user's
# home in the password database, since tests run with another HOME), and the manylinux
# images' /opt/python/cp3*/bin/python3.
#
#   tests/install/pythons.sh
set -euo pipefail
if [ -n "${PICKET_PYTHONS:-}" ]; then
  read -r -a candidates <<<"$PICKET_PYTHONS"
else
  home="$(getent passwd "$(id -u)" | cut -d: -f6)"
  shopt -s nullglob
  candidates=(/usr/bin/python3.[0-9]* /usr/local/bin/python3.[0-9]*
    "${PYENV_ROOT:-$home/.pyenv}"/versions/*/bin/python3 /opt/python/cp3*/bin/python3)
fi
for candidate in "${candidates[@]}"; do
  case "$candidate" in *-config | *m-config) continue ;; esac
  [ -x "$candidate" ] || continue
  real="$(readlink -f "$candidate")"
  "$real" -c 'import sys; sys.exit(sys.implementation.name != "cpython")' 2>/dev/null || continue
  echo "$("$real" -c 'import platform; print(platform.python_version())') $real"
done | sort -u -k2,2 | sort -V
