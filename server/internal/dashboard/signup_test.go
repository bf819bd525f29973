package dashboard

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/picket-dev/picket/server/internal/app"
)

// answer is everything a client sees of an answer, but its date and the tokens that are
// one per browser by design: the CSRF field's value and the cookies' values.
type answer struct {
	Status  int
	Header  http.Header
	Cookies []string
	Body    string
}

var cookieValue = regexp.MustCompile(`^([^=]+)=[^;]*`)

func seen(resp *http.Response, body string) answer {
	h := resp.Header.Clone()
	h.Del("Date")
	h.Del("X-Request-Id") // each request's own, random: it tells nothing
	var cookies []string
	for _, c := range h.Values("Set-Cookie") {
		cookies = append(cookies, cookieValue.ReplaceAllString(c, "$1=VALUE"))
	}
	h.Del("Set-Cookie")
	return answer{Status: resp.StatusCode, Header: h, Cookies: cookies, Body: csrfField.ReplaceAllString(body, `name="csrf" value="TOKEN"`)}
}

// signUpAnswers signs email up with pw from a fresh browser and returns the answer to the
// form and the page its redirect leads to.
func signUpAnswers(t *testing.T, base, email, pw string) [2]answer {
	b := newBrowser(t, base)
	_, _, token := b.get("/dashboard/signup")
	resp, body := b.post("/dashboard/signup", url.Values{"email": {email}, "password": {pw}, "csrf": {token}}, nil)
	posted := seen(resp, body)
	next, page, _ := b.get(resp.Header.Get("Location"))
	return [2]answer{posted, seen(next, page)}
}

// A sign-up answers alike whether the email is new or taken (status, headers, the
// cookies set, the page it leads to), and a taken email changes nothing: the owner's
// password stays, no account or project is made, and the log names the account, not
// the address or the password.
func TestSignupTellsNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, dataDir, dbURL string) {
		var logs bytes.Buffer
		srv, a := serveOn(t, dataDir, dbURL, app.DefaultUIConfig, &logs)
		ctx := context.Background()
		const other = "another password, also long"

		first := signUpAnswers(t, srv.URL, "ada@example.com", password)
		if first[0].Status != http.StatusSeeOther || first[0].Header.Get("Location") != "/dashboard/login?notice=signed_up" || len(first[0].Cookies) != 0 {
			t.Fatalf("sign-up: %+v", first[0])
		}
		if !strings.Contains(first[1].Body, "If this address is new, your account is ready") {
			t.Fatalf("the page after sign-up: %s", first[1].Body)
		}
		owner, hash, err := a.Store().AccountByEmail(ctx, "ada@example.com")
		if err != nil {
			t.Fatal(err)
		}
		accountsBefore, _, _ := a.Store().Accounts(ctx, 0, 10)
		taken := signUpAnswers(t, srv.URL, " ADA@example.com", other)
		accountsAfter, _, _ := a.Store().Accounts(ctx, 0, 10)
		fresh := signUpAnswers(t, srv.URL, "bob@example.com", other)

		for name, got := range map[string][2]answer{"taken email": taken, "second new email": fresh} {
			for i, what := range []string{"the form's answer", "the page it leads to"} {
				if g, w := got[i], first[i]; g.Status != w.Status || g.Body != w.Body || !slices.Equal(g.Cookies, w.Cookies) || !headersEqual(g.Header, w.Header) {
					t.Errorf("%s, %s differs from a new email's:\n got %+v\nwant %+v", name, what, g, w)
				}
			}
		}

		if len(accountsAfter) != len(accountsBefore) || len(accountsAfter) != 1 {
			t.Fatalf("a taken email's sign-up changed the accounts: %v -> %v", accountsBefore, accountsAfter)
		}
		if _, after, err := a.Store().AccountByEmail(ctx, "ada@example.com"); err != nil || after != hash {
			t.Fatalf("the owner's password hash changed (%v)", err)
		}
		if _, err := a.CheckLogin(ctx, "ada@example.com", other); !errors.Is(err, app.ErrLogin) {
			t.Fatalf("the taken email's new password logs in: %v", err)
		}
		if ps, _, err := a.Store().AccountProjects(ctx, owner.ID, 0, 10); err != nil || len(ps) != 1 || ps[0].Name != app.FirstProjectName {
			t.Fatalf("the owner's projects: %+v %v", ps, err)
		}

		srv.Close() // every handler has returned: the log is complete
		log := logs.String()
		if !strings.Contains(log, "existing account") || !strings.Contains(log, "account="+strconv.FormatInt(owner.ID, 10)) {
			t.Errorf("the taken email's sign-up is not logged with its account:\n%s", log)
		}
		for _, secret := range []string{"ada@example.com", "ADA@example.com", "bob@example.com", password, other} {
			if strings.Contains(log, secret) {
				t.Errorf("the log holds %q:\n%s", secret, log)
			}
		}
	})
}

