package picket

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"testing"
	"time"
)

// refusal is one case of tests/error-object/refusals.jsonl.
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

// The keys of refusals.jsonl's registry (test keys, in no store).
const (
	refusalsPK = "pk_0123456789abcdef0123456789abcdef"
	refusalsSK = "sk_fedcba9876543210fedcba9876543210"
)

// refusalsRegistry is the registry refusals.jsonl's cases run against.
func refusalsRegistry(t *testing.T) *Registry {
	t.Helper()
	b := NewRegistryBuilder()
	if err := b.AddProject(1, Development, 0); err != nil {
		t.Fatal(err)
	}
	for key, kind := range map[string]KeyKind{refusalsPK: Publishable, refusalsSK: Secret} {
		d, err := Digest(key)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.AddKey(d, 1, kind, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	reg, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	return reg
}

// TestErrorObject runs the shared cases of the API error object through Require, over
// loopback HTTP: every runtime's middleware answers them alike.
func TestErrorObject(t *testing.T) {
	reg := refusalsRegistry(t)
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, _ := FromContext(r.Context())
		WriteJSON(w, 200, map[string]any{"project": a.Project, "kind": a.Kind.String()})
	})
	mux := http.NewServeMux()
	for name, req := range map[string]Requirement{"any": RequireAny, "publishable": RequirePublishable, "secret": RequireSecret} {
		mux.Handle("/"+name, Require(reg, req)(app))
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()

	f, err := os.Open("../../tests/error-object/refusals.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	for sc := bufio.NewScanner(f); sc.Scan(); n++ {
		var c refusal
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		req, _ := http.NewRequest("GET", srv.URL+"/"+c.Requirement, nil)
		for _, h := range c.Headers {
			req.Header.Add("Authorization", h)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatalf("%s: body %q", c.ID, raw)
		}
		if resp.StatusCode != c.Status {
			t.Errorf("%s: status %d, want %d (%s)", c.ID, resp.StatusCode, c.Status, raw)
			continue
		}
		if c.Status == 200 {
			if body["project"] != float64(c.Project) || body["kind"] != c.Kind {
				t.Errorf("%s: the application saw %v", c.ID, body)
			}
			continue
		}
		want := ""
		if c.Challenge != nil {
			want = *c.Challenge
		}
		if got := resp.Header.Get("WWW-Authenticate"); got != want {
			t.Errorf("%s: WWW-Authenticate %q, want %q", c.ID, got, want)
		}
		if !reflect.DeepEqual(body, c.Body) {
			t.Errorf("%s: body %v, want %v", c.ID, body, c.Body)
		}
	}
	if n < 10 {
		t.Fatalf("only %d cases read", n)
	}
}
