package app

import (
	"context"
	"strings"
	"testing"
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
