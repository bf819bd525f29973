package app

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/rules"
	"github.com/picket-dev/picket/server/internal/store"
)

// randomSecret returns 32 bytes (256 bits) from crypto/rand as 64 hex digits: an
// authorization code or an access token. Only its SHA-256 is stored.
func randomSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// probeVerifier is a well-formed code_verifier used to check a code_challenge's form at
// the authorize step with picket's own PKCE rules: any error other than a mismatch is a
// malformed challenge.
const probeVerifier = "picket-authorize-probe-verifier-0123456789abcdef"

// authorize is GET /oauth2/authorize (RFC 6749 §4.1.1, RFC 7636 §4.3).
func (a *App) authorize(w http.ResponseWriter, r *http.Request) {
	now := a.now()
	if a.limited(w, r, a.limiter.take(ruleAuthorizeAddress, a.ClientKey(r), now)) {
		return
	}
	q := r.URL.Query()
	// A repeated client_id or redirect_uri leaves no URI to trust: answered here, never
	// redirected (RFC 6749 §4.1.2.1).
	if name := repeated(q, "client_id", "redirect_uri"); name != "" {
		a.metrics.oauth.WithLabelValues("authorize", "invalid_request").Inc()
		writeError(w, http.StatusBadRequest, oauthError{Error: "invalid_request", Description: name + " is repeated: each parameter may be sent once (RFC 6749 §3.1)"})
		return
	}
	clientID, redirectURI, state := q.Get("client_id"), q.Get("redirect_uri"), q.Get("state")
	project, err := a.holder.AuthorizeRedirect(clientID, redirectURI, now)
	if err != nil {
		var e *picket.Error
		if !errors.As(err, &e) {
			a.internal(w, "authorize", err)
			return
		}
		if errors.Is(err, picket.ErrSecretKeyExposed) {
			// The redacting handler masks the key: the log says which key to roll.
			a.log.Warn("a secret key was sent as client_id: roll it now", "client_id", clientID)
		}
		a.metrics.oauth.WithLabelValues("authorize", e.Code.String()).Inc()
		// Never redirect to an unchecked URI (RFC 6749 §4.1.2.1): answer here.
		writePicketErr(w, http.StatusBadRequest, e)
		return
	}
	// Keyed by a client_id the registry accepts: spoofed ids never reach the map.
	if a.limited(w, r, a.limiter.take(ruleAuthorizeClient, clientID, now)) {
		return
	}
	fail := func(code, description string) {
		a.metrics.oauth.WithLabelValues("authorize", code).Inc()
		v := url.Values{"error": {code}, "error_description": {description}}
		if state != "" {
			v.Set("state", state)
		}
		redirectTo(w, redirectURI, v.Encode())
	}
	if name := repeated(q, "response_type", "code_challenge", "code_challenge_method", "state", "scope"); name != "" {
		if name == "state" {
			state = "" // which one the client meant is unknown: echo none
		}
		fail("invalid_request", name+" is repeated: each parameter may be sent once (RFC 6749 §3.1)")
		return
	}
	switch rt := q.Get("response_type"); {
	case rt == "":
		fail("invalid_request", "response_type is required")
		return
	case rt != "code":
		fail("unsupported_response_type", "only response_type=code is supported")
		return
	}
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	if challenge == "" {
		fail("invalid_request", "code_challenge is required (PKCE, S256)")
		return
	}
	if method != "S256" {
		fail("invalid_request", "code_challenge_method must be S256")
		return
	}
	if err := picket.VerifyPKCE(probeVerifier, challenge, method); err != nil && !errors.Is(err, picket.ErrPKCEMismatch) {
		rule := "malformed"
		var e *picket.Error
		if errors.As(err, &e) {
			rule = e.Code.String()
		}
		fail("invalid_request", "malformed code_challenge: "+rule)
		return
	}
	code, err := randomSecret()
	if err != nil {
		a.internal(w, "random code", err)
		return
	}
	err = a.store.CreateCode(r.Context(), store.Code{
		Digest: store.SecretDigest(code), ProjectID: int64(project), ClientID: clientID, RedirectURI: redirectURI,
		Challenge: challenge, ChallengeMethod: method, CreatedAt: now, ExpiresAt: now.Add(a.CodeTTL),
	})
	if err != nil {
		a.internal(w, "store code", err)
		return
	}
	a.metrics.oauth.WithLabelValues("authorize", "ok").Inc()
	a.log.Info("authorization code issued", "project", project)
	v := url.Values{"code": {code}}
	if state != "" {
		v.Set("state", state)
	}
	redirectTo(w, redirectURI, v.Encode())
}

// redirectTo answers 302 to uri with query appended. The URI matched its registration byte
// for byte: it is appended to, never re-serialised.
func redirectTo(w http.ResponseWriter, uri, query string) {
	sep := "?"
	if strings.Contains(uri, "?") {
		sep = "&"
	}
	w.Header().Set("Location", uri+sep+query)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
}

// errGrant is a refusal of the code by the token endpoint's checks.
type errGrant struct{ description string }

func (e *errGrant) Error() string { return e.description }

