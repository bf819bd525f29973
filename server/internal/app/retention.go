// Retention: the sweeper that keeps the OAuth tables bounded, and the sizes it reports.

package app

import (
	"context"
	"time"
)

// DefaultSweepInterval is how often `serve` deletes expired tokens and spent codes.
const DefaultSweepInterval = 10 * time.Second

// DefaultKeyRetention is how long `serve` keeps a revoked or expired key (listed, unusable)
// before the sweep deletes it.
const DefaultKeyRetention = 30 * 24 * time.Hour

// sweepMaxBatches bounds one sweep (5000 rows a batch): a backlog is worked off over
// several sweeps rather than in one long one.
const sweepMaxBatches = 100

// SweepLoop deletes expired tokens and spent codes every interval until ctx ends (first at
// once), and reports the tables' rows and the store's bytes as metrics. With several
// processes on one PostgreSQL each sweeps: the deletes are idempotent.
func (a *App) SweepLoop(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		a.SweepOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SweepOnce runs one sweep and refreshes the size metrics.
func (a *App) SweepOnce(ctx context.Context) {
	qctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	now := a.now()
	sw, err := a.store.Sweep(qctx, now, sweepMaxBatches)
	if err == nil && a.KeyRetention > 0 {
		sw.Keys, err = a.store.SweepKeys(qctx, now.Add(-a.KeyRetention), sweepMaxBatches)
	}
	a.metrics.swept.WithLabelValues("tokens").Add(float64(sw.Tokens))
	a.metrics.swept.WithLabelValues("oauth_codes").Add(float64(sw.Codes))
	a.metrics.swept.WithLabelValues("keys").Add(float64(sw.Keys))
	if err != nil {
		if ctx.Err() == nil {
			a.log.Warn("retention sweep failed: it is retried at the next interval", "error", err)
		}
		return
	}
	if sw.Tokens+sw.Codes+sw.Keys > 0 {
		a.log.Info("retention sweep", "tokens_deleted", sw.Tokens, "codes_deleted", sw.Codes, "keys_deleted", sw.Keys)
	}
	z, err := a.store.Sizes(qctx)
	if err != nil {
		if ctx.Err() == nil {
			a.log.Warn("store sizes", "error", err)
		}
		return
	}
	a.metrics.rows.WithLabelValues("oauth_codes").Set(float64(z.Codes))
	a.metrics.rows.WithLabelValues("tokens").Set(float64(z.Tokens))
	a.metrics.bytes.Set(float64(z.Bytes))
}
