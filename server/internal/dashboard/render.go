// Rendering: the page templates (one layout, one file per page), the data a page gets,
// and the dashboard's own rules with their messages.

package dashboard

import (
	"bytes"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/picket-dev/picket/server/internal/accounts"
	"github.com/picket-dev/picket/server/internal/app"
	"github.com/picket-dev/picket/server/internal/rules"
	"github.com/picket-dev/picket/server/internal/store"
)

// pages holds each page's template (the layout with that page's "content").
type pages map[string]*template.Template

var funcs = template.FuncMap{"when": when}

// when is a time as the pages show it ("never" for none).
func when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func parsePages() (pages, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := pages{}
	for _, n := range names {
		if strings.HasSuffix(n, "/layout.html") {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", n)
		if err != nil {
			return nil, err
		}
		p[strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")] = t
	}
	return p, nil
}

// rule is a refusal shown on a page: the rule's name, its code and a message.
type rule struct {
	Name    string
	Code    uint32
	Message string
	Refused []app.RefusedURI
}

// newRule is a refusal of one of the server's rules with the page's message.
func newRule(r rules.Rule, message string) rule {
	return rule{Name: r.Name, Code: r.Code, Message: message}
}

// The dashboard's own rules.
var (
	notFound     = newRule(rules.NotFound, "There is no such page or project here.")
	csrfRefused  = newRule(rules.CSRFRefused, "The form did not come from this dashboard's own page (or the page is too old): reload the page and try again.")
	badForm      = newRule(rules.BadRequest, "The form could not be read.")
	formTooLarge = newRule(rules.BodyTooLarge, "The form is larger than "+strconv.Itoa(app.MaxBody>>10)+" KiB: nothing was read (a password has at most "+strconv.Itoa(accounts.MaxPasswordBytes)+" bytes).")
	loginFailed  = newRule(rules.LoginFailed, "Wrong email or password.")
	rateLimited  = newRule(rules.RateLimited, "Too many attempts: wait a little and try again.")
	signupClosed = newRule(rules.SignupClosed, "Sign-up is closed on this server: ask its operator for an account.")
	internal     = newRule(rules.InternalError, "Something went wrong on the server: try again later.")
)

func ptr(r rule) *rule { return &r }

func fromBody(b app.ErrorBody) *rule {
	return &rule{Name: b.Error, Code: b.Code, Message: b.Message, Refused: b.Refused}
}

// notices are the fixed messages a redirect may ask for (?notice=NAME).
var notices = map[string]string{
	"logged_out":       "You are logged out.",
	"signed_up":        "If this address is new, your account is ready, with its first project: log in to see the project's keys. If the address already had an account, nothing changed: log in with that account's password.",
	"session_ended":    "Log in to continue (a session ends after a while unused, and some hours after log-in).",
	"key_revoked":      "The key is revoked.",
	"uri_added":        "The redirect URI is added.",
	"uri_removed":      "The redirect URI is removed.",
	"mode_production":  "The project is in production.",
	"mode_development": "The project is in development.",
}

// keyRow is a key as a table row shows it.
type keyRow struct {
	store.Key
	State string
}

// view is what a page's template gets.
type view struct {
	Title   string
	Session *sess
	// CSRF is the form token (the session's, or the pre-session's on log-in and sign-up).
	CSRF   string
	Notice string
	Error  *rule
	Retry  int

	Email      string
	SignupOpen bool
	Projects   []store.Project
	MoreAfter  int64
	Project    *store.Project
	Production bool
	Keys       []keyRow
	URIs       []string
	NewKeys    []app.IssuedKey
	URIInput   string
}

func (d *Dashboard) render(w http.ResponseWriter, r *http.Request, status int, page string, v *view) {
	if v.Session != nil && v.CSRF == "" {
		v.CSRF = v.Session.CSRF()
	}
	if n := notices[r.URL.Query().Get("notice")]; n != "" && v.Notice == "" {
		v.Notice = n
	}
	var buf bytes.Buffer
	if err := d.pages[page].Execute(&buf, v); err != nil {
		d.app.Logger().ErrorContext(r.Context(), "dashboard template", "page", page, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fail answers with the error page.
func (d *Dashboard) fail(w http.ResponseWriter, r *http.Request, s *sess, status int, e rule) {
	d.render(w, r, status, "error", &view{Title: e.Name, Session: s, Error: &e})
}

// internalErr logs err and answers 500.
func (d *Dashboard) internalErr(w http.ResponseWriter, r *http.Request, s *sess, what string, err error) {
	d.app.Logger().ErrorContext(r.Context(), "dashboard: "+what, "error", err)
	d.fail(w, r, s, http.StatusInternalServerError, internal)
}

func newKeys(k app.IssuedKey) []app.IssuedKey { return []app.IssuedKey{k} }
