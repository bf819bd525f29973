#!/usr/bin/env bash
# The dashboard's tests in a real browser: Debian's headless Chromium driven by Playwright
# (both installed by scripts/tools.sh browser), against a real picket-server on SQLite and
# on PostgreSQL (scripts/pg.sh, unless PICKET_TEST_POSTGRES_URL is set).
#
#   server/tests/browser/run.sh                  the tests (screenshots into a temporary directory)
#   server/tests/browser/run.sh --update-docs    also rewrites docs/dashboard/*.png (the README's)
#
# Loopback ports from $PICKET_TEST_PORT_BASE (default 18350), as server/tests/run.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
update_docs=0
case "${1:-}" in
  "") ;;
  --update-docs) update_docs=1 ;;
  *) echo "usage: server/tests/browser/run.sh [--update-docs]" >&2; exit 2 ;;
esac

tmp=$(mktemp -d)
started_pg=0
cleanup() {
  [ "$started_pg" = 1 ] && "$repo/scripts/pg.sh" stop || true
  rm -rf "$tmp"
}
trap cleanup EXIT

venv=$("$repo/scripts/tools.sh" browser)
if [ -z "${PICKET_SERVER_BIN:-}" ]; then
  # shellcheck source=../../../scripts/libpicket-env.sh
  . "$repo/scripts/libpicket-env.sh"
  (cd "$repo/server" && go build -o "$tmp/picket-server" ./cmd/picket-server)
  export PICKET_SERVER_BIN="$tmp/picket-server"
fi
if [ -z "${PICKET_TEST_POSTGRES_URL:-}" ]; then
  PICKET_TEST_POSTGRES_URL=$("$repo/scripts/pg.sh" start)
  started_pg=1
fi
export PICKET_TEST_POSTGRES_URL
shots="$tmp/screenshots"
[ "$update_docs" = 1 ] && shots="$repo/docs/dashboard"
cd "$here"
status=0
PICKET_SCREENSHOTS="$shots" PYTHONDONTWRITEBYTECODE=1 \
  "$venv/bin/python" -m pytest -q -p no:cacheprovider -rs . || status=$?
if [ $status -eq 5 ]; then echo "pytest collected no tests: that is a failure" >&2; exit 1; fi
[ $status -eq 0 ] || exit $status
ls "$shots"/*.png >/dev/null
echo "screenshots: $(ls "$shots" | tr '\n' ' ')($(du -sh "$shots" | cut -f1))"
