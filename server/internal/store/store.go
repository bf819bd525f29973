// Package store keeps picket-server's projects, key digests, redirect URIs, OAuth codes
// and tokens in SQLite (embedded default) or PostgreSQL (shared by several processes),
// through database/sql.
//
// No key, code or token is ever stored: keys as picket's SHA-256 digest, codes and tokens
// as the hex SHA-256 of their random text. The schema is versioned (embedded migrations,
// applied in one transaction at Open; on PostgreSQL under an advisory lock, so two
// processes starting at once apply them once). Every change that the authentication
// registry depends on bumps store_version.version in the same transaction: a process
// polls it to rebuild its registry when another process changed the store.
package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	picket "github.com/picket-dev/picket/bindings/go"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

//go:embed migrations
var migrationFiles embed.FS

// Errors a caller maps to answers.
var (
	ErrNotFound     = errors.New("not found")
	ErrExists       = errors.New("already exists")
	ErrRevoked      = errors.New("key is revoked")
	ErrCodeReplayed = errors.New("authorization code already used")
)

const (
	// advisoryLockID is the PostgreSQL advisory lock that serialises migrations and
	// management changes across processes ("picket" in ASCII).
	advisoryLockID = int64(0x7069636b6574)
	sqliteFileName = "picket.db"
)

var errNoMigrations = errors.New("store: no migrations embedded")

// DefaultGrace is how long a rolled key stays valid when no grace is given.
const DefaultGrace = 24 * time.Hour

// Store is an open database.
type Store struct {
	// db serves writes (and everything on PostgreSQL); rdb serves reads. On SQLite db has
	// one connection and rdb several: WAL lets readers run while the one writer writes.
	db, rdb *sql.DB
	pg      bool
}

// Open opens (and migrates) the store: PostgreSQL when dbURL is a postgres:// or
// postgresql:// URL, otherwise SQLite in dataDir/picket.db (the directory is created, mode
// 0700).
func Open(ctx context.Context, dataDir, dbURL string) (*Store, error) {
	var s *Store
	switch {
	case dbURL != "":
		u, err := url.Parse(dbURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return nil, errors.New("-db must be a postgres:// or postgresql:// URL")
		}
		db, err := sql.Open("pgx", dbURL)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(20)
		s = &Store{db: db, rdb: db, pg: true}
	default:
		if dataDir == "" {
			dataDir = "picket-data"
		}
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("data directory: %w", err)
		}
		path := filepath.Join(dataDir, sqliteFileName)
		// WAL lets readers run during a write; busy_timeout makes a second process (the
		// CLI) wait for the lock instead of failing; immediate transactions take the
		// write lock at BEGIN, so read-then-write transactions never deadlock.
		dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
			"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate"
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, err
		}
		// One writer connection: SQLite has one writer at a time anyway, and Go's pool
		// queues waiters fairly where SQLite's busy handler makes them sleep and retry.
		db.SetMaxOpenConns(1)
		rdb, err := sql.Open("sqlite", strings.Replace(dsn, "_txlock=immediate", "_txlock=deferred&_pragma=query_only(1)", 1))
		if err != nil {
			db.Close()
			return nil, err
		}
		rdb.SetMaxOpenConns(4)
		s = &Store{db: db, rdb: rdb}
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	err := s.db.Close()
	if s.rdb != s.db {
		err = errors.Join(err, s.rdb.Close())
	}
	return err
}

// Postgres reports whether the store is PostgreSQL.
func (s *Store) Postgres() bool { return s.pg }

// Ping checks that the store answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.rdb.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// q rewrites the ? placeholders of query for PostgreSQL ($1, $2, ...). No query of this
// package has a ? inside a literal.
func (s *Store) q(query string) string {
	if !s.pg {
		return query
	}
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// tx runs f in a transaction. With lock, on PostgreSQL, it first takes the store's
// transaction-scoped advisory lock, which serialises migrations and management changes
// across processes (SQLite's immediate transactions already serialise every write).
func (s *Store) tx(ctx context.Context, lock bool, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	if lock && s.pg {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", advisoryLockID); err != nil {
			return err
		}
	}
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// bump records a change the registry depends on. On PostgreSQL it also notifies the
// other processes (the notification is delivered when the transaction commits).
func (s *Store) bump(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, "UPDATE store_version SET version = version + 1 WHERE id = 1"); err != nil {
		return err
	}
	if s.pg {
		_, err := tx.ExecContext(ctx, "SELECT pg_notify('"+notifyChannel+"', '')")
		return err
	}
	return nil
}

// notifyChannel is the PostgreSQL LISTEN/NOTIFY channel of store changes.
const notifyChannel = "picket_changes"

