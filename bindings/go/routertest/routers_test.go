package routertest

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/gorilla/mux"
	picket "github.com/picket-dev/picket/bindings/go"
)

const (
	pk = "pk_d9960d04426c1e9f3941bec7e39c8854"
	sk = "sk_e1f767d29fa6e533f2e5c62342fb9e24"
)

func basic(key string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(key+":"))
}

func registry(t *testing.T) *picket.Registry {
	t.Helper()
	b := picket.NewRegistryBuilder()
	defer b.Close()
	if err := b.AddProject(1, picket.Development, 0); err != nil {
		t.Fatal(err)
	}
	for key, kind := range map[string]picket.KeyKind{pk: picket.Publishable, sk: picket.Secret} {
		d, err := picket.Digest(key)
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

// hello answers the route's name, the authenticated project and kind, and a path value
// when the router gives one.
func hello(name string, param func(*http.Request) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := map[string]any{"route": name, "id": param(r)}
		if a, ok := picket.FromContext(r.Context()); ok {
			body["project"], body["kind"] = a.Project, a.Kind.String()
		}
		picket.WriteJSON(w, 200, body)
	})
}

// routers builds the same application with each router: GET /public (no key), GET
// /admin/items/{id} (a secret key), GET /widget (a publishable key), each router's own
// way of attaching middleware to a group of routes.
func routers(reg *picket.Registry) map[string]http.Handler {
	secret, publishable := picket.Require(reg, picket.RequireSecret), picket.Require(reg, picket.RequirePublishable)
	none := func(*http.Request) string { return "" }

	std := http.NewServeMux()
	std.Handle("GET /public", hello("public", none))
	std.Handle("GET /admin/items/{id}", secret(hello("admin", func(r *http.Request) string { return r.PathValue("id") })))
	std.Handle("GET /widget", publishable(hello("widget", none)))

	c := chi.NewRouter()
	c.Get("/public", hello("public", none).ServeHTTP)
	c.Group(func(r chi.Router) {
		r.Use(secret)
		r.Get("/admin/items/{id}", hello("admin", func(r *http.Request) string { return chi.URLParam(r, "id") }).ServeHTTP)
	})
	c.With(publishable).Get("/widget", hello("widget", none).ServeHTTP)

	g := mux.NewRouter()
	g.Handle("/public", hello("public", none)).Methods("GET")
	admin := g.PathPrefix("/admin").Subrouter()
	admin.Use(mux.MiddlewareFunc(secret))
	admin.Handle("/items/{id}", hello("admin", func(r *http.Request) string { return mux.Vars(r)["id"] })).Methods("GET")
	g.Handle("/widget", publishable(hello("widget", none))).Methods("GET")

	return map[string]http.Handler{"net/http ServeMux": std, "chi": c, "gorilla/mux": g}
}

func TestRouters(t *testing.T) {
	reg := registry(t)
	cases := []struct {
		path, key string
		status    int
		want      map[string]any
	}{
		{"/public", "", 200, map[string]any{"route": "public", "id": ""}},
		{"/admin/items/7", sk, 200, map[string]any{"route": "admin", "project": 1.0, "kind": "secret", "id": "7"}},
		{"/admin/items/7", pk, 403, map[string]any{"error": "auth_wrong_kind", "code": 502.0, "message": "this endpoint requires a secret key, but a publishable key was sent"}},
		{"/admin/items/7", "", 401, map[string]any{"error": "header_missing", "code": 300.0, "message": "missing api key: send it as the username of HTTP Basic auth"}},
		{"/widget", pk, 200, map[string]any{"route": "widget", "project": 1.0, "kind": "publishable", "id": ""}},
		{"/widget", sk, 403, nil},
	}
	for name, h := range routers(reg) {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(h)
			defer srv.Close()
			for _, c := range cases {
				req, _ := http.NewRequest("GET", srv.URL+c.path, nil)
				if c.key != "" {
					req.Header.Set("Authorization", basic(c.key))
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				raw, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != c.status {
					t.Fatalf("%s with %q: %d %s", c.path, c.key, resp.StatusCode, raw)
				}
				var got map[string]any
				if err := json.Unmarshal(raw, &got); err != nil {
					t.Fatalf("%s: %q", c.path, raw)
				}
				if c.want != nil && !equal(got, c.want) {
					t.Fatalf("%s with %q: %v, want %v", c.path, c.key, got, c.want)
				}
			}
		})
	}
}

func equal(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
