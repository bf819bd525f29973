package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/rules"
	"github.com/picket-dev/picket/server/internal/store"
)

// FirstProjectName is the name of the project the first start creates.
const FirstProjectName = "My First Project"

// FirstProjectURIs are the redirect URIs the first project starts with, so that the OAuth
// flow can be tried at once.
var FirstProjectURIs = []string{"http://localhost:3000/callback"}

// Main runs the command line and returns the exit status. Signals (SIGINT, SIGTERM) stop
// serve: the first starts its drain, a second cuts the drain short.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := withSignals(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, args, stdout, stderr)
}

// cutKey is the context key of the channel a second signal closes (withSignals).
type cutKey struct{}

// withSignals is signal.NotifyContext that counts: the context ends at the first of sigs,
// and the channel drainCut returns is closed at the second (an operator's second Ctrl-C, or
// a supervisor's second SIGTERM: stop now). Later signals are ignored until stop.
func withSignals(parent context.Context, sigs ...os.Signal) (context.Context, func()) {
	cut := make(chan struct{})
	ctx, cancel := context.WithCancel(context.WithValue(parent, cutKey{}, cut))
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, sigs...)
	done := make(chan struct{})
	go func() {
		for n := 1; ; n++ {
			select {
			case <-ch:
			case <-done:
				return
			}
			switch n {
			case 1:
				cancel()
			case 2:
				close(cut)
			}
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel()
	}
}

// drainCut is the channel a second signal closes; nil (never ready) for a context that
// withSignals did not make.
func drainCut(ctx context.Context) <-chan struct{} {
	cut, _ := ctx.Value(cutKey{}).(chan struct{})
	return cut
}

type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// globals are the flags every subcommand takes.
type globals struct {
	data, db string
	// stdin and stderr are where account create and account password read a password and
	// prompt for it.
	stdin  io.Reader
	stderr io.Writer
}

func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.data, "data", g.data, "data directory of the SQLite store")
	fs.StringVar(&g.db, "db", g.db, "PostgreSQL URL (postgres://...); wins over -data")
}

// parse parses args with fs, taking flags before and after positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, &usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// Run is Main with a context.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return RunInput(ctx, args, os.Stdin, stdout, stderr)
}

// RunInput is Run with the standard input (where account create reads a password).
func RunInput(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	g := &globals{data: "picket-data", stdin: stdin, stderr: stderr}
	// --help and --version, anywhere, answer at once (exit 0); so does `help [COMMAND]`.
	help, version := false, false
	var clean []string
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help":
			help = true
		case "-version", "--version":
			version = true
		default:
			clean = append(clean, a)
		}
	}
	if len(clean) > 0 && clean[0] == "help" {
		help, clean = true, clean[1:]
	}
	if version {
		printVersion(stdout)
		return 0
	}
	// Flags may come before the subcommand words (picket-server -data D key list): they
	// are moved after them.
	var pre []string
	i := 0
	for i < len(clean) && strings.HasPrefix(clean[i], "-") {
		pre = append(pre, clean[i])
		if !strings.Contains(clean[i], "=") && i+1 < len(clean) {
			pre = append(pre, clean[i+1])
			i++
		}
		i++
	}
	var words []string
	for i < len(clean) && len(words) < 2 && !strings.HasPrefix(clean[i], "-") {
		words = append(words, clean[i])
		i++
		if words[0] == "serve" || !isGroup(words[0]) {
			break
		}
	}
	var err error
	switch {
	case help && printHelp(stdout, words):
		return 0
	case help:
		err = &usageError{"unknown command " + strconv.Quote(strings.Join(words, " "))}
	case len(words) == 1 && isGroup(words[0]):
		err = &usageError{words[0] + " needs a command: picket-server " + words[0] + " --help lists them"}
	default:
		if len(words) == 0 {
			words = []string{"serve"}
		}
		err = dispatch(ctx, g, words, append(pre, clean[i:]...), stdout, stderr)
	}
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		writeCLIError(stderr, ruleBody(rules.Usage, ue.msg))
		fmt.Fprintln(stderr, "picket-server --help shows the commands, picket-server COMMAND --help their flags")
		return 2
	default:
		writeCLIError(stderr, cliErrorBody(err))
		return 1
	}
}

func writeCLIError(w io.Writer, b ErrorBody) {
	line, _ := json.Marshal(b)
	fmt.Fprintln(w, string(line))
}

