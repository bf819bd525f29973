// The command line's shape: every command with its synopsis and flags, --help for the
// binary, a group of commands (key) and each command, and --version.

package app

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/store"
)

// Version is picket-server's version: the project's (Cargo.toml's workspace version; a
// test holds them equal).
const Version = "0.1.0"

// commands lists every command: its words, its arguments and what it does.
var commands = []struct{ name, args, about string }{
	{"serve", "[-addr 127.0.0.1:8080] [flags]", "serve the API, the OAuth endpoints and the dashboard (the default command)"},
	{"project create", "-name N [-mode development|production]", "create a project (without keys: issue them with key issue)"},
	{"project list", "[-limit N [-cursor C]]", "list the projects"},
	{"project mode", "-project ID -mode production|development", "switch a project's mode"},
	{"key issue", "-project ID -kind publishable|secret [-expires-in DUR]", "issue a key (printed once)"},
	{"key list", "-project ID [-limit N [-cursor C]]", "list a project's keys (never the keys themselves)"},
	{"key roll", "-key KEYID [-grace DUR] [-expires-in DUR]", "replace a key, the old one valid for -grace more"},
	{"key revoke", "-key KEYID [-force]", "revoke a key"},
	{"redirect add", "-project ID URI", "register a redirect URI"},
	{"redirect remove", "-project ID URI", "remove a redirect URI (and revoke its tokens)"},
	{"redirect list", "-project ID [-limit N [-cursor C]]", "list a project's redirect URIs"},
	{"account create", "-email E", "create an account with its first project (the password: a prompt, or stdin's first line)"},
	{"account adopt", "-email E [-project ID]", "give an account the projects without one"},
	{"account list", "[-limit N [-cursor C]]", "list the accounts"},
	{"account password", "-email E", "set an account's password (read as account create reads it) and end all its sessions"},
	{"account delete", "(-email E | -account ID) [-force]", "delete an account and end its sessions (-force: even one that owns projects, which then have no account)"},
}

// cliArgs holds every command's flag values.
type cliArgs struct {
	addr, name, mode, kind, email string
	project, keyID, account       int64
	expiresIn, grace              time.Duration
	force                         bool
	opts                          serveOptions
	ui                            UIConfig
	// The lists' page: all items when -limit is not given.
	pageLimit  int
	pageCursor string
	// config is -config FILE (the file is read before the flags are parsed: config.go).
	config string
}

func newCLIArgs() *cliArgs {
	return &cliArgs{addr: "127.0.0.1:8080", mode: "development", grace: store.DefaultGrace,
		opts: defaultServeOptions(), ui: DefaultUIConfig}
}

// flagSet returns the flags of cmd over v and g (false for an unknown command). Every
// command takes the global flags (-data, -db, -config).
func flagSet(cmd string, g *globals, v *cliArgs) (*flag.FlagSet, bool) {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	g.register(fs)
	fs.StringVar(&v.config, "config", v.config, "a TOML file of flag values (name = value); env PICKET_CONFIG")
	switch cmd {
	case "serve":
		fs.StringVar(&v.addr, "addr", v.addr, "address to listen on (port 0 picks one)")
		v.opts.register(fs)
		v.ui.register(fs)
	case "project create":
		fs.StringVar(&v.name, "name", "", "project name")
		fs.StringVar(&v.mode, "mode", v.mode, "development or production")
	case "project list", "account list":
		registerPage(fs, &v.pageLimit, &v.pageCursor)
	case "project mode":
		fs.Int64Var(&v.project, "project", 0, "project id")
		fs.StringVar(&v.mode, "mode", "", "production or development")
	case "key issue":
		fs.Int64Var(&v.project, "project", 0, "project id")
		fs.StringVar(&v.kind, "kind", "", "publishable or secret")
		fs.DurationVar(&v.expiresIn, "expires-in", 0, "lifetime (e.g. 24h); none by default")
	case "key list", "redirect list":
		fs.Int64Var(&v.project, "project", 0, "project id")
		registerPage(fs, &v.pageLimit, &v.pageCursor)
	case "redirect add", "redirect remove":
		fs.Int64Var(&v.project, "project", 0, "project id")
	case "key roll":
		fs.Int64Var(&v.keyID, "key", 0, "key id")
		fs.DurationVar(&v.grace, "grace", v.grace, "how long the old key stays valid")
		fs.DurationVar(&v.expiresIn, "expires-in", 0, "the new key's lifetime (0s: no expiry); the old key's by default")
	case "key revoke":
		fs.Int64Var(&v.keyID, "key", 0, "key id")
		fs.BoolVar(&v.force, "force", false, "revoke even the project's last working secret key")
	case "account create", "account password":
		fs.StringVar(&v.email, "email", "", "the account's email address")
	case "account delete":
		fs.StringVar(&v.email, "email", "", "the account's email address")
		fs.Int64Var(&v.account, "account", 0, "the account's id, as account list shows it, instead of -email (for an account no address reaches any more: one a migration left beside another account of the same mailbox)")
		fs.BoolVar(&v.force, "force", false, "delete it even while it owns projects: they are left to no account, their keys working, for account adopt")
	case "account adopt":
		fs.StringVar(&v.email, "email", "", "the account's email address")
		fs.Int64Var(&v.project, "project", 0, "one project id (default: every project without an account)")
	default:
		return nil, false
	}
	return fs, true
}

