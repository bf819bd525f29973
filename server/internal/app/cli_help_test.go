// --help and --version: on the binary, every group and every command, exit 0 on stdout.

package app

import (
	"context"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"
)

// runText runs the command line in-process and returns its status, stdout and stderr.
func runText(args ...string) (int, string, string) {
	var out, errOut strings.Builder
	code := Run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestHelp(t *testing.T) {
	// The binary's: every command listed.
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"-help"}} {
		code, out, errOut := runText(args...)
		if code != 0 || errOut != "" || !strings.HasPrefix(out, "usage: picket-server") {
			t.Fatalf("%v: %d %q %q", args, code, out, errOut)
		}
		for _, c := range commands {
			if !strings.Contains(out, "  "+c.name+" ") {
				t.Fatalf("%v does not list %q", args, c.name)
			}
		}
	}
	// Each command's, in every spelling: its synopsis and every flag it takes.
	for _, c := range commands {
		words := strings.Fields(c.name)
		fs, ok := flagSet(c.name, &globals{}, newCLIArgs())
		if !ok {
			t.Fatalf("%q has no flags", c.name)
		}
		for _, args := range [][]string{append(words, "--help"), append(words, "-h"), append([]string{"help"}, words...), append([]string{"--help"}, words...)} {
			code, out, errOut := runText(args...)
			if code != 0 || errOut != "" || !strings.HasPrefix(out, "usage: picket-server "+c.name+" "+c.args) {
				t.Fatalf("%v: %d %q %q", args, code, out, errOut)
			}
			fs.VisitAll(func(f *flag.Flag) {
				if !strings.Contains(out, "  -"+f.Name+" ") && !strings.Contains(out, "  -"+f.Name+"\n") {
					t.Fatalf("%v: no -%s in %s", args, f.Name, out)
				}
				// Every flag says where else it may come from: its variable (and so the
				// file), or, for the command's own arguments, that they come from nowhere
				// else.
				switch {
				case f.Name == "config":
				case configurableFlags()[f.Name]:
					if !strings.Contains(out, "[env "+envName(f.Name)+"]") {
						t.Fatalf("%v: -%s without its variable: %s", args, f.Name, out)
					}
				case !strings.Contains(out, "own arguments come only from its command line"):
					t.Fatalf("%v: -%s has no variable and the help does not say why: %s", args, f.Name, out)
				}
			})
		}
	}
	// A group's (key --help): its commands.
	for _, group := range []string{"key", "project", "redirect", "account"} {
		code, out, _ := runText(group, "--help")
		if code != 0 || !strings.Contains(out, "usage: picket-server "+group+" COMMAND") || !strings.Contains(out, "  "+group+" list ") {
			t.Fatalf("%s --help: %d %q", group, code, out)
		}
	}
	// serve's flags name their environment variables.
	_, out, _ := runText("serve", "--help")
	for _, want := range []string{"[env PICKET_CODE_TTL]", "[env PICKET_DB]", "[env PICKET_ADDR]", "[env PICKET_ISSUER]"} {
		if !strings.Contains(out, want) {
			t.Fatalf("serve --help lacks %q", want)
		}
	}
	// A group without a command, or an unknown one: a usage error (2) on stderr.
	for _, args := range [][]string{{"key"}, {"key", "frobnicate", "--help"}, {"nothing", "--help"}} {
		code, out, errOut := runText(args...)
		if code != 2 || out != "" || !strings.Contains(errOut, `"error":"usage","code":813`) {
			t.Fatalf("%v: %d %q %q", args, code, out, errOut)
		}
	}
}

func TestVersion(t *testing.T) {
	want := regexp.MustCompile(`^picket-server ` + regexp.QuoteMeta(Version) + ` \(libpicket \d+\.\d+\.\d+, go[0-9.]+\S*, \w+/\w+\)\n$`)
	for _, args := range [][]string{{"--version"}, {"-version"}, {"serve", "--version"}, {"key", "issue", "--version"}, {"-data", "/nonexistent", "--version"}} {
		code, out, errOut := runText(args...)
		if code != 0 || errOut != "" || !want.MatchString(out) {
			t.Fatalf("%v: %d %q %q", args, code, out, errOut)
		}
	}
	// The version is the project's.
	cargo, err := os.ReadFile("../../../Cargo.toml")
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`(?m)^version = "([^"]+)"`).FindSubmatch(cargo); m == nil || string(m[1]) != Version {
		t.Fatalf("Version %q is not Cargo.toml's %q", Version, m)
	}
}
