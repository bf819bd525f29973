package picket

import (
	"encoding/hex"
	"fmt"
	"log/slog"
)

// Sizes of the values the C ABI exchanges.
const (
	// KeyLen is the length in bytes of a key's text: `pk_` or `sk_` and 32 hex digits.
	KeyLen = 35
	// DigestLen is the length in bytes of a key digest (SHA-256).
	DigestLen = 32
	// RandomLen is the number of random bytes a key encodes (the input of [FormatKey]).
	RandomLen = 16
)

// noExpiry is PICKET_NO_EXPIRY, the expiry of a key that never expires.
const noExpiry = ^uint64(0)

// KeyKind is the kind of an API key.
type KeyKind uint32

const (
	// Publishable keys (`pk_`) are used client-side, by a browser SDK; safe to expose.
	Publishable KeyKind = 1
	// Secret keys (`sk_`) are used server-side only and must be kept secret.
	Secret KeyKind = 2
)

// String returns "publishable" or "secret" (or "KeyKind(n)" for any other value).
func (k KeyKind) String() string {
	switch k {
	case Publishable:
		return "publishable"
	case Secret:
		return "secret"
	}
	return fmt.Sprintf("KeyKind(%d)", uint32(k))
}

// Key is a well-formed API key: its kind and its text.
//
// A secret key never prints in full: String, every fmt verb (%v, %+v, %#v, %s, %q, ...)
// and slog show only its redacted form (`sk_…9e24`). A publishable key prints in full.
// [Key.Expose] gives the full text when it is really needed (to hand a newly issued key to
// its owner). Go strings cannot be wiped: keep secret keys out of long-lived memory where
// you can.
type Key struct {
	// Kind is the key's kind.
	Kind KeyKind
	text string
}

// ParseKey parses and classifies an API key: `pk_` or `sk_` followed by exactly 32
// lowercase hex digits, with nothing around it (no trimming, no case folding).
//
// The error is an *[Error] with a key code (ErrKeyEmpty, ErrKeyUnknownPrefix,
// ErrKeyWrongLength, ErrKeyNonHex, ErrKeySurroundingWhitespace, ErrKeyUppercase) and a
// message naming the first rule broken.
func ParseKey(s string) (Key, error) {
	kind, err := cKeyParse(s)
	if err != nil {
		return Key{}, err
	}
	return Key{Kind: kind, text: s}, nil
}

// GenerateKey issues a new key of the given kind from the operating system's CSPRNG.
// Store only its digest ([Key.Digest]); hand the key itself to its owner once.
func GenerateKey(kind KeyKind) (Key, error) {
	text, err := cKeyGenerate(kind)
	if err != nil {
		return Key{}, err
	}
	return Key{Kind: kind, text: text}, nil
}

// FormatKey formats a key of the given kind from 16 random bytes the caller drew from a
// CSPRNG (crypto/rand). Use [GenerateKey] unless the bytes come from elsewhere.
func FormatKey(kind KeyKind, random [RandomLen]byte) (Key, error) {
	text, err := cKeyFormat(kind, &random)
	if err != nil {
		return Key{}, err
	}
	return Key{Kind: kind, text: text}, nil
}

// Expose returns the full text of the key. For a secret key this is the secret itself:
// only hand it to its owner, never to a log.
func (k Key) Expose() string { return k.text }

// Redacted returns the form of the key that is safe to log: the prefix, `…` and the last 4
// digits (`sk_…9e24`). Every kind redacts the same way. It is empty for the zero Key.
func (k Key) Redacted() string {
	r, err := cKeyRedacted(k.text)
	if err != nil {
		return ""
	}
	return r
}

// String returns a publishable key in full and a secret key redacted (`sk_…9e24`).
func (k Key) String() string {
	if k.Kind == Publishable {
		return k.text
	}
	return k.Redacted()
}

// GoString is String, so that %#v does not print a secret key either.
func (k Key) GoString() string { return k.String() }

// Format makes every fmt verb print [Key.String], so no verb prints a secret key in full.
func (k Key) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", k.String())
		return
	}
	fmt.Fprint(f, k.String())
}

// LogValue makes log/slog log [Key.String].
func (k Key) LogValue() slog.Value { return slog.StringValue(k.String()) }

// Digest returns the key's SHA-256 digest, the value a database stores instead of the key.
// The error is an *[Error] with a key code for the zero Key.
func (k Key) Digest() (KeyDigest, error) { return cKeyDigest(k.text) }

// KeyDigest is the SHA-256 digest of a key's text. Compare digests only with [Verify] or
// [VerifyAny] (constant time), never with ==.
type KeyDigest [DigestLen]byte

// String returns the 64-digit lowercase hex form (a digest reveals nothing usable about
// the key).
func (d KeyDigest) String() string { return hex.EncodeToString(d[:]) }

// Digest parses key (as [ParseKey] does) and returns its SHA-256 digest.
func Digest(key string) (KeyDigest, error) { return cKeyDigest(key) }

// DigestHex parses key and returns its digest as 64 lowercase hex digits, the form to
// store in a text column.
func DigestHex(key string) (string, error) { return cKeyDigestHex(key) }

// DigestFromHex parses a digest's stored 64-digit lowercase hex form. Uppercase is
// refused (ErrDigestInvalidCharacter): a stored digest has one spelling.
func DigestFromHex(s string) (KeyDigest, error) { return cDigestFromHex(s) }

// Verify reports whether key is the key digest was made from: it parses the key, hashes it
// and compares the digests in constant time. It returns nil on a match, an error matching
// [ErrKeyMismatch] when the key is well-formed but does not match, and a key error when
// the key is malformed.
func Verify(key string, digest KeyDigest) error { return cKeyVerify(key, &digest) }

// VerifyAny checks key against several stored digests (key rolling: the old and the new
// key are both valid for a while). Every digest is compared in constant time whatever the
// outcome of the others. It returns the index of the matching digest (the last one if
// several are equal), or -1 and an error matching [ErrKeyMismatch] when none matches, or
// -1 and a key error when the key is malformed.
func VerifyAny(key string, digests []KeyDigest) (int, error) { return cKeyVerifyAny(key, digests) }

// LibraryVersion returns the version of the linked libpicket (picket_version), for example
// "0.1.0": what a program reports with its own version.
func LibraryVersion() string { return cVersion() }
