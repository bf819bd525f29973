// Sign-up, log-in and log-out.

package dashboard

import (
	"errors"
	"net/http"
	"strings"

	"github.com/picket-dev/picket/server/internal/accounts"
	"github.com/picket-dev/picket/server/internal/app"
	"github.com/picket-dev/picket/server/internal/store"
)

// anonForm shows the log-in or sign-up form with the pre-session's CSRF token.
func (d *Dashboard) anonForm(w http.ResponseWriter, r *http.Request, status int, page string, v *view) {
	t, err := d.preToken(w, r)
	if err != nil {
		d.internalErr(w, r, nil, "pre-session", err)
		return
	}
	v.CSRF, v.SignupOpen = t.CSRF(), d.cfg.Signup
	d.render(w, r, status, page, v)
}

// loginForm shows the log-in form, also to a browser with a session: logging in then
// replaces that session (another account's, or one planted in the browser).
func (d *Dashboard) loginForm(w http.ResponseWriter, r *http.Request) {
	d.anonForm(w, r, http.StatusOK, "login", &view{Title: "Log in"})
}

func (d *Dashboard) signupForm(w http.ResponseWriter, r *http.Request) {
	d.anonForm(w, r, http.StatusOK, "signup", &view{Title: "Sign up"})
}

// anonPost checks a log-in or sign-up form against the pre-session's token.
func (d *Dashboard) anonPost(w http.ResponseWriter, r *http.Request) bool {
	if err := d.checkForm(r, d.cookieToken(r, preCookie)); err != nil {
		d.formErr(w, r, nil, err)
		return false
	}
	return true
}

// throttleKey is the per-account limiter's key of a typed email: the account's key for a
// valid address, the lowercased text otherwise (an unknown address is limited exactly as
// a known one, so that the limit tells nothing).
func throttleKey(email string) string {
	if _, key, err := accounts.NormalizeEmail(email); err == nil {
		return key
	}
	e := strings.ToLower(strings.TrimSpace(email))
	if len(e) > accounts.MaxEmailBytes {
		e = e[:accounts.MaxEmailBytes]
	}
	return e
}

func (d *Dashboard) login(w http.ResponseWriter, r *http.Request) {
	if !d.anonPost(w, r) {
		return
	}
	email, password := r.PostForm.Get("email"), r.PostForm.Get("password")
	v := &view{Title: "Log in", Email: email}
	now := d.app.Now()
	key, client := throttleKey(email), d.app.ClientKey(r)
	// A browser that logged in to this account before is limited on its own, so that
	// failures from elsewhere cannot lock the account's owner out (device.go).
	limiter, limitKey := d.loginAccount, key
	if dev, ok := d.knownDevice(r, key); ok {
		limiter, limitKey = d.loginDevice, dev
	}
	// Only failures spend: checking does not.
	_, waitAccount := limiter.Blocked(limitKey, now)
	_, waitClient := d.loginClient.Blocked(client, now)
	if wait := max(waitAccount, waitClient); wait > 0 {
		v.Retry = retryAfter(w, wait)
		e := rateLimited
		v.Error = &e
		d.anonForm(w, r, http.StatusTooManyRequests, "login", v)
		return
	}
	l, err := d.app.CheckLogin(r.Context(), email, password)
	if errors.Is(err, app.ErrLogin) {
		limiter.Spend(limitKey, now)
		d.loginClient.Spend(client, now)
		d.loginFailed(w, r, v)
		return
	}
	if err != nil {
		d.internalErr(w, r, nil, "log-in", err)
		return
	}
	acc := l.Account
	s, err := d.startSession(r.Context(), w, r, l)
	if errors.Is(err, app.ErrLogin) {
		// The operator reset the password or deleted the account meanwhile: the password
		// was right a moment ago, so nothing is spent.
		d.loginFailed(w, r, v)
		return
	}
	if err != nil {
		d.internalErr(w, r, nil, "session", err)
		return
	}
	if err := d.rememberDevice(w, r, key); err != nil {
		d.internalErr(w, r, s, "device cookie", err)
		return
	}
	d.app.Logger().InfoContext(r.Context(), "dashboard log-in", "account", acc.ID)
	// The account's first log-in issues My First Project's keys (sign-up could not show
	// them) and shows them this once.
	np, first, err := d.app.FirstKeys(r.Context(), acc.ID)
	if err != nil {
		d.internalErr(w, r, s, "first keys", err)
		return
	}
	if first {
		d.render(w, r, http.StatusOK, "created", &view{Title: np.Project.Name, Session: s, Project: &np.Project, NewKeys: np.Keys,
			Notice: "Welcome! This first log-in issued My First Project's keys. Copy them now: they are shown only this once."})
		return
	}
	http.Redirect(w, r, Prefix+"/projects", http.StatusSeeOther)
}

// loginFailed answers a refused log-in: the form again, 401 login_failed.
func (d *Dashboard) loginFailed(w http.ResponseWriter, r *http.Request, v *view) {
	e := loginFailed
	v.Error = &e
	d.anonForm(w, r, http.StatusUnauthorized, "login", v)
}

func (d *Dashboard) signup(w http.ResponseWriter, r *http.Request) {
	if !d.anonPost(w, r) {
		return
	}
	email, password := r.PostForm.Get("email"), r.PostForm.Get("password")
	v := &view{Title: "Sign up", Email: email}
	if !d.cfg.Signup {
		e := signupClosed
		v.Error = &e
		d.anonForm(w, r, http.StatusForbidden, "signup", v)
		return
	}
	now := d.app.Now()
	client := d.app.ClientKey(r)
	if ok, wait := d.signupClient.Take(client, now); !ok {
		v.Retry = retryAfter(w, wait)
		e := rateLimited
		v.Error = &e
		d.anonForm(w, r, http.StatusTooManyRequests, "signup", v)
		return
	}
	// A new email and a taken one get the same answer, after the same argon2id work: the
	// log-in form with a notice that holds for both. A taken email changes nothing.
	acc, err := d.app.SignUp(r.Context(), email, password)
	var ar *accounts.Rule
	switch {
	case errors.As(err, &ar):
		// The rules read only what was typed: they say nothing about accounts.
		e := newRule(ar.Rule, ar.Message)
		v.Error = &e
		d.anonForm(w, r, http.StatusBadRequest, "signup", v)
		return
	case errors.Is(err, store.ErrExists):
		// For the operator: which account's address was used (never the address itself,
		// nor the password).
		d.app.Logger().InfoContext(r.Context(), "dashboard sign-up with an existing account's email: nothing changed", "account", acc.ID)
	case err != nil:
		d.internalErr(w, r, nil, "sign-up", err)
		return
	}
	http.Redirect(w, r, Prefix+"/login?notice=signed_up", http.StatusSeeOther)
}

func (d *Dashboard) logout(w http.ResponseWriter, r *http.Request, s *sess) {
	if err := d.app.Store().DeleteSession(r.Context(), s.Digest); err != nil {
		d.internalErr(w, r, s, "log-out", err)
		return
	}
	d.setCookie(w, r, sessionCookie, "", 0)
	http.Redirect(w, r, Prefix+"/login?notice=logged_out", http.StatusSeeOther)
}
