// The migrations that are Go code, not SQL: rekeying the accounts whose address
// accounts.NormalizeEmail now keys otherwise (internationalized domains, in A-label form).

package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/picket-dev/picket/server/internal/accounts"
)

// codeMigrations are run after the SQL of the migration so named (its file name without
// the number), in its transaction.
var codeMigrations = map[string]func(context.Context, *Store, *sql.Tx) error{
	"email_key_idna": rekeyEmails,
}

// rekeyEmails gives each account the address and key accounts.NormalizeEmail gives its
// stored address now: a domain in its A-label form in the key, in its U-label form in the
// address (before, both were the text as typed, the key lowercased, so that
// "ada@bücher.example" and "ada@xn--bcher-kva.example" could be two accounts). An ASCII
// address keeps its key; only the case of its domain may change in the address.
//
// Two accounts whose addresses are now one mailbox cannot both have its key: the one
// that holds it already (it signed up with the A-label form), or else the oldest, gets it;
// any other keeps its address and its old key, which no log-in finds any more (every key
// is now ASCII in its domain), so that nobody reaches it through the other's mailbox.
// `account list` still shows it (with its projects untouched) for the operator. An address
// the rules now refuse (a domain IDNA refuses) is left as it was.
func rekeyEmails(ctx context.Context, s *Store, tx *sql.Tx) error {
	type change struct {
		id         int64
		email, key string
	}
	rows, err := tx.QueryContext(ctx, "SELECT id, email, email_key FROM accounts ORDER BY id")
	if err != nil {
		return err
	}
	var changes []change
	for rows.Next() {
		var id int64
		var stored, storedKey string
		if err := rows.Scan(&id, &stored, &storedKey); err != nil {
			rows.Close()
			return err
		}
		email, key, err := accounts.NormalizeEmail(stored)
		if err == nil && (email != stored || key != storedKey) {
			changes = append(changes, change{id, email, key})
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range changes {
		var holder int64
		switch err := tx.QueryRowContext(ctx, s.q("SELECT id FROM accounts WHERE email_key = ? AND id <> ?"), c.key, c.id).Scan(&holder); {
		case err == nil:
			continue
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q("UPDATE accounts SET email = ?, email_key = ? WHERE id = ?"), c.email, c.key, c.id); err != nil {
			return err
		}
	}
	return nil
}
