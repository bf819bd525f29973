package picket

import (
	"fmt"
)

// Mode is whether a project is in development or production.
type Mode uint32

const (
	// Development allows http redirect URIs on a host written exactly `localhost`,
	// `127.0.0.1` or `[::1]`.
	Development Mode = 1
	// Production allows only https redirect URIs, and no loopback host.
	Production Mode = 2
)

// String returns "development" or "production" (or "Mode(n)").
func (m Mode) String() string {
	switch m {
	case Development:
		return "development"
	case Production:
		return "production"
	}
	return fmt.Sprintf("Mode(%d)", uint32(m))
}

// ValidateRedirectURI checks that uri may be registered as a redirect URI by a project in
// mode. opts may hold [AllowPrivateUseSchemes] and [LoopbackAnyPort] (the latter changes
// only matching). The error names the first rule broken (ErrRedirect...).
func ValidateRedirectURI(uri string, mode Mode, opts Options) error {
	return cRedirectValidate(uri, mode, opts)
}

// MatchRedirectURI reports whether candidate matches one of the registered redirect URIs
// of a project in mode with opts (as for [ValidateRedirectURI]). Each registered entry is
// first validated for mode; entries that registration would refuse are left out and never
// match. Matching is byte-exact (with [LoopbackAnyPort] in development, the port of an
// `http://127.0.0.1` or `http://[::1]` entry may differ). The error is only for bad
// arguments (an unknown mode or option bit).
func MatchRedirectURI(registered []string, candidate string, mode Mode, opts Options) (bool, error) {
	return cRedirectMatch(registered, candidate, mode, opts)
}