// cliErrorBody maps an error to the API's error shape.
func cliErrorBody(err error) ErrorBody {
	var pe *picket.Error
	var re *refusedError
	switch {
	case errors.As(err, &re):
		return productionRefusedBody(re)
	case errors.As(err, &pe):
		return picketBody(pe)
	case errors.Is(err, errUnknownProject):
		return ruleBody(rules.UnknownProject, "")
	case errors.Is(err, errUnknownKey):
		return ruleBody(rules.UnknownKey, "")
	case errors.Is(err, store.ErrRevoked):
		return ruleBody(rules.KeyRevoked, "")
	case errors.Is(err, store.ErrLastSecretKey):
		return ruleBody(rules.LastSecretKey, lastSecretKeyMessage)
	case errors.Is(err, store.ErrExists):
		return ruleBody(rules.RedirectURIExists, "")
	case errors.Is(err, errURINotFound):
		return ruleBody(rules.RedirectURINotFound, "")
	case errors.Is(err, store.ErrUnavailable):
		// serve giving up after -store-wait, or a command whose store does not answer:
		// the rule the API answers for it, with the cause (how long, which address).
		return ruleBody(rules.StoreUnavailable, picket.Redact(err.Error()))
	}
	if b, ok := accountCLIError(err); ok {
		return b
	}
	// The operator's own terminal: the cause (redacted) helps more than a bare rule.
	return ruleBody(rules.InternalError, picket.Redact(err.Error()))
}

var (
	errUnknownProject = errors.New("unknown project")
	errUnknownKey     = errors.New("unknown key")
	errURINotFound    = errors.New("redirect URI not found")
)

func emit(w io.Writer, v any) error {
	line, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(line))
	return err
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(withRequestID(picket.RedactingHandler(slog.NewJSONHandler(w, nil))))
}

func openStore(ctx context.Context, g *globals) (*store.Store, error) {
	return store.Open(ctx, g.data, g.db)
}

func dispatch(ctx context.Context, g *globals, words, rest []string, stdout, stderr io.Writer) error {
	cmd := strings.Join(words, " ")
	v := newCLIArgs()
	fs, ok := flagSet(cmd, g, v)
	if !ok {
		return &usageError{"unknown command " + strconv.Quote(cmd)}
	}
	if err := applyConfig(fs, rest, os.LookupEnv); err != nil {
		return err
	}
	pos, err := parse(fs, rest)
	if err != nil {
		return err
	}
	addr, name, mode, kind, email := v.addr, v.name, v.mode, v.kind, v.email
	project, keyID, expiresIn, grace, force, account := v.project, v.keyID, v.expiresIn, v.grace, v.force, v.account
	opts, ui, pageLimit, pageCursor := v.opts, v.ui, v.pageLimit, v.pageCursor
	wantPos := 0
	if cmd == "redirect add" || cmd == "redirect remove" {
		wantPos = 1
	}
	if len(pos) != wantPos {
		return &usageError{cmd + " takes " + strconv.Itoa(wantPos) + " positional argument(s), got " + strconv.Itoa(len(pos))}
	}
	needProject := strings.HasPrefix(cmd, "redirect") || cmd == "key issue" || cmd == "key list" || cmd == "project mode"
	if needProject && project <= 0 {
		return &usageError{cmd + " needs -project ID"}
	}
	if (cmd == "key roll" || cmd == "key revoke") && keyID <= 0 {
		return &usageError{cmd + " needs -key KEYID"}
	}
	switch {
	case cmd == "account delete" && ((email == "") == (account == 0) || account < 0):
		return &usageError{cmd + " needs -email E or -account ID (one of them)"}
	case strings.HasPrefix(cmd, "account ") && cmd != "account list" && cmd != "account delete" && email == "":
		return &usageError{cmd + " needs -email E"}
	}
	if cmd == "serve" {
		if err := opts.validate(); err != nil {
			return err
		}
		if err := ui.validate(); err != nil {
			return err
		}
		return serve(ctx, g, addr, opts, ui, stdout, stderr)
	}

	st, err := openStore(ctx, g)
	if err != nil {
		return err
	}
	defer st.Close()
	// The CLI changes the store through the same App functions as the API; a running
	// server picks the change up by its version poll.
	a, err := New(st, newLogger(io.Discard))
	if err != nil {
		return err
	}
	defer a.Close()
	a.Quotas = Quotas{} // the operator is not bound by the tenants' quotas
	mapNF := func(err, nf error) error {
		if errors.Is(err, store.ErrNotFound) {
			return nf
		}
		return err
	}
	switch cmd {
	case "project create":
		m, ok := store.ParseMode(mode)
		if !ok {
			return &usageError{"-mode must be development or production"}
		}
		if strings.TrimSpace(name) == "" || len(name) > 200 {
			return &usageError{"project create needs -name (1 to 200 bytes)"}
		}
		p, _, err := st.CreateProject(ctx, store.NewProject{Name: name, Mode: m}, time.Now())
		if err != nil {
			return err
		}
		return emit(stdout, projectJSON(p))
	case "project list":
		return listPages(stdout, pageLimit, pageCursor, byID(func(after int64, n int) ([]Project, bool, int64, error) {
			ps, more, err := st.Projects(ctx, after, n)
			out := make([]Project, len(ps))
			for i, p := range ps {
				out[i], after = projectJSON(p), p.ID
			}
			return out, more, after, err
		}))
	case "project mode":
		m, ok := store.ParseMode(mode)
		if !ok {
			return &usageError{"-mode must be production or development"}
		}
		p, err := a.SetMode(ctx, project, m)
		if err != nil {
			return mapNF(err, errUnknownProject)
		}
		return emit(stdout, projectJSON(p))
	case "key issue":
		k, ok := store.ParseKind(kind)
		if !ok {
			return &usageError{"-kind must be publishable or secret"}
		}
		if expiresIn < 0 {
			return &usageError{"-expires-in must be positive"}
		}
		issued, err := a.IssueKey(ctx, project, k, expiresIn)
		if err != nil {
			return mapNF(err, errUnknownProject)
		}
		return emit(stdout, issued)
	case "key list":
		return mapNF(listPages(stdout, pageLimit, pageCursor, byID(func(after int64, n int) ([]Key, bool, int64, error) {
			keys, more, err := st.Keys(ctx, project, after, n)
			out := make([]Key, len(keys))
			for i, k := range keys {
				out[i], after = keyJSON(k), k.ID
			}
			return out, more, after, err
		})), errUnknownProject)
	case "key roll":
		if grace < 0 {
			return &usageError{"-grace must not be negative"}
		}
		var lifetime *time.Duration
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "expires-in" {
				lifetime = &expiresIn
			}
		})
		if expiresIn < 0 {
			return &usageError{"-expires-in must not be negative"}
		}
		issued, err := a.RollKey(ctx, keyID, store.Actor{}, grace, lifetime)
		if err != nil {
			return mapNF(err, errUnknownKey)
		}
		return emit(stdout, issued)
	case "key revoke":
		k, err := a.RevokeKey(ctx, keyID, store.Actor{Force: force})
		if err != nil {
			return mapNF(err, errUnknownKey)
		}
		return emit(stdout, keyJSON(k))
	case "redirect add":
		if err := a.AddRedirectURI(ctx, project, pos[0]); err != nil {
			return mapNF(err, errUnknownProject)
		}
		return emit(stdout, RedirectURI{ProjectID: project, URI: pos[0]})
	case "redirect remove":
		if _, err := st.Project(ctx, project); err != nil {
			return mapNF(err, errUnknownProject)
		}
		if err := a.RemoveRedirectURI(ctx, project, pos[0]); err != nil {
			return mapNF(err, errURINotFound)
		}
		return emit(stdout, RedirectURI{ProjectID: project, URI: pos[0]})
	case "account create":
		return accountCreate(ctx, a, g, email, stdout)
	case "account adopt":
		return accountAdopt(ctx, st, email, project, stdout)
	case "account list":
		return listAccounts(ctx, st, pageLimit, pageCursor, stdout)
	case "account password":
		return accountPassword(ctx, a, g, email, stdout)
	case "account delete":
		return accountDelete(ctx, st, email, account, force, stdout)
	case "redirect list":
		return mapNF(listPages(stdout, pageLimit, pageCursor, func(after string, n int) ([]RedirectURI, bool, string, error) {
			uris, more, err := st.RedirectURIs(ctx, project, after, n)
			out := make([]RedirectURI, len(uris))
			for i, u := range uris {
				out[i], after = RedirectURI{ProjectID: project, URI: u}, u
			}
			return out, more, after, err
		}), errUnknownProject)
	}
	return &usageError{"unknown command " + strconv.Quote(cmd)}
}

