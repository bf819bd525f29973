package app

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/store"
)

// MaxBody is the largest request body accepted (413 beyond).
const MaxBody = 64 << 10

// ErrorBody is every JSON error of the API: the rule's name, the picket code (0 for the
// server's own rules) and a message that never holds a secret.
type ErrorBody struct {
	Error   string       `json:"error"`
	Code    uint32       `json:"code"`
	Message string       `json:"message"`
	Refused []RefusedURI `json:"refused,omitempty"`
}

// RefusedURI is a redirect URI that production refuses, with the rule.
type RefusedURI struct {
	URI     string `json:"uri"`
	Error   string `json:"error"`
	Code    uint32 `json:"code"`
	Message string `json:"message"`
}

func writeErr(w http.ResponseWriter, status int, name, message string) {
	picket.WriteJSON(w, status, ErrorBody{Error: name, Message: message})
}

// writePicketErr answers a picket rule's refusal with its name and code.
func writePicketErr(w http.ResponseWriter, status int, err error) {
	var e *picket.Error
	if errors.As(err, &e) {
		picket.WriteJSON(w, status, ErrorBody{Error: e.Code.String(), Code: uint32(e.Code), Message: e.Detail()})
		return
	}
	writeErr(w, http.StatusInternalServerError, "internal_error", "internal server error")
}

func (a *App) internal(w http.ResponseWriter, what string, err error) {
	if errors.Is(err, context.Canceled) {
		// The client went away mid-request: nothing is wrong with the server.
		a.log.Info(what + ": request canceled by the client")
		writeErr(w, http.StatusServiceUnavailable, "canceled", "the request was canceled")
		return
	}
	a.log.Error(what, "error", err)
	writeErr(w, http.StatusInternalServerError, "internal_error", "internal server error")
}

// Handler is the server's HTTP handler.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/healthz", methods{"GET": http.HandlerFunc(a.healthz)})
	mux.Handle("/readyz", methods{"GET": http.HandlerFunc(a.readyz)})
	mux.Handle("/metrics", methods{"GET": a.metrics.handler()})
	mux.Handle("/v1/ping", a.cors(methods{"GET": a.auth(picket.RequireAny, a.ping)}))
	mux.Handle("/v1/project", methods{"GET": a.auth(picket.RequireSecret, a.getProject)})
	mux.Handle("/v1/project/mode", methods{"POST": a.auth(picket.RequireSecret, a.setMode)})
	mux.Handle("/v1/keys", methods{"GET": a.auth(picket.RequireSecret, a.listKeys), "POST": a.auth(picket.RequireSecret, a.issueKey)})
	mux.Handle("/v1/keys/{id}/roll", methods{"POST": a.auth(picket.RequireSecret, a.rollKey)})
	mux.Handle("/v1/keys/{id}/revoke", methods{"POST": a.auth(picket.RequireSecret, a.revokeKey)})
	mux.Handle("/v1/redirect_uris", methods{
		"GET":    a.auth(picket.RequireSecret, a.listRedirects),
		"POST":   a.auth(picket.RequireSecret, a.addRedirect),
		"DELETE": a.auth(picket.RequireSecret, a.removeRedirect),
	})
	mux.Handle("/v1/tokens/validate", methods{"POST": a.auth(picket.RequireSecret, a.validateToken)})
	mux.Handle("/oauth2/authorize", methods{"GET": http.HandlerFunc(a.authorize)})
	mux.Handle("/oauth2/token", a.cors(methods{"POST": http.HandlerFunc(a.token)}))
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeErr(w, http.StatusNotFound, "not_found", "no such endpoint")
	}))
	return a.observe(limitBody(mux))
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
	writeErr(w, http.StatusMethodNotAllowed, "method_not_allowed", "use "+strings.Join(allow, " or "))
}

