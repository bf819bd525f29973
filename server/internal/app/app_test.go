package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/rules"
	"github.com/picket-dev/picket/server/internal/store"
	"github.com/picket-dev/picket/server/internal/storetest"
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
	admin  *httptest.Server // the admin address (/metrics)
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
	base := storetest.PostgresURL()
	if base == "" {
		return storeKind{}, false
	}
	return storeKind{"postgres", func(t *testing.T) (string, string) { return "", storetest.SchemaURL(t, base) }}, true
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
	// A generous deadline: under the race detector on a shared machine a test's bulk
	// inserts take seconds. (The deadlines themselves: server/tests/test_store_faults.py.)
	st, err := store.Open(ctx, dataDir, dbURL, store.WithTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	_, keys, err := Bootstrap(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	// Every line, one per request too, none sampled: the tests check that none holds a
	// secret.
	log := slog.New(picket.RedactingHandler(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	a, err := New(st, log)
	if err != nil {
		t.Fatal(err)
	}
	a.SetIssuer(testIssuer)
	e := &env{t: t, st: st, app: a, logs: logs, srv: httptest.NewServer(a.Handler()), admin: httptest.NewServer(a.AdminHandler())}
	if keys != nil {
		e.pk, e.sk = keys[0].Expose(), keys[1].Expose()
	}
	t.Cleanup(func() {
		e.srv.Close()
		e.admin.Close()
		a.Close()
		st.Close()
		if bad := unitlessDurations(logs.String()); len(bad) > 0 {
			t.Errorf("log fields holding a duration without its unit in the name: %v", bad)
		}
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
	switch {
	case resp.StatusCode == http.StatusFound && strings.HasPrefix(path, "/oauth2/"):
		// An authorization error redirected to the client: the same object, in the query.
		if loc, err := url.Parse(resp.Header.Get("Location")); err == nil && loc.Query().Has("error") {
			wantOAuthError(e.t, method+" "+path+" (redirected)", map[string]any{
				"error": loc.Query().Get("error"), "error_description": loc.Query().Get("error_description")})
		}
	case resp.StatusCode < 400:
	case strings.HasPrefix(path, "/oauth2/"):
		wantOAuthError(e.t, method+" "+path, m)
	default:
		wantErrorObject(e.t, method+" "+path, m)
	}
	return resp.StatusCode, m, resp
}

// testIssuer is the issuer of the test servers.
const testIssuer = "https://issuer.example"

// oauthErrors are the error codes of RFC 6749 (§4.1.2.1, §5.2) and RFC 7009 (§2.2.1), and
// rate_limited, the one extension code (/oauth2/* under a rate limit).
var oauthErrors = map[string]bool{
	"invalid_request": true, "invalid_client": true, "invalid_grant": true, "unauthorized_client": true,
	"unsupported_grant_type": true, "invalid_scope": true, "access_denied": true, "unsupported_response_type": true,
	"server_error": true, "temporarily_unavailable": true, "unsupported_token_type": true, "rate_limited": true,
}

// internalName matches a snake_case word: in an error_description, a rule's internal name
// (pkce_mismatch), unless it is an OAuth parameter's name.
var internalName = regexp.MustCompile(`[a-z0-9]+(_[a-z0-9]+)+`)

// oauthParams are the parameter names an error_description may name.
var oauthParams = map[string]bool{"client_id": true, "redirect_uri": true, "response_type": true, "code_challenge": true,
	"code_challenge_method": true, "code_verifier": true, "grant_type": true, "token_type_hint": true, "authorization_code": true}

// wantOAuthError checks an /oauth2/* error body: an RFC 6749 error object (error,
// error_description, nothing of the API's object), its description free of internal names.
func wantOAuthError(t *testing.T, what string, m map[string]any) {
	t.Helper()
	code, _ := m["error"].(string)
	desc, _ := m["error_description"].(string)
	_, hasCode := m["code"]
	_, hasMessage := m["message"]
	if !oauthErrors[code] || desc == "" || hasCode || hasMessage {
		t.Fatalf("%s: not an RFC 6749 error object: %v", what, m)
	}
	for _, w := range internalName.FindAllString(desc, -1) {
		if _, isRule := ruleCode(w); isRule || !oauthParams[w] {
			t.Fatalf("%s: error_description names %q: %q", what, w, desc)
		}
	}
}

// wantErrorObject checks an API error body: {"error", "code", "message"}, the code the
// rule's in the one table (a picket result code, or one of the server's own rules).
func wantErrorObject(t *testing.T, what string, m map[string]any) {
	t.Helper()
	name, _ := m["error"].(string)
	code, _ := m["code"].(float64)
	msg, _ := m["message"].(string)
	want, ok := ruleCode(name)
	if !ok || uint32(code) != want || msg == "" {
		t.Fatalf("%s: not the error object of a known rule (%q has code %d): %v", what, name, want, m)
	}
}

// ruleCode is the code of a rule name: one of the server's rules or a picket result code.
func ruleCode(name string) (uint32, bool) {
	if r, ok := rules.ByName(name); ok {
		return r.Code, true
	}
	for c := picket.Code(100); c < 800; c++ {
		if c.String() == name {
			return uint32(c), true
		}
	}
	return 0, false
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
