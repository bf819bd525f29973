// Redirect URIs: ValidateRedirectURI in each mode, and the code each refusal names.

package picket

import (
	"strings"
	"testing"
)

func TestRedirectURIs(t *testing.T) {
	if err := ValidateRedirectURI("https://example.com/callback", Production, 0); err != nil {
		t.Fatal(err)
	}
	if err := ValidateRedirectURI("http://localhost:3000/", Development, 0); err != nil {
		t.Fatal(err)
	}
	wantCode(t, ValidateRedirectURI("http://localhost:3000/", Production, 0), CodeRedirectInsecureScheme)
	wantCode(t, ValidateRedirectURI("https://127.1/cb", Production, 0), CodeRedirectLoopbackInProduction)
	wantCode(t, ValidateRedirectURI("https://_localdnsproxy:8443/cb", Production, 0), CodeRedirectLoopbackInProduction)
	wantCode(t, ValidateRedirectURI("https://intranet/cb", Production, 0), CodeRedirectSingleLabelHost)
	wantCode(t, ValidateRedirectURI("https://example.com/*", Production, 0), CodeRedirectWildcard)
	wantCode(t, ValidateRedirectURI("", Production, 0), CodeRedirectEmpty)
	wantCode(t, ValidateRedirectURI("com.example.app:/cb", Production, 0), CodeRedirectDisallowedScheme)
	if err := ValidateRedirectURI("com.example.app:/cb", Production, AllowPrivateUseSchemes); err != nil {
		t.Fatal(err)
	}
	wantCode(t, ValidateRedirectURI("https://example.com/", Mode(7), 0), CodeInvalidParameter)
	wantCode(t, ValidateRedirectURI("https://example.com/", Production, AcceptBearer), CodeInvalidParameter)

	// Substrings of one heap-allocated Go string: pointers into the middle of one
	// allocation, which must be pinned while C reads them (cgocheck verifies it).
	all := strings.Clone("http://localhost:3000/callback http://localhost:3000/ https://bad.example/# http://127.0.0.1:8080/cb")
	list := strings.Fields(all)
	cases := []struct {
		candidate string
		opts      Options
		want      bool
	}{
		{"http://localhost:3000/callback", 0, true},
		{"http://localhost:3000/", 0, true},
		{"http://localhost:3000", 0, false},
		{"http://localhost:3000/callback/", 0, false},
		{"HTTP://localhost:3000/", 0, false},
		{"https://bad.example/#", 0, false}, // refused at registration: never matches
		{"http://127.0.0.1:9999/cb", 0, false},
		{"http://127.0.0.1:9999/cb", LoopbackAnyPort, true},
	}
	for _, c := range cases {
		got, err := MatchRedirectURI(list, c.candidate, Development, c.opts)
		if err != nil || got != c.want {
			t.Errorf("MatchRedirectURI(%q, %v) = %v, %v; want %v", c.candidate, c.opts, got, err, c.want)
		}
	}
	if got, err := MatchRedirectURI(nil, "http://localhost:3000/", Development, 0); err != nil || got {
		t.Fatalf("empty list: %v, %v", got, err)
	}
	_, err := MatchRedirectURI(list, "x", Mode(0), 0)
	wantCode(t, err, CodeInvalidParameter)
}
