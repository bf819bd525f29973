// Deadlines and availability: every store call has a deadline, an error that means the
// store does not answer is ErrUnavailable, and while Watch runs a store known to be down
// fails each call at once until it answers a ping again.

package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	sqlite3 "modernc.org/sqlite/lib"
)

// DefaultTimeout is the deadline of one store call (and of connecting to PostgreSQL): far
// above any call's time under load (a key roll's p99 is below 0.1 s on PostgreSQL), short
// enough that a client waiting on a hung store is answered in time.
const DefaultTimeout = 2 * time.Second

// probeEvery is how often Watch pings a store that is down.
const probeEvery = 250 * time.Millisecond

// ErrUnavailable is the store not answering: a call past its deadline, a connection
// refused, reset or lost, a server shutting down or out of connections or disk, SQLite's
// file locked beyond the deadline, or a call refused at once because the store is known to
// be down. errors.Is(err, ErrUnavailable) holds for each; the API answers 503
// store_unavailable.
var ErrUnavailable = errors.New("the store is unavailable")

type unavailableError struct{ cause error }

func (e *unavailableError) Error() string        { return "store unavailable: " + e.cause.Error() }
func (e *unavailableError) Unwrap() error        { return e.cause }
func (e *unavailableError) Is(target error) bool { return target == ErrUnavailable }

// errKnownDown is the cause of a call refused at once.
var errKnownDown = errors.New("the store did not answer the last call and has not answered a ping since")

// Option is an Open option.
type Option func(*Store)

// WithTimeout sets the deadline of each store call and of connecting (DefaultTimeout
// otherwise).
func WithTimeout(d time.Duration) Option {
	return func(s *Store) {
		if d > 0 {
			s.timeout = d
		}
	}
}

// health is whether the store is known to be down, and the prober's wake-up.
type health struct {
	// watched: a Watch runs, so that a known-down store fails calls at once.
	watched atomic.Bool
	down    atomic.Bool
	kick    chan struct{}
}

// call starts a store call with the store's deadline; it fails at once with ErrUnavailable
// while the store is known to be down.
func (s *Store) call(ctx context.Context) (context.Context, context.CancelFunc, error) {
	return s.callWithin(ctx, s.timeout)
}

// callWithin is call with a deadline of its own (a bulk read, a VACUUM).
func (s *Store) callWithin(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc, error) {
	if s.health.watched.Load() && s.health.down.Load() {
		return ctx, func() {}, &unavailableError{errKnownDown}
	}
	cctx, cancel := context.WithTimeout(ctx, d)
	return cctx, cancel, nil
}

// done returns a call's error, as ErrUnavailable when it means the store does not answer
// (then marking it down); parent is the caller's context, whose own end (a client gone)
// is not the store's fault.
func (s *Store) done(parent context.Context, err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) || !unavailable(parent, err) {
		return err
	}
	if s.health.watched.Load() && !s.health.down.Swap(true) {
		select {
		case s.health.kick <- struct{}{}:
		default:
		}
	}
	return &unavailableError{err}
}

// unavailable classifies an error of the database drivers.
func unavailable(parent context.Context, err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return parent.Err() == nil // our deadline, not the caller's end
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code[:2] == "08", // connection exception
			pgErr.Code[:2] == "53",                                              // insufficient resources: disk full, too many connections
			pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03": // shutting down, crashed, starting
			return true
		}
		return false
	}
	if code, ok := sqliteCode(err); ok {
		switch code {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_INTERRUPT, sqlite3.SQLITE_IOERR,
			sqlite3.SQLITE_FULL, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY:
			return true
		}
		return false
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) || errors.As(err, &netErr) || pgconn.Timeout(err) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// Watch makes a store that stops answering fail each call at once (ErrUnavailable) instead
// of waiting for its deadline, until it answers a ping again: it pings such a store every
// 250 ms, calling onChange(false) when it is found down and onChange(true) when it answers
// again. It returns when ctx ends. Without Watch (the CLI), each call waits for its
// deadline.
func (s *Store) Watch(ctx context.Context, onChange func(up bool)) {
	s.health.watched.Store(true)
	defer s.health.watched.Store(false)
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.health.kick:
		}
		onChange(false)
		for s.health.down.Load() {
			if err := s.ping(ctx); err == nil {
				s.health.down.Store(false)
				onChange(true)
				break
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(probeEvery):
			}
		}
	}
}

// Down reports whether the store is known to be down (Watch runs and its last ping failed).
func (s *Store) Down() bool { return s.health.watched.Load() && s.health.down.Load() }

// ping asks the store for one row, within the deadline, whatever Down says.
func (s *Store) ping(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	var one int
	if err := s.rdb.QueryRowContext(cctx, "SELECT 1").Scan(&one); err != nil {
		return err
	}
	if s.db != s.rdb { // SQLite: the writer's connection too
		return s.db.PingContext(cctx)
	}
	return nil
}

// exec runs a statement on the writer's pool with the store's deadline.
func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return s.execWithin(ctx, s.timeout, query, args...)
}

// execWithin is exec with a deadline of its own.
func (s *Store) execWithin(ctx context.Context, d time.Duration, query string, args ...any) (sql.Result, error) {
	cctx, cancel, err := s.callWithin(ctx, d)
	if err != nil {
		return nil, err
	}
	defer cancel()
	res, err := s.db.ExecContext(cctx, s.q(query), args...)
	return res, s.done(ctx, err)
}

// row reads one row on the readers' pool; its Scan ends the call.
func (s *Store) row(ctx context.Context, query string, args ...any) scanner {
	cctx, cancel, err := s.call(ctx)
	if err != nil {
		return errRow{err}
	}
	return &deadlineRow{row: s.rdb.QueryRowContext(cctx, s.q(query), args...), s: s, parent: ctx, cancel: cancel}
}

type deadlineRow struct {
	row    *sql.Row
	s      *Store
	parent context.Context
	cancel context.CancelFunc
}

func (r *deadlineRow) Scan(dest ...any) error {
	defer r.cancel()
	return r.s.done(r.parent, r.row.Scan(dest...))
}

// errRow is a row whose Scan fails with err.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// rows is a query's rows on the readers' pool; Close ends the call.
type rows struct {
	*sql.Rows
	s      *Store
	parent context.Context
	cancel context.CancelFunc
}

func (r *rows) Close() error {
	err := r.Rows.Close()
	r.cancel()
	return err
}

func (r *rows) Err() error { return r.s.done(r.parent, r.Rows.Err()) }

// query runs a query on the readers' pool with the store's deadline.
func (s *Store) query(ctx context.Context, query string, args ...any) (*rows, error) {
	cctx, cancel, err := s.call(ctx)
	if err != nil {
		return nil, err
	}
	rs, err := s.rdb.QueryContext(cctx, s.q(query), args...)
	if err != nil {
		cancel()
		return nil, s.done(ctx, err)
	}
	return &rows{Rows: rs, s: s, parent: ctx, cancel: cancel}, nil
}
