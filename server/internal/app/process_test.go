package app

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
)

// lineWriter hands the lines written to it to a channel.
type lineWriter struct {
	mu    sync.Mutex
	w     *io.PipeWriter
	lines chan string
	all   strings.Builder
}

func newLineWriter() *lineWriter {
	r, w := io.Pipe()
	lw := &lineWriter{w: w, lines: make(chan string, 100)}
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lw.mu.Lock()
			lw.all.WriteString(sc.Text() + "\n")
			lw.mu.Unlock()
			lw.lines <- sc.Text()
		}
		close(lw.lines)
	}()
	return lw
}

func (l *lineWriter) Write(p []byte) (int, error) { return l.w.Write(p) }

func (l *lineWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.all.String()
}

// served is a server started through Run (the real serve path), with its stdout.
type served struct {
	base   string
	out    *lineWriter
	logs   *syncBuffer
	stop   context.CancelFunc
	done   chan int
	pk, sk string
}

func startServe(t *testing.T, args ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{out: newLineWriter(), logs: &syncBuffer{}, stop: cancel, done: make(chan int, 1)}
	go func() { s.done <- Run(ctx, append([]string{"serve", "-addr", "127.0.0.1:0"}, args...), s.out, s.logs) }()
	timeout := time.After(30 * time.Second)
	for s.base == "" {
		select {
		case line, ok := <-s.out.lines:
			if !ok {
				t.Fatalf("serve ended before listening: %s", s.logs.String())
			}
			switch {
			case strings.HasPrefix(line, "publishable key: "):
				s.pk = strings.TrimPrefix(line, "publishable key: ")
			case strings.HasPrefix(line, "secret key: "):
				s.sk = strings.TrimPrefix(line, "secret key: ")
			case strings.HasPrefix(line, "listening on "):
				s.base = strings.TrimPrefix(line, "listening on ")
			}
		case <-timeout:
			t.Fatal("serve did not print its listening line")
		}
	}
	t.Cleanup(func() {
		s.shutdown(t)
		if bad := unitlessDurations(s.logs.String()); len(bad) > 0 {
			t.Errorf("serve's log fields holding a duration without its unit in the name: %v", bad)
		}
	})
	return s
}

func (s *served) shutdown(t *testing.T) {
	if s.stop == nil {
		return
	}
	s.stop()
	s.stop = nil
	if code := <-s.done; code != 0 {
		t.Errorf("serve exited %d: %s", code, s.logs.String())
	}
}

func (s *served) get(t *testing.T, path, key string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", s.base+path, nil)
	if key != "" {
		req.Header.Set("Authorization", basic(key))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// cli runs a subcommand in-process and returns its exit status and stdout lines as JSON.
func cli(t *testing.T, args ...string) (int, []map[string]any, string) {
	t.Helper()
	var out, errOut strings.Builder
	code := Run(context.Background(), args, &out, &errOut)
	var objs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("%v: output line is not JSON: %q", args, line)
		}
		objs = append(objs, m)
	}
	return code, objs, errOut.String()
}

// A restart keeps projects and keys, and does not print the keys again.
func TestRestartPersistence(t *testing.T) {
	dir := t.TempDir()
	first := startServe(t, "-data", dir)
	if first.pk == "" || first.sk == "" {
		t.Fatalf("first start printed no keys: %s", first.out.String())
	}
	if code, objs, _ := cli(t, "key", "issue", "-project", "1", "-kind", "secret", "-data", dir); code != 0 || len(objs) != 1 {
		t.Fatalf("key issue: %d %v", code, objs)
	}
	if strings.Contains(first.logs.String(), first.sk) {
		t.Fatal("the secret key reached the logs")
	}
	first.shutdown(t)

	second := startServe(t, "-data", dir)
	if second.pk != "" || second.sk != "" || strings.Contains(second.out.String(), "key:") {
		t.Fatalf("second start printed keys again: %s", second.out.String())
	}
	for _, k := range []string{first.pk, first.sk} {
		if status := second.get(t, "/v1/ping", k); status != 200 {
			t.Fatalf("key of the first run after restart: %d", status)
		}
	}
}

