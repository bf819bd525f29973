// Accounts: the account record (an argon2id hash, never the password), creating an
// account with its first project, and the projects an account owns.

package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Account is an account's record (without its password hash).
type Account struct {
	ID        int64
	Email     string
	CreatedAt time.Time
}

// NewAccount is an account to create: the address as typed, the key that identifies it
// (accounts.NormalizeEmail) and the password's argon2id hash. With KeysAtFirstLogin, its
// first project is made without keys and the account records that IssueFirstKeys issues
// them (the dashboard's sign-up, whose answer cannot show them).
type NewAccount struct {
	Email, EmailKey, PasswordHash string
	KeysAtFirstLogin              bool
}

const accountCols = "id, email, created_at"

func scanAccount(r scanner, extra ...any) (Account, error) {
	var a Account
	var created int64
	if err := r.Scan(append([]any{&a.ID, &a.Email, &created}, extra...)...); err != nil {
		return Account{}, err
	}
	a.CreatedAt = time.Unix(created, 0).UTC()
	return a, nil
}

func (s *Store) accountExists(ctx context.Context, tx *sql.Tx, id int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM accounts WHERE id = ?"), id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// CreateAccount creates an account and its first project (first.AccountID is set to the
// new account) in one transaction. When the email key is taken it changes nothing and
// returns ErrExists with the existing account's ID (for the log; never for an answer).
//
// A first project without keys or redirect URIs is nothing the registry authenticates, so
// it does not bump the change counter: IssueFirstKeys does, when the keys come.
func (s *Store) CreateAccount(ctx context.Context, na NewAccount, first NewProject, now time.Time) (Account, Project, []Key, error) {
	var a Account
	var p Project
	var keys []Key
	err := s.tx(ctx, true, func(ctx context.Context, tx *sql.Tx) error {
		var existing int64
		err := tx.QueryRowContext(ctx, s.q("SELECT id FROM accounts WHERE email_key = ?"), na.EmailKey).Scan(&existing)
		switch {
		case err == nil:
			a.ID = existing
			return ErrExists
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if na.KeysAtFirstLogin && len(first.Keys) > 0 {
			return errors.New("store: a first project whose keys come at first log-in is made without keys")
		}
		id, err := s.insertID(ctx, tx, "INSERT INTO accounts (email, email_key, password_hash, created_at) VALUES (?, ?, ?, ?)",
			na.Email, na.EmailKey, na.PasswordHash, now.Unix())
		if err != nil {
			return err
		}
		a = Account{ID: id, Email: na.Email, CreatedAt: time.Unix(now.Unix(), 0).UTC()}
		first.AccountID = id
		if p, keys, err = s.createProject(ctx, tx, first, now); err != nil {
			return err
		}
		if na.KeysAtFirstLogin {
			if _, err := tx.ExecContext(ctx, s.q("UPDATE accounts SET first_keys_project = ? WHERE id = ?"), p.ID, id); err != nil {
				return err
			}
		}
		if len(first.Keys) == 0 && len(first.URIs) == 0 {
			return nil
		}
		return s.bump(ctx, tx, p.ID)
	})
	return a, p, keys, err
}

// FirstKeysPending reports whether account id's first project still waits for the keys
// its first log-in issues (false for an unknown account).
func (s *Store) FirstKeysPending(ctx context.Context, id int64) (bool, error) {
	var project sql.NullInt64
	err := s.row(ctx, "SELECT first_keys_project FROM accounts WHERE id = ?", id).Scan(&project)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return project.Valid, err
}

// IssueFirstKeys issues keys to the project account id's first log-in is waiting for, and
// records that they are issued, in one transaction: of two log-ins at once, one issues
// them and the other gets ErrNotFound, as does any log-in after (the store's write lock
// serialises the transactions; the second reads the first's NULL).
func (s *Store) IssueFirstKeys(ctx context.Context, id int64, keys []NewKey, now time.Time) (Project, []Key, error) {
	var p Project
	var made []Key
	err := s.tx(ctx, true, func(ctx context.Context, tx *sql.Tx) error {
		var project sql.NullInt64
		if err := tx.QueryRowContext(ctx, s.q("SELECT first_keys_project FROM accounts WHERE id = ?"), id).Scan(&project); err != nil {
			return notFound(err)
		}
		if !project.Valid {
			return ErrNotFound
		}
		res, err := tx.ExecContext(ctx, s.q("UPDATE accounts SET first_keys_project = NULL WHERE id = ? AND first_keys_project = ?"), id, project.Int64)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n != 1 {
			return ErrNotFound
		}
		if p, err = scanProject(tx.QueryRowContext(ctx, s.q("SELECT "+projectCols+" FROM projects WHERE id = ?"), project.Int64)); err != nil {
			return notFound(err)
		}
		for _, k := range keys {
			rec, err := s.insertKey(ctx, tx, p.ID, k, 0, now)
			if err != nil {
				return err
			}
			made = append(made, rec)
		}
		return s.bump(ctx, tx, p.ID)
	})
	return p, made, err
}

// AccountByEmail returns the account whose email key is key, with its password hash
// (ErrNotFound when there is none).
func (s *Store) AccountByEmail(ctx context.Context, key string) (Account, string, error) {
	var hash string
	a, err := scanAccount(s.row(ctx, "SELECT "+accountCols+", password_hash FROM accounts WHERE email_key = ?", key), &hash)
	return a, hash, notFound(err)
}

// Account returns account id (ErrNotFound when there is none).
func (s *Store) Account(ctx context.Context, id int64) (Account, error) {
	a, err := scanAccount(s.row(ctx, "SELECT "+accountCols+" FROM accounts WHERE id = ?", id))
	return a, notFound(err)
}

// Accounts lists up to limit accounts whose id is above after, by id, and reports whether
// more follow.
func (s *Store) Accounts(ctx context.Context, after int64, limit int) ([]Account, bool, error) {
	rows, err := s.query(ctx, "SELECT "+accountCols+" FROM accounts WHERE id > ? ORDER BY id LIMIT ?", after, limit+1)
	return page(rows, err, limit, func(r scanner) (Account, error) { return scanAccount(r) })
}

// RehashPassword replaces account id's password hash old with hash (the same password,
// hashed with new parameters) while old is still its hash, and reports whether it did: a
// password reset since the caller read old wins.
func (s *Store) RehashPassword(ctx context.Context, id int64, old, hash string) (bool, error) {
	var done bool
	err := s.tx(ctx, false, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("UPDATE accounts SET password_hash = ? WHERE id = ? AND password_hash = ?"), hash, id, old)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		done = n == 1
		return err
	})
	return done, err
}

