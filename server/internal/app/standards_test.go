// The OAuth endpoints by their RFCs: RFC 8414 metadata, RFC 7662 introspection, RFC 7009
// revocation, RFC 9207 iss, and RFC 6749 error objects everywhere under /oauth2/ (do in
// app_test.go checks the shape of every /oauth2/* error any test provokes).

package app

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
)

const form = "application/x-www-form-urlencoded"

// introspect asks /oauth2/introspect about token with key (HTTP Basic) and wants 200.
func (e *env) introspect(t *testing.T, key, token string) map[string]any {
	t.Helper()
	status, body, resp := e.do("POST", "/oauth2/introspect", basic(key), form, url.Values{"token": {token}}.Encode())
	wantStatus(t, "introspect", status, 200, body)
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("introspection may be cached: %v", resp.Header)
	}
	return body
}

func TestMetadata(t *testing.T) {
	e := newEnv(t, t.TempDir(), "")
	status, m, resp := e.do("GET", MetadataPath, "", "", "")
	wantStatus(t, "metadata", status, 200, m)
	want := map[string]any{
		"issuer":                 testIssuer,
		"authorization_endpoint": testIssuer + "/oauth2/authorize",
		"token_endpoint":         testIssuer + "/oauth2/token",
		"introspection_endpoint": testIssuer + "/oauth2/introspect",
		"revocation_endpoint":    testIssuer + "/oauth2/revoke",
		"authorization_response_iss_parameter_supported": true,
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	for k, v := range map[string]string{"response_types_supported": "code", "grant_types_supported": "authorization_code",
		"code_challenge_methods_supported": "S256", "token_endpoint_auth_methods_supported": "none client_secret_basic",
		"introspection_endpoint_auth_methods_supported": "client_secret_basic",
		"revocation_endpoint_auth_methods_supported":    "client_secret_basic none"} {
		if l, _ := m[k].([]any); fmt.Sprint(l) != "["+v+"]" {
			t.Errorf("%s = %v, want [%s]", k, m[k], v)
		}
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Error("browser clients cannot read the metadata")
	}
	// Every endpoint it names is served here (the issuer's path part is the server's root).
	for _, k := range []string{"authorization_endpoint", "token_endpoint", "introspection_endpoint", "revocation_endpoint"} {
		path := strings.TrimPrefix(m[k].(string), testIssuer)
		if status, body, _ := e.do("OPTIONS", path, "", "", ""); status != 204 {
			t.Errorf("%s %s: %d %v", k, path, status, body)
		}
	}
}

func TestIssuer(t *testing.T) {
	for _, good := range []string{"https://auth.example.com", "https://example.com/picket/", "http://127.0.0.1:8080"} {
		if got, err := ParseIssuer(good); err != nil || strings.HasSuffix(got, "/") {
			t.Errorf("ParseIssuer(%q) = %q, %v", good, got, err)
		}
	}
	for _, bad := range []string{"", "auth.example.com", "ftp://x", "https://", "https://u@x", "https://x?a=1", "https://x?", "https://x#f", "https:x"} {
		if got, err := ParseIssuer(bad); err == nil {
			t.Errorf("ParseIssuer(%q) = %q, want a refusal", bad, got)
		}
	}
	// An issuer with a path also serves the metadata at the RFC 8414 §3.1 path.
	e := newEnv(t, t.TempDir(), "")
	e.app.SetIssuer("https://example.com/auth")
	srv := httptest.NewServer(e.app.Handler())
	defer srv.Close()
	for _, p := range []string{MetadataPath, MetadataPath + "/auth"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", p, resp, err)
		}
		resp.Body.Close()
	}
}

func TestIntrospection(t *testing.T) { eachStore(t, testIntrospection) }

