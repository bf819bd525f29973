// The run and its clients: the request kinds, the concurrent client loops (pings and the
// OAuth code flow with PKCE) and the HTTP request they all go through.

package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

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
	if cfg.flood > 0 {
		rep.Flood, err = l.flood(ctx)
		if err != nil {
			return rep, fmt.Errorf("flood: %w", err)
		}
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

func (l *loader) doCtx(ctx context.Context, method, path, key, ctype string, body []byte) (int, http.Header, []byte, error) {
	return l.request(ctx, method, l.cfg.base+path, key, ctype, body)
}

// request makes one request to an absolute URL (the admin address is not the server's
// base) and reads at most 1 MiB of the answer.
func (l *loader) request(ctx context.Context, method, u, key, ctype string, body []byte) (int, http.Header, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
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
