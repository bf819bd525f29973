// Sessions and CSRF: the session cookie (HttpOnly, SameSite=Lax, Secure and __Host- over
// TLS), its idle and absolute expiry (kept in the store by the id's digest only), the
// pre-session cookie that binds the log-in and sign-up forms' CSRF token, and the check
// every state-changing form passes: the synchronizer token, then Origin and Sec-Fetch-Site.

package dashboard

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/picket-dev/picket/server/internal/accounts"
	"github.com/picket-dev/picket/server/internal/app"
	"github.com/picket-dev/picket/server/internal/store"
)

const (
	sessionCookie = "picket_session"
	preCookie     = "picket_pre"
	// preCookieAge is how long a log-in or sign-up form stays usable.
	preCookieAge = time.Hour
)

// secure reports whether r reached the dashboard over TLS (directly, or as -public-url
// https:// says for a TLS-terminating proxy).
func (d *Dashboard) secure(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(d.publicOrigin, "https://")
}

// cookieName is name, with the __Host- prefix over TLS: such a cookie is Secure, has no
// Domain and Path=/, so that no other host (a sibling subdomain) can set or shadow it.
func (d *Dashboard) cookieName(r *http.Request, name string) string {
	if d.secure(r) {
		return "__Host-" + name
	}
	return name
}

func (d *Dashboard) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	c := &http.Cookie{Name: d.cookieName(r, name), Value: value, Path: "/", HttpOnly: true, Secure: d.secure(r), SameSite: http.SameSiteLaxMode}
	if maxAge > 0 {
		c.MaxAge = int(maxAge / time.Second)
	} else {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

// cookieToken reads a token cookie (the zero Token when absent or malformed).
func (d *Dashboard) cookieToken(r *http.Request, name string) accounts.Token {
	c, err := r.Cookie(d.cookieName(r, name))
	if err != nil {
		return accounts.Token{}
	}
	t, err := accounts.ParseToken(c.Value)
	if err != nil {
		return accounts.Token{}
	}
	return t
}

// sess is a request's live session.
type sess struct {
	store.Session
	token accounts.Token
}

// CSRF is the session's form token.
func (s *sess) CSRF() string { return s.token.CSRF() }

// currentSession is the live session r's cookie names. A session id the server did not
// issue, or one that ended, is no session: it is never adopted.
func (d *Dashboard) currentSession(r *http.Request) (*sess, bool) {
	t := d.cookieToken(r, sessionCookie)
	if t.IsZero() {
		return nil, false
	}
	s, err := d.app.Store().Session(r.Context(), t.Digest(), d.cfg.SessionIdle, d.app.Now())
	if err != nil {
		return nil, false
	}
	return &sess{Session: s, token: t}, true
}

// startSession ends the session r came with, if any (whatever account it was for), and
// starts a new one for the log-in's account: a new id at every log-in, so that an id
// planted in the browser before it (session fixation) is worth nothing after. app.ErrLogin
// when the account was deleted or its password reset since the log-in checked it.
func (d *Dashboard) startSession(ctx context.Context, w http.ResponseWriter, r *http.Request, l app.Login) (*sess, error) {
	if old := d.cookieToken(r, sessionCookie); !old.IsZero() {
		if err := d.app.Store().DeleteSession(ctx, old.Digest()); err != nil {
			return nil, err
		}
	}
	t, err := accounts.NewToken()
	if err != nil {
		return nil, err
	}
	now := d.app.Now()
	s := store.Session{Digest: t.Digest(), Account: l.Account, CreatedAt: now, ExpiresAt: now.Add(d.cfg.SessionMax)}
	if err := d.app.StartSession(ctx, l, s.Digest, s.ExpiresAt, d.cfg.SessionIdle, now); err != nil {
		return nil, err
	}
	d.setCookie(w, r, sessionCookie, t.String(), d.cfg.SessionMax)
	d.setCookie(w, r, preCookie, "", 0)
	return &sess{Session: s, token: t}, nil
}

// preToken is the pre-session token of the log-in and sign-up forms: the cookie's, or a
// new one set now.
func (d *Dashboard) preToken(w http.ResponseWriter, r *http.Request) (accounts.Token, error) {
	if t := d.cookieToken(r, preCookie); !t.IsZero() {
		return t, nil
	}
	t, err := accounts.NewToken()
	if err != nil {
		return t, err
	}
	d.setCookie(w, r, preCookie, t.String(), preCookieAge)
	return t, nil
}

// origin is the dashboard's origin: -public-url's, or the request's own.
func (d *Dashboard) origin(r *http.Request) string {
	if d.publicOrigin != "" {
		return d.publicOrigin
	}
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// errCSRF is a state-changing form refused by the CSRF check.
var errCSRF = errors.New("csrf")

// checkForm parses a state-changing form and checks it came from the dashboard's own
// page: its csrf field must be the token of t (the session, or the pre-session of the
// log-in and sign-up forms), and the browser's Sec-Fetch-Site (when sent) must be
// same-origin and its Origin (when sent) the dashboard's.
func (d *Dashboard) checkForm(r *http.Request, t accounts.Token) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return errCSRF
	}
	if o := r.Header.Get("Origin"); o != "" && o != d.origin(r) {
		return errCSRF
	}
	if len(r.PostForm["csrf"]) != 1 || !t.CheckCSRF(r.PostForm.Get("csrf")) {
		return errCSRF
	}
	return nil
}

// authed runs next with the request's session; without one, a page leads to the log-in
// form. A POST must pass checkForm with the session's token.
func (d *Dashboard) authed(next func(http.ResponseWriter, *http.Request, *sess)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok := d.currentSession(r)
		if !ok {
			http.Redirect(w, r, Prefix+"/login?notice=session_ended", http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost {
			if err := d.checkForm(r, s.token); err != nil {
				d.formErr(w, r, s, err)
				return
			}
		}
		next(w, r, s)
	})
}

// formErr answers a form that failed checkForm.
func (d *Dashboard) formErr(w http.ResponseWriter, r *http.Request, s *sess, err error) {
	var tooLarge *http.MaxBytesError
	switch {
	case errors.Is(err, errCSRF):
		d.fail(w, r, s, http.StatusForbidden, csrfRefused)
	case errors.As(err, &tooLarge):
		// A 1 MB password, say: refused unread, before any argon2id work.
		d.fail(w, r, s, http.StatusRequestEntityTooLarge, formTooLarge)
	default:
		d.fail(w, r, s, http.StatusBadRequest, badForm)
	}
}

// retryAfter sets Retry-After (whole seconds, at least 1) and returns it for the page.
func retryAfter(w http.ResponseWriter, wait time.Duration) int {
	s := int((wait + time.Second - 1) / time.Second)
	if s < 1 {
		s = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(s))
	return s
}