// isGroup reports whether word starts two-word commands (key, project, ...).
func isGroup(word string) bool {
	for _, c := range commands {
		if strings.HasPrefix(c.name, word+" ") {
			return true
		}
	}
	return false
}

// printUsage writes the binary's usage: every command, then how flags are given.
func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: picket-server [COMMAND] [flags]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-16s %s\n  %-16s   %s\n", c.name, c.args, "", c.about)
	}
	fmt.Fprint(w, `
Every command takes -data DIR (SQLite in DIR/picket.db, default ./picket-data) or
-db postgres://..., and -config FILE. Output: JSON lines; errors: a JSON line on stderr,
exit status 1 (2 for a usage error). A list prints every item, or with -limit one page and
then {"next_cursor": C} when more follow.

Configuration: each of serve's flags and the global ones can also come from the
environment (PICKET_ and the flag's name in capitals, - as _: -code-ttl is PICKET_CODE_TTL)
or from the -config file (TOML, code-ttl = "60s"); a flag given on the command line wins
over the environment, which wins over the file, which wins over the default.

picket-server COMMAND --help shows a command's flags; --version the version.
`)
}

// printHelp writes the help of words: the binary's, a group's or a command's. It reports
// false for words that name nothing.
func printHelp(w io.Writer, words []string) bool {
	name := strings.Join(words, " ")
	if name == "" {
		printUsage(w)
		return true
	}
	for _, c := range commands {
		if c.name != name {
			continue
		}
		fmt.Fprintf(w, "usage: picket-server %s %s\n\n%s.\n\nflags:\n", c.name, c.args, c.about)
		fs, _ := flagSet(c.name, &globals{data: "picket-data"}, newCLIArgs())
		configurable := configurableFlags()
		own := false
		fs.VisitAll(func(f *flag.Flag) {
			fmt.Fprintf(w, "  -%s %s\n    \t%s", f.Name, flagKind(f), f.Usage)
			if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "0s" && f.DefValue != "false" && !strings.Contains(f.Usage, "default") {
				fmt.Fprintf(w, " (default %s)", f.DefValue)
			}
			if configurable[f.Name] {
				fmt.Fprintf(w, " [env %s]", envName(f.Name))
			} else if f.Name != "config" {
				own = true
			}
			fmt.Fprintln(w)
		})
		if own {
			// Said where the flags are, so that a flag without [env …] is not taken for a gap.
			fmt.Fprintf(w, "\nA flag marked [env …] also comes from that variable or from the -config file (its\n"+
				"name as the key); this command's own arguments come only from its command line, so that\n"+
				"no environment silently picks a project or a key, or forces a change.\n")
		}
		return true
	}
	if len(words) == 1 && isGroup(words[0]) {
		fmt.Fprintf(w, "usage: picket-server %s COMMAND [flags]\n\ncommands:\n", words[0])
		for _, c := range commands {
			if strings.HasPrefix(c.name, words[0]+" ") {
				fmt.Fprintf(w, "  %-16s %s\n  %-16s   %s\n", c.name, c.args, "", c.about)
			}
		}
		fmt.Fprintf(w, "\npicket-server %s COMMAND --help shows a command's flags.\n", words[0])
		return true
	}
	return false
}

// flagKind names what a flag takes (DURATION, N, ...), "" for a boolean.
func flagKind(f *flag.Flag) string {
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return ""
	}
	name, _ := flag.UnquoteUsage(f)
	switch name {
	case "duration":
		return "DURATION"
	case "int":
		return "N"
	case "value", "string":
		return "VALUE"
	}
	return strings.ToUpper(name)
}

// printVersion writes picket-server's version, libpicket's and Go's.
func printVersion(w io.Writer) {
	fmt.Fprintf(w, "picket-server %s (libpicket %s, %s, %s/%s)\n", Version, picket.LibraryVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
