//go:build cgo && !picket_shared

package picket

// The default: libpicket.a, linked into the program, found through the pkg-config file
// `make install` writes (picket-static.pc names the archive by its path, because -lpicket
// would pick libpicket.so from the same directory). The binary is self-contained: it does
// not need libpicket at run time, which is how Go programs are usually deployed. Build with
// -tags picket_shared to link libpicket.so instead (link_shared.go).

// #cgo pkg-config: picket-static
import "C"