// cors adds CORS headers for a request whose Origin is the origin of some project's
// registered redirect URI, and answers the preflight.
func (a *App) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		allowed := false
		if origin != "" {
			if set := a.origins.Load(); set != nil && (*set)[origin] {
				allowed = true
			}
		}
		if allowed {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		if r.Method == http.MethodOptions {
			if allowed {
				h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
				h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
				h.Set("Access-Control-Max-Age", "600")
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

type authCtxKey struct{}

// auth authenticates with the current registry: a refusal is answered with its picket
// code (401 with the challenge, or 403) and counted by outcome.
func (a *App) auth(req picket.Requirement, next func(http.ResponseWriter, *http.Request, picket.Auth)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		au, err := a.holder.Authenticate(r.Header.Get("Authorization"), a.now(), req)
		if err != nil {
			var e *picket.Error
			if !errors.As(err, &e) {
				a.metrics.auth.WithLabelValues("internal_error").Inc()
				a.internal(w, "authentication failed", err)
				return
			}
			a.metrics.auth.WithLabelValues(e.Code.String()).Inc()
			if c := e.Challenge(); c != "" {
				w.Header().Set("WWW-Authenticate", c)
			}
			writePicketErr(w, e.HTTPStatus(), e)
			return
		}
		a.metrics.auth.WithLabelValues("ok").Inc()
		next(w, r, au)
	})
}

func (a *App) healthz(w http.ResponseWriter, _ *http.Request) {
	picket.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.store.Ping(ctx); err != nil {
		a.log.Warn("readiness: store unavailable", "error", err)
		writeErr(w, http.StatusServiceUnavailable, "store_unavailable", "the store does not answer")
		return
	}
	picket.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// decode reads a JSON body into v: 413 beyond MaxBody, 400 invalid_json for malformed
// JSON, unknown fields or trailing data. An empty body is allowed when emptyOK.
func decode(w http.ResponseWriter, r *http.Request, v any, emptyOK bool) bool {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeErr(w, http.StatusRequestEntityTooLarge, "body_too_large", "the request body is larger than "+strconv.Itoa(MaxBody)+" bytes")
			return false
		}
		writeErr(w, http.StatusBadRequest, "bad_request", "the request body could not be read")
		return false
	}
	if len(strings.TrimSpace(string(body))) == 0 && emptyOK {
		return true
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		// The decoder's message names the field or the offset, never a value.
		writeErr(w, http.StatusBadRequest, "invalid_json", "the body is not the expected JSON object: "+jsonProblem(err))
		return false
	}
	if dec.More() {
		writeErr(w, http.StatusBadRequest, "invalid_json", "the body holds more than one JSON value")
		return false
	}
	return true
}

// plainName is a field name that can be echoed: lowercase letters and underscores.
var plainName = regexp.MustCompile(`^[a-z_]{1,40}$`)

// jsonProblem describes a decoding error without echoing the input.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return "syntax error at offset " + strconv.FormatInt(syn.Offset, 10)
	case errors.As(err, &typ):
		return "field " + strconv.Quote(typ.Field) + " must be " + typ.Type.String()
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected end of input"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// The field is named only when it is a plain lowercase name: a key sent as a
		// field name must not come back.
		name, uerr := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		if uerr == nil && plainName.MatchString(name) && picket.Redact(name) == name {
			return "unknown field " + strconv.Quote(name)
		}
		return "unknown field"
	}
	return "malformed"
}

// Project is the JSON form of a project.
type Project struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Mode      string    `json:"mode"`
	CreatedAt time.Time `json:"created_at"`
}

func projectJSON(p store.Project) Project {
	return Project{ID: p.ID, Name: p.Name, Mode: p.Mode.String(), CreatedAt: p.CreatedAt}
}

