package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
)

// A store from before accounts (the migrations before the one that makes the accounts
// table, with a project and its key) migrates: the project and key are kept, the project
// has no account, and Adopt gives it to one.
func TestMigrateStoreFromBeforeAccounts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	// Build the old store by hand with the first two migrations only.
	s := &Store{}
	ms, err := s.migrations()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqliteFileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	before := 0
	for before < len(ms) && !strings.Contains(ms[before].sql, "CREATE TABLE accounts") {
		before++
	}
	if before == len(ms) {
		t.Fatal("no migration makes the accounts table")
	}
	for _, m := range ms[:before] {
		for _, st := range statements(m.sql) {
			if _, err := db.Exec(st); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Exec("INSERT INTO schema_version VALUES (?, 0)", m.version); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`INSERT INTO projects (name, mode, created_at) VALUES ('Old', 'production', 1);
INSERT INTO keys (project_id, digest, kind, created_at) VALUES (1, 'aa', 'secret', 1)`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	st, err := Open(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.Project(ctx, 1)
	if err != nil || p.Name != "Old" || p.Mode != picket.Production || p.AccountID != 0 {
		t.Fatalf("old project after migration: %+v %v", p, err)
	}
	k, err := st.Key(ctx, 1)
	if err != nil || k.Last4 != "" || k.Digest != "aa" {
		t.Fatalf("old key after migration: %+v %v", k, err)
	}
	if n, err := st.Unowned(ctx); err != nil || n != 1 {
		t.Fatalf("unowned: %d %v", n, err)
	}
	now := time.Now()
	acc, first, _, err := st.CreateAccount(ctx, NewAccount{Email: "Op@example.com", EmailKey: "op@example.com", PasswordHash: "h"},
		NewProject{Name: "My First Project", Mode: picket.Development}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := st.CreateAccount(ctx, NewAccount{Email: "op@example.com", EmailKey: "op@example.com", PasswordHash: "h"},
		NewProject{Name: "x", Mode: picket.Development}, now); err != ErrExists {
		t.Fatalf("second account with the key: %v", err)
	}
	if _, err := st.Adopt(ctx, acc.ID, 99); err != ErrNotFound {
		t.Fatalf("adopt an unknown project: %v", err)
	}
	ids, err := st.Adopt(ctx, acc.ID, 0)
	if err != nil || len(ids) != 1 || ids[0] != 1 {
		t.Fatalf("adopt: %v %v", ids, err)
	}
	ps, _, err := st.AccountProjects(ctx, acc.ID, 0, 10)
	if err != nil || len(ps) != 2 || ps[0].ID != 1 || ps[1].ID != first.ID {
		t.Fatalf("the account's projects: %+v %v", ps, err)
	}
}

// openTemp opens a SQLite store in a temporary directory, closed when the test ends.
func openTemp(t *testing.T) *Store {
	t.Helper()
	st, err := Open(context.Background(), t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestSessionsExpire(t *testing.T) {
	ctx, st := context.Background(), openTemp(t)
	now := time.Unix(1_700_000_000, 0)
	acc, _, _, err := st.CreateAccount(ctx, NewAccount{Email: "a@example.com", EmailKey: "a@example.com", PasswordHash: "h"},
		NewProject{Name: "p", Mode: picket.Development}, now)
	if err != nil {
		t.Fatal(err)
	}
	idle, max := 30*time.Minute, 8*time.Hour
	if err := st.CreateSession(ctx, "d1", acc.ID, "h", now.Add(max), idle, now); err != nil {
		t.Fatal(err)
	}
	// Used every 20 minutes, it lives until its absolute expiry, not beyond.
	at := now
	for at.Add(20 * time.Minute).Before(now.Add(max)) {
		at = at.Add(20 * time.Minute)
		s, err := st.Session(ctx, "d1", idle, at)
		if err != nil || s.Account.ID != acc.ID {
			t.Fatalf("at +%v: %v", at.Sub(now), err)
		}
	}
	if _, err := st.Session(ctx, "d1", idle, now.Add(max)); err != ErrNotFound {
		t.Fatalf("past the absolute expiry: %v", err)
	}
	// Unused for the idle limit, it ends.
	if err := st.CreateSession(ctx, "d2", acc.ID, "h", now.Add(max), idle, now); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Session(ctx, "d2", idle, now.Add(idle-time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Session(ctx, "d2", idle, now.Add(2*idle)); err != ErrNotFound {
		t.Fatalf("idle past the limit: %v", err)
	}
	if err := st.DeleteSession(ctx, "d2"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Session(ctx, "nope", idle, now); err != ErrNotFound {
		t.Fatalf("unknown session: %v", err)
	}
}

// A signed-up account's first project has no keys, and making it does not bump the change
// counter (the registry has nothing to reload); IssueFirstKeys issues them once, bumps it,
// and every later call finds nothing to issue. A taken email changes nothing and names the
// account that has it.
func TestFirstKeysAtFirstLogin(t *testing.T) {
	ctx, st := context.Background(), openTemp(t)
	now := time.Unix(1_700_000_000, 0)
	v0, _ := st.Version(ctx)
	na := NewAccount{Email: "a@example.com", EmailKey: "a@example.com", PasswordHash: "h", KeysAtFirstLogin: true}
	acc, p, keys, err := st.CreateAccount(ctx, na, NewProject{Name: "My First Project", Mode: picket.Development}, now)
	if err != nil || len(keys) != 0 {
		t.Fatalf("sign-up: %v %v", keys, err)
	}
	if v, _ := st.Version(ctx); v != v0 {
		t.Fatalf("a project without keys bumped the version: %d -> %d", v0, v)
	}
	again, _, _, err := st.CreateAccount(ctx, NewAccount{Email: "A@example.com", EmailKey: "a@example.com", PasswordHash: "other", KeysAtFirstLogin: true},
		NewProject{Name: "My First Project", Mode: picket.Development}, now)
	if err != ErrExists || again.ID != acc.ID {
		t.Fatalf("taken email: %+v %v", again, err)
	}
	if _, hash, _ := st.AccountByEmail(ctx, "a@example.com"); hash != "h" {
		t.Fatalf("the taken email's hash became %q", hash)
	}
	if pending, err := st.FirstKeysPending(ctx, acc.ID); err != nil || !pending {
		t.Fatalf("pending: %v %v", pending, err)
	}
	k, _ := picket.GenerateKey(picket.Secret)
	d, _ := k.Digest()
	got, made, err := st.IssueFirstKeys(ctx, acc.ID, []NewKey{{Kind: picket.Secret, Digest: d}}, now)
	if err != nil || got.ID != p.ID || len(made) != 1 || made[0].ProjectID != p.ID {
		t.Fatalf("first keys: %+v %+v %v", got, made, err)
	}
	if v, _ := st.Version(ctx); v <= v0 {
		t.Fatal("the first keys did not bump the version")
	}
	if _, _, err := st.IssueFirstKeys(ctx, acc.ID, []NewKey{{Kind: picket.Secret, Digest: d}}, now); err != ErrNotFound {
		t.Fatalf("second issue: %v", err)
	}
	if pending, err := st.FirstKeysPending(ctx, acc.ID); err != nil || pending {
		t.Fatalf("pending after issue: %v %v", pending, err)
	}
	if _, _, err := st.IssueFirstKeys(ctx, 999, nil, now); err != ErrNotFound {
		t.Fatalf("unknown account: %v", err)
	}
}
