// Token inactivation: a token is inactive at once when its client (a publishable key) is
// revoked or expires, or its redirect URI is removed.

package app

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
)

func TestTokensInactiveAtOnce(t *testing.T) { eachStore(t, testTokensInactiveAtOnce) }

// accessToken runs the flow for client and redirectURI and returns the access token.
func (e *env) accessToken(t *testing.T, client, redirectURI string) string {
	t.Helper()
	status, q, body := e.authorize(client, redirectURI, challenge, "S256", "")
	wantStatus(t, "authorize", status, http.StatusFound, body)
	status, body = e.tokenRequest(tokenForm(q.Get("code"), redirectURI, client, verifier))
	wantStatus(t, "token", status, 200, body)
	tok, _ := body["access_token"].(string)
	return tok
}

// active reports whether token is active for the first project, by RFC 7662
// introspection and by its JSON alias, which must agree.
func (e *env) active(t *testing.T, token string) bool {
	t.Helper()
	status, body := e.api("POST", "/v1/tokens/validate", e.sk, `{"token":"`+token+`"}`)
	wantStatus(t, "validate", status, 200, body)
	introspected := e.introspect(t, e.sk, token)
	if introspected["active"] != body["active"] {
		t.Fatalf("introspection %v and /v1/tokens/validate %v disagree", introspected, body)
	}
	return body["active"] == true
}

func testTokensInactiveAtOnce(t *testing.T, e *env) {
	ctx := context.Background()
	const other = "http://localhost:3000/other"
	if err := e.app.AddRedirectURI(ctx, 1, other); err != nil {
		t.Fatal(err)
	}
	// A second client that expires in a minute, and one that will be revoked.
	short, err := e.app.IssueKey(ctx, 1, picket.Publishable, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	doomed, err := e.app.IssueKey(ctx, 1, picket.Publishable, 0)
	if err != nil {
		t.Fatal(err)
	}
	onCallback := e.accessToken(t, e.pk, callback)
	onOther := e.accessToken(t, e.pk, other)
	ofShort := e.accessToken(t, short.Secret, callback)
	ofDoomed := e.accessToken(t, doomed.Secret, callback)
	for _, tok := range []string{onCallback, onOther, ofShort, ofDoomed} {
		if !e.active(t, tok) {
			t.Fatal("a fresh token is not active")
		}
	}

	// The client revoked: its token is inactive on the next request; the others stay.
	status, body := e.api("POST", "/v1/keys/"+itoa(doomed.ID)+"/revoke", e.sk, "")
	wantStatus(t, "revoke the client", status, 200, body)
	if e.active(t, ofDoomed) {
		t.Fatal("a revoked client's token is active")
	}
	if !e.active(t, onCallback) || !e.active(t, ofShort) {
		t.Fatal("revoking one client deactivated another's token")
	}

	// The redirect URI removed: its tokens are inactive, and stay so when it comes back.
	status, body = e.api("DELETE", "/v1/redirect_uris", e.sk, `{"uri":"`+other+`"}`)
	wantStatus(t, "remove the URI", status, 200, body)
	if e.active(t, onOther) {
		t.Fatal("a removed redirect URI's token is active")
	}
	status, body = e.api("POST", "/v1/redirect_uris", e.sk, `{"uri":"`+other+`"}`)
	wantStatus(t, "add the URI again", status, 201, body)
	if e.active(t, onOther) {
		t.Fatal("adding the redirect URI again brought its old token back")
	}
	if !e.active(t, onCallback) || !e.e2eFreshToken(t, other) {
		t.Fatal("the other URI's token, or a new token for the re-added URI, is inactive")
	}

	// The client expired (two minutes later; its token's own hour is not over).
	e.app.now = func() time.Time { return time.Now().Add(2 * time.Minute) }
	if e.active(t, ofShort) {
		t.Fatal("an expired client's token is active")
	}
	if !e.active(t, onCallback) {
		t.Fatal("a live client's token went inactive")
	}
	e.assertNoSecretInLogs(onCallback, onOther, ofShort, ofDoomed)
}

// e2eFreshToken reports whether a token issued now for redirectURI is active.
func (e *env) e2eFreshToken(t *testing.T, redirectURI string) bool {
	return e.active(t, e.accessToken(t, e.pk, redirectURI))
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func TestTokensOfAURIProductionRefuses(t *testing.T) {
	eachStore(t, testTokensOfAURIProductionRefuses)
}

// A project whose stored redirect URI production refuses (a row written around the API's
// check, or a production rule added by an upgrade): the registry leaves the URI out, and
// with it its tokens, its authorizations and its CORS origin; the project's other URIs and
// the other projects go on.
func testTokensOfAURIProductionRefuses(t *testing.T, e *env) {
	ctx := context.Background()
	const https = "https://app.example/cb"
	if err := e.app.AddRedirectURI(ctx, 1, https); err != nil {
		t.Fatal(err)
	}
	onLocalhost := e.accessToken(t, e.pk, callback)
	onHTTPS := e.accessToken(t, e.pk, https)
	if !e.active(t, onLocalhost) || !e.active(t, onHTTPS) {
		t.Fatal("a fresh token is not active")
	}
	// Production, without the check SetMode makes (which refuses localhost).
	if _, err := e.app.Store().SetMode(ctx, 1, picket.Production, func([]string) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := e.app.Reload(); err != nil {
		t.Fatal(err)
	}
	if e.active(t, onLocalhost) {
		t.Fatal("the token of a redirect URI production refuses is active")
	}
	if !e.active(t, onHTTPS) {
		t.Fatal("the token of the project's https URI went inactive")
	}
	status, _, body := e.authorize(e.pk, callback, challenge, "S256", "")
	wantStatus(t, "authorize to the refused URI", status, http.StatusBadRequest, body)
	if !e.app.origins.allowed(1, "https://app.example") || e.app.origins.allowed(1, "http://localhost:3000") {
		t.Fatal("the CORS origins do not follow the URIs the registry kept")
	}
}
