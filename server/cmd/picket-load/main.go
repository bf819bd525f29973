// Command picket-load is a bounded load test of a running picket-server over loopback.
//
// For -duration (default 30 s) it runs -clients concurrent clients, each looping over a mix
// of requests: GET /v1/ping with the publishable key, GET /v1/ping with one of -keys secret
// keys it issued itself, and the OAuth 2.0 code flow with PKCE (authorize, token, validate).
// Meanwhile one more goroutine rolls those secret keys every -roll-every (with a -grace long
// enough that a client still holding the previous key is served), and the clients pick up
// each new key as soon as its roll returns.
//
// It reports requests per second and p50/p99 latency, overall and per kind of request, and
// the number of errors (any transport error or unexpected status). Afterwards it checks that
// no write was lost: every key that a roll returned is in GET /v1/keys, and every rolled key
// still answers /v1/ping (the old ones are inside their grace). It exits 1 on any error or
// lost write.
//
//	PICKET_PK=pk_… PICKET_SK=sk_… picket-load -url http://127.0.0.1:8080 \
//	    -redirect http://localhost:3000/callback -duration 30s -clients 32
//
// The keys come from the environment, never from flags, so that they stay out of `ps`.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	cfg := config{
		pk: os.Getenv("PICKET_PK"),
		sk: os.Getenv("PICKET_SK"),
	}
	flag.StringVar(&cfg.base, "url", "http://127.0.0.1:8080", "server base URL")
	flag.StringVar(&cfg.redirect, "redirect", "http://localhost:3000/callback", "a redirect URI registered for the project")
	flag.DurationVar(&cfg.duration, "duration", 30*time.Second, "how long to run (bounded)")
	flag.IntVar(&cfg.clients, "clients", 32, "concurrent clients")
	flag.IntVar(&cfg.keys, "keys", 4, "secret keys issued for the run and rolled during it")
	flag.DurationVar(&cfg.rollEvery, "roll-every", 100*time.Millisecond, "interval between key rolls")
	flag.DurationVar(&cfg.grace, "grace", 10*time.Minute, "grace period of a rolled key")
	flag.StringVar(&cfg.label, "label", "", "a name for this run in the report (e.g. the store)")
	flag.Parse()
	if cfg.pk == "" || cfg.sk == "" {
		fmt.Fprintln(os.Stderr, "picket-load: set PICKET_PK and PICKET_SK (the project's keys)")
		os.Exit(2)
	}
	if cfg.duration <= 0 || cfg.duration > time.Hour || cfg.clients < 1 || cfg.clients > 4096 ||
		cfg.keys < 1 || cfg.keys > 1000 || cfg.rollEvery <= 0 || cfg.grace < time.Second {
		fmt.Fprintln(os.Stderr, "picket-load: a flag is out of range (duration (0,1h], clients [1,4096], keys [1,1000], grace >= 1s)")
		os.Exit(2)
	}
	rep, err := run(context.Background(), cfg)
	if rep != nil {
		rep.print(os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "picket-load:", err)
		os.Exit(1)
	}
}

type config struct {
	base, pk, sk, redirect, label string
	duration, rollEvery, grace    time.Duration
	clients, keys                 int
}

// op names a kind of request, for the per-kind figures.
type op int

const (
	opPingPublishable op = iota
	opPingSecret
	opAuthorize
	opToken
	opValidate
	opRoll
	numOps
)

var opNames = [numOps]string{"ping (publishable)", "ping (secret)", "authorize", "token", "validate", "roll (write)"}

// slot holds the current key of one of the run's secret keys; a roll replaces it.
type slot struct {
	id  string
	key string
}

// rolled records one roll: the key it replaced and the key it returned.
type rolled struct{ oldID, newID, newKey string }

type loader struct {
	cfg    config
	client *http.Client
	slots  []atomic.Pointer[slot]

	errs     atomic.Int64
	errMu    sync.Mutex
	errFirst []string
}

// sample is one request's latency.
type sample struct {
	op op
	d  time.Duration
}

