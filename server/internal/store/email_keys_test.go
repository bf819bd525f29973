package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/picket-dev/picket/server/internal/storetest"
)

// A store whose accounts were keyed before internationalized domains were canonicalized
// (the key: the address as typed, lowercased) migrates: each account gets the key and
// address accounts.NormalizeEmail gives now, once per mailbox, on SQLite and PostgreSQL.
func TestMigrateEmailKeysToIDNA(t *testing.T) {
	// The rows as the server before made them: [address as typed, old key].
	old := [][2]string{
		{"ada@b\u00fccher.example", "ada@b\u00fccher.example"},           // 1: U-label, the mailbox's first account
		{"bob@xn--bcher-kva.example", "bob@xn--bcher-kva.example"},       // 2: A-label, already the new key
		{"ada@\uff42\u00fccher.example", "ada@\uff42\u00fccher.example"}, // 3: full width: 1's mailbox
		{"Bob@B\u00dcCHER.example", "bob@b\u00fccher.example"},           // 4: 2's mailbox
		{"Cy@Example.COM", "cy@example.com"},                             // 5: ASCII: the key stays
		{"dee@a_b.example", "dee@a_b.example"},                           // 6: a domain now refused
		{"\u00c9mile@ex\u00e4mple.com", "\u00e9mile@ex\u00e4mple.com"},   // 7: non-ASCII local part
	}
	for kind, before := range storesBefore(t, "email_key_idna") {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			insert := "INSERT INTO accounts (email, email_key, password_hash, created_at) VALUES (?, ?, 'h', 1)"
			if before.url != "" {
				insert = "INSERT INTO accounts (email, email_key, password_hash, created_at) VALUES ($1, $2, 'h', 1)"
			}
			for _, r := range old {
				if _, err := before.db.ExecContext(ctx, insert, r[0], r[1]); err != nil {
					t.Fatal(err)
				}
			}
			before.db.Close()
			s, err := Open(ctx, before.dir, before.url)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			want := [][2]string{
				{"ada@b\u00fccher.example", "ada@xn--bcher-kva.example"},
				{"bob@b\u00fccher.example", "bob@xn--bcher-kva.example"},
				old[2], // a second account of 1's mailbox: left, unreachable by its key
				old[3], // a second account of 2's mailbox
				{"Cy@example.com", "cy@example.com"},
				old[5],
				{"\u00c9mile@ex\u00e4mple.com", "\u00e9mile@xn--exmple-cua.com"},
			}
			rows, err := s.db.QueryContext(ctx, "SELECT email, email_key FROM accounts ORDER BY id")
			if err != nil {
				t.Fatal(err)
			}
			var got [][2]string
			for rows.Next() {
				var r [2]string
				if err := rows.Scan(&r[0], &r[1]); err != nil {
					t.Fatal(err)
				}
				got = append(got, r)
			}
			rows.Close()
			if len(got) != len(want) {
				t.Fatalf("%d accounts, want %d", len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("account %d: %+q, want %+q", i+1, got[i], want[i])
				}
			}
			// Each mailbox's new key finds its one account.
			for key, id := range map[string]int64{"ada@xn--bcher-kva.example": 1, "bob@xn--bcher-kva.example": 2, "\u00e9mile@xn--exmple-cua.com": 7} {
				if a, _, err := s.AccountByEmail(ctx, key); err != nil || a.ID != id {
					t.Errorf("%+q: %+v %v, want account %d", key, a, err, id)
				}
			}
			if _, _, err := s.AccountByEmail(ctx, "ada@b\u00fccher.example"); !errors.Is(err, ErrNotFound) {
				t.Errorf("the old key still finds an account: %v", err)
			}
		})
	}
}

// oldStore is a store of one kind migrated only up to (not including) one migration, with
// a connection to it to fill it as an older server would have.
type oldStore struct {
	db       *sql.DB
	dir, url string // what to Open: a SQLite data directory, or a PostgreSQL URL
}

// storesBefore builds a store migrated up to the migration named name, on SQLite and, when
// PICKET_TEST_POSTGRES_URL is set, in a PostgreSQL schema of its own.
func storesBefore(t *testing.T, name string) map[string]oldStore {
	t.Helper()
	out := map[string]oldStore{}
	build := func(pg bool, db *sql.DB) {
		ms, err := (&Store{pg: pg}).migrations()
		if err != nil {
			t.Fatal(err)
		}
		insert := "INSERT INTO schema_version VALUES (?, 0)"
		if pg {
			insert = "INSERT INTO schema_version VALUES ($1, 0)"
		}
		if _, err := db.Exec("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.name == name {
				return
			}
			for _, st := range statements(m.sql) {
				if _, err := db.Exec(st); err != nil {
					t.Fatalf("migration %d: %v", m.version, err)
				}
			}
			if _, err := db.Exec(insert, m.version); err != nil {
				t.Fatal(err)
			}
		}
		t.Fatalf("no migration named %s", name)
	}
	dir := t.TempDir()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqliteFileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	build(false, db)
	out["sqlite"] = oldStore{db: db, dir: dir}
	base := os.Getenv("PICKET_TEST_POSTGRES_URL")
	if base == "" {
		return out
	}
	u := storetest.SchemaURL(t, base)
	pg, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	build(true, pg)
	out["postgres"] = oldStore{db: pg, url: u}
	return out
}
