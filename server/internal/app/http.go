package app

import (
	"errors"
	"net/http"
	"strings"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/rules"
	"github.com/picket-dev/picket/server/internal/store"
)

// MaxBody is the largest request body accepted (413 beyond).
const MaxBody = 64 << 10

// Handler is the server's HTTP handler.
func (a *App) Handler() http.Handler {
	mux := newRouteMux()
	mux.Handle("/healthz", methods{"GET": http.HandlerFunc(a.healthz)})
	mux.Handle("/openapi.json", methods{"GET": http.HandlerFunc(a.openAPI)})
	mux.Handle("/readyz", methods{"GET": http.HandlerFunc(a.readyz)})
	mux.Handle("/v1/ping", a.cors(methods{"GET": a.auth(picket.RequireAny, a.ping)}))
	mux.Handle("/v1/project", methods{"GET": a.auth(picket.RequireSecret, a.manage(a.getProject))})
	mux.Handle("/v1/project/mode", methods{"POST": a.auth(picket.RequireSecret, a.manage(a.setMode))})
	mux.Handle("/v1/keys", methods{"GET": a.auth(picket.RequireSecret, a.manage(a.listKeys)), "POST": a.auth(picket.RequireSecret, a.manage(a.issueKey))})
	mux.Handle("/v1/keys/{id}/roll", methods{"POST": a.auth(picket.RequireSecret, a.manage(a.rollKey))})
	mux.Handle("/v1/keys/{id}/revoke", methods{"POST": a.auth(picket.RequireSecret, a.manage(a.revokeKey))})
	mux.Handle("/v1/redirect_uris", methods{
		"GET":    a.auth(picket.RequireSecret, a.manage(a.listRedirects)),
		"POST":   a.auth(picket.RequireSecret, a.manage(a.addRedirect)),
		"DELETE": a.auth(picket.RequireSecret, a.manage(a.removeRedirect)),
	})
	mux.Handle("/v1/tokens/validate", methods{"POST": a.auth(picket.RequireSecret, a.validateToken)})
	for _, p := range a.metadataPaths() {
		mux.Handle(p, methods{"GET": http.HandlerFunc(a.metadata)})
	}
	mux.Handle("/oauth2/authorize", methods{"GET": http.HandlerFunc(a.authorize)})
	mux.Handle("/oauth2/token", a.cors(methods{"POST": http.HandlerFunc(a.token)}))
	mux.Handle("/oauth2/introspect", methods{"POST": http.HandlerFunc(a.introspect)})
	mux.Handle("/oauth2/revoke", a.cors(methods{"POST": http.HandlerFunc(a.revoke)}))
	mux.Handle("/oauth2/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeErrFor(w, r, rules.NotFound, "no such OAuth endpoint: the metadata at "+MetadataPath+" lists them")
	}))
	if a.ui != nil {
		mux.Handle("/dashboard/", a.ui)
		mux.Handle("GET /{$}", http.RedirectHandler("/dashboard/", http.StatusSeeOther))
	}
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeErr(w, rules.NotFound, "no such endpoint")
	}))
	a.patterns = mux.patterns
	return requestID(a.observe(oneAuthorization(limitBody(mux))))
}

// AdminHandler is the handler of the admin address (-metrics-addr): GET /metrics, the
// Prometheus text of every tenant's counters, which the public address never serves. It
// serves nothing else: not the dashboard, whose log-in would otherwise be open there in
// plain HTTP (the admin address never has TLS), outside -public-url's origin and the
// public address's connection cap.
func (a *App) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", methods{"GET": a.metrics.handler()})
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeErr(w, rules.NotFound, "the admin address serves GET /metrics only")
	}))
	return oneAuthorization(limitBody(mux))
}

// limitBody caps every request body at MaxBody.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		next.ServeHTTP(w, r)
	})
}

// methods dispatches on the request method: OPTIONS is answered 204 (a CORS preflight
// on the browser endpoints, see cors), any other method missing from the map is 405 JSON.
type methods map[string]http.Handler

func (m methods) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h, ok := m[r.Method]; ok {
		h.ServeHTTP(w, r)
		return
	}
	allow := make([]string, 0, len(m)+1)
	for _, k := range []string{"GET", "POST", "DELETE"} {
		if _, ok := m[k]; ok {
			allow = append(allow, k)
		}
	}
	allow = append(allow, "OPTIONS")
	w.Header().Set("Allow", strings.Join(allow, ", "))
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeErrFor(w, r, rules.MethodNotAllowed, "this endpoint takes only "+strings.Join(allow, ", "))
}

type authCtxKey struct{}

// auth authenticates with the current registry (see authenticate) and calls next with
// the request's Auth.
func (a *App) auth(req picket.Requirement, next func(http.ResponseWriter, *http.Request, picket.Auth)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if au, ok := a.authenticate(w, r, r.Header.Get("Authorization"), req); ok {
			next(w, r, au)
		}
	})
}

// authenticate authenticates an Authorization value with the current registry for req. A
// refusal is answered with its picket code (401 with the challenge, or 403), or on
// /oauth2/* with RFC 6749's 401 invalid_client, and counted by outcome; each 401 spends the
// address's failures limit, which is checked before the key is even looked at.
func (a *App) authenticate(w http.ResponseWriter, r *http.Request, header string, req picket.Requirement) (picket.Auth, bool) {
	now, addr := a.now(), a.ClientKey(r)
	if a.limited(w, r, a.limiter.blocked(ruleAuthFailures, addr, now)) {
		return picket.Auth{}, false
	}
	au, err := a.holder.Authenticate(header, now, req)
	if err == nil {
		a.metrics.auth.WithLabelValues("ok").Inc()
		return au, true
	}
	var e *picket.Error
	if !errors.As(err, &e) || e.Code < 100 {
		a.metrics.auth.WithLabelValues("internal_error").Inc()
		a.internal(w, r, "authentication failed", err)
		return picket.Auth{}, false
	}
	a.metrics.auth.WithLabelValues(e.Code.String()).Inc()
	if e.HTTPStatus() == http.StatusUnauthorized {
		a.limiter.spend(ruleAuthFailures, addr, now)
	}
	if isOAuth(r) {
		// RFC 6749 §5.2: a failed client authentication is 401 invalid_client.
		w.Header().Set("WWW-Authenticate", `Basic realm="picket"`)
		writeOAuthErr(w, http.StatusUnauthorized, "invalid_client", "client authentication failed: "+e.Detail())
		return picket.Auth{}, false
	}
	if c := e.Challenge(); c != "" {
		w.Header().Set("WWW-Authenticate", c)
	}
	writePicketErr(w, e.HTTPStatus(), e)
	return picket.Auth{}, false
}

// storeErr answers a store error: ErrNotFound as 404 unknown_project (the key's project
// is gone), anything else as 500 internal_error.
func (a *App) storeErr(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		writeErr(w, rules.UnknownProject, "no such project")
		return
	}
	a.internal(w, r, "store", err)
}
