package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
)

func TestMigrationsApplyOnceAndReopen(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "nested", "data")
	// Several opens at once on a new store: each waits for the others, none fails, and
	// the migrations are recorded once.
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(ctx, dir, "")
			if err == nil {
				err = s.Close()
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("data directory: %v %v", fi, err)
	}
	s, err := Open(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	v, err := s.SchemaVersion(ctx)
	ms, _ := s.migrations()
	if err != nil || v != ms[len(ms)-1].version {
		t.Fatalf("schema version %d %v, want %d", v, err, ms[len(ms)-1].version)
	}
	var n int
	if err := s.db.QueryRow("SELECT COUNT(*) FROM schema_version").Scan(&n); err != nil || n != len(ms) {
		t.Fatalf("schema_version rows %d %v", n, err)
	}
}

func TestOpenRefusesAnotherURL(t *testing.T) {
	if _, err := Open(context.Background(), "", "mysql://x"); err == nil || !strings.Contains(err.Error(), "postgres") {
		t.Fatalf("Open(mysql://): %v", err)
	}
}

// The store keeps digests, never keys: the database file holds neither key's text.
func TestNoKeyInTheDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	k, err := picket.GenerateKey(picket.Secret)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := k.Digest()
	_, keys, created, err := s.Bootstrap(ctx, "P", picket.Development, nil, []NewKey{{Kind: picket.Secret, Digest: d}}, time.Now())
	if err != nil || !created || len(keys) != 1 || keys[0].Digest != d.String() {
		t.Fatalf("bootstrap: %v %v %v", keys, created, err)
	}
	if _, _, created, err := s.Bootstrap(ctx, "P", picket.Development, nil, nil, time.Now()); created || err != nil {
		t.Fatalf("second bootstrap created=%v %v", created, err)
	}
	v1, _ := s.Version(ctx)
	// The only secret key: forced, as the operator may.
	if _, err := s.RevokeKey(ctx, keys[0].ID, Actor{Force: true}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if v2, _ := s.Version(ctx); v2 <= v1 {
		t.Fatalf("a revocation did not bump the version: %d -> %d", v1, v2)
	}
	snap, err := s.Snapshot(ctx, time.Now())
	if err != nil || len(snap.Keys) != 0 {
		t.Fatalf("revoked key in the snapshot: %v %v", snap.Keys, err)
	}
	s.Close()
	raw, err := os.ReadFile(filepath.Join(dir, "picket.db"))
	if err != nil {
		t.Fatal(err)
	}
	wal, _ := os.ReadFile(filepath.Join(dir, "picket.db-wal"))
	all := string(raw) + string(wal)
	if strings.Contains(all, k.Expose()) {
		t.Fatal("the key's text is in the database")
	}
	if !strings.Contains(all, d.String()) {
		t.Fatal("the digest is not in the database (the test reads the wrong file)")
	}
}
