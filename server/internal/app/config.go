// Configuration from outside the command line: a TOML file (-config FILE, or env
// PICKET_CONFIG) and environment variables (PICKET_<FLAG>), for the flags that configure the
// server: the global ones and serve's. Precedence: a flag on the command line, then the
// environment, then the file, then the default. A command's own arguments (-project,
// -force, ...) come only from its command line: an environment variable that silently
// chose a project or forced a revocation would be a trap.

package app

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// envName is the environment variable of a flag: PICKET_ and its name in capitals.
func envName(flagName string) string {
	return "PICKET_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// configurableFlags are the flags the environment and the config file may set: the global
// ones and serve's (so every serve flag, whoever adds it, is covered), but -config itself.
func configurableFlags() map[string]bool {
	fs, _ := flagSet("serve", &globals{}, newCLIArgs())
	names := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name != "config" {
			names[f.Name] = true
		}
	})
	return names
}

// applyConfig sets fs's configurable flags from the config file, then from the
// environment (lookup), before the command line is parsed over them. The file is args'
// -config, else PICKET_CONFIG; none is fine. A file key that names no configurable flag is
// an error (a typo must not pass silently); one that another command takes is skipped.
func applyConfig(fs *flag.FlagSet, args []string, lookup func(string) (string, bool)) error {
	configurable := configurableFlags()
	path, ok := flagValue(args, "config")
	if !ok {
		if p, set := lookup("PICKET_CONFIG"); set {
			path = p
		}
	}
	if path != "" {
		values, err := readConfig(path, configurable)
		if err != nil {
			return err
		}
		names := make([]string, 0, len(values))
		for n := range values {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if fs.Lookup(n) == nil {
				continue // another command's (serve's, for key list)
			}
			if err := fs.Set(n, values[n]); err != nil {
				return &usageError{fmt.Sprintf("%s: %s: %v", path, n, err)}
			}
		}
	}
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || !configurable[f.Name] {
			return
		}
		if v, ok := lookup(envName(f.Name)); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = &usageError{fmt.Sprintf("%s: %v", envName(f.Name), e)}
			}
		}
	})
	return err
}

// readConfig reads a TOML file of top-level `flag-name = value` pairs: strings, integers,
// booleans, or arrays of strings (joined with commas: trusted-proxies = ["10.0.0.0/8"]).
func readConfig(path string, configurable map[string]bool) (map[string]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, &usageError{"-config: " + err.Error()}
	}
	var doc map[string]any
	if _, err := toml.Decode(string(raw), &doc); err != nil {
		return nil, &usageError{fmt.Sprintf("%s: %v", path, err)}
	}
	out := make(map[string]string, len(doc))
	for k, v := range doc {
		if !configurable[k] {
			return nil, &usageError{fmt.Sprintf("%s: %q is not a flag the file may set (picket-server serve --help lists them)", path, k)}
		}
		switch v := v.(type) {
		case string:
			out[k] = v
		case int64, bool:
			out[k] = fmt.Sprint(v)
		case []any:
			parts := make([]string, len(v))
			for i, e := range v {
				s, ok := e.(string)
				if !ok {
					return nil, &usageError{fmt.Sprintf("%s: %s: a list holds strings only", path, k)}
				}
				parts[i] = s
			}
			out[k] = strings.Join(parts, ",")
		default:
			return nil, &usageError{fmt.Sprintf("%s: %s: give a string, an integer or true/false", path, k)}
		}
	}
	return out, nil
}

// flagValue finds -name VALUE, -name=VALUE (or with --) in args.
func flagValue(args []string, name string) (string, bool) {
	for i, a := range args {
		t := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if t == a {
			continue
		}
		if t == name && i+1 < len(args) {
			return args[i+1], true
		}
		if v, ok := strings.CutPrefix(t, name+"="); ok {
			return v, true
		}
	}
	return "", false
}
