package store

import (
	"context"
	"errors"
	"testing"
)

// A store whose accounts were keyed before internationalized domains were canonicalized
// (the key: the address as typed, lowercased) migrates: each account gets the key and
// address accounts.NormalizeEmail gives now, once per mailbox, on SQLite and PostgreSQL.
func TestMigrateEmailKeysToIDNA(t *testing.T) {
	for kind, s := range openKinds(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			version := 0
			ms, err := s.migrations()
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				if m.name == "email_key_idna" {
					version = m.version
				}
			}
			if version == 0 {
				t.Fatal("no migration named email_key_idna")
			}
			// The rows as the server before it made them: [address as typed, old key].
			old := [][2]string{
				{"ada@b\u00fccher.example", "ada@b\u00fccher.example"},           // 1: U-label, the mailbox's first account
				{"bob@xn--bcher-kva.example", "bob@xn--bcher-kva.example"},       // 2: A-label, already the new key
				{"ada@\uff42\u00fccher.example", "ada@\uff42\u00fccher.example"}, // 3: full width: 1's mailbox
				{"Bob@B\u00dcCHER.example", "bob@b\u00fccher.example"},           // 4: 2's mailbox
				{"Cy@Example.COM", "cy@example.com"},                             // 5: ASCII: the key stays
				{"dee@a_b.example", "dee@a_b.example"},                           // 6: a domain now refused
				{"\u00c9mile@ex\u00e4mple.com", "\u00e9mile@ex\u00e4mple.com"},   // 7: non-ASCII local part
			}
			for _, r := range old {
				if _, err := s.db.ExecContext(ctx, s.q("INSERT INTO accounts (email, email_key, password_hash, created_at) VALUES (?, ?, 'h', 1)"), r[0], r[1]); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.db.ExecContext(ctx, s.q("DELETE FROM schema_version WHERE version = ?"), version); err != nil {
				t.Fatal(err)
			}
			if err := s.migrate(ctx); err != nil {
				t.Fatal(err)
			}
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
			// Applied once: a second open changes nothing.
			if err := s.migrate(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}