func run(ctx context.Context, cfg config) (*report, error) {
	tr := &http.Transport{
		MaxIdleConns:        cfg.clients * 2,
		MaxIdleConnsPerHost: cfg.clients * 2,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	defer tr.CloseIdleConnections()
	l := &loader{
		cfg: cfg,
		client: &http.Client{
			Transport: tr,
			Timeout:   30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
		slots: make([]atomic.Pointer[slot], cfg.keys),
	}

	// Setup: the run's own secret keys, so that rolling them never touches the caller's.
	for i := range l.slots {
		id, key, err := l.issue()
		if err != nil {
			return nil, fmt.Errorf("setup: issue a secret key: %w", err)
		}
		l.slots[i].Store(&slot{id: id, key: key})
	}
	if st, _, _, err := l.doCtx(ctx, "GET", "/v1/ping", l.slots[0].Load().key, "", nil); err != nil || st != 200 {
		return nil, fmt.Errorf("setup: the server refused a key it just issued (status %d, %v)", st, err)
	}

	runCtx, cancel := context.WithTimeout(ctx, cfg.duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	perClient := make([][]sample, cfg.clients)
	for c := 0; c < cfg.clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			perClient[c] = l.clientLoop(runCtx, c)
		}(c)
	}
	var rolls []rolled
	var rollSamples []sample
	wg.Add(1)
	go func() {
		defer wg.Done()
		rolls, rollSamples = l.roller(runCtx)
	}()
	wg.Wait()
	elapsed := time.Since(start)

	all := rollSamples
	for _, s := range perClient {
		all = append(all, s...)
	}
	rep := newReport(cfg, elapsed, all, l.errs.Load(), len(rolls))
	rep.ErrorSamples = l.errFirst

	lost, err := l.checkWrites(rolls)
	rep.LostWrites = lost
	if err != nil {
		return rep, fmt.Errorf("checking writes: %w", err)
	}
	switch {
	case rep.Errors > 0:
		return rep, fmt.Errorf("%d requests failed", rep.Errors)
	case lost > 0:
		return rep, fmt.Errorf("%d lost writes", lost)
	case len(rolls) == 0:
		return rep, errors.New("no key was rolled during the run")
	}
	return rep, nil
}

// clientLoop is one concurrent client's loop: 2 pings with the publishable key, 2 with a secret
// key, then one OAuth flow (3 requests), until the run ends.
func (l *loader) clientLoop(ctx context.Context, c int) []sample {
	samples := make([]sample, 0, 1<<14)
	add := func(o op, d time.Duration) { samples = append(samples, sample{o, d}) }
	for i := 0; ctx.Err() == nil; i++ {
		switch i % 5 {
		case 0, 1:
			l.expect(ctx, add, opPingPublishable, "GET", "/v1/ping", l.cfg.pk, "", nil, 200)
		case 2, 3:
			s := l.slots[(c+i)%len(l.slots)].Load()
			l.expect(ctx, add, opPingSecret, "GET", "/v1/ping", s.key, "", nil, 200)
		case 4:
			l.oauth(ctx, add)
		}
	}
	return samples
}

// expect makes one request and counts an error unless it gets the wanted status. A request
// cut short by the end of the run is neither counted nor an error.
func (l *loader) expect(ctx context.Context, add func(op, time.Duration), o op, method, path, key, ctype string, body []byte, want int) ([]byte, http.Header, bool) {
	t0 := time.Now()
	st, hdr, resp, err := l.doCtx(ctx, method, path, key, ctype, body)
	d := time.Since(t0)
	if err != nil && ctx.Err() != nil {
		return nil, nil, false
	}
	add(o, d)
	if err != nil || st != want {
		l.fail(fmt.Sprintf("%s: status %d (want %d), %v", opNames[o], st, want, err))
		return nil, nil, false
	}
	return resp, hdr, true
}

func (l *loader) fail(msg string) {
	l.errs.Add(1)
	l.errMu.Lock()
	defer l.errMu.Unlock()
	if len(l.errFirst) < 5 {
		l.errFirst = append(l.errFirst, msg)
	}
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func (l *loader) oauth(ctx context.Context, add func(op, time.Duration)) {
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	verifier := b64url(raw)
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{
		"response_type": {"code"}, "client_id": {l.cfg.pk}, "redirect_uri": {l.cfg.redirect},
		"code_challenge": {b64url(sum[:])}, "code_challenge_method": {"S256"}, "state": {"load"},
	}
	_, hdr, ok := l.expect(ctx, add, opAuthorize, "GET", "/oauth2/authorize?"+q.Encode(), "", "", nil, 302)
	if !ok {
		return
	}
	loc, err := url.Parse(hdr.Get("Location"))
	code := ""
	if err == nil {
		code = loc.Query().Get("code")
	}
	if code == "" {
		l.fail("authorize: no code in the redirect")
		return
	}
	form := url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {l.cfg.redirect},
		"client_id": {l.cfg.pk}, "code_verifier": {verifier},
	}
	body, _, ok := l.expect(ctx, add, opToken, "POST", "/oauth2/token", "", "application/x-www-form-urlencoded", []byte(form.Encode()), 200)
	if !ok {
		return
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if json.Unmarshal(body, &tok) != nil || tok.AccessToken == "" {
		l.fail("token: no access_token")
		return
	}
	req, _ := json.Marshal(map[string]string{"token": tok.AccessToken})
	body, _, ok = l.expect(ctx, add, opValidate, "POST", "/v1/tokens/validate", l.cfg.sk, "application/json", req, 200)
	if !ok {
		return
	}
	var v struct {
		Active bool `json:"active"`
	}
	if json.Unmarshal(body, &v) != nil || !v.Active {
		l.fail("validate: a fresh token is not active")
	}
}

// roller rolls the run's secret keys in turn until the run ends and returns every roll made.
func (l *loader) roller(ctx context.Context) ([]rolled, []sample) {
	var rolls []rolled
	var samples []sample
	tick := time.NewTicker(l.cfg.rollEvery)
	defer tick.Stop()
	grace, _ := json.Marshal(map[string]int64{"grace_seconds": int64(l.cfg.grace / time.Second)})
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return rolls, samples
		case <-tick.C:
		}
		s := &l.slots[i%len(l.slots)]
		old := s.Load()
		// A roll is a write that must complete: it is not cut short by the end of the run.
		t0 := time.Now()
		st, _, body, err := l.doCtx(context.Background(), "POST", "/v1/keys/"+url.PathEscape(old.id)+"/roll", l.cfg.sk, "application/json", grace)
		samples = append(samples, sample{opRoll, time.Since(t0)})
		if err != nil || st != http.StatusCreated {
			l.fail(fmt.Sprintf("roll: status %d, %v", st, err))
			continue
		}
		id, key, err := issuedKey(body)
		if err != nil {
			l.fail("roll: " + err.Error())
			continue
		}
		s.Store(&slot{id: id, key: key})
		rolls = append(rolls, rolled{oldID: old.id, newID: id, newKey: key})
	}
}

