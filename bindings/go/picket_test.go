package picket

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	pkText = "pk_d9960d04426c1e9f3941bec7e39c8854"
	skText = "sk_e1f767d29fa6e533f2e5c62342fb9e24"
	// skBody is the part of skText that must never be printed.
	skBody = "e1f767d29fa6e533f2e5c62342fb"
)

// basic is the header `curl -u KEY:` and Go's SetBasicAuth(key, "") send.
func basic(key string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(key+":"))
}

// jsSDK is the header the official JS SDK sends: two spaces, no colon.
func jsSDK(key string) string {
	return "Basic  " + base64.StdEncoding.EncodeToString([]byte(key))
}

// wantCode fails unless err is an *Error with code, matching its sentinel with errors.Is.
func wantCode(t *testing.T, err error, code Code) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v (%T), want an *Error with code %v", err, err, code)
	}
	if e.Code != code {
		t.Fatalf("got code %v (%q), want %v", e.Code, e.Message, code)
	}
	if !errors.Is(err, &Error{Code: code}) {
		t.Fatalf("errors.Is(%v, code %v) is false", err, code)
	}
	if e.Message == "" {
		t.Fatalf("code %v has no specific message", code)
	}
	return e
}

func TestParseKey(t *testing.T) {
	pk, err := ParseKey(pkText)
	if err != nil || pk.Kind != Publishable || pk.Expose() != pkText {
		t.Fatalf("ParseKey(pk) = %v, %v", pk, err)
	}
	sk, err := ParseKey(skText)
	if err != nil || sk.Kind != Secret || sk.Expose() != skText {
		t.Fatalf("ParseKey(sk) = %v, %v", sk, err)
	}
	cases := []struct {
		in       string
		sentinel *Error
		code     Code
		message  string
	}{
		{"", ErrKeyEmpty, CodeKeyEmpty, "api key is empty"},
		{"rk_e1f767d29fa6e533f2e5c62342fb9e24", ErrKeyUnknownPrefix, CodeKeyUnknownPrefix, "unknown prefix"},
		{"sk_e1f767d29fa6e533f2e5c62342fb9e2", ErrKeyWrongLength, CodeKeyWrongLength, "found 31 characters"},
		{"sk_e1f767d29fa6e533f2e5c62342fb9e2\x00", ErrKeyNonHex, CodeKeyNonHex, "position 34"},
		{skText + "\n", ErrKeySurroundingWhitespace, CodeKeySurroundingWhitespace, "trailing newline"},
		{"sk_e1f767d29fa6e533f2e5c62342fb9E24", ErrKeyUppercase, CodeKeyUppercase, "position 32"},
	}
	for _, c := range cases {
		_, err := ParseKey(c.in)
		e := wantCode(t, err, c.code)
		if !errors.Is(err, c.sentinel) {
			t.Errorf("%q: errors.Is(err, sentinel %v) is false", c.in, c.sentinel.Code)
		}
		if !strings.Contains(e.Message, c.message) {
			t.Errorf("%q: message %q does not contain %q", c.in, e.Message, c.message)
		}
		if strings.Contains(err.Error(), "e1f767") {
			t.Errorf("%q: the error %q contains the key", c.in, err)
		}
		if !strings.HasPrefix(err.Error(), "picket: ") {
			t.Errorf("%q: Error() = %q, want the picket: prefix", c.in, err)
		}
	}
	// A different sentinel does not match.
	_, err = ParseKey("")
	if errors.Is(err, ErrKeyUppercase) || errors.Is(err, ErrUnknownKey) {
		t.Fatal("errors.Is matched another code")
	}
}

