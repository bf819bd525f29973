package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProjectVectors runs the runner over the project's vectors: every case must pass.
func TestProjectVectors(t *testing.T) {
	files, err := filepath.Glob("../../../../tests/vectors/*.jsonl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no vector files found: %v", err)
	}
	cases := 0
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(text), "\n") {
			if strings.TrimSpace(line) != "" {
				cases++
			}
		}
	}
	var out bytes.Buffer
	status := run(files, &out)
	want := fmt.Sprintf("%d passed, 0 failed\n", cases)
	if status != 0 || out.String() != want {
		t.Fatalf("status %d, output:\n%s\nwant only %q", status, out.String(), want)
	}
}

// TestFailures checks the output and exit rules on cases that must fail.
func TestFailures(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bad.jsonl")
	lines := []string{
		`{"kind":"key","id":"good","input":"pk_d9960d04426c1e9f3941bec7e39c8854","expect":"publishable"}`,
		`{"kind":"key","id":"wrong","input":"pk_d9960d04426c1e9f3941bec7e39c8854","expect":"secret"}`,
		`{"kind":"teapot","id":"unknown-kind","expect":"ok"}`,
		`{"kind":"redirect_register","id":"unknown-option","uri":"https://a.example/","mode":"production","expect":"accept","options":["wildcards"]}`,
		`{"kind":"auth_header","id":"secret-shown-redacted","header":"Basic c2tfZTFmNzY3ZDI5ZmE2ZTUzM2YyZTVjNjIzNDJmYjllMjQ=","expect":"error"}`,
		`not json`,
		``,
		"{\"kind\":\"key\",\"id\":\"crlf\",\"input\":\"sk_e1f767d29fa6e533f2e5c62342fb9e24\",\"expect\":\"secret\"}\r",
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	status := run([]string{file, filepath.Join(dir, "missing.jsonl")}, &out)
	got := out.String()
	for _, want := range []string{
		"FAIL wrong: expected secret, got publishable\n",
		"FAIL unknown-kind: unknown kind \"teapot\"\n",
		"FAIL unknown-option: unknown option \"wildcards\" for this kind\n",
		"FAIL secret-shown-redacted: expected error, got ok (sk_…9e24)\n",
		"FAIL " + file + ":6: invalid JSON",
		"FAIL " + filepath.Join(dir, "missing.jsonl") + ": cannot read",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if !strings.HasSuffix(got, "\n2 passed, 6 failed\n") || status != 1 {
		t.Fatalf("status %d, output:\n%s", status, got)
	}
	if strings.Contains(got, "e1f767d29fa6") {
		t.Fatalf("a secret key was printed:\n%s", got)
	}
}

// TestFileWithoutVectors checks that a file holding no vector (empty, or only blank lines)
// fails the run, alone or among good files: a truncated file must not pass with 0 failed.
func TestFileWithoutVectors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	empty := write("empty.jsonl", "")
	blank := write("blank.jsonl", "\n  \r\n\t\n")
	good := write("good.jsonl", `{"kind":"key","id":"good","input":"pk_d9960d04426c1e9f3941bec7e39c8854","expect":"publishable"}`+"\n")
	// A BOM, FS, NEL and NBSP line is a case (invalid JSON), not a blank line: only JSON's
	// whitespace is blank, in every runner (SCHEMA.md).
	odd := write("odd.jsonl", "\ufeff\n"+`{"kind":"key","id":"good","input":"pk_d9960d04426c1e9f3941bec7e39c8854","expect":"publishable"}`+"\n\x1c\n\u0085\n\u00a0\n \t\r\n")
	var oddOut bytes.Buffer
	if status := run([]string{odd}, &oddOut); status != 1 || !strings.HasSuffix(oddOut.String(), "\n1 passed, 4 failed\n") {
		t.Errorf("odd whitespace: status %d, output:\n%s", status, oddOut.String())
	}
	for _, c := range []struct {
		files []string
		want  string
	}{
		{[]string{empty}, "FAIL " + empty + ": no vectors\n0 passed, 1 failed\n"},
		{[]string{blank}, "FAIL " + blank + ": no vectors\n0 passed, 1 failed\n"},
		{[]string{good, empty, good}, "FAIL " + empty + ": no vectors\n2 passed, 1 failed\n"},
	} {
		var out bytes.Buffer
		if status := run(c.files, &out); status != 1 || out.String() != c.want {
			t.Errorf("%v: status %d, output:\n%s\nwant status 1 and %q", c.files, status, out.String(), c.want)
		}
	}
}