func testIntrospection(t *testing.T, e *env) {
	before := time.Now().Unix()
	tok := e.accessToken(t, e.pk, callback)
	m := e.introspect(t, e.sk, tok)
	exp, _ := m["exp"].(float64)
	iat, _ := m["iat"].(float64)
	if m["active"] != true || m["client_id"] != e.pk || m["token_type"] != "Bearer" || m["iss"] != testIssuer ||
		int64(iat) < before-1 || int64(exp)-int64(iat) != 3600 {
		t.Fatalf("active token: %v", m)
	}
	if _, ok := m["scope"]; ok {
		t.Fatalf("a scope where none was granted: %v", m)
	}
	// Inactive: unknown, another project's (to that project's secret key), revoked.
	other, err := e.app.CreateProject(t.Context(), 0, "other")
	if err != nil {
		t.Fatal(err)
	}
	otherSK := secretOf(t, other.Keys)
	for name, c := range map[string][2]string{"unknown": {e.sk, strings.Repeat("0", 64)}, "another project's": {otherSK, tok}} {
		if m := e.introspect(t, c[0], c[1]); len(m) != 1 || m["active"] != false {
			t.Fatalf("%s token: %v, want only active:false", name, m)
		}
	}
	// Refusals: the client authenticates with the project's secret key, by HTTP Basic.
	refusals := []struct {
		name, auth, ct, body string
		status               int
		error                string
	}{
		{"no key", "", form, "token=" + tok, 401, "invalid_client"},
		{"publishable key", basic(e.pk), form, "token=" + tok, 401, "invalid_client"},
		{"unknown key", basic("sk_00000000000000000000000000000000"), form, "token=" + tok, 401, "invalid_client"},
		{"JSON body", basic(e.sk), "application/json", `{"token":"` + tok + `"}`, 400, "invalid_request"},
		{"no token", basic(e.sk), form, "", 400, "invalid_request"},
		{"token twice", basic(e.sk), form, "token=a&token=b", 400, "invalid_request"},
		{"token too long", basic(e.sk), form, "token=" + strings.Repeat("a", 513), 400, "invalid_request"},
	}
	for _, c := range refusals {
		status, body, resp := e.do("POST", "/oauth2/introspect", c.auth, c.ct, c.body)
		wantStatus(t, c.name, status, c.status, body)
		wantError(t, c.name, body, c.error)
		if status == 401 && resp.Header.Get("WWW-Authenticate") != `Basic realm="picket"` {
			t.Fatalf("%s: no Basic challenge", c.name)
		}
	}
	e.assertNoSecretInLogs(tok)
	e.assertNoSecretInResponses()
}

// secretOf returns the secret key among keys.
func secretOf(t *testing.T, keys []IssuedKey) string {
	t.Helper()
	for _, k := range keys {
		if strings.HasPrefix(k.Secret, "sk_") {
			return k.Secret
		}
	}
	t.Fatal("no secret key")
	return ""
}

func TestRevocation(t *testing.T) { eachStore(t, testRevocation) }

