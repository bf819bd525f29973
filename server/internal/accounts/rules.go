package accounts

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
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

// domains is the IDNA profile of an address's domain: UTS 46's mapping for lookup
// (case, width and compatibility forms folded, NFC: "BÜCHER", "ｂücher" and "bücher" are one
// domain), nontransitional (IDNA2008: "faß.de" and "fass.de" are two domains, as
// registries treat them), with the label rules of RFC 5891 5.4 (hyphens, joiners, code
// points IDNA2008 disallows, the letters, digits and hyphen of STD 3 in ASCII labels), the
// bidi rule of RFC 5893, and DNS lengths (labels of 1 to 63 bytes and a name of at most 253
// in A-label form, which idna.Lookup does not check). An A-label typed as such
// ("xn--bcher-kva") is decoded and held to the same rules.
var domains = idna.New(idna.MapForLookup(), idna.Transitional(false), idna.BidiRule(), idna.VerifyDNSLength(true))

// NormalizeEmail validates an email address and returns the address to keep and show
// and the key that identifies the account.
//
// The address is trimmed and put in Unicode NFC (two encodings of "é", one code point or
// "e" and a combining accent, look the same and are the same address by RFC 6532 section
// 3.1). Its domain is canonicalized by IDNA (domains): every spelling of one domain
// (U-label or A-label, any case or width) gives one key, and a domain IDNA refuses
// (invalid labels, the bidi rule, disallowed code points, a label over 63 bytes) is
// ErrEmailInvalid, as is a domain literal ("[127.0.0.1]") or a name without a dot.
//
// email is the local part as typed (in NFC) and the domain in its U-label form
// ("Ada@BÜCHER.example" and "Ada@xn--bcher-kva.example" are kept and shown as
// "Ada@bücher.example"): one mailbox always shows one way, in the letters its owner reads.
// key is the local part lowercased (two spellings that differ only in case are one
// account, as every mail provider in use treats them; a non-ASCII local part, which RFC
// 6531 allows, is lowercased the same way) and the domain in its A-label form, ASCII
// ("ada@xn--bcher-kva.example"). Both are at most MaxEmailBytes.
func NormalizeEmail(s string) (email, key string, err error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > MaxEmailBytes || !utf8.ValidString(s) {
		return "", "", ErrEmailInvalid
	}
	if s = norm.NFC.String(s); len(s) > MaxEmailBytes || strings.IndexFunc(s, invisible) >= 0 {
		return "", "", ErrEmailInvalid
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || strings.ContainsAny(s, " \t\r\n<>") {
		return "", "", ErrEmailInvalid
	}
	local := s[:at]
	aDomain, err := domains.ToASCII(s[at+1:])
	if err != nil || !strings.Contains(aDomain, ".") {
		return "", "", ErrEmailInvalid
	}
	uDomain, err := domains.ToUnicode(aDomain)
	if err != nil {
		return "", "", ErrEmailInvalid
	}
	// net/mail holds the local part to RFC 5322 (with RFC 6532's UTF-8); the domain, checked
	// above, is given to it in the A-label form it parses.
	a, perr := mail.ParseAddress(local + "@" + aDomain)
	if perr != nil || a.Address != local+"@"+aDomain || a.Name != "" {
		return "", "", ErrEmailInvalid
	}
	email, key = local+"@"+uDomain, strings.ToLower(local)+"@"+aDomain
	if len(email) > MaxEmailBytes || len(key) > MaxEmailBytes {
		return "", "", ErrEmailInvalid
	}
	return email, key, nil
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
	case strings.EqualFold(strings.TrimSpace(password), emailKey) || sameAddress(password, emailKey):
		return ErrPasswordIsEmail
	}
	return nil
}

// sameAddress reports whether password is a spelling of the address whose key is emailKey
// ("ada@bücher.example" for "ada@xn--bcher-kva.example").
func sameAddress(password, emailKey string) bool {
	_, key, err := NormalizeEmail(password)
	return err == nil && key == emailKey
}

// invisible reports a character an address must not hold: a control, a format character
// (a zero-width space or joiner, a direction mark: "ada\u200b@example.com" would be an
// account that shows as ada@example.com) or a space of any kind.
func invisible(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Cf) || unicode.IsSpace(r)
}
