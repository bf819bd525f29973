// Changes: the change counter and log. Every change the authentication registry depends on
// bumps store_version and logs which project it touched, in its own transaction; a process
// reads what changed since the version its registry is at, and replaces only those
// projects.

package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// changeLogLength is how many changes the log keeps: a process further behind than this
// (one that could not reach the store for that long) rebuilds its registry whole.
const changeLogLength = 10_000

// MaxChangedProjects is how many changed projects Changes returns one by one; beyond, it
// says Full (a rebuild is then as cheap).
const MaxChangedProjects = 1000

// bump records a change to project: the next store version, and the project in the log
// (trimmed to its last changeLogLength changes). On PostgreSQL it also notifies the other
// processes (delivered when the transaction commits).
func (s *Store) bump(ctx context.Context, tx *sql.Tx, project int64) error {
	var v int64
	if err := tx.QueryRowContext(ctx, "UPDATE store_version SET version = version + 1 WHERE id = 1 RETURNING version").Scan(&v); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.q("INSERT INTO changes (version, project_id) VALUES (?, ?)"), v, project); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.q("DELETE FROM changes WHERE version <= ?"), v-changeLogLength); err != nil {
		return err
	}
	if s.pg {
		_, err := tx.ExecContext(ctx, "SELECT pg_notify('"+notifyChannel+"', '')")
		return err
	}
	return nil
}

// ProjectState is a project as the registry needs it: its record, its redirect URIs, and
// its keys that are neither revoked nor expired.
type ProjectState struct {
	Project Project
	URIs    []string
	Keys    []Key
}

// Changes is what changed in the store after a version.
type Changes struct {
	// Version is the store's version now (equal to the one asked about: nothing changed).
	Version int64
	// Full: the log does not reach back to the version asked about, or more than
	// MaxChangedProjects projects changed; read a Snapshot instead.
	Full bool
	// Projects are the changed projects as they are now; Removed the changed ones that no
	// longer exist.
	Projects []ProjectState
	Removed  []int64
}

// Changes reads, in one transaction, the store's version and the projects changed after
// version since, each as it is now (keys live at now).
func (s *Store) Changes(ctx context.Context, since int64, now time.Time) (Changes, error) {
	cctx, cancel, err := s.call(ctx)
	if err != nil {
		return Changes{}, err
	}
	defer cancel()
	c, err := s.changes(cctx, since, now)
	return c, s.done(ctx, err)
}

func (s *Store) changes(ctx context.Context, since int64, now time.Time) (Changes, error) {
	var c Changes
	opts := &sql.TxOptions{ReadOnly: s.pg}
	if s.pg {
		// One snapshot for every statement (SQLite's read transaction is one already).
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.rdb.BeginTx(ctx, opts)
	if err != nil {
		return c, err
	}
	defer tx.Rollback() //nolint:errcheck // read only
	if err := tx.QueryRowContext(ctx, "SELECT version FROM store_version WHERE id = 1").Scan(&c.Version); err != nil {
		return c, err
	}
	if c.Version == since {
		return c, nil
	}
	var oldest sql.NullInt64
	if err := tx.QueryRowContext(ctx, "SELECT MIN(version) FROM changes").Scan(&oldest); err != nil {
		return c, err
	}
	if !oldest.Valid || oldest.Int64 > since+1 || since > c.Version {
		c.Full = true
		return c, nil
	}
	rows, err := tx.QueryContext(ctx, s.q("SELECT DISTINCT project_id FROM changes WHERE version > ? AND version <= ? ORDER BY project_id"), since, c.Version)
	if err != nil {
		return c, err
	}
	var ids []any
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return c, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, err
	}
	if len(ids) > MaxChangedProjects {
		c.Full = true
		return c, nil
	}
	in := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")"
	byID := map[int64]*ProjectState{}
	rows, err = tx.QueryContext(ctx, s.q("SELECT "+projectCols+" FROM projects WHERE id IN "+in+" ORDER BY id"), ids...)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			rows.Close()
			return c, err
		}
		c.Projects = append(c.Projects, ProjectState{Project: p})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, err
	}
	for i := range c.Projects {
		byID[c.Projects[i].Project.ID] = &c.Projects[i]
	}
	for _, id := range ids {
		if byID[id.(int64)] == nil {
			c.Removed = append(c.Removed, id.(int64))
		}
	}
	rows, err = tx.QueryContext(ctx, s.q("SELECT project_id, uri FROM redirect_uris WHERE project_id IN "+in+" ORDER BY project_id, uri"), ids...)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		var id int64
		var u string
		if err := rows.Scan(&id, &u); err != nil {
			rows.Close()
			return c, err
		}
		if p := byID[id]; p != nil {
			p.URIs = append(p.URIs, u)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, err
	}
	rows, err = tx.QueryContext(ctx, s.q("SELECT "+keyCols+" FROM keys WHERE project_id IN "+in+" AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) ORDER BY id"), append(ids, now.Unix())...)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return c, err
		}
		if p := byID[k.ProjectID]; p != nil {
			p.Keys = append(p.Keys, k)
		}
	}
	return c, rows.Err()
}
