// Errors: codes match include/picket.h, HTTP status and challenge, messages short and long.

package picket

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestErrorCodesMatchTheHeader(t *testing.T) {
	header, err := os.ReadFile(installedHeader(t))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^\s*PICKET_RESULT_(\w+) = (\d+),?`)
	found := re.FindAllStringSubmatch(string(header), -1)
	if len(found) < 60 {
		t.Fatalf("only %d result codes found in picket.h", len(found))
	}
	seen := map[Code]bool{}
	for _, m := range found {
		v, _ := strconv.Atoi(m[2])
		c := Code(v)
		seen[c] = true
		if got, want := c.String(), strings.ToLower(m[1]); got != want {
			t.Errorf("code %d: Go name %q, header name %q", v, got, want)
		}
		if c.Text() == "" {
			t.Errorf("code %d has no static text", v)
		}
		if name, ok := cResultName(c); !ok || name != c.String() {
			t.Errorf("code %d: picket_result_name gives %q (%v), Code.String() %q", v, name, ok, c.String())
		}
	}
	if name, ok := cResultName(Code(99)); ok || name != "" {
		t.Errorf("picket_result_name(99) = %q, %v", name, ok)
	}
	if len(seen) != len(codeNames) {
		t.Errorf("the header has %d codes, the Go table %d", len(seen), len(codeNames))
	}
	if len(sentinels) != len(codeNames)-1 {
		t.Errorf("%d sentinels for %d failure codes", len(sentinels), len(codeNames)-1)
	}
	for i, s := range sentinels {
		if !seen[s.Code] || s.Code == CodeOK {
			t.Errorf("sentinel %d has code %v", i, s.Code)
		}
		if i > 0 && sentinels[i-1].Code >= s.Code {
			t.Errorf("sentinels out of order at %v", s.Code)
		}
		if s.Error() != "picket: "+s.Code.Text() {
			t.Errorf("sentinel %v: Error() = %q", s.Code, s.Error())
		}
	}
	if CodeOK.Text() != "success" || Code(99).Text() != "" || Code(99).String() != "code_99" {
		t.Fatalf("texts: %q %q %q", CodeOK.Text(), Code(99).Text(), Code(99).String())
	}
}

func TestHTTPStatusAndChallenge(t *testing.T) {
	cases := []struct {
		err       error
		status    int
		challenge string
	}{
		{nil, 200, ""},
		{ErrUnknownKey, 401, `Basic realm="picket"`},
		{ErrHeaderMissing, 401, `Basic realm="picket"`},
		{ErrKeyExpired, 401, `Basic realm="picket"`},
		{fmt.Errorf("wrapped: %w", ErrKeyUppercase), 401, `Basic realm="picket"`},
		{ErrWrongKind, 403, ""},
		{fmt.Errorf("wrapped: %w", ErrWrongKind), 403, ""},
		{ErrClosed, 500, ""},
		{ErrInternal, 500, ""},
		{fmt.Errorf("wrapped: %w", ErrPanic), 500, ""},
	}
	for _, c := range cases {
		if got := HTTPStatus(c.err); got != c.status {
			t.Errorf("HTTPStatus(%v) = %d, want %d", c.err, got, c.status)
		}
		if got := Challenge(c.err); got != c.challenge {
			t.Errorf("Challenge(%v) = %q, want %q", c.err, got, c.challenge)
		}
	}
	if ErrWrongKind.HTTPStatus() != 403 || ErrUnknownKey.Challenge() == "" {
		t.Fatal("methods disagree")
	}
}

// TestMessagesShortAndLong checks both ways a detailed message crosses the boundary:
// inside the result (short) and through a malloc'd copy (longer than the inline room).
func TestMessagesShortAndLong(t *testing.T) {
	b := NewRegistryBuilder()
	defer b.Close()
	if err := b.AddProject(5, Production, 0); err != nil {
		t.Fatal(err)
	}
	e := wantCode(t, b.AddRedirectURI(5, "https://a b/"), CodeRedirectNonPrintable)
	const long = "project 5: redirect uri has a byte outside printable ASCII at position 9 (spaces and " +
		"control characters are not allowed; register the punycode form of a Unicode host)"
	if e.Message != long || len(long) <= 128 {
		t.Fatalf("long message %q (%d bytes)", e.Message, len(e.Message))
	}
	_, err := ParseKey("")
	if e := wantCode(t, err, CodeKeyEmpty); e.Message != "api key is empty" {
		t.Fatalf("short message %q", e.Message)
	}
	// Many long messages in a row: each is freed (run under -race / a leak checker to see).
	for i := 0; i < 1000; i++ {
		if err := b.AddRedirectURI(5, "https://a b/"); err.(*Error).Message != long {
			t.Fatalf("message %d: %v", i, err)
		}
	}
}
