package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/store"
)

// syncBuffer is a log sink several goroutines write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// env is one server over a real store (a SQLite file in a temporary directory, or
// PostgreSQL), driven over loopback by net/http.
type env struct {
	t      *testing.T
	st     *store.Store
	app    *App
	srv    *httptest.Server
	logs   *syncBuffer
	pk, sk string
	// bodies collects every response body and header, to check that no secret leaks.
	mu     sync.Mutex
	bodies []string
}

// storeKind opens a fresh store for a test: SQLite in a temporary directory, or a
// PostgreSQL schema of its own.
type storeKind struct {
	name string
	open func(t *testing.T) (dataDir, dbURL string)
}

func sqliteKind() storeKind {
	return storeKind{"sqlite", func(t *testing.T) (string, string) { return t.TempDir(), "" }}
}

// postgresKind gives each test a schema of its own in the database of
// PICKET_TEST_POSTGRES_URL.
func postgresKind() (storeKind, bool) {
	base := os.Getenv("PICKET_TEST_POSTGRES_URL")
	if base == "" {
		return storeKind{}, false
	}
	return storeKind{"postgres", func(t *testing.T) (string, string) { return "", pgSchemaURL(t, base) }}, true
}

func storeKinds() []storeKind {
	kinds := []storeKind{sqliteKind()}
	if pg, ok := postgresKind(); ok {
		kinds = append(kinds, pg)
	}
	return kinds
}

func newEnv(t *testing.T, dataDir, dbURL string) *env {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dataDir, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	_, keys, err := Bootstrap(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	a, err := New(st, newLogger(logs))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, app: a, logs: logs, srv: httptest.NewServer(a.Handler())}
	if keys != nil {
		e.pk, e.sk = keys[0].Expose(), keys[1].Expose()
	}
	t.Cleanup(func() {
		e.srv.Close()
		a.Close()
		st.Close()
	})
	return e
}

func basic(key string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(key+":"))
}

// do sends a request and returns the status, the decoded JSON body and the response.
func (e *env) do(method, path, auth, contentType, body string) (int, map[string]any, *http.Response) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	e.mu.Lock()
	e.bodies = append(e.bodies, fmt.Sprint(resp.Header)+"\n"+string(raw))
	e.mu.Unlock()
	var m map[string]any
	if len(raw) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &m); err != nil {
			e.t.Fatalf("%s %s: body is not JSON: %q", method, path, raw)
		}
	}
	return resp.StatusCode, m, resp
}

func (e *env) api(method, path, key, body string) (int, map[string]any) {
	e.t.Helper()
	ct := ""
	if body != "" {
		ct = "application/json"
	}
	status, m, _ := e.do(method, path, basic(key), ct, body)
	return status, m
}

func wantStatus(t *testing.T, what string, got, want int, body map[string]any) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: status %d, want %d; body %v", what, got, want, body)
	}
}

