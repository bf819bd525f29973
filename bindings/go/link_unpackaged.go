//go:build cgo && !picket_pkgconfig && !picket_shared && !(linux && amd64)

package picket

// This module carries libpicket for linux/amd64 only (link_packaged.go). Elsewhere the build
// fails first on the type below, whose name says what to do: install the C library (from
// the picket repository: `make install PREFIX=...`), point PKG_CONFIG_PATH at it, and
// build with -tags picket_pkgconfig (or picket_shared). See cgo_required.go for why an
// undefined name.
type noPackagedLibrary picket_has_no_prebuilt_library_for_this_GOOS_GOARCH__install_libpicket_and_build_with_tags_picket_pkgconfig
