// Management API, redirect URIs: listing, adding and removing a project's redirect URIs.

package app

import (
	"context"
	"errors"
	"net/http"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/rules"
	"github.com/picket-dev/picket/server/internal/store"
)

// RedirectURI is the JSON form of a registered redirect URI.
type RedirectURI struct {
	ProjectID int64  `json:"project_id"`
	URI       string `json:"uri"`
}

func (a *App) listRedirects(w http.ResponseWriter, r *http.Request, au picket.Auth) {
	pg, ok := readPage(w, r)
	if !ok {
		return
	}
	uris, more, err := a.store.RedirectURIs(r.Context(), int64(au.Project), pg.after, pg.limit)
	if err != nil {
		a.storeErr(w, r, err)
		return
	}
	last := ""
	if len(uris) > 0 {
		last = uris[len(uris)-1]
	}
	picket.WriteJSON(w, http.StatusOK, map[string]any{"redirect_uris": uris, "next_cursor": nextCursor(more, last)})
}

// AddRedirectURI validates uri for the project's mode (picket's rules) and registers it.
// Shared by API and CLI. A refusal is a *picket.Error naming the rule.
func (a *App) AddRedirectURI(ctx context.Context, project int64, uri string) error {
	err := a.store.AddRedirectURI(ctx, project, uri, func(mode picket.Mode) error {
		return picket.ValidateRedirectURI(uri, mode, 0)
	}, a.Quotas.RedirectURIsPerProject, a.now())
	if err == nil {
		_ = a.Reload()
	}
	return err
}

// RemoveRedirectURI unregisters uri and revokes the tokens issued for it. Shared by API and
// CLI.
func (a *App) RemoveRedirectURI(ctx context.Context, project int64, uri string) error {
	err := a.store.RemoveRedirectURI(ctx, project, uri, a.now())
	if err == nil {
		_ = a.Reload()
	}
	return err
}

func (a *App) addRedirect(w http.ResponseWriter, r *http.Request, au picket.Auth) {
	var body struct {
		URI string `json:"uri"`
	}
	if !decode(w, r, &body, false) {
		return
	}
	err := a.AddRedirectURI(r.Context(), int64(au.Project), body.URI)
	var pe *picket.Error
	switch {
	case err == nil:
		picket.WriteJSON(w, http.StatusCreated, RedirectURI{ProjectID: int64(au.Project), URI: body.URI})
	case errors.As(err, &pe):
		writePicketErr(w, http.StatusBadRequest, pe)
	case errors.Is(err, store.ErrExists):
		writeErr(w, rules.RedirectURIExists, "the redirect URI is already registered")
	case a.quotaErr(w, err):
	default:
		a.storeErr(w, r, err)
	}
}

func (a *App) removeRedirect(w http.ResponseWriter, r *http.Request, au picket.Auth) {
	var body struct {
		URI string `json:"uri"`
	}
	if !decode(w, r, &body, false) {
		return
	}
	err := a.RemoveRedirectURI(r.Context(), int64(au.Project), body.URI)
	switch {
	case err == nil:
		picket.WriteJSON(w, http.StatusOK, RedirectURI{ProjectID: int64(au.Project), URI: body.URI})
	case errors.Is(err, store.ErrNotFound):
		writeErr(w, rules.RedirectURINotFound, "the redirect URI is not registered")
	default:
		a.storeErr(w, r, err)
	}
}
