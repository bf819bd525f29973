package picket

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestMiddleware(t *testing.T) {
	f := newFixture(t)
	secretOnly := Middleware(f.reg, RequireSecret, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := FromContext(r.Context())
		p, okp := ProjectFromContext(r.Context())
		k, okk := KeyKindFromContext(r.Context())
		if !ok || !okp || !okk || p != a.Project || k != a.Kind {
			t.Errorf("context: %v %v %v %v %v %v", a, ok, p, okp, k, okk)
		}
		fmt.Fprintf(w, "project=%d kind=%v", p, k)
	}))
	srv := httptest.NewServer(secretOnly)
	defer srv.Close()

	do := func(header string, set bool) (int, http.Header, string) {
		t.Helper()
		req, err := http.NewRequest("GET", srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		if set {
			req.Header.Set("Authorization", header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(body)
	}

	status, _, body := do(basic(f.sk.Expose()), true)
	if status != 200 || body != "project=1 kind=secret" {
		t.Fatalf("sk: %d %q", status, body)
	}
	status, _, body = do(jsSDK(f.sk.Expose()), true)
	if status != 200 || body != "project=1 kind=secret" {
		t.Fatalf("sk via JS SDK header: %d %q", status, body)
	}

	cases := []struct {
		name, header string
		set          bool
		status       int
		challenge    string
		code, msg    string
	}{
		{"missing", "", false, 401, `Basic realm="picket"`, "header_missing", "missing api key"},
		{"publishable", basic(f.pk.Expose()), true, 403, "", "auth_wrong_kind", "requires a secret key, but a publishable key was sent"},
		{"unknown", basic("sk_00000000000000000000000000000000"), true, 401, `Basic realm="picket"`, "auth_unknown_key", "unknown api key"},
		{"password", "Basic " + base64.StdEncoding.EncodeToString([]byte(f.pk.Expose()+":"+f.sk.Expose())), true, 401, `Basic realm="picket"`, "header_non_empty_password", "the password must be empty"},
		{"newline", basic(f.sk.Expose() + "\n"), true, 401, `Basic realm="picket"`, "key_surrounding_whitespace", "trailing newline"},
		{"bearer", "Bearer " + f.sk.Expose(), true, 401, `Basic realm="picket"`, "header_bearer_not_enabled", "bearer authorization is not accepted"},
	}
	for _, c := range cases {
		status, h, body := do(c.header, c.set)
		if status != c.status || h.Get("WWW-Authenticate") != c.challenge {
			t.Errorf("%s: %d, WWW-Authenticate %q; want %d, %q", c.name, status, h.Get("WWW-Authenticate"), c.status, c.challenge)
		}
		if h.Get("Content-Type") != "application/json" {
			t.Errorf("%s: Content-Type %q", c.name, h.Get("Content-Type"))
		}
		var eb ErrorBody
		if err := json.Unmarshal([]byte(body), &eb); err != nil {
			t.Fatalf("%s: body %q: %v", c.name, body, err)
		}
		if eb.Error != c.code || !strings.Contains(eb.Message, c.msg) || Code(eb.Code).String() != c.code {
			t.Errorf("%s: body %+v; want %s, %q", c.name, eb, c.code, c.msg)
		}
		if strings.Contains(body, f.sk.Expose()[3:]) {
			t.Errorf("%s: the body echoes the secret: %s", c.name, body)
		}
	}

	// A closed registry is the server's fault: 500, no detail.
	f.reg.Close()
	status, h, body := do(basic(f.sk.Expose()), true)
	if status != 500 || h.Get("WWW-Authenticate") != "" || body != `{"error":"internal_error","code":800,"message":"internal server error"}`+"\n" {
		t.Fatalf("closed: %d %q", status, body)
	}
}
