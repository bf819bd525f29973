// Management API, keys: listing, issuing, rolling and revoking a project's keys.

package app

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/rules"
	"github.com/picket-dev/picket/server/internal/store"
)

// Key is the JSON form of a key's record (never the key).
type Key struct {
	ID        int64      `json:"id"`
	ProjectID int64      `json:"project_id"`
	Kind      string     `json:"kind"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
	Revoked   bool       `json:"revoked"`
	// Last4 is the key's last four characters, to tell keys apart (absent for keys issued
	// before hints were kept).
	Last4 string `json:"last4,omitempty"`
}

func keyJSON(k store.Key) Key {
	out := Key{ID: k.ID, ProjectID: k.ProjectID, Kind: k.Kind.String(), CreatedAt: k.CreatedAt, Revoked: !k.RevokedAt.IsZero(), Last4: k.Last4}
	if !k.ExpiresAt.IsZero() {
		t := k.ExpiresAt
		out.ExpiresAt = &t
	}
	return out
}

const (
	// maxLifetimeSeconds is the longest key lifetime a request may ask for (100 years).
	maxLifetimeSeconds = 100 * 365 * 86400

	lastSecretKeyMessage = "this is the project's last working secret key: issue or roll another first (the operator's CLI can force it: key revoke -force)"
	outranksMessage      = "the key was issued before the key making the request (and not rolled from it): only a key at least as senior may roll or revoke it"
)

// IssuedKey is a key just issued: the one time the key itself is shown.
type IssuedKey struct {
	Key
	Secret   string `json:"key"`
	Previous *Key   `json:"previous,omitempty"`
}

func (a *App) listKeys(w http.ResponseWriter, r *http.Request, au picket.Auth) {
	pg, ok := readPage(w, r)
	if !ok {
		return
	}
	after, ok := pg.afterID(w)
	if !ok {
		return
	}
	keys, more, err := a.store.Keys(r.Context(), int64(au.Project), after, pg.limit)
	if err != nil {
		a.storeErr(w, r, err)
		return
	}
	out := make([]Key, 0, len(keys))
	last := ""
	for _, k := range keys {
		out = append(out, keyJSON(k))
		last = strconv.FormatInt(k.ID, 10)
	}
	picket.WriteJSON(w, http.StatusOK, map[string]any{"keys": out, "next_cursor": nextCursor(more, last)})
}

// newKey generates a key of kind and the record the store keeps of it: its digest and its
// last four characters.
func newKey(kind picket.KeyKind) (picket.Key, store.NewKey, error) {
	key, err := picket.GenerateKey(kind)
	if err != nil {
		return picket.Key{}, store.NewKey{}, err
	}
	d, err := key.Digest()
	if err != nil {
		return picket.Key{}, store.NewKey{}, err
	}
	text := key.Expose()
	return key, store.NewKey{Kind: kind, Digest: d, Last4: text[len(text)-4:]}, nil
}

// IssueKey issues a key for project; shared by the API, the dashboard and the CLI.
func (a *App) IssueKey(ctx context.Context, project int64, kind picket.KeyKind, expiresIn time.Duration) (IssuedKey, error) {
	key, nk, err := newKey(kind)
	if err != nil {
		return IssuedKey{}, err
	}
	nk.Lifetime = expiresIn
	rec, err := a.store.IssueKey(ctx, project, nk, a.Quotas.KeysPerProject, a.now())
	if err != nil {
		return IssuedKey{}, err
	}
	_ = a.Reload()
	a.log.InfoContext(ctx, "key issued", "project", project, "key_id", rec.ID, "kind", kind.String())
	return IssuedKey{Key: keyJSON(rec), Secret: key.Expose()}, nil
}

func (a *App) issueKey(w http.ResponseWriter, r *http.Request, au picket.Auth) {
	var body struct {
		Kind             string       `json:"kind"`
		ExpiresInSeconds *wholeNumber `json:"expires_in_seconds"`
	}
	if !decode(w, r, &body, false) {
		return
	}
	kind, ok := store.ParseKind(body.Kind)
	if !ok {
		writeErr(w, rules.BadRequest, `kind must be "publishable" or "secret"`)
		return
	}
	var in time.Duration
	if body.ExpiresInSeconds != nil {
		if *body.ExpiresInSeconds <= 0 || *body.ExpiresInSeconds > maxLifetimeSeconds {
			writeErr(w, rules.BadRequest, "expires_in_seconds must be between 1 and 3153600000")
			return
		}
		in = time.Duration(*body.ExpiresInSeconds) * time.Second
	}
	k, err := a.IssueKey(r.Context(), int64(au.Project), kind, in)
	if a.quotaErr(w, err) {
		return
	}
	if err != nil {
		a.storeErr(w, r, err)
		return
	}
	picket.WriteJSON(w, http.StatusCreated, k)
}

// RollKey issues a new key of key id's kind, lineage and (unless lifetime is given; zero:
// no expiry) lifetime, and makes the old one expire after grace. actor says who rolls it
// (store.Actor). Shared by the API, the dashboard and the CLI.
func (a *App) RollKey(ctx context.Context, id int64, actor store.Actor, grace time.Duration, lifetime *time.Duration) (IssuedKey, error) {
	old, err := a.store.Key(ctx, id)
	if err != nil {
		return IssuedKey{}, err
	}
	key, nk, err := newKey(old.Kind)
	if err != nil {
		return IssuedKey{}, err
	}
	newRec, oldRec, err := a.store.RollKey(ctx, id, actor, store.Roll{Digest: nk.Digest, Last4: nk.Last4, Grace: grace, Lifetime: lifetime}, a.Quotas.KeysPerProject, a.now())
	if err != nil {
		return IssuedKey{}, err
	}
	_ = a.Reload()
	a.log.InfoContext(ctx, "key rolled", "project", newRec.ProjectID, "old_key_id", oldRec.ID, "new_key_id", newRec.ID, "grace_seconds", int64(grace.Seconds()))
	prev := keyJSON(oldRec)
	return IssuedKey{Key: keyJSON(newRec), Secret: key.Expose(), Previous: &prev}, nil
}

// actor is the holder of the secret key that authenticates r, acting on its project.
func (a *App) actor(r *http.Request, au picket.Auth) (store.Actor, error) {
	key, err := picket.ParseAuthorization(r.Header.Get("Authorization"), 0)
	if err != nil {
		return store.Actor{}, err
	}
	d, err := key.Digest()
	if err != nil {
		return store.Actor{}, err
	}
	k, err := a.store.KeyByDigest(r.Context(), d.String())
	if err != nil {
		return store.Actor{}, err
	}
	return store.Actor{Project: int64(au.Project), Lineage: k.Lineage}, nil
}

func keyID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeErr(w, rules.UnknownKey, "no such key")
		return 0, false
	}
	return id, true
}

func (a *App) keyErr(w http.ResponseWriter, r *http.Request, err error) {
	if status, body, ok := a.Refusal(err); ok {
		writeError(w, status, body)
		return
	}
	if errors.Is(err, store.ErrNotFound) {
		writeErr(w, rules.UnknownKey, "no such key in this project")
		return
	}
	a.internal(w, r, "store", err)
}

func (a *App) rollKey(w http.ResponseWriter, r *http.Request, au picket.Auth) {
	id, ok := keyID(w, r)
	if !ok {
		return
	}
	var body struct {
		GraceSeconds     *wholeNumber `json:"grace_seconds"`
		ExpiresInSeconds *wholeNumber `json:"expires_in_seconds"`
	}
	if !decode(w, r, &body, true) {
		return
	}
	var lifetime *time.Duration
	if body.ExpiresInSeconds != nil {
		if *body.ExpiresInSeconds < 0 || *body.ExpiresInSeconds > maxLifetimeSeconds {
			writeErr(w, rules.BadRequest, "expires_in_seconds must be between 0 (no expiry) and 3153600000")
			return
		}
		d := time.Duration(*body.ExpiresInSeconds) * time.Second
		lifetime = &d
	}
	grace := store.DefaultGrace
	if body.GraceSeconds != nil {
		if *body.GraceSeconds < 0 || *body.GraceSeconds > 365*86400 {
			writeErr(w, rules.BadRequest, "grace_seconds must be between 0 and 31536000")
			return
		}
		grace = time.Duration(*body.GraceSeconds) * time.Second
	}
	actor, err := a.actor(r, au)
	if err != nil {
		a.internal(w, r, "roll: the caller's key", err)
		return
	}
	k, err := a.RollKey(r.Context(), id, actor, grace, lifetime)
	if err != nil {
		a.keyErr(w, r, err)
		return
	}
	picket.WriteJSON(w, http.StatusCreated, k)
}

// RevokeKey revokes key id, refused for the project's last live secret key
// (store.ErrLastSecretKey, unless actor.Force) and for a key more senior than the actor's
// (store.ErrOutranked). Shared by the API, the dashboard and the CLI.
func (a *App) RevokeKey(ctx context.Context, id int64, actor store.Actor) (store.Key, error) {
	k, err := a.store.RevokeKey(ctx, id, actor, a.now())
	if err != nil {
		return k, err
	}
	_ = a.Reload()
	a.log.InfoContext(ctx, "key revoked", "project", k.ProjectID, "key_id", k.ID)
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
	actor, err := a.actor(r, au)
	if err != nil {
		a.internal(w, r, "revoke: the caller's key", err)
		return
	}
	k, err := a.RevokeKey(r.Context(), id, actor)
	if err != nil {
		a.keyErr(w, r, err)
		return
	}
	picket.WriteJSON(w, http.StatusOK, keyJSON(k))
}
