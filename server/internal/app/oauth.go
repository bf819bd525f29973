package app

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"

	picket "github.com/picket-dev/picket/bindings/go"
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
	// Never redirect to an unchecked URI (RFC 6749 §4.1.2.1): until the client_id and the
	// redirect_uri are accepted, errors are answered here.
	refuse := func(outcome, code, description string) {
		a.metrics.oauth.WithLabelValues("authorize", outcome).Inc()
		writeOAuthErr(w, http.StatusBadRequest, code, description)
	}
	if name := repeated(q, "client_id", "redirect_uri"); name != "" {
		refuse("invalid_request", "invalid_request", name+" is repeated: each parameter may be sent once (RFC 6749 §3.1)")
		return
	}
	clientID, redirectURI, state := q.Get("client_id"), q.Get("redirect_uri"), q.Get("state")
	if clientID == "" || redirectURI == "" {
		refuse("invalid_request", "invalid_request", "client_id and redirect_uri are required")
		return
	}
	project, err := a.holder.AuthorizeRedirect(clientID, redirectURI, now)
	if err != nil {
		var e *picket.Error
		if !errors.As(err, &e) || e.Code < 100 {
			a.internal(w, r, "authorize", err)
			return
		}
		if errors.Is(err, picket.ErrSecretKeyExposed) {
			// The redacting handler masks the key: the log says which key to roll.
			a.log.WarnContext(r.Context(), "a secret key was sent as client_id: roll it now", "client_id", clientID)
		}
		if errors.Is(err, picket.ErrRedirectNotRegistered) {
			refuse(e.Code.String(), "invalid_request", "redirect_uri is not registered for this client (matching is exact, trailing slashes included)")
			return
		}
		refuse(e.Code.String(), "invalid_client", clientIDRefused(e))
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
		a.redirectTo(w, redirectURI, v)
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
	if q.Get("scope") != "" {
		// RFC 6749 §3.3: a scope the server does not grant must not pass silently (the
		// token would answer for less than the client asked).
		fail("invalid_scope", "this server grants no scopes: omit the scope parameter")
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
		var e *picket.Error
		if !errors.As(err, &e) {
			a.internal(w, r, "authorize: check code_challenge", err)
			return
		}
		fail("invalid_request", e.Detail())
		return
	}
	code, err := randomSecret()
	if err != nil {
		a.internal(w, r, "random code", err)
		return
	}
	err = a.store.CreateCode(r.Context(), store.Code{
		Digest: store.SecretDigest(code), ProjectID: int64(project), ClientID: clientID, RedirectURI: redirectURI,
		Challenge: challenge, ChallengeMethod: method, CreatedAt: now, ExpiresAt: now.Add(a.CodeTTL),
	})
	if err != nil {
		a.internal(w, r, "store code", err)
		return
	}
	a.metrics.oauth.WithLabelValues("authorize", "ok").Inc()
	a.log.InfoContext(r.Context(), "authorization code issued", "project", project)
	v := url.Values{"code": {code}}
	if state != "" {
		v.Set("state", state)
	}
	a.redirectTo(w, redirectURI, v)
}

// clientIDRefused says why a client_id was refused, in a client developer's words.
func clientIDRefused(e *picket.Error) string {
	if e.Code >= 100 && e.Code < 200 { // the key's own form (picket's KEY_ codes)
		return "client_id is not a well-formed publishable key: " + e.Detail()
	}
	return e.Detail()
}

// redirectTo answers 302 to uri with the authorization response's parameters v and iss,
// the issuer (RFC 9207), appended. The URI matched its registration byte for byte: it is
// appended to, never re-serialised.
func (a *App) redirectTo(w http.ResponseWriter, uri string, v url.Values) {
	if a.issuer != "" {
		v.Set("iss", a.issuer)
	}
	sep := "?"
	if strings.Contains(uri, "?") {
		sep = "&"
	}
	w.Header().Set("Location", uri+sep+v.Encode())
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
		writeOAuthErr(w, status, code, description)
	}
	now := a.now()
	if a.limited(w, r, a.limiter.take(ruleTokenAddress, a.ClientKey(r), now)) {
		return
	}
	f, status, problem := readForm(r, "grant_type", "code", "redirect_uri", "client_id", "code_verifier")
	if problem != "" {
		fail(status, "invalid_request", problem)
		return
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
	if r.Header.Get("Authorization") != "" {
		// The public client by HTTP Basic (its client_id and an empty password), as
		// requests-oauthlib sends it, rather than client_id in the form.
		_, id, ok := a.oauthClient(w, r, "token", picket.RequirePublishable, clientID, "")
		if !ok {
			return
		}
		clientID = id
	}
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
				a.log.WarnContext(r.Context(), "a secret key was sent as client_id: roll it now", "client_id", clientID)
			}
			fail(http.StatusBadRequest, "invalid_client", clientIDRefused(e))
		default:
			a.internal(w, r, "token: authorize client", err)
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
		a.internal(w, r, "random token", err)
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
				return &errGrant{e.Detail()}
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
		a.log.WarnContext(r.Context(), "authorization code replayed: the tokens issued from it are revoked")
		fail(http.StatusBadRequest, "invalid_grant", "the authorization code was already used: the tokens issued from it are revoked")
		return
	case errors.As(err, &ge):
		fail(http.StatusBadRequest, "invalid_grant", ge.description)
		return
	default:
		a.internal(w, r, "token: redeem code", err)
		return
	}
	a.metrics.oauth.WithLabelValues("token", "ok").Inc()
	w.Header().Set("Pragma", "no-cache")
	picket.WriteJSON(w, http.StatusOK, map[string]any{
		"access_token": access, "token_type": "Bearer", "expires_in": int64(a.TokenTTL.Seconds()),
	})
}
