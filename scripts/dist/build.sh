#!/usr/bin/env bash
# `make dist`: every artifact of a release, into dist/ (gitignored), from this checkout.
#
#   make dist          (or scripts/dist/build.sh)
#
# dist/
#   libpicket-VERSION-x86_64-linux-gnu.tar.gz   C: headers, static and shared library,
#                                               relocatable pkg-config files (c.sh)
#   libpicket-VERSION.tar.gz                    the source (git archive of HEAD; c.sh)
#   goproxy/github.com/picket-dev/picket/bindings/go/@v/{list,vVERSION.info,.mod,.zip}
#                                               Go: the module with libpicket.a for
#                                               linux/amd64 inside, for GOPROXY=file://
#                                               (go.sh)
#   picket-VERSION.tar.gz                       Python: the sdist (python.sh)
#   picket-VERSION-cp39-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl
#                                               Python: one wheel for CPython 3.9 and newer
#                                               (python.sh), for pip --find-links dist/
#   picket-node-VERSION.tgz                     Node: the npm package with its prebuilt
#                                               addon (bindings/node/pack.sh, the Node
#                                               binding's own script)
#   SHA256SUMS                                  of every file above
#
# The parts run in order; each is a script of its own here, runnable alone after
# libpicket.sh. The tools come from scripts/tools.sh dist-venv (pinned, into target/dist-venv),
# the Rust toolchain and the system's C compiler, tar, gzip and binutils.
#
# Reproducible: SOURCE_DATE_EPOCH is the last commit's time (common.sh), every archive is
# written with sorted entries, owner root and that time, and paths of the checkout and of
# cargo's home are remapped out of the binaries; two runs on the same commit give the same
# bytes, wherever the checkout and cargo's home are (scripts/dist/reproduce.sh builds a
# fresh clone elsewhere, with a cargo home of its own, and compares).
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
here="$repo/scripts/dist"
out="$repo/dist"
start=$(date +%s)

rm -rf "$out"
mkdir -p "$out"
"$here/libpicket.sh"
"$here/c.sh" "$out"
"$here/go.sh" "$out"
"$here/python.sh" "$out"
say "Node package (bindings/node/pack.sh)"
"$repo/bindings/node/pack.sh" "$out"

say "SHA256SUMS"
(cd "$out" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | xargs sha256sum >SHA256SUMS)
echo
(cd "$out" && find . -type f -printf '%s\t%P\n' | LC_ALL=C sort -k2)
echo "dist: done in $(($(date +%s) - start))s, SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH"
