// Command gomodule writes one version of a Go module the way a Go module proxy serves it
// (the GOPROXY protocol, `go help goproxy`), so that `GOPROXY=file://DIR go get
// MODULE@VERSION` fetches it as from a public proxy:
//
//	DIR/<escaped module path>/@v/list           the versions, one a line
//	DIR/<escaped module path>/@v/VERSION.info   {"Version": ..., "Time": ...}
//	DIR/<escaped module path>/@v/VERSION.mod    the module's go.mod
//	DIR/<escaped module path>/@v/VERSION.zip    the module zip
//
// The zip is made by golang.org/x/mod/zip (the go command's own format and limits) from a
// directory holding the module's files; its bytes depend only on their names and contents.
// It prints the zip's size and its go.sum hash (h1:).
//
//	go run . -dir STAGING -version v0.1.0 -time UNIX_SECONDS -out DIR
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/mod/sumdb/dirhash"
	"golang.org/x/mod/zip"
)

func main() {
	dir := flag.String("dir", "", "the module's files (go.mod at the root)")
	version := flag.String("version", "", "the version, e.g. v0.1.0")
	stamp := flag.String("time", "", "the version's time, in unix seconds (SOURCE_DATE_EPOCH)")
	out := flag.String("out", "", "the proxy's root directory")
	flag.Parse()
	if *dir == "" || *version == "" || *stamp == "" || *out == "" || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := write(*dir, *version, *stamp, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gomodule:", err)
		os.Exit(1)
	}
}

func write(dir, version, stamp, out string) error {
	if !semver.IsValid(version) || semver.Canonical(version) != version {
		return fmt.Errorf("%q is not a canonical semantic version (vX.Y.Z)", version)
	}
	seconds, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil {
		return fmt.Errorf("-time %q: %v", stamp, err)
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return err
	}
	path := modfile.ModulePath(gomod)
	if path == "" {
		return fmt.Errorf("%s/go.mod has no module line", dir)
	}
	m := module.Version{Path: path, Version: version}
	if err := module.Check(path, version); err != nil {
		return err
	}
	escaped, err := module.EscapePath(path)
	if err != nil {
		return err
	}
	at := filepath.Join(out, filepath.FromSlash(escaped), "@v")
	if err := os.MkdirAll(at, 0o755); err != nil {
		return err
	}

	zipPath := filepath.Join(at, version+".zip")
	f, err := os.Create(zipPath)
	if err != nil {
		return err
	}
	if err := zip.CreateFromDir(f, m, dir); err != nil {
		f.Close()
		return fmt.Errorf("module zip: %v", err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if _, err := zip.CheckZip(m, zipPath); err != nil {
		return fmt.Errorf("module zip: %v", err)
	}

	if err := os.WriteFile(filepath.Join(at, version+".mod"), gomod, 0o644); err != nil {
		return err
	}
	info, err := json.Marshal(struct {
		Version string
		Time    string
	}{version, time.Unix(seconds, 0).UTC().Format(time.RFC3339)})
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(at, version+".info"), append(info, '\n'), 0o644); err != nil {
		return err
	}
	if err := addToList(filepath.Join(at, "list"), version); err != nil {
		return err
	}

	hash, err := dirhash.HashZip(zipPath, dirhash.Hash1)
	if err != nil {
		return err
	}
	st, err := os.Stat(zipPath)
	if err != nil {
		return err
	}
	fmt.Printf("%s %s: %s, %d bytes, %s\n", path, version, zipPath, st.Size(), hash)
	return nil
}

// addToList adds version to the list file (one version a line, in semver order).
func addToList(list, version string) error {
	var versions []string
	if data, err := os.ReadFile(list); err == nil {
		versions = strings.Fields(string(data))
	} else if !os.IsNotExist(err) {
		return err
	}
	if !slices.Contains(versions, version) {
		versions = append(versions, version)
	}
	semver.Sort(versions)
	return os.WriteFile(list, []byte(strings.Join(versions, "\n")+"\n"), 0o644)
}
