package dashboard

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/picket-dev/picket/server/internal/app"
)

// What the operator's account password and account delete do to a browser: its session
// ends at once (its next page is the log-in form); after a reset only the new password
// logs in; after a delete the address can sign up again, and its new account does not
// get the old one's projects.
func TestOperatorEndsSessions(t *testing.T) {
	eachStore(t, func(t *testing.T, dataDir, dbURL string) {
		srv, a := serveOn(t, dataDir, dbURL, app.DefaultUIConfig, &bytes.Buffer{})
		ctx := context.Background()
		const newPW = "a brand new passphrase, long"
		b := newBrowser(t, srv.URL)
		if resp, _ := b.signUp("ada@example.com"); resp.StatusCode != http.StatusOK {
			t.Fatalf("sign-up: %s", resp.Status)
		}
		loggedIn := func(b *browser) bool {
			resp, _, _ := b.get("/dashboard/projects")
			return resp.StatusCode == http.StatusOK
		}
		if !loggedIn(b) {
			t.Fatal("not logged in after sign-up")
		}
		acc, _, err := a.Store().AccountByEmail(ctx, "ada@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if n, err := a.ResetPassword(ctx, acc.ID, "ada@example.com", newPW); err != nil || n != 1 {
			t.Fatalf("reset: %d %v", n, err)
		}
		if loggedIn(b) {
			t.Fatal("the session outlived the password reset")
		}
		if resp, body := b.logIn("ada@example.com", password); resp.StatusCode != http.StatusUnauthorized || ruleOf(body) != "login_failed" {
			t.Fatalf("the old password: %s %s", resp.Status, ruleOf(body))
		}
		if resp, _ := b.logIn("ada@example.com", newPW); resp.StatusCode != http.StatusSeeOther || !loggedIn(b) {
			t.Fatalf("the new password: %s", resp.Status)
		}
		owned, _, err := a.Store().AccountProjects(ctx, acc.ID, 0, 10)
		if err != nil || len(owned) != 1 {
			t.Fatalf("ada's projects: %v %v", owned, err)
		}

		if _, _, err := a.Store().DeleteAccount(ctx, acc.ID, true); err != nil {
			t.Fatal(err)
		}
		if loggedIn(b) {
			t.Fatal("the session outlived the account")
		}
		again := newBrowser(t, srv.URL)
		if resp, _ := again.signUp("ada@example.com"); resp.StatusCode != http.StatusOK {
			t.Fatalf("sign-up with the released address: %s", resp.Status)
		}
		if resp, _, _ := again.get("/dashboard/projects/" + strconv.FormatInt(owned[0].ID, 10)); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("the deleted account's project, from the address's new account: %s", resp.Status)
		}
	})
}
