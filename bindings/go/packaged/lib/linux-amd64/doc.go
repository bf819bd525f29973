// Package linux_amd64 holds libpicket.a for linux/amd64, the C library this module carries
// (see link_packaged.go in the picket package). It has no Go code: the picket package
// imports it so that `go mod vendor` copies this directory.
package linux_amd64
