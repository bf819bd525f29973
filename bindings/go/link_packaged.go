//go:build cgo && !picket_pkgconfig && !picket_shared

package picket

// The default: the static library this module carries, packaged/lib/<GOOS>-<GOARCH>/
// libpicket.a, and its header, packaged/include/picket.h (as wasmer-go packages its own
// library), so that `go get` and `go build` need only cgo's C compiler: no Rust toolchain,
// no pkg-config, nothing installed. The program carries the library and needs nothing at
// run time. A release's module zip has both files (`make dist`: the release build, for
// glibc 2.17 and newer); in a checkout of the picket repository they are build output,
// which scripts/libpicket-env.sh writes (the build stops on an #error naming it when they
// are missing). Only linux/amd64 is packaged; elsewhere, or to link a library installed
// on the machine, build with -tags picket_pkgconfig (link_pkgconfig.go) or picket_shared.
//
// The two packages imported below hold nothing but the files: importing them makes
// `go mod vendor` copy the directories (it copies the directories of imported packages).

// #cgo CFLAGS: -I${SRCDIR}/packaged/include
// #cgo linux,amd64 LDFLAGS: -L${SRCDIR}/packaged/lib/linux-amd64 -lpicket -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
import "C"

import (
	_ "github.com/picket-dev/picket/bindings/go/packaged/include"
	_ "github.com/picket-dev/picket/bindings/go/packaged/lib/linux-amd64"
)