// Listen calls onChange after each change another process commits to a PostgreSQL store
// (LISTEN/NOTIFY on a dedicated connection, reconnecting after a failure), until ctx ends.
// On SQLite it returns at once: a caller polls Version instead. onChange is also called
// after each (re)connection, since notifications sent while disconnected are lost.
func (s *Store) Listen(ctx context.Context, onChange func()) {
	if !s.pg {
		return
	}
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, onChange)
		if ctx.Err() != nil {
			return
		}
		_ = err // the caller's version poll covers the gap; retry after a pause
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		if backoff < 5*time.Second {
			backoff *= 2
		}
	}
}

func (s *Store) listenOnce(ctx context.Context, onChange func()) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(interface{ Conn() *pgx.Conn })
		if !ok {
			return errors.New("store: not a pgx connection")
		}
		pc := c.Conn()
		if _, err := pc.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
			return err
		}
		onChange()
		for {
			if _, err := pc.WaitForNotification(ctx); err != nil {
				return err
			}
			onChange()
		}
	})
}

type migration struct {
	version int
	sql     string
}

func (s *Store) migrations() ([]migration, error) {
	dir := "migrations/sqlite"
	if s.pg {
		dir = "migrations/postgres"
	}
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("bad migration file name %q", name)
		}
		body, err := fs.ReadFile(migrationFiles, dir+"/"+name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	if len(out) == 0 {
		return nil, errNoMigrations
	}
	return out, nil
}

// statements splits a migration into its statements: each ends with ';' at the end of a
// line. Lines starting with "--" are comments.
func statements(body string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(body, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteString("\n")
		if strings.HasSuffix(t, ";") {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, cur.String())
	}
	return out
}

// migrate applies the migrations newer than the store's schema_version, all in one
// transaction.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := s.migrations()
	if err != nil {
		return err
	}
	return s.tx(ctx, true, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    applied_at BIGINT NOT NULL
)`); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_version").Scan(&current); err != nil {
			return err
		}
		for _, m := range ms {
			if m.version <= current {
				continue
			}
			for _, st := range statements(m.sql) {
				if _, err := tx.ExecContext(ctx, st); err != nil {
					return fmt.Errorf("migration %d: %w", m.version, err)
				}
			}
			if _, err := tx.ExecContext(ctx, s.q("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)"), m.version, time.Now().Unix()); err != nil {
				return err
			}
		}
		return nil
	})
}

// SchemaVersion returns the highest migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.rdb.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_version").Scan(&v)
	return v, err
}

// Version returns the change counter.
func (s *Store) Version(ctx context.Context) (int64, error) {
	var v int64
	err := s.rdb.QueryRowContext(ctx, "SELECT version FROM store_version WHERE id = 1").Scan(&v)
	return v, err
}

// Project is a project.
type Project struct {
	ID        int64
	Name      string
	Mode      picket.Mode
	CreatedAt time.Time
}

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

func fromUnix(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.Unix(v.Int64, 0).UTC()
}

func toUnix(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.Unix(), Valid: true}
}

type scanner interface{ Scan(...any) error }

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

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// insertID inserts and returns the new row's id.
func (s *Store) insertID(ctx context.Context, tx *sql.Tx, query string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, s.q(query+" RETURNING id"), args...).Scan(&id)
	return id, err
}

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

func truncate(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.Unix(t.Unix(), 0).UTC()
}

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
			rec, err := s.insertKey(ctx, tx, p.ID, k, now)
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

// Projects lists the projects by id.
func (s *Store) Projects(ctx context.Context) ([]Project, error) {
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+projectCols+" FROM projects ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Project
	for rows.Next() {
		p, err := scanProject(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
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

func (s *Store) redirectURIs(ctx context.Context, tx *sql.Tx, projectID int64) ([]string, error) {
	rows, err := tx.QueryContext(ctx, s.q("SELECT uri FROM redirect_uris WHERE project_id = ? ORDER BY uri"), projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// RedirectURIs lists a project's redirect URIs (ErrNotFound for an unknown project).
func (s *Store) RedirectURIs(ctx context.Context, projectID int64) ([]string, error) {
	var out []string
	err := s.tx(ctx, false, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM projects WHERE id = ?"), projectID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		var err error
		out, err = s.redirectURIs(ctx, tx, projectID)
		return err
	})
	return out, err
}

// AddRedirectURI registers uri for a project. validate sees the project's mode (read in
// the same transaction) and refuses the URI by returning an error. A URI already there is
// ErrExists.
func (s *Store) AddRedirectURI(ctx context.Context, projectID int64, uri string, validate func(picket.Mode) error, now time.Time) error {
	return s.tx(ctx, true, func(tx *sql.Tx) error {
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
		if _, err := tx.ExecContext(ctx, s.q("INSERT INTO redirect_uris (project_id, uri, created_at) VALUES (?, ?, ?)"), projectID, uri, now.Unix()); err != nil {
			return err
		}
		return s.bump(ctx, tx)
	})
}

// RemoveRedirectURI removes uri from a project (ErrNotFound when it is not there).
func (s *Store) RemoveRedirectURI(ctx context.Context, projectID int64, uri string) error {
	return s.tx(ctx, true, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("DELETE FROM redirect_uris WHERE project_id = ? AND uri = ?"), projectID, uri)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrNotFound
		}
		return s.bump(ctx, tx)
	})
}

// Snapshot is everything the authentication registry is built from.
type Snapshot struct {
	Version  int64
	Projects []Project
	URIs     map[int64][]string
	Keys     []Key // neither revoked nor expired at the snapshot's time
}

// Snapshot reads the registry's inputs in one transaction.
func (s *Store) Snapshot(ctx context.Context, now time.Time) (Snapshot, error) {
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

// SecretDigest is the hex SHA-256 of a random secret (an OAuth code or access token): the
// form stored and looked up.
func SecretDigest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Code is an authorization code's record.
type Code struct {
	Digest          string
	ProjectID       int64
	ClientID        string
	RedirectURI     string
	Challenge       string
	ChallengeMethod string
	CreatedAt       time.Time
	ExpiresAt       time.Time
}

// CreateCode stores a new authorization code.
func (s *Store) CreateCode(ctx context.Context, c Code) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO oauth_codes (digest, project_id, client_id, redirect_uri, challenge, challenge_method, created_at, expires_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), c.Digest, c.ProjectID, c.ClientID, c.RedirectURI, c.Challenge, c.ChallengeMethod, c.CreatedAt.Unix(), c.ExpiresAt.Unix())
	return err
}

// Token is an access token's record.
type Token struct {
	Digest     string
	CodeDigest string
	ProjectID  int64
	ClientID   string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	RevokedAt  time.Time
}

// RedeemCode uses the code with digest once. The first use marks it used, whatever
// follows; check (the caller's binding, expiry and PKCE checks) then accepts or refuses
// it, and an accepted code gets tok (its CodeDigest and ProjectID filled in here). A code
// already used is ErrCodeReplayed, and every token issued from it is revoked. An unknown
// code is ErrNotFound; a refusal by check is returned as is.
func (s *Store) RedeemCode(ctx context.Context, digest string, now time.Time, check func(Code) error, tok Token) (Token, error) {
	var checkErr error
	err := s.tx(ctx, false, func(tx *sql.Tx) error {
		var c Code
		var created, expires int64
		var used sql.NullInt64
		err := tx.QueryRowContext(ctx, s.q(`SELECT digest, project_id, client_id, redirect_uri, challenge, challenge_method, created_at, expires_at, used_at
