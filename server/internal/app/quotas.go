// Quotas: how much one project may hold, so that one tenant cannot grow the registry (and
// every rebuild of it) without bound.

package app

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/picket-dev/picket/server/internal/rules"
	"github.com/picket-dev/picket/server/internal/store"
)

// Quotas bound what one project may hold; 0 is no bound.
type Quotas struct {
	// KeysPerProject bounds a project's live keys (neither revoked nor expired).
	KeysPerProject int
	// RedirectURIsPerProject bounds a project's redirect URIs.
	RedirectURIsPerProject int
	// ProjectsPerAccount bounds an account's projects (the operator's have no bound).
	ProjectsPerAccount int
}

// DefaultQuotas are the quotas of `serve` when no flag says otherwise.
var DefaultQuotas = Quotas{KeysPerProject: 1000, RedirectURIsPerProject: 100, ProjectsPerAccount: 100}

// quotaErr answers a quota refusal (409, the rule and the quota in the body); it reports
// whether err was one.
func (a *App) quotaErr(w http.ResponseWriter, err error) bool {
	body, ok := a.quotaRefusal(err)
	if ok {
		writeError(w, http.StatusConflict, body)
	}
	return ok
}

// quotaRefusal is the error body of a quota refusal; ok false when err is none.
func (a *App) quotaRefusal(err error) (ErrorBody, bool) {
	switch {
	case errors.Is(err, store.ErrKeyQuota):
		return quotaBody(rules.QuotaKeys, a.Quotas.KeysPerProject, "the project", "live keys (neither revoked nor expired): revoke some, or roll with grace_seconds 0"), true
	case errors.Is(err, store.ErrRedirectURIQuota):
		return quotaBody(rules.QuotaRedirectURIs, a.Quotas.RedirectURIsPerProject, "the project", "redirect URIs: remove some first"), true
	case errors.Is(err, store.ErrProjectQuota):
		return quotaBody(rules.QuotaProjects, a.Quotas.ProjectsPerAccount, "the account", "projects, its first included"), true
	}
	return ErrorBody{}, false
}

// quotaBody says that holder (the project, the account) holds limit of what.
func quotaBody(rule rules.Rule, limit int, holder, what string) ErrorBody {
	n := limit
	b := ruleBody(rule, holder+" holds "+strconv.Itoa(limit)+" "+what+" (its quota)")
	b.Quota = &n
	return b
}
