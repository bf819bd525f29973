package picket

import (
	"errors"
	"fmt"
	"sync"
)

// Code is a picket result code, the value of the C ABI's picket_result. Values are grouped
// by area and never reused: 1-99 the C ABI itself, 100-199 a malformed key, 200-299 a
// malformed hex digest, 300-399 a malformed Authorization header, 400-499 a refused
// redirect URI, 500-519 a failed authentication, 520-539 a refused OAuth authorize request,
// 600-699 a registry that cannot be built, 700-799 a failed PKCE check. An error that wraps
// another (a malformed key inside a header) has the code of the inner one.
//
// The constants, their sentinel errors and names are in codes_gen.go, generated from the
// repository's one table of codes (codegen/src/table.rs).
type Code uint32

// String returns the code's name: its C constant without PICKET_RESULT_, in lowercase
// ("auth_unknown_key"), or "code_N" for a value this package does not know.
func (c Code) String() string {
	if name, ok := codeNames[c]; ok {
		return name
	}
	return fmt.Sprintf("code_%d", uint32(c))
}

// Text returns the code's static message from the C ABI (picket_result_text), for
// example "unknown api key", or "" for a value that is not a picket_result.
func (c Code) Text() string {
	if t, ok := staticTexts()[c]; ok {
		return t
	}
	t, _ := cResultText(c)
	return t
}

var staticTexts = sync.OnceValue(func() map[Code]string {
	m := make(map[Code]string, len(codeNames))
	for c := range codeNames {
		if t, ok := cResultText(c); ok {
			m[c] = t
		}
	}
	return m
})

// Error is a failure reported by picket: its code and the specific message, which names
// the rule that was broken and never contains a key or other secret.
//
// errors.Is(err, ErrX) holds when err is an *Error with the Code of the sentinel ErrX;
// errors.As(err, &e) gives the *Error itself.
type Error struct {
	// Code says what failed; it is stable and comparable.
	Code Code
	// Message is the specific message, for example "api key has an uppercase hex digit at
	// position 32: keys are lowercase". Empty in the sentinels.
	Message string
}

func newError(code Code, message string) *Error {
	return &Error{Code: code, Message: message}
}

// Error returns "picket: " and the message (the code's static text when Message is empty).
func (e *Error) Error() string {
	return "picket: " + e.Detail()
}

// Detail returns the message without the "picket: " prefix: Message, or the code's static
// text when Message is empty. It is what a server may show a client.
func (e *Error) Detail() string {
	if e.Message != "" {
		return e.Message
	}
	if t := e.Code.Text(); t != "" {
		return t
	}
	return e.Code.String()
}

// Is reports whether target is an *Error with the same Code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t != nil && e != nil && t.Code == e.Code
}

// HTTPStatus is the HTTP status to answer an authentication that failed with this error
// (picket_auth_http_status): 403 for a valid key of the wrong kind, 401 for everything
// else. Meant for errors of [Registry.Authenticate] and [ParseAuthorization].
func (e *Error) HTTPStatus() int { return authHTTPStatus(e.Code) }

// Challenge is the WWW-Authenticate value to send with the answer (picket_www_authenticate):
// `Basic realm="picket"` for a 401, "" for a 403.
func (e *Error) Challenge() string { return cWWWAuthenticate(e.Code) }

// HTTPStatus is the HTTP status to answer an authentication that returned err: 200 for
// nil, [Error.HTTPStatus] for an *Error of a picket rule (401 or 403), and 500 for any
// other error (such as [ErrClosed], or an *Error of the C ABI's own, codes 0-99, such as
// [ErrInternal]), which is the server's fault, not the client's.
func HTTPStatus(err error) int {
	if err == nil {
		return 200
	}
	if e, ok := clientError(err); ok {
		return e.HTTPStatus()
	}
	return 500
}

// Challenge is the WWW-Authenticate value to send with the answer to err: see
// [Error.Challenge]; "" for nil and for errors that are not the client's (see [HTTPStatus]).
func Challenge(err error) string {
	if e, ok := clientError(err); ok {
		return e.Challenge()
	}
	return ""
}

// clientError is err's *Error when it names a rule the client broke (a picket-core rule,
// code 100 or more), not a condition of the C ABI itself.
func clientError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) && e.Code >= 100 {
		return e, true
	}
	return nil, false
}

// ErrClosed is returned by the methods of a [Registry] or [RegistryBuilder] that was
// closed, or of a builder that was already built. It is not an *Error: no C call was made.
var ErrClosed = errors.New("picket: the registry or builder is closed (or was already built)")
