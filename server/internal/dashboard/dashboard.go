// Package dashboard is picket-server's web dashboard: sign-up, log-in and log-out, an
// account's projects, and a project's keys, redirect URIs and mode, in server-rendered
// HTML (html/template) with one small script (the copy button). Templates and static files
// are embedded beside these handlers.
//
// Every change goes through the same service operations as the JSON API and the CLI
// (app.App's IssueKey, RollKey, RevokeKey, AddRedirectURI, RemoveRedirectURI, SetMode,
// CreateProject, CreateAccount), so every rule, quota and registry reload applies alike.
// Every page of a project checks that the session's account owns it: another account's
// project answers 404, as a project that does not exist does.
package dashboard

import (
	"context"
	"crypto/rand"
	"embed"
	"io/fs"
	"net/http"
	"net/url"
	"time"

	"github.com/picket-dev/picket/server/internal/app"
	"github.com/picket-dev/picket/server/internal/ratelimit"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Prefix is where the dashboard is mounted.
const Prefix = "/dashboard"

// Dashboard serves the pages.
type Dashboard struct {
	app   *app.App
	cfg   app.UIConfig
	pages pages
	// publicOrigin is cfg.PublicURL without a trailing slash ("" when not set).
	publicOrigin string
	// Log-in failures per account (by email), per known device (device.go) and per client
	// address; sign-ups per client address.
	loginAccount, loginDevice, loginClient, signupClient *ratelimit.Expiring
	// deviceKey is the MAC key of the device cookies (random, per process).
	deviceKey []byte
}

// Limits of attempts (token buckets, see package ratelimit): a burst, then one per period.
var (
	// LoginPerAccount: 5 failed log-ins to one email, then one a minute. A browser that
	// logged in to the account before has a bucket of its own, LoginPerDevice, instead.
	LoginPerAccount = limit{5, time.Minute}
	// LoginPerDevice: 5 failed log-ins from one known device (device.go), then one a minute.
	LoginPerDevice = limit{5, time.Minute}
	// LoginPerClient: 20 failed log-ins from one address, then one every 6 seconds.
	LoginPerClient = limit{20, 6 * time.Second}
	// SignupPerClient: 10 sign-ups from one address, then one every 6 minutes.
	SignupPerClient = limit{10, 6 * time.Minute}
)

type limit struct {
	Burst int
	Every time.Duration
}

// maxLimiterKeys bounds the keys each limiter remembers. Beyond, a new key forgets the
// least recently used one, in constant time (ratelimit.Expiring), rather than being
// refused: a table that refused new keys once full let one attacker who keeps it full of
// buckets in use refuse every other user's log-in (and made each new key scan them all).
// Forgetting a guessed account's bucket instead takes maxLimiterKeys failed log-ins with
// other emails since that account's last one, each an argon2id run of the server's and
// each spending its address's bucket, to win LoginPerAccount.Burst more guesses.
const maxLimiterKeys = 100_000

// limiter is l's buckets: Burst, refilled one per Every (Burst per Burst*Every).
func (l limit) limiter() *ratelimit.Expiring {
	return ratelimit.NewExpiring(l.Burst, time.Duration(l.Burst)*l.Every, maxLimiterKeys)
}

// New builds the dashboard over a (its store and service operations).
func New(a *app.App, cfg app.UIConfig) (http.Handler, error) {
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	h, err := a.Passwords()
	if err != nil {
		return nil, err
	}
	if err := h.Prepare(context.Background()); err != nil {
		return nil, err
	}
	d := &Dashboard{app: a, cfg: cfg, pages: p,
		loginAccount: LoginPerAccount.limiter(),
		loginDevice:  LoginPerDevice.limiter(),
		deviceKey:    make([]byte, 32),
		loginClient:  LoginPerClient.limiter(),
		signupClient: SignupPerClient.limiter(),
	}
	if _, err := rand.Read(d.deviceKey); err != nil {
		return nil, err
	}
	if cfg.PublicURL != "" {
		u, err := url.Parse(cfg.PublicURL)
		if err != nil {
			return nil, err
		}
		d.publicOrigin = u.Scheme + "://" + u.Host
	}
	return d.routes(), nil
}

func (d *Dashboard) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFiles, "static")
	mux.Handle("GET "+Prefix+"/static/", http.StripPrefix(Prefix+"/static/", staticHandler(http.FileServerFS(static))))
	mux.HandleFunc("GET "+Prefix+"/{$}", d.home)
	mux.HandleFunc("GET "+Prefix+"/signup", d.signupForm)
	mux.HandleFunc("POST "+Prefix+"/signup", d.signup)
	mux.HandleFunc("GET "+Prefix+"/login", d.loginForm)
	mux.HandleFunc("POST "+Prefix+"/login", d.login)
	mux.Handle("POST "+Prefix+"/logout", d.authed(d.logout))
	mux.Handle("GET "+Prefix+"/projects", d.authed(d.projects))
	mux.Handle("POST "+Prefix+"/projects", d.authed(d.createProject))
	mux.Handle("GET "+Prefix+"/projects/{id}", d.authed(d.owned(d.project)))
	mux.Handle("POST "+Prefix+"/projects/{id}/keys", d.authed(d.owned(d.issueKey)))
	mux.Handle("POST "+Prefix+"/projects/{id}/keys/{key}/roll", d.authed(d.owned(d.rollKey)))
	mux.Handle("POST "+Prefix+"/projects/{id}/keys/{key}/revoke", d.authed(d.owned(d.revokeKey)))
	mux.Handle("POST "+Prefix+"/projects/{id}/redirect_uris", d.authed(d.owned(d.addRedirect)))
	mux.Handle("POST "+Prefix+"/projects/{id}/redirect_uris/remove", d.authed(d.owned(d.removeRedirect)))
	mux.Handle("POST "+Prefix+"/projects/{id}/mode", d.authed(d.owned(d.setMode)))
	mux.HandleFunc(Prefix+"/", func(w http.ResponseWriter, r *http.Request) {
		d.fail(w, r, nil, http.StatusNotFound, notFound)
	})
	return d.securityHeaders(mux)
}

func (d *Dashboard) home(w http.ResponseWriter, r *http.Request) {
	if _, ok := d.currentSession(r); ok {
		http.Redirect(w, r, Prefix+"/projects", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, Prefix+"/login", http.StatusSeeOther)
}