// The operator subcommands, and a CLI change reaching a running server within a second.
func TestCLI(t *testing.T) {
	dir := t.TempDir()
	srv := startServe(t, "-data", dir)
	run := func(args ...string) []map[string]any {
		t.Helper()
		code, objs, errOut := cli(t, append(args, "-data", dir)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		return objs
	}
	p := run("project", "create", "-name", "Shop")
	if len(p) != 1 || p[0]["id"] != float64(2) || p[0]["mode"] != "development" {
		t.Fatalf("project create: %v", p)
	}
	if ps := run("project", "list"); len(ps) != 2 || ps[0]["name"] != "My First Project" {
		t.Fatalf("project list: %v", ps)
	}
	sk := run("key", "issue", "-project", "2", "-kind", "secret")[0]
	key, _ := sk["key"].(string)
	if !strings.HasPrefix(key, "sk_") {
		t.Fatalf("key issue: %v", sk)
	}
	// Flags before the words work too.
	if ks := run("-data", dir, "key", "list", "-project", "2"); len(ks) != 1 || ks[0]["key"] != nil {
		t.Fatalf("key list: %v", ks)
	}
	waitStatus(t, srv, key, 200)
	rolled := run("key", "roll", "-key", fmt.Sprint(sk["id"]), "-grace", "0s")[0]
	waitStatus(t, srv, key, 401)
	waitStatus(t, srv, rolled["key"].(string), 200)
	// Project 2's last working secret key: refused, unless the operator forces it.
	if code, _, errOut := cli(t, "key", "revoke", "-key", fmt.Sprint(rolled["id"]), "-data", dir); code != 1 || !strings.Contains(errOut, `"last_secret_key"`) {
		t.Fatalf("revoking the last secret key: exit %d %s", code, errOut)
	}
	waitStatus(t, srv, rolled["key"].(string), 200)
	run("key", "revoke", "-key", fmt.Sprint(rolled["id"]), "-force")
	waitStatus(t, srv, rolled["key"].(string), 401)

	if r := run("redirect", "add", "-project", "2", "https://shop.example/cb"); r[0]["uri"] != "https://shop.example/cb" {
		t.Fatalf("redirect add: %v", r)
	}
	run("redirect", "add", "https://shop.example/cb2", "-project", "2")
	if r := run("redirect", "list", "-project", "2"); len(r) != 2 {
		t.Fatalf("redirect list: %v", r)
	}
	run("redirect", "remove", "-project", "2", "https://shop.example/cb2")
	if r := run("project", "mode", "-project", "2", "-mode", "production"); r[0]["mode"] != "production" {
		t.Fatalf("project mode: %v", r)
	}

	// Errors: JSON on stderr naming the rule, exit 1; usage errors exit 2.
	failures := []struct {
		args []string
		code int
		rule string
	}{
		{[]string{"redirect", "add", "-project", "2", "http://shop.example/cb"}, 1, "redirect_insecure_scheme"},
		{[]string{"redirect", "add", "-project", "9", "https://shop.example/cb"}, 1, "unknown_project"},
		{[]string{"redirect", "remove", "-project", "2", "https://nowhere.example/"}, 1, "redirect_uri_not_found"},
		{[]string{"project", "mode", "-project", "1", "-mode", "production"}, 1, "production_refused"},
		{[]string{"key", "revoke", "-key", "999"}, 1, "unknown_key"},
		{[]string{"key", "list", "-project", "999"}, 1, "unknown_project"},
		{[]string{"key", "issue", "-project", "1", "-kind", "root"}, 2, "usage"},
		{[]string{"key", "frobnicate"}, 2, "usage"},
		{[]string{"project", "create"}, 2, "usage"},
		{[]string{"serve", "-addr", "127.0.0.1:0", "-tls-cert", "cert.pem"}, 2, "usage"},
		// A certificate that cannot be read fails at start, before anything listens.
		{[]string{"serve", "-addr", "127.0.0.1:0", "-tls-cert", dir + "/no-cert.pem", "-tls-key", dir + "/no-key.pem"}, 1, "internal_error"},
	}
	for _, f := range failures {
		code, _, errOut := cli(t, append(f.args, "-data", dir)...)
		first := strings.SplitN(errOut, "\n", 2)[0]
		var body map[string]any
		if err := json.Unmarshal([]byte(first), &body); err != nil {
			t.Fatalf("%v: stderr is not a JSON line: %q", f.args, errOut)
		}
		if code != f.code || body["error"] != f.rule {
			t.Fatalf("%v: exit %d %v, want %d %s", f.args, code, body, f.code, f.rule)
		}
		if f.rule == "production_refused" {
			if refused, _ := body["refused"].([]any); len(refused) != 1 {
				t.Fatalf("production_refused lists %v", body["refused"])
			}
		}
	}
}

// waitStatus waits (at most a second) until key gets status on /v1/ping.
func waitStatus(t *testing.T, s *served, key string, status int) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for {
		got := s.get(t, "/v1/ping", key)
		if got == status {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 1 s the key still gets %d, want %d", got, status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Two server processes' worth of App on one PostgreSQL: a key rolled or revoked through
// one is honoured by the other within a second; two starting at once migrate once.
func TestTwoServersOnePostgres(t *testing.T) {
	pg, ok := postgresKind()
	if !ok {
		t.Skip("PICKET_TEST_POSTGRES_URL is not set")
	}
	_, dbURL := pg.open(t)
	var wg sync.WaitGroup
	servers := make([]*served, 2)
	for i := range servers {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			servers[i] = startServe(t, "-db", dbURL)
		}(i)
	}
	wg.Wait()
	a, b := servers[0], servers[1]
	pk, sk := a.pk+b.pk, a.sk+b.sk // exactly one of them bootstrapped
	if len(sk) != 35 || len(pk) != 35 {
		t.Fatalf("both or neither bootstrapped: %q %q", a.sk, b.sk)
	}
	waitStatus(t, b, sk, 200)
	code, objs, errOut := cli(t, "key", "list", "-project", "1", "-db", dbURL)
	if code != 0 || len(objs) != 2 {
		t.Fatalf("key list: %d %v %s", code, objs, errOut)
	}
	// Roll through a, with no grace: b refuses the old key and takes the new one within 1 s.
	req, _ := http.NewRequest("POST", a.base+"/v1/keys/2/roll", strings.NewReader(`{"grace_seconds":0}`))
	req.Header.Set("Authorization", basic(sk))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var rolled map[string]any
	json.NewDecoder(resp.Body).Decode(&rolled)
	resp.Body.Close()
	newKey, _ := rolled["key"].(string)
	if resp.StatusCode != 201 || newKey == "" {
		t.Fatalf("roll: %d %v", resp.StatusCode, rolled)
	}
	waitStatus(t, b, sk, 401)
	waitStatus(t, b, newKey, 200)
	post := func(base, path, body string) int {
		t.Helper()
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
		req.Header.Set("Authorization", basic(newKey))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	revoke := fmt.Sprintf("/v1/keys/%v/revoke", rolled["id"])
	if st := post(b.base, revoke, ""); st != 409 { // the project's last secret key
		t.Fatalf("revoking the last secret key: %d", st)
	}
	if st := post(a.base, "/v1/keys", `{"kind":"secret"}`); st != 201 {
		t.Fatalf("issue: %d", st)
	}
	if st := post(b.base, revoke, ""); st != 200 {
		t.Fatalf("revoke: %d", st)
	}
	waitStatus(t, a, newKey, 401)
}

// With PostgreSQL a change reaches another process by LISTEN/NOTIFY, not only by the poll:
// with the poll set to an hour, a key issued through one App authenticates on the other
// within a second.
func TestPostgresNotify(t *testing.T) {
	pg, ok := postgresKind()
	if !ok {
		t.Skip("PICKET_TEST_POSTGRES_URL is not set")
	}
	_, dbURL := pg.open(t)
	a := newEnv(t, "", dbURL)
	b := newEnv(t, "", dbURL)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go b.app.WatchChanges(ctx, time.Hour)
	time.Sleep(200 * time.Millisecond) // let the listener connect
	k, err := a.app.IssueKey(ctx, 1, picket.Secret, 0)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Second)
	for {
		status, _ := b.api("GET", "/v1/ping", k.Secret, "")
		if status == 200 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("a key issued through one process still gets %d from the other after 1 s", status)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
