// Quotas per project and the paginated lists, on each store kind.

package app

import (
	"fmt"
	"net/url"
	"testing"
)

func TestQuotasAndPages(t *testing.T) { eachStore(t, testQuotasAndPages) }

func testQuotasAndPages(t *testing.T, e *env) {
	e.app.Quotas = Quotas{KeysPerProject: 5, RedirectURIsPerProject: 4}
	// Keys: 2 at start, 3 more, then the 6th is refused with the rule and the quota.
	for i := 0; i < 3; i++ {
		status, body := e.api("POST", "/v1/keys", e.sk, `{"kind":"publishable"}`)
		wantStatus(t, "issue within the quota", status, 201, body)
	}
	status, body := e.api("POST", "/v1/keys", e.sk, `{"kind":"publishable"}`)
	wantStatus(t, "issue beyond the quota", status, 409, body)
	wantError(t, "issue beyond the quota", body, "quota_keys")
	if body["quota"] != float64(5) {
		t.Fatalf("quota in the body: %v", body)
	}
	// A roll with a grace would add a live key: refused; without grace it replaces one.
	status, body = e.api("POST", "/v1/keys/3/roll", e.sk, `{"grace_seconds":60}`)
	wantStatus(t, "roll with grace at the quota", status, 409, body)
	wantError(t, "roll with grace at the quota", body, "quota_keys")
	status, body = e.api("POST", "/v1/keys/3/roll", e.sk, `{"grace_seconds":0}`)
	wantStatus(t, "roll without grace at the quota", status, 201, body)
	// A revoked key frees its place.
	status, body = e.api("POST", "/v1/keys/4/revoke", e.sk, "")
	wantStatus(t, "revoke", status, 200, body)
	status, body = e.api("POST", "/v1/keys", e.sk, `{"kind":"publishable"}`)
	wantStatus(t, "issue after a revocation", status, 201, body)
	// Key 3 expired when it was rolled without grace: rolling it again adds a live key.
	status, body = e.api("POST", "/v1/keys/3/roll", e.sk, `{"grace_seconds":0}`)
	wantStatus(t, "roll an expired key at the quota", status, 409, body)
	wantError(t, "roll an expired key at the quota", body, "quota_keys")

	// Redirect URIs: 1 at start, 3 more, then refused.
	for i := 0; i < 3; i++ {
		status, body := e.api("POST", "/v1/redirect_uris", e.sk, fmt.Sprintf(`{"uri":"https://app%d.example/cb"}`, i))
		wantStatus(t, "add within the quota", status, 201, body)
	}
	status, body = e.api("POST", "/v1/redirect_uris", e.sk, `{"uri":"https://app9.example/cb"}`)
	wantStatus(t, "add beyond the quota", status, 409, body)
	wantError(t, "add beyond the quota", body, "quota_redirect_uris")

	// Pages: every item once, page by page (7 keys by 3, 4 URIs by 3).
	for _, c := range []struct {
		path, field string
		want        int
	}{{"/v1/keys", "keys", 7}, {"/v1/redirect_uris", "redirect_uris", 4}} {
		var all []any
		cursor := ""
		for pages := 0; ; pages++ {
			q := url.Values{"limit": {"3"}}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			status, body := e.api("GET", c.path+"?"+q.Encode(), e.sk, "")
			wantStatus(t, c.path+" page", status, 200, body)
			items, _ := body[c.field].([]any)
			if len(items) == 0 || len(items) > 3 || pages > 5 {
				t.Fatalf("%s page %d: %v", c.path, pages, body)
			}
			all = append(all, items...)
			next, _ := body["next_cursor"].(string)
			if next == "" {
				break
			}
			cursor = next
		}
		if len(all) != c.want {
			t.Fatalf("%s: %d items over the pages, want %d: %v", c.path, len(all), c.want, all)
		}
		seen := map[string]bool{}
		for _, it := range all {
			s := fmt.Sprint(it)
			if m, ok := it.(map[string]any); ok {
				s = fmt.Sprint(m["id"])
			}
			if seen[s] {
				t.Fatalf("%s: %s twice", c.path, s)
			}
			seen[s] = true
		}
		// The default page holds them all (fewer than 100), with no next cursor.
		status, body := e.api("GET", c.path, e.sk, "")
		if items, _ := body[c.field].([]any); status != 200 || len(items) != c.want || body["next_cursor"] != nil {
			t.Fatalf("%s default page: %v", c.path, body)
		}
	}
	for _, q := range []string{"limit=0", "limit=1001", "limit=x", "cursor=%21%21", "limit=1&limit=2", "cursor=eA"} {
		status, body := e.api("GET", "/v1/keys?"+q, e.sk, "")
		wantStatus(t, "bad page "+q, status, 400, body)
		wantError(t, "bad page "+q, body, "bad_request")
	}
}