FROM oauth_codes WHERE digest = ?`), digest).Scan(&c.Digest, &c.ProjectID, &c.ClientID, &c.RedirectURI, &c.Challenge, &c.ChallengeMethod, &created, &expires, &used)
		if err != nil {
			return notFound(err)
		}
		c.CreatedAt, c.ExpiresAt = time.Unix(created, 0).UTC(), time.Unix(expires, 0).UTC()
		res, err := tx.ExecContext(ctx, s.q("UPDATE oauth_codes SET used_at = ? WHERE digest = ? AND used_at IS NULL"), now.Unix(), digest)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if used.Valid || n == 0 {
			if _, err := tx.ExecContext(ctx, s.q("UPDATE tokens SET revoked_at = ? WHERE code_digest = ? AND revoked_at IS NULL"), now.Unix(), digest); err != nil {
				return err
			}
			checkErr = ErrCodeReplayed
			return nil // commit the revocation
		}
		if err := check(c); err != nil {
			checkErr = err
			return nil // commit: the code is used up
		}
		tok.CodeDigest, tok.ProjectID = digest, c.ProjectID
		_, err = tx.ExecContext(ctx, s.q("INSERT INTO tokens (digest, code_digest, project_id, client_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)"),
			tok.Digest, tok.CodeDigest, tok.ProjectID, tok.ClientID, tok.CreatedAt.Unix(), tok.ExpiresAt.Unix())
		return err
	})
	if err != nil {
		return Token{}, err
	}
	if checkErr != nil {
		return Token{}, checkErr
	}
	return tok, nil
}

// LookupToken returns the token with digest, or ErrNotFound.
func (s *Store) LookupToken(ctx context.Context, digest string) (Token, error) {
	var t Token
	var created, expires int64
	var revoked sql.NullInt64
	err := s.rdb.QueryRowContext(ctx, s.q("SELECT digest, code_digest, project_id, client_id, created_at, expires_at, revoked_at FROM tokens WHERE digest = ?"), digest).
		Scan(&t.Digest, &t.CodeDigest, &t.ProjectID, &t.ClientID, &created, &expires, &revoked)
	if err != nil {
		return Token{}, notFound(err)
	}
	t.CreatedAt, t.ExpiresAt, t.RevokedAt = time.Unix(created, 0).UTC(), time.Unix(expires, 0).UTC(), fromUnix(revoked)
	return t, nil
}
