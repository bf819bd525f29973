// Keys: parsing, formatting, generating, digests and Verify; a key never prints its secret.

package picket

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

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
