// serve: the HTTP server's process, from opening the store to the end of its shutdown.

package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

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
			return nil, fmt.Errorf("store: PostgreSQL did not answer within %s (-store-wait), %d attempts: %w", ops.storeWait, attempt, err)
		}
		if attempt == 1 {
			log.Warn("the store does not answer yet: trying again every second", "store_wait", ops.storeWait.String(), "error", err)
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
	log := newLogger(stderr)
	st, err := openServeStore(ctx, g, opts.ops, log)
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
	if NewUI != nil {
		h, err := NewUI(a, ui)
		if err != nil {
			return err
		}
		a.SetUI(h)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	switch {
	case opts.issuer != "":
		a.SetIssuer(opts.issuer)
	case ui.PublicURL != "":
		a.SetIssuer(strings.TrimSuffix(ui.PublicURL, "/"))
	default:
		a.SetIssuer(base)
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
		Handler:           a.Handler(),
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
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
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
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}