// issue makes one secret key for the run through POST /v1/keys.
func (l *loader) issue() (id, key string, err error) {
	st, _, body, err := l.doCtx(context.Background(), "POST", "/v1/keys", l.cfg.sk, "application/json", []byte(`{"kind":"secret"}`))
	if err != nil {
		return "", "", err
	}
	if st != http.StatusCreated {
		return "", "", fmt.Errorf("status %d", st)
	}
	return issuedKey(body)
}

// issuedKey reads the id and the key (shown once) from a 201 of POST /v1/keys or a roll.
func issuedKey(body []byte) (id, key string, err error) {
	var k map[string]any
	if err := json.Unmarshal(body, &k); err != nil {
		return "", "", fmt.Errorf("body: %w", err)
	}
	id = jsonID(k["id"])
	key, _ = k["key"].(string)
	if id == "" || !strings.HasPrefix(key, "sk_") {
		return "", "", errors.New("no id or key in the answer")
	}
	return id, key, nil
}

// jsonID renders a JSON id (number or string) as it goes in a path.
func jsonID(v any) string {
	switch x := v.(type) {
	case float64:
		return fmt.Sprintf("%d", int64(x))
	case string:
		return x
	}
	return ""
}

// checkWrites counts the rolls whose result is not in the store afterwards: the new key's id
// missing from GET /v1/keys, the old key's id missing, or a rolled key refused by /v1/ping.
func (l *loader) checkWrites(rolls []rolled) (int, error) {
	st, _, body, err := l.doCtx(context.Background(), "GET", "/v1/keys", l.cfg.sk, "", nil)
	if err != nil || st != 200 {
		return 0, fmt.Errorf("GET /v1/keys: status %d, %v", st, err)
	}
	ids, err := keyIDs(body)
	if err != nil {
		return 0, err
	}
	lost := 0
	for _, r := range rolls {
		if !ids[r.newID] || !ids[r.oldID] {
			lost++
			continue
		}
		// Every key a roll returned is still valid: the current ones, and the older ones
		// inside their grace period.
		st, _, _, err := l.doCtx(context.Background(), "GET", "/v1/ping", r.newKey, "", nil)
		if err != nil || st != 200 {
			lost++
		}
	}
	return lost, nil
}