func testRevocation(t *testing.T, e *env) {
	revoke := func(auth string, f url.Values) (int, map[string]any, *http.Response) {
		return e.do("POST", "/oauth2/revoke", auth, form, f.Encode())
	}
	// The public client revokes its own token (client_id in the form).
	tok := e.accessToken(t, e.pk, callback)
	status, body, resp := revoke("", url.Values{"token": {tok}, "client_id": {e.pk}, "token_type_hint": {"access_token"}})
	wantStatus(t, "public client", status, 200, body)
	if resp.ContentLength > 0 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("revocation answer: %v", resp.Header)
	}
	if e.active(t, tok) {
		t.Fatal("a revoked token is active")
	}
	// Again, and an unknown token: 200, nothing to do (RFC 7009 §2.2).
	for name, tk := range map[string]string{"again": tok, "unknown": strings.Repeat("0", 64)} {
		status, body, _ = revoke("", url.Values{"token": {tk}, "client_id": {e.pk}})
		wantStatus(t, name, status, 200, body)
	}
	// The project's backend revokes any token of its project with its secret key.
	tok = e.accessToken(t, e.pk, callback)
	status, body, _ = revoke(basic(e.sk), url.Values{"token": {tok}})
	wantStatus(t, "secret key", status, 200, body)
	if e.active(t, tok) {
		t.Fatal("a token revoked by the secret key is active")
	}
	// A token of another client: refused, and still active.
	tok = e.accessToken(t, e.pk, callback)
	otherPK, err := e.app.IssueKey(t.Context(), 1, picket.Publishable, 0)
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.app.CreateProject(t.Context(), 0, "other")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, auth string
		f          url.Values
		status     int
		error      string
	}{
		{"another client's token", "", url.Values{"token": {tok}, "client_id": {otherPK.Secret}}, 400, "unauthorized_client"},
		{"another project's token", basic(secretOf(t, other.Keys)), url.Values{"token": {tok}}, 400, "unauthorized_client"},
		{"no client", "", url.Values{"token": {tok}}, 401, "invalid_client"},
		{"unknown client", "", url.Values{"token": {tok}, "client_id": {"pk_00000000000000000000000000000000"}}, 401, "invalid_client"},
		{"secret key as client_id", "", url.Values{"token": {tok}, "client_id": {e.sk}}, 401, "invalid_client"},
		{"no token", "", url.Values{"client_id": {e.pk}}, 400, "invalid_request"},
	}
	for _, c := range cases {
		status, body, _ := revoke(c.auth, c.f)
		wantStatus(t, c.name, status, c.status, body)
		wantError(t, c.name, body, c.error)
	}
	if !e.active(t, tok) {
		t.Fatal("a refused revocation revoked the token")
	}
	e.assertNoSecretInLogs(tok)
}

func TestOAuthErrorObjects(t *testing.T) {
	e := newEnv(t, t.TempDir(), "")
	cases := []struct {
		method, path string
		status       int
		error        string
	}{
		{"GET", "/oauth2/token", 405, "invalid_request"},
		{"PUT", "/oauth2/authorize", 405, "invalid_request"},
		{"GET", "/oauth2/introspect", 405, "invalid_request"},
		{"GET", "/oauth2/revoke", 405, "invalid_request"},
		{"GET", "/oauth2/nothing", 404, "invalid_request"},
	}
	for _, c := range cases {
		status, body, resp := e.do(c.method, c.path, "", "", "")
		wantStatus(t, c.method+" "+c.path, status, c.status, body)
		wantError(t, c.method+" "+c.path, body, c.error)
		if c.status == 405 && resp.Header.Get("Allow") == "" {
			t.Fatalf("%s %s: no Allow", c.method, c.path)
		}
	}
	// Two Authorization headers: invalid_request, in words.
	req, _ := http.NewRequest("POST", e.srv.URL+"/oauth2/introspect", strings.NewReader("token=x"))
	req.Header.Add("Authorization", basic(e.sk))
	req.Header.Add("Authorization", basic(e.pk))
	req.Header.Set("Content-Type", form)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("two Authorization headers: %d", resp.StatusCode)
	}
}

// JSON does not tell 3600 from 3600.0 or 3.6e3, nor does the API (the OpenAPI document
// says integer, which JSON Schema takes all three for); a fraction, a string or a number
// out of range is refused with the field's words.
func TestWholeNumbers(t *testing.T) {
	e := newEnv(t, t.TempDir(), "")
	for _, n := range []string{"3600", "3600.0", "3.6e3", "36e2"} {
		status, body := e.api("POST", "/v1/keys", e.sk, `{"kind":"publishable","expires_in_seconds":`+n+`}`)
		wantStatus(t, n, status, 201, body)
	}
	for n, want := range map[string]string{
		"3600.5": "invalid_json", `"3600"`: "invalid_json", "true": "invalid_json",
		"1e30": "bad_request", "-1e30": "bad_request", "0": "bad_request", "0.0": "bad_request",
	} {
		status, body := e.api("POST", "/v1/keys", e.sk, `{"kind":"publishable","expires_in_seconds":`+n+`}`)
		wantStatus(t, n, status, 400, body)
		wantError(t, n, body, want)
		if want == "invalid_json" && !strings.Contains(body["message"].(string), `"expires_in_seconds" must be a whole number`) {
			t.Fatalf("%s: %v", n, body)
		}
	}
	status, body := e.api("POST", "/v1/keys/1/roll", e.sk, `{"grace_seconds":60.0,"expires_in_seconds":0.0}`)
	wantStatus(t, "roll", status, 201, body)
}

