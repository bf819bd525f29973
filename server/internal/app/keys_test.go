// Key rules: the last working secret key, seniority (a stolen younger key cannot take the
// project from the older ones), and what a rolled key inherits.

package app

import (
	"fmt"
	"testing"
	"time"
)

func TestKeyRules(t *testing.T) { eachStore(t, testKeyRules) }

// eachStore runs test on a fresh env of each store kind.
func eachStore(t *testing.T, test func(*testing.T, *env)) {
	for _, k := range storeKinds() {
		t.Run(k.name, func(t *testing.T) {
			dir, u := k.open(t)
			test(t, newEnv(t, dir, u))
		})
	}
}

// issued returns the id and the key of a 201 IssuedKey answer.
func issued(t *testing.T, what string, status int, body map[string]any) (string, string) {
	t.Helper()
	wantStatus(t, what, status, 201, body)
	key, _ := body["key"].(string)
	return fmt.Sprint(body["id"]), key
}

func expiresIn(t *testing.T, body map[string]any) time.Duration {
	t.Helper()
	s, _ := body["expires_at"].(string)
	if s == "" {
		return 0
	}
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return time.Until(at).Round(time.Minute)
}

func testKeyRules(t *testing.T, e *env) {
	// The project's only secret key (id 2) cannot be revoked: the project would be locked out.
	status, body := e.api("POST", "/v1/keys/2/revoke", e.sk, "")
	wantStatus(t, "revoke the last secret key", status, 409, body)
	wantError(t, "revoke the last secret key", body, "last_secret_key")
	status, body = e.api("GET", "/v1/ping", e.sk, "")
	wantStatus(t, "the last secret key still works", status, 200, body)
	// A publishable key is not protected.
	status, body = e.api("POST", "/v1/keys/1/revoke", e.sk, "")
	wantStatus(t, "revoke the publishable key", status, 200, body)

	// Rolling keeps the key's lifetime: a 1-day key rolls into a 1-day key.
	status, body = e.api("POST", "/v1/keys", e.sk, `{"kind":"secret","expires_in_seconds":86400}`)
	id1d, _ := issued(t, "issue a 1-day key", status, body)
	status, body = e.api("POST", "/v1/keys/"+id1d+"/roll", e.sk, `{"grace_seconds":60}`)
	rolled1d, _ := issued(t, "roll the 1-day key", status, body)
	if got := expiresIn(t, body); got != 24*time.Hour {
		t.Fatalf("the rolled 1-day key expires in %v, want 24h: %v", got, body)
	}
	if got := expiresIn(t, body["previous"].(map[string]any)); got != time.Minute {
		t.Fatalf("the old key expires in %v, want the 60 s grace", got)
	}
	// Unless the caller asks otherwise: 0 is no expiry, N seconds is N seconds.
	status, body = e.api("POST", "/v1/keys/"+rolled1d+"/roll", e.sk, `{"grace_seconds":0,"expires_in_seconds":3600}`)
	rolled1h, _ := issued(t, "roll to 1 hour", status, body)
	if got := expiresIn(t, body); got != time.Hour {
		t.Fatalf("asked for 1 h, expires in %v", got)
	}
	status, body = e.api("POST", "/v1/keys/"+rolled1h+"/roll", e.sk, `{"grace_seconds":0,"expires_in_seconds":0}`)
	issued(t, "roll to no expiry", status, body)
	if body["expires_at"] != nil {
		t.Fatalf("asked for no expiry: %v", body)
	}
	status, body = e.api("POST", "/v1/keys/"+rolled1h+"/roll", e.sk, `{"expires_in_seconds":-1}`)
	wantStatus(t, "negative lifetime", status, 400, body)

	// A stolen younger key (issued by the owner for CI) issues itself a fresh key and tries to
	// take the project: neither can roll or revoke the owner's older key.
	status, body = e.api("POST", "/v1/keys", e.sk, `{"kind":"secret"}`)
	ciID, ci := issued(t, "issue the CI key", status, body)
	status, body = e.api("POST", "/v1/keys", ci, `{"kind":"secret"}`)
	evilID, evil := issued(t, "the thief's fresh key", status, body)
	for _, k := range []string{ci, evil} {
		for _, action := range []string{"revoke", "roll"} {
			status, body = e.api("POST", "/v1/keys/2/"+action, k, "")
			wantStatus(t, action+" the owner's key with a younger one", status, 403, body)
			wantError(t, action+" the owner's key", body, "key_outranks_caller")
		}
	}
	status, body = e.api("POST", "/v1/keys/"+ciID+"/revoke", evil, "")
	wantStatus(t, "the thief's key revokes the key it came from", status, 403, body)
	status, body = e.api("GET", "/v1/ping", e.sk, "")
	wantStatus(t, "the owner's key still works", status, 200, body)
	// The owner, with the senior key, revokes both.
	for _, id := range []string{evilID, ciID} {
		status, body = e.api("POST", "/v1/keys/"+id+"/revoke", e.sk, "")
		wantStatus(t, "the owner revokes "+id, status, 200, body)
	}
	status, body = e.api("GET", "/v1/ping", evil, "")
	wantStatus(t, "the thief's key after the owner revoked it", status, 401, body)

	// A key rolled from the senior key inherits its rank: it may revoke its predecessor
	// (the usual end of a roll: cut the grace short).
	status, body = e.api("POST", "/v1/keys/2/roll", e.sk, `{"grace_seconds":600}`)
	_, successor := issued(t, "roll the owner's key", status, body)
	status, body = e.api("POST", "/v1/keys/2/revoke", successor, "")
	wantStatus(t, "the successor revokes its predecessor", status, 200, body)
	e.assertNoSecretInLogs()
}
