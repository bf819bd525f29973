// Redirect URIs: listing, adding and removing a project's registered redirect URIs.

package store

import (
	"context"
	"database/sql"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
)

func (s *Store) redirectURIs(ctx context.Context, tx *sql.Tx, projectID int64) ([]string, error) {
	rows, err := tx.QueryContext(ctx, s.q("SELECT uri FROM redirect_uris WHERE project_id = ? ORDER BY uri"), projectID)
	return scanColumn[string](rows, err)
}

// RedirectURIs lists up to limit of a project's redirect URIs that sort after after (in
// the store's text order), and reports whether more follow (ErrNotFound for an unknown project).
func (s *Store) RedirectURIs(ctx context.Context, projectID int64, after string, limit int) ([]string, bool, error) {
	if _, err := s.Project(ctx, projectID); err != nil {
		return nil, false, err
	}
	rows, err := s.query(ctx, "SELECT uri FROM redirect_uris WHERE project_id = ? AND uri > ? ORDER BY uri LIMIT ?", projectID, after, limit+1)
	return page(rows, err, limit, func(r scanner) (string, error) {
		var u string
		err := r.Scan(&u)
		return u, err
	})
}

// AddRedirectURI registers uri for a project. validate sees the project's mode (read in
// the same transaction) and refuses the URI by returning an error. A URI already there is
// ErrExists; ErrRedirectURIQuota when the project already holds max (0: no bound).
func (s *Store) AddRedirectURI(ctx context.Context, projectID int64, uri string, validate func(picket.Mode) error, max int, now time.Time) error {
	return s.tx(ctx, true, func(ctx context.Context, tx *sql.Tx) error {
		p, err := scanProject(tx.QueryRowContext(ctx, s.q("SELECT "+projectCols+" FROM projects WHERE id = ?"), projectID))
		if err != nil {
			return notFound(err)
		}
		if err := validate(p.Mode); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM redirect_uris WHERE project_id = ? AND uri = ?"), projectID, uri).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrExists
		}
		if max > 0 {
			if err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM redirect_uris WHERE project_id = ?"), projectID).Scan(&n); err != nil {
				return err
			}
			if n >= max {
				return ErrRedirectURIQuota
			}
		}
		if _, err := tx.ExecContext(ctx, s.q("INSERT INTO redirect_uris (project_id, uri, created_at) VALUES (?, ?, ?)"), projectID, uri, now.Unix()); err != nil {
			return err
		}
		return s.bump(ctx, tx, projectID)
	})
}

// RemoveRedirectURI removes uri from a project (ErrNotFound when it is not there) and
// revokes the tokens issued for it, so that registering it again does not bring them back.
func (s *Store) RemoveRedirectURI(ctx context.Context, projectID int64, uri string, now time.Time) error {
	return s.tx(ctx, true, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("DELETE FROM redirect_uris WHERE project_id = ? AND uri = ?"), projectID, uri)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE tokens SET revoked_at = ? WHERE revoked_at IS NULL AND expires_at > ?
AND code_digest IN (SELECT digest FROM oauth_codes WHERE project_id = ? AND redirect_uri = ?)`), now.Unix(), now.Unix(), projectID, uri); err != nil {
			return err
		}
		return s.bump(ctx, tx, projectID)
	})
}
