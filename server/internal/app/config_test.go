// Configuration from a TOML file and the environment: every configurable flag, in order of
// precedence flag > env > file > default.

package app

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// parsed applies the config file and env to cmd's flags, then parses args over them.
func parsed(t *testing.T, cmd string, env map[string]string, args ...string) (*cliArgs, *globals, error) {
	t.Helper()
	g, v := &globals{data: "picket-data"}, newCLIArgs()
	fs, ok := flagSet(cmd, g, v)
	if !ok {
		t.Fatalf("no command %q", cmd)
	}
	lookup := func(k string) (string, bool) { s, ok := env[k]; return s, ok }
	if err := applyConfig(fs, args, lookup); err != nil {
		return v, g, err
	}
	_, err := parse(fs, args)
	return v, g, err
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "picket.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConfigPrecedence(t *testing.T) {
	file := writeConfig(t, `
# picket-server's configuration
code-ttl = "30s"
max-keys-per-project = 5
signup = false
trusted-proxies = ["10.0.0.0/8", "192.0.2.1"]
data = "/var/lib/picket"
`)
	env := map[string]string{"PICKET_CODE_TTL": "40s"}
	cases := []struct {
		name string
		env  map[string]string
		args []string
		ttl  time.Duration
	}{
		{"default", nil, nil, DefaultCodeTTL},
		{"file", nil, []string{"-config", file}, 30 * time.Second},
		{"file by PICKET_CONFIG", map[string]string{"PICKET_CONFIG": file}, nil, 30 * time.Second},
		{"env over file", env, []string{"-config=" + file}, 40 * time.Second},
		{"flag over env", env, []string{"-config", file, "-code-ttl", "50s"}, 50 * time.Second},
		{"flag before -config", env, []string{"--code-ttl=50s", "--config", file}, 50 * time.Second},
	}
	for _, c := range cases {
		v, g, err := parsed(t, "serve", c.env, c.args...)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if v.opts.codeTTL != c.ttl {
			t.Fatalf("%s: code-ttl %v, want %v", c.name, v.opts.codeTTL, c.ttl)
		}
		if strings.Contains(c.name, "file") && (v.opts.quotas.KeysPerProject != 5 || v.ui.Signup || len(v.opts.proxies) != 2 || g.data != "/var/lib/picket") {
			t.Fatalf("%s: the file's other values: %+v %+v %v %q", c.name, v.opts.quotas, v.ui, v.opts.proxies, g.data)
		}
	}
	// Every configurable flag is read from its variable (a serve flag added by anyone is
	// covered): a value its flag refuses is refused naming the variable; text flags, which
	// take anything here and are checked when serve starts, take the variable's value.
	refused := 0
	for name := range configurableFlags() {
		_, _, err := parsed(t, "serve", map[string]string{envName(name): "not a value of any flag"})
		if err != nil {
			if !strings.Contains(err.Error(), envName(name)) {
				t.Fatalf("%s: refused without naming %s: %v", name, envName(name), err)
			}
			refused++
			continue
		}
		g, v := &globals{}, newCLIArgs()
		fs, _ := flagSet("serve", g, v)
		if err := applyConfig(fs, nil, func(k string) (string, bool) { return "from-env", k == envName(name) }); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := fs.Lookup(name).Value.String(); got != "from-env" {
			t.Fatalf("%s: %s=from-env gave %q", name, envName(name), got)
		}
	}
	if refused < 10 {
		t.Fatalf("only %d flags refused a bad value", refused)
	}
}

func TestConfigOnlyConfigures(t *testing.T) {
	file := writeConfig(t, "code-ttl = \"30s\"\ndb = \"postgres://picket@db.example/picket\"\n")
	// A command that takes no serve flag skips them, and takes the global ones.
	_, g, err := parsed(t, "key list", nil, "-config", file, "-project", "3")
	if err != nil || g.db != "postgres://picket@db.example/picket" {
		t.Fatalf("key list with the service's config: %v %q", err, g.db)
	}
	// A command's own arguments never come from the environment.
	v, _, err := parsed(t, "key revoke", map[string]string{"PICKET_FORCE": "true", "PICKET_KEY": "2"}, "-key", "5")
	if err != nil || v.force || v.keyID != 5 {
		t.Fatalf("PICKET_FORCE or PICKET_KEY was read: %v %+v", err, v)
	}
	// Refusals name the file and the key, or the variable.
	for text, want := range map[string]string{
		"code-tll = \"30s\"\n":         `"code-tll" is not a flag the file may set`,
		"force = true\n":               `"force" is not a flag the file may set`,
		"code-ttl = \"soon\"\n":        "picket.toml: code-ttl: parse error",
		"code-ttl = 3.5\n":             "code-ttl: give a string, an integer or true/false",
		"[serve]\ncode-ttl = \"1s\"\n": `"serve" is not a flag`,
		"code-ttl = \n":                "picket.toml",
	} {
		_, _, err := parsed(t, "serve", nil, "-config", writeConfig(t, text))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("%q: %v, want %q", text, err, want)
		}
	}
	if _, _, err := parsed(t, "serve", nil, "-config", "/nonexistent/picket.toml"); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("a missing file: %v", err)
	}
}

// The real serve path takes its configuration from the file and the environment.
func TestServeFromConfig(t *testing.T) {
	file := writeConfig(t, "issuer = \"https://from-file.example\"\ndata = \""+t.TempDir()+"\"\n")
	t.Setenv("PICKET_ISSUER", "https://from-env.example")
	s := startServe(t, "-config", file)
	defer s.shutdown(t)
	resp, err := http.Get(s.base + MetadataPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	if m["issuer"] != "https://from-env.example" {
		t.Fatalf("issuer %v: the environment wins over the file", m["issuer"])
	}
}