func wantError(t *testing.T, what string, body map[string]any, name string) {
	t.Helper()
	if body["error"] != name {
		t.Fatalf("%s: error %v, want %q (body %v)", what, body["error"], name, body)
	}
}

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
	if q.Get("state") != "st-1" || len(q.Get("code")) != 64 {
		t.Fatalf("authorize redirect query %v: want state st-1 and a 64-digit code", q)
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
			p2, err := e.st.CreateProject(context.Background(), "Other", picket.Development, time.Now())
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
	cases := []struct {
		name, client, redirect, rule string
	}{
		{"secret key as client_id", e.sk, callback, "authorize_secret_key_exposed"},
		{"unknown client", "pk_00000000000000000000000000000000", callback, "authorize_unknown_client"},
		{"malformed client", "pk_nothex", callback, "key_wrong_length"},
		{"other redirect URI", e.pk, "http://localhost:3000/other", "authorize_redirect_not_registered"},
		{"redirect with a trailing slash", e.pk, callback + "/", "authorize_redirect_not_registered"},
	}
	for _, c := range cases {
		status, q, body := e.authorize(c.client, c.redirect, challenge, "S256", "s")
		if status != 400 || q != nil {
			t.Fatalf("%s: status %d (query %v), want 400 without redirect", c.name, status, q)
		}
		wantError(t, c.name, body, c.rule)
		if body["code"] == float64(0) {
			t.Fatalf("%s: no picket code in %v", c.name, body)
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
		if q.Get("error") != c.error || q.Get("state") != "st" || q.Get("code") != "" {
			t.Fatalf("%s: redirect query %v", c.name, q)
		}
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

func TestManagement(t *testing.T) {
	for _, k := range storeKinds() {
		t.Run(k.name, func(t *testing.T) {
			dir, u := k.open(t)
			testManagement(t, newEnv(t, dir, u))
		})
	}
}

func testManagement(t *testing.T, e *env) {
	status, body := e.api("GET", "/v1/project", e.sk, "")
	wantStatus(t, "project", status, 200, body)
	if body["name"] != "My First Project" || body["mode"] != "development" {
		t.Fatalf("project: %v", body)
	}
	status, body = e.api("GET", "/v1/project", e.pk, "")
	wantStatus(t, "project with the publishable key", status, 403, body)
	status, _, resp := e.do("GET", "/v1/project", "", "", "")
	if status != 401 || resp.Header.Get("WWW-Authenticate") != `Basic realm="picket"` {
		t.Fatalf("no key: %d %q", status, resp.Header.Get("WWW-Authenticate"))
	}

	// Issue, with an expiry.
	status, body = e.api("POST", "/v1/keys", e.sk, `{"kind":"secret","expires_in_seconds":3600}`)
	wantStatus(t, "issue", status, 201, body)
	sk2, _ := body["key"].(string)
	if _, err := picket.ParseKey(sk2); err != nil || body["expires_at"] == nil || body["kind"] != "secret" {
		t.Fatalf("issued: %v (%v)", body, err)
	}
	status, body = e.api("GET", "/v1/ping", sk2, "")
	wantStatus(t, "issued key at once", status, 200, body)
	status, body = e.api("POST", "/v1/keys", e.sk, `{"kind":"root"}`)
	wantStatus(t, "issue a bad kind", status, 400, body)

	// List: no key in it.
	status, body = e.api("GET", "/v1/keys", e.sk, "")
	wantStatus(t, "list", status, 200, body)
	keys, _ := body["keys"].([]any)
	if len(keys) != 3 {
		t.Fatalf("keys: %v", body)
	}

	// Roll the original secret key (id 2) with a grace: both valid, then revoke the old.
	status, body = e.api("POST", "/v1/keys/2/roll", e.sk, `{"grace_seconds":60}`)
	wantStatus(t, "roll", status, 201, body)
	rolled, _ := body["key"].(string)
	prev, _ := body["previous"].(map[string]any)
	if prev == nil || prev["id"] != float64(2) || prev["expires_at"] == nil {
		t.Fatalf("roll: previous %v", body)
	}
	for _, key := range []string{e.sk, rolled} {
		if status, body := e.api("GET", "/v1/ping", key, ""); status != 200 {
			t.Fatalf("during the grace: %d %v", status, body)
		}
	}
	// After the grace the old key is expired, the new one still valid.
	e.app.now = func() time.Time { return time.Now().Add(61 * time.Second) }
	status, body = e.api("GET", "/v1/ping", e.sk, "")
	wantStatus(t, "old key after the grace", status, 401, body)
	wantError(t, "old key after the grace", body, "auth_expired")
	if status, body := e.api("GET", "/v1/ping", rolled, ""); status != 200 {
		t.Fatalf("new key after the grace: %d %v", status, body)
	}
	e.app.now = time.Now
	status, body = e.api("POST", "/v1/keys/2/revoke", rolled, "")
	wantStatus(t, "revoke", status, 200, body)
	if body["revoked"] != true {
		t.Fatalf("revoke: %v", body)
	}
	status, body = e.api("GET", "/v1/ping", e.sk, "")
	wantStatus(t, "revoked key", status, 401, body)
	wantError(t, "revoked key", body, "auth_unknown_key")
	status, body = e.api("POST", "/v1/keys/2/roll", rolled, "")
	wantStatus(t, "roll a revoked key", status, 409, body)
	wantError(t, "roll a revoked key", body, "key_revoked")
	e.sk = rolled

	// A key of another project is not found through this project's key.
	ctx := context.Background()
	p2, err := e.st.CreateProject(ctx, "Other", picket.Development, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	otherKey, err := e.app.IssueKey(ctx, p2.ID, picket.Secret, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fmt.Sprintf("/v1/keys/%d/revoke", otherKey.ID), fmt.Sprintf("/v1/keys/%d/roll", otherKey.ID), "/v1/keys/999/revoke", "/v1/keys/x/revoke"} {
		status, body = e.api("POST", path, e.sk, "")
		wantStatus(t, path, status, 404, body)
		wantError(t, path, body, "unknown_key")
	}
	if status, _ := e.api("GET", "/v1/ping", otherKey.Secret, ""); status != 200 {
		t.Fatal("the other project's key was touched")
	}

	// Redirect URIs.
	status, body = e.api("POST", "/v1/redirect_uris", e.sk, `{"uri":"http://example.com/cb"}`)
	wantStatus(t, "insecure redirect", status, 400, body)
	wantError(t, "insecure redirect", body, "redirect_insecure_scheme")
	status, body = e.api("POST", "/v1/redirect_uris", e.sk, `{"uri":"https://app.example/cb#frag"}`)
	wantStatus(t, "fragment", status, 400, body)
	wantError(t, "fragment", body, "redirect_fragment")
	status, body = e.api("POST", "/v1/redirect_uris", e.sk, `{"uri":"https://app.example/cb"}`)
	wantStatus(t, "add", status, 201, body)
	status, body = e.api("POST", "/v1/redirect_uris", e.sk, `{"uri":"https://app.example/cb"}`)
	wantStatus(t, "add twice", status, 409, body)
	status, body = e.api("GET", "/v1/redirect_uris", e.sk, "")
	if uris, _ := body["redirect_uris"].([]any); status != 200 || len(uris) != 2 {
		t.Fatalf("list: %d %v", status, body)
	}

	// Production is refused while the loopback callback is registered, with the list.
	status, body = e.api("POST", "/v1/project/mode", e.sk, `{"mode":"production"}`)
	wantStatus(t, "production with a loopback URI", status, 409, body)
	wantError(t, "production with a loopback URI", body, "production_refused")
	refused, _ := body["refused"].([]any)
	if len(refused) != 1 || refused[0].(map[string]any)["uri"] != callback || refused[0].(map[string]any)["error"] != "redirect_insecure_scheme" {
		t.Fatalf("refused: %v", body)
	}
	status, body = e.api("DELETE", "/v1/redirect_uris", e.sk, `{"uri":"`+callback+`"}`)
	wantStatus(t, "remove", status, 200, body)
	status, body = e.api("DELETE", "/v1/redirect_uris", e.sk, `{"uri":"`+callback+`"}`)
	wantStatus(t, "remove twice", status, 404, body)
	wantError(t, "remove twice", body, "redirect_uri_not_found")
	// The removed URI is refused by authorize at once.
	if status, _, body := e.authorize(e.pk, callback, challenge, "S256", "s"); status != 400 {
		t.Fatalf("authorize to a removed URI: %d %v", status, body)
	}
	status, body = e.api("POST", "/v1/project/mode", e.sk, `{"mode":"production"}`)
	wantStatus(t, "production", status, 200, body)
	if body["mode"] != "production" {
		t.Fatalf("mode: %v", body)
	}
	status, body = e.api("POST", "/v1/redirect_uris", e.sk, `{"uri":"http://localhost:3000/cb"}`)
	wantStatus(t, "loopback in production", status, 400, body)
	wantError(t, "loopback in production", body, "redirect_insecure_scheme")
	status, body = e.api("POST", "/v1/redirect_uris", e.sk, `{"uri":"https://localhost/cb"}`)
	wantStatus(t, "https loopback in production", status, 400, body)
	wantError(t, "https loopback in production", body, "redirect_loopback_in_production")
	status, body = e.api("POST", "/v1/project/mode", e.sk, `{"mode":"staging"}`)
	wantStatus(t, "bad mode", status, 400, body)
	e.assertNoSecretInLogs(e.sk, sk2, otherKey.Secret)
}

func TestBadInput(t *testing.T) {
	e := newEnv(t, t.TempDir(), "")
	bad := []struct {
		name, method, path, body string
		status                   int
		error                    string
	}{
		{"malformed JSON", "POST", "/v1/keys", `{"kind":`, 400, "invalid_json"},
		{"not an object", "POST", "/v1/keys", `["secret"]`, 400, "invalid_json"},
		{"unknown field", "POST", "/v1/keys", `{"kind":"secret","admin":true}`, 400, "invalid_json"},
		{"unknown field named by a key", "POST", "/v1/keys", `{"sk_abcdefabcdefabcdefabcdefabcdefab":1}`, 400, "invalid_json"},
		{"two values", "POST", "/v1/redirect_uris", `{"uri":"https://a.example/"} {}`, 400, "invalid_json"},
		{"wrong type", "POST", "/v1/keys/2/roll", `{"grace_seconds":"soon"}`, 400, "invalid_json"},
		{"negative grace", "POST", "/v1/keys/2/roll", `{"grace_seconds":-1}`, 400, "bad_request"},
		{"oversize", "POST", "/v1/redirect_uris", `{"uri":"https://a.example/` + strings.Repeat("a", MaxBody) + `"}`, 413, "body_too_large"},
		{"unknown endpoint", "GET", "/v1/nothing", "", 404, "not_found"},
		{"wrong method", "PUT", "/v1/keys", "", 405, "method_not_allowed"},
	}
	for _, c := range bad {
		status, body := e.api(c.method, c.path, e.sk, c.body)
		wantStatus(t, c.name, status, c.status, body)
		wantError(t, c.name, body, c.error)
	}
	// Nothing was lost or changed by the refusals.
	status, body := e.api("GET", "/v1/keys", e.sk, "")
	if keys, _ := body["keys"].([]any); status != 200 || len(keys) != 2 {
		t.Fatalf("keys after bad input: %v", body)
	}
	status, body = e.api("GET", "/v1/redirect_uris", e.sk, "")
	if uris, _ := body["redirect_uris"].([]any); status != 200 || len(uris) != 1 {
		t.Fatalf("redirect URIs after bad input: %v", body)
	}
	// Oversize form at the token endpoint.
	st, b, _ := e.do("POST", "/oauth2/token", "", "application/x-www-form-urlencoded", "code="+strings.Repeat("a", MaxBody+1))
	wantStatus(t, "oversize form", st, 413, b)
	wantError(t, "oversize form", b, "invalid_request")
	// A secret key in a body, a path and a token field never comes back.
	e.api("POST", "/v1/keys", e.sk, `{"kind":"`+e.sk+`"}`)
	e.api("POST", "/v1/tokens/validate", e.sk, `{"token":"`+e.sk+`"}`)
	e.api("POST", "/v1/keys", e.sk, `{"`+e.sk+`":1}`)
	e.api("GET", "/v1/"+e.sk, e.sk, "")
	e.api("GET", "/v1/ping", e.sk+"x", "")
	e.assertNoSecretInResponses()
	e.assertNoSecretInLogs()
}

func TestCORSAndProbes(t *testing.T) {
	e := newEnv(t, t.TempDir(), "")
	for _, path := range []string{"/oauth2/token", "/v1/ping"} {
		req, _ := http.NewRequest("OPTIONS", e.srv.URL+path, nil)
		req.Header.Set("Origin", "http://localhost:3000")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" ||
			!strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
			t.Fatalf("preflight %s: %d %v", path, resp.StatusCode, resp.Header)
		}
		req.Header.Set("Origin", "https://evil.example")
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("preflight from an unregistered origin %s: %d %v", path, resp.StatusCode, resp.Header)
		}
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/v1/ping", nil)
	req.Header.Set("Origin", "http://localhost:3000")
	req.Header.Set("Authorization", "Basic  "+base64.StdEncoding.EncodeToString([]byte(e.pk))) // the JS SDK's form
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" {
		t.Fatalf("CORS GET: %d %v", resp.StatusCode, resp.Header)
	}
	// A newly registered origin is allowed on the next request.
	if status, body := e.api("POST", "/v1/redirect_uris", e.sk, `{"uri":"https://app.example/cb"}`); status != 201 {
		t.Fatal(body)
	}
	req.Header.Set("Origin", "https://app.example")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Fatalf("new origin: %v", resp.Header)
	}

	status, body, _ := e.do("GET", "/healthz", "", "", "")
	wantStatus(t, "healthz", status, 200, body)
	status, body, _ = e.do("GET", "/readyz", "", "", "")
	wantStatus(t, "readyz", status, 200, body)
	e.do("GET", "/v1/ping", "", "", "")
	resp, err = http.Get(e.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`picket_auth_total{outcome="ok"}`, `picket_auth_total{outcome="header_missing"} 1`, `picket_http_request_duration_seconds_bucket{method="GET",route="/v1/ping",status="200"`,
		`picket_registry_reloads_total{outcome="ok"} 1`} {
		if !strings.Contains(string(raw), want) {
			t.Fatalf("metrics lack %q", want)
		}
	}
	e.st.Close()
	status, body, _ = e.do("GET", "/readyz", "", "", "")
	wantStatus(t, "readyz with the store closed", status, 503, body)
	wantError(t, "readyz", body, "store_unavailable")
}

var (
	secretKeyRE = regexp.MustCompile(`sk_[0-9a-f]{32}`)
	hex64RE     = regexp.MustCompile(`[0-9a-f]{64}`)
)

// assertNoSecretInLogs: no full secret key, no 64-hex value (codes, tokens, digests) and
// none of extra appears in any log line.
func (e *env) assertNoSecretInLogs(extra ...string) {
	e.t.Helper()
	logs := e.logs.String()
	if logs == "" {
		e.t.Fatal("no logs captured")
	}
	if m := secretKeyRE.FindString(logs); m != "" {
		e.t.Fatalf("a secret key in the logs: %s", m)
	}
	if m := hex64RE.FindString(logs); m != "" {
		e.t.Fatalf("a code, token or digest in the logs: %s", m)
	}
	for _, s := range extra {
		if s != "" && strings.Contains(logs, s) {
			e.t.Fatalf("%q in the logs", s)
		}
	}
	if e.sk != "" && strings.Contains(logs, e.sk) {
		e.t.Fatal("the secret key in the logs")
	}
}

// assertNoSecretInResponses: no response of this test held a secret key (the tests that
// call it issue none).
func (e *env) assertNoSecretInResponses() {
	e.t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, b := range e.bodies {
		if m := secretKeyRE.FindString(b); m != "" {
			e.t.Fatalf("a secret key in a response: %s", b)
		}
	}
}
