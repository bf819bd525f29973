// OAuth 2.0 code flow with PKCE: the whole flow, then every refusal of /oauth2/authorize
// and /oauth2/token. The test environment (env) is in app_test.go.

package app

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/store"
)

const (
	callback  = "http://localhost:3000/callback"
	verifier  = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" // RFC 7636 appendix B
)

// authorize runs the authorize step and returns the Location's query.
func (e *env) authorize(clientID, redirectURI, chal, method, state string) (int, url.Values, map[string]any) {
	e.t.Helper()
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirectURI},
		"code_challenge": {chal}, "code_challenge_method": {method}, "state": {state}}
	status, body, resp := e.do("GET", "/oauth2/authorize?"+q.Encode(), "", "", "")
	if status != http.StatusFound {
		return status, nil, body
	}
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, redirectURI+"?") {
		e.t.Fatalf("redirected to %q, not to %q", loc, redirectURI)
	}
	u, err := url.Parse(loc)
	if err != nil {
		e.t.Fatal(err)
	}
	return status, u.Query(), nil
}

func (e *env) code(t *testing.T) string {
	status, q, body := e.authorize(e.pk, callback, challenge, "S256", "st-1")
	wantStatus(t, "authorize", status, http.StatusFound, body)
	if q.Get("state") != "st-1" || len(q.Get("code")) != 64 || q.Get("iss") != testIssuer {
		t.Fatalf("authorize redirect query %v: want state st-1, a 64-digit code and iss (RFC 9207)", q)
	}
	return q.Get("code")
}

func (e *env) tokenRequest(form url.Values) (int, map[string]any) {
	e.t.Helper()
	status, body, _ := e.do("POST", "/oauth2/token", "", "application/x-www-form-urlencoded", form.Encode())
	return status, body
}

func tokenForm(code, redirectURI, clientID, verifier string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI},
		"client_id": {clientID}, "code_verifier": {verifier}}
}

func TestWholeFlow(t *testing.T) {
	for _, k := range storeKinds() {
		t.Run(k.name, func(t *testing.T) {
			dir, u := k.open(t)
			e := newEnv(t, dir, u)
			status, body := e.api("GET", "/v1/ping", e.pk, "")
			wantStatus(t, "ping publishable", status, 200, body)
			if body["key_kind"] != "publishable" || body["project_id"] != float64(1) {
				t.Fatalf("ping: %v", body)
			}
			status, body = e.api("GET", "/v1/ping", e.sk, "")
			wantStatus(t, "ping secret", status, 200, body)
			if body["key_kind"] != "secret" {
				t.Fatalf("ping: %v", body)
			}

			code := e.code(t)
			status, body = e.tokenRequest(tokenForm(code, callback, e.pk, verifier))
			wantStatus(t, "token", status, 200, body)
			access, _ := body["access_token"].(string)
			if len(access) != 64 || body["token_type"] != "Bearer" || body["expires_in"] != float64(3600) {
				t.Fatalf("token answer %v", body)
			}
			status, body = e.api("POST", "/v1/tokens/validate", e.sk, `{"token":"`+access+`"}`)
			wantStatus(t, "validate", status, 200, body)
			if body["active"] != true || body["client_id"] != e.pk || body["project_id"] != float64(1) || body["expires_at"] == nil {
				t.Fatalf("validate: %v", body)
			}
			// The publishable key may not validate tokens.
			status, body = e.api("POST", "/v1/tokens/validate", e.pk, `{"token":"`+access+`"}`)
			wantStatus(t, "validate with a publishable key", status, 403, body)
			wantError(t, "validate with a publishable key", body, "auth_wrong_kind")

			// Another project's secret key learns nothing about the token.
			p2, _, err := e.st.CreateProject(context.Background(), store.NewProject{Name: "Other", Mode: picket.Development}, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			other, err := e.app.IssueKey(context.Background(), p2.ID, picket.Secret, 0)
			if err != nil {
				t.Fatal(err)
			}
			_, body = e.api("POST", "/v1/tokens/validate", other.Secret, `{"token":"`+access+`"}`)
			if body["active"] != false || len(body) != 1 {
				t.Fatalf("token validated by another project: %v", body)
			}

			// Replay: refused, and the token issued from the code is revoked.
			status, body = e.tokenRequest(tokenForm(code, callback, e.pk, verifier))
			wantStatus(t, "replayed code", status, 400, body)
			wantError(t, "replayed code", body, "invalid_grant")
			_, body = e.api("POST", "/v1/tokens/validate", e.sk, `{"token":"`+access+`"}`)
			if body["active"] != false || len(body) != 1 {
				t.Fatalf("token after replay: %v, want {active:false}", body)
			}
			// The digest is stored, never the token.
			if _, err := e.st.LookupToken(context.Background(), store.SecretDigest(access)); err != nil {
				t.Fatalf("token not stored by digest: %v", err)
			}
			e.assertNoSecretInLogs(access, code, verifier)
		})
	}
}

func TestAuthorizeErrors(t *testing.T) {
	e := newEnv(t, t.TempDir(), "")
	// The client or the redirect URI is refused: an RFC 6749 error object, never a redirect
	// (and never picket's rule names: do checks every /oauth2/* error body).
	cases := []struct {
		name, client, redirect, error, says string
	}{
		{"secret key as client_id", e.sk, callback, "invalid_client", "client_id is a secret key"},
		{"unknown client", "pk_00000000000000000000000000000000", callback, "invalid_client", "not a known publishable key"},
		{"malformed client", "pk_nothex", callback, "invalid_client", "client_id is not a well-formed publishable key"},
		{"no client", "", callback, "invalid_request", "client_id and redirect_uri are required"},
		{"no redirect URI", e.pk, "", "invalid_request", "client_id and redirect_uri are required"},
		{"other redirect URI", e.pk, "http://localhost:3000/other", "invalid_request", "redirect_uri is not registered"},
		{"redirect with a trailing slash", e.pk, callback + "/", "invalid_request", "trailing slashes included"},
	}
	for _, c := range cases {
		status, q, body := e.authorize(c.client, c.redirect, challenge, "S256", "s")
		if status != 400 || q != nil {
			t.Fatalf("%s: status %d (query %v), want 400 without redirect", c.name, status, q)
		}
		wantError(t, c.name, body, c.error)
		if d, _ := body["error_description"].(string); !strings.Contains(d, c.says) {
			t.Fatalf("%s: error_description %q does not say %q", c.name, d, c.says)
		}
	}
	// Request errors after the client and redirect URI check out: back to the client.
	redirected := []struct {
		name, chal, method, error string
	}{
		{"no challenge", "", "S256", "invalid_request"},
		{"plain method", challenge, "plain", "invalid_request"},
		{"malformed challenge", "short", "S256", "invalid_request"},
	}
	for _, c := range redirected {
		status, q, body := e.authorize(e.pk, callback, c.chal, c.method, "st")
		wantStatus(t, c.name, status, 302, body)
		if q.Get("error") != c.error || q.Get("state") != "st" || q.Get("code") != "" || q.Get("iss") != testIssuer {
			t.Fatalf("%s: redirect query %v", c.name, q)
		}
		wantOAuthError(t, c.name, map[string]any{"error": q.Get("error"), "error_description": q.Get("error_description")})
	}
	q := url.Values{"client_id": {e.pk}, "redirect_uri": {callback}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}, "response_type": {"token"}}
	status, _, resp := e.do("GET", "/oauth2/authorize?"+q.Encode(), "", "", "")
	if status != 302 || !strings.Contains(resp.Header.Get("Location"), "error=unsupported_response_type") {
		t.Fatalf("response_type=token: %d %q", status, resp.Header.Get("Location"))
	}
	e.assertNoSecretInLogs()
	e.assertNoSecretInResponses()
	if !strings.Contains(e.logs.String(), "roll it now") {
		t.Fatal("a secret key sent as client_id was not logged as a warning")
	}
}

