// Package include holds picket.h, the header of the C library this module carries (see
// link_packaged.go in the parent package). It has no Go code: the picket package imports
// it so that `go mod vendor` copies this directory.
package include
