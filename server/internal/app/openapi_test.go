// The OpenAPI document against what the server serves: every route is documented with
// exactly the methods it takes, and the document is the one served. (schemathesis, in
// server/tests/test_openapi.py, checks every answer against it.)

package app

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
)

type openAPIDoc struct {
	OpenAPI string                                `json:"openapi"`
	Info    struct{ Version string }              `json:"info"`
	Paths   map[string]map[string]json.RawMessage `json:"paths"`
}

func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	e := newEnv(t, t.TempDir(), "")
	resp, err := http.Get(e.srv.URL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" || string(raw) != string(openAPIDocument) {
		t.Fatalf("GET /openapi.json: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var doc openAPIDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" || doc.Info.Version != Version {
		t.Fatalf("openapi %q, info.version %q (want 3.1.0 and %s)", doc.OpenAPI, doc.Info.Version, Version)
	}
	// Every route is a documented path (but the catch-alls, the dashboard's HTML and the
	// metadata's second path, which exists only for an issuer with a path).
	undocumented := map[string]bool{"/": true, "/oauth2/": true, "/dashboard/": true, "GET /{$}": true}
	for _, p := range e.app.patterns {
		if _, ok := doc.Paths[p]; !ok && !undocumented[p] {
			t.Errorf("the route %q is not in openapi.json", p)
		}
	}
	// Every documented path takes exactly its documented methods (its Allow header, from a
	// request with a method nobody takes, lists them, and OPTIONS).
	for path, ops := range doc.Paths {
		var want []string
		for m := range ops {
			want = append(want, strings.ToUpper(m))
		}
		want = append(want, "OPTIONS")
		sort.Strings(want)
		req, _ := http.NewRequest("PATCH", e.srv.URL+strings.ReplaceAll(path, "{id}", "1"), nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		got := strings.Split(resp.Header.Get("Allow"), ", ")
		sort.Strings(got)
		if resp.StatusCode != 405 || !slices.Equal(got, want) {
			t.Errorf("%s: PATCH gave %d, Allow %v; the document has %v", path, resp.StatusCode, got, want)
		}
	}
}
