package main

// These tests build the real server binary, start it on a free port, and drive it with
// real clients: curl, Go net/http, Python urllib, and the exact header of the official JS
// SDK. Every client must get the same answers.

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"picket.invalid/picket"
)

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// serverBinary builds the server once (with -race when the tests run with -race).
func serverBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "picket-server-test")
		if buildErr != nil {
			return
		}
		binary = filepath.Join(buildDir, "picket-server")
		args := []string{"build", "-o", binary}
		if raceEnabled {
			args = append(args, "-race")
		}
		args = append(args, ".")
		out, err := exec.Command(goTool(), args...).CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(os.Getenv("GOROOT"), "bin", "go")
}

// lockedBuffer collects the server's log output.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// running is a started server.
type running struct {
	cmd          *exec.Cmd
	base, pk, sk string
	logs         *lockedBuffer
	exited       chan error
}

// start runs the server on a free port and reads its banner.
func start(t *testing.T, extra ...string) *running {
	t.Helper()
	args := append([]string{"-addr", "127.0.0.1:0"}, extra...)
	cmd := exec.Command(serverBinary(t), args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	r := &running{cmd: cmd, logs: &lockedBuffer{}, exited: make(chan error, 1)}
	cmd.Stderr = r.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-r.exited
		}
	})
	banner := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "picket-server listening on "):
				r.base = strings.TrimPrefix(line, "picket-server listening on ")
			case strings.HasPrefix(line, "publishable key: "):
				r.pk = strings.TrimPrefix(line, "publishable key: ")
			case strings.HasPrefix(line, "secret key: "):
				r.sk = strings.TrimPrefix(line, "secret key: ")
			case line == "Try:":
				banner <- nil
				io.Copy(io.Discard, stdout)
				return
			}
		}
		banner <- fmt.Errorf("the server's output ended before its banner: %v", sc.Err())
	}()
	go func() { r.exited <- cmd.Wait() }()
	select {
	case err := <-banner:
		if err != nil {
			t.Fatal(err, r.logs.String())
		}
	case err := <-r.exited:
		t.Fatalf("the server exited at start: %v\n%s", err, r.logs.String())
	case <-time.After(60 * time.Second):
		t.Fatal("no banner from the server within 60s")
	}
	if !strings.HasPrefix(r.base, "http://127.0.0.1:") || r.base == "http://127.0.0.1:0" {
		t.Fatalf("bound address %q", r.base)
	}
	for _, k := range []struct {
		text string
		kind picket.KeyKind
	}{{r.pk, picket.Publishable}, {r.sk, picket.Secret}} {
		if key, err := picket.ParseKey(k.text); err != nil || key.Kind != k.kind {
			t.Fatalf("printed key %q: %v", k.text, err)
		}
	}
	return r
}

