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
	var expires, revoked sql.NullInt64
	if err := r.Scan(&k.ID, &k.ProjectID, &k.Digest, &kind, &created, &expires, &revoked); err != nil {
		return Key{}, err
	}
	k.Kind, _ = ParseKind(kind)
	k.CreatedAt = time.Unix(created, 0).UTC()
	k.ExpiresAt = fromUnix(expires)
	k.RevokedAt = fromUnix(revoked)
	return k, nil
}

const keyCols = "id, project_id, digest, kind, created_at, expires_at, revoked_at"

// NewKey is a key to create: its digest (from picket) and its expiry (zero: none).
type NewKey struct {
	Kind      picket.KeyKind
	Digest    picket.KeyDigest
	ExpiresAt time.Time
}

func (s *Store) insertKey(ctx context.Context, tx *sql.Tx, projectID int64, k NewKey, now time.Time) (Key, error) {
	id, err := s.insertID(ctx, tx, "INSERT INTO keys (project_id, digest, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
		projectID, k.Digest.String(), k.Kind.String(), now.Unix(), toUnix(k.ExpiresAt))
	if err != nil {
		return Key{}, err
	}
	return Key{ID: id, ProjectID: projectID, Kind: k.Kind, Digest: k.Digest.String(), CreatedAt: time.Unix(now.Unix(), 0).UTC(),
		ExpiresAt: truncate(k.ExpiresAt)}, nil
}

// IssueKey creates a key record for project.
func (s *Store) IssueKey(ctx context.Context, projectID int64, k NewKey, now time.Time) (Key, error) {
	var rec Key
	err := s.tx(ctx, true, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM projects WHERE id = ?"), projectID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		var err error
		if rec, err = s.insertKey(ctx, tx, projectID, k, now); err != nil {
			return err
		}
		return s.bump(ctx, tx)
	})
	return rec, err
}

// Keys lists a project's keys by id (ErrNotFound for an unknown project).
func (s *Store) Keys(ctx context.Context, projectID int64) ([]Key, error) {
	if _, err := s.Project(ctx, projectID); err != nil {
		return nil, err
	}
	rows, err := s.rdb.QueryContext(ctx, s.q("SELECT "+keyCols+" FROM keys WHERE project_id = ? ORDER BY id"), projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Key
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// Key returns key id, or ErrNotFound.
func (s *Store) Key(ctx context.Context, id int64) (Key, error) {
	k, err := scanKey(s.rdb.QueryRowContext(ctx, s.q("SELECT "+keyCols+" FROM keys WHERE id = ?"), id))
	return k, notFound(err)
}

// RollKey issues a new key of the old key's kind and project, and makes the old one
// expire at graceUntil (an earlier expiry is kept). inProject, when not 0, is the only
// project whose keys may be rolled (ErrNotFound otherwise). A revoked key is ErrRevoked.
func (s *Store) RollKey(ctx context.Context, id, inProject int64, digest picket.KeyDigest, graceUntil, now time.Time) (newKey, old Key, err error) {
	err = s.tx(ctx, true, func(tx *sql.Tx) error {
		var err error
		old, err = scanKey(tx.QueryRowContext(ctx, s.q("SELECT "+keyCols+" FROM keys WHERE id = ?"), id))
		if err != nil {
			return notFound(err)
		}
		if inProject != 0 && old.ProjectID != inProject {
			return ErrNotFound
		}
		if !old.RevokedAt.IsZero() {
			return ErrRevoked
		}
		graceUntil = truncate(graceUntil)
		if old.ExpiresAt.IsZero() || graceUntil.Before(old.ExpiresAt) {
			if _, err := tx.ExecContext(ctx, s.q("UPDATE keys SET expires_at = ? WHERE id = ?"), graceUntil.Unix(), id); err != nil {
				return err
			}
			old.ExpiresAt = graceUntil
		}
		if newKey, err = s.insertKey(ctx, tx, old.ProjectID, NewKey{Kind: old.Kind, Digest: digest}, now); err != nil {
			return err
		}
		return s.bump(ctx, tx)
	})
	return newKey, old, err
}

// RevokeKey revokes key id (revoking twice keeps the first time). inProject as for RollKey.
func (s *Store) RevokeKey(ctx context.Context, id, inProject int64, now time.Time) (Key, error) {
	var k Key
	err := s.tx(ctx, true, func(tx *sql.Tx) error {
		var err error
		k, err = scanKey(tx.QueryRowContext(ctx, s.q("SELECT "+keyCols+" FROM keys WHERE id = ?"), id))
		if err != nil {
			return notFound(err)
		}
		if inProject != 0 && k.ProjectID != inProject {
			return ErrNotFound
		}
		if !k.RevokedAt.IsZero() {
			return nil
		}
		if _, err := tx.ExecContext(ctx, s.q("UPDATE keys SET revoked_at = ? WHERE id = ?"), now.Unix(), id); err != nil {
			return err
		}
		k.RevokedAt = truncate(now)
		return s.bump(ctx, tx)
	})
	return k, err
}
