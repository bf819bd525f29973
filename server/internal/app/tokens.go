// Access tokens for resource servers: RFC 7662 introspection, RFC 7009 revocation, and the
// JSON alias /v1/tokens/validate, all answering "active" by one rule (ActiveToken).

package app

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/rules"
	"github.com/picket-dev/picket/server/internal/store"
)

// MaxTokenLen bounds a token parameter: ours are 64 hex digits.
const MaxTokenLen = 512

// readForm reads an /oauth2/* request's form body (application/x-www-form-urlencoded, at
// most MaxBody; the query is not read) in which each of names may be given once: once in
// all, so that a name both in the query and in the body is repeated too (RFC 6749 §3.1),
// since a proxy or a library in front that reads the query would see another value than
// this server. problem is "" on success, else what was wrong, answered with status as
// invalid_request.
func readForm(r *http.Request, names ...string) (f url.Values, status int, problem string) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(ct), "application/x-www-form-urlencoded") {
		return nil, http.StatusBadRequest, "the body must be application/x-www-form-urlencoded"
	}
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, http.StatusRequestEntityTooLarge, "the request body is larger than 65536 bytes"
		}
		return nil, http.StatusBadRequest, "the body is not a valid form"
	}
	for _, name := range names {
		if len(r.Form[name]) > 1 { // r.Form: the body's values, then the query's
			return nil, http.StatusBadRequest, name + " is repeated: each parameter may be sent once (RFC 6749 §3.1)"
		}
	}
	return r.PostForm, 0, ""
}

// readToken reads the form of introspection and revocation: token (required, at most
// MaxTokenLen bytes) and token_type_hint (ignored: every token is an access token), each
// once, and client_id. It answers a malformed request and reports whether it did not.
func (a *App) readToken(w http.ResponseWriter, r *http.Request, endpoint string) (url.Values, bool) {
	f, status, problem := readForm(r, "token", "token_type_hint", "client_id")
	if problem == "" && (f.Get("token") == "" || len(f.Get("token")) > MaxTokenLen) {
		status, problem = http.StatusBadRequest, "token is required (at most 512 bytes)"
	}
	if problem != "" {
		a.metrics.oauth.WithLabelValues(endpoint, "invalid_request").Inc()
		writeOAuthErr(w, status, "invalid_request", problem)
		return nil, false
	}
	return f, true
}

// introspection is an RFC 7662 §2.2 answer.
type introspection struct {
	Active    bool   `json:"active"`
	ClientID  string `json:"client_id,omitempty"`
	TokenType string `json:"token_type,omitempty"`
	Exp       int64  `json:"exp,omitempty"`
	Iat       int64  `json:"iat,omitempty"`
	Iss       string `json:"iss,omitempty"`
}

// introspect is POST /oauth2/introspect (RFC 7662): the project's secret key authenticates
// the resource server by HTTP Basic (client_secret_basic with the key as client_id and an
// empty secret, picket's usual form); a token that is not active for that project
// (unknown, expired, revoked, another project's) is {"active": false}.
func (a *App) introspect(w http.ResponseWriter, r *http.Request) {
	au, ok := a.authenticate(w, r, oauthAuthorization(r), picket.RequireSecret)
	if !ok {
		return
	}
	f, ok := a.readToken(w, r, "introspect")
	if !ok {
		return
	}
	t, active, err := a.ActiveToken(r.Context(), f.Get("token"), au.Project)
	if err != nil {
		a.internal(w, r, "introspect: token lookup", err)
		return
	}
	a.metrics.oauth.WithLabelValues("introspect", map[bool]string{true: "active", false: "inactive"}[active]).Inc()
	if !active {
		picket.WriteJSON(w, http.StatusOK, introspection{Active: false})
		return
	}
	picket.WriteJSON(w, http.StatusOK, introspection{
		Active: true, ClientID: t.ClientID, TokenType: "Bearer",
		Exp: t.ExpiresAt.Unix(), Iat: t.CreatedAt.Unix(), Iss: a.issuer,
	})
}

