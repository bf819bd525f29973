// Command vectors runs test-vector files (format: tests/vectors/SCHEMA.md) through the Go
// binding, with the same output and exit rules as the core's runner
// (picket-core/examples/vectors):
//
//	go run ./cmd/vectors ../../tests/vectors/*.jsonl
//
// It prints one line for each failing case (`FAIL id: why`) and ends with
// `N passed, N failed`; it exits 1 when a case failed or a file could not be read or held
// no vector, and 2 without arguments. An unknown kind or option fails its case; no case is skipped.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: vectors FILE.jsonl...")
		os.Exit(2)
	}
	os.Exit(run(os.Args[1:], os.Stdout))
}

// tally counts the cases run.
type tally struct{ passed, failed int }

// run runs every file and returns the exit status.
func run(files []string, out io.Writer) int {
	var t tally
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintf(out, "FAIL %s: cannot read: %v\n", file, err)
			t.failed++
			continue
		}
		runFile(file, string(text), out, &t)
	}
	fmt.Fprintf(out, "%d passed, %d failed\n", t.passed, t.failed)
	if t.failed != 0 {
		return 1
	}
	return 0
}

// runFile runs one file's text as runText does, and fails the file itself when it holds no
// vector (empty, or only blank lines): a truncated or mistyped file must not make a run that
// cannot fail (tests/vectors/SCHEMA.md, "Runner output").
func runFile(name, text string, out io.Writer, t *tally) {
	before := t.passed + t.failed
	runText(name, text, out, t)
	if t.passed+t.failed == before {
		fmt.Fprintf(out, "FAIL %s: no vectors\n", name)
		t.failed++
	}
}

// runText runs every case of one JSON Lines text, printing a line for each failure.
func runText(name, text string, out io.Writer, t *tally) {
	for n, line := range lines(text) {
		// Blank: only JSON's spaces, tabs and carriage returns (SCHEMA.md), not
		// strings.TrimSpace's wider set, so that every runner skips the same lines.
		if strings.Trim(line, " \t\r") == "" {
			continue
		}
		var id string
		var outcome error
		var value any
		if err := json.Unmarshal([]byte(line), &value); err != nil {
			id, outcome = fmt.Sprintf("%s:%d", name, n+1), fmt.Errorf("invalid JSON: %v", err)
		} else {
			c, _ := value.(map[string]any)
			id = "<no id>"
			if s, ok := c["id"].(string); ok {
				id = s
			}
			outcome = runCase(c)
		}
		if outcome != nil {
			t.failed++
			fmt.Fprintf(out, "FAIL %s: %v\n", id, outcome)
		} else {
			t.passed++
		}
	}
}

// lines splits like Rust's str::lines: on "\n", dropping one "\r" before it, and no empty
// last line after a final newline.
func lines(text string) []string {
	parts := strings.Split(text, "\n")
	if len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	for i, p := range parts {
		parts[i] = strings.TrimSuffix(p, "\r")
	}
	return parts
}

// caseT is one decoded case (a JSON object; nil when the line was not an object).
type caseT = map[string]any

func str(c caseT, field string) (string, error) {
	s, ok := c[field].(string)
	if !ok {
		return "", fmt.Errorf("field %q is missing or not a string", field)
	}
	return s, nil
}

// options returns the case's options, failing on any not in known.
func options(c caseT, known ...string) (map[string]bool, error) {
	set := map[string]bool{}
	raw, present := c["options"]
	if !present {
		return set, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, fmt.Errorf(`"options" is not a list`)
	}
	for _, o := range list {
		s, ok := o.(string)
		if !ok {
			return nil, fmt.Errorf("an option is not a string")
		}
		found := false
		for _, k := range known {
			found = found || k == s
		}
		if !found {
			return nil, fmt.Errorf("unknown option %q for this kind", s)
		}
		set[s] = true
	}
	return set, nil
}

func mode(c caseT) (picket.Mode, error) {
	m, err := str(c, "mode")
	if err != nil {
		return 0, err
	}
	switch m {
	case "development":
		return picket.Development, nil
	case "production":
		return picket.Production, nil
	}
	return 0, fmt.Errorf("unknown mode %q", m)
}

func redirectOptions(c caseT) (picket.Options, error) {
	set, err := options(c, "allow_private_use_schemes", "loopback_any_port")
	if err != nil {
		return 0, err
	}
	var opts picket.Options
	if set["allow_private_use_schemes"] {
		opts |= picket.AllowPrivateUseSchemes
	}
	if set["loopback_any_port"] {
		opts |= picket.LoopbackAnyPort
	}
	return opts, nil
}

// outcome is the word for a result (okWord or errWord) and what to print: the word, and
// for an error its message.
func outcome(err error, okWord, errWord string) (word, shown string) {
	if err == nil {
		return okWord, okWord
	}
	return errWord, fmt.Sprintf("%s (%s)", errWord, detail(err))
}