// token is POST /oauth2/token (RFC 6749 §4.1.3, RFC 7636 §4.6).
func (a *App) token(w http.ResponseWriter, r *http.Request) {
	fail := func(status int, code, description string) {
		a.metrics.oauth.WithLabelValues("token", code).Inc()
		w.Header().Set("Pragma", "no-cache")
		picket.WriteJSON(w, status, oauthError{Error: code, Description: description})
	}
	now := a.now()
	if a.limited(w, r, a.limiter.take(ruleTokenAddress, a.ClientKey(r), now)) {
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(ct), "application/x-www-form-urlencoded") {
		fail(http.StatusBadRequest, "invalid_request", "the body must be application/x-www-form-urlencoded")
		return
	}
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(http.StatusRequestEntityTooLarge, "invalid_request", "the request body is too large")
			return
		}
		fail(http.StatusBadRequest, "invalid_request", "the body is not a valid form")
		return
	}
	f := r.PostForm
	for _, name := range []string{"grant_type", "code", "redirect_uri", "client_id", "code_verifier"} {
		if len(f[name]) > 1 {
			fail(http.StatusBadRequest, "invalid_request", name+" is repeated")
			return
		}
	}
	switch gt := f.Get("grant_type"); {
	case gt == "":
		fail(http.StatusBadRequest, "invalid_request", "grant_type is required")
		return
	case gt != "authorization_code":
		fail(http.StatusBadRequest, "unsupported_grant_type", "only grant_type=authorization_code is supported")
		return
	}
	code, redirectURI, clientID, verifier := f.Get("code"), f.Get("redirect_uri"), f.Get("client_id"), f.Get("code_verifier")
	for _, p := range [][2]string{{"code", code}, {"redirect_uri", redirectURI}, {"client_id", clientID}, {"code_verifier", verifier}} {
		if p[1] == "" {
			fail(http.StatusBadRequest, "invalid_request", p[0]+" is required")
			return
		}
	}
	// The client must still be a live publishable key (a secret key is refused, as at
	// authorize) and the redirect URI still registered.
	project, err := a.holder.AuthorizeRedirect(clientID, redirectURI, now)
	if err != nil {
		var e *picket.Error
		switch {
		case errors.Is(err, picket.ErrRedirectNotRegistered):
			fail(http.StatusBadRequest, "invalid_grant", "redirect_uri is not registered for this client")
		case errors.As(err, &e):
			if errors.Is(err, picket.ErrSecretKeyExposed) {
				a.log.Warn("a secret key was sent as client_id: roll it now", "client_id", clientID)
			}
			fail(http.StatusBadRequest, "invalid_client", "client_id refused: "+e.Code.String())
		default:
			a.internal(w, "token: authorize client", err)
		}
		return
	}
	// From here on the answer is the client's project's: its origins may read it.
	a.allowOrigin(w, r, project)
	if a.limited(w, r, a.limiter.take(ruleTokenClient, clientID, now)) {
		return
	}
	access, err := randomSecret()
	if err != nil {
		a.internal(w, "random token", err)
		return
	}
	tok := store.Token{Digest: store.SecretDigest(access), ClientID: clientID, CreatedAt: now, ExpiresAt: now.Add(a.TokenTTL)}
	_, err = a.store.RedeemCode(r.Context(), store.SecretDigest(code), now, func(c store.Code) error {
		switch {
		case !now.Before(c.ExpiresAt):
			return &errGrant{"the code has expired"}
		case subtle.ConstantTimeCompare([]byte(c.ClientID), []byte(clientID)) != 1:
			return &errGrant{"the code was issued to another client_id"}
		case subtle.ConstantTimeCompare([]byte(c.RedirectURI), []byte(redirectURI)) != 1:
			return &errGrant{"redirect_uri differs from the authorization request's"}
		}
		if err := picket.VerifyPKCE(verifier, c.Challenge, c.ChallengeMethod); err != nil {
			var e *picket.Error
			if errors.As(err, &e) {
				return &errGrant{"code_verifier refused: " + e.Code.String()}
			}
			return err
		}
		return nil
	}, tok)
	var ge *errGrant
	switch {
	case err == nil:
	case errors.Is(err, store.ErrNotFound):
		fail(http.StatusBadRequest, "invalid_grant", "unknown authorization code")
		return
	case errors.Is(err, store.ErrCodeReplayed):
		a.log.Warn("authorization code replayed: the tokens issued from it are revoked")
		fail(http.StatusBadRequest, "invalid_grant", "the authorization code was already used: the tokens issued from it are revoked")
		return
	case errors.As(err, &ge):
		fail(http.StatusBadRequest, "invalid_grant", ge.description)
		return
	default:
		a.internal(w, "token: redeem code", err)
		return
	}
	a.metrics.oauth.WithLabelValues("token", "ok").Inc()
	w.Header().Set("Pragma", "no-cache")
	picket.WriteJSON(w, http.StatusOK, map[string]any{
		"access_token": access, "token_type": "Bearer", "expires_in": int64(a.TokenTTL.Seconds()),
	})
}

// validateToken is POST /v1/tokens/validate for the project's secret-key holder.
func (a *App) validateToken(w http.ResponseWriter, r *http.Request, au picket.Auth) {
	var body struct {
		Token string `json:"token"`
	}
	if !decode(w, r, &body, false) {
		return
	}
	if body.Token == "" || len(body.Token) > 512 {
		writeErr(w, rules.BadRequest, "token is required (at most 512 bytes)")
		return
	}
	t, active, err := a.ActiveToken(r.Context(), body.Token, au.Project)
	if err != nil {
		a.internal(w, "token lookup", err)
		return
	}
	if !active {
		picket.WriteJSON(w, http.StatusOK, map[string]any{"active": false})
		return
	}
	picket.WriteJSON(w, http.StatusOK, map[string]any{
		"active": true, "project_id": t.ProjectID, "client_id": t.ClientID, "expires_at": t.ExpiresAt,
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