// revoke is POST /oauth2/revoke (RFC 7009). The client is the project's backend (its
// secret key by HTTP Basic) or the public client the token was issued to (client_id, a
// publishable key, in the form or by HTTP Basic). An unknown, expired or already revoked
// token is 200 with nothing done (§2.2); a token issued to another client is 400
// unauthorized_client (§2.1).
func (a *App) revoke(w http.ResponseWriter, r *http.Request) {
	f, ok := a.readToken(w, r, "revoke")
	if !ok {
		return
	}
	au, clientID, ok := a.oauthClient(w, r, "revoke", picket.RequireAny, f.Get("client_id"),
		"authenticate with the project's secret key (HTTP Basic), or send the client_id the token was issued to")
	if !ok {
		return
	}
	a.allowOrigin(w, r, au.Project)
	t, err := a.store.LookupToken(r.Context(), store.SecretDigest(f.Get("token")))
	now := a.now()
	switch {
	case errors.Is(err, store.ErrNotFound):
		a.revoked(w, "unknown")
		return
	case err != nil:
		a.internal(w, r, "revoke: token lookup", err)
		return
	}
	mine := uint64(t.ProjectID) == au.Project
	if au.Kind == picket.Publishable { // the public client: only its own tokens
		mine = subtle.ConstantTimeCompare([]byte(t.ClientID), []byte(clientID)) == 1
	}
	if !mine {
		a.metrics.oauth.WithLabelValues("revoke", "unauthorized_client").Inc()
		writeOAuthErr(w, http.StatusBadRequest, "unauthorized_client", "the token was not issued to this client")
		return
	}
	if !t.RevokedAt.IsZero() || !now.Before(t.ExpiresAt) {
		a.revoked(w, "inactive")
		return
	}
	if err := a.store.RevokeToken(r.Context(), t.Digest, now); err != nil {
		a.internal(w, r, "revoke: store", err)
		return
	}
	a.log.InfoContext(r.Context(), "access token revoked", "project", t.ProjectID)
	a.revoked(w, "ok")
}

// revoked answers a revocation request that succeeded (or had nothing to do): 200, empty.
func (a *App) revoked(w http.ResponseWriter, outcome string) {
	a.metrics.oauth.WithLabelValues("revoke", outcome).Inc()
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// validateToken is POST /v1/tokens/validate, the JSON alias of introspection for the
// project's secret-key holder: the same rule (ActiveToken), the API's error object, and
// besides RFC 7662's fields the project_id and expires_at (RFC 3339).
func (a *App) validateToken(w http.ResponseWriter, r *http.Request, au picket.Auth) {
	var body struct {
		Token string `json:"token"`
	}
	if !decode(w, r, &body, false) {
		return
	}
	if body.Token == "" || len(body.Token) > MaxTokenLen {
		writeErr(w, rules.BadRequest, "token is required (at most 512 bytes)")
		return
	}
	t, active, err := a.ActiveToken(r.Context(), body.Token, au.Project)
	if err != nil {
		a.internal(w, r, "token lookup", err)
		return
	}
	if !active {
		picket.WriteJSON(w, http.StatusOK, map[string]any{"active": false})
		return
	}
	picket.WriteJSON(w, http.StatusOK, map[string]any{
		"active": true, "project_id": t.ProjectID, "client_id": t.ClientID, "expires_at": t.ExpiresAt,
		"token_type": "Bearer", "exp": t.ExpiresAt.Unix(), "iat": t.CreatedAt.Unix(),
	})
}

// ActiveToken looks up an access token for project and reports whether it is active: issued
// to that project, neither revoked nor expired, and its client (a publishable key) and
// redirect URI still accepted by the registry now. So a token is inactive at once when its
// client is revoked or expires, or its redirect URI is removed, on every process as soon as
// its registry has the change. The one rule of every endpoint that answers "active".
func (a *App) ActiveToken(ctx context.Context, token string, project uint64) (store.Token, bool, error) {
	t, err := a.store.LookupToken(ctx, store.SecretDigest(token))
	if errors.Is(err, store.ErrNotFound) {
		return t, false, nil
	}
	if err != nil {
		return t, false, err
	}
	now := a.now()
	if t.ProjectID != int64(project) || !t.RevokedAt.IsZero() || !now.Before(t.ExpiresAt) {
		return t, false, nil
	}
	p, err := a.holder.AuthorizeRedirect(t.ClientID, t.RedirectURI, now)
	if err != nil {
		var e *picket.Error
		if errors.As(err, &e) {
			return t, false, nil // the registry refuses the client or the URI: a rule, not a fault
		}
		return t, false, err
	}
	return t, p == project, nil
}