// detail is an error's message without the "picket: " prefix.
func detail(err error) string {
	var e *picket.Error
	if errors.As(err, &e) {
		return e.Detail()
	}
	return err.Error()
}

// check compares the expected word with the one got; shown is what to print when they differ.
func check(expect, word, shown string) error {
	if expect == word {
		return nil
	}
	return fmt.Errorf("expected %s, got %s", expect, shown)
}

func runCase(c caseT) error {
	kind, err := str(c, "kind")
	if err != nil {
		return err
	}
	expect, err := str(c, "expect")
	if err != nil {
		return err
	}
	switch kind {
	case "key":
		if _, err := options(c); err != nil {
			return err
		}
		input, err := str(c, "input")
		if err != nil {
			return err
		}
		k, perr := picket.ParseKey(input)
		if perr != nil {
			word, detail := outcome(perr, "", "error")
			return check(expect, word, detail)
		}
		return check(expect, k.Kind.String(), k.Kind.String())
	case "auth_header":
		set, err := options(c, "accept_bearer")
		if err != nil {
			return err
		}
		var opts picket.Options
		if set["accept_bearer"] {
			opts |= picket.AcceptBearer
		}
		header, err := str(c, "header")
		if err != nil {
			return err
		}
		key, perr := picket.ParseAuthorization(header, opts)
		switch {
		case expect == "ok" && perr == nil:
			want, err := str(c, "key")
			if err != nil {
				return err
			}
			if key.Expose() != want {
				return fmt.Errorf("expected ok with key %s, got another key (%v)", want, key)
			}
			return nil
		case expect == "error" && perr != nil:
			return nil
		case perr == nil:
			return fmt.Errorf("expected %s, got ok (%v)", expect, key)
		default:
			return fmt.Errorf("expected %s, got error (%s)", expect, detail(perr))
		}
	case "redirect_register":
		opts, err := redirectOptions(c)
		if err != nil {
			return err
		}
		uri, err := str(c, "uri")
		if err != nil {
			return err
		}
		m, err := mode(c)
		if err != nil {
			return err
		}
		word, detail := outcome(picket.ValidateRedirectURI(uri, m, opts), "accept", "reject")
		return check(expect, word, detail)
	case "redirect_match":
		opts, err := redirectOptions(c)
		if err != nil {
			return err
		}
		m, err := mode(c)
		if err != nil {
			return err
		}
		raw, ok := c["registered"].([]any)
		if !ok {
			return fmt.Errorf(`field "registered" is missing or not a list`)
		}
		registered := make([]string, len(raw))
		for i, r := range raw {
			s, ok := r.(string)
			if !ok {
				return fmt.Errorf("a registered entry is not a string")
			}
			registered[i] = s
		}
		candidate, err := str(c, "candidate")
		if err != nil {
			return err
		}
		// Entries that registration rejects are left out by the C ABI itself.
		matched, err := picket.MatchRedirectURI(registered, candidate, m, opts)
		if err != nil {
			return err
		}
		word := "no_match"
		if matched {
			word = "match"
		}
		return check(expect, word, word)
	case "pkce":
		if _, err := options(c); err != nil {
			return err
		}
		var fields [3]string
		for i, f := range []string{"verifier", "challenge", "method"} {
			if fields[i], err = str(c, f); err != nil {
				return err
			}
		}
		word, detail := outcome(picket.VerifyPKCE(fields[0], fields[1], fields[2]), "ok", "error")
		return check(expect, word, detail)
	case "redact":
		if _, err := options(c); err != nil {
			return err
		}
		input, err := str(c, "input")
		if err != nil {
			return err
		}
		if got := picket.Redact(input); got != expect {
			return fmt.Errorf("expected %q, got %q", expect, got)
		}
		return nil
	case "client_id":
		if _, err := options(c); err != nil {
			return err
		}
		input, err := str(c, "input")
		if err != nil {
			return err
		}
		word, err := clientID(input)
		if err != nil {
			return err
		}
		return check(expect, word, word)
	}
	return fmt.Errorf("unknown kind %q", kind)
}

// clientID classifies a client_id through the authorize call of a registry with no keys:
// "exposed" (SecretKeyExposed), "invalid" (a key code), "publishable" (UnknownClient).
func clientID(input string) (string, error) {
	reg, err := picket.NewRegistryBuilder().Build()
	if err != nil {
		return "", err
	}
	defer func() { _ = reg.Close() }()
	_, aerr := reg.AuthorizeRedirect(input, "https://example.com/cb", time.Unix(0, 0))
	var e *picket.Error
	switch {
	case errors.Is(aerr, picket.ErrSecretKeyExposed):
		return "exposed", nil
	case errors.Is(aerr, picket.ErrUnknownClient):
		return "publishable", nil
	case errors.As(aerr, &e) && e.Code >= 100 && e.Code <= 199:
		return "invalid", nil
	case aerr == nil:
		return "ok", nil
	}
	return "", fmt.Errorf("unexpected error: %v", aerr)
}
