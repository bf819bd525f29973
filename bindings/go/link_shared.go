//go:build cgo && picket_shared

package picket

// With -tags picket_shared: links libpicket.so (through picket.pc), so that the program
// loads the libpicket.so.ABI installed on the machine at run time, which a system package
// can update without rebuilding the program. The prefix's lib directory must then be on the
// loader's path (a system prefix such as /usr, LD_LIBRARY_PATH, or an rpath given in
// CGO_LDFLAGS). The default is the static library this module carries (link_packaged.go).

// #cgo pkg-config: picket
import "C"
