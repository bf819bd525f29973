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
	"database/sql"
	"embed"
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
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"           // registers the "sqlite" database/sql driver
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations
var migrationFiles embed.FS

// Errors a caller maps to answers.
var (
	ErrNotFound     = errors.New("not found")
	ErrExists       = errors.New("already exists")
	ErrRevoked      = errors.New("key is revoked")
	ErrCodeReplayed = errors.New("authorization code already used")
	// ErrLastSecretKey refuses to revoke a project's last live secret key.
	ErrLastSecretKey = errors.New("the project's last live secret key")
	// ErrKeyQuota and ErrRedirectURIQuota refuse a key or redirect URI beyond the
	// project's quota.
	ErrKeyQuota         = errors.New("the project holds as many live keys as its quota allows")
	ErrRedirectURIQuota = errors.New("the project holds as many redirect URIs as its quota allows")
	// ErrProjectQuota refuses a project beyond its account's quota.
	ErrProjectQuota = errors.New("the account holds as many projects as its quota allows")
	// ErrOutranked refuses a change to a key more senior than the one making it.
	ErrOutranked = errors.New("the key is more senior than the key making the change")
)

const (
	// advisoryLockID is the PostgreSQL advisory lock that serialises migrations and
	// management changes across processes ("picket" in ASCII).
	advisoryLockID = int64(0x7069636b6574)
	sqliteFileName = "picket.db"
)

var errNoMigrations = errors.New("store: no migrations embedded")

// Store is an open database.
type Store struct {
	// db serves writes (and everything on PostgreSQL); rdb serves reads. On SQLite db has
	// one connection and rdb several: WAL lets readers run while the one writer writes.
	db, rdb *sql.DB
	pg      bool
	// path is the SQLite database file ("" on PostgreSQL).
	path string
	// timeout is each call's deadline (deadline.go).
	timeout time.Duration
	health  health
}

// Open opens (and migrates) the store: PostgreSQL when dbURL is a postgres:// or
// postgresql:// URL, otherwise SQLite in dataDir/picket.db (the directory is created, mode
// 0700). Each call has a deadline (DefaultTimeout, or WithTimeout), also the PostgreSQL
// connect timeout unless the URL sets connect_timeout; Open itself (connecting, migrating)
// runs within ctx.
func Open(ctx context.Context, dataDir, dbURL string, opts ...Option) (*Store, error) {
	s := &Store{timeout: DefaultTimeout, health: health{kick: make(chan struct{}, 1)}}
	for _, o := range opts {
		o(s)
	}
	switch {
	case dbURL != "":
		u, err := url.Parse(dbURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return nil, errors.New("-db must be a postgres:// or postgresql:// URL")
		}
		cfg, err := pgx.ParseConfig(dbURL)
		if err != nil {
			return nil, fmt.Errorf("-db: %w", err)
		}
		if !u.Query().Has("connect_timeout") {
			// pgx has none by default: a server that accepts TCP and never answers would
			// hold every new connection, and serve's start, forever.
			cfg.ConnectTimeout = s.timeout
		}
		db := stdlib.OpenDB(*cfg)
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(20)
		s.db, s.rdb, s.pg = db, db, true
	default:
		if dataDir == "" {
			dataDir = "picket-data"
		}
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("data directory: %w", err)
		}
		path := filepath.Join(dataDir, sqliteFileName)
		// WAL lets readers run during a write; busy_timeout makes a second process (the
		// CLI) wait for the lock instead of failing, as long as a call's deadline; immediate
		// transactions take the write lock at BEGIN, so read-then-write transactions never
		// deadlock.
		dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
			"?_pragma=busy_timeout(" + strconv.FormatInt(s.timeout.Milliseconds(), 10) + ")&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate"
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
		s.db, s.rdb, s.path = db, rdb, path
	}
	err := s.connectAndMigrate(ctx)
	var newer *NewerSchemaError
	switch {
	case err == nil:
		return s, nil
	case errors.As(err, &newer):
		err = fmt.Errorf("store: %w", err)
	case s.pg && unavailable(ctx, err):
		err = &unavailableError{err}
	case s.path != "" && corrupt(err):
		err = fmt.Errorf("store: %s is not a readable SQLite database (%w): restore it from a backup", s.path, err)
	default:
		err = fmt.Errorf("store: %w", err)
	}
	s.Close()
	return nil, err
}