// Key is the JSON form of a key's record (never the key).
type Key struct {
	ID        int64      `json:"id"`
	ProjectID int64      `json:"project_id"`
	Kind      string     `json:"kind"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
	Revoked   bool       `json:"revoked"`
}

func keyJSON(k store.Key) Key {
	out := Key{ID: k.ID, ProjectID: k.ProjectID, Kind: k.Kind.String(), CreatedAt: k.CreatedAt, Revoked: !k.RevokedAt.IsZero()}
	if !k.ExpiresAt.IsZero() {
		t := k.ExpiresAt
		out.ExpiresAt = &t
	}
	return out
}

// IssuedKey is a key just issued: the one time the key itself is shown.
type IssuedKey struct {
	Key
	Secret   string `json:"key"`
	Previous *Key   `json:"previous,omitempty"`
}

// RedirectURI is the JSON form of a registered redirect URI.
type RedirectURI struct {
	ProjectID int64  `json:"project_id"`
	URI       string `json:"uri"`
}

func (a *App) ping(w http.ResponseWriter, _ *http.Request, au picket.Auth) {
	picket.WriteJSON(w, http.StatusOK, map[string]any{"project_id": au.Project, "key_kind": au.Kind.String()})
}

func (a *App) getProject(w http.ResponseWriter, r *http.Request, au picket.Auth) {
	p, err := a.store.Project(r.Context(), int64(au.Project))
	if err != nil {
		a.storeErr(w, err)
		return
	}
	picket.WriteJSON(w, http.StatusOK, projectJSON(p))
}

// storeErr answers a store error: ErrNotFound as 404 unknown_project (the key's project
// is gone), anything else as 500 internal_error.
func (a *App) storeErr(w http.ResponseWriter, err error) {
	if errors.Is(err, store.ErrNotFound) {
		writeErr(w, http.StatusNotFound, "unknown_project", "no such project")
		return
	}
	a.internal(w, "store", err)
}

// productionRefusals lists the URIs that production refuses, with each rule.
func productionRefusals(uris []string) []RefusedURI {
	var out []RefusedURI
	for _, u := range uris {
		if err := picket.ValidateRedirectURI(u, picket.Production, 0); err != nil {
			var e *picket.Error
			if errors.As(err, &e) {
				out = append(out, RefusedURI{URI: u, Error: e.Code.String(), Code: uint32(e.Code), Message: e.Detail()})
			} else {
				out = append(out, RefusedURI{URI: u, Error: "internal_error", Message: err.Error()})
			}
		}
	}
	return out
}

// refusedError carries the refusals of a production switch out of the store's transaction.
type refusedError struct{ refused []RefusedURI }

func (e *refusedError) Error() string {
	return strconv.Itoa(len(e.refused)) + " redirect URI(s) refused by production rules"
}

// SetMode switches a project's mode, refused (a *refusedError) while a redirect URI fails
// the production rules. Shared by the API and the CLI.
func (a *App) SetMode(ctx context.Context, project int64, mode picket.Mode) (store.Project, error) {
	p, err := a.store.SetMode(ctx, project, mode, func(uris []string) error {
		if mode != picket.Production {
			return nil
		}
		if refused := productionRefusals(uris); len(refused) > 0 {
			return &refusedError{refused: refused}
		}
		return nil
	})
	if err == nil {
		_ = a.Reload()
	}
	return p, err
}

func productionRefusedBody(re *refusedError) ErrorBody {
	return ErrorBody{Error: "production_refused", Message: "production refuses " + strconv.Itoa(len(re.refused)) +
		" of the project's redirect URIs (listed in refused): remove them first", Refused: re.refused}
}

func (a *App) setMode(w http.ResponseWriter, r *http.Request, au picket.Auth) {
	var body struct {
		Mode string `json:"mode"`
	}
	if !decode(w, r, &body, false) {
		return
	}
	mode, ok := store.ParseMode(body.Mode)
	if !ok {
		writeErr(w, http.StatusBadRequest, "bad_request", `mode must be "development" or "production"`)
		return
	}
	p, err := a.SetMode(r.Context(), int64(au.Project), mode)
	var re *refusedError
	switch {
	case errors.As(err, &re):
		picket.WriteJSON(w, http.StatusConflict, productionRefusedBody(re))
	case err != nil:
		a.storeErr(w, err)
	default:
		picket.WriteJSON(w, http.StatusOK, projectJSON(p))
	}
}

func (a *App) listKeys(w http.ResponseWriter, r *http.Request, au picket.Auth) {
	keys, err := a.store.Keys(r.Context(), int64(au.Project))
	if err != nil {
		a.storeErr(w, err)
		return
	}
	out := make([]Key, 0, len(keys))
	for _, k := range keys {
		out = append(out, keyJSON(k))
	}
	picket.WriteJSON(w, http.StatusOK, map[string]any{"keys": out})
}

// IssueKey issues a key for project; shared by the API and the CLI.
func (a *App) IssueKey(ctx context.Context, project int64, kind picket.KeyKind, expiresIn time.Duration) (IssuedKey, error) {
	key, err := picket.GenerateKey(kind)
	if err != nil {
		return IssuedKey{}, err
	}
	d, err := key.Digest()
	if err != nil {
		return IssuedKey{}, err
	}
	now := a.now()
	var exp time.Time
	if expiresIn > 0 {
		exp = now.Add(expiresIn)
	}
	rec, err := a.store.IssueKey(ctx, project, store.NewKey{Kind: kind, Digest: d, ExpiresAt: exp}, now)
	if err != nil {
		return IssuedKey{}, err
	}
	_ = a.Reload()
	a.log.Info("key issued", "project", project, "key_id", rec.ID, "kind", kind.String())
	return IssuedKey{Key: keyJSON(rec), Secret: key.Expose()}, nil
}

func (a *App) issueKey(w http.ResponseWriter, r *http.Request, au picket.Auth) {
	var body struct {
		Kind             string `json:"kind"`
		ExpiresInSeconds *int64 `json:"expires_in_seconds"`
	}
	if !decode(w, r, &body, false) {
		return
	}
	kind, ok := store.ParseKind(body.Kind)
	if !ok {
		writeErr(w, http.StatusBadRequest, "bad_request", `kind must be "publishable" or "secret"`)
		return
	}
	var in time.Duration
	if body.ExpiresInSeconds != nil {
		if *body.ExpiresInSeconds <= 0 || *body.ExpiresInSeconds > 100*365*86400 {
			writeErr(w, http.StatusBadRequest, "bad_request", "expires_in_seconds must be between 1 and 3153600000")
			return
		}
		in = time.Duration(*body.ExpiresInSeconds) * time.Second
	}
	k, err := a.IssueKey(r.Context(), int64(au.Project), kind, in)
	if err != nil {
		a.storeErr(w, err)
		return
	}
	picket.WriteJSON(w, http.StatusCreated, k)
}

// RollKey issues a new key of key id's kind and makes the old one expire after grace.
// inProject (0: any) restricts which project's keys may be rolled. Shared by API and CLI.
func (a *App) RollKey(ctx context.Context, id, inProject int64, grace time.Duration) (IssuedKey, error) {
	old, err := a.store.Key(ctx, id)
	if err != nil {
		return IssuedKey{}, err
	}
	key, err := picket.GenerateKey(old.Kind)
	if err != nil {
		return IssuedKey{}, err
	}
	d, err := key.Digest()
	if err != nil {
		return IssuedKey{}, err
	}
	now := a.now()
	newRec, oldRec, err := a.store.RollKey(ctx, id, inProject, d, now.Add(grace), now)
	if err != nil {
		return IssuedKey{}, err
	}
	_ = a.Reload()
	a.log.Info("key rolled", "project", newRec.ProjectID, "old_key_id", oldRec.ID, "new_key_id", newRec.ID, "grace", grace)
	prev := keyJSON(oldRec)
	return IssuedKey{Key: keyJSON(newRec), Secret: key.Expose(), Previous: &prev}, nil
}

func keyID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeErr(w, http.StatusNotFound, "unknown_key", "no such key")
		return 0, false
	}
	return id, true
}

func (a *App) keyErr(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeErr(w, http.StatusNotFound, "unknown_key", "no such key in this project")
	case errors.Is(err, store.ErrRevoked):
		writeErr(w, http.StatusConflict, "key_revoked", "the key is revoked: issue a new one instead")
	default:
		a.internal(w, "store", err)
	}
}

func (a *App) rollKey(w http.ResponseWriter, r *http.Request, au picket.Auth) {
	id, ok := keyID(w, r)
	if !ok {
		return
	}
	var body struct {
		GraceSeconds *int64 `json:"grace_seconds"`
	}
	if !decode(w, r, &body, true) {
		return
	}
	grace := store.DefaultGrace
	if body.GraceSeconds != nil {
		if *body.GraceSeconds < 0 || *body.GraceSeconds > 365*86400 {
			writeErr(w, http.StatusBadRequest, "bad_request", "grace_seconds must be between 0 and 31536000")
			return
		}
		grace = time.Duration(*body.GraceSeconds) * time.Second
	}
	k, err := a.RollKey(r.Context(), id, int64(au.Project), grace)
	if err != nil {
		a.keyErr(w, err)
		return
	}
	picket.WriteJSON(w, http.StatusCreated, k)
}

// RevokeKey revokes key id (inProject as for RollKey). Shared by API and CLI.
func (a *App) RevokeKey(ctx context.Context, id, inProject int64) (store.Key, error) {
	k, err := a.store.RevokeKey(ctx, id, inProject, a.now())
	if err != nil {
		return k, err
	}
	_ = a.Reload()
	a.log.Info("key revoked", "project", k.ProjectID, "key_id", k.ID)
	return k, nil
}

func (a *App) revokeKey(w http.ResponseWriter, r *http.Request, au picket.Auth) {
	id, ok := keyID(w, r)
	if !ok {
		return
	}
	var body struct{}
	if !decode(w, r, &body, true) {
		return
	}
	k, err := a.RevokeKey(r.Context(), id, int64(au.Project))
	if err != nil {
		a.keyErr(w, err)
		return
	}
	picket.WriteJSON(w, http.StatusOK, keyJSON(k))
}

func (a *App) listRedirects(w http.ResponseWriter, r *http.Request, au picket.Auth) {
	uris, err := a.store.RedirectURIs(r.Context(), int64(au.Project))
	if err != nil {
		a.storeErr(w, err)
		return
	}
	picket.WriteJSON(w, http.StatusOK, map[string]any{"redirect_uris": uris})
}

// AddRedirectURI validates uri for the project's mode (picket's rules) and registers it.
// Shared by API and CLI. A refusal is a *picket.Error naming the rule.
func (a *App) AddRedirectURI(ctx context.Context, project int64, uri string) error {
	err := a.store.AddRedirectURI(ctx, project, uri, func(mode picket.Mode) error {
		return picket.ValidateRedirectURI(uri, mode, 0)
	}, a.now())
	if err == nil {
		_ = a.Reload()
	}
	return err
}

// RemoveRedirectURI unregisters uri. Shared by API and CLI.
func (a *App) RemoveRedirectURI(ctx context.Context, project int64, uri string) error {
	err := a.store.RemoveRedirectURI(ctx, project, uri)
	if err == nil {
		_ = a.Reload()
	}
	return err
}

func (a *App) addRedirect(w http.ResponseWriter, r *http.Request, au picket.Auth) {
	var body struct {
		URI string `json:"uri"`
	}
	if !decode(w, r, &body, false) {
		return
	}
	err := a.AddRedirectURI(r.Context(), int64(au.Project), body.URI)
	var pe *picket.Error
	switch {
	case err == nil:
		picket.WriteJSON(w, http.StatusCreated, RedirectURI{ProjectID: int64(au.Project), URI: body.URI})
	case errors.As(err, &pe):
		writePicketErr(w, http.StatusBadRequest, pe)
	case errors.Is(err, store.ErrExists):
		writeErr(w, http.StatusConflict, "redirect_uri_exists", "the redirect URI is already registered")
	default:
		a.storeErr(w, err)
	}
}

func (a *App) removeRedirect(w http.ResponseWriter, r *http.Request, au picket.Auth) {
	var body struct {
		URI string `json:"uri"`
	}
	if !decode(w, r, &body, false) {
		return
	}
	err := a.RemoveRedirectURI(r.Context(), int64(au.Project), body.URI)
	switch {
	case err == nil:
		picket.WriteJSON(w, http.StatusOK, RedirectURI{ProjectID: int64(au.Project), URI: body.URI})
	case errors.Is(err, store.ErrNotFound):
		writeErr(w, http.StatusNotFound, "redirect_uri_not_found", "the redirect URI is not registered")
	default:
		a.storeErr(w, err)
	}
}
