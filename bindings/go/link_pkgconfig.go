//go:build cgo && picket_pkgconfig && !picket_shared

package picket

// With -tags picket_pkgconfig: the libpicket.a of a C library installed on the machine (the
// release's C tarball, or `make install` from a checkout), found through its pkg-config file
// (picket-static.pc names the archive by its path, because -lpicket would pick
// libpicket.so from the same directory), instead of the copy inside this module
// (link_packaged.go). For platforms the module carries no library for, and for programs
// that must link the library a system package installed. -tags picket_shared links
// libpicket.so instead (link_shared.go).

// #cgo pkg-config: picket-static
import "C"
