// The operator's account subcommands: create an account (the password from a prompt or
// stdin, never a flag that lands in shell history), give projects without an account to
// one (a store from before accounts), list accounts, set an account's password (ending its
// sessions), delete an account.

package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/picket-dev/picket/server/internal/accounts"
	"github.com/picket-dev/picket/server/internal/rules"
	"github.com/picket-dev/picket/server/internal/store"
)

// Account is the JSON form of an account.
type Account struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	CreatedAt time.Time `json:"created_at"`
}

func accountJSON(a store.Account) Account {
	return Account{ID: a.ID, Email: a.Email, CreatedAt: a.CreatedAt}
}

var (
	errUnknownAccount  = errors.New("unknown account")
	errAccountExists   = errors.New("account exists")
	errProjectOwned    = errors.New("project owned by another account")
	errNoPassword      = errors.New("no password")
	errPasswordsDiffer = errors.New("passwords differ")
)

// ownsProjectsError refuses account delete without -force: the account's projects.
type ownsProjectsError struct{ projects []int64 }

func (e *ownsProjectsError) Error() string { return "the account owns projects" }

// accountCLIError maps the account commands' errors to the API's error shape.
func accountCLIError(err error) (ErrorBody, bool) {
	var rule *accounts.Rule
	switch {
	case errors.As(err, &rule):
		return ruleBody(rule.Rule, rule.Message), true
	case errors.Is(err, errUnknownAccount):
		return ruleBody(rules.UnknownAccount, ""), true
	case errors.Is(err, errAccountExists):
		return ruleBody(rules.AccountExists, ""), true
	case errors.Is(err, errProjectOwned):
		return ruleBody(rules.ProjectOwned, "the project belongs to another account: it can be adopted only while it has none"), true
	case errors.Is(err, errNoPassword):
		return ruleBody(rules.PasswordMissing, "give the password on standard input (its first line) or at the prompt"), true
	case errors.Is(err, errPasswordsDiffer):
		return ruleBody(rules.PasswordMismatch, ""), true
	}
	if e := (*ownsProjectsError)(nil); errors.As(err, &e) {
		ids := make([]string, len(e.projects))
		for i, id := range e.projects {
			ids[i] = strconv.FormatInt(id, 10)
		}
		return ruleBody(rules.AccountOwnsProjects, "the account owns project(s) "+strings.Join(ids, ", ")+
			": -force deletes it and leaves them to no account (their keys keep working; account adopt gives them to an account)"), true
	}
	return ErrorBody{}, false
}

// readPassword reads the new account's password: at a prompt without echo (twice) when
// stdin is a terminal, otherwise the first line of stdin.
func readPassword(g *globals) (string, error) {
	if f, ok := g.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(g.stderr, "password: ")
		pw, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(g.stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(g.stderr, "password again: ")
		again, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(g.stderr)
		if err != nil {
			return "", err
		}
		if string(pw) != string(again) {
			return "", errPasswordsDiffer
		}
		return string(pw), nil
	}
	// One line, bounded: a password longer than the rules allow is refused by them.
	line, err := bufio.NewReaderSize(io.LimitReader(g.stdin, accounts.MaxPasswordBytes+3), accounts.MaxPasswordBytes+3).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", errNoPassword
	}
	return line, nil
}

// accountCreate creates an account with its first project and prints them with the
// project's keys (shown this once).
func accountCreate(ctx context.Context, a *App, g *globals, email string, stdout io.Writer) error {
	if _, _, err := accounts.NormalizeEmail(email); err != nil {
		return err
	}
	pw, err := readPassword(g)
	if err != nil {
		return err
	}
	acc, np, err := a.CreateAccount(ctx, email, pw)
	if errors.Is(err, store.ErrExists) {
		return errAccountExists
	}
	if err != nil {
		return err
	}
	return emit(stdout, map[string]any{"account": accountJSON(acc), "project": projectJSON(np.Project), "keys": np.Keys})
}

// accountByEmail is the account whose address is email (errUnknownAccount when none).
func accountByEmail(ctx context.Context, st *store.Store, email string) (store.Account, error) {
	_, key, err := accounts.NormalizeEmail(email)
	if err != nil {
		return store.Account{}, err
	}
	acc, _, err := st.AccountByEmail(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return store.Account{}, errUnknownAccount
	}
	return acc, err
}

// accountPassword gives account email a new password, read as account create reads one
// (after the account is found: nobody types a password for nothing), and ends every
// session of the account.
func accountPassword(ctx context.Context, a *App, g *globals, email string, stdout io.Writer) error {
	acc, err := accountByEmail(ctx, a.store, email)
	if err != nil {
		return err
	}
	pw, err := readPassword(g)
	if err != nil {
		return err
	}
	ended, err := a.ResetPassword(ctx, acc.ID, email, pw)
	if errors.Is(err, store.ErrNotFound) {
		return errUnknownAccount
	}
	if err != nil {
		return err
	}
	return emit(stdout, map[string]any{"account": accountJSON(acc), "sessions_ended": ended})
}

// accountDelete deletes the account of address email, or else of id, and ends its
// sessions. An account that owns projects is refused unless force, which leaves them to no
// account.
func accountDelete(ctx context.Context, st *store.Store, email string, id int64, force bool, stdout io.Writer) error {
	var acc store.Account
	var err error
	if email != "" {
		acc, err = accountByEmail(ctx, st, email)
	} else if acc, err = st.Account(ctx, id); errors.Is(err, store.ErrNotFound) {
		err = errUnknownAccount
	}
	if err != nil {
		return err
	}
	released, ended, err := st.DeleteAccount(ctx, acc.ID, force)
	switch {
	case errors.Is(err, store.ErrOwnsProjects):
		return &ownsProjectsError{released}
	case errors.Is(err, store.ErrNotFound):
		return errUnknownAccount
	case err != nil:
		return err
	}
	return emit(stdout, map[string]any{"account": accountJSON(acc), "released": released, "sessions_ended": ended})
}

// accountAdopt gives account email the projects without an account (or only project).
func accountAdopt(ctx context.Context, st *store.Store, email string, project int64, stdout io.Writer) error {
	acc, err := accountByEmail(ctx, st, email)
	if err != nil {
		return err
	}
	ids, err := st.Adopt(ctx, acc.ID, project)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return errUnknownProject
	case errors.Is(err, store.ErrExists):
		return errProjectOwned
	case err != nil:
		return err
	}
	return emit(stdout, map[string]any{"account": accountJSON(acc), "adopted": ids})
}

func listAccounts(ctx context.Context, st *store.Store, limit int, cursor string, stdout io.Writer) error {
	return listPages(stdout, limit, cursor, byID(func(after int64, n int) ([]Account, bool, int64, error) {
		as, more, err := st.Accounts(ctx, after, n)
		out := make([]Account, len(as))
		for i, a := range as {
			out[i], after = accountJSON(a), a.ID
		}
		return out, more, after, err
	}))
}
