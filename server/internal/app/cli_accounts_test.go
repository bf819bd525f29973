package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/rules"
	"github.com/picket-dev/picket/server/internal/store"
)

// cliInput is cli with a standard input.
func cliInput(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	code := RunInput(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// The operator makes an account (password on stdin), and gives it the projects of a store
// that had none (here the first start's).
func TestAccountCommands(t *testing.T) {
	dir := t.TempDir()
	srv := startServe(t, "-data", dir)
	srv.shutdown(t)
	code, out, errs := cliInput(t, "correct horse battery staple\n", "account", "create", "-email", "op@example.com", "-data", dir)
	if code != 0 || !strings.Contains(out, `"name":"My First Project"`) || strings.Count(out, `"key":"`) != 2 {
		t.Fatalf("account create: %d %s %s", code, out, errs)
	}
	for _, c := range []struct {
		stdin string
		args  []string
		code  int
		rule  string
	}{
		{"correct horse battery staple\n", []string{"account", "create", "-email", "OP@example.com"}, 1, "account_exists"},
		{"", []string{"account", "create", "-email", "new@example.com"}, 1, "password_missing"},
		{"short\n", []string{"account", "create", "-email", "new@example.com"}, 1, "password_too_short"},
		{"correct horse battery staple\n", []string{"account", "create", "-email", "not-an-address"}, 1, "email_invalid"},
		{"", []string{"account", "create"}, 2, "usage"},
		{"", []string{"account", "adopt", "-email", "nobody@example.com"}, 1, "unknown_account"},
		{"", []string{"account", "adopt", "-email", "op@example.com", "-project", "99"}, 1, "unknown_project"},
	} {
		code, _, errs := cliInput(t, c.stdin, append(c.args, "-data", dir)...)
		if code != c.code || !strings.Contains(errs, `"error":"`+c.rule+`"`) {
			t.Errorf("%v: %d %s, want %d %s", c.args, code, errs, c.code, c.rule)
		}
	}
	code, out, errs = cliInput(t, "", "account", "adopt", "-email", "op@example.com", "-data", dir)
	if code != 0 || !strings.Contains(out, `"adopted":[1]`) {
		t.Fatalf("adopt: %d %s %s", code, out, errs)
	}
	code, out, _ = cliInput(t, "", "account", "adopt", "-email", "op@example.com", "-data", dir)
	if code != 0 || !strings.Contains(out, `"adopted":[]`) {
		t.Fatalf("adopt again: %d %s", code, out)
	}
	code, out, _ = cliInput(t, "", "account", "list", "-data", dir)
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, `"email":"op@example.com"`) || strings.Contains(out, "argon2") {
		t.Fatalf("account list: %d %s", code, out)
	}
}

// cliOnStore opens a new store of kind for a test of the operator's CLI: run runs a
// command line on it (stdin, the arguments; the store's -data or -db added), st is the same
// store opened for the test's own checks, closed when the test ends.
func cliOnStore(t *testing.T, kind storeKind) (run func(stdin string, args ...string) (int, string, string), st *store.Store) {
	t.Helper()
	dataDir, dbURL := kind.open(t)
	where := []string{"-data", dataDir}
	if dbURL != "" {
		where = []string{"-db", dbURL}
	}
	run = func(stdin string, args ...string) (int, string, string) {
		t.Helper()
		return cliInput(t, stdin, append(args, where...)...)
	}
	st, err := store.Open(context.Background(), dataDir, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return run, st
}

// The operator sets an account's password (stdin's first line, the rules of a new one; the
// account's sessions end) and deletes accounts: refused while one owns projects, unless
// -force, which leaves them to no account for account adopt. On both stores.
func TestAccountPasswordAndDelete(t *testing.T) {
	for _, kind := range storeKinds() {
		t.Run(kind.name, func(t *testing.T) {
			run, st := cliOnStore(t, kind)
			const pw, newPW = "correct horse battery staple", "a brand new passphrase, long"
			if code, out, errs := run(pw+"\n", "account", "create", "-email", "operator@example.com"); code != 0 {
				t.Fatalf("account create: %d %s %s", code, out, errs)
			}
			ctx := context.Background()
			acc, hash, err := st.AccountByEmail(ctx, "operator@example.com")
			if err != nil {
				t.Fatal(err)
			}
			if err := st.CreateSession(ctx, "browser", acc.ID, hash, time.Now().Add(time.Hour), time.Hour, time.Now()); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				stdin string
				args  []string
				code  int
				rule  string
			}{
				{newPW + "\n", []string{"account", "password", "-email", "nobody@example.com"}, 1, "unknown_account"},
				{"", []string{"account", "password", "-email", "operator@example.com"}, 1, "password_missing"},
				{"short\n", []string{"account", "password", "-email", "operator@example.com"}, 1, "password_too_short"},
				{"OPERATOR@example.com\n", []string{"account", "password", "-email", "operator@example.com"}, 1, "password_is_email"},
				{newPW + "\n", []string{"account", "password"}, 2, "usage"},
				{"", []string{"account", "delete"}, 2, "usage"},
				{"", []string{"account", "delete", "-email", "nobody@example.com", "-force"}, 1, "unknown_account"},
				{"", []string{"account", "delete", "-email", "operator@example.com"}, 1, "account_owns_projects"},
			} {
				code, out, errs := run(c.stdin, c.args...)
				if code != c.code || out != "" || !strings.Contains(errs, `"error":"`+c.rule+`"`) {
					t.Errorf("%v: %d %q %s, want %d %s", c.args, code, out, errs, c.code, c.rule)
				}
			}
			// The refusal names the projects and what -force does, in one JSON line.
			_, _, errs := run("", "account", "delete", "-email", "operator@example.com")
			var refusal ErrorBody
			if err := json.Unmarshal([]byte(errs), &refusal); err != nil || strings.Count(errs, "\n") != 1 ||
				refusal.Code != rules.AccountOwnsProjects.Code || !strings.Contains(refusal.Message, "project(s) 1:") || !strings.Contains(refusal.Message, "-force") {
				t.Fatalf("refusal: %q %v", errs, err)
			}
			// Only the first line of stdin is the password.
			code, out, errs := run(newPW+"\nnot this line\n", "account", "password", "-email", "OPERATOR@example.com")
			if code != 0 || !strings.Contains(out, `"email":"operator@example.com"`) || !strings.Contains(out, `"sessions_ended":1`) || strings.Contains(out, newPW) {
				t.Fatalf("account password: %d %s %s", code, out, errs)
			}
			if _, err := st.Session(ctx, "browser", time.Hour, time.Now()); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("the session outlived the password change: %v", err)
			}
			a, err := New(st, newLogger(io.Discard))
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			cheapPasswords(t, a) // verifies the CLI's real argon2id hash all the same
			if _, err := a.CheckLogin(ctx, "operator@example.com", newPW); err != nil {
				t.Fatalf("log-in with the new password: %v", err)
			}
			if _, err := a.CheckLogin(ctx, "operator@example.com", pw); !errors.Is(err, ErrLogin) {
				t.Fatalf("log-in with the old password: %v", err)
			}
			// -force: deleted, its project left to no account, then adopted by another.
			code, out, errs = run("", "account", "delete", "-email", "operator@example.com", "-force")
			if code != 0 || !strings.Contains(out, `"released":[1]`) || !strings.Contains(out, `"sessions_ended":0`) {
				t.Fatalf("account delete -force: %d %s %s", code, out, errs)
			}
			if code, out, _ := run("", "account", "list"); code != 0 || out != "" {
				t.Fatalf("account list after the delete: %d %q", code, out)
			}
			if code, _, errs := run(pw+"\n", "account", "create", "-email", "operator@example.com"); code != 0 {
				t.Fatalf("the address after the delete: %d %s", code, errs)
			}
			if code, out, errs := run("", "account", "adopt", "-email", "operator@example.com", "-project", "1"); code != 0 || !strings.Contains(out, `"adopted":[1]`) {
				t.Fatalf("adopting the released project: %d %s %s", code, out, errs)
			}
		})
	}
}

