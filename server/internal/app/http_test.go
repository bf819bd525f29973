// HTTP plumbing: bad input (bodies, JSON, methods) and the probes.

package app

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

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

func TestProbes(t *testing.T) {
	e := newEnv(t, t.TempDir(), "")
	status, body, _ := e.do("GET", "/healthz", "", "", "")
	wantStatus(t, "healthz", status, 200, body)
	status, body, _ = e.do("GET", "/readyz", "", "", "")
	wantStatus(t, "readyz", status, 200, body)
	e.do("GET", "/v1/ping", "", "", "")
	e.api("GET", "/v1/ping", e.pk, "")
	e.api("POST", "/v1/redirect_uris", e.sk, `{"uri":"https://app.example/cb"}`) // one reload
	resp, err := http.Get(e.admin.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`picket_auth_total{outcome="ok"}`, `picket_auth_total{outcome="header_missing"} 1`, `picket_http_request_duration_seconds_bucket{method="GET",route="/v1/ping",status="200"`,
		`picket_registry_reloads_total{kind="projects",outcome="ok"} 1`} {
		if !strings.Contains(string(raw), want) {
			t.Fatalf("metrics lack %q", want)
		}
	}
	e.st.Close()
	status, body, _ = e.do("GET", "/readyz", "", "", "")
	wantStatus(t, "readyz with the store closed", status, 503, body)
	wantError(t, "readyz", body, "store_unavailable")
}