// lockAccount locks account id's row until tx ends (PostgreSQL; SQLite's write
// transactions are one at a time already), so that a log-in's CreateSession runs wholly
// before or wholly after tx: ErrNotFound when there is no such account.
func (s *Store) lockAccount(ctx context.Context, tx *sql.Tx, id int64) error {
	q := "SELECT id FROM accounts WHERE id = ?"
	if s.pg {
		q += " FOR UPDATE"
	}
	var got int64
	return notFound(tx.QueryRowContext(ctx, s.q(q), id).Scan(&got))
}

// endSessions deletes every session of account accountID and returns how many there were
// (all its session records, including any expired and not yet swept).
func (s *Store) endSessions(ctx context.Context, tx *sql.Tx, accountID int64) (int, error) {
	res, err := tx.ExecContext(ctx, s.q("DELETE FROM sessions WHERE account_id = ?"), accountID)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// ResetPassword gives account id a new password hash and ends every session of the
// account, in one transaction, and returns how many sessions it ended. A log-in that
// checked the old password and has not yet recorded its session gets none
// (CreateSession). ErrNotFound for an unknown account.
func (s *Store) ResetPassword(ctx context.Context, id int64, hash string) (int, error) {
	var ended int
	err := s.tx(ctx, false, func(ctx context.Context, tx *sql.Tx) error {
		if err := s.lockAccount(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q("UPDATE accounts SET password_hash = ? WHERE id = ?"), hash, id); err != nil {
			return err
		}
		var err error
		ended, err = s.endSessions(ctx, tx, id)
		return err
	})
	return ended, err
}

// ErrOwnsProjects refuses to delete an account that owns projects (DeleteAccount without
// force).
var ErrOwnsProjects = errors.New("store: the account owns projects")

// DeleteAccount deletes account id and ends its sessions, in one transaction, and returns
// the projects it owned and how many sessions it ended. An account that owns projects is
// refused with ErrOwnsProjects (and the projects) unless force, which leaves them to no
// account: their keys, redirect URIs and tokens stay as they are, and Adopt can give them
// to another account, as it does a store's from before accounts. ErrNotFound for an
// unknown account.
func (s *Store) DeleteAccount(ctx context.Context, id int64, force bool) ([]int64, int, error) {
	var owned []int64
	var ended int
	// Locked like CreateProject, so that no project of the account is made meanwhile.
	err := s.tx(ctx, true, func(ctx context.Context, tx *sql.Tx) error {
		if err := s.lockAccount(ctx, tx, id); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, s.q("SELECT id FROM projects WHERE account_id = ? ORDER BY id"), id)
		if owned, err = scanColumn[int64](rows, err); err != nil {
			return err
		}
		if len(owned) > 0 && !force {
			return ErrOwnsProjects
		}
		if _, err := tx.ExecContext(ctx, s.q("UPDATE projects SET account_id = NULL WHERE account_id = ?"), id); err != nil {
			return err
		}
		if ended, err = s.endSessions(ctx, tx, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q("DELETE FROM accounts WHERE id = ?"), id)
		return err
	})
	return owned, ended, err
}

