// serve: the HTTP server's process, from opening the store to the end of its shutdown.

package app

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/picket-dev/picket/server/internal/connlimit"
	"github.com/picket-dev/picket/server/internal/rules"
	"github.com/picket-dev/picket/server/internal/store"
)

// openServeStore opens serve's store with the -store-timeout deadline. A PostgreSQL store
// that does not answer (connection refused, or no answer within the deadline) is tried
// again every second for -store-wait, then serve gives up with the last error; any other
// error (a refused login, a newer schema, a damaged SQLite file) ends serve at once.
func openServeStore(ctx context.Context, g *globals, ops operations, log *slog.Logger) (*store.Store, error) {
	deadline := time.Now().Add(ops.storeWait)
	for attempt := 1; ; attempt++ {
		st, err := store.Open(ctx, g.data, g.db, store.WithTimeout(ops.storeTimeout))
		if err == nil || g.db == "" || !errors.Is(err, store.ErrUnavailable) || ctx.Err() != nil {
			return st, err
		}
		if time.Now().Add(time.Second).After(deadline) {
			tries := "1 attempt"
			if attempt > 1 {
				tries = fmt.Sprintf("%d attempts", attempt)
			}
			return nil, fmt.Errorf("store: PostgreSQL did not answer within %s (-store-wait), %s: %w", ops.storeWait, tries, err)
		}
		if attempt == 1 {
			log.Warn("the store does not answer yet: trying again every second", "store_wait_seconds", ops.storeWait.Seconds(), "error", err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// serve runs the HTTP server until ctx ends.
func serve(ctx context.Context, g *globals, addr string, opts serveOptions, ui UIConfig, stdout, stderr io.Writer) error {
	level, _ := parseLevel(opts.ops.logLevel) // validated
	log, sampler := newServeLogger(stderr, level, opts.ops.logEvery)
	st, err := openServeStore(ctx, g, opts.ops, log)
	if err != nil && ctx.Err() != nil {
		// SIGTERM while waiting for the store (-store-wait): a shutdown with no request
		// in flight, so exit 0 (a supervisor stopping a server whose database is not up
		// yet must not see a failure).
		log.Info("shut down before serving: stopped while waiting for the store")
		return nil
	}
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.CheckIntegrity(ctx); err != nil {
		return err
	}
	p, keys, err := Bootstrap(ctx, st)
	if err != nil {
		return err
	}
	a, err := New(st, log)
	if err != nil {
		return err
	}
	defer a.Close()
	opts.apply(a)
	a.FullRebuilds = opts.ops.registryUpdates == "full"
	if NewUI != nil {
		h, err := NewUI(a, ui)
		if err != nil {
			return err
		}
		a.SetUI(h)
	}
	var tlsConfig *tls.Config
	if opts.tlsCert != "" {
		// Loaded before listening: a bad file is an error at start, not at the first client.
		cert, err := tls.LoadX509KeyPair(opts.tlsCert, opts.tlsKey)
		if err != nil {
			return fmt.Errorf("-tls-cert, -tls-key: %w", err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	tcp, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	capped := connCap(opts.ops.maxConns, log)
	ln := connlimit.New(tcp, capped, connRefusal(rules.Overloaded))
	ln.PerClient(clientShare(opts.ops.maxConnsPerClient, capped), opts.proxies.PeerKey, connRefusal(rules.TooManyConnections))
	// A request in flight past -store-timeout and a second more is no longer the server's
	// work (it answers 503 at -store-timeout) but a slow client's: sending its body, or not
	// reading the answer. At a full cap such a request of the biggest holder is cut for a
	// new client.
	ln.CutSlow(opts.ops.storeTimeout + time.Second)
	if tlsConfig != nil {
		ln.RefuseOverTLS(tlsConfig)
	}
	a.metrics.watchConns(ln)
	base := "http://" + ln.Addr().String()
	if tlsConfig != nil {
		base = "https://" + ln.Addr().String()
	}
	switch {
	case opts.issuer != "":
		a.SetIssuer(opts.issuer)
	case ui.PublicURL != "":
		a.SetIssuer(strings.TrimSuffix(ui.PublicURL, "/"))
	default:
		a.SetIssuer(base)
		if t, ok := ln.Addr().(*net.TCPAddr); ok && t.IP.IsUnspecified() {
			// 0.0.0.0 or [::]: an issuer no client can fetch its metadata from, and RFC 8414
			// (§3.3) and RFC 9207 clients refuse one that is not the URL they used.
			log.Warn("the OAuth issuer is "+base+", an address no client reaches: set -issuer (or -public-url) to the server's URL as clients reach it, "+
				"or standard OAuth clients refuse its metadata and its authorization responses", "issuer", base)
		}
	}
	admin, err := listenAdmin(opts.metricsAddr, a, stdout, log)
	if err != nil {
		ln.Close()
		return err
	}
	defer admin.Close()
	if p != nil {
		printFirstStart(stdout, p, keys, base)
		log.Info("first start: created the first project", "project", p.ID)
	}
	if n, err := st.Unowned(ctx); err == nil && n > 0 {
		log.Info("projects without an account are the operator's (the CLI and their own secret keys manage them): `picket-server account adopt -email E` gives them to an account", "count", n)
	}
	srv := &http.Server{
		Handler: a.Handler(),
		// Over TLS the server reports the *tls.Conn around the connection ln accepted.
		ConnState: func(c net.Conn, state http.ConnState) {
			if tc, ok := c.(*tls.Conn); ok {
				c = tc.NetConn()
			}
			ln.ConnState(c, state)
		},
		TLSConfig:         tlsConfig,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go st.Watch(watchCtx, func(up bool) {
		if up {
			log.Info("the store answers again")
		} else {
			log.Error("the store does not answer: store calls answer 503 store_unavailable at once until it does (authentication goes on from memory)")
		}
	})
	go a.WatchChanges(watchCtx, 250*time.Millisecond)
	go a.SweepLoop(watchCtx, opts.sweep)
	go a.LogRequests(watchCtx, opts.ops.logEvery, sampler)
	served := make(chan error, 1)
	go func() {
		if tlsConfig != nil {
			served <- srv.ServeTLS(ln, "", "") // the certificate is in srv.TLSConfig
		} else {
			served <- srv.Serve(ln)
		}
	}()
	kind := "sqlite"
	if st.Postgres() {
		kind = "postgres"
	}
	log.Info("listening", "addr", ln.Addr().String(), "store", kind)
	if a.ui != nil {
		dash := base
		if ui.PublicURL != "" {
			dash = strings.TrimSuffix(ui.PublicURL, "/")
		}
		fmt.Fprintf(stdout, "dashboard: %s/dashboard/\n", dash)
	}
	fmt.Fprintf(stdout, "listening on %s\n", base)
	if f, ok := stdout.(*os.File); ok {
		_ = f.Sync()
	}
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	return drain(srv, ln, opts.ops.drainTimeout, drainCut(ctx), log)
}

// errCut is a shutdown that had to cut requests still in flight: serve exits 1.
type errCut struct {
	inFlight int
	// after is -drain-timeout, or, for a drain a second signal cut (bySignal), how long it
	// had run.
	after    time.Duration
	bySignal bool
}

func (e *errCut) Error() string {
	if e.bySignal {
		return fmt.Sprintf("shutdown: a second signal cut the drain after %s: %d connection(s) still had a request in flight and were cut",
			e.after.Round(time.Millisecond), e.inFlight)
	}
	return fmt.Sprintf("shutdown: %d connection(s) still had a request in flight after -drain-timeout %s and were cut", e.inFlight, e.after)
}

// drain shuts srv down: the listener closes at once (new connections are refused), idle
// connections are closed, and the requests in flight run to their end for up to timeout,
// or until cut is closed (a second signal). nil when every one finished; an *errCut when
// some had to be cut.
func drain(srv *http.Server, ln *connlimit.Listener, timeout time.Duration, cut <-chan struct{}, log *slog.Logger) error {
	busy := func() int { s := ln.Stats(); return s.Open - s.Idle }
	log.Info("shutting down: new connections refused, the requests in flight drained (a second SIGTERM or SIGINT cuts them)",
		"in_flight", busy(), "drain_timeout_seconds", timeout.Seconds())
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(ctx) }()
	var e *errCut
	select {
	case err := <-shut:
		if err == nil {
			log.Info("shut down: every request finished")
			return nil
		}
		e = &errCut{inFlight: busy(), after: timeout}
	case <-cut:
		e = &errCut{inFlight: busy(), after: time.Since(start), bySignal: true}
		if e.inFlight == 0 { // the last request ended since Shutdown's last look
			srv.Close()
			log.Info("shut down: every request finished")
			return nil
		}
	}
	srv.Close()
	log.Error(e.Error())
	return e
}

// connCap is -max-conns, lowered to what the process's file limit leaves (64 descriptors
// kept for the store, the logs and the admin address), so that the cap is reached before
// accept fails with "too many open files", which would lock every new client out.
func connCap(want int, log *slog.Logger) int {
	if limit := fileLimit(); limit > 0 && want > limit-64 {
		capped := max(1, limit-64)
		log.Warn("-max-conns is above what the open-file limit allows: lowered", "max_conns", want, "file_limit", limit, "cap", capped)
		return capped
	}
	return want
}

// clientShare is -max-conns-per-client, or, when 0, an eighth of the cap (at least 1): one
// address may then hold up to 12.5 % of the connections (512 of the default 4,096), plenty
// for a backend's connection pool or an office behind one NAT address, while it takes 8
// addresses to fill the cap with requests that never end.
func clientShare(want, capped int) int {
	if want == 0 {
		return max(1, capped/8)
	}
	return min(want, capped)
}

// connRefusal is what a connection refused by the connection cap reads (rule: overloaded
// at -max-conns, too_many_connections at -max-conns-per-client): a complete HTTP/1.1
// answer with the rule's error object and Retry-After: 1, written before its request is
// read.
func connRefusal(r rules.Rule) []byte {
	body, _ := json.Marshal(ruleBody(r, ""))
	return []byte("HTTP/1.1 " + strconv.Itoa(r.Status) + " " + http.StatusText(r.Status) + "\r\nContent-Type: application/json\r\nRetry-After: 1\r\n" +
		"Connection: close\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + string(body))
}
