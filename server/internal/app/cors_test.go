// CORS per project: an origin registered by one project is allowed for that project's
// requests only, and a preflight tells nothing about which origins are registered.

package app

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/store"
)

func TestCORSPerProject(t *testing.T) { eachStore(t, testCORSPerProject) }

// corsGet sends a request from a browser origin and returns the status and the
// Access-Control-Allow-Origin of the answer.
func corsGet(t *testing.T, method, u, origin, auth, ctype, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.Header.Set("Origin", origin)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, _ := send(t, req)
	if !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Origin") {
		t.Fatalf("%s %s: no Vary: Origin", method, u)
	}
	return resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin")
}

func testCORSPerProject(t *testing.T, e *env) {
	ctx := context.Background()
	// Project A (the first project) registered http://localhost:3000/callback; project B
	// registers https://evil.example/cb.
	b, _, err := e.st.CreateProject(ctx, store.NewProject{Name: "B", Mode: picket.Development}, e.app.now())
	if err != nil {
		t.Fatal(err)
	}
	bKey, err := e.app.IssueKey(ctx, b.ID, picket.Publishable, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.app.AddRedirectURI(ctx, b.ID, "https://evil.example/cb"); err != nil {
		t.Fatal(err)
	}
	jsSDK := func(key string) string { return "Basic  " + base64.StdEncoding.EncodeToString([]byte(key)) }
	ping := e.srv.URL + "/v1/ping"
	for _, c := range []struct {
		what, key, origin, want string
	}{
		{"A's key from A's origin", e.pk, "http://localhost:3000", "http://localhost:3000"},
		{"A's key from B's origin", e.pk, "https://evil.example", ""},
		{"B's key from B's origin", bKey.Secret, "https://evil.example", "https://evil.example"},
		{"B's key from A's origin", bKey.Secret, "http://localhost:3000", ""},
		{"A's key from nobody's origin", e.pk, "https://nobody.example", ""},
	} {
		status, acao := corsGet(t, "GET", ping, c.origin, jsSDK(c.key), "", "")
		if status != 200 || acao != c.want {
			t.Errorf("%s: %d, Access-Control-Allow-Origin %q, want %q", c.what, status, acao, c.want)
		}
	}
	// The token endpoint: the client_id's project decides (a refused code still answers).
	form := func(clientID, redirect string) string {
		return url.Values{"grant_type": {"authorization_code"}, "code": {"00"}, "redirect_uri": {redirect},
			"client_id": {clientID}, "code_verifier": {strings.Repeat("v", 43)}}.Encode()
	}
	tok := e.srv.URL + "/oauth2/token"
	const formType = "application/x-www-form-urlencoded"
	if _, acao := corsGet(t, "POST", tok, "https://evil.example", "", formType, form(e.pk, "http://localhost:3000/callback")); acao != "" {
		t.Errorf("token for A's client from B's origin: allowed %q", acao)
	}
	if _, acao := corsGet(t, "POST", tok, "https://evil.example", "", formType, form(bKey.Secret, "https://evil.example/cb")); acao != "https://evil.example" {
		t.Errorf("token for B's client from B's origin: %q", acao)
	}
	if _, acao := corsGet(t, "POST", tok, "http://localhost:3000", "", formType, form(e.pk, "http://localhost:3000/callback")); acao != "http://localhost:3000" {
		t.Errorf("token for A's client from A's origin: %q", acao)
	}
	// Preflights: the same answer for a registered origin and for any other.
	var answers []string
	for _, origin := range []string{"http://localhost:3000", "https://evil.example", "https://nobody.example"} {
		for _, path := range []string{"/v1/ping", "/oauth2/token"} {
			req, _ := http.NewRequest("OPTIONS", e.srv.URL+path, nil)
			req.Header.Set("Origin", origin)
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
			resp, _ := send(t, req)
			h := resp.Header
			if resp.StatusCode != 204 || h.Get("Access-Control-Allow-Origin") != origin {
				t.Fatalf("preflight %s from %s: %d %v", path, origin, resp.StatusCode, h)
			}
			answers = append(answers, h.Get("Access-Control-Allow-Methods")+"|"+h.Get("Access-Control-Allow-Headers")+"|"+h.Get("Access-Control-Max-Age"))
		}
	}
	for _, a := range answers {
		if a != answers[0] || !strings.Contains(a, "Authorization") {
			t.Fatalf("preflights differ by origin: %q", answers)
		}
	}
	// A malformed origin gets no CORS header at all.
	req, _ := http.NewRequest("OPTIONS", ping, nil)
	req.Header.Set("Origin", "https://evil.example/path")
	if resp, _ := send(t, req); resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("a malformed origin was echoed: %v", resp.Header)
	}
	// Removing B's URI takes its origin away at once; adding one to A gives A the origin.
	if err := e.app.RemoveRedirectURI(ctx, b.ID, "https://evil.example/cb"); err != nil {
		t.Fatal(err)
	}
	if _, acao := corsGet(t, "GET", ping, "https://evil.example", jsSDK(bKey.Secret), "", ""); acao != "" {
		t.Fatalf("a removed URI's origin is still allowed: %q", acao)
	}
	if status, body := e.api("POST", "/v1/redirect_uris", e.sk, `{"uri":"https://app.example/cb"}`); status != 201 {
		t.Fatal(body)
	}
	if _, acao := corsGet(t, "GET", ping, "https://app.example", jsSDK(e.pk), "", ""); acao != "https://app.example" {
		t.Fatalf("a new origin: %q", acao)
	}
}
