// Keys: the key record (a digest, never the key), issuing, rolling and revoking keys.

package store

import (
	"context"
	"database/sql"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
)

// DefaultGrace is how long a rolled key stays valid when no grace is given.
const DefaultGrace = 24 * time.Hour

// Key is a key's record: never the key itself.
type Key struct {
	ID        int64
	ProjectID int64
	Kind      picket.KeyKind
	Digest    string
	CreatedAt time.Time
	ExpiresAt time.Time // zero: no expiry
	RevokedAt time.Time // zero: not revoked
	// Lineage is the id of the first key of the roll chain this key belongs to (its own id
	// when it was issued, not rolled). A smaller lineage is a more senior key.
	Lineage int64
	// Lifetime is the lifetime the key was issued with (zero: no expiry).
	Lifetime time.Duration
	// Last4 is the key's last four characters, a hint ("" for keys issued before hints).
	Last4 string
}

// Live reports whether the key authenticates at now: neither revoked nor expired.
func (k Key) Live(now time.Time) bool {
	return k.RevokedAt.IsZero() && (k.ExpiresAt.IsZero() || now.Before(k.ExpiresAt))
}

// Actor is who changes a project's keys: the operator (the zero Actor: any project, any
// key), or the holder of one of a project's secret keys.
type Actor struct {
	// Project, when not 0, is the only project whose keys may be changed (ErrNotFound
	// otherwise).
	Project int64
	// Lineage, when not 0, is the lineage of the secret key that makes the change: it may
	// change only secret keys of its own lineage or of a younger one (ErrOutranked
	// otherwise), and any publishable key.
	Lineage int64
	// Force lets the operator revoke a project's last live secret key.
	Force bool
}

// allows checks that the actor may change key k (ErrNotFound, ErrOutranked).
func (a Actor) allows(k Key) error {
	if a.Project != 0 && k.ProjectID != a.Project {
		return ErrNotFound
	}
	if a.Lineage != 0 && k.Kind == picket.Secret && k.Lineage < a.Lineage {
		return ErrOutranked
	}
	return nil
}

// ParseKind parses "publishable" or "secret".
func ParseKind(s string) (picket.KeyKind, bool) {
	switch s {
	case "publishable":
		return picket.Publishable, true
	case "secret":
		return picket.Secret, true
	}
	return 0, false
}

func scanKey(r scanner) (Key, error) {
	var k Key
	var kind string
	var created int64
	var expires, revoked, lifetime sql.NullInt64
	var last4 sql.NullString
	if err := r.Scan(&k.ID, &k.ProjectID, &k.Digest, &kind, &created, &expires, &revoked, &k.Lineage, &lifetime, &last4); err != nil {
		return Key{}, err
	}
	k.Kind, _ = ParseKind(kind)
	k.CreatedAt = time.Unix(created, 0).UTC()
	k.ExpiresAt = fromUnix(expires)
	k.RevokedAt = fromUnix(revoked)
	k.Last4 = last4.String
	switch {
	case lifetime.Valid:
		k.Lifetime = time.Duration(lifetime.Int64) * time.Second
	case !k.ExpiresAt.IsZero():
		// A key from before lifetimes were recorded.
		k.Lifetime = k.ExpiresAt.Sub(k.CreatedAt)
	}
	return k, nil
}

const keyCols = "id, project_id, digest, kind, created_at, expires_at, revoked_at, COALESCE(lineage, id), lifetime_seconds, last4"

// NewKey is a key to create: its digest (from picket), its lifetime (zero: no expiry) and
// its last four characters (the hint shown to tell keys apart).
type NewKey struct {
	Kind     picket.KeyKind
	Digest   picket.KeyDigest
	Lifetime time.Duration
	Last4    string
}

// insertKey inserts a key of lineage (0: its own) that expires Lifetime after now.
func (s *Store) insertKey(ctx context.Context, tx *sql.Tx, projectID int64, k NewKey, lineage int64, now time.Time) (Key, error) {
	now = truncate(now)
	var exp time.Time
	var lifetime sql.NullInt64
	if k.Lifetime > 0 {
		exp = truncate(now.Add(k.Lifetime))
		lifetime = sql.NullInt64{Int64: int64(k.Lifetime / time.Second), Valid: true}
	}
	var lin sql.NullInt64
	if lineage != 0 {
		lin = sql.NullInt64{Int64: lineage, Valid: true}
	}
	var last4 sql.NullString
	if k.Last4 != "" {
		last4 = sql.NullString{String: k.Last4, Valid: true}
	}
	id, err := s.insertID(ctx, tx, "INSERT INTO keys (project_id, digest, kind, created_at, expires_at, lineage, lifetime_seconds, last4) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		projectID, k.Digest.String(), k.Kind.String(), now.Unix(), toUnix(exp), lin, lifetime, last4)
	if err != nil {
		return Key{}, err
	}
	if lineage == 0 {
		lineage = id
	}
	return Key{ID: id, ProjectID: projectID, Kind: k.Kind, Digest: k.Digest.String(), CreatedAt: now,
		ExpiresAt: exp, Lineage: lineage, Lifetime: time.Duration(lifetime.Int64) * time.Second, Last4: k.Last4}, nil
}

// IssueKey creates a key record for project. maxLive (0: no bound) is the project's quota
// of live keys: ErrKeyQuota when it already holds that many.
func (s *Store) IssueKey(ctx context.Context, projectID int64, k NewKey, maxLive int, now time.Time) (Key, error) {
	var rec Key
	err := s.tx(ctx, true, func(ctx context.Context, tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM projects WHERE id = ?"), projectID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		if err := s.checkKeyQuota(ctx, tx, projectID, maxLive, now); err != nil {
			return err
		}
		var err error
		if rec, err = s.insertKey(ctx, tx, projectID, k, 0, now); err != nil {
			return err
		}
		return s.bump(ctx, tx, projectID)
	})
	return rec, err
}

