// Errors: the one error object of the API and its one writer. A refusal names its rule
// and the rule's code, from picket's one table of codes (codegen/src/table.rs): a picket
// rule's result code (below 800), or one of the server's own rules (package rules,
// 800-999). /oauth2/* answers RFC 6749 error objects instead (oauthError).

package app

import (
	"context"
	"errors"
	"net/http"
	"strings"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/rules"
	"github.com/picket-dev/picket/server/internal/store"
)

// ErrorBody is every JSON error of the API, `{"error": rule, "code": n, "message": text}`:
// the rule's name, its code and a message that never holds a secret, plus a few
// rules' own fields.
type ErrorBody struct {
	Error   string `json:"error"`
	Code    uint32 `json:"code"`
	Message string `json:"message"`
	// Refused lists the redirect URIs that production refuses (production_refused).
	Refused []RefusedURI `json:"refused,omitempty"`
	// Quota is the bound a quota_* refusal hit.
	Quota *int `json:"quota,omitempty"`
}

// RefusedURI is a redirect URI that production refuses, with the rule.
type RefusedURI struct {
	URI     string `json:"uri"`
	Error   string `json:"error"`
	Code    uint32 `json:"code"`
	Message string `json:"message"`
}

// ruleBody is the error body of one of the server's rules; an empty message is the rule's
// default text.
func ruleBody(r rules.Rule, message string) ErrorBody {
	if message == "" {
		message = r.Text
	}
	return ErrorBody{Error: r.Name, Code: r.Code, Message: message}
}

// picketBody is the error body of a picket error: its rule and code, or internal_error
// for a condition of the C ABI itself (codes 0-99), which is never the client's fault.
func picketBody(e *picket.Error) ErrorBody {
	if e.Code < 100 {
		return ruleBody(rules.InternalError, "")
	}
	return ErrorBody{Error: e.Code.String(), Code: uint32(e.Code), Message: e.Detail()}
}

// writeError is the one writer of the API's error answers: body is an ErrorBody, or a
// struct that embeds one and adds its rule's fields.
func writeError(w http.ResponseWriter, status int, body any) {
	picket.WriteJSON(w, status, body)
}

// writeErr answers one of the server's rules with its status; an empty message is the
// rule's default text.
func writeErr(w http.ResponseWriter, r rules.Rule, message string) {
	writeError(w, r.Status, ruleBody(r, message))
}

// writePicketErr answers a picket rule's refusal with status (500 internal_error when err is
// not a picket rule's).
func writePicketErr(w http.ResponseWriter, status int, err error) {
	var e *picket.Error
	if !errors.As(err, &e) || e.Code < 100 {
		writeErr(w, rules.InternalError, "")
		return
	}
	writeError(w, status, picketBody(e))
}

// internal answers an error that is not the client's, in the request's dialect (see
// writeErrFor; on /oauth2/*: temporarily_unavailable for a 503, server_error for a 500):
// 503 store_unavailable (Retry-After: 1) when the store does not answer, 503 canceled when
// the client went away, otherwise 500 internal_error with the cause logged (with the
// request's id), never answered.
func (a *App) internal(w http.ResponseWriter, r *http.Request, what string, err error) {
	if errors.Is(err, store.ErrUnavailable) {
		// Logged once per outage by the store's watch (serve), not once per request.
		a.log.DebugContext(r.Context(), what+": the store is unavailable", "error", err)
		w.Header().Set("Retry-After", "1")
		writeErrFor(w, r, rules.StoreUnavailable, "")
		return
	}
	if errors.Is(err, context.Canceled) {
		// The client went away mid-request: nothing is wrong with the server.
		a.log.InfoContext(r.Context(), what+": request canceled by the client")
		writeErrFor(w, r, rules.Canceled, "")
		return
	}
	a.log.ErrorContext(r.Context(), what, "error", err)
	writeErrFor(w, r, rules.InternalError, "")
}

// oauthError is an RFC 6749 §5.2 error object: the body of every error on /oauth2/*.
// Error is an RFC 6749 error code (invalid_request, invalid_client, invalid_grant, ...);
// Description says what was wrong in words a client developer understands, never with an
// internal rule name.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// isOAuth reports whether r is to an /oauth2/* endpoint, whose errors are RFC 6749 objects.
func isOAuth(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/oauth2/") }

// writeOAuthErr answers an RFC 6749 error object; RFC 6749 §5.1 asks for no caching.
func writeOAuthErr(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Pragma", "no-cache")
	writeError(w, status, oauthError{Error: code, Description: description})
}

// writeErrFor answers one of the server's rules in the request's dialect: the API error
// object, or on /oauth2/* the RFC 6749 error object of the same status (invalid_request
// for the client's errors, server_error and temporarily_unavailable for the server's).
func writeErrFor(w http.ResponseWriter, r *http.Request, rule rules.Rule, message string) {
	if !isOAuth(r) {
		writeErr(w, rule, message)
		return
	}
	if message == "" {
		message = rule.Text
	}
	code := "invalid_request"
	switch {
	case rule.Status == http.StatusServiceUnavailable:
		code = "temporarily_unavailable"
	case rule.Status >= 500:
		code = "server_error"
	}
	writeOAuthErr(w, rule.Status, code, message)
}