func TestKeyNeverPrintsSecret(t *testing.T) {
	sk, err := ParseKey(skText)
	if err != nil {
		t.Fatal(err)
	}
	if got := sk.Redacted(); got != "sk_…9e24" {
		t.Fatalf("Redacted() = %q", got)
	}
	type wrapper struct{ K Key }
	shown := []string{
		sk.String(), fmt.Sprint(sk), fmt.Sprintf("%v %+v %#v %s %q %x %d", sk, sk, sk, sk, sk, sk, sk),
		fmt.Sprintf("%v %+v %#v", wrapper{sk}, wrapper{sk}, &wrapper{sk}),
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("key", "k", sk)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("key", "k", sk)
	shown = append(shown, buf.String())
	for _, s := range shown {
		if strings.Contains(s, skBody) {
			t.Errorf("a secret key was printed: %s", s)
		}
		if !strings.Contains(s, "sk_…9e24") {
			t.Errorf("no redacted key in %s", s)
		}
	}
	pk, _ := ParseKey(pkText)
	if pk.String() != pkText || fmt.Sprintf("%v", pk) != pkText || pk.Redacted() != "pk_…8854" {
		t.Fatalf("publishable key prints as %q / %q", pk.String(), pk.Redacted())
	}
	if (Key{}).String() != "" {
		t.Fatal("the zero Key prints something")
	}
}

func TestGenerateAndFormatKey(t *testing.T) {
	for _, kind := range []KeyKind{Publishable, Secret} {
		a, err := GenerateKey(kind)
		if err != nil {
			t.Fatal(err)
		}
		b, err := GenerateKey(kind)
		if err != nil {
			t.Fatal(err)
		}
		if a.Expose() == b.Expose() {
			t.Fatal("two generated keys are equal")
		}
		parsed, err := ParseKey(a.Expose())
		if err != nil || parsed.Kind != kind || a.Kind != kind {
			t.Fatalf("generated key %v does not parse as %v: %v", a, kind, err)
		}
	}
	var random [RandomLen]byte
	for i := range random {
		random[i] = 0xab
	}
	k, err := FormatKey(Publishable, random)
	if err != nil || k.Expose() != "pk_abababababababababababababababab" {
		t.Fatalf("FormatKey = %v, %v", k, err)
	}
	_, err = FormatKey(KeyKind(9), random)
	wantCode(t, err, CodeInvalidParameter)
	_, err = GenerateKey(KeyKind(0))
	wantCode(t, err, CodeInvalidParameter)
}

func TestDigests(t *testing.T) {
	// sha256("pk_d9960d04426c1e9f3941bec7e39c8854"), as in picket-core's known-answer test.
	const want = "ac8f7eaf19affd051e4d838c334056dac5df782d7d8caa8855ea1f87c6f665a3"
	d, err := Digest(pkText)
	if err != nil || d.String() != want {
		t.Fatalf("Digest = %v, %v", d, err)
	}
	h, err := DigestHex(pkText)
	if err != nil || h != want {
		t.Fatalf("DigestHex = %q, %v", h, err)
	}
	pk, _ := ParseKey(pkText)
	if kd, err := pk.Digest(); err != nil || kd != d {
		t.Fatalf("Key.Digest = %v, %v", kd, err)
	}
	back, err := DigestFromHex(want)
	if err != nil || back != d {
		t.Fatalf("DigestFromHex = %v, %v", back, err)
	}
	_, err = DigestFromHex(strings.ToUpper(want))
	wantCode(t, err, CodeDigestInvalidCharacter)
	_, err = DigestFromHex("00")
	wantCode(t, err, CodeDigestWrongLength)
	_, err = Digest("pk_x")
	wantCode(t, err, CodeKeyWrongLength)
	_, err = DigestHex("")
	wantCode(t, err, CodeKeyEmpty)
	_, err = (Key{}).Digest()
	wantCode(t, err, CodeKeyEmpty)
}

func TestVerify(t *testing.T) {
	d, _ := Digest(skText)
	if err := Verify(skText, d); err != nil {
		t.Fatalf("Verify(match) = %v", err)
	}
	other := "sk_00000000000000000000000000000001"
	wantCode(t, Verify(other, d), CodeKeyMismatch)
	if !errors.Is(Verify(other, d), ErrKeyMismatch) {
		t.Fatal("mismatch is not ErrKeyMismatch")
	}
	wantCode(t, Verify("sk_nope", d), CodeKeyWrongLength)

	d1, _ := Digest(other)
	d2, _ := Digest(pkText)
	if i, err := VerifyAny(skText, []KeyDigest{d1, d2, d}); err != nil || i != 2 {
		t.Fatalf("VerifyAny = %d, %v", i, err)
	}
	if i, err := VerifyAny(other, []KeyDigest{d1, d}); err != nil || i != 0 {
		t.Fatalf("VerifyAny = %d, %v", i, err)
	}
	i, err := VerifyAny(skText, []KeyDigest{d1, d2})
	wantCode(t, err, CodeKeyMismatch)
	if i != -1 {
		t.Fatalf("index %d on a mismatch", i)
	}
	_, err = VerifyAny(skText, nil)
	wantCode(t, err, CodeKeyMismatch)
	_, err = VerifyAny("SK_x", []KeyDigest{d})
	wantCode(t, err, CodeKeyUnknownPrefix)
}

func TestParseAuthorization(t *testing.T) {
	for _, h := range []string{basic(pkText), jsSDK(pkText), " basic " + base64.StdEncoding.EncodeToString([]byte(pkText)) + "\t"} {
		k, err := ParseAuthorization(h, 0)
		if err != nil || k.Expose() != pkText || k.Kind != Publishable {
			t.Fatalf("ParseAuthorization(%q) = %v, %v", h, k, err)
		}
	}
	k, err := ParseAuthorization(basic(skText), 0)
	if err != nil || k.Kind != Secret || k.Expose() != skText {
		t.Fatalf("sk: %v, %v", k, err)
	}
	_, err = ParseAuthorization("Bearer "+skText, 0)
	wantCode(t, err, CodeHeaderBearerNotEnabled)
	if k, err := ParseAuthorization("Bearer "+skText, AcceptBearer); err != nil || k.Expose() != skText {
		t.Fatalf("bearer: %v, %v", k, err)
	}
	_, err = ParseAuthorization(basic(pkText), LoopbackAnyPort)
	wantCode(t, err, CodeInvalidParameter)
	_, err = ParseAuthorization("", 0)
	wantCode(t, err, CodeHeaderMissing)
	// A NUL byte is data, not the end of the string.
	_, err = ParseAuthorization(basic(pkText)+"\x00", 0)
	e := wantCode(t, err, CodeHeaderControlCharacter)
	if !strings.Contains(e.Message, "0x00") {
		t.Fatalf("message %q", e.Message)
	}
	_, err = ParseAuthorization("Basic "+base64.StdEncoding.EncodeToString([]byte(pkText+":"+skText)), 0)
	e = wantCode(t, err, CodeHeaderNonEmptyPassword)
	if strings.Contains(e.Message, "e1f767") {
		t.Fatal("the message echoes the secret")
	}
	_, err = ParseAuthorization(basic("pk_D9960d04426c1e9f3941bec7e39c8854"), 0)
	e = wantCode(t, err, CodeKeyUppercase)
	if !strings.Contains(e.Message, "username is not a valid api key") {
		t.Fatalf("message %q", e.Message)
	}
}

func TestRedirectURIs(t *testing.T) {
	if err := ValidateRedirectURI("https://example.com/callback", Production, 0); err != nil {
		t.Fatal(err)
	}
	if err := ValidateRedirectURI("http://localhost:3000/", Development, 0); err != nil {
		t.Fatal(err)
	}
	wantCode(t, ValidateRedirectURI("http://localhost:3000/", Production, 0), CodeRedirectInsecureScheme)
	wantCode(t, ValidateRedirectURI("https://127.1/cb", Production, 0), CodeRedirectLoopbackInProduction)
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

func TestPKCE(t *testing.T) {
	// RFC 7636 Appendix B.
	const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
	if err := VerifyPKCE(verifier, challenge, "S256"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, VerifyPKCE(verifier, challenge, "plain"), CodePKCEPlainRefused)
	wantCode(t, VerifyPKCE(verifier, challenge, "s256"), CodePKCEUnsupportedMethod)
	wantCode(t, VerifyPKCE(verifier[:42], challenge, "S256"), CodePKCEVerifierLength)
	wrong := "eBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	if err := VerifyPKCE(wrong, challenge, "S256"); !errors.Is(err, ErrPKCEMismatch) {
		t.Fatalf("wrong verifier: %v", err)
	}
	wantCode(t, VerifyPKCE(verifier, challenge[:42]+"=", "S256"), CodePKCEChallengeCharacter)
}

func TestRedact(t *testing.T) {
	cases := map[string]string{
		"":                                   "",
		"key=" + skText + "&x=1":             "key=sk_…9e24&x=1",
		"Authorization: " + basic(skText):    "Authorization: Basic [REDACTED sk_…9e24]",
		"Authorization: " + jsSDK(skText):    "Authorization: Basic  [REDACTED sk_…9e24]",
		`{"pk":"` + pkText + `"}`:            `{"pk":"` + pkText + `"}`,
		"no keys here, but a NUL \x00 and é": "no keys here, but a NUL \x00 and é",
		skText + "\x00" + skText:             "sk_…9e24\x00sk_…9e24",
		"Authorization: " + basic(pkText):    "Authorization: " + basic(pkText),
		// Case folding recovers the key: masked (issue #10.1).
		"sk_E1F767D29FA6E533F2E5C62342FB9E24 (uc)": "sk_…9e24 (uc)",
	}
	for in, want := range cases {
		got := Redact(in)
		if got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
		if Redact(got) != got {
			t.Errorf("Redact is not idempotent on %q", in)
		}
	}
}

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

// fixture is a registry with one project and a few keys, for the tests below.
type fixture struct {
	reg              *Registry
	pk, sk, old, exp Key
	expiry           time.Time
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{expiry: time.Unix(2_000_000_000, 0)}
	var err error
	mk := func(kind KeyKind) Key {
		k, err := GenerateKey(kind)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	f.pk, f.sk, f.old, f.exp = mk(Publishable), mk(Secret), mk(Secret), mk(Publishable)
	b := NewRegistryBuilder()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(b.AddProject(1, Development, 0))
	must(b.AddProject(2, Production, 0))
	must(b.AddRedirectURI(1, "http://localhost:3000/"))
	must(b.AddRedirectURI(1, "http://localhost:3000/callback"))
	must(b.AddRedirectURI(2, "https://app.example.com/cb"))
	for _, k := range []struct {
		key     Key
		project uint64
		expiry  time.Time
	}{{f.pk, 1, time.Time{}}, {f.sk, 1, time.Time{}}, {f.old, 1, f.expiry}, {f.exp, 2, f.expiry}} {
		d, err := k.key.Digest()
		must(err)
		must(b.AddKey(d, k.project, k.key.Kind, k.expiry))
	}
	f.reg, err = b.Build()
	must(err)
	t.Cleanup(func() { f.reg.Close() })
	return f
}

func TestRegistryAuthenticate(t *testing.T) {
	f := newFixture(t)
	now := time.Unix(1_700_000_000, 0)
	ok := []struct {
		header string
		req    Requirement
		want   Auth
	}{
		{basic(f.pk.Expose()), RequireAny, Auth{1, Publishable}},
		{jsSDK(f.pk.Expose()), RequirePublishable, Auth{1, Publishable}},
		{basic(f.sk.Expose()), RequireSecret, Auth{1, Secret}},
		{jsSDK(f.sk.Expose()), RequireAny, Auth{1, Secret}},
		{basic(f.old.Expose()), RequireSecret, Auth{1, Secret}},
		{basic(f.exp.Expose()), RequireAny, Auth{2, Publishable}},
	}
	for _, c := range ok {
		got, err := f.reg.Authenticate(c.header, now, c.req)
		if err != nil || got != c.want {
			t.Errorf("Authenticate(%q, %v) = %v, %v; want %v", c.header, c.req, got, err, c.want)
		}
	}
	unknown, _ := GenerateKey(Secret)
	fail := []struct {
		header string
		now    time.Time
		req    Requirement
		code   Code
		status int
	}{
		{"", now, RequireAny, CodeHeaderMissing, 401},
		{basic(unknown.Expose()), now, RequireAny, CodeAuthUnknownKey, 401},
		{basic(f.old.Expose()), f.expiry, RequireSecret, CodeAuthExpired, 401},
		{basic(f.old.Expose()), f.expiry.Add(-time.Second), RequireSecret, CodeOK, 200},
		{basic(f.pk.Expose()), now, RequireSecret, CodeAuthWrongKind, 403},
		{basic(f.sk.Expose()), now, RequirePublishable, CodeAuthWrongKind, 403},
		{"Bearer " + f.sk.Expose(), now, RequireAny, CodeHeaderBearerNotEnabled, 401},
		{basic(f.sk.Expose() + "\n"), now, RequireAny, CodeKeySurroundingWhitespace, 401},
		{basic(f.sk.Expose()), now, Requirement(0), CodeInvalidParameter, 401},
	}
	for _, c := range fail {
		_, err := f.reg.Authenticate(c.header, c.now, c.req)
		if c.code == CodeOK {
			if err != nil {
				t.Errorf("%q at %v: %v", c.header, c.now, err)
			}
			continue
		}
		e := wantCode(t, err, c.code)
		if HTTPStatus(err) != c.status {
			t.Errorf("%v: status %d, want %d", c.code, HTTPStatus(err), c.status)
		}
		if strings.Contains(e.Message, f.sk.Expose()[3:]) || strings.Contains(e.Message, f.old.Expose()[3:]) {
			t.Errorf("message %q echoes a key", e.Message)
		}
	}
	_, err := f.reg.Authenticate(basic(f.pk.Expose()), now, RequireSecret)
	if e := wantCode(t, err, CodeAuthWrongKind); !strings.Contains(e.Message, "requires a secret key, but a publishable key was sent") {
		t.Errorf("message %q", e.Message)
	}
	if !errors.Is(err, ErrWrongKind) {
		t.Error("not ErrWrongKind")
	}
	// Times before 1970 are time 0.
	if _, err := f.reg.Authenticate(basic(f.sk.Expose()), time.Unix(-5, 0), RequireSecret); err != nil {
		t.Fatal(err)
	}
}

func TestRegistryAuthorizeRedirect(t *testing.T) {
	f := newFixture(t)
	now := time.Unix(1_700_000_000, 0)
	if p, err := f.reg.AuthorizeRedirect(f.pk.Expose(), "http://localhost:3000/callback", now); err != nil || p != 1 {
		t.Fatalf("AuthorizeRedirect = %d, %v", p, err)
	}
	unknown, _ := GenerateKey(Publishable)
	cases := []struct {
		client, uri string
		now         time.Time
		sentinel    *Error
	}{
		{f.pk.Expose(), "http://localhost:3000/callback/", now, ErrRedirectNotRegistered},
		{f.pk.Expose(), "https://app.example.com/cb", now, ErrRedirectNotRegistered},
		{f.sk.Expose(), "http://localhost:3000/callback", now, ErrSecretKeyExposed},
		{unknown.Expose(), "http://localhost:3000/callback", now, ErrUnknownClient},
		{f.exp.Expose(), "https://app.example.com/cb", f.expiry, ErrClientExpired},
		{"", "http://localhost:3000/", now, ErrKeyEmpty},
		{"pk_x", "http://localhost:3000/", now, ErrKeyWrongLength},
	}
	for _, c := range cases {
		_, err := f.reg.AuthorizeRedirect(c.client, c.uri, c.now)
		e := wantCode(t, err, c.sentinel.Code)
		if strings.Contains(e.Message, f.sk.Expose()[3:]) {
			t.Errorf("message %q echoes the key", e.Message)
		}
	}
	if p, err := f.reg.AuthorizeRedirect(f.exp.Expose(), "https://app.example.com/cb", now); err != nil || p != 2 {
		t.Fatalf("project 2: %d, %v", p, err)
	}
}

func TestBuilderErrors(t *testing.T) {
	b := NewRegistryBuilder()
	d, _ := Digest(skText)
	wantCode(t, b.AddKey(d, 5, Secret, time.Time{}), CodeBuildUnknownProject)
	wantCode(t, b.AddRedirectURI(5, "https://example.com/"), CodeBuildUnknownProject)
	if err := b.AddProject(5, Production, 0); err != nil {
		t.Fatal(err)
	}
	wantCode(t, b.AddProject(5, Production, 0), CodeBuildDuplicateProject)
	wantCode(t, b.AddProject(6, Mode(3), 0), CodeInvalidParameter)
	wantCode(t, b.AddProject(6, Production, AcceptBearer), CodeInvalidParameter)
	e := wantCode(t, b.AddRedirectURI(5, "http://localhost:3000/"), CodeRedirectInsecureScheme)
	if !strings.Contains(e.Message, "project 5") {
		t.Errorf("message %q does not name the project", e.Message)
	}
	wantCode(t, b.SetOptions(LoopbackAnyPort), CodeInvalidParameter)
	wantCode(t, b.AddKey(d, 5, KeyKind(3), time.Time{}), CodeInvalidParameter)
	if err := b.AddKey(d, 5, Secret, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := b.AddKey(d, 5, Secret, time.Time{}); err != nil {
		t.Fatal(err)
	}
	_, err := b.Build()
	wantCode(t, err, CodeBuildDuplicateKey)
	// The builder is consumed even by a failed build.
	if _, err := b.Build(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Build: %v", err)
	}
	if err := b.AddProject(9, Production, 0); !errors.Is(err, ErrClosed) {
		t.Fatalf("AddProject after Build: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	// Close twice, then use.
	b2 := NewRegistryBuilder()
	b2.Close()
	b2.Close()
	if err := b2.SetOptions(0); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

func TestBearerOption(t *testing.T) {
	b := NewRegistryBuilder()
	d, _ := Digest(skText)
	if err := b.SetOptions(AcceptBearer); err != nil {
		t.Fatal(err)
	}
	if err := b.AddProject(1, Production, 0); err != nil {
		t.Fatal(err)
	}
	if err := b.AddKey(d, 1, Secret, time.Time{}); err != nil {
		t.Fatal(err)
	}
	reg, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if a, err := reg.Authenticate("Bearer "+skText, time.Now(), RequireSecret); err != nil || a.Project != 1 {
		t.Fatalf("bearer: %v, %v", a, err)
	}
}

func TestRegistryCloseTwice(t *testing.T) {
	f := newFixture(t)
	if err := f.reg.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.reg.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Authenticate(basic(f.sk.Expose()), time.Now(), RequireAny); !errors.Is(err, ErrClosed) {
		t.Fatalf("Authenticate after Close: %v", err)
	}
	if _, err := f.reg.AuthorizeRedirect(f.pk.Expose(), "http://localhost:3000/", time.Now()); !errors.Is(err, ErrClosed) {
		t.Fatalf("AuthorizeRedirect after Close: %v", err)
	}
	if HTTPStatus(ErrClosed) != 500 {
		t.Fatal("ErrClosed is not a 500")
	}
}

// TestConcurrentAuthenticate shares one registry between 64 goroutines that authenticate
// valid, wrong-kind, unknown and malformed keys and check every answer, while a 65th
// goroutine closes the registry near the end: every call either answers correctly or
// returns ErrClosed, and none touches freed memory (run with -race).
func TestConcurrentAuthenticate(t *testing.T) {
	const goroutines, perGoroutine = 64, 300
	type keyed struct {
		header string
		req    Requirement
		want   Auth
		code   Code
	}
	b := NewRegistryBuilder()
	if err := b.AddProject(1, Production, 0); err != nil {
		t.Fatal(err)
	}
	if err := b.AddProject(2, Production, 0); err != nil {
		t.Fatal(err)
	}
	var cases []keyed
	for i := 0; i < 200; i++ {
		kind := Publishable
		if i%2 == 0 {
			kind = Secret
		}
		k, err := GenerateKey(kind)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := k.Digest()
		project := uint64(1 + i%3%2)
		if err := b.AddKey(d, project, kind, time.Time{}); err != nil {
			t.Fatal(err)
		}
		h := basic(k.Expose())
		if i%4 == 1 {
			h = jsSDK(k.Expose())
		}
		cases = append(cases, keyed{h, RequireAny, Auth{project, kind}, CodeOK})
		wrong := RequireSecret
		if kind == Secret {
			wrong = RequirePublishable
		}
		cases = append(cases, keyed{h, wrong, Auth{}, CodeAuthWrongKind})
	}
	unknown, _ := GenerateKey(Secret)
	cases = append(cases,
		keyed{basic(unknown.Expose()), RequireAny, Auth{}, CodeAuthUnknownKey},
		keyed{"Basic !!!!", RequireAny, Auth{}, CodeHeaderInvalidBase64},
		keyed{"", RequireAny, Auth{}, CodeHeaderMissing},
		keyed{basic("sk_0123456789abcdef0123456789abcdeG"), RequireAny, Auth{}, CodeKeyNonHex},
	)
	reg, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	errs := make(chan error, goroutines)
	start := make(chan struct{})
	for g := 0; g < goroutines; g++ {
		go func(g int) {
			<-start
			for i := 0; i < perGoroutine; i++ {
				c := cases[(g*7919+i*31)%len(cases)]
				got, err := reg.Authenticate(c.header, now, c.req)
				var e *Error
				switch {
				case c.code == CodeOK && (err != nil || got != c.want):
					errs <- fmt.Errorf("goroutine %d: %q: got %v, %v; want %v", g, c.header, got, err, c.want)
					return
				case c.code != CodeOK && (!errors.As(err, &e) || e.Code != c.code || e.Message == ""):
					errs <- fmt.Errorf("goroutine %d: %q: got %v, %v; want code %v", g, c.header, got, err, c.code)
					return
				}
			}
			errs <- nil
		}(g)
	}
	close(start)
	for g := 0; g < goroutines; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}

	// Close while goroutines are still calling: each call answers or says ErrClosed.
	done := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		go func() {
			for i := 0; ; i++ {
				c := cases[i%len(cases)]
				got, err := reg.Authenticate(c.header, now, c.req)
				if errors.Is(err, ErrClosed) {
					done <- nil
					return
				}
				if c.code == CodeOK && (err != nil || got != c.want) {
					done <- fmt.Errorf("during Close: got %v, %v; want %v", got, err, c.want)
					return
				}
			}
		}()
	}
	time.Sleep(10 * time.Millisecond)
	reg.Close()
	for g := 0; g < goroutines; g++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

func TestRedactingHandler(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(RedactingHandler(slog.NewJSONHandler(&buf, nil)))
	type withSecret struct{ Token string }
	logger.With("preset", "k="+skText).WithGroup("req").Info("got "+skText,
		"authorization", basic(skText),
		"js", jsSDK(skText),
		"pk", pkText,
		"n", 42,
		"err", errors.New("bad key "+skText),
		"bytes", []byte(skText),
		"struct", withSecret{Token: skText},
		"clean", withSecret{Token: "nothing"},
		slog.Group("nested", "deep", "x "+skText),
	)
	out := buf.String()
	if strings.Contains(out, skBody) {
		t.Fatalf("a secret key reached the log: %s", out)
	}
	for _, want := range []string{
		`"msg":"got sk_…9e24"`, `"preset":"k=sk_…9e24"`, `"authorization":"Basic [REDACTED sk_…9e24]"`,
		`"js":"Basic  [REDACTED sk_…9e24]"`, `"pk":"` + pkText + `"`, `"n":42`, `"err":"bad key sk_…9e24"`,
		`"bytes":"sk_…9e24"`, `"struct":"{Token:sk_…9e24}"`, `"clean":{"Token":"nothing"}`,
		`"nested":{"deep":"x sk_…9e24"}`, `"req":{`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	h := RedactingHandler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if h.Enabled(context.Background(), slog.LevelInfo) || !h.Enabled(context.Background(), slog.LevelError) {
		t.Fatal("Enabled does not delegate")
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

// Issue 10.2: a key's prefix decides its kind. A key added with the kind its prefix
// contradicts never authenticates (503, a 401 with the challenge) and is no client_id.
func TestRegistryKindMismatch(t *testing.T) {
	pk, err := GenerateKey(Publishable)
	if err != nil {
		t.Fatal(err)
	}
	sk, err := GenerateKey(Secret)
	if err != nil {
		t.Fatal(err)
	}
	b := NewRegistryBuilder()
	if err := b.AddProject(1, Development, 0); err != nil {
		t.Fatal(err)
	}
	if err := b.AddRedirectURI(1, "http://localhost:3000/cb"); err != nil {
		t.Fatal(err)
	}
	for _, k := range []struct {
		key  Key
		kind KeyKind
	}{{pk, Secret}, {sk, Publishable}} {
		d, err := k.key.Digest()
		if err != nil {
			t.Fatal(err)
		}
		if err := b.AddKey(d, 1, k.kind, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	reg, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	now := time.Unix(1_700_000_000, 0)
	for _, key := range []Key{pk, sk} {
		for _, req := range []Requirement{RequireAny, RequireSecret, RequirePublishable} {
			_, err := reg.Authenticate(basic(key.Expose()), now, req)
			e := wantCode(t, err, CodeAuthKindMismatch)
			if CodeAuthKindMismatch != 503 || !errors.Is(err, ErrKindMismatch) {
				t.Errorf("%v: not ErrKindMismatch (503)", err)
			}
			if HTTPStatus(err) != 401 || Challenge(err) == "" {
				t.Errorf("%v: status %d, challenge %q", err, HTTPStatus(err), Challenge(err))
			}
			if !strings.Contains(e.Message, "the other kind than the key's own prefix") ||
				strings.Contains(e.Message, key.Expose()[3:]) {
				t.Errorf("message %q", e.Message)
			}
		}
	}
	if _, err := reg.AuthorizeRedirect(pk.Expose(), "http://localhost:3000/cb", now); !errors.Is(err, ErrUnknownClient) {
		t.Errorf("AuthorizeRedirect: %v, want ErrUnknownClient", err)
	}
}
