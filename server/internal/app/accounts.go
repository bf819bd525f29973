// Accounts: creating an account with its first project, checking a password, and the
// projects an account creates. Shared by the dashboard and the CLI.

package app

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/accounts"
	"github.com/picket-dev/picket/server/internal/rules"
	"github.com/picket-dev/picket/server/internal/store"
)

// MaxProjectName bounds a project's name (bytes).
const MaxProjectName = 200

// ErrProjectName refuses an empty or too long project name.
var ErrProjectName = &accounts.Rule{Rule: rules.ProjectNameInvalid, Message: rules.ProjectNameInvalid.Text}

// hasherOnce builds the password hasher on first use: its dummy hash costs one argon2id
// run, which commands that never check a password need not pay.
type hasherOnce struct {
	once sync.Once
	h    *accounts.Hasher
	err  error
}

// Passwords is the password hasher (argon2id, accounts.DefaultParams, as many hashes at
// once as the machine has cores, at most 4).
func (a *App) Passwords() (*accounts.Hasher, error) {
	a.hasher.once.Do(func() {
		if a.hasher.h == nil {
			a.hasher.h, a.hasher.err = accounts.NewHasher(accounts.DefaultParams, hashConcurrency())
		}
	})
	return a.hasher.h, a.hasher.err
}

// SetPasswords replaces the password hasher (tests use cheaper parameters).
func (a *App) SetPasswords(h *accounts.Hasher) { a.hasher.h = h }

// firstKeys makes a first project's keys: one publishable and one secret.
func firstKeys() ([]picket.Key, []store.NewKey, error) {
	var keys []picket.Key
	var news []store.NewKey
	for _, kind := range []picket.KeyKind{picket.Publishable, picket.Secret} {
		k, nk, err := newKey(kind)
		if err != nil {
			return nil, nil, err
		}
		keys, news = append(keys, k), append(news, nk)
	}
	return keys, news, nil
}

// issuedKeys pairs the records the store made with the keys, for the one answer that shows them.
func issuedKeys(recs []store.Key, keys []picket.Key) []IssuedKey {
	out := make([]IssuedKey, len(recs))
	for i, r := range recs {
		out[i] = IssuedKey{Key: keyJSON(r), Secret: keys[i].Expose()}
	}
	return out
}

// NewProject is a project just created, with its keys (shown this once).
type NewProject struct {
	Project store.Project
	Keys    []IssuedKey
}

// newAccount checks email and password (accounts.NormalizeEmail, accounts.CheckPassword:
// an *accounts.Rule) and hashes the password: the record of a new account, or an
// account's new password.
func (a *App) newAccount(ctx context.Context, email, password string) (store.NewAccount, error) {
	email, key, err := accounts.NormalizeEmail(email)
	if err != nil {
		return store.NewAccount{}, err
	}
	if err := accounts.CheckPassword(password, key); err != nil {
		return store.NewAccount{}, err
	}
	h, err := a.Passwords()
	if err != nil {
		return store.NewAccount{}, err
	}
	hash, err := h.Hash(ctx, password)
	if err != nil {
		return store.NewAccount{}, err
	}
	return store.NewAccount{Email: email, EmailKey: key, PasswordHash: hash}, nil
}

// CreateAccount is the operator's (account create): it creates the account with its first
// project, "My First Project" (development, one publishable and one secret key, returned
// this once). A rule's refusal is an *accounts.Rule; store.ErrExists when the email is
// taken.
func (a *App) CreateAccount(ctx context.Context, email, password string) (store.Account, NewProject, error) {
	na, err := a.newAccount(ctx, email, password)
	if err != nil {
		return store.Account{}, NewProject{}, err
	}
	keys, news, err := firstKeys()
	if err != nil {
		return store.Account{}, NewProject{}, err
	}
	acc, p, recs, err := a.store.CreateAccount(ctx, na, store.NewProject{Name: FirstProjectName, Mode: picket.Development, Keys: news}, a.now())
	if err != nil {
		return store.Account{}, NewProject{}, err
	}
	_ = a.Reload()
	a.log.InfoContext(ctx, "account created", "account", acc.ID, "project", p.ID)
	return acc, NewProject{Project: p, Keys: issuedKeys(recs, keys)}, nil
}

// SignUp is the dashboard's sign-up: it creates the account and "My First Project"
// (development) without keys, which the account's first log-in issues (FirstKeys), so
// that its answer can be the same whether the email was new or taken. A taken email
// changes nothing and returns store.ErrExists with the existing account's ID, after the
// same argon2id work as a new one, and without a registry reload (the new project has
// nothing the registry authenticates until its keys come).
func (a *App) SignUp(ctx context.Context, email, password string) (store.Account, error) {
	na, err := a.newAccount(ctx, email, password)
	if err != nil {
		return store.Account{}, err
	}
	na.KeysAtFirstLogin = true
	acc, p, _, err := a.store.CreateAccount(ctx, na, store.NewProject{Name: FirstProjectName, Mode: picket.Development}, a.now())
	if err != nil {
		return acc, err
	}
	a.log.InfoContext(ctx, "account created", "account", acc.ID, "project", p.ID, "keys", "at first log-in")
	return acc, nil
}

