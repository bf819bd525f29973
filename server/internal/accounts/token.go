package accounts

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
)

// tokenBytes is the entropy of a session id or a one-time token (256 bits).
const tokenBytes = 32

// Token is a random secret handed to a browser (a session id): the server keeps only its
// Digest.
type Token struct{ raw []byte }

// NewToken returns a new random token.
func NewToken() (Token, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return Token{}, err
	}
	return Token{raw: b}, nil
}

// ParseToken reads a token's text form (from a cookie); anything else is an error.
func ParseToken(s string) (Token, error) {
	if len(s) != base64.RawURLEncoding.EncodedLen(tokenBytes) {
		return Token{}, errors.New("not a token")
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Token{}, errors.New("not a token")
	}
	return Token{raw: b}, nil
}

// String is the token's text form (for a cookie). It is a secret.
func (t Token) String() string { return base64.RawURLEncoding.EncodeToString(t.raw) }

// Digest is the hex SHA-256 of the token: what the store keeps.
func (t Token) Digest() string {
	d := sha256.Sum256(t.raw)
	return hex.EncodeToString(d[:])
}

// IsZero reports whether t holds no token.
func (t Token) IsZero() bool { return len(t.raw) == 0 }

// csrfLabel separates the CSRF token from any other use of the secret.
const csrfLabel = "picket-server csrf v1"

// CSRF is the synchronizer token of the forms of t's holder: HMAC-SHA256 keyed with the
// token. It is bound to the session (or pre-session) the token names, and cannot be
// computed without the token, which only the browser's HttpOnly cookie holds.
func (t Token) CSRF() string {
	m := hmac.New(sha256.New, t.raw)
	m.Write([]byte(csrfLabel))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// CheckCSRF reports whether got is t's CSRF token (compared in constant time).
func (t Token) CheckCSRF(got string) bool {
	if t.IsZero() {
		return false
	}
	return hmac.Equal([]byte(got), []byte(t.CSRF()))
}
