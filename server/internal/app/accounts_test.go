package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/picket-dev/picket/server/internal/accounts"
	"github.com/picket-dev/picket/server/internal/store"
)

// cheapPasswords makes argon2id cheap for tests (the race detector slows it 10x); the
// parameters of real use are tested in package accounts.
func cheapPasswords(t *testing.T, a *App) {
	t.Helper()
	h, err := accounts.NewHasher(accounts.Params{Time: 1, Memory: 64, Threads: 1}, 2)
	if err != nil {
		t.Fatal(err)
	}
	a.SetPasswords(h)
}

func TestAccounts(t *testing.T) { eachStore(t, testAccounts) }

func testAccounts(t *testing.T, e *env) {
	ctx := context.Background()
	cheapPasswords(t, e.app)
	const pw = "correct horse battery staple"
	acc, np, err := e.app.CreateAccount(ctx, " Ada@Example.com ", pw)
	if err != nil {
		t.Fatal(err)
	}
	// The address is kept as typed, its domain in its U-label form (lowercase).
	if acc.Email != "Ada@example.com" || np.Project.Name != FirstProjectName || np.Project.AccountID != acc.ID || len(np.Keys) != 2 {
		t.Fatalf("account %+v project %+v keys %d", acc, np.Project, len(np.Keys))
	}
	// The first project's keys work at once (the registry was reloaded), and the hint is
	// the key's last four characters.
	for _, k := range np.Keys {
		status, body := e.api("GET", "/v1/ping", k.Secret, "")
		wantStatus(t, "ping with a new account's "+k.Kind+" key", status, 200, body)
		if k.Last4 != k.Secret[len(k.Secret)-4:] {
			t.Fatalf("last4 %q of %s key", k.Last4, k.Kind)
		}
	}
	if _, _, err := e.app.CreateAccount(ctx, "ada@example.COM", pw); !errors.Is(err, store.ErrExists) {
		t.Fatalf("same email in another case: %v", err)
	}
	// One internationalized domain, two spellings (U-label, A-label): one account.
	idn, _, err := e.app.CreateAccount(ctx, "ida@b\u00fccher.example", pw)
	if err != nil || idn.Email != "ida@b\u00fccher.example" {
		t.Fatalf("U-label: %+v %v", idn, err)
	}
	if _, _, err := e.app.CreateAccount(ctx, "ida@XN--BCHER-KVA.example", pw); !errors.Is(err, store.ErrExists) {
		t.Fatalf("the same mailbox by its A-label: %v", err)
	}
	for _, spelling := range []string{"ida@xn--bcher-kva.example", "IDA@\uff42\u00fccher.example"} {
		if got, err := e.app.CheckLogin(ctx, spelling, pw); err != nil || got.Account.ID != idn.ID {
			t.Fatalf("log-in as %+q: %+v %v", spelling, got, err)
		}
	}
	if _, _, err := e.app.CreateAccount(ctx, "bob@example.com", "short"); err != accounts.ErrPasswordShort {
		t.Fatalf("short password: %v", err)
	}
	got, err := e.app.CheckLogin(ctx, "ADA@example.com", pw)
	if err != nil || got.Account.ID != acc.ID {
		t.Fatalf("log-in: %+v %v", got, err)
	}
	for _, c := range [][2]string{{"ada@example.com", pw + "!"}, {"nobody@example.com", pw}, {"not an email", pw}} {
		if _, err := e.app.CheckLogin(ctx, c[0], c[1]); !errors.Is(err, ErrLogin) {
			t.Fatalf("log-in %q: %v, want ErrLogin", c[0], err)
		}
	}
	// A project of another account is not found, and the account's own is.
	other, onp, err := e.app.CreateAccount(ctx, "bob@example.com", pw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.OwnedProject(ctx, acc.ID, onp.Project.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another account's project: %v", err)
	}
	second, err := e.app.CreateProject(ctx, other.ID, "  Shop  ")
	if err != nil || second.Project.Name != "Shop" || len(second.Keys) != 2 {
		t.Fatalf("create project: %+v %v", second, err)
	}
	if _, err := e.app.CreateProject(ctx, other.ID, strings.Repeat("x", 201)); err != ErrProjectName {
		t.Fatalf("long name: %v", err)
	}
	ps, _, err := e.st.AccountProjects(ctx, other.ID, 0, 10)
	if err != nil || len(ps) != 2 {
		t.Fatalf("bob's projects: %v %v", ps, err)
	}
	// The first start's project has no account until one adopts it.
	ids, err := e.st.Adopt(ctx, acc.ID, 0)
	if err != nil || len(ids) != 1 || ids[0] != 1 {
		t.Fatalf("adopt: %v %v", ids, err)
	}
	if _, err := e.st.Adopt(ctx, other.ID, 1); !errors.Is(err, store.ErrExists) {
		t.Fatalf("adopting another account's project: %v", err)
	}
	if n, err := e.st.Unowned(ctx); err != nil || n != 0 {
		t.Fatalf("unowned %d %v", n, err)
	}
	e.assertNoSecretInLogs(pw)
}

// A rehash happens when the stored hash's parameters are not the hasher's.
func TestLoginRehashes(t *testing.T) {
	e := newEnv(t, t.TempDir(), "")
	ctx := context.Background()
	cheapPasswords(t, e.app)
	const pw = "correct horse battery staple"
	acc, _, err := e.app.CreateAccount(ctx, "ada@example.com", pw)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := accounts.NewHasher(accounts.Params{Time: 2, Memory: 64, Threads: 1}, 1)
	e.app.SetPasswords(h)
	l, err := e.app.CheckLogin(ctx, "ada@example.com", pw)
	if err != nil {
		t.Fatal(err)
	}
	// The log-in carries the new hash: its session is recorded.
	if err := e.app.StartSession(ctx, l, "d", time.Now().Add(time.Hour), time.Hour, time.Now()); err != nil {
		t.Fatalf("session after a rehash: %v", err)
	}
	_, hash, err := e.st.AccountByEmail(ctx, "ada@example.com")
	if err != nil || !strings.Contains(hash, "m=64,t=2,p=1") {
		t.Fatalf("hash after log-in: %q %v", hash, err)
	}
	if _, err := e.app.CheckLogin(ctx, "ada@example.com", pw); err != nil || acc.ID == 0 {
		t.Fatal(err)
	}
}

// The operator's password reset: the rules of a new password, every session of the
// account ended, and a log-in under way with the old password gets no session.
func TestResetPassword(t *testing.T) { eachStore(t, testResetPassword) }

func testResetPassword(t *testing.T, e *env) {
	ctx, now := context.Background(), time.Now()
	cheapPasswords(t, e.app)
	const pw, newPW = "correct horse battery staple", "a brand new passphrase, long"
	acc, _, err := e.app.CreateAccount(ctx, "ada@example.com", pw)
	if err != nil {
		t.Fatal(err)
	}
	login := func(password string) Login {
		t.Helper()
		l, err := e.app.CheckLogin(ctx, "ada@example.com", password)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	if err := e.app.StartSession(ctx, login(pw), "before", now.Add(time.Hour), time.Hour, now); err != nil {
		t.Fatal(err)
	}
	underWay := login(pw)
	for bad, want := range map[string]error{"short": accounts.ErrPasswordShort, "ada@example.com": accounts.ErrPasswordIsEmail} {
		if _, err := e.app.ResetPassword(ctx, acc.ID, "ada@example.com", bad); err != want {
			t.Fatalf("reset to %q: %v, want %v", bad, err, want)
		}
	}
	if n, err := e.app.ResetPassword(ctx, acc.ID, "ada@example.com", newPW); err != nil || n != 1 {
		t.Fatalf("reset: %d sessions ended, %v", n, err)
	}
	if _, err := e.st.Session(ctx, "before", time.Hour, now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a session from before the reset: %v", err)
	}
	if err := e.app.StartSession(ctx, underWay, "during", now.Add(time.Hour), time.Hour, now); !errors.Is(err, ErrLogin) {
		t.Fatalf("a log-in with the old password, under way during the reset: %v", err)
	}
	if _, err := e.app.CheckLogin(ctx, "ada@example.com", pw); !errors.Is(err, ErrLogin) {
		t.Fatalf("the old password: %v", err)
	}
	if err := e.app.StartSession(ctx, login(newPW), "after", now.Add(time.Hour), time.Hour, now); err != nil {
		t.Fatal(err)
	}
	e.assertNoSecretInLogs(pw, newPW)
}
