// Retention: unused codes go soon after they expire, used codes stay while their tokens
// can be revoked, expired tokens go; the sizes reach the metrics.

package app

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRetention(t *testing.T) { eachStore(t, testRetention) }

func testRetention(t *testing.T, e *env) {
	ctx := context.Background()
	sizes := func() (int64, int64) {
		t.Helper()
		z, err := e.st.Sizes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if z.Bytes <= 0 {
			t.Fatalf("store bytes %d", z.Bytes)
		}
		return z.Codes, z.Tokens
	}
	// 5 codes never redeemed, 3 redeemed (3 tokens), 1 refused at the token endpoint.
	for i := 0; i < 5; i++ {
		e.code(t)
	}
	var tokens, codes []string
	for i := 0; i < 3; i++ {
		c := e.code(t)
		status, body := e.tokenRequest(tokenForm(c, callback, e.pk, verifier))
		wantStatus(t, "token", status, 200, body)
		tokens, codes = append(tokens, body["access_token"].(string)), append(codes, c)
	}
	status, body := e.tokenRequest(tokenForm(e.code(t), callback, e.pk, strings.Repeat("x", 43)))
	wantStatus(t, "wrong verifier", status, 400, body)
	if c, tk := sizes(); c != 9 || tk != 3 {
		t.Fatalf("before any sweep: %d codes %d tokens", c, tk)
	}
	// Nothing has expired: a sweep deletes nothing.
	e.app.SweepOnce(ctx)
	if c, tk := sizes(); c != 9 || tk != 3 {
		t.Fatalf("a sweep before expiry: %d codes %d tokens", c, tk)
	}
	// Past the codes' lifetime: the unused and refused codes go; the redeemed ones stay with
	// their tokens, and a replay still revokes the token.
	start := time.Now()
	e.app.now = func() time.Time { return start.Add(e.app.CodeTTL + time.Second) }
	e.app.SweepOnce(ctx)
	if c, tk := sizes(); c != 3 || tk != 3 {
		t.Fatalf("after the codes expired: %d codes %d tokens, want 3 and 3", c, tk)
	}
	status, body = e.tokenRequest(tokenForm(codes[0], callback, e.pk, verifier))
	wantStatus(t, "replay of a kept code", status, 400, body)
	if e.active(t, tokens[0]) || !e.active(t, tokens[1]) {
		t.Fatal("the replay of a kept code did not revoke its token alone")
	}
	// Past the tokens' lifetime: the tokens go, then their codes.
	e.app.now = func() time.Time { return start.Add(e.app.TokenTTL + time.Second) }
	e.app.SweepOnce(ctx)
	if c, tk := sizes(); c != 0 || tk != 0 {
		t.Fatalf("after the tokens expired: %d codes %d tokens, want none", c, tk)
	}
	status, body = e.tokenRequest(tokenForm(codes[1], callback, e.pk, verifier))
	wantStatus(t, "a deleted code", status, 400, body)
	wantError(t, "a deleted code", body, "invalid_grant")
	// The sweeper's figures reach the metrics.
	resp, err := http.Get(e.admin.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw := new(strings.Builder)
	if _, err := io.Copy(raw, resp.Body); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`picket_retention_deleted_total{table="oauth_codes"} 9`, `picket_retention_deleted_total{table="tokens"} 3`,
		`picket_store_rows{table="oauth_codes"} 0`, "picket_store_bytes "} {
		if !strings.Contains(raw.String(), want) {
			t.Fatalf("metrics lack %q", want)
		}
	}
}