// AccountProjects lists up to limit of account id's projects whose id is above after, by
// id, and reports whether more follow.
func (s *Store) AccountProjects(ctx context.Context, accountID, after int64, limit int) ([]Project, bool, error) {
	rows, err := s.query(ctx, "SELECT "+projectCols+" FROM projects WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?", accountID, after, limit+1)
	return page(rows, err, limit, scanProject)
}

// OwnedProject returns project id when account accountID owns it, and ErrNotFound
// otherwise (another account's project is not told apart from no project).
func (s *Store) OwnedProject(ctx context.Context, accountID, id int64) (Project, error) {
	p, err := scanProject(s.row(ctx, "SELECT "+projectCols+" FROM projects WHERE id = ? AND account_id = ?", id, accountID))
	return p, notFound(err)
}

// Adopt gives the projects without an account to account accountID: project id only, or
// every one when id is 0. It returns the projects adopted. ErrNotFound for an unknown
// account, or a project id that does not exist; ErrExists for a project id that another
// account already owns.
func (s *Store) Adopt(ctx context.Context, accountID, id int64) ([]int64, error) {
	var ids []int64
	err := s.tx(ctx, true, func(ctx context.Context, tx *sql.Tx) error {
		if err := s.accountExists(ctx, tx, accountID); err != nil {
			return err
		}
		if id != 0 {
			var owner sql.NullInt64
			if err := tx.QueryRowContext(ctx, s.q("SELECT account_id FROM projects WHERE id = ?"), id).Scan(&owner); err != nil {
				return notFound(err)
			}
			if owner.Valid && owner.Int64 != accountID {
				return ErrExists
			}
		}
		rows, err := tx.QueryContext(ctx, s.q("SELECT id FROM projects WHERE account_id IS NULL AND (? = 0 OR id = ?) ORDER BY id"), id, id)
		if ids, err = scanColumn[int64](rows, err); err != nil {
			return err
		}
		for _, pid := range ids {
			if _, err := tx.ExecContext(ctx, s.q("UPDATE projects SET account_id = ? WHERE id = ?"), accountID, pid); err != nil {
				return err
			}
		}
		return nil
	})
	return ids, err
}

// Unowned counts the projects without an account.
func (s *Store) Unowned(ctx context.Context) (int, error) {
	var n int
	err := s.row(ctx, "SELECT COUNT(*) FROM projects WHERE account_id IS NULL").Scan(&n)
	return n, err
}
