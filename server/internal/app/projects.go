// Management API, projects: the JSON form of a project, ping, reading a project and
// switching its mode (refused while a redirect URI fails the production rules).

package app

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/rules"
	"github.com/picket-dev/picket/server/internal/store"
)

// Project is the JSON form of a project.
type Project struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Mode      string    `json:"mode"`
	CreatedAt time.Time `json:"created_at"`
}

func projectJSON(p store.Project) Project {
	return Project{ID: p.ID, Name: p.Name, Mode: p.Mode.String(), CreatedAt: p.CreatedAt}
}

func (a *App) ping(w http.ResponseWriter, r *http.Request, au picket.Auth) {
	a.allowOrigin(w, r, au.Project)
	picket.WriteJSON(w, http.StatusOK, map[string]any{"project_id": au.Project, "key_kind": au.Kind.String()})
}

func (a *App) getProject(w http.ResponseWriter, r *http.Request, au picket.Auth) {
	p, err := a.store.Project(r.Context(), int64(au.Project))
	if err != nil {
		a.storeErr(w, r, err)
		return
	}
	picket.WriteJSON(w, http.StatusOK, projectJSON(p))
}

// productionRefusals lists the URIs that production refuses, with each rule.
func productionRefusals(uris []string) []RefusedURI {
	var out []RefusedURI
	for _, u := range uris {
		if err := picket.ValidateRedirectURI(u, picket.Production, 0); err != nil {
			b := ruleBody(rules.InternalError, "")
			var e *picket.Error
			if errors.As(err, &e) {
				b = picketBody(e)
			}
			out = append(out, RefusedURI{URI: u, Error: b.Error, Code: b.Code, Message: b.Message})
		}
	}
	return out
}

// refusedError carries the refusals of a production switch out of the store's transaction.
type refusedError struct{ refused []RefusedURI }

func (e *refusedError) Error() string {
	return strconv.Itoa(len(e.refused)) + " redirect URI(s) refused by production rules"
}

// SetMode switches a project's mode, refused (a *refusedError) while a redirect URI fails
// the production rules. Shared by the API and the CLI.
func (a *App) SetMode(ctx context.Context, project int64, mode picket.Mode) (store.Project, error) {
	p, err := a.store.SetMode(ctx, project, mode, func(uris []string) error {
		if mode != picket.Production {
			return nil
		}
		if refused := productionRefusals(uris); len(refused) > 0 {
			return &refusedError{refused: refused}
		}
		return nil
	})
	if err == nil {
		_ = a.Reload()
	}
	return p, err
}

func productionRefusedBody(re *refusedError) ErrorBody {
	b := ruleBody(rules.ProductionRefused, "production refuses "+strconv.Itoa(len(re.refused))+
		" of the project's redirect URIs (listed in refused): remove them first")
	b.Refused = re.refused
	return b
}

func (a *App) setMode(w http.ResponseWriter, r *http.Request, au picket.Auth) {
	var body struct {
		Mode string `json:"mode"`
	}
	if !decode(w, r, &body, false) {
		return
	}
	mode, ok := store.ParseMode(body.Mode)
	if !ok {
		writeErr(w, rules.BadRequest, `mode must be "development" or "production"`)
		return
	}
	p, err := a.SetMode(r.Context(), int64(au.Project), mode)
	var re *refusedError
	switch {
	case errors.As(err, &re):
		writeError(w, rules.ProductionRefused.Status, productionRefusedBody(re))
	case err != nil:
		a.storeErr(w, r, err)
	default:
		picket.WriteJSON(w, http.StatusOK, projectJSON(p))
	}
}
