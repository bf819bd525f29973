// Client authentication at /oauth2/token and /oauth2/revoke (RFC 6749 §2.3): the client
// authenticates by HTTP Basic (client_secret_basic: its key as the client_id, the username,
// and an empty password), or a public client sends its client_id in the form (none). OAuth
// client libraries differ in which one they send for a public client: Authlib sends the
// form's client_id, requests-oauthlib HTTP Basic with an empty password.

package app

import (
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	picket "github.com/picket-dev/picket/bindings/go"
)

// oauthAuthorization is r's Authorization header for picket's key rules. RFC 6749 §2.3.1
// has the client form-urlencode its client_id and password before Basic encodes them:
// decoded here, so that `pk%5F…` is `pk_…`. A header that is not Basic user:password (the
// JS SDK's `Basic  base64(KEY)`, Bearer) is picket's to judge, as sent.
func oauthAuthorization(r *http.Request) string {
	header := r.Header.Get("Authorization")
	user, pass, ok := r.BasicAuth()
	if !ok {
		return header
	}
	u, errU := url.QueryUnescape(user)
	p, errP := url.QueryUnescape(pass)
	if errU != nil || errP != nil || (u == user && p == pass) {
		return header
	}
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(u+":"+p))
}

// oauthClient authenticates the client of r by HTTP Basic when r has an Authorization
// header (a key of a kind req accepts), else by formClientID (a publishable key: a public
// client). It returns the client's Auth and its key (the client_id), or answers the
// refusal: 401 invalid_client (with a Basic challenge after a failed Basic attempt, RFC
// 6749 §5.2), 400 invalid_request when the form's client_id is another client than
// Basic's. Without either, 401 invalid_client saying what to send, with noClient's words.
func (a *App) oauthClient(w http.ResponseWriter, r *http.Request, endpoint string, req picket.Requirement, formClientID, noClient string) (picket.Auth, string, bool) {
	header := oauthAuthorization(r)
	if header == "" {
		if formClientID == "" {
			a.metrics.oauth.WithLabelValues(endpoint, "invalid_client").Inc()
			w.Header().Set("WWW-Authenticate", `Basic realm="picket"`)
			writeOAuthErr(w, http.StatusUnauthorized, "invalid_client", noClient)
			return picket.Auth{}, "", false
		}
		if strings.HasPrefix(formClientID, "sk_") {
			// The redacting handler masks the key: the log says which key to roll.
			a.log.WarnContext(r.Context(), "a secret key was sent as client_id: roll it now", "client_id", formClientID)
		}
		// A public client: its client_id, a publishable key, by the same rule as any key.
		header, req = "Basic "+base64.StdEncoding.EncodeToString([]byte(formClientID+":")), picket.RequirePublishable
	}
	au, ok := a.authenticate(w, r, header, req)
	if !ok {
		return picket.Auth{}, "", false
	}
	key, err := picket.ParseAuthorization(header, 0)
	if err != nil { // authenticated, so parsed: a fault, not the client's
		a.internal(w, r, endpoint+": parse the client's key", err)
		return picket.Auth{}, "", false
	}
	clientID := key.Expose()
	if formClientID != "" && au.Kind == picket.Publishable && subtle.ConstantTimeCompare([]byte(formClientID), []byte(clientID)) != 1 {
		a.metrics.oauth.WithLabelValues(endpoint, "invalid_request").Inc()
		writeOAuthErr(w, http.StatusBadRequest, "invalid_request",
			"client_id in the form is not the client authenticated by HTTP Basic: send one client")
		return picket.Auth{}, "", false
	}
	return au, clientID, true
}
