// Request ids and log fields: X-Request-Id in and out, and the fields of the log lines.

package app

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"

	picket "github.com/picket-dev/picket/bindings/go"
)

// logLines are the JSON log lines written so far.
func (e *env) logLines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(e.logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("a log line is not JSON: %q", line)
		}
		out = append(out, m)
	}
	return out
}

// sendWithID sends req with the X-Request-Id values ids and returns the answer's id.
func (e *env) sendWithID(t *testing.T, method, path, auth, body string, ids ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, id := range ids {
		req.Header.Add(RequestIDHeader, id)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get(RequestIDHeader)
}

func TestRequestIDs(t *testing.T) {
	e := newEnv(t, t.TempDir(), "")
	made := regexp.MustCompile(`^[0-9a-f]{32}$`)
	// None sent, or one that is not well-formed, or two: one is made.
	for name, ids := range map[string][]string{
		"none":       nil,
		"too long":   {strings.Repeat("a", 129)},
		"a space":    {"a b"},
		"a quote":    {`a"b`},
		"two values": {"first", "second"},
	} {
		_, id := e.sendWithID(t, "GET", "/healthz", "", "", ids...)
		if !made.MatchString(id) {
			t.Fatalf("%s: answered id %q", name, id)
		}
	}
	_, a := e.sendWithID(t, "GET", "/healthz", "", "")
	_, b := e.sendWithID(t, "GET", "/healthz", "", "")
	if a == b {
		t.Fatal("two requests got one id")
	}
	// A well-formed one (a UUID, a proxy's, 128 characters) comes back as sent.
	for _, id := range []string{"0f8fad5b-d9cb-469f-a165-70867728950e", "nginx:req/1+2=", strings.Repeat("Z", 128)} {
		if _, got := e.sendWithID(t, "GET", "/healthz", "", "", id); got != id {
			t.Fatalf("sent %q, answered %q", id, got)
		}
	}
	// Errors carry it too (the API's and the OAuth endpoints').
	for _, path := range []string{"/v1/nothing", "/oauth2/nothing"} {
		if status, id := e.sendWithID(t, "GET", path, "", "", "trace-7"); status != 404 || id != "trace-7" {
			t.Fatalf("%s: %d %q", path, status, id)
		}
	}
}

func TestLogFields(t *testing.T) {
	e := newEnv(t, t.TempDir(), "")
	// The access line is at debug (serve's -log-level debug).
	e.app.log = slog.New(withRequestID(picket.RedactingHandler(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	status, id := e.sendWithID(t, "POST", "/v1/keys", basic(e.sk), `{"kind":"publishable"}`, "issue-1")
	wantStatus(t, "issue", status, 201, nil)
	e.sendWithID(t, "POST", "/v1/keys/1/roll", basic(e.sk), `{"grace_seconds":90}`, "roll-1")
	var request, issued, rolled map[string]any
	for _, l := range e.logLines(t) {
		switch {
		case l["msg"] == "request" && l["request_id"] == id:
			request = l
		case l["msg"] == "key issued":
			issued = l
		case l["msg"] == "key rolled":
			rolled = l
		}
	}
	// The access log: the request's id, its client's address, its duration in ms.
	if request == nil || request["client_addr"] != "127.0.0.1" || request["status"] != 201.0 || request["path"] != "/v1/keys" {
		t.Fatalf("the request's log line: %v", request)
	}
	if ms, ok := request["duration_ms"].(float64); !ok || ms <= 0 || ms > 10_000 {
		t.Fatalf("duration_ms: %v", request["duration_ms"])
	}
	if _, ok := request["duration"]; ok {
		t.Fatal("a duration without its unit in the field name")
	}
	// A line logged while handling the request carries its id.
	if issued == nil || issued["request_id"] != "issue-1" {
		t.Fatalf("the handler's log line: %v", issued)
	}
	if rolled == nil || rolled["grace_seconds"] != 90.0 || rolled["request_id"] != "roll-1" {
		t.Fatalf("the roll's log line: %v", rolled)
	}
	// No field holds a duration in Go's nanoseconds (a bare number named after a time).
	if bad := unitlessDurations(e.logs.String()); len(bad) > 0 {
		t.Fatalf("durations without their unit: %v", bad)
	}
}

// The real serve path (its sampled logger, -log-level debug) writes the request's id and
// fields too.
func TestServeLogsRequestIDs(t *testing.T) {
	s := startServe(t, "-data", t.TempDir(), "-log-level", "debug")
	req, _ := http.NewRequest("GET", s.base+"/v1/ping", nil)
	req.Header.Set(RequestIDHeader, "serve-7")
	req.Header.Set("Authorization", basic(s.sk))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	s.shutdown(t)
	for _, line := range strings.Split(s.logs.String(), "\n") {
		if strings.Contains(line, `"msg":"request"`) && strings.Contains(line, `"request_id":"serve-7"`) &&
			strings.Contains(line, `"duration_ms":`) && strings.Contains(line, `"client_addr":"127.0.0.1"`) {
			return
		}
	}
	t.Fatalf("no request line with its id in:\n%s", s.logs.String())
}