func TestTokenErrors(t *testing.T) {
	e := newEnv(t, t.TempDir(), "")
	other := "http://localhost:3000/other"
	if err := e.app.AddRedirectURI(context.Background(), 1, other); err != nil {
		t.Fatal(err)
	}
	otherPK, err := e.app.IssueKey(context.Background(), 1, picket.Publishable, 0)
	if err != nil {
		t.Fatal(err)
	}
	wrongVerifier := strings.Repeat("a", 43)
	cases := []struct {
		name  string
		form  func(code string) url.Values
		error string
	}{
		{"wrong verifier", func(c string) url.Values { return tokenForm(c, callback, e.pk, wrongVerifier) }, "invalid_grant"},
		{"malformed verifier", func(c string) url.Values { return tokenForm(c, callback, e.pk, "short") }, "invalid_grant"},
		{"another registered redirect URI", func(c string) url.Values { return tokenForm(c, other, e.pk, verifier) }, "invalid_grant"},
		{"unregistered redirect URI", func(c string) url.Values { return tokenForm(c, callback+"x", e.pk, verifier) }, "invalid_grant"},
		{"another client of the project", func(c string) url.Values { return tokenForm(c, callback, otherPK.Secret, verifier) }, "invalid_grant"},
		{"secret key as client_id", func(c string) url.Values { return tokenForm(c, callback, e.sk, verifier) }, "invalid_client"},
		{"unknown code", func(string) url.Values { return tokenForm(strings.Repeat("0", 64), callback, e.pk, verifier) }, "invalid_grant"},
		{"missing verifier", func(c string) url.Values {
			f := tokenForm(c, callback, e.pk, verifier)
			f.Del("code_verifier")
			return f
		}, "invalid_request"},
		{"other grant type", func(c string) url.Values {
			f := tokenForm(c, callback, e.pk, verifier)
			f.Set("grant_type", "client_credentials")
			return f
		}, "unsupported_grant_type"},
	}
	for _, c := range cases {
		code := e.code(t)
		status, body := e.tokenRequest(c.form(code))
		wantStatus(t, c.name, status, 400, body)
		wantError(t, c.name, body, c.error)
		if d, _ := body["error_description"].(string); d == "" {
			t.Fatalf("%s: no error_description", c.name)
		}
	}
	// The right request still works for a fresh code (nothing lost).
	status, body := e.tokenRequest(tokenForm(e.code(t), callback, e.pk, verifier))
	wantStatus(t, "good token request", status, 200, body)

	// An expired code.
	code := e.code(t)
	e.app.now = func() time.Time { return time.Now().Add(61 * time.Second) }
	status, body = e.tokenRequest(tokenForm(code, callback, e.pk, verifier))
	e.app.now = time.Now
	wantStatus(t, "expired code", status, 400, body)
	wantError(t, "expired code", body, "invalid_grant")

	// Not a form.
	st, b, _ := e.do("POST", "/oauth2/token", "", "application/json", `{"grant_type":"authorization_code"}`)
	wantStatus(t, "JSON token request", st, 400, b)
	wantError(t, "JSON token request", b, "invalid_request")
	e.assertNoSecretInLogs()
	e.assertNoSecretInResponses()
}
