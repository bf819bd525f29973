package picket

import (
	"runtime"
	"strconv"
	"sync"
	"time"
)

// Requirement is which kinds of key an endpoint accepts.
type Requirement uint32

const (
	// RequirePublishable is for client-side endpoints: publishable keys only.
	RequirePublishable Requirement = 1
	// RequireSecret is for server-side endpoints: secret keys only.
	RequireSecret Requirement = 2
	// RequireAny accepts either kind.
	RequireAny Requirement = 3
)

// String returns "publishable", "secret", "any" (or "Requirement(n)").
func (r Requirement) String() string {
	switch r {
	case RequirePublishable:
		return "publishable"
	case RequireSecret:
		return "secret"
	case RequireAny:
		return "any"
	}
	return "Requirement(" + strconv.FormatUint(uint64(r), 10) + ")"
}

// Auth is a request that authenticated: the key's project and kind.
type Auth struct {
	// Project is the project the key belongs to (the server's own id).
	Project uint64
	// Kind is the key's kind.
	Kind KeyKind
}

// unixSeconds converts a time to the unsigned unix seconds the C ABI takes; times before
// 1970 are 0.
func unixSeconds(t time.Time) uint64 {
	s := t.Unix()
	if s < 0 {
		return 0
	}
	return uint64(s)
}

// RegistryBuilder collects projects, redirect URIs and key digests, then builds a
// [Registry]. Add each project before its keys and redirect URIs.
//
// Its methods may be called from several goroutines: they are serialised. A builder is
// consumed by [RegistryBuilder.Build]; release one that is not built with
// [RegistryBuilder.Close] (a finalizer does it otherwise, as a safety net).
//
// Memory safety does not depend on the caller: the C handle is used, consumed (Build) and
// freed (Close, the finalizer) only under one lock, so a Close or Build racing an Add* on
// another goroutine either waits for it or makes it return [ErrClosed]. Copies of the
// struct share that state, and the zero RegistryBuilder or a nil *RegistryBuilder is a
// closed one.
type RegistryBuilder struct {
	s *builderState
}

// builderState is what every copy of a RegistryBuilder shares: the lock and the handle. The
// finalizer is on it, so that it runs only once no copy can reach the handle.
type builderState struct {
	mu sync.Mutex
	h  builderHandle
}

// NewRegistryBuilder returns an empty builder: no project, Basic authentication only.
func NewRegistryBuilder() *RegistryBuilder {
	s := &builderState{h: cBuilderNew()}
	runtime.SetFinalizer(s, (*builderState).free)
	return &RegistryBuilder{s: s}
}

// with runs f with the live handle under the lock, or returns ErrClosed.
func (b *RegistryBuilder) with(f func(builderHandle) error) error {
	if b == nil || b.s == nil {
		return ErrClosed
	}
	s := b.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.h == nil {
		return ErrClosed
	}
	return f(s.h)
}

// take returns the live handle and leaves none behind (nil when closed), under the lock.
func (s *builderState) take() builderHandle {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.h
	s.h = nil
	runtime.SetFinalizer(s, nil)
	return h
}

// free is the finalizer and Close: frees the handle if one is left.
func (s *builderState) free() {
	if h := s.take(); h != nil {
		cBuilderFree(h)
	}
}

// SetOptions sets the options [Registry.Authenticate] uses: [AcceptBearer] (also accept
// `Bearer KEY`) or 0 (Basic only, the default). It replaces any earlier setting.
func (b *RegistryBuilder) SetOptions(opts Options) error {
	return b.with(func(h builderHandle) error { return cBuilderSetOptions(h, opts) })
}

// AddProject adds project id in mode, with opts for its redirect URIs
// ([AllowPrivateUseSchemes], [LoopbackAnyPort], or 0). Adding a project twice is
// ErrBuildDuplicateProject.
func (b *RegistryBuilder) AddProject(id uint64, mode Mode, opts Options) error {
	return b.with(func(h builderHandle) error { return cBuilderAddProject(h, id, mode, opts) })
}

// AddRedirectURI registers uri for project, validated for the project's mode and options
// (as [ValidateRedirectURI] does). A refused URI leaves the builder as it was; the error
// has the redirect code of the rule broken.
func (b *RegistryBuilder) AddRedirectURI(project uint64, uri string) error {
	return b.with(func(h builderHandle) error { return cBuilderAddRedirectURI(h, project, uri) })
}

// AddKey adds a key by its digest to project, with its kind. The key is valid while the
// request time is before expiresAt (to the second); the zero time.Time means it never
// expires. Several keys per project and kind are allowed, so a key can be rolled with an
// overlap. A digest added twice is found by [RegistryBuilder.Build].
func (b *RegistryBuilder) AddKey(digest KeyDigest, project uint64, kind KeyKind, expiresAt time.Time) error {
	expiry := noExpiry
	if !expiresAt.IsZero() {
		expiry = unixSeconds(expiresAt)
	}
	return b.with(func(h builderHandle) error { return cBuilderAddKey(h, &digest, project, kind, expiry) })
}

// Build builds the immutable registry. The builder is consumed whether or not it succeeds:
// later calls return [ErrClosed]. A digest added twice is ErrBuildDuplicateKey.
func (b *RegistryBuilder) Build() (*Registry, error) {
	var reg *Registry
	err := b.with(func(h builderHandle) error {
		// The C call consumes h: forget it first, under the lock, so that nothing (Close,
		// the finalizer, a second Build) can reach it again.
		b.s.h = nil
		runtime.SetFinalizer(b.s, nil)
		r, err := cBuilderBuild(h)
		if err != nil {
			return err
		}
		rs := &registryState{h: r}
		runtime.SetFinalizer(rs, (*registryState).free)
		reg = &Registry{s: rs}
		return nil
	})
	return reg, err
}

