// Package app is picket-server: the HTTP API (management with a project's secret key, the
// OAuth 2.0 code flow with PKCE, health, readiness, metrics) and the operator's
// subcommands, over the store and a picket.Holder of the authentication registry.
package app

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/ratelimit"
	"github.com/picket-dev/picket/server/internal/store"
)

// App is one server process: its store, its registry holder and its metrics.
type App struct {
	store   *store.Store
	holder  *picket.Holder
	log     *slog.Logger
	metrics *metrics
	now     func() time.Time

	// version is the store version the current registry was built from.
	version atomic.Int64
	// origins are each project's CORS origins, from its redirect URIs.
	origins originIndex
	// reloadMu serialises reloads with the version they record.
	reloadMu sync.Mutex
	// requests counts the answers by status for the log's summary (logs.go).
	requests requestCounts

	// CodeTTL and TokenTTL are the lifetimes of authorization codes and access tokens.
	CodeTTL  time.Duration
	TokenTTL time.Duration
	// Quotas bound what one project may hold (DefaultQuotas unless set).
	Quotas Quotas

	hasher hasherOnce
	// limiter holds the rate limits (DefaultRateLimits unless SetRateLimits).
	limiter *rateLimiter
	// ui is the dashboard (SetUI), nil without one.
	ui http.Handler
	// issuer is the issuer identifier (SetIssuer): "" until set.
	issuer string
	// patterns are the routes Handler registered (openapi_test.go holds the document to them).
	patterns []string
	// proxies are the reverse proxies whose X-Forwarded-For ClientKey believes (none unless
	// -trusted-proxies).
	proxies ratelimit.Proxies
}

// SetRateLimits replaces the process's rate limits (fresh buckets).
func (a *App) SetRateLimits(limits RateLimits) { a.limiter = newRateLimiter(limits) }

// DefaultCodeTTL is how long an authorization code stays redeemable.
const DefaultCodeTTL = 60 * time.Second

// New builds the registry from st and returns the App. log should be a redacting logger.
func New(st *store.Store, log *slog.Logger) (*App, error) {
	a := &App{store: st, log: log, metrics: newMetrics(), now: time.Now, CodeTTL: DefaultCodeTTL, TokenTTL: time.Hour, Quotas: DefaultQuotas}
	a.SetRateLimits(DefaultRateLimits())
	h, err := picket.NewHolder(a.load)
	if err != nil {
		return nil, err
	}
	a.holder = h
	return a, nil
}

// Close frees the registry.
func (a *App) Close() error { return a.holder.Close() }

// load is the Holder's loader: it builds a registry from a snapshot of the store and
// records the snapshot's version and CORS origins.
func (a *App) load() (*picket.Registry, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	now := a.now()
	snap, err := a.store.Snapshot(ctx, now)
	if err != nil {
		return nil, err
	}
	b := picket.NewRegistryBuilder()
	defer b.Close()
	uris := make(map[uint64][]string, len(snap.Projects))
	for _, p := range snap.Projects {
		if err := b.AddProject(uint64(p.ID), p.Mode, 0); err != nil {
			return nil, err
		}
		for _, u := range snap.URIs[p.ID] {
			if err := b.AddRedirectURI(uint64(p.ID), u); err != nil {
				// Only possible for a row written around this server (the API and the CLI
				// validate first): leave it out rather than refuse every request.
				a.log.Warn("stored redirect URI refused by the registry: left out", "project", p.ID, "uri", u, "error", err)
				continue
			}
			uris[uint64(p.ID)] = append(uris[uint64(p.ID)], u)
		}
	}
	for _, k := range snap.Keys {
		d, err := picket.DigestFromHex(k.Digest)
		if err != nil {
			return nil, err
		}
		if err := b.AddKey(d, uint64(k.ProjectID), k.Kind, k.ExpiresAt); err != nil {
			return nil, err
		}
	}
	reg, err := b.Build()
	if err != nil {
		return nil, err
	}
	a.version.Store(snap.Version)
	a.origins.replaceAll(uris)
	return reg, nil
}

// Reload brings the registry up to date with the store (after a change made here, or one
// the version poll saw): it rebuilds the registry when the store's change counter differs
// from the one the registry was built at, and does nothing otherwise. Reloads are
// serialised, and the counter is read again once a reload has the lock, so a change is
// rebuilt once even when its own reload and the poll's both ask for it (the poll sees the
// new counter while the change's own rebuild runs), and any number of changes that arrive
// during a rebuild are taken by one more.
func (a *App) Reload() error {
	a.reloadMu.Lock()
	defer a.reloadMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	v, err := a.store.Version(ctx)
	cancel()
	if err == nil && v == a.version.Load() {
		return nil
	}
	err = a.holder.Reload()
	if err != nil {
		a.metrics.reloads.WithLabelValues("error").Inc()
		a.log.Error("registry reload failed: the previous registry stays in use", "error", err)
		return err
	}
	a.metrics.reloads.WithLabelValues("ok").Inc()
	return nil
}

// WatchChanges keeps the registry in step with changes made by other processes (a second
// server, or the CLI) until ctx ends: it polls the store's change counter every interval,
// and on PostgreSQL also reloads as soon as a change is notified (LISTEN/NOTIFY).
func (a *App) WatchChanges(ctx context.Context, interval time.Duration) {
	go a.store.Listen(ctx, func() { a.checkVersion(ctx, interval) })
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		a.checkVersion(ctx, interval)
	}
}

// checkVersion reloads when the store's change counter differs from the registry's.
func (a *App) checkVersion(ctx context.Context, interval time.Duration) {
	qctx, cancel := context.WithTimeout(ctx, interval*4)
	v, err := a.store.Version(qctx)
	cancel()
	if err != nil {
		if ctx.Err() == nil {
			a.log.Warn("change poll failed", "error", err)
		}
		return
	}
	if v != a.version.Load() {
		_ = a.Reload()
	}
}