// checkKeyQuota is ErrKeyQuota when the project holds maxLive live keys or more.
func (s *Store) checkKeyQuota(ctx context.Context, tx *sql.Tx, projectID int64, maxLive int, now time.Time) error {
	if maxLive <= 0 {
		return nil
	}
	var live int
	if err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM keys WHERE project_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)"),
		projectID, now.Unix()).Scan(&live); err != nil {
		return err
	}
	if live >= maxLive {
		return ErrKeyQuota
	}
	return nil
}

// Keys lists up to limit of a project's keys whose id is above after, by id, and reports
// whether more follow (ErrNotFound for an unknown project).
func (s *Store) Keys(ctx context.Context, projectID, after int64, limit int) ([]Key, bool, error) {
	if _, err := s.Project(ctx, projectID); err != nil {
		return nil, false, err
	}
	rows, err := s.query(ctx, "SELECT "+keyCols+" FROM keys WHERE project_id = ? AND id > ? ORDER BY id LIMIT ?", projectID, after, limit+1)
	return page(rows, err, limit, scanKey)
}

// Key returns key id, or ErrNotFound.
func (s *Store) Key(ctx context.Context, id int64) (Key, error) {
	k, err := scanKey(s.row(ctx, "SELECT "+keyCols+" FROM keys WHERE id = ?", id))
	return k, notFound(err)
}

// KeyByDigest returns the key with digest (hex), or ErrNotFound.
func (s *Store) KeyByDigest(ctx context.Context, digest string) (Key, error) {
	k, err := scanKey(s.row(ctx, "SELECT "+keyCols+" FROM keys WHERE digest = ?", digest))
	return k, notFound(err)
}

// lockedKey reads key id in tx and checks that actor may change it.
func (s *Store) lockedKey(ctx context.Context, tx *sql.Tx, id int64, actor Actor) (Key, error) {
	k, err := scanKey(tx.QueryRowContext(ctx, s.q("SELECT "+keyCols+" FROM keys WHERE id = ?"), id))
	if err != nil {
		return Key{}, notFound(err)
	}
	return k, actor.allows(k)
}

// Roll is how a key is rolled: the new key's digest, how long the old key stays valid, and
// the new key's lifetime (nil: the old key's; zero: no expiry).
type Roll struct {
	Digest   picket.KeyDigest
	Last4    string
	Grace    time.Duration
	Lifetime *time.Duration
}

// RollKey issues a new key of the old key's kind, project and lineage, and makes the old
// one expire Grace after now (an earlier expiry is kept). A revoked key is ErrRevoked;
// actor's rules as for Actor. A roll with a grace, or of a key already expired, adds a live
// key: ErrKeyQuota when the project already holds maxLive (0: no bound); a roll without
// grace of a live key replaces it and is always allowed.
func (s *Store) RollKey(ctx context.Context, id int64, actor Actor, roll Roll, maxLive int, now time.Time) (newKey, old Key, err error) {
	err = s.tx(ctx, true, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if old, err = s.lockedKey(ctx, tx, id, actor); err != nil {
			return err
		}
		if !old.RevokedAt.IsZero() {
			return ErrRevoked
		}
		// Only a roll without grace of a live key leaves the live count as it was.
		if roll.Grace > 0 || !old.Live(now) {
			if err := s.checkKeyQuota(ctx, tx, old.ProjectID, maxLive, now); err != nil {
				return err
			}
		}
		graceUntil := truncate(now.Add(roll.Grace))
		if old.ExpiresAt.IsZero() || graceUntil.Before(old.ExpiresAt) {
			if _, err := tx.ExecContext(ctx, s.q("UPDATE keys SET expires_at = ? WHERE id = ?"), graceUntil.Unix(), id); err != nil {
				return err
			}
			old.ExpiresAt = graceUntil
		}
		lifetime := old.Lifetime
		if roll.Lifetime != nil {
			lifetime = *roll.Lifetime
		}
		if newKey, err = s.insertKey(ctx, tx, old.ProjectID, NewKey{Kind: old.Kind, Digest: roll.Digest, Lifetime: lifetime, Last4: roll.Last4}, old.Lineage, now); err != nil {
			return err
		}
		return s.bump(ctx, tx, old.ProjectID)
	})
	return newKey, old, err
}

// RevokeKey revokes key id (revoking twice keeps the first time). Refused with
// ErrLastSecretKey when it is the project's last live secret key (unless actor.Force);
// actor's other rules as for Actor.
func (s *Store) RevokeKey(ctx context.Context, id int64, actor Actor, now time.Time) (Key, error) {
	var k Key
	err := s.tx(ctx, true, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if k, err = s.lockedKey(ctx, tx, id, actor); err != nil {
			return err
		}
		if !k.RevokedAt.IsZero() {
			return nil
		}
		if k.Kind == picket.Secret && k.Live(now) && !actor.Force {
			var others int
			if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM keys WHERE project_id = ? AND id <> ? AND kind = 'secret'
AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`), k.ProjectID, id, now.Unix()).Scan(&others); err != nil {
				return err
			}
			if others == 0 {
				return ErrLastSecretKey
			}
		}
		if _, err := tx.ExecContext(ctx, s.q("UPDATE keys SET revoked_at = ? WHERE id = ?"), now.Unix(), id); err != nil {
			return err
		}
		k.RevokedAt = truncate(now)
		return s.bump(ctx, tx, k.ProjectID)
	})
	return k, err
}
