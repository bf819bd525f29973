#!/usr/bin/env bash
# The Go module of `make dist`, fetched the way users fetch a published one: through a
# module proxy (GOPROXY=file://.../dist/goproxy), on a machine with no Rust toolchain and no
# pkg-config (none of cargo, rustc, rustup and pkg-config on PATH; a stub that fails the
# test if called shadows one the system has), in a new HOME (an empty module cache), with
# nothing of the checkout on any path.
#
#   tests/install/go.sh           (after make dist; DIST=dir for another dist/)
#
# 1. The README's "Go quick start" commands as written (PICKET_DIST set to dist/), in a new
#    directory with the README's main.go: go get, go build. bindings/go/README.md gives the
#    same commands (checked equal).
# 2. The program serves over loopback, driven by curl: 200 with `curl -u KEY:` and with the
#    JS SDK's `Authorization: Basic  base64(KEY)`, 401 with the challenge without a key, 403
#    for a publishable key, 401 for an unknown one; it does not load libpicket at run time.
# 3. `go mod vendor` then `go build -mod=vendor` builds the same (the packaged library is
#    vendored); CGO_ENABLED=0 fails first on the binding's message naming cgo.
#
# Environment: PICKET_INSTALL_PORT (default 18151), the loopback port of the server.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
need_dist
user_path pkg-config
port="${PICKET_INSTALL_PORT:-18151}"
module=github.com/picket-dev/picket/bindings/go
[ -f "$dist/goproxy/$module/@v/v$version.zip" ] || die "no $dist/goproxy/$module/@v/v$version.zip: run make dist"

say "The README's Go quick start, in a new module (HOME=$HOME, PICKET_DIST=$dist)"
app="$work/app"
mkdir -p "$app"
block "$repo/README.md" "Go quick start" sh >"$work/go.sh"
block "$repo/README.md" "Go quick start" go >"$app/main.go"
[ -s "$work/go.sh" ] && [ -s "$app/main.go" ] || die "no sh or go block in the README's Go quick start"
[ "$(block "$repo/bindings/go/README.md" "Install" sh)" = "$(cat "$work/go.sh")" ] ||
  die "the commands of bindings/go/README.md's Install differ from the README's Go quick start"
grep -q "^export GOPROXY=file://\$PICKET_DIST/goproxy " "$work/go.sh" || die "the Go quick start does not use dist/goproxy"
PICKET_DIST="$dist" run_block "$app" "$work/go.sh"
grep -q "^$module v$version h1:" "$app/go.sum" || die "go.sum has no h1: hash of $module v$version"
[ -f "$HOME/go/pkg/mod/$module@v$version/packaged/lib/linux-amd64/libpicket.a" ] ||
  die "the module cache has no packaged/lib/linux-amd64/libpicket.a"
ok "go get $module@v$version from the local proxy (go.sum: $(grep -c "^$module " "$app/go.sum") lines), go build"
if grep -q libpicket <<<"$(ldd "$app/app")"; then die "app loads libpicket at run time"; fi
ok "app carries the library (ldd: no libpicket)"

url="http://127.0.0.1:$port/v1/whoami"
say "The program, driven by curl over loopback (127.0.0.1:$port)"
serve "$app/app"
expect 200 '^project 1$' -u "$sk:"
expect 200 '^project 1$' -H "Authorization: Basic  $(printf %s "$sk" | base64 -w0)"
expect 401 '"error":"header_missing","code":300'
grep -qi '^WWW-Authenticate: Basic realm="picket"' "$work/headers" || die "401 without the challenge"
expect 403 '"error":"auth_wrong_kind"' -u "$pk:"
expect 401 '"error":"auth_unknown_key"' -u "sk_00000000000000000000000000000000:"
stop
ok "200 for curl -u KEY: and for 'Authorization: Basic  base64(KEY)', 401 + challenge, 403, 401 unknown"

say "go mod vendor; go build -mod=vendor"
(cd "$app" && go mod vendor && go build -mod=vendor -o app-vendored .)
[ -f "$app/vendor/$module/packaged/lib/linux-amd64/libpicket.a" ] || die "go mod vendor did not copy the packaged library"
serve "$app/app-vendored"
expect 200 '^project 1$' -u "$sk:"
stop
ok "vendored (with packaged/lib/linux-amd64/libpicket.a), built, serves a request"

say "CGO_ENABLED=0"
if (cd "$app" && CGO_ENABLED=0 go build -o app-nocgo .) >"$work/nocgo.txt" 2>&1; then die "a CGO_ENABLED=0 build succeeded"; fi
head -n 3 "$work/nocgo.txt"
grep -q 'picket_requires_cgo__build_with_CGO_ENABLED_1_and_a_C_compiler' <<<"$(sed -n 2p "$work/nocgo.txt")" ||
  die "the first error of a CGO_ENABLED=0 build does not name cgo: $(cat "$work/nocgo.txt")"
ok "CGO_ENABLED=0 fails first on picket_requires_cgo__build_with_CGO_ENABLED_1_and_a_C_compiler"

for program in app app-vendored; do
  if grep -qF "$repo" "$app/$program"; then die "$program contains $repo"; fi
done
ok "neither program contains the checkout's path $repo"
no_stub_called
ok "not on PATH, or never called: $(for t in cargo rustc rustup pkg-config; do printf "%s=%s " "$t" "$(command -v "$t" || echo none)"; done)"

echo
echo "install-go: $checks passed, 0 failed"