// FirstKeys issues the keys of account id's first project, one publishable and one secret,
// when the account has never had them (made by SignUp, not yet logged in): ok is false
// otherwise. Of two calls at once, one issues them (store.IssueFirstKeys).
func (a *App) FirstKeys(ctx context.Context, id int64) (np NewProject, ok bool, err error) {
	if pending, err := a.store.FirstKeysPending(ctx, id); err != nil || !pending {
		return NewProject{}, false, err
	}
	keys, news, err := firstKeys()
	if err != nil {
		return NewProject{}, false, err
	}
	p, recs, err := a.store.IssueFirstKeys(ctx, id, news, a.now())
	if errors.Is(err, store.ErrNotFound) {
		return NewProject{}, false, nil
	}
	if err != nil {
		return NewProject{}, false, err
	}
	_ = a.Reload()
	a.log.InfoContext(ctx, "first keys issued", "account", id, "project", p.ID)
	return NewProject{Project: p, Keys: issuedKeys(recs, keys)}, true, nil
}

// CreateProject creates a project for account accountID, in development, with one
// publishable and one secret key.
func (a *App) CreateProject(ctx context.Context, accountID int64, name string) (NewProject, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > MaxProjectName {
		return NewProject{}, ErrProjectName
	}
	keys, news, err := firstKeys()
	if err != nil {
		return NewProject{}, err
	}
	p, recs, err := a.store.CreateProject(ctx, store.NewProject{Name: name, Mode: picket.Development, AccountID: accountID, Keys: news, MaxAccountProjects: a.Quotas.ProjectsPerAccount}, a.now())
	if err != nil {
		return NewProject{}, err
	}
	_ = a.Reload()
	a.log.InfoContext(ctx, "project created", "account", accountID, "project", p.ID)
	return NewProject{Project: p, Keys: issuedKeys(recs, keys)}, nil
}

// ResetPassword is the operator's (account password): account id, whose address is email,
// gets password (checked by the same rules as a new account's) and every session of the
// account ends, those of log-ins under way with the old password included. It returns how
// many sessions ended; store.ErrNotFound for an unknown account.
func (a *App) ResetPassword(ctx context.Context, id int64, email, password string) (int, error) {
	na, err := a.newAccount(ctx, email, password)
	if err != nil {
		return 0, err
	}
	n, err := a.store.ResetPassword(ctx, id, na.PasswordHash)
	if err != nil {
		return 0, err
	}
	a.log.InfoContext(ctx, "password reset", "account", id, "sessions_ended", n)
	return n, nil
}

// ErrLogin is a log-in refused: no such account, or the wrong password (the answer does
// not say which).
var ErrLogin = errors.New("wrong email or password")

// Login is a log-in CheckLogin accepted: the account, and the password hash it checked
// (StartSession records a session only while that hash is still the account's).
type Login struct {
	Account store.Account
	hash    string
}

// CheckLogin returns the log-in of the account whose email and password these are, or
// ErrLogin. An unknown email costs the same argon2id run as a known one. A hash made with
// older parameters is replaced after a successful check (unless a reset replaced it first).
func (a *App) CheckLogin(ctx context.Context, email, password string) (Login, error) {
	h, err := a.Passwords()
	if err != nil {
		return Login{}, err
	}
	if len(password) > accounts.MaxPasswordBytes {
		password = password[:accounts.MaxPasswordBytes]
	}
	_, key, emailErr := accounts.NormalizeEmail(email)
	var acc store.Account
	var hash string
	if emailErr == nil {
		acc, hash, err = a.store.AccountByEmail(ctx, key)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return Login{}, err
		}
	}
	if hash == "" {
		if err := h.VerifyNobody(ctx, password); errors.Is(err, accounts.ErrMismatch) {
			return Login{}, ErrLogin
		} else {
			return Login{}, err
		}
	}
	switch err := h.Verify(ctx, hash, password); {
	case errors.Is(err, accounts.ErrMismatch):
		return Login{}, ErrLogin
	case err != nil:
		return Login{}, err
	}
	if h.NeedsRehash(hash) {
		if nh, err := h.Hash(ctx, password); err == nil {
			switch done, err := a.store.RehashPassword(ctx, acc.ID, hash, nh); {
			case err != nil:
				a.log.WarnContext(ctx, "password rehash not saved", "account", acc.ID, "error", err)
			case done:
				hash = nh
			}
		}
	}
	return Login{Account: acc, hash: hash}, nil
}

// StartSession records session digest of l's account, ending at expires at the latest
// (store.CreateSession, which also deletes the sessions over by now and idle): ErrLogin
// when the account was deleted or its password reset since l was checked.
func (a *App) StartSession(ctx context.Context, l Login, digest string, expires time.Time, idle time.Duration, now time.Time) error {
	err := a.store.CreateSession(ctx, digest, l.Account.ID, l.hash, expires, idle, now)
	if errors.Is(err, store.ErrNotFound) {
		return ErrLogin
	}
	return err
}

// hashConcurrency is how many argon2id runs may go at once: one per core, at most 4
// (each takes 64 MiB).
func hashConcurrency() int {
	n := runtime.NumCPU()
	if n > 4 {
		n = 4
	}
	return n
}
