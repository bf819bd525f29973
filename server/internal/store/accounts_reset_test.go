package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
)

// A password reset replaces the hash and ends every session of the account (no other's),
// and a log-in that checked the old hash gets no session after it; a rehash never
// overwrites a reset. On both stores.
func TestResetPasswordEndsSessions(t *testing.T) {
	for name, st := range openKinds(t) {
		t.Run(name, func(t *testing.T) {
			ctx, now, ada, bob := twoAccounts(t, st)
			for _, s := range []struct {
				digest string
				acc    int64
			}{{"ada1", ada}, {"ada2", ada}, {"bob1", bob}} {
				if err := st.CreateSession(ctx, s.digest, s.acc, "h", now.Add(time.Hour), time.Hour, now); err != nil {
					t.Fatal(err)
				}
			}
			if n, err := st.ResetPassword(ctx, ada, "h2"); err != nil || n != 2 {
				t.Fatalf("reset: %d sessions ended, %v; want 2", n, err)
			}
			for digest, want := range map[string]error{"ada1": ErrNotFound, "ada2": ErrNotFound, "bob1": nil} {
				if _, err := st.Session(ctx, digest, time.Hour, now); err != want {
					t.Fatalf("session %s after ada's reset: %v, want %v", digest, err, want)
				}
			}
			// A log-in that checked the old hash, recording its session after the reset.
			if err := st.CreateSession(ctx, "late", ada, "h", now.Add(time.Hour), time.Hour, now); err != ErrNotFound {
				t.Fatalf("a session for the old password: %v", err)
			}
			if err := st.CreateSession(ctx, "new", ada, "h2", now.Add(time.Hour), time.Hour, now); err != nil {
				t.Fatalf("a session for the new password: %v", err)
			}
			// A rehash of the old password, after the reset: refused, the reset stays.
			if done, err := st.RehashPassword(ctx, ada, "h", "h-rehashed"); err != nil || done {
				t.Fatalf("stale rehash: %v %v", done, err)
			}
			if done, err := st.RehashPassword(ctx, ada, "h2", "h2-rehashed"); err != nil || !done {
				t.Fatalf("rehash: %v %v", done, err)
			}
			if _, hash, _ := st.AccountByEmail(ctx, "ada@example.com"); hash != "h2-rehashed" {
				t.Fatalf("hash %q", hash)
			}
			if _, err := st.ResetPassword(ctx, 999, "h"); err != ErrNotFound {
				t.Fatalf("unknown account: %v", err)
			}
		})
	}
}

// Log-ins that checked the password, recording their sessions while a reset or a deletion
// of the account runs: each records its session before (and the reset or deletion ends
// it) or is refused after, so none outlives it, and none fails otherwise. On PostgreSQL
// this needs the lock on the account's row that CreateSession shares and the others take:
// without it, a session checked before the reset commits and inserted after its delete
// survives.
func TestAccountChangesRaceLogins(t *testing.T) {
	changes := map[string]func(st *Store, id int64) error{
		"reset": func(st *Store, id int64) error {
			_, err := st.ResetPassword(context.Background(), id, "h2")
			return err
		},
		"delete": func(st *Store, id int64) error {
			_, _, err := st.DeleteAccount(context.Background(), id, true)
			return err
		},
	}
	for name, st := range openKinds(t) {
		for change, do := range changes {
			t.Run(name+"/"+change, func(t *testing.T) {
				ctx, now := context.Background(), time.Unix(1_700_000_000, 0)
				for round := 0; round < 20; round++ {
					id := newTestAccount(t, st, fmt.Sprintf("%s%d@example.com", change, round), now)
					digest := func(i int) string { return fmt.Sprintf("%s%d-%d", change, round, i) }
					var wg sync.WaitGroup
					for i := 0; i < 8; i++ {
						wg.Add(1)
						go func() {
							defer wg.Done()
							if err := st.CreateSession(ctx, digest(i), id, "h", now.Add(time.Hour), time.Hour, now); err != nil && err != ErrNotFound {
								t.Error(err)
							}
						}()
					}
					if err := do(st, id); err != nil {
						t.Fatal(err)
					}
					wg.Wait()
					for i := 0; i < 8; i++ {
						if _, err := st.Session(ctx, digest(i), time.Hour, now); err != ErrNotFound {
							t.Fatalf("round %d: log-in %d outlived the %s: %v", round, i, change, err)
						}
					}
				}
			})
		}
	}
}

