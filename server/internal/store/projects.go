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
	// AccountID is the account that owns the project (0: the operator's, no account).
	AccountID int64
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
	var account sql.NullInt64
	if err := r.Scan(&p.ID, &p.Name, &mode, &created, &account); err != nil {
		return Project{}, err
	}
	p.AccountID = account.Int64
	p.Mode, _ = ParseMode(mode)
	p.CreatedAt = time.Unix(created, 0).UTC()
	return p, nil
}

const projectCols = "id, name, mode, created_at, account_id"

// Bootstrap creates the first project with uris and keys, only when the store has no
// project yet. It reports whether it created it. Safe when several processes start at once.
func (s *Store) Bootstrap(ctx context.Context, name string, mode picket.Mode, uris []string, keys []NewKey, now time.Time) (Project, []Key, bool, error) {
	var p Project
	var made []Key
	created := false
	err := s.tx(ctx, true, func(ctx context.Context, tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM projects").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		var err error
		p, made, err = s.createProject(ctx, tx, NewProject{Name: name, Mode: mode, URIs: uris, Keys: keys}, now)
		if err != nil {
			return err
		}
		created = true
		return s.bump(ctx, tx, p.ID)
	})
	return p, made, created, err
}

// NewProject is a project to create, with its first redirect URIs and keys.
type NewProject struct {
	Name string
	Mode picket.Mode
	// AccountID is the owner (0: none, the operator's).
	AccountID int64
	// MaxAccountProjects bounds the projects the owner may hold, this one included
	// (CreateProject: ErrProjectQuota beyond; 0: no bound, as for the operator's).
	MaxAccountProjects int
	URIs               []string
	Keys               []NewKey
}

func (s *Store) createProject(ctx context.Context, tx *sql.Tx, np NewProject, now time.Time) (Project, []Key, error) {
	var owner sql.NullInt64
	if np.AccountID != 0 {
		owner = sql.NullInt64{Int64: np.AccountID, Valid: true}
	}
	id, err := s.insertID(ctx, tx, "INSERT INTO projects (name, mode, created_at, account_id) VALUES (?, ?, ?, ?)", np.Name, np.Mode.String(), now.Unix(), owner)
	if err != nil {
		return Project{}, nil, err
	}
	for _, u := range np.URIs {
		if _, err := tx.ExecContext(ctx, s.q("INSERT INTO redirect_uris (project_id, uri, created_at) VALUES (?, ?, ?)"), id, u, now.Unix()); err != nil {
			return Project{}, nil, err
		}
	}
	keys := make([]Key, 0, len(np.Keys))
	for _, k := range np.Keys {
		rec, err := s.insertKey(ctx, tx, id, k, 0, now)
		if err != nil {
			return Project{}, nil, err
		}
		keys = append(keys, rec)
	}
	return Project{ID: id, Name: np.Name, Mode: np.Mode, CreatedAt: time.Unix(now.Unix(), 0).UTC(), AccountID: np.AccountID}, keys, nil
}

// CreateProject creates a project with its first redirect URIs and keys, in one
// transaction (ErrNotFound when np.AccountID names no account).
func (s *Store) CreateProject(ctx context.Context, np NewProject, now time.Time) (Project, []Key, error) {
	var p Project
	var keys []Key
	err := s.tx(ctx, true, func(ctx context.Context, tx *sql.Tx) error {
		if np.AccountID != 0 {
			if err := s.accountExists(ctx, tx, np.AccountID); err != nil {
				return err
			}
			if err := s.checkProjectQuota(ctx, tx, np.AccountID, np.MaxAccountProjects); err != nil {
				return err
			}
		}
		var err error
		if p, keys, err = s.createProject(ctx, tx, np, now); err != nil {
			return err
		}
		return s.bump(ctx, tx, p.ID)
	})
	return p, keys, err
}

// checkProjectQuota is ErrProjectQuota when account holds max projects or more (0: no
// bound). Under the store's write lock (tx with lock), so concurrent creations cannot pass
// it together.
func (s *Store) checkProjectQuota(ctx context.Context, tx *sql.Tx, account int64, max int) error {
	if max <= 0 {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM projects WHERE account_id = ?"), account).Scan(&n); err != nil {
		return err
	}
	if n >= max {
		return ErrProjectQuota
	}
	return nil
}

// ImportProjects creates many projects, each with its redirect URIs and keys, in one
// transaction (an import from another system; a benchmark's store): all or none.
func (s *Store) ImportProjects(ctx context.Context, nps []NewProject, now time.Time) ([]Project, error) {
	out := make([]Project, 0, len(nps))
	cctx, cancel, err := s.callWithin(ctx, 10*time.Minute)
	if err != nil {
		return nil, err
	}
	defer cancel()
	err = s.txIn(cctx, true, func(ctx context.Context, tx *sql.Tx) error {
		for _, np := range nps {
			p, _, err := s.createProject(ctx, tx, np, now)
			if err != nil {
				return err
			}
			if err := s.bump(ctx, tx, p.ID); err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	return out, s.done(ctx, err)
}

// Projects lists up to limit projects whose id is above after, by id, and reports whether
// more follow.
func (s *Store) Projects(ctx context.Context, after int64, limit int) ([]Project, bool, error) {
	rows, err := s.query(ctx, "SELECT "+projectCols+" FROM projects WHERE id > ? ORDER BY id LIMIT ?", after, limit+1)
	return page(rows, err, limit, scanProject)
}

// Project returns project id, or ErrNotFound.
func (s *Store) Project(ctx context.Context, id int64) (Project, error) {
	p, err := scanProject(s.row(ctx, "SELECT "+projectCols+" FROM projects WHERE id = ?", id))
	return p, notFound(err)
}

// SetMode sets a project's mode. check sees the project's redirect URIs, read in the same
// transaction, and refuses the change by returning an error.
func (s *Store) SetMode(ctx context.Context, id int64, mode picket.Mode, check func(uris []string) error) (Project, error) {
	var p Project
	err := s.tx(ctx, true, func(ctx context.Context, tx *sql.Tx) error {
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
		return s.bump(ctx, tx, id)
	})
	return p, err
}
