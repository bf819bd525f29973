// Refusals: how the service's refusals are answered, one mapping for the JSON API and the
// dashboard, so that a rule reads the same wherever it is met.

package app

import (
	"errors"
	"net/http"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/accounts"
	"github.com/picket-dev/picket/server/internal/store"
)

// Refusal maps an error of a service operation (IssueKey, RollKey, RevokeKey,
// AddRedirectURI, SetMode, CreateProject, CreateAccount) to the HTTP status and error body
// that answer it. ok is false for what is not a refusal: store.ErrNotFound and
// store.ErrExists, whose meaning depends on the operation, and internal errors.
func (a *App) Refusal(err error) (status int, body ErrorBody, ok bool) {
	var pe *picket.Error
	var re *refusedError
	var rule *accounts.Rule
	if body, ok := a.quotaRefusal(err); ok {
		return http.StatusConflict, body, true
	}
	switch {
	case errors.As(err, &re):
		return http.StatusConflict, productionRefusedBody(re), true
	case errors.As(err, &pe):
		return http.StatusBadRequest, ErrorBody{Error: pe.Code.String(), Code: uint32(pe.Code), Message: pe.Detail()}, true
	case errors.As(err, &rule):
		return http.StatusBadRequest, ErrorBody{Error: rule.Name, Message: rule.Message}, true
	case errors.Is(err, store.ErrRevoked):
		return http.StatusConflict, ErrorBody{Error: "key_revoked", Message: "the key is revoked: issue a new one instead"}, true
	case errors.Is(err, store.ErrLastSecretKey):
		return http.StatusConflict, ErrorBody{Error: "last_secret_key", Message: lastSecretKeyMessage}, true
	case errors.Is(err, store.ErrOutranked):
		return http.StatusForbidden, ErrorBody{Error: "key_outranks_caller", Message: outranksMessage}, true
	}
	return 0, ErrorBody{}, false
}
