//go:build cgo && (picket_pkgconfig || picket_shared)

package picket

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// installedHeader is the picket.h of the installed library this package was built against,
// found the way the build finds the library: through pkg-config.
func installedHeader(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("pkg-config", "--variable=includedir", "picket-static").Output()
	if err != nil {
		t.Fatalf("pkg-config --variable=includedir picket-static: %v (is PKG_CONFIG_PATH set to the prefix's lib/pkgconfig?)", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "picket.h")
}