// Close releases a builder that was not built. It is idempotent, and does nothing after
// Build; it waits for a call in progress on another goroutine.
func (b *RegistryBuilder) Close() error {
	if b != nil && b.s != nil {
		b.s.free()
	}
	return nil
}

// Registry is the immutable index of key digests and projects a server authenticates
// against. Any number of goroutines may use one at once. To change it (a key issued,
// rolled or revoked), make a new one with [Registry.WithProjects] (only the changed
// projects replaced) or build a new one, swap it in (for example with a [Holder]) and
// Close the old one.
//
// Close waits for the calls in flight and frees the C registry; later calls return
// [ErrClosed]. A finalizer frees a registry that becomes unreachable without Close.
// Memory safety does not depend on the caller: calls hold a read lock for their C call
// and Close the write lock to free, so a Close racing an Authenticate never frees the
// handle under it. Copies of the struct share that state; the zero Registry or a nil
// *Registry is a closed one.
type Registry struct {
	s *registryState
}

// registryState is what every copy of a Registry shares. The finalizer is on it.
type registryState struct {
	// mu guards h: the methods hold it for reading during their C call, free for writing.
	mu sync.RWMutex
	h  registryHandle
}

// free is the finalizer and Close: waits for the calls in flight, then frees the handle.
func (s *registryState) free() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.h != nil {
		cRegistryFree(s.h)
		s.h = nil
		runtime.SetFinalizer(s, nil)
	}
}

// Authenticate authenticates a request from its raw Authorization header value (""
// when the request has none: r.Header.Get("Authorization")) at time now, for an endpoint
// that accepts req. In order: parse the header, parse the key, SHA-256, constant-time
// lookup, expiry, kind.
//
// The error is an *[Error]: a header or key code (401), ErrUnknownKey (401), ErrKeyExpired
// (401) or ErrWrongKind (403); [HTTPStatus] and [Challenge] give the answer. It is
// [ErrClosed] after Close.
//
// A successful call is one cgo call and allocates nothing.
func (r *Registry) Authenticate(header string, now time.Time, req Requirement) (Auth, error) {
	if r == nil || r.s == nil {
		return Auth{}, ErrClosed
	}
	s := r.s
	s.mu.RLock()
	h := s.h
	if h == nil {
		s.mu.RUnlock()
		return Auth{}, ErrClosed
	}
	a, err := cRegistryAuthenticate(h, header, unixSeconds(now), req)
	s.mu.RUnlock()
	return a, err
}

// AuthorizeRedirect checks an OAuth authorize request at time now: clientID must be a live
// publishable key of a project that registered redirectURI, byte for byte. It returns the
// project. On any error the server must not redirect; it answers 400 with the message.
//
// Errors: a key code for a malformed client_id, ErrSecretKeyExposed (a secret key as
// client_id, known or not: it must be rolled), ErrUnknownClient, ErrClientExpired,
// ErrRedirectNotRegistered; [ErrClosed] after Close.
func (r *Registry) AuthorizeRedirect(clientID, redirectURI string, now time.Time) (uint64, error) {
	if r == nil || r.s == nil {
		return 0, ErrClosed
	}
	s := r.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.h == nil {
		return 0, ErrClosed
	}
	return cRegistryAuthorizeRedirect(s.h, clientID, redirectURI, unixSeconds(now))
}

// WithProjects returns a new registry: r with every project changes holds replacing the
// project of the same id (its mode, redirect URIs and all of its keys: a key the project
// had and changes does not is gone), or added, and every project in removed gone with its
// keys; everything else kept. Fill changes as for a build, with only the changed
// projects. r is not changed (calls on it go on); swap the new registry in and Close r, or
// let a [Holder] do it ([Holder.Update]).
//
// It costs one copy of the key index (about 71 bytes a key) plus the changed keys, where
// Build places every key again; the new registry answers exactly as a built one. changes
// is consumed whether or not it succeeds, as by Build.
//
// Errors: ErrBuildDuplicateKey (a key of changes is one of a project kept, or is in
// changes twice); [ErrClosed] when r or changes is closed.
//
//	change := picket.NewRegistryBuilder()
//	change.AddProject(7, picket.Production, 0)
//	change.AddKey(rolled, 7, picket.Secret, time.Time{}) // project 7's keys, all of them
//	next, err := reg.WithProjects(change, nil)
func (r *Registry) WithProjects(changes *RegistryBuilder, removed []uint64) (*Registry, error) {
	if r == nil || r.s == nil {
		changes.Close()
		return nil, ErrClosed
	}
	s := r.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.h == nil {
		changes.Close()
		return nil, ErrClosed
	}
	var next *Registry
	err := changes.with(func(h builderHandle) error {
		// The C call consumes h, as Build's does.
		changes.s.h = nil
		runtime.SetFinalizer(changes.s, nil)
		nh, err := cRegistryUpdate(s.h, h, removed)
		if err != nil {
			return err
		}
		rs := &registryState{h: nh}
		runtime.SetFinalizer(rs, (*registryState).free)
		next = &Registry{s: rs}
		return nil
	})
	return next, err
}

// Close frees the registry once the calls in flight have returned. It is idempotent and
// always returns nil.
func (r *Registry) Close() error {
	if r != nil && r.s != nil {
		r.s.free()
	}
	return nil
}
