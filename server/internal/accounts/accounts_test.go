package accounts

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// fast are test-only parameters: argon2id under the race detector at 64 MiB is slow.
var fast = Params{Time: 1, Memory: 64, Threads: 1}

func TestDefaultParamsEncoded(t *testing.T) {
	h, err := NewHasher(DefaultParams, 1)
	if err != nil {
		t.Fatal(err)
	}
	phc, err := h.Hash(context.Background(), "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=65536,t=3,p=4$") {
		t.Fatalf("hash %q does not state RFC 9106's second recommended option", phc)
	}
	if err := h.Verify(context.Background(), phc, "correct horse battery staple"); err != nil {
		t.Fatal(err)
	}
	if h.NeedsRehash(phc) {
		t.Fatal("a fresh hash needs a rehash")
	}
}

func TestVerify(t *testing.T) {
	ctx := context.Background()
	h, err := NewHasher(fast, 2)
	if err != nil {
		t.Fatal(err)
	}
	phc, err := h.Hash(ctx, "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Verify(ctx, phc, "a long enough passwore"); !errors.Is(err, ErrMismatch) {
		t.Fatalf("wrong password: %v", err)
	}
	if err := h.VerifyNobody(ctx, "a long enough password"); !errors.Is(err, ErrMismatch) {
		t.Fatalf("VerifyNobody: %v", err)
	}
	other, _ := NewHasher(Params{Time: 2, Memory: 64, Threads: 1}, 1)
	if !other.NeedsRehash(phc) {
		t.Fatal("a hash with other parameters does not need a rehash")
	}
	if err := other.Verify(ctx, phc, "a long enough password"); err != nil {
		t.Fatalf("a hash is verified with its own parameters: %v", err)
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$dGFndGFndGFndGFndGFn",
		"$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHQ$dGFndGFndGFndGFndGFn", phc + "$"} {
		if err := h.Verify(ctx, bad, "x"); err == nil || errors.Is(err, ErrMismatch) {
			t.Errorf("%q: %v, want a format error", bad, err)
		}
	}
	ctxDone, cancel := context.WithCancel(ctx)
	cancel()
	busy, _ := NewHasher(fast, 1)
	busy.slots <- struct{}{}
	if _, err := busy.Hash(ctxDone, "x"); !errors.Is(err, context.Canceled) {
		t.Fatalf("a hash waiting for a slot ignores its context: %v", err)
	}
}

func TestNormalizeEmail(t *testing.T) {
	email, key, err := NormalizeEmail("  Ada@Example.COM ")
	if err != nil || email != "Ada@Example.COM" || key != "ada@example.com" {
		t.Fatalf("%q %q %v", email, key, err)
	}
	// One address, however its accented letters are encoded and cased: one key (NFC).
	for _, same := range []string{"jos\u00e9@example.com", "jose\u0301@example.com", " JOSE\u0301@EXAMPLE.COM\t"} {
		email, key, err := NormalizeEmail(same)
		if err != nil || key != "jos\u00e9@example.com" || !strings.EqualFold(email, key) {
			t.Errorf("%+q: %+q %+q %v", same, email, key, err)
		}
	}
	for _, bad := range []string{"", "ada", "ada@", "@example.com", "Ada <ada@example.com>", "ada@localhost",
		"a b@example.com", strings.Repeat("a", 250) + "@e.co", "ada@exa\nmple.com",
		"ada\u200b@example.com", "ada@example\u200d.com", "\u202eada@example.com", "ada\u00a0x@example.com"} {
		if _, _, err := NormalizeEmail(bad); err != ErrEmailInvalid {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	for pw, want := range map[string]error{
		"correct horse battery staple":  nil,
		"fourteen chars":                ErrPasswordShort,
		"fifteen chars!!":               nil,
		"ééééééééééééééé":               nil, // 15 characters, 30 bytes
		strings.Repeat("x", 257):        ErrPasswordLong,
		"someone@example.com":           ErrPasswordIsEmail,
		"\xff\xfe long enough password": ErrPasswordNotUTF8,
	} {
		if got := CheckPassword(pw, "someone@example.com"); got != want {
			t.Errorf("%q: %v, want %v", pw, got, want)
		}
	}
}

func TestTokenAndCSRF(t *testing.T) {
	a, _ := NewToken()
	b, _ := NewToken()
	p, err := ParseToken(a.String())
	if err != nil || p.Digest() != a.Digest() || len(a.Digest()) != 64 {
		t.Fatalf("round trip: %v", err)
	}
	if a.Digest() == b.Digest() || a.CSRF() == b.CSRF() {
		t.Fatal("two tokens collide")
	}
	if !a.CheckCSRF(a.CSRF()) || a.CheckCSRF(b.CSRF()) || a.CheckCSRF("") || (Token{}).CheckCSRF((Token{}).CSRF()) {
		t.Fatal("CSRF check")
	}
	for _, bad := range []string{"", "short", a.String() + "A", strings.Repeat("!", 43)} {
		if _, err := ParseToken(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
