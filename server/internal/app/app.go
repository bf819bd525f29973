// Package app is picket-server: the HTTP API (management with a project's secret key, the
// OAuth 2.0 code flow with PKCE, health, readiness, metrics) and the operator's
// subcommands, over the store and a picket.Holder of the authentication registry.
package app

import (
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
	// FullRebuilds makes every reload build the whole registry again, as picket-server did
	// before it replaced only the changed projects (-registry-updates full).
	FullRebuilds bool
	// requests counts the answers by status for the log's summary (logs.go).
	requests requestCounts

	// CodeTTL and TokenTTL are the lifetimes of authorization codes and access tokens.
	CodeTTL  time.Duration
	TokenTTL time.Duration
	// KeyRetention is how long a revoked or expired key is kept before the retention sweep
	// deletes it (0: kept for ever).
	KeyRetention time.Duration
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

// DefaultTokenTTL is how long an access token stays active (unless revoked first).
const DefaultTokenTTL = time.Hour

// New builds the registry from st and returns the App. log should be a redacting logger.
func New(st *store.Store, log *slog.Logger) (*App, error) {
	a := &App{store: st, log: log, metrics: newMetrics(), now: time.Now, CodeTTL: DefaultCodeTTL, TokenTTL: DefaultTokenTTL, KeyRetention: DefaultKeyRetention, Quotas: DefaultQuotas}
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
