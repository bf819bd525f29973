// The admin address: /metrics is served there only, never on the public address.

package app

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestMetricsOnlyOnTheAdminAddress(t *testing.T) {
	s := startServe(t, "-data", t.TempDir(), "-metrics-addr", "127.0.0.1:0")
	admin := ""
	for _, line := range strings.Split(s.out.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, "metrics on "); ok {
			admin = rest
		}
	}
	if !strings.HasPrefix(admin, "http://127.0.0.1:") || !strings.HasSuffix(admin, "/metrics") || strings.Contains(admin, s.base) {
		t.Fatalf("no admin address line before listening: %q", s.out.String())
	}
	if st := s.get(t, "/v1/ping", s.pk); st != 200 {
		t.Fatalf("ping: %d", st)
	}
	// The public address does not serve the metrics, with or without a key.
	for _, key := range []string{"", s.sk} {
		if st := s.get(t, "/metrics", key); st != 404 {
			t.Fatalf("public /metrics with key %v: %d, want 404", key != "", st)
		}
	}
	get := func(u string) (int, string) {
		t.Helper()
		c := &http.Client{Timeout: 10 * time.Second}
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	st, body := get(admin)
	if st != 200 || !strings.Contains(body, `picket_auth_total{outcome="ok"}`) || !strings.Contains(body, "picket_store_bytes") {
		t.Fatalf("admin /metrics: %d %.300s", st, body)
	}
	// The admin address serves nothing else.
	if st, _ := get(strings.TrimSuffix(admin, "/metrics") + "/v1/ping"); st != 404 {
		t.Fatalf("admin /v1/ping: %d", st)
	}
	// Without -metrics-addr there is no admin line and no /metrics.
	plain := startServe(t, "-data", t.TempDir())
	if strings.Contains(plain.out.String(), "metrics on") || plain.get(t, "/metrics", "") != 404 {
		t.Fatalf("metrics served without -metrics-addr: %s", plain.out.String())
	}
}