// connectAndMigrate pings the store within its deadline and migrates it within ctx. Several
// processes opening a new SQLite file at once (a server and the CLI at first start) can find
// it locked while one of them turns it to WAL or migrates it, sometimes without SQLite's
// busy handler waiting: that is tried again, for up to about 5 s.
func (s *Store) connectAndMigrate(ctx context.Context) error {
	for attempt := 1; ; attempt++ {
		pctx, cancel := context.WithTimeout(ctx, s.timeout)
		err := s.db.PingContext(pctx)
		cancel()
		if err == nil {
			err = s.migrate(ctx)
		}
		if err == nil || s.pg || !locked(err) || attempt == 20 {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt) * 25 * time.Millisecond):
		}
	}
}

// locked reports whether err is SQLite's database locked (busy).
func locked(err error) bool {
	code, ok := sqliteCode(err)
	return ok && (code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED)
}

// sqliteCode is the primary result code of a SQLite error.
func sqliteCode(err error) (int, bool) {
	var se interface{ Code() int }
	if !errors.As(err, &se) {
		return 0, false
	}
	return se.Code() & 0xff, true
}

// NewerSchemaError refuses a store whose schema a newer picket-server migrated: this one
// would fail later on a column or table it does not know (a rollback after an upgrade).
type NewerSchemaError struct {
	// Store is the store's schema version; Binary the newest this binary knows.
	Store, Binary int
}

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("the store's schema is version %d, newer than this picket-server's %d: "+
		"a newer picket-server migrated it; run that version (or a newer one), or restore a backup from before the upgrade",
		e.Store, e.Binary)
}

// corrupt reports whether err is SQLite saying the file is not a database or is damaged.
func corrupt(err error) bool {
	code, ok := sqliteCode(err)
	return ok && (code == sqlite3.SQLITE_NOTADB || code == sqlite3.SQLITE_CORRUPT)
}

// CheckIntegrity reads every page of a SQLite store (PRAGMA quick_check) and refuses one
// that is damaged, naming the file and the first problem found; serve runs it at start,
// before it answers anything from the store. Nothing on PostgreSQL, which checks its own
// pages.
func (s *Store) CheckIntegrity(ctx context.Context) error {
	if s.pg {
		return nil
	}
	rows, err := s.rdb.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return fmt.Errorf("store: %s: %w", s.path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("store: %s: %w", s.path, err)
		}
		if line != "ok" && len(problems) < 3 {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		if corrupt(err) {
			return fmt.Errorf("store: %s is damaged (%w): restore it from a backup", s.path, err)
		}
		return fmt.Errorf("store: %s: %w", s.path, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("store: %s is damaged (quick_check: %s): restore it from a backup", s.path, strings.Join(problems, "; "))
	}
	return nil
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
	return s.row(ctx, "SELECT 1").Scan(&one)
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

// tx runs f in a transaction, within the store's deadline: f must use the context it is
// given. With lock, on PostgreSQL, it first takes the store's transaction-scoped advisory
// lock, which serialises migrations and management changes across processes (SQLite's
// immediate transactions already serialise every write).
func (s *Store) tx(ctx context.Context, lock bool, f func(context.Context, *sql.Tx) error) error {
	cctx, cancel, err := s.call(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	return s.done(ctx, s.txIn(cctx, lock, f))
}

// txIn runs f in a transaction under ctx alone (migrations: the caller's deadline).
func (s *Store) txIn(ctx context.Context, lock bool, f func(context.Context, *sql.Tx) error) error {
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
	if err := f(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
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
	name    string // the file name without its number and ".sql": "email_key_idna"
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
		out = append(out, migration{version: v, name: strings.TrimSuffix(name[len(num)+1:], ".sql"), sql: string(body)})
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
	return s.txIn(ctx, true, func(ctx context.Context, tx *sql.Tx) error {
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
		if latest := ms[len(ms)-1].version; current > latest {
			return &NewerSchemaError{Store: current, Binary: latest}
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
			// A migration SQL cannot express runs as Go, in the same transaction.
			if step := codeMigrations[m.name]; step != nil {
				if err := step(ctx, s, tx); err != nil {
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
	err := s.row(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_version").Scan(&v)
	return v, err
}

// Version returns the change counter.
func (s *Store) Version(ctx context.Context) (int64, error) {
	var v int64
	err := s.row(ctx, "SELECT version FROM store_version WHERE id = 1").Scan(&v)
	return v, err
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

func truncate(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.Unix(t.Unix(), 0).UTC()
}

// scanColumn reads the rows of a one-column query in a transaction (never nil).
func scanColumn[T any](rows *sql.Rows, err error) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// page reads the rows of a query that asked for limit+1 rows: up to limit items, and
// whether more follow.
func page[T any](rows *rows, err error, limit int, scan func(scanner) (T, error)) ([]T, bool, error) {
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, false, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}
