// Snapshot: everything the authentication registry is built from, read in one transaction.

package store

import (
	"context"
	"database/sql"
	"time"
)

// Snapshot is everything the authentication registry is built from.
type Snapshot struct {
	Version  int64
	Projects []Project
	URIs     map[int64][]string
	Keys     []Key // neither revoked nor expired at the snapshot's time
}

// Snapshot reads the registry's inputs in one transaction, within a minute (every row of
// the registry's tables: more than one call's deadline at a million keys).
func (s *Store) Snapshot(ctx context.Context, now time.Time) (Snapshot, error) {
	cctx, cancel, err := s.callWithin(ctx, time.Minute)
	if err != nil {
		return Snapshot{}, err
	}
	defer cancel()
	snap, err := s.snapshot(cctx, now)
	return snap, s.done(ctx, err)
}

func (s *Store) snapshot(ctx context.Context, now time.Time) (Snapshot, error) {
	snap := Snapshot{URIs: map[int64][]string{}}
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: s.pg})
	if err != nil {
		return snap, err
	}
	defer tx.Rollback() //nolint:errcheck // read only
	if err := tx.QueryRowContext(ctx, "SELECT version FROM store_version WHERE id = 1").Scan(&snap.Version); err != nil {
		return snap, err
	}
	rows, err := tx.QueryContext(ctx, "SELECT "+projectCols+" FROM projects ORDER BY id")
	if err != nil {
		return snap, err
	}
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			rows.Close()
			return snap, err
		}
		snap.Projects = append(snap.Projects, p)
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, "SELECT project_id, uri FROM redirect_uris ORDER BY project_id, uri")
	if err != nil {
		return snap, err
	}
	for rows.Next() {
		var id int64
		var u string
		if err := rows.Scan(&id, &u); err != nil {
			rows.Close()
			return snap, err
		}
		snap.URIs[id] = append(snap.URIs[id], u)
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, s.q("SELECT "+keyCols+" FROM keys WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) ORDER BY id"), now.Unix())
	if err != nil {
		return snap, err
	}
	defer rows.Close()
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return snap, err
		}
		snap.Keys = append(snap.Keys, k)
	}
	return snap, rows.Err()
}
