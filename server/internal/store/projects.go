// Projects: the project record, its mode, creating and listing projects, and Bootstrap.

package store

import (
	"context"
	"database/sql"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
)

// Project is a project.
type Project struct {
	ID        int64
	Name      string
	Mode      picket.Mode
	CreatedAt time.Time
}

// ParseMode parses "development" or "production".
func ParseMode(s string) (picket.Mode, bool) {
	switch s {
	case "development":
		return picket.Development, true
	case "production":
		return picket.Production, true
	}
	return 0, false
}

func scanProject(r scanner) (Project, error) {
	var p Project
	var mode string
	var created int64
	if err := r.Scan(&p.ID, &p.Name, &mode, &created); err != nil {
		return Project{}, err
	}
	p.Mode, _ = ParseMode(mode)
	p.CreatedAt = time.Unix(created, 0).UTC()
	return p, nil
}

const projectCols = "id, name, mode, created_at"

// Bootstrap creates the first project with uris and keys, only when the store has no
// project yet. It reports whether it created it. Safe when several processes start at once.
func (s *Store) Bootstrap(ctx context.Context, name string, mode picket.Mode, uris []string, keys []NewKey, now time.Time) (Project, []Key, bool, error) {
	var p Project
	var made []Key
	created := false
	err := s.tx(ctx, true, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM projects").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		var err error
		p, err = s.createProject(ctx, tx, name, mode, now)
		if err != nil {
			return err
		}
		for _, u := range uris {
			if _, err := tx.ExecContext(ctx, s.q("INSERT INTO redirect_uris (project_id, uri, created_at) VALUES (?, ?, ?)"), p.ID, u, now.Unix()); err != nil {
				return err
			}
		}
		for _, k := range keys {
			rec, err := s.insertKey(ctx, tx, p.ID, k, 0, now)
			if err != nil {
				return err
			}
			made = append(made, rec)
		}
		created = true
		return s.bump(ctx, tx)
	})
	return p, made, created, err
}

func (s *Store) createProject(ctx context.Context, tx *sql.Tx, name string, mode picket.Mode, now time.Time) (Project, error) {
	id, err := s.insertID(ctx, tx, "INSERT INTO projects (name, mode, created_at) VALUES (?, ?, ?)", name, mode.String(), now.Unix())
	if err != nil {
		return Project{}, err
	}
	return Project{ID: id, Name: name, Mode: mode, CreatedAt: time.Unix(now.Unix(), 0).UTC()}, nil
}

// CreateProject creates a project.
func (s *Store) CreateProject(ctx context.Context, name string, mode picket.Mode, now time.Time) (Project, error) {
	var p Project
	err := s.tx(ctx, true, func(tx *sql.Tx) error {
		var err error
		if p, err = s.createProject(ctx, tx, name, mode, now); err != nil {
			return err
		}
		return s.bump(ctx, tx)
	})
	return p, err
}

// Projects lists up to limit projects whose id is above after, by id, and reports whether
// more follow.
func (s *Store) Projects(ctx context.Context, after int64, limit int) ([]Project, bool, error) {
	rows, err := s.rdb.QueryContext(ctx, s.q("SELECT "+projectCols+" FROM projects WHERE id > ? ORDER BY id LIMIT ?"), after, limit+1)
	return page(rows, err, limit, scanProject)
}

// Project returns project id, or ErrNotFound.
func (s *Store) Project(ctx context.Context, id int64) (Project, error) {
	p, err := scanProject(s.rdb.QueryRowContext(ctx, s.q("SELECT "+projectCols+" FROM projects WHERE id = ?"), id))
	return p, notFound(err)
}

// SetMode sets a project's mode. check sees the project's redirect URIs, read in the same
// transaction, and refuses the change by returning an error.
func (s *Store) SetMode(ctx context.Context, id int64, mode picket.Mode, check func(uris []string) error) (Project, error) {
	var p Project
	err := s.tx(ctx, true, func(tx *sql.Tx) error {
		var err error
		p, err = scanProject(tx.QueryRowContext(ctx, s.q("SELECT "+projectCols+" FROM projects WHERE id = ?"), id))
		if err != nil {
			return notFound(err)
		}
		uris, err := s.redirectURIs(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := check(uris); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q("UPDATE projects SET mode = ? WHERE id = ?"), mode.String(), id); err != nil {
			return err
		}
		p.Mode = mode
		return s.bump(ctx, tx)
	})
	return p, err
}