// stop sends SIGTERM and requires a clean exit.
func (r *running) stop(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-r.exited:
		if err != nil {
			t.Fatalf("the server did not exit cleanly: %v\n%s", err, r.logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not stop within 15s of SIGTERM")
	}
	if !strings.Contains(r.logs.String(), "msg=stopped") {
		t.Fatalf("no clean shutdown in the logs:\n%s", r.logs.String())
	}
}

// answer is what a client got, normalised so that answers can be compared across
// clients: random authorization codes, new keys and times are replaced by placeholders.
type answer struct {
	Status      int
	Challenge   string
	Location    string
	ContentType string
	Body        map[string]any
	// newKey is the secret_key of a roll answer (not compared).
	newKey string
	raw    string
}

var codeParam = regexp.MustCompile(`code=[0-9a-f]{32}(&|$)`)

func normalise(t *testing.T, status int, h http.Header, body string) answer {
	t.Helper()
	a := answer{
		Status:      status,
		Challenge:   h.Get("WWW-Authenticate"),
		Location:    codeParam.ReplaceAllString(h.Get("Location"), "code=<code>$1"),
		ContentType: h.Get("Content-Type"),
		raw:         body,
	}
	if strings.TrimSpace(body) != "" {
		if err := json.Unmarshal([]byte(body), &a.Body); err != nil {
			t.Fatalf("body is not JSON: %q", body)
		}
		if k, ok := a.Body["secret_key"].(string); ok {
			a.newKey = k
			a.Body["secret_key"] = "<new key>"
		}
		if _, ok := a.Body["previous_keys_expire_at"]; ok {
			a.Body["previous_keys_expire_at"] = "<time>"
		}
	}
	return a
}

// client sends one request: key "" sends no Authorization header.
type client struct {
	name string
	do   func(t *testing.T, method, url, key string) answer
}

func goClient(header func(key string) string) func(t *testing.T, method, url, key string) answer {
	c := &http.Client{
		Timeout:       15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return func(t *testing.T, method, url, key string) answer {
		t.Helper()
		req, err := http.NewRequest(method, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if key != "" {
			if header == nil {
				req.SetBasicAuth(key, "")
			} else {
				req.Header.Set("Authorization", header(key))
			}
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return normalise(t, resp.StatusCode, resp.Header, string(body))
	}
}

func curlClient(t *testing.T, method, url, key string) answer {
	t.Helper()
	dir := t.TempDir()
	headers, body := filepath.Join(dir, "headers"), filepath.Join(dir, "body")
	args := []string{"-sS", "--max-time", "15", "-X", method, "-D", headers, "-o", body, "-w", "%{http_code}"}
	if key != "" {
		args = append(args, "-u", key+":")
	}
	out, err := exec.Command("curl", append(args, url)...).Output()
	if err != nil {
		t.Fatalf("curl: %v", err)
	}
	var status int
	fmt.Sscan(string(out), &status)
	rawHeaders, _ := os.ReadFile(headers)
	h := http.Header{}
	for _, line := range strings.Split(string(rawHeaders), "\n") {
		if name, value, ok := strings.Cut(strings.TrimRight(line, "\r"), ":"); ok && !strings.HasPrefix(name, "HTTP/") {
			h.Add(name, strings.TrimSpace(value))
		}
	}
	b, _ := os.ReadFile(body)
	return normalise(t, status, h, string(b))
}

// pythonScript is a client written with Python's urllib, as a Python server-side SDK
// would: Basic with base64 of "KEY:".
const pythonScript = `
import base64, json, sys, urllib.error, urllib.request
method, url, key = sys.argv[1], sys.argv[2], sys.argv[3]
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None
req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
if key:
    req.add_header("Authorization", "Basic " + base64.b64encode((key + ":").encode()).decode())
try:
    resp = urllib.request.build_opener(NoRedirect).open(req, timeout=15)
    status, headers, body = resp.status, resp.headers, resp.read()
except urllib.error.HTTPError as e:
    status, headers, body = e.code, e.headers, e.read()
print(json.dumps({"status": status, "headers": [[k, v] for k, v in headers.items()], "body": body.decode()}))
`

func pythonClient(t *testing.T, method, url, key string) answer {
	t.Helper()
	out, err := exec.Command("python3", "-c", pythonScript, method, url, key).Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var res struct {
		Status  int
		Headers [][2]string
		Body    string
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("python output %q: %v", out, err)
	}
	h := http.Header{}
	for _, kv := range res.Headers {
		h.Add(kv[0], kv[1])
	}
	return normalise(t, res.Status, h, res.Body)
}

func clients(t *testing.T) []client {
	for _, tool := range []string{"curl", "python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	return []client{
		{"curl -u KEY:", curlClient},
		{"Go net/http SetBasicAuth", goClient(nil)},
		{"Python urllib", pythonClient},
		{"JS SDK header", goClient(func(key string) string {
			return "Basic  " + base64.StdEncoding.EncodeToString([]byte(key))
		})},
	}
}

const challenge = `Basic realm="picket"`

func pingBody(kind string) map[string]any {
	return map[string]any{"project": 1.0, "project_name": "My First Project", "key_kind": kind}
}

func errorBody(code, message string) map[string]any {
	return map[string]any{"error": code, "message": message}
}

// step is one request of the scenario and the answer it must get.
type step struct {
	name      string
	method    string
	path      string
	key       func(*keys) string
	want      answer
	afterRoll bool
}

// keys are the keys one client uses; the roll changes sk.
type keys struct{ pk, sk, oldSK string }

func TestRealClients(t *testing.T) {
	cls := clients(t)
	srv := start(t, "-grace", "1h")
	const cb = "http://localhost:3000/callback"
	steps := []step{
		{name: "ping with pk", method: "GET", path: "/v1/ping", key: func(k *keys) string { return k.pk },
			want: answer{Status: 200, ContentType: "application/json", Body: pingBody("publishable")}},
		{name: "ping with sk", method: "GET", path: "/v1/ping", key: func(k *keys) string { return k.sk },
			want: answer{Status: 200, ContentType: "application/json", Body: pingBody("secret")}},
		{name: "roll with pk", method: "POST", path: "/v1/keys/roll", key: func(k *keys) string { return k.pk },
			want: answer{Status: 403, ContentType: "application/json", Body: errorBody("auth_wrong_kind",
				"this endpoint requires a secret key, but a publishable key was sent")}},
		{name: "roll with sk", method: "POST", path: "/v1/keys/roll", key: func(k *keys) string { return k.sk }, afterRoll: true,
			want: answer{Status: 200, ContentType: "application/json", Body: map[string]any{"project": 1.0, "key_kind": "secret",
				"secret_key": "<new key>", "previous_keys_expire_at": "<time>", "grace_period_seconds": 3600.0}}},
		{name: "ping with the old sk, in its grace period", method: "GET", path: "/v1/ping", key: func(k *keys) string { return k.oldSK },
			want: answer{Status: 200, ContentType: "application/json", Body: pingBody("secret")}},
		{name: "ping with the new sk", method: "GET", path: "/v1/ping", key: func(k *keys) string { return k.sk },
			want: answer{Status: 200, ContentType: "application/json", Body: pingBody("secret")}},
		{name: "roll with the new sk's pk still 403", method: "POST", path: "/v1/keys/roll", key: func(k *keys) string { return k.pk },
			want: answer{Status: 403, ContentType: "application/json", Body: errorBody("auth_wrong_kind",
				"this endpoint requires a secret key, but a publishable key was sent")}},
		{name: "no key", method: "GET", path: "/v1/ping", key: func(*keys) string { return "" },
			want: answer{Status: 401, Challenge: challenge, ContentType: "application/json", Body: errorBody("header_missing",
				"missing api key: send it as the username of HTTP Basic auth")}},
		{name: "no key on the secret endpoint", method: "POST", path: "/v1/keys/roll", key: func(*keys) string { return "" },
			want: answer{Status: 401, Challenge: challenge, ContentType: "application/json", Body: errorBody("header_missing",
				"missing api key: send it as the username of HTTP Basic auth")}},
		{name: "malformed key", method: "GET", path: "/v1/ping", key: func(*keys) string { return "sk_not_a_key" },
			want: answer{Status: 401, Challenge: challenge, ContentType: "application/json", Body: errorBody("key_wrong_length",
				"the username is not a valid api key: api key must have 32 hex digits after the prefix, found 9 characters")}},
		{name: "unknown key", method: "GET", path: "/v1/ping", key: func(*keys) string { return "sk_00000000000000000000000000000000" },
			want: answer{Status: 401, Challenge: challenge, ContentType: "application/json", Body: errorBody("auth_unknown_key", "unknown api key")}},
		{name: "authorize with pk and a registered uri", method: "GET",
			path: "/oauth2/authorize?client_id={pk}&redirect_uri=" + cb + "&state=xyz", key: func(*keys) string { return "" },
			want: answer{Status: 302, Location: cb + "?code=<code>&state=xyz"}},
		{name: "authorize with an unregistered uri", method: "GET",
			path: "/oauth2/authorize?client_id={pk}&redirect_uri=" + cb + "/", key: func(*keys) string { return "" },
			want: answer{Status: 400, ContentType: "application/json", Body: errorBody("authorize_redirect_not_registered",
				"redirect_uri is not registered for this project (matching is exact, trailing slashes included)")}},
		{name: "authorize with sk as client_id", method: "GET",
			path: "/oauth2/authorize?client_id={sk}&redirect_uri=" + cb, key: func(*keys) string { return "" },
			want: answer{Status: 400, ContentType: "application/json", Body: errorBody("authorize_secret_key_exposed",
				"client_id is a secret key: it has been exposed and must be rolled now; use the publishable key in client-side flows")}},
	}

	secrets := map[string]bool{srv.sk: true}
	answers := make([][]answer, len(cls))
	current := srv.sk
	for ci, c := range cls {
		k := &keys{pk: srv.pk, sk: current}
		for _, s := range steps {
			path := strings.NewReplacer("{pk}", k.pk, "{sk}", k.sk).Replace(s.path)
			got := c.do(t, s.method, srv.base+path, s.key(k))
			answers[ci] = append(answers[ci], got)
			if !reflect.DeepEqual(got.Body, s.want.Body) || got.Status != s.want.Status || got.Challenge != s.want.Challenge ||
				got.Location != s.want.Location || got.ContentType != s.want.ContentType {
				t.Errorf("%s: %s: got\n  %+v\nwant\n  %+v", c.name, s.name, got, s.want)
			}
			for secret := range secrets {
				if strings.Contains(got.raw, secret) || strings.Contains(got.Location, secret) {
					t.Errorf("%s: %s: the answer echoes a secret key: %s", c.name, s.name, got.raw)
				}
			}
			if s.afterRoll {
				key, err := picket.ParseKey(got.newKey)
				if err != nil || key.Kind != picket.Secret || secrets[got.newKey] {
					t.Fatalf("%s: the roll returned %q (%v)", c.name, got.newKey, err)
				}
				k.oldSK, k.sk = k.sk, got.newKey
				secrets[got.newKey] = true
			}
		}
		current = k.sk
	}
	// Identical answers for every client, step by step.
	for ci := 1; ci < len(cls); ci++ {
		for si := range steps {
			a, b := answers[0][si], answers[ci][si]
			a.newKey, b.newKey, a.raw, b.raw = "", "", "", ""
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s: %q and %q got different answers:\n  %+v\n  %+v", steps[si].name, cls[0].name, cls[ci].name, a, b)
			}
		}
	}
	srv.stop(t)
	logs := srv.logs.String()
	for secret := range secrets {
		if strings.Contains(logs, secret[3:]) {
			t.Errorf("the logs contain a secret key:\n%s", logs)
		}
	}
	for _, want := range []string{"Basic [REDACTED sk_…", "client_id=sk_…", "msg=\"secret key rolled\""} {
		if !strings.Contains(logs, want) {
			t.Errorf("the logs lack %q:\n%s", want, logs)
		}
	}
}

// TestGracePeriodEnds rolls a key with a 2-second grace period: the old key works at once,
// is refused as expired after the grace period, and is gone (unknown) after the next roll.
func TestGracePeriodEnds(t *testing.T) {
	srv := start(t, "-grace", "2s")
	do := goClient(nil)
	rolled := time.Now()
	got := do(t, "POST", srv.base+"/v1/keys/roll", srv.sk)
	if got.Status != 200 || got.newKey == "" {
		t.Fatalf("roll: %+v", got)
	}
	next := got.newKey
	// The expiry is at a whole second at least 1s after the roll.
	if a := do(t, "GET", srv.base+"/v1/ping", srv.sk); a.Status != 200 && time.Since(rolled) < time.Second {
		t.Fatalf("old key at once: %+v", a)
	}
	time.Sleep(time.Until(rolled.Add(3100 * time.Millisecond)))
	a := do(t, "GET", srv.base+"/v1/ping", srv.sk)
	if a.Status != 401 || a.Challenge != challenge || a.Body["error"] != "auth_expired" {
		t.Fatalf("old key after the grace period: %+v", a)
	}
	if a := do(t, "GET", srv.base+"/v1/ping", next); a.Status != 200 {
		t.Fatalf("new key: %+v", a)
	}
	if a := do(t, "POST", srv.base+"/v1/keys/roll", next); a.Status != 200 {
		t.Fatalf("second roll: %+v", a)
	}
	a = do(t, "GET", srv.base+"/v1/ping", srv.sk)
	if a.Status != 401 || a.Body["error"] != "auth_unknown_key" {
		t.Fatalf("expired key after the next roll: %+v", a)
	}
	srv.stop(t)
}

// TestConcurrentRequestsDuringRolls sends requests from many goroutines while keys are
// rolled: the registry swap never fails a request with a valid key.
func TestConcurrentRequestsDuringRolls(t *testing.T) {
	srv := start(t, "-grace", "1h")
	c := &http.Client{Timeout: 15 * time.Second}
	// send is safe to call from any goroutine: it reports instead of failing the test.
	send := func(method, key string, out any) (int, error) {
		req, err := http.NewRequest(method, srv.base+map[string]string{"GET": "/v1/ping", "POST": "/v1/keys/roll"}[method], nil)
		if err != nil {
			return 0, err
		}
		req.SetBasicAuth(key, "")
		resp, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		return resp.StatusCode, json.NewDecoder(resp.Body).Decode(out)
	}
	stopRolling := make(chan struct{})
	rolls := make(chan int, 1)
	errs := make(chan error, 32)
	go func() {
		n, sk := 0, srv.sk
		defer func() { rolls <- n }()
		for {
			select {
			case <-stopRolling:
				return
			default:
			}
			var body struct {
				SecretKey string `json:"secret_key"`
			}
			if status, err := send("POST", sk, &body); status != 200 || err != nil {
				errs <- fmt.Errorf("roll: %d, %v", status, err)
				return
			}
			sk = body.SecretKey
			n++
		}
	}()
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				var body map[string]any
				if status, err := send("GET", srv.pk, &body); status != 200 || err != nil || body["key_kind"] != "publishable" {
					errs <- fmt.Errorf("ping during rolls: %d, %v, %v", status, err, body)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stopRolling)
	if n := <-rolls; n == 0 {
		t.Error("no roll happened during the requests")
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	srv.stop(t)
}
