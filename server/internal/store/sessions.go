// Sessions: a dashboard session by the digest of its id, with an idle and an absolute
// expiry.

package store

import (
	"context"
	"database/sql"
	"time"
)

// Session is a live session of an account.
type Session struct {
	Digest    string
	Account   Account
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateSession records a session (digest of its id) for account accountID that ends at
// expires at the latest, while passwordHash, the hash its log-in checked the password
// against, is still the account's: ErrNotFound when the account is gone or its password
// was reset since (so that ResetPassword and DeleteAccount, which lock the account's row
// first, end the sessions of log-ins under way too). Sessions already over (by absolute
// expiry, or idle for idle) are deleted on the way.
func (s *Store) CreateSession(ctx context.Context, digest string, accountID int64, passwordHash string, expires time.Time, idle time.Duration, now time.Time) error {
	return s.tx(ctx, false, func(ctx context.Context, tx *sql.Tx) error {
		// On PostgreSQL the shared lock waits for a reset or deletion under way, then reads
		// what it committed; SQLite's write transactions are one at a time already.
		q := "SELECT password_hash FROM accounts WHERE id = ?"
		if s.pg {
			q += " FOR SHARE"
		}
		var hash string
		if err := tx.QueryRowContext(ctx, s.q(q), accountID).Scan(&hash); err != nil {
			return notFound(err)
		}
		if hash != passwordHash {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, s.q("DELETE FROM sessions WHERE expires_at <= ? OR seen_at <= ?"), now.Unix(), now.Add(-idle).Unix()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q("INSERT INTO sessions (digest, account_id, created_at, seen_at, expires_at) VALUES (?, ?, ?, ?, ?)"),
			digest, accountID, now.Unix(), now.Unix(), expires.Unix())
		return err
	})
}

// touchEvery is how stale seen_at may be before a use of the session writes it again: a
// page view does not cost a write each time.
const touchEvery = time.Minute

// Session returns the live session whose id has digest: ErrNotFound when there is none,
// or it is past its absolute expiry, or unused for idle. A use refreshes seen_at.
func (s *Store) Session(ctx context.Context, digest string, idle time.Duration, now time.Time) (Session, error) {
	var sess Session
	var created, seen, expires int64
	a, err := scanAccount(s.row(ctx, `SELECT a.id, a.email, a.created_at, s.created_at, s.seen_at, s.expires_at
FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.digest = ?`, digest), &created, &seen, &expires)
	if err != nil {
		return sess, notFound(err)
	}
	if now.Unix() >= expires || now.Unix() >= seen+int64(idle/time.Second) {
		return sess, ErrNotFound
	}
	if now.Unix()-seen >= int64(touchEvery/time.Second) {
		if err := s.tx(ctx, false, func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, s.q("UPDATE sessions SET seen_at = ? WHERE digest = ?"), now.Unix(), digest)
			return err
		}); err != nil {
			return sess, err
		}
	}
	return Session{Digest: digest, Account: a, CreatedAt: time.Unix(created, 0).UTC(), ExpiresAt: time.Unix(expires, 0).UTC()}, nil
}

// DeleteSession ends the session whose id has digest (nothing when there is none).
func (s *Store) DeleteSession(ctx context.Context, digest string) error {
	return s.tx(ctx, false, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q("DELETE FROM sessions WHERE digest = ?"), digest)
		return err
	})
}
