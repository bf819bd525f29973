// picket-server answers the shared cases of the API error object
// (tests/error-object/refusals.jsonl) as every binding's middleware does: the same status,
// WWW-Authenticate and body, byte for byte in meaning.

package app

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"reflect"
	"testing"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/store"
)

// refusal is one case of tests/error-object/refusals.jsonl (its README has the format).
type refusal struct {
	ID          string         `json:"id"`
	Requirement string         `json:"requirement"`
	Headers     []string       `json:"headers"`
	Status      int            `json:"status"`
	Project     uint64         `json:"project"`
	Kind        string         `json:"kind"`
	Challenge   *string        `json:"challenge"`
	Body        map[string]any `json:"body"`
}

// The server's endpoints for a case's requirement: GET /v1/ping takes any key, GET
// /v1/project the secret key. No endpoint of the server's takes only a publishable key, so
// the "publishable" cases are the bindings' alone.
var refusalEndpoints = map[string]string{"any": "/v1/ping", "secret": "/v1/project"}

func TestSharedErrorObjectCases(t *testing.T) {
	f, err := os.Open("../../../tests/error-object/refusals.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e := newEnv(t, t.TempDir(), "")
	// The cases' two keys, in project 1 of the store (the first project).
	for key, kind := range map[string]picket.KeyKind{"pk_0123456789abcdef0123456789abcdef": picket.Publishable, "sk_fedcba9876543210fedcba9876543210": picket.Secret} {
		d, err := picket.Digest(key)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.IssueKey(t.Context(), 1, store.NewKey{Kind: kind, Digest: d, Last4: key[len(key)-4:]}, 0, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.app.Reload(); err != nil {
		t.Fatal(err)
	}
	ran := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var c refusal
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		path, ok := refusalEndpoints[c.Requirement]
		if !ok {
			continue
		}
		ran++
		req, err := http.NewRequest("GET", e.srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Headers) > 0 {
			req.Header["Authorization"] = c.Headers // each one its own line, as written
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != c.Status {
			t.Errorf("%s: %d %v (%v), want %d", c.ID, resp.StatusCode, body, err, c.Status)
			continue
		}
		if c.Status == http.StatusOK {
			if path == "/v1/ping" && (body["project_id"] != float64(c.Project) || body["key_kind"] != c.Kind) {
				t.Errorf("%s: %v, want project %d, %s", c.ID, body, c.Project, c.Kind)
			}
			continue
		}
		challenge := resp.Header.Get("WWW-Authenticate")
		if (c.Challenge == nil && challenge != "") || (c.Challenge != nil && challenge != *c.Challenge) {
			t.Errorf("%s: WWW-Authenticate %q, want %v", c.ID, challenge, c.Challenge)
		}
		if !reflect.DeepEqual(body, c.Body) {
			t.Errorf("%s: body %v, want %v", c.ID, body, c.Body)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if ran < 12 {
		t.Fatalf("only %d cases ran", ran)
	}
}
