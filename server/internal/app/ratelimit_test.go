// Rate limits: each rule refuses with 429, Retry-After and its name; buckets are per
// address, client_id or project; spoofed ids never enter the maps, which stay bounded.

package app

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
)

func TestParseRate(t *testing.T) {
	for in, want := range map[string]Rate{"120/1m": {120, time.Minute}, "1/1s": {1, time.Second}, "0": {}} {
		if got, err := ParseRate(in); err != nil || got != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "10", "0/1m", "-1/1m", "10/0s", "10/x", "x/1m", "10/48h"} {
		if _, err := ParseRate(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// wantLimited checks a 429 of rule, with Retry-After, the rule in the body and a wait.
func wantLimited(t *testing.T, what string, resp *http.Response, body map[string]any, rule string) {
	t.Helper()
	if resp.StatusCode != 429 || body["error"] != "rate_limited" || body["limit"] != rule {
		t.Fatalf("%s: %d %v, want 429 rate_limited %s", what, resp.StatusCode, body, rule)
	}
	secs, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || secs < 1 || body["retry_after"] != float64(secs) {
		t.Fatalf("%s: Retry-After %q, body %v", what, resp.Header.Get("Retry-After"), body)
	}
}

func TestRateLimits(t *testing.T) { eachStore(t, testRateLimits) }

func testRateLimits(t *testing.T, e *env) {
	start := time.Now()
	e.app.now = func() time.Time { return start }
	e.app.SetRateLimits(RateLimits{ruleAuthorizeAddress: {5, time.Minute}, ruleAuthorizeClient: {2, time.Minute},
		ruleTokenAddress: {3, time.Minute}, ruleAuthFailures: {3, time.Minute}, ruleManagement: {5, time.Minute}})
	other, err := e.app.IssueKey(t.Context(), 1, picket.Publishable, 0)
	if err != nil {
		t.Fatal(err)
	}
	authorize := func(client string) (*http.Response, map[string]any) {
		req, _ := http.NewRequest("GET", e.srv.URL+"/oauth2/authorize?response_type=code&code_challenge_method=S256&code_challenge="+challenge+
			"&redirect_uri="+callback+"&client_id="+client, nil)
		return send(t, req)
	}
	// Per client_id: 2 for the first client, then 429; another client has its own bucket.
	for i := 0; i < 2; i++ {
		if resp, body := authorize(e.pk); resp.StatusCode != 302 {
			t.Fatalf("authorize %d: %d %v", i, resp.StatusCode, body)
		}
	}
	resp, body := authorize(e.pk)
	wantLimited(t, "third authorize of one client", resp, body, ruleAuthorizeClient)
	if resp.Header.Get("Location") != "" {
		t.Fatal("a limited authorize redirected")
	}
	if resp, body := authorize(other.Secret); resp.StatusCode != 302 {
		t.Fatalf("another client: %d %v", resp.StatusCode, body)
	}
	// Per address: the 6th authorize from this address, whatever the client, and spoofed
	// client_ids never make a bucket of their own.
	resp, body = authorize("pk_" + strings.Repeat("0", 32))
	if resp.StatusCode != 400 {
		t.Fatalf("unknown client: %d %v", resp.StatusCode, body)
	}
	resp, body = authorize(other.Secret)
	wantLimited(t, "6th authorize from one address", resp, body, ruleAuthorizeAddress)
	if n := e.app.limiter.sets[ruleAuthorizeClient].Len(); n != 2 {
		t.Fatalf("the per-client map holds %d entries, want the 2 live clients", n)
	}
	// A minute later the buckets are full again.
	e.app.now = func() time.Time { return start.Add(time.Minute) }
	if resp, body := authorize(e.pk); resp.StatusCode != 302 {
		t.Fatalf("after a minute: %d %v", resp.StatusCode, body)
	}

	// Token per address: the 4th is refused, in the RFC 6749 shape with the rule.
	for i := 0; i < 3; i++ {
		if st, b := e.tokenRequest(tokenForm("00", callback, e.pk, verifier)); st != 400 {
			t.Fatalf("token %d: %d %v", i, st, b)
		}
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/oauth2/token", strings.NewReader(tokenForm("00", callback, e.pk, verifier).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body = send(t, req)
	wantLimited(t, "4th token", resp, body, ruleTokenAddress)
	if body["error_description"] == nil {
		t.Fatalf("token's 429 is not an RFC 6749 object: %v", body)
	}

	// Management per project: 5 calls, then 429; the ping is not a management call.
	for i := 0; i < 5; i++ {
		if st, b := e.api("GET", "/v1/keys", e.sk, ""); st != 200 {
			t.Fatalf("management %d: %d %v", i, st, b)
		}
	}
	req, _ = http.NewRequest("GET", e.srv.URL+"/v1/project", nil)
	req.Header.Set("Authorization", basic(e.sk))
	resp, body = send(t, req)
	wantLimited(t, "6th management call", resp, body, ruleManagement)
	if st, b := e.api("GET", "/v1/ping", e.sk, ""); st != 200 {
		t.Fatalf("ping after the management limit: %d %v", st, b)
	}

	// Failed authentications per address: 3 wrong keys, then even the right key is refused
	// from that address, while another address is served.
	from := func(addr, key string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/v1/ping", nil)
		req.RemoteAddr = addr
		req.Header.Set("Authorization", basic(key))
		rec := httptest.NewRecorder()
		e.app.Handler().ServeHTTP(rec, req)
		return rec
	}
	wrong := "sk_" + strings.Repeat("ab", 16)
	for i := 0; i < 3; i++ {
		if rec := from("198.51.100.7:4000", wrong); rec.Code != 401 {
			t.Fatalf("wrong key %d: %d", i, rec.Code)
		}
	}
	if rec := from("198.51.100.7:4001", e.pk); rec.Code != 429 || !strings.Contains(rec.Body.String(), ruleAuthFailures) || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("the right key after 3 failures: %d %s", rec.Code, rec.Body.String())
	}
	if rec := from("198.51.100.8:4000", e.pk); rec.Code != 200 {
		t.Fatalf("another address: %d", rec.Code)
	}
	// IPv6 addresses count by their /64.
	for i := 0; i < 3; i++ {
		from("[2001:db8:1:2::"+strconv.Itoa(i+1)+"]:4000", wrong)
	}
	if rec := from("[2001:db8:1:2::ff]:4000", e.pk); rec.Code != 429 {
		t.Fatalf("same /64: %d", rec.Code)
	}
	if rec := from("[2001:db8:1:3::1]:4000", e.pk); rec.Code != 200 {
		t.Fatalf("another /64: %d", rec.Code)
	}
	e.assertNoSecretInLogs()
}
