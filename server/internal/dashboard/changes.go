// A project's changes: keys (issue, roll, revoke), redirect URIs (add, remove) and the
// mode, each through the service operation the JSON API uses.

package dashboard

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/picket-dev/picket/server/internal/rules"
	"github.com/picket-dev/picket/server/internal/store"
)

// lifetimes are the key lifetimes the issue form offers (0: no expiry).
var lifetimes = map[string]time.Duration{"": 0, "none": 0, "1d": 24 * time.Hour, "30d": 30 * 24 * time.Hour, "90d": 90 * 24 * time.Hour, "365d": 365 * 24 * time.Hour}

// graces are the grace periods the roll form offers.
var graces = map[string]time.Duration{"0": 0, "1h": time.Hour, "24h": store.DefaultGrace, "7d": 7 * 24 * time.Hour}

// refuse shows the project page with the refusal of err (status from app.Refusal), or
// answers 500 for an error that is not a refusal. v carries what the form had.
func (d *Dashboard) refuse(w http.ResponseWriter, r *http.Request, s *sess, p store.Project, err error, v *view) {
	if status, body, ok := d.app.Refusal(err); ok {
		v.Error = fromBody(body)
		d.renderProject(w, r, s, p, status, v)
		return
	}
	d.internalErr(w, r, s, "project change", err)
}

func (d *Dashboard) issueKey(w http.ResponseWriter, r *http.Request, s *sess, p store.Project) {
	kind, ok := store.ParseKind(r.PostForm.Get("kind"))
	lifetime, ok2 := lifetimes[r.PostForm.Get("expires")]
	if !ok || !ok2 {
		d.fail(w, r, s, http.StatusBadRequest, badForm)
		return
	}
	k, err := d.app.IssueKey(r.Context(), p.ID, kind, lifetime)
	if err != nil {
		d.refuse(w, r, s, p, err, &view{})
		return
	}
	d.renderProject(w, r, s, p, http.StatusCreated, &view{NewKeys: newKeys(k)})
}

// keyID is the path's key id (0 when malformed: no key has it).
func keyID(r *http.Request) int64 {
	id, err := strconv.ParseInt(r.PathValue("key"), 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

// keyNotFound answers a key id that is not one of the project's keys.
func (d *Dashboard) keyNotFound(w http.ResponseWriter, r *http.Request, s *sess, p store.Project) {
	d.renderProject(w, r, s, p, http.StatusNotFound, &view{Error: ptr(newRule(rules.UnknownKey, "No such key in this project."))})
}

func (d *Dashboard) rollKey(w http.ResponseWriter, r *http.Request, s *sess, p store.Project) {
	grace, ok := graces[r.PostForm.Get("grace")]
	if !ok {
		d.fail(w, r, s, http.StatusBadRequest, badForm)
		return
	}
	// The account owns the project: it acts as the operator does within it (any key, but
	// never the last working secret key).
	k, err := d.app.RollKey(r.Context(), keyID(r), store.Actor{Project: p.ID}, grace, nil)
	switch {
	case errors.Is(err, store.ErrNotFound):
		d.keyNotFound(w, r, s, p)
	case err != nil:
		d.refuse(w, r, s, p, err, &view{})
	default:
		notice := "The key is rolled: the old one stops now."
		if k.Previous != nil && k.Previous.ExpiresAt != nil && k.Previous.ExpiresAt.After(d.app.Now()) {
			notice = "The key is rolled: the old one works until " + when(*k.Previous.ExpiresAt) + "."
		}
		d.renderProject(w, r, s, p, http.StatusCreated, &view{NewKeys: newKeys(k), Notice: notice})
	}
}

func (d *Dashboard) revokeKey(w http.ResponseWriter, r *http.Request, s *sess, p store.Project) {
	_, err := d.app.RevokeKey(r.Context(), keyID(r), store.Actor{Project: p.ID})
	switch {
	case errors.Is(err, store.ErrNotFound):
		d.keyNotFound(w, r, s, p)
	case err != nil:
		d.refuse(w, r, s, p, err, &view{})
	default:
		http.Redirect(w, r, projectURL(p, "key_revoked"), http.StatusSeeOther)
	}
}

func (d *Dashboard) addRedirect(w http.ResponseWriter, r *http.Request, s *sess, p store.Project) {
	uri := r.PostForm.Get("uri")
	err := d.app.AddRedirectURI(r.Context(), p.ID, uri)
	switch {
	case err == nil:
		http.Redirect(w, r, projectURL(p, "uri_added"), http.StatusSeeOther)
	case errors.Is(err, store.ErrExists):
		d.renderProject(w, r, s, p, http.StatusConflict, &view{URIInput: uri,
			Error: ptr(newRule(rules.RedirectURIExists, "The redirect URI is already registered."))})
	default:
		d.refuse(w, r, s, p, err, &view{URIInput: uri})
	}
}

func (d *Dashboard) removeRedirect(w http.ResponseWriter, r *http.Request, s *sess, p store.Project) {
	err := d.app.RemoveRedirectURI(r.Context(), p.ID, r.PostForm.Get("uri"))
	switch {
	case err == nil:
		http.Redirect(w, r, projectURL(p, "uri_removed"), http.StatusSeeOther)
	case errors.Is(err, store.ErrNotFound):
		d.renderProject(w, r, s, p, http.StatusNotFound, &view{Error: ptr(newRule(rules.RedirectURINotFound, "The redirect URI is not registered."))})
	default:
		d.refuse(w, r, s, p, err, &view{})
	}
}

func (d *Dashboard) setMode(w http.ResponseWriter, r *http.Request, s *sess, p store.Project) {
	mode, ok := store.ParseMode(r.PostForm.Get("mode"))
	if !ok {
		d.fail(w, r, s, http.StatusBadRequest, badForm)
		return
	}
	if _, err := d.app.SetMode(r.Context(), p.ID, mode); err != nil {
		d.refuse(w, r, s, p, err, &view{})
		return
	}
	http.Redirect(w, r, projectURL(p, "mode_"+mode.String()), http.StatusSeeOther)
}
