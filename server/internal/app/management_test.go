// Management API: projects, mode switches, keys and redirect URIs, on each store kind.

package app

import (
	"context"
	"fmt"
	"testing"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/store"
)

func TestManagement(t *testing.T) {
	for _, k := range storeKinds() {
		t.Run(k.name, func(t *testing.T) {
			dir, u := k.open(t)
			testManagement(t, newEnv(t, dir, u))
		})
	}
}

func testManagement(t *testing.T, e *env) {
	status, body := e.api("GET", "/v1/project", e.sk, "")
	wantStatus(t, "project", status, 200, body)
	if body["name"] != "My First Project" || body["mode"] != "development" {
		t.Fatalf("project: %v", body)
	}
	status, body = e.api("GET", "/v1/project", e.pk, "")
	wantStatus(t, "project with the publishable key", status, 403, body)
	status, _, resp := e.do("GET", "/v1/project", "", "", "")
	if status != 401 || resp.Header.Get("WWW-Authenticate") != `Basic realm="picket"` {
		t.Fatalf("no key: %d %q", status, resp.Header.Get("WWW-Authenticate"))
	}

	// Issue, with an expiry.
	status, body = e.api("POST", "/v1/keys", e.sk, `{"kind":"secret","expires_in_seconds":3600}`)
	wantStatus(t, "issue", status, 201, body)
	sk2, _ := body["key"].(string)
	if _, err := picket.ParseKey(sk2); err != nil || body["expires_at"] == nil || body["kind"] != "secret" {
		t.Fatalf("issued: %v (%v)", body, err)
	}
	status, body = e.api("GET", "/v1/ping", sk2, "")
	wantStatus(t, "issued key at once", status, 200, body)
	status, body = e.api("POST", "/v1/keys", e.sk, `{"kind":"root"}`)
	wantStatus(t, "issue a bad kind", status, 400, body)

	// List: no key in it.
	status, body = e.api("GET", "/v1/keys", e.sk, "")
	wantStatus(t, "list", status, 200, body)
	keys, _ := body["keys"].([]any)
	if len(keys) != 3 {
		t.Fatalf("keys: %v", body)
	}

	// Roll the original secret key (id 2) with a grace: both valid, then revoke the old.
	status, body = e.api("POST", "/v1/keys/2/roll", e.sk, `{"grace_seconds":60}`)
	wantStatus(t, "roll", status, 201, body)
	rolled, _ := body["key"].(string)
	prev, _ := body["previous"].(map[string]any)
	if prev == nil || prev["id"] != float64(2) || prev["expires_at"] == nil {
		t.Fatalf("roll: previous %v", body)
	}
	for _, key := range []string{e.sk, rolled} {
		if status, body := e.api("GET", "/v1/ping", key, ""); status != 200 {
			t.Fatalf("during the grace: %d %v", status, body)
		}
	}
	// After the grace the old key is expired, the new one still valid.
	e.app.now = func() time.Time { return time.Now().Add(61 * time.Second) }
	status, body = e.api("GET", "/v1/ping", e.sk, "")
	wantStatus(t, "old key after the grace", status, 401, body)
	wantError(t, "old key after the grace", body, "auth_expired")
	if status, body := e.api("GET", "/v1/ping", rolled, ""); status != 200 {
		t.Fatalf("new key after the grace: %d %v", status, body)
	}
	e.app.now = time.Now
	status, body = e.api("POST", "/v1/keys/2/revoke", rolled, "")
	wantStatus(t, "revoke", status, 200, body)
	if body["revoked"] != true {
		t.Fatalf("revoke: %v", body)
	}
	status, body = e.api("GET", "/v1/ping", e.sk, "")
	wantStatus(t, "revoked key", status, 401, body)
	wantError(t, "revoked key", body, "auth_unknown_key")
	status, body = e.api("POST", "/v1/keys/2/roll", rolled, "")
	wantStatus(t, "roll a revoked key", status, 409, body)
	wantError(t, "roll a revoked key", body, "key_revoked")
	e.sk = rolled

	// A key of another project is not found through this project's key.
	ctx := context.Background()
	p2, _, err := e.st.CreateProject(ctx, store.NewProject{Name: "Other", Mode: picket.Development}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	otherKey, err := e.app.IssueKey(ctx, p2.ID, picket.Secret, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fmt.Sprintf("/v1/keys/%d/revoke", otherKey.ID), fmt.Sprintf("/v1/keys/%d/roll", otherKey.ID), "/v1/keys/999/revoke", "/v1/keys/x/revoke"} {
		status, body = e.api("POST", path, e.sk, "")
		wantStatus(t, path, status, 404, body)
		wantError(t, path, body, "unknown_key")
	}
	if status, _ := e.api("GET", "/v1/ping", otherKey.Secret, ""); status != 200 {
		t.Fatal("the other project's key was touched")
	}

	// Redirect URIs.
	status, body = e.api("POST", "/v1/redirect_uris", e.sk, `{"uri":"http://example.com/cb"}`)
	wantStatus(t, "insecure redirect", status, 400, body)
	wantError(t, "insecure redirect", body, "redirect_insecure_scheme")
	status, body = e.api("POST", "/v1/redirect_uris", e.sk, `{"uri":"https://app.example/cb#frag"}`)
	wantStatus(t, "fragment", status, 400, body)
	wantError(t, "fragment", body, "redirect_fragment")
	status, body = e.api("POST", "/v1/redirect_uris", e.sk, `{"uri":"https://app.example/cb"}`)
	wantStatus(t, "add", status, 201, body)
	status, body = e.api("POST", "/v1/redirect_uris", e.sk, `{"uri":"https://app.example/cb"}`)
	wantStatus(t, "add twice", status, 409, body)
	status, body = e.api("GET", "/v1/redirect_uris", e.sk, "")
	if uris, _ := body["redirect_uris"].([]any); status != 200 || len(uris) != 2 {
		t.Fatalf("list: %d %v", status, body)
	}

	// Production is refused while the loopback callback is registered, with the list.
	status, body = e.api("POST", "/v1/project/mode", e.sk, `{"mode":"production"}`)
	wantStatus(t, "production with a loopback URI", status, 409, body)
	wantError(t, "production with a loopback URI", body, "production_refused")
	refused, _ := body["refused"].([]any)
	if len(refused) != 1 || refused[0].(map[string]any)["uri"] != callback || refused[0].(map[string]any)["error"] != "redirect_insecure_scheme" {
		t.Fatalf("refused: %v", body)
	}
	status, body = e.api("DELETE", "/v1/redirect_uris", e.sk, `{"uri":"`+callback+`"}`)
	wantStatus(t, "remove", status, 200, body)
	status, body = e.api("DELETE", "/v1/redirect_uris", e.sk, `{"uri":"`+callback+`"}`)
	wantStatus(t, "remove twice", status, 404, body)
	wantError(t, "remove twice", body, "redirect_uri_not_found")
	// The removed URI is refused by authorize at once.
	if status, _, body := e.authorize(e.pk, callback, challenge, "S256", "s"); status != 400 {
		t.Fatalf("authorize to a removed URI: %d %v", status, body)
	}
	status, body = e.api("POST", "/v1/project/mode", e.sk, `{"mode":"production"}`)
	wantStatus(t, "production", status, 200, body)
	if body["mode"] != "production" {
		t.Fatalf("mode: %v", body)
	}
	status, body = e.api("POST", "/v1/redirect_uris", e.sk, `{"uri":"http://localhost:3000/cb"}`)
	wantStatus(t, "loopback in production", status, 400, body)
	wantError(t, "loopback in production", body, "redirect_insecure_scheme")
	status, body = e.api("POST", "/v1/redirect_uris", e.sk, `{"uri":"https://localhost/cb"}`)
	wantStatus(t, "https loopback in production", status, 400, body)
	wantError(t, "https loopback in production", body, "redirect_loopback_in_production")
	status, body = e.api("POST", "/v1/project/mode", e.sk, `{"mode":"staging"}`)
	wantStatus(t, "bad mode", status, 400, body)
	e.assertNoSecretInLogs(e.sk, sk2, otherKey.Secret)
}