// keyIDs reads the ids from GET /v1/keys: a JSON array of keys, or an object holding one.
func keyIDs(body []byte) (map[string]bool, error) {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, fmt.Errorf("GET /v1/keys: %w", err)
	}
	var list []any
	switch x := v.(type) {
	case []any:
		list = x
	case map[string]any:
		list, _ = x["keys"].([]any)
	}
	if list == nil {
		return nil, errors.New("GET /v1/keys: no list of keys")
	}
	ids := make(map[string]bool, len(list))
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			ids[jsonID(m["id"])] = true
		}
	}
	return ids, nil
}

func (l *loader) doCtx(ctx context.Context, method, path, key, ctype string, body []byte) (int, http.Header, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, l.cfg.base+path, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	if key != "" {
		req.SetBasicAuth(key, "")
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := l.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	return res.StatusCode, res.Header, b, err
}

// report is what a run measured.
type report struct {
	Label        string    `json:"label,omitempty"`
	Seconds      float64   `json:"seconds"`
	Clients      int       `json:"clients"`
	Requests     int       `json:"requests"`
	RPS          float64   `json:"requests_per_second"`
	P50ms        float64   `json:"p50_ms"`
	P99ms        float64   `json:"p99_ms"`
	Errors       int64     `json:"errors"`
	Rolls        int       `json:"rolls"`
	LostWrites   int       `json:"lost_writes"`
	PerOp        []opStats `json:"per_request"`
	ErrorSamples []string  `json:"error_samples,omitempty"`
}

type opStats struct {
	Name     string  `json:"name"`
	Requests int     `json:"requests"`
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
}

func newReport(cfg config, elapsed time.Duration, all []sample, errs int64, rolls int) *report {
	r := &report{
		Label: cfg.label, Seconds: elapsed.Seconds(), Clients: cfg.clients, Requests: len(all),
		RPS: float64(len(all)) / elapsed.Seconds(), Errors: errs, Rolls: rolls,
	}
	r.P50ms, r.P99ms = percentiles(all, func(sample) bool { return true })
	for o := op(0); o < numOps; o++ {
		n := 0
		for _, s := range all {
			if s.op == o {
				n++
			}
		}
		p50, p99 := percentiles(all, func(s sample) bool { return s.op == o })
		r.PerOp = append(r.PerOp, opStats{Name: opNames[o], Requests: n, P50ms: p50, P99ms: p99})
	}
	return r
}

// percentiles gives the p50 and p99 latency in milliseconds (nearest rank) of the samples
// that keep selects.
func percentiles(all []sample, keep func(sample) bool) (p50, p99 float64) {
	var ds []time.Duration
	for _, s := range all {
		if keep(s) {
			ds = append(ds, s.d)
		}
	}
	if len(ds) == 0 {
		return 0, 0
	}
	slices.Sort(ds)
	rank := func(p float64) float64 {
		i := int(p*float64(len(ds))+0.999999) - 1
		i = max(0, min(i, len(ds)-1))
		return float64(ds[i].Microseconds()) / 1000
	}
	return rank(0.50), rank(0.99)
}

func (r *report) print(w io.Writer) {
	name := r.Label
	if name == "" {
		name = "run"
	}
	fmt.Fprintf(w, "picket-load %s: %d clients, %.1f s: %d requests, %.0f requests/s, p50 %.2f ms, p99 %.2f ms, %d errors, %d rolls, %d lost writes\n",
		name, r.Clients, r.Seconds, r.Requests, r.RPS, r.P50ms, r.P99ms, r.Errors, r.Rolls, r.LostWrites)
	for _, o := range r.PerOp {
		fmt.Fprintf(w, "  %-20s %8d requests  p50 %7.2f ms  p99 %7.2f ms\n", o.Name, o.Requests, o.P50ms, o.P99ms)
	}
	for _, e := range r.ErrorSamples {
		fmt.Fprintf(w, "  error: %s\n", e)
	}
	b, _ := json.Marshal(r)
	fmt.Fprintf(w, "%s\n", b)
}
