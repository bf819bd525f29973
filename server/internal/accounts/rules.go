package accounts

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/picket-dev/picket/server/internal/rules"
)

// Rule is a refused input: the rule (its name and code) and a message for the person
// typing.
type Rule struct {
	rules.Rule
	Message string
}

func (r *Rule) Error() string { return r.Name + ": " + r.Message }

const (
	// MaxEmailBytes is RFC 5321's limit on a forward path (254 octets of address).
	MaxEmailBytes = 254
	// MinPasswordChars is NIST SP 800-63B-4's minimum for a password that is the only
	// factor (15 characters).
	MinPasswordChars = 15
)

// Refusals of an email address or a password.
var (
	ErrEmailInvalid    = &Rule{rules.EmailInvalid, "enter an email address such as name@example.com (at most 254 bytes)"}
	ErrPasswordShort   = &Rule{rules.PasswordTooShort, "use at least 15 characters (a few words make a good password)"}
	ErrPasswordLong    = &Rule{rules.PasswordTooLong, "use at most 256 bytes"}
	ErrPasswordIsEmail = &Rule{rules.PasswordIsEmail, "the password must not be the email address"}
	ErrPasswordNotUTF8 = &Rule{rules.PasswordInvalid, "the password must be valid UTF-8 text"}
)

// NormalizeEmail validates an email address and returns the address to keep (trimmed, in
// Unicode NFC) and the key that identifies the account (lowercased too: two spellings that
// differ only in case are one account, as every mail provider in use treats them, and so
// are two that differ only in how an accented letter is encoded, "é" as one code point or
// as "e" and a combining accent, which look the same and are the same address by RFC
// 6532 section 3.1).
func NormalizeEmail(s string) (email, key string, err error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > MaxEmailBytes || !utf8.ValidString(s) {
		return "", "", ErrEmailInvalid
	}
	if s = norm.NFC.String(s); len(s) > MaxEmailBytes || strings.IndexFunc(s, invisible) >= 0 {
		return "", "", ErrEmailInvalid
	}
	a, perr := mail.ParseAddress(s)
	if perr != nil || a.Address != s || a.Name != "" {
		return "", "", ErrEmailInvalid
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || !strings.Contains(s[at+1:], ".") || strings.ContainsAny(s, " \t\r\n<>") {
		return "", "", ErrEmailInvalid
	}
	return s, strings.ToLower(s), nil
}

// CheckPassword applies the password rules (NIST SP 800-63B-4: a length, no composition
// rules): 15 characters or more, at most MaxPasswordBytes, not the email address.
func CheckPassword(password, emailKey string) error {
	switch {
	case !utf8.ValidString(password):
		return ErrPasswordNotUTF8
	case len(password) > MaxPasswordBytes:
		return ErrPasswordLong
	case utf8.RuneCountInString(password) < MinPasswordChars:
		return ErrPasswordShort
	case strings.EqualFold(strings.TrimSpace(password), emailKey):
		return ErrPasswordIsEmail
	}
	return nil
}

// invisible reports a character an address must not hold: a control, a format character
// (a zero-width space or joiner, a direction mark: "ada\u200b@example.com" would be an
// account that shows as ada@example.com) or a space of any kind.
func invisible(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Cf) || unicode.IsSpace(r)
}
