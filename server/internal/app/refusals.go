// Refusals: how the service's refusals are answered, one mapping for the JSON API and the
// dashboard, so that a rule reads the same wherever it is met.

package app

import (
	"errors"
	"net/http"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/accounts"
	"github.com/picket-dev/picket/server/internal/rules"
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
	var rl *errRateLimited
	switch {
	case errors.As(err, &rl):
		return rules.RateLimited.Status, ruleBody(rules.RateLimited, rl.message()), true
	case errors.As(err, &re):
		return rules.ProductionRefused.Status, productionRefusedBody(re), true
	case errors.As(err, &pe):
		return http.StatusBadRequest, picketBody(pe), true
	case errors.As(err, &rule):
		return rule.Status, ruleBody(rule.Rule, rule.Message), true
	case errors.Is(err, store.ErrRevoked):
		return rules.KeyRevoked.Status, ruleBody(rules.KeyRevoked, ""), true
	case errors.Is(err, store.ErrLastSecretKey):
		return rules.LastSecretKey.Status, ruleBody(rules.LastSecretKey, lastSecretKeyMessage), true
	case errors.Is(err, store.ErrOutranked):
		return rules.KeyOutranksCaller.Status, ruleBody(rules.KeyOutranksCaller, outranksMessage), true
	}
	return 0, ErrorBody{}, false
}
