//go:build cgo && !picket_pkgconfig && !picket_shared

package picket

import "testing"

// installedHeader is the picket.h this package was built against: the module's own
// (link_packaged.go).
func installedHeader(t *testing.T) string {
	t.Helper()
	return "packaged/include/picket.h"
}