func headersEqual(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

var shownKey = regexp.MustCompile(`value="((?:pk|sk)_[0-9a-f]{32})"`)

// ping calls /v1/ping with key and returns the status and the key's project.
func ping(t *testing.T, base, key string) (int, int64) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/v1/ping", nil)
	req.SetBasicAuth(key, "")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		ProjectID int64 `json:"project_id"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body.ProjectID
}

// The first log-in of a signed-up account issues My First Project's two keys and shows
// them once; later log-ins, and accounts made with their keys (account create), go to the
// projects. Of several first log-ins at once, exactly one issues and shows keys.
func TestFirstLoginIssuesKeysOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, dataDir, dbURL string) {
		srv, a := serveOn(t, dataDir, dbURL, app.DefaultUIConfig, &bytes.Buffer{})
		ctx := context.Background()

		b := newBrowser(t, srv.URL)
		resp, body := b.signUp("ada@example.com")
		keys := shownKey.FindAllStringSubmatch(body, -1)
		if resp.StatusCode != http.StatusOK || len(keys) != 2 || !strings.HasPrefix(keys[0][1], "pk_") || !strings.HasPrefix(keys[1][1], "sk_") {
			t.Fatalf("first log-in: %s, keys %v", resp.Status, keys)
		}
		var project int64
		for _, k := range keys {
			status, p := ping(t, srv.URL, k[1])
			if status != http.StatusOK || (project != 0 && p != project) {
				t.Fatalf("ping with a first key: %d, project %d", status, p)
			}
			project = p
		}
		for _, again := range []*browser{b, newBrowser(t, srv.URL)} {
			resp, body := again.logIn("ada@example.com", password)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard/projects" || shownKey.MatchString(body) {
				t.Fatalf("a later log-in: %s, keys shown: %v", resp.Status, shownKey.MatchString(body))
			}
		}
		if ks, _, err := a.Store().Keys(ctx, project, 0, 10); err != nil || len(ks) != 2 {
			t.Fatalf("My First Project's keys: %d %v", len(ks), err)
		}

		// An account the operator made has its keys already.
		if _, _, err := a.CreateAccount(ctx, "op@example.com", password); err != nil {
			t.Fatal(err)
		}
		if resp, _ := newBrowser(t, srv.URL).logIn("op@example.com", password); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("first log-in of an operator's account: %s", resp.Status)
		}

		// Eight first log-ins at once.
		if _, err := a.SignUp(ctx, "eve@example.com", password); err != nil {
			t.Fatal(err)
		}
		const n = 8
		type ready struct {
			b    *browser
			form url.Values
		}
		var browsers []ready
		for range n {
			nb := newBrowser(t, srv.URL)
			_, _, token := nb.get("/dashboard/login")
			browsers = append(browsers, ready{nb, url.Values{"email": {"eve@example.com"}, "password": {password}, "csrf": {token}}})
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		results := make([]string, n)
		for i, r := range browsers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				resp, err := r.b.client.PostForm(srv.URL+"/dashboard/login", r.form)
				if err != nil {
					results[i] = err.Error()
					return
				}
				defer resp.Body.Close()
				var buf bytes.Buffer
				_, _ = buf.ReadFrom(resp.Body)
				results[i] = resp.Status + " " + strconv.Itoa(len(shownKey.FindAllString(buf.String(), -1))) + " keys"
			}()
		}
		close(start)
		wg.Wait()
		slices.Sort(results)
		want := append([]string{"200 OK 2 keys"}, slices.Repeat([]string{"303 See Other 0 keys"}, n-1)...)
		slices.Sort(want)
		if !slices.Equal(results, want) {
			t.Fatalf("concurrent first log-ins: %v", results)
		}
		eve, _, _ := a.Store().AccountByEmail(ctx, "eve@example.com")
		ps, _, err := a.Store().AccountProjects(ctx, eve.ID, 0, 10)
		if err != nil || len(ps) != 1 {
			t.Fatal(ps, err)
		}
		if ks, _, err := a.Store().Keys(ctx, ps[0].ID, 0, 10); err != nil || len(ks) != 2 {
			t.Fatalf("keys after concurrent first log-ins: %d %v", len(ks), err)
		}
		if pending, err := a.Store().FirstKeysPending(ctx, eve.ID); err != nil || pending {
			t.Fatalf("still pending: %v %v", pending, err)
		}
	})
}