// A cursor that decodes to bytes no store takes as text (not UTF-8, or a NUL) is a 400,
// not the store's error as a 500 (schemathesis found it on PostgreSQL).
func TestCursorBytes(t *testing.T) { eachStore(t, testCursorBytes) }

func testCursorBytes(t *testing.T, e *env) {
	for _, path := range []string{"/v1/redirect_uris", "/v1/keys"} {
		for _, c := range []string{"qNN", "AA", "_w"} { // 0xa8 0xd3; 0x00; 0xff
			status, body := e.api("GET", path+"?cursor="+c, e.sk, "")
			wantStatus(t, path+" "+c, status, 400, body)
			wantError(t, path+" "+c, body, "bad_request")
		}
	}
	code, _, errOut := cli(t, "redirect", "list", "-project", "1", "-limit", "5", "-cursor", "qNN", "-data", t.TempDir())
	if code != 2 || !strings.Contains(errOut, "-cursor must be") {
		t.Fatalf("CLI: %d %s", code, errOut)
	}
}

// basicEncoded is HTTP Basic as RFC 6749 §2.3.1 has a client send it: client_id and
// password form-urlencoded first (here with every byte escaped, as a strict encoder may).
func basicEncoded(clientID, password string) string {
	esc := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			fmt.Fprintf(&b, "%%%02X", s[i])
		}
		return b.String()
	}
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(esc(clientID)+":"+esc(password)))
}

// The public client may authenticate at /oauth2/token and /oauth2/revoke by HTTP Basic (its
// client_id, an empty password: requests-oauthlib's default) instead of client_id in the
// form; a failed Basic attempt is 401 invalid_client with a Basic challenge (RFC 6749 §5.2).
func TestClientAuthenticationByBasic(t *testing.T) { eachStore(t, testClientAuthenticationByBasic) }

func testClientAuthenticationByBasic(t *testing.T, e *env) {
	token := func(auth string, f url.Values) (int, map[string]any, *http.Response) {
		return e.do("POST", "/oauth2/token", auth, form, f.Encode())
	}
	noClientID := func() url.Values {
		f := tokenForm(e.code(t), callback, "", verifier)
		f.Del("client_id")
		return f
	}
	for name, auth := range map[string]string{"Basic": basic(e.pk), "Basic, form-urlencoded": basicEncoded(e.pk, "")} {
		status, body, resp := token(auth, noClientID())
		wantStatus(t, name, status, 200, body)
		if resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Pragma") != "no-cache" {
			t.Fatalf("%s: a token answer that may be cached: %v", name, resp.Header)
		}
		if !e.active(t, body["access_token"].(string)) {
			t.Fatalf("%s: the token is not active", name)
		}
	}
	// The same client in the form too is fine; another one is not.
	f := noClientID()
	f.Set("client_id", e.pk)
	status, body, _ := token(basic(e.pk), f)
	wantStatus(t, "Basic and the same client_id", status, 200, body)
	other, err := e.app.IssueKey(t.Context(), 1, picket.Publishable, 0)
	if err != nil {
		t.Fatal(err)
	}
	f = noClientID()
	f.Set("client_id", other.Secret)
	status, body, _ = token(basic(e.pk), f)
	wantStatus(t, "Basic and another client_id", status, 400, body)
	wantError(t, "Basic and another client_id", body, "invalid_request")
	for name, auth := range map[string]string{
		"unknown client":   basic("pk_00000000000000000000000000000000"),
		"secret key":       basic(e.sk),
		"a password":       "Basic " + base64.StdEncoding.EncodeToString([]byte(e.pk+":x")),
		"bearer":           "Bearer " + e.pk,
		"not a key at all": basic("client"),
	} {
		status, body, resp := token(auth, noClientID())
		wantStatus(t, name, status, 401, body)
		wantError(t, name, body, "invalid_client")
		if resp.Header.Get("WWW-Authenticate") != `Basic realm="picket"` {
			t.Fatalf("%s: 401 without a Basic challenge: %v", name, resp.Header)
		}
	}
	// Revocation by the public client by Basic: its own token only.
	tok := e.accessToken(t, e.pk, callback)
	otherTok := e.accessToken(t, other.Secret, callback)
	status, body, _ = e.do("POST", "/oauth2/revoke", basic(other.Secret), form, url.Values{"token": {tok}}.Encode())
	wantStatus(t, "revoke another client's token", status, 400, body)
	wantError(t, "revoke another client's token", body, "unauthorized_client")
	status, body, _ = e.do("POST", "/oauth2/revoke", basicEncoded(e.pk, ""), form, url.Values{"token": {tok}}.Encode())
	wantStatus(t, "revoke by Basic", status, 200, body)
	if e.active(t, tok) || !e.active(t, otherTok) {
		t.Fatal("revocation by Basic revoked the wrong token")
	}
	// Introspection takes the form-urlencoded username too.
	if m := e.introspectAuth(t, basicEncoded(e.sk, ""), otherTok); m["active"] != true {
		t.Fatalf("introspection by a form-urlencoded Basic username: %v", m)
	}
	e.assertNoSecretInLogs(tok, otherTok)
}

