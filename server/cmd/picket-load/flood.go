// The authorize flood: clients that request authorization codes as fast as they can and
// never redeem them (what anyone holding a publishable key can do), while a sampler reads the
// server's admin /metrics every second: the codes and tokens tables' rows and the store's
// bytes. The tables must stay bounded: retention deletes what expires.

package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// floodSample is the store's state at one moment of the flood.
type floodSample struct {
	Second float64 `json:"t"`
	Codes  int64   `json:"codes"`
	Tokens int64   `json:"tokens"`
	Bytes  int64   `json:"bytes"`
	Issued int64   `json:"issued"` // codes issued so far
	bound  int64   // the most code rows allowed at this sample (checkBound)
}

// floodReport is what the flood measured.
type floodReport struct {
	Seconds     float64       `json:"seconds"`
	Issued      int64         `json:"codes_issued"`
	PerSecond   float64       `json:"codes_per_second"`
	MaxCodes    int64         `json:"max_code_rows"`
	Bound       int64         `json:"bound"`
	FirstBytes  int64         `json:"first_bytes"`
	MaxBytes    int64         `json:"max_bytes"`
	LastBytes   int64         `json:"last_bytes"`
	Samples     []floodSample `json:"samples"`
	ErrorSample string        `json:"error_sample,omitempty"`
	Errors      int64         `json:"errors"`
}

// flood runs the authorize flood for cfg.flood with cfg.clients clients. At every sample
// the codes table may hold at most one code per live token (the flood redeems none, so
// the largest token count of any sample) plus the codes issued within the last
// cfg.floodWindow, plus 100: the window is the server's code lifetime plus twice its
// retention interval plus a second (a code is deleted at the first sweep after it expires,
// and the rows gauges are up to one interval old). Any error fails it too.
func (l *loader) flood(ctx context.Context) (*floodReport, error) {
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	sum := sha256.Sum256([]byte(b64url(raw)))
	path := "/oauth2/authorize?" + url.Values{
		"response_type": {"code"}, "client_id": {l.cfg.pk}, "redirect_uri": {l.cfg.redirect},
		"code_challenge": {b64url(sum[:])}, "code_challenge_method": {"S256"},
	}.Encode()
	runCtx, cancel := context.WithTimeout(ctx, l.cfg.flood)
	defer cancel()
	var issued, errs atomic.Int64
	var firstErr atomic.Pointer[string]
	var wg sync.WaitGroup
	for c := 0; c < l.cfg.clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for runCtx.Err() == nil {
				st, hdr, _, err := l.doCtx(runCtx, "GET", path, "", "", nil)
				if err != nil && runCtx.Err() != nil {
					return
				}
				if err != nil || st != http.StatusFound || !strings.Contains(hdr.Get("Location"), "code=") {
					errs.Add(1)
					msg := fmt.Sprintf("authorize: status %d, %v", st, err)
					firstErr.CompareAndSwap(nil, &msg)
					continue
				}
				issued.Add(1)
			}
		}()
	}
	start := time.Now()
	rep := &floodReport{}
	sample := func() error {
		s, err := l.storeSizes()
		if err != nil {
			return err
		}
		s.Second, s.Issued = time.Since(start).Seconds(), issued.Load()
		rep.Samples = append(rep.Samples, s)
		return nil
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var sampleErr error
sampling:
	for {
		if sampleErr = sample(); sampleErr != nil {
			cancel()
			break
		}
		select {
		case <-runCtx.Done():
			break sampling
		case <-tick.C:
		}
	}
	wg.Wait()
	if sampleErr == nil {
		sampleErr = sample()
	}
	rep.Seconds = time.Since(start).Seconds()
	rep.Issued, rep.Errors = issued.Load(), errs.Load()
	rep.PerSecond = float64(rep.Issued) / rep.Seconds
	if p := firstErr.Load(); p != nil {
		rep.ErrorSample = *p
	}
	for _, s := range rep.Samples {
		rep.MaxCodes = max(rep.MaxCodes, s.Codes)
		rep.MaxBytes = max(rep.MaxBytes, s.Bytes)
	}
	if n := len(rep.Samples); n > 0 {
		rep.FirstBytes, rep.LastBytes = rep.Samples[0].Bytes, rep.Samples[n-1].Bytes
	}
	worst := rep.checkBound(l.cfg.floodWindow)
	switch {
	case sampleErr != nil:
		return rep, fmt.Errorf("reading the metrics: %w", sampleErr)
	case rep.Errors > 0:
		return rep, fmt.Errorf("%d flood requests failed", rep.Errors)
	case rep.Issued == 0:
		return rep, fmt.Errorf("the flood issued no code")
	case worst != nil:
		return rep, fmt.Errorf("at t=%.1fs the codes table held %d rows, beyond its bound %d (a code per live token + the codes issued in the last %v + 100): retention does not keep up",
			worst.Second, worst.Codes, worst.bound, l.cfg.floodWindow)
	}
	return rep, nil
}

// checkBound sets each sample's bound (a code per live token + the codes issued within
// window before the sample + 100) and rep.Bound to the largest, and returns the first
// sample beyond its bound (nil when none).
func (rep *floodReport) checkBound(window time.Duration) *floodSample {
	var base int64
	for _, s := range rep.Samples {
		base = max(base, s.Tokens)
	}
	issuedAt := func(t float64) int64 { // codes issued by time t (the last sample at or before it)
		var n int64
		for _, s := range rep.Samples {
			if s.Second <= t {
				n = s.Issued
			}
		}
		return n
	}
	var worst *floodSample
	for i := range rep.Samples {
		s := &rep.Samples[i]
		s.bound = base + s.Issued - issuedAt(s.Second-window.Seconds()) + 100
		rep.Bound = max(rep.Bound, s.bound)
		if s.Codes > s.bound && worst == nil {
			worst = s
		}
	}
	return worst
}

// storeSizes reads the store's rows and bytes from the admin /metrics.
func (l *loader) storeSizes() (floodSample, error) {
	var s floodSample
	st, _, body, err := l.request(context.Background(), "GET", l.cfg.metrics, "", "", nil)
	if err != nil || st != http.StatusOK {
		return s, fmt.Errorf("GET %s: status %d, %v", l.cfg.metrics, st, err)
	}
	found := 0
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		var dst *int64
		switch name {
		case `picket_store_rows{table="oauth_codes"}`:
			dst = &s.Codes
		case `picket_store_rows{table="tokens"}`:
			dst = &s.Tokens
		case "picket_store_bytes":
			dst = &s.Bytes
		default:
			continue
		}
		f, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return s, fmt.Errorf("metric %s: %w", name, err)
		}
		*dst = int64(f)
		found++
	}
	if found != 3 {
		return s, fmt.Errorf("the metrics lack the store's rows and bytes (found %d of 3)", found)
	}
	return s, nil
}

func (f *floodReport) print(w io.Writer) {
	fmt.Fprintf(w, "flood: %.1f s, %d codes issued (%.0f/s), code rows at most %d (largest bound %d), store bytes %d at start, %d at most, %d at the end, %d errors\n",
		f.Seconds, f.Issued, f.PerSecond, f.MaxCodes, f.Bound, f.FirstBytes, f.MaxBytes, f.LastBytes, f.Errors)
	for _, s := range f.Samples {
		fmt.Fprintf(w, "  t=%5.1fs issued %8d  code rows %7d  token rows %6d  bytes %10d\n", s.Second, s.Issued, s.Codes, s.Tokens, s.Bytes)
	}
	if f.ErrorSample != "" {
		fmt.Fprintf(w, "  error: %s\n", f.ErrorSample)
	}
}
