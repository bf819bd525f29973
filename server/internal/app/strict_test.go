// One value per field: strict JSON bodies, one Authorization header, no repeated OAuth
// parameter.

package app

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestStrictJSON(t *testing.T) { eachStore(t, testStrictJSON) }

func testStrictJSON(t *testing.T, e *env) {
	bad := []struct{ name, path, body, message string }{
		{"case-mismatched name", "/v1/keys", `{"KIND":"secret"}`, `unknown field "KIND" (field names are case-sensitive)`},
		{"case-mismatched beside the right one", "/v1/keys", `{"kind":"publishable","Kind":"secret"}`, `unknown field "Kind"`},
		{"duplicate name", "/v1/keys", `{"kind":"publishable","kind":"secret"}`, `duplicate field "kind"`},
		{"duplicate in another body", "/v1/redirect_uris", `{"uri":"https://a.example/cb","uri":"https://b.example/cb"}`, `duplicate field "uri"`},
		{"duplicate named by a key", "/v1/keys", `{"kind":"secret","` + e.sk + `":1,"` + e.sk + `":1}`, `unknown field (field names`},
		{"trailing value", "/v1/keys", `{"kind":"secret"} {}`, "syntax error"},
		{"wrong type", "/v1/keys/2/roll", `{"grace_seconds":"soon"}`, `field "grace_seconds" must be a whole number`},
		{"not an object", "/v1/keys", `["secret"]`, "expected a JSON object"},
	}
	for _, c := range bad {
		status, body := e.api("POST", c.path, e.sk, c.body)
		wantStatus(t, c.name, status, 400, body)
		wantError(t, c.name, body, "invalid_json")
		if msg, _ := body["message"].(string); !strings.Contains(msg, c.message) {
			t.Errorf("%s: message %q lacks %q", c.name, msg, c.message)
		}
	}
	// Nothing was issued or registered by the refusals.
	status, body := e.api("GET", "/v1/keys", e.sk, "")
	if keys, _ := body["keys"].([]any); status != 200 || len(keys) != 2 {
		t.Fatalf("keys after refusals: %v", body)
	}
	status, body = e.api("GET", "/v1/redirect_uris", e.sk, "")
	if uris, _ := body["redirect_uris"].([]any); status != 200 || len(uris) != 1 {
		t.Fatalf("redirect URIs after refusals: %v", body)
	}
	// The exact names still work.
	status, body = e.api("POST", "/v1/keys", e.sk, `{"kind":"secret","expires_in_seconds":60}`)
	wantStatus(t, "exact names", status, 201, body)
	e.assertNoSecretInLogs()
}

func TestOneAuthorizationHeader(t *testing.T) { eachStore(t, testOneAuthorizationHeader) }

func testOneAuthorizationHeader(t *testing.T, e *env) {
	for _, c := range []struct {
		method, path, ctype, body, error string
	}{
		{"GET", "/v1/ping", "", "", "duplicate_authorization"},
		{"GET", "/v1/keys", "", "", "duplicate_authorization"},
		{"POST", "/v1/keys", "application/json", `{"kind":"secret"}`, "duplicate_authorization"},
		{"POST", "/v1/tokens/validate", "application/json", `{"token":"x"}`, "duplicate_authorization"},
		{"POST", "/oauth2/token", "application/x-www-form-urlencoded", "grant_type=authorization_code", "invalid_request"},
	} {
		for _, order := range [][2]string{{e.sk, e.pk}, {e.pk, e.sk}, {e.sk, e.sk}} {
			req, _ := http.NewRequest(c.method, e.srv.URL+c.path, strings.NewReader(c.body))
			req.Header.Add("Authorization", basic(order[0]))
			req.Header.Add("Authorization", basic(order[1]))
			if c.ctype != "" {
				req.Header.Set("Content-Type", c.ctype)
			}
			resp, body := send(t, req)
			wantStatus(t, c.path, resp.StatusCode, 400, body)
			wantError(t, c.path, body, c.error)
		}
		// One line holding two values, as a proxy joins repeated lines: the same refusal.
		req, _ := http.NewRequest(c.method, e.srv.URL+c.path, strings.NewReader(c.body))
		req.Header.Set("Authorization", basic(e.sk)+", "+basic(e.pk))
		if c.ctype != "" {
			req.Header.Set("Content-Type", c.ctype)
		}
		resp, body := send(t, req)
		wantStatus(t, c.path+" joined", resp.StatusCode, 400, body)
		wantError(t, c.path+" joined", body, c.error)
	}
	status, body := e.api("GET", "/v1/keys", e.sk, "")
	if keys, _ := body["keys"].([]any); status != 200 || len(keys) != 2 {
		t.Fatalf("keys: %v", body)
	}
}

func TestRepeatedAuthorizeParameters(t *testing.T) { eachStore(t, testRepeatedAuthorizeParameters) }

func testRepeatedAuthorizeParameters(t *testing.T, e *env) {
	good := func() url.Values {
		return url.Values{
			"response_type": {"code"}, "client_id": {e.pk}, "redirect_uri": {"http://localhost:3000/callback"},
			"code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "code_challenge_method": {"S256"}, "state": {"s1"},
		}
	}
	status, _, resp := e.do("GET", "/oauth2/authorize?"+good().Encode(), "", "", "")
	if status != 302 || !strings.Contains(resp.Header.Get("Location"), "code=") {
		t.Fatalf("the good request: %d %v", status, resp.Header)
	}
	// client_id or redirect_uri twice: 400 here, no redirect.
	for name, second := range map[string]string{"client_id": e.pk, "redirect_uri": "http://localhost:3000/other"} {
		q := good()
		q.Add(name, second)
		status, body, resp := e.do("GET", "/oauth2/authorize?"+q.Encode(), "", "", "")
		wantStatus(t, name+" twice", status, 400, body)
		wantError(t, name+" twice", body, "invalid_request")
		if resp.Header.Get("Location") != "" {
			t.Fatalf("%s twice: redirected", name)
		}
	}
	// Any other parameter twice: the error goes back to the checked redirect URI.
	for _, name := range []string{"response_type", "code_challenge", "code_challenge_method", "state", "scope"} {
		q := good()
		if name == "scope" {
			q.Add(name, "openid")
		}
		q.Add(name, q.Get(name)+"x")
		status, _, resp := e.do("GET", "/oauth2/authorize?"+q.Encode(), "", "", "")
		loc, err := url.Parse(resp.Header.Get("Location"))
		if status != 302 || err != nil {
			t.Fatalf("%s twice: %d %v", name, status, err)
		}
		got := loc.Query()
		if got.Get("error") != "invalid_request" || got.Get("code") != "" || !strings.Contains(got.Get("error_description"), name+" is repeated") {
			t.Fatalf("%s twice: %v", name, loc)
		}
		if name == "state" && got.Has("state") {
			t.Fatalf("a repeated state was echoed: %v", loc)
		}
	}
}

// send makes a request built by hand (no redirect followed) and decodes a JSON body.
func send(t *testing.T, req *http.Request) (*http.Response, map[string]any) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
			t.Fatalf("%s %s: body is not JSON: %v", req.Method, req.URL.Path, err)
		}
	}
	return resp, m
}