// introspectAuth is introspect with the Authorization header as given.
func (e *env) introspectAuth(t *testing.T, auth, token string) map[string]any {
	t.Helper()
	status, body, _ := e.do("POST", "/oauth2/introspect", auth, form, url.Values{"token": {token}}.Encode())
	wantStatus(t, "introspect", status, 200, body)
	return body
}

// A scope is refused by name: the server grants none, so a token must not silently answer
// for less than the client asked (RFC 6749 §3.3).
func TestScopeRefused(t *testing.T) {
	e := newEnv(t, t.TempDir(), "")
	q := url.Values{"response_type": {"code"}, "client_id": {e.pk}, "redirect_uri": {callback},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"}, "state": {"s"}, "scope": {"openid profile"}}
	status, body, resp := e.do("GET", "/oauth2/authorize?"+q.Encode(), "", "", "")
	wantStatus(t, "scope", status, http.StatusFound, body)
	u, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	got := u.Query()
	if got.Get("error") != "invalid_scope" || got.Get("code") != "" || got.Get("state") != "s" || got.Get("iss") != testIssuer ||
		!strings.Contains(got.Get("error_description"), "scope") {
		t.Fatalf("scope: redirected with %v", got)
	}
	// An empty scope is no scope.
	q.Set("scope", "")
	status, body, resp = e.do("GET", "/oauth2/authorize?"+q.Encode(), "", "", "")
	wantStatus(t, "empty scope", status, http.StatusFound, body)
	if u, _ := url.Parse(resp.Header.Get("Location")); u.Query().Get("code") == "" {
		t.Fatalf("empty scope: %v", u)
	}
}

// Listening on every address with no -issuer: the issuer would be http://0.0.0.0:PORT, a
// URL no client fetches the metadata from; serve says so, naming -issuer.
func TestUnspecifiedAddressIssuerWarned(t *testing.T) {
	s := startServe(t, "-data", t.TempDir(), "-addr", "0.0.0.0:0")
	s.shutdown(t)
	if !strings.Contains(s.logs.String(), "set -issuer") {
		t.Fatalf("no warning about the issuer:\n%s", s.logs.String())
	}
	s = startServe(t, "-data", t.TempDir(), "-addr", "0.0.0.0:0", "-issuer", "https://auth.example.com")
	s.shutdown(t)
	if strings.Contains(s.logs.String(), "set -issuer") {
		t.Fatalf("a warning although -issuer is set:\n%s", s.logs.String())
	}
}