// Deleting an account that owns projects is refused unless forced; forced, its projects
// are left to no account with their keys, its sessions end, its address is free again, and
// Adopt gives the projects to another account. On both stores.
func TestDeleteAccount(t *testing.T) {
	for name, st := range openKinds(t) {
		t.Run(name, func(t *testing.T) {
			ctx, now, ada, bob := twoAccounts(t, st)
			k, _ := picket.GenerateKey(picket.Secret)
			d, _ := k.Digest()
			shop, _, err := st.CreateProject(ctx, NewProject{Name: "Shop", Mode: picket.Development, AccountID: ada, Keys: []NewKey{{Kind: picket.Secret, Digest: d}}}, now)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.CreateSession(ctx, "ada1", ada, "h", now.Add(time.Hour), time.Hour, now); err != nil {
				t.Fatal(err)
			}
			owned, _, err := st.DeleteAccount(ctx, ada, false)
			if err != ErrOwnsProjects || len(owned) != 2 || owned[1] != shop.ID {
				t.Fatalf("delete without force: %v %v", owned, err)
			}
			if _, err := st.Account(ctx, ada); err != nil {
				t.Fatalf("a refused delete deleted: %v", err)
			}
			released, ended, err := st.DeleteAccount(ctx, ada, true)
			if err != nil || !slices.Equal(released, owned) || ended != 1 {
				t.Fatalf("forced delete: %v %d %v", released, ended, err)
			}
			if _, err := st.Account(ctx, ada); err != ErrNotFound {
				t.Fatalf("deleted account: %v", err)
			}
			if _, err := st.Session(ctx, "ada1", time.Hour, now); err != ErrNotFound {
				t.Fatalf("deleted account's session: %v", err)
			}
			if err := st.CreateSession(ctx, "late", ada, "h", now.Add(time.Hour), time.Hour, now); err != ErrNotFound {
				t.Fatalf("a session for a deleted account: %v", err)
			}
			if n, err := st.Unowned(ctx); err != nil || n != 2 {
				t.Fatalf("unowned after delete: %d %v", n, err)
			}
			if keys, _, err := st.Keys(ctx, shop.ID, 0, 10); err != nil || len(keys) != 1 || !keys[0].RevokedAt.IsZero() {
				t.Fatalf("the released project's keys: %+v %v", keys, err)
			}
			// The address is free: an account can be made with it again.
			if again := newTestAccount(t, st, "ada@example.com", now); again == ada {
				t.Fatal("the new account has the deleted one's id")
			}
			if ids, err := st.Adopt(ctx, bob, shop.ID); err != nil || !slices.Equal(ids, []int64{shop.ID}) {
				t.Fatalf("adopt the released project: %v %v", ids, err)
			}
			// An account without projects needs no force.
			if _, _, err := st.DeleteAccount(ctx, bob, true); err != nil {
				t.Fatal(err)
			}
			plain := newTestAccount(t, st, "plain@example.com", now)
			if _, _, err := st.DeleteAccount(ctx, plain, false); err != ErrOwnsProjects {
				t.Fatalf("an account with its first project: %v", err)
			}
			if _, _, err := st.DeleteAccount(ctx, 999, true); err != ErrNotFound {
				t.Fatalf("unknown account: %v", err)
			}
		})
	}
}

// twoAccounts makes ada's and bob's accounts.
func twoAccounts(t *testing.T, st *Store) (context.Context, time.Time, int64, int64) {
	now := time.Unix(1_700_000_000, 0)
	return context.Background(), now, newTestAccount(t, st, "ada@example.com", now), newTestAccount(t, st, "bob@example.com", now)
}

// newTestAccount creates an account (password hash "h") with its first project.
func newTestAccount(t *testing.T, st *Store, email string, now time.Time) int64 {
	t.Helper()
	acc, _, _, err := st.CreateAccount(context.Background(), NewAccount{Email: email, EmailKey: email, PasswordHash: "h"},
		NewProject{Name: "My First Project", Mode: picket.Development}, now)
	if err != nil {
		t.Fatal(err)
	}
	return acc.ID
}
