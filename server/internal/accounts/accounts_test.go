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
	const buecher, buecherKey = "ada@b\u00fccher.example", "ada@xn--bcher-kva.example"
	for _, c := range []struct{ in, email, key string }{
		{"  Ada@Example.COM ", "Ada@example.com", "ada@example.com"},
		// One address, however its accented letters are encoded and cased: one key (NFC).
		{"jos\u00e9@example.com", "jos\u00e9@example.com", "jos\u00e9@example.com"},
		{"jose\u0301@example.com", "jos\u00e9@example.com", "jos\u00e9@example.com"},
		{" JOSE\u0301@EXAMPLE.COM\t", "JOS\u00c9@example.com", "jos\u00e9@example.com"},
		// One internationalized domain, however it is spelled: U-label, A-label, any case,
		// full width, decomposed, with an ideographic full stop. One key (A-label), one
		// address shown (U-label).
		{buecher, buecher, buecherKey},
		{"ada@xn--bcher-kva.example", buecher, buecherKey},
		{"ada@XN--BCHER-KVA.EXAMPLE", buecher, buecherKey},
		{"ada@B\u00dcCHER.example", buecher, buecherKey},
		{"ada@\uff42\u00fccher.example", buecher, buecherKey},
		{"ada@\uff22\u00dc\uff23\uff28\uff25\uff32.example", buecher, buecherKey},
		{"ada@bu\u0308cher.example", buecher, buecherKey},
		{"ada@b\u00fccher\u3002example", buecher, buecherKey},
		{"Ada@xn--bcher-kva.example", "Ada@b\u00fccher.example", buecherKey},
		{"ada@\u4f8b\u3048.\u30c6\u30b9\u30c8", "ada@\u4f8b\u3048.\u30c6\u30b9\u30c8", "ada@xn--r8jz45g.xn--zckzah"},
		// Nontransitional (IDNA2008): "ß" is a letter of its own, not "ss".
		{"ada@fa\u00df.de", "ada@fa\u00df.de", "ada@xn--fa-hia.de"},
		{"ada@fass.de", "ada@fass.de", "ada@fass.de"},
		// A right-to-left label that keeps the bidi rule.
		{"ada@\u05d0\u05d1.example", "ada@\u05d0\u05d1.example", "ada@xn--4dbc.example"},
		// A non-ASCII local part (RFC 6531) is kept, lowercased in the key.
		{"\u00c4DA@b\u00fccher.example", "\u00c4DA@b\u00fccher.example", "\u00e4da@xn--bcher-kva.example"},
		{"ada@" + strings.Repeat("a", 63) + ".example", "ada@" + strings.Repeat("a", 63) + ".example", "ada@" + strings.Repeat("a", 63) + ".example"},
	} {
		email, key, err := NormalizeEmail(c.in)
		if err != nil || email != c.email || key != c.key {
			t.Errorf("%+q: %+q %+q %v, want %+q %+q", c.in, email, key, err, c.email, c.key)
		}
	}
	for _, bad := range []string{"", "ada", "ada@", "@example.com", "Ada <ada@example.com>", "ada@localhost",
		"a b@example.com", strings.Repeat("a", 250) + "@e.co", "ada@exa\nmple.com",
		"ada\u200b@example.com", "ada@example\u200d.com", "\u202eada@example.com", "ada\u00a0x@example.com",
		// Domains IDNA refuses: a domain literal, STD 3's ASCII (underscore, "!"), hyphens
		// at the ends or in places 3 and 4, an A-label that does not decode or decodes to
		// ASCII, the bidi rule (a right-to-left label with a left-to-right letter), a code
		// point IDNA disallows, empty labels, a label over 63 bytes (ASCII, or once
		// encoded), a name over 253.
		"ada@[127.0.0.1]", "ada@a_b.example", "ada@ex!ample.com", "ada@-bad.example", "ada@bad-.example",
		"ada@ab--cd.example", "ada@xn--zz.example", "ada@xn--ada-.example", "ada@\u05d0a.example",
		"ada@a\u05d0.example", "ada@\ufffd.example", "ada@a..example", "ada@.example", "ada@b\u00fccher.example.",
		"ada@" + strings.Repeat("a", 64) + ".example", "ada@\u00e4" + strings.Repeat("a", 60) + ".example",
		"a@" + strings.Repeat("abcdefghi.", 25) + "example",
		// A local part that is not RFC 5322's.
		"a..b@example.com", ".ada@example.com", "ada.@example.com", "a(b)@example.com",
	} {
		if email, key, err := NormalizeEmail(bad); err != ErrEmailInvalid {
			t.Errorf("%+q: %+q %+q %v", bad, email, key, err)
		}
	}
	// Every answer is itself an address whose key is its own: normalizing is idempotent.
	for _, in := range []string{"ada@xn--bcher-kva.example", "Ada@\uff42\u00fccher.example", "JOSE\u0301@EXAMPLE.COM"} {
		email, key, _ := NormalizeEmail(in)
		if e2, k2, err := NormalizeEmail(email); err != nil || e2 != email || k2 != key {
			t.Errorf("%+q: %+q %+q, then %+q %+q %v", in, email, key, e2, k2, err)
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
	// The address in any of its spellings, its key holding the A-label.
	for _, pw := range []string{"someone@b\u00fccher.example", " Someone@\uff42\u00fccher.example", "someone@xn--bcher-kva.example"} {
		if got := CheckPassword(pw, "someone@xn--bcher-kva.example"); got != ErrPasswordIsEmail {
			t.Errorf("%+q: %v", pw, got)
		}
	}
	if got := CheckPassword("someone@b\u00fccher.example", "someone@example.com"); got != nil {
		t.Errorf("another address: %v", got)
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
