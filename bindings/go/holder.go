package picket

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Holder holds the current [Registry] of a server whose keys and projects change while it
// runs (keys issued, rolled, revoked; redirect URIs added). It gets each registry from the
// caller's loader (which reads the server's store and builds one), and [Holder.Reload]
// swaps a new one in atomically.
//
// A call in flight on the old registry completes on it; the old registry is then freed
// (its Close waits for the calls in flight). A call that picked up the old registry just
// before the swap and finds it closed is made again on the new one, so a caller never
// sees a swap. Any number of goroutines may call a Holder's methods at once.
//
// Holder implements [Authenticator], so it can be given to [Middleware].
//
//	holder, err := picket.NewHolder(func() (*picket.Registry, error) {
//		b := picket.NewRegistryBuilder()
//		defer b.Close()
//		// ... AddProject, AddRedirectURI, AddKey from the store
//		return b.Build()
//	})
//	if err != nil {
//		return err
//	}
//	defer holder.Close()
//	http.Handle("/v1/", picket.Middleware(holder, picket.RequireSecret, api))
//	// after each change to the store:
//	if err := holder.Reload(); err != nil { ... } // the old registry stays in use
type Holder struct {
	load func() (*Registry, error)
	// mu serialises Reload and Close.
	mu     sync.Mutex
	cur    atomic.Pointer[Registry]
	closed atomic.Bool
}

// NewHolder calls load once and returns a Holder of the registry it built. load is called
// again by each [Holder.Reload], never by two goroutines at once.
func NewHolder(load func() (*Registry, error)) (*Holder, error) {
	if load == nil {
		return nil, errors.New("picket: NewHolder needs a loader")
	}
	reg, err := load()
	if err != nil {
		return nil, err
	}
	if reg == nil {
		return nil, errors.New("picket: the loader returned no registry")
	}
	h := &Holder{load: load}
	h.cur.Store(reg)
	return h, nil
}

// Reload calls the loader and swaps the registry it built in; the old one is closed once
// the calls in flight on it have returned. When the loader fails, the current registry
// stays in use and its error is returned. It is [ErrClosed] after Close.
func (h *Holder) Reload() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed.Load() {
		return ErrClosed
	}
	reg, err := h.load()
	if err != nil {
		return err
	}
	if reg == nil {
		return errors.New("picket: the loader returned no registry")
	}
	if old := h.cur.Swap(reg); old != nil {
		old.Close() // waits for the calls in flight on old
	}
	return nil
}

// Update swaps in the registry f makes from the current one, as Reload swaps in the
// loader's: f is typically [Registry.WithProjects], so that a change to a few projects
// costs what it touches rather than a whole build. f runs under the lock Reload and Close
// take (never two at once); it must not Close the registry it is given, which Update
// closes once the calls in flight on it have returned. When f fails, the current registry
// stays in use and its error is returned. It is [ErrClosed] after Close.
//
//	err := holder.Update(func(cur *picket.Registry) (*picket.Registry, error) {
//		return cur.WithProjects(change, nil)
//	})
func (h *Holder) Update(f func(current *Registry) (*Registry, error)) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed.Load() {
		return ErrClosed
	}
	reg, err := f(h.cur.Load())
	if err != nil {
		return err
	}
	if reg == nil {
		return errors.New("picket: the update returned no registry")
	}
	if old := h.cur.Swap(reg); old != nil && old != reg {
		old.Close() // waits for the calls in flight on old
	}
	return nil
}

// with calls f on the current registry, again on a newer one when a swap closed the one
// it picked up, and returns ErrClosed once the Holder is closed.
func with[T any](h *Holder, f func(*Registry) (T, error)) (T, error) {
	for {
		reg := h.cur.Load()
		if reg == nil {
			var zero T
			return zero, ErrClosed
		}
		v, err := f(reg)
		if !errors.Is(err, ErrClosed) || h.closed.Load() || h.cur.Load() == reg {
			// A registry still current yet closed was closed by its loader's caller, not
			// by a reload: that is the answer, not a reason to call it again forever.
			return v, err
		}
		// reg was swapped out and closed between Load and the call: use the new one.
	}
}

// Authenticate is [Registry.Authenticate] on the current registry.
func (h *Holder) Authenticate(header string, now time.Time, req Requirement) (Auth, error) {
	return with(h, func(r *Registry) (Auth, error) { return r.Authenticate(header, now, req) })
}

// AuthorizeRedirect is [Registry.AuthorizeRedirect] on the current registry.
func (h *Holder) AuthorizeRedirect(clientID, redirectURI string, now time.Time) (uint64, error) {
	return with(h, func(r *Registry) (uint64, error) { return r.AuthorizeRedirect(clientID, redirectURI, now) })
}

// Close frees the current registry once the calls in flight have returned; later calls
// return [ErrClosed]. It is idempotent and returns nil.
func (h *Holder) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed.Store(true)
	if old := h.cur.Swap(nil); old != nil {
		old.Close()
	}
	return nil
}
