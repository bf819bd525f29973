// The registry's lifecycle: built whole from the store at start, then kept in step with
// it change by change, replacing only the projects each change touched.

package app

import (
	"context"
	"log/slog"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/store"
)

// load is the Holder's loader: it builds a registry from a snapshot of the store and
// records the snapshot's version and CORS origins.
func (a *App) load() (*picket.Registry, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	snap, err := a.store.Snapshot(ctx, a.now())
	if err != nil {
		return nil, err
	}
	b := picket.NewRegistryBuilder()
	defer b.Close()
	uris := make(map[uint64][]string, len(snap.Projects))
	for _, p := range snap.Projects {
		kept, err := addProject(b, p, snap.URIs[p.ID], a.log)
		if err != nil {
			return nil, err
		}
		uris[uint64(p.ID)] = kept
	}
	if err := addKeys(b, snap.Keys); err != nil {
		return nil, err
	}
	reg, err := b.Build()
	if err != nil {
		return nil, err
	}
	a.version.Store(snap.Version)
	a.origins.replaceAll(uris)
	return reg, nil
}

// addProject adds project p with its redirect URIs to b and returns the URIs kept. A URI
// the registry refuses is left out, with a warning: only a row written around this server
// can be one (the API and the CLI validate first), and it must not refuse every request.
func addProject(b *picket.RegistryBuilder, p store.Project, uris []string, log *slog.Logger) ([]string, error) {
	if err := b.AddProject(uint64(p.ID), p.Mode, 0); err != nil {
		return nil, err
	}
	kept := make([]string, 0, len(uris))
	for _, u := range uris {
		if err := b.AddRedirectURI(uint64(p.ID), u); err != nil {
			log.Warn("stored redirect URI refused by the registry: left out", "project", p.ID, "uri", u, "error", err)
			continue
		}
		kept = append(kept, u)
	}
	return kept, nil
}

func addKeys(b *picket.RegistryBuilder, keys []store.Key) error {
	for _, k := range keys {
		d, err := picket.DigestFromHex(k.Digest)
		if err != nil {
			return err
		}
		if err := b.AddKey(d, uint64(k.ProjectID), k.Kind, k.ExpiresAt); err != nil {
			return err
		}
	}
	return nil
}

// Reload brings the registry up to date with the store (after a change made here, or one
// the version poll saw). It reads, in one transaction, the store's version and the projects
// changed since the registry's, and replaces just those projects in a copy of the registry
// (picket.Registry.WithProjects): a change costs what it touches, not a rebuild of every
// project. It rebuilds the whole registry instead when the change log does not reach back
// far enough, more than store.MaxChangedProjects projects changed, the update fails, or
// with FullRebuilds; and does nothing when the store is at the registry's version.
// Reloads are serialised and each reads the version once it holds the lock, so a change
// is applied once however many ask for it, and the changes that arrive during a reload are
// all taken by the next one. picket_registry_reloads_total{kind, outcome} counts them.
func (a *App) Reload() error {
	a.reloadMu.Lock()
	defer a.reloadMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	since := a.version.Load()
	ch, err := a.store.Changes(ctx, since, a.now())
	switch {
	case err != nil:
		return a.reloaded("projects", err)
	case ch.Version == since:
		return nil
	case ch.Full || a.FullRebuilds:
		return a.reloaded("full", a.holder.Reload())
	}
	uris := make(map[uint64][]string, len(ch.Projects))
	err = a.holder.Update(func(cur *picket.Registry) (*picket.Registry, error) {
		b := picket.NewRegistryBuilder()
		defer b.Close()
		for _, p := range ch.Projects {
			kept, err := addProject(b, p.Project, p.URIs, a.log)
			if err != nil {
				return nil, err
			}
			uris[uint64(p.Project.ID)] = kept
			if err := addKeys(b, p.Keys); err != nil {
				return nil, err
			}
		}
		removed := make([]uint64, len(ch.Removed))
		for i, id := range ch.Removed {
			removed[i] = uint64(id)
		}
		return cur.WithProjects(b, removed)
	})
	if err != nil {
		a.log.Warn("registry update of the changed projects failed: rebuilding it whole", "error", err)
		a.reloaded("projects", err)
		return a.reloaded("full", a.holder.Reload())
	}
	a.version.Store(ch.Version)
	for _, id := range ch.Removed {
		a.origins.setProject(uint64(id), nil)
	}
	for id, kept := range uris {
		a.origins.setProject(id, kept)
	}
	return a.reloaded("projects", nil)
}

// reloaded counts a reload of kind (full, projects) by outcome and logs a failure; it
// returns err.
func (a *App) reloaded(kind string, err error) error {
	if err != nil {
		a.metrics.reloads.WithLabelValues(kind, "error").Inc()
		a.log.Error("registry reload failed: the previous registry stays in use", "kind", kind, "error", err)
		return err
	}
	a.metrics.reloads.WithLabelValues(kind, "ok").Inc()
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
			a.log.Debug("change poll failed", "error", err)
		}
		return
	}
	if v != a.version.Load() {
		_ = a.Reload()
	}
}
