package picket

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Authenticator authenticates a raw Authorization header value. *[Registry] implements
// it; a server that swaps registries (key rolling) can implement it over its current one.
type Authenticator interface {
	Authenticate(header string, now time.Time, req Requirement) (Auth, error)
}

type authContextKey struct{}

// NewContext returns a copy of ctx that carries auth (what [Middleware] does for each
// request it lets through).
func NewContext(ctx context.Context, auth Auth) context.Context {
	return context.WithValue(ctx, authContextKey{}, auth)
}

// FromContext returns the [Auth] that [Middleware] put in a request's context.
func FromContext(ctx context.Context) (Auth, bool) {
	a, ok := ctx.Value(authContextKey{}).(Auth)
	return a, ok
}

// ProjectFromContext returns the authenticated project of a request's context.
func ProjectFromContext(ctx context.Context) (uint64, bool) {
	a, ok := FromContext(ctx)
	return a.Project, ok
}

// KeyKindFromContext returns the kind of the key that authenticated a request's context.
func KeyKindFromContext(ctx context.Context) (KeyKind, bool) {
	a, ok := FromContext(ctx)
	return a.Kind, ok
}

// ErrorBody is the JSON body of every error answer of this package, and of picket-server's
// API: `{"error": rule, "code": n, "message": text}`. Error is the rule's name
// ([Code.String], e.g. "auth_unknown_key"), Code its number (the same table: a picket
// result code, or 800-999 for the server's own rules such as "internal_error"), Message
// the specific reason, which never contains a key or other secret.
type ErrorBody struct {
	// Error is the name of the rule that was broken.
	Error string `json:"error"`
	// Code is the rule's number: stable, never reused.
	Code uint32 `json:"code"`
	// Message is the specific reason, safe to show the client.
	Message string `json:"message"`
}

// apiRule is a rule of the API that no picket-core error has (rules_gen.go).
type apiRule struct {
	name   string
	code   uint32
	status int
	text   string
}

func (r apiRule) body() ErrorBody { return ErrorBody{Error: r.name, Code: r.code, Message: r.text} }

// Require returns middleware in the form net/http routers take (chi's Use, gorilla/mux's
// Use, a plain wrapper around a ServeMux): it authenticates each request against auth (a
// *[Registry], a *[Holder], or anything that implements [Authenticator]) for an endpoint
// that accepts req, using the request's Authorization header and the current time.
//
// A request that authenticates reaches the next handler with its [Auth] in the context
// ([FromContext], [ProjectFromContext], [KeyKindFromContext]). Any other gets the answer
// the core decides, with an [ErrorBody] JSON body (the API error object): 401 with
// `WWW-Authenticate: Basic realm="picket"` for a missing, malformed, unknown or expired
// key, 403 for a valid key of the wrong kind, and 400 "duplicate_authorization" for more
// than one Authorization header (or one value with a comma, as a proxy joins two): which
// one counts would depend on who reads it. An error that is not the client's fault (such
// as [ErrClosed]) is a 500 with error "internal_error".
func Require(auth Authenticator, req Requirement) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			values := r.Header.Values("Authorization")
			if len(values) > 1 || (len(values) == 1 && strings.Contains(values[0], ",")) {
				WriteJSON(w, ruleDuplicateAuthorization.status, ruleDuplicateAuthorization.body())
				return
			}
			a, err := auth.Authenticate(r.Header.Get("Authorization"), time.Now(), req)
			if err != nil {
				WriteError(w, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(NewContext(r.Context(), a)))
		})
	}
}

// Middleware is [Require] applied to next: Middleware(auth, req, next) is
// Require(auth, req)(next).
func Middleware(auth Authenticator, req Requirement, next http.Handler) http.Handler {
	return Require(auth, req)(next)
}

// WriteError answers an HTTP request with err as an authentication failure: the status of
// [HTTPStatus], the [Challenge] as WWW-Authenticate when there is one, and an [ErrorBody].
// Errors that are not the client's (not an *[Error], or a condition of the C ABI itself,
// codes 0-99) are answered 500 "internal_error" (code 800) without their text.
func WriteError(w http.ResponseWriter, err error) {
	e, ok := clientError(err)
	if !ok {
		WriteJSON(w, ruleInternalError.status, ruleInternalError.body())
		return
	}
	if c := e.Challenge(); c != "" {
		w.Header().Set("WWW-Authenticate", c)
	}
	WriteJSON(w, e.HTTPStatus(), ErrorBody{Error: e.Code.String(), Code: uint32(e.Code), Message: e.Detail()})
}

// WriteJSON writes v as a JSON answer with status, marked not to be cached.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body, _ = json.Marshal(ruleInternalError.body())
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
