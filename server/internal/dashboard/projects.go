// An account's projects: the list, creating one, and a project's page.

package dashboard

import (
	"errors"
	"net/http"
	"strconv"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/app"
	"github.com/picket-dev/picket/server/internal/store"
)

// pageSize is how many projects, keys or redirect URIs a page lists at once.
const pageSize = 100

func (d *Dashboard) projects(w http.ResponseWriter, r *http.Request, s *sess) {
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	d.renderProjects(w, r, s, http.StatusOK, after, &view{})
}

func (d *Dashboard) renderProjects(w http.ResponseWriter, r *http.Request, s *sess, status int, after int64, v *view) {
	ps, more, err := d.app.Store().AccountProjects(r.Context(), s.Account.ID, max(after, 0), pageSize)
	if err != nil {
		d.internalErr(w, r, s, "projects", err)
		return
	}
	v.Title, v.Session, v.Projects = "Projects", s, ps
	if more {
		v.MoreAfter = ps[len(ps)-1].ID
	}
	d.render(w, r, status, "projects", v)
}

func (d *Dashboard) createProject(w http.ResponseWriter, r *http.Request, s *sess) {
	np, err := d.app.CreateProject(r.Context(), s.Account.ID, r.PostForm.Get("name"))
	if status, body, ok := d.app.Refusal(err); ok {
		d.renderProjects(w, r, s, status, 0, &view{Error: fromBody(body)})
		return
	}
	if err != nil {
		d.internalErr(w, r, s, "create project", err)
		return
	}
	d.render(w, r, http.StatusCreated, "created", &view{Title: np.Project.Name, Session: s, Project: &np.Project, NewKeys: np.Keys,
		Notice: "The project is created with a publishable and a secret key. Copy them now: they are shown only this once."})
}

// owned runs next with the project the path names, when the session's account owns it;
// any other id (another account's project, or none) is 404. A change (POST) spends the
// project's management_per_project limit, the one its API calls spend: 429 beyond.
func (d *Dashboard) owned(next func(http.ResponseWriter, *http.Request, *sess, store.Project)) func(http.ResponseWriter, *http.Request, *sess) {
	return func(w http.ResponseWriter, r *http.Request, s *sess) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil || id <= 0 {
			d.fail(w, r, s, http.StatusNotFound, notFound)
			return
		}
		p, err := d.app.Store().OwnedProject(r.Context(), s.Account.ID, id)
		if errors.Is(err, store.ErrNotFound) {
			d.fail(w, r, s, http.StatusNotFound, notFound)
			return
		}
		if err != nil {
			d.internalErr(w, r, s, "project", err)
			return
		}
		if r.Method == http.MethodPost {
			if err := d.app.TakeManagement(w, p.ID); err != nil {
				d.refuse(w, r, s, p, err, &view{})
				return
			}
		}
		next(w, r, s, p)
	}
}

func (d *Dashboard) project(w http.ResponseWriter, r *http.Request, s *sess, p store.Project) {
	d.renderProject(w, r, s, p, http.StatusOK, &view{})
}

// renderProject shows project p with its keys and redirect URIs, and what v adds (a key
// just issued, a refusal).
func (d *Dashboard) renderProject(w http.ResponseWriter, r *http.Request, s *sess, p store.Project, status int, v *view) {
	ctx := r.Context()
	keys, _, err := d.app.Store().Keys(ctx, p.ID, 0, app.MaxPageSize)
	if err != nil {
		d.internalErr(w, r, s, "keys", err)
		return
	}
	uris, _, err := d.app.Store().RedirectURIs(ctx, p.ID, "", app.MaxPageSize)
	if err != nil {
		d.internalErr(w, r, s, "redirect URIs", err)
		return
	}
	now := d.app.Now()
	rows := make([]keyRow, 0, len(keys))
	// Newest first: the key just issued or rolled is at the top.
	for i := len(keys) - 1; i >= 0; i-- {
		k := keys[i]
		state := "live"
		switch {
		case !k.RevokedAt.IsZero():
			state = "revoked"
		case !k.Live(now):
			state = "expired"
		}
		rows = append(rows, keyRow{Key: k, State: state})
	}
	v.Title, v.Session, v.Project, v.Keys, v.URIs = p.Name, s, &p, rows, uris
	v.Production = p.Mode == picket.Production
	d.render(w, r, status, "project", v)
}

// projectURL is the project's page, with a notice.
func projectURL(p store.Project, notice string) string {
	u := Prefix + "/projects/" + strconv.FormatInt(p.ID, 10)
	if notice != "" {
		u += "?notice=" + notice
	}
	return u
}