// Bootstrap creates "My First Project" with a publishable and a secret key on an empty
// store, and returns the keys (nil when the store already had a project).
func Bootstrap(ctx context.Context, st *store.Store) (*store.Project, []picket.Key, error) {
	keys, news, err := firstKeys()
	if err != nil {
		return nil, nil, err
	}
	p, _, created, err := st.Bootstrap(ctx, FirstProjectName, picket.Development, FirstProjectURIs, news, time.Now())
	if err != nil || !created {
		return nil, nil, err
	}
	return &p, keys, nil
}

// printFirstStart prints the first project's keys, once, with curl lines to try. This is
// the one place the server shows a secret key: to its operator's terminal, not the logs.
func printFirstStart(out io.Writer, p *store.Project, keys []picket.Key, base string) {
	pk, sk := keys[0].Expose(), keys[1].Expose()
	fmt.Fprintf(out, "created project %d %q (%s)\n", p.ID, p.Name, p.Mode)
	fmt.Fprintf(out, "redirect URIs: %s\n", strings.Join(FirstProjectURIs, " "))
	fmt.Fprintf(out, "publishable key: %s\n", pk)
	fmt.Fprintf(out, "secret key: %s\n", sk)
	fmt.Fprintf(out, "(shown once: the server keeps only their SHA-256 digests)\n")
	fmt.Fprintf(out, "Try:\n")
	fmt.Fprintf(out, "  curl -u %s: %s/v1/ping\n", pk, base)
	fmt.Fprintf(out, "  curl -u %s: %s/v1/keys\n", sk, base)
	fmt.Fprintf(out, "  curl -i '%s/oauth2/authorize?response_type=code&client_id=%s&redirect_uri=%s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=xyz'\n",
		base, pk, FirstProjectURIs[0])
}