// An account no address reaches any more (the email-key migration leaves one when two
// accounts were the same mailbox spelled two ways: the other holds the key) is deleted by
// its id, and its project released for account adopt. On both stores.
func TestAccountDeleteByID(t *testing.T) {
	for _, kind := range storeKinds() {
		t.Run(kind.name, func(t *testing.T) {
			runInput, st := cliOnStore(t, kind)
			run := func(args ...string) (int, string, string) {
				t.Helper()
				return runInput("correct horse battery staple\n", args...)
			}
			if code, out, errs := run("account", "create", "-email", "ada@b\u00fccher.example"); code != 0 {
				t.Fatalf("account create: %d %s %s", code, out, errs)
			}
			ctx := context.Background()
			// The account an older server made for the U-label spelling, keyed as typed,
			// as the migration leaves it beside the account holding the mailbox's key.
			left, p, _, err := st.CreateAccount(ctx, store.NewAccount{Email: "ada@b\u00fccher.example", EmailKey: "ada@b\u00fccher.example", PasswordHash: "x"},
				store.NewProject{Name: "My First Project", Mode: picket.Development}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			id := strconv.FormatInt(left.ID, 10)
			for _, c := range []struct {
				args []string
				code int
				rule string
			}{
				// -email finds the other account, which holds the key, never this one.
				{[]string{"account", "delete", "-email", "ada@b\u00fccher.example", "-account", id}, 2, "usage"},
				{[]string{"account", "delete", "-account", "0"}, 2, "usage"},
				{[]string{"account", "delete", "-account", "-1", "-email", "ada@b\u00fccher.example"}, 2, "usage"},
				{[]string{"account", "delete", "-account", "999999"}, 1, "unknown_account"},
				{[]string{"account", "delete", "-account", id}, 1, "account_owns_projects"},
			} {
				code, out, errs := run(c.args...)
				if code != c.code || out != "" || !strings.Contains(errs, `"error":"`+c.rule+`"`) {
					t.Errorf("%v: %d %q %s, want %d %s", c.args, code, out, errs, c.code, c.rule)
				}
			}
			code, out, errs := run("account", "delete", "-account", id, "-force")
			want := fmt.Sprintf(`"released":[%d]`, p.ID)
			if code != 0 || !strings.Contains(out, `"id":`+id) || !strings.Contains(out, want) {
				t.Fatalf("account delete -account -force: %d %s %s, want %s", code, out, errs, want)
			}
			// The account the address reaches is untouched, and adopts the released project.
			code, out, errs = run("account", "adopt", "-email", "ada@xn--bcher-kva.example")
			if code != 0 || !strings.Contains(out, fmt.Sprintf(`"adopted":[%d]`, p.ID)) {
				t.Fatalf("account adopt: %d %s %s", code, out, errs)
			}
			if code, out, _ := run("account", "list"); code != 0 || strings.Count(out, "\n") != 1 {
				t.Fatalf("account list: %d %q, want the one account", code, out)
			}
		})
	}
}
