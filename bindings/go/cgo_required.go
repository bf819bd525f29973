//go:build !cgo

package picket

// This package calls the picket C library through cgo, which is off in this build
// (CGO_ENABLED=0, or cross-compiling without CC). The type below names what to do, and the
// build fails on it first, instead of on "undefined: builderHandle": build with
// CGO_ENABLED=1 and a C compiler (the library itself comes with the module, see
// link_packaged.go).
//
// An undefined name, not an unresolvable import: `go mod tidy` and `go mod vendor` read
// this file whatever the build tags, and must keep working. A defined type, not an alias:
// the type checker reports those first.
type cgoRequired picket_requires_cgo__build_with_CGO_ENABLED_1_and_a_C_compiler
