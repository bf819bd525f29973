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
type RegistryBuilder struct {
	mu sync.Mutex
	h  builderHandle
}

// NewRegistryBuilder returns an empty builder: no project, Basic authentication only.
func NewRegistryBuilder() *RegistryBuilder {
	b := &RegistryBuilder{h: cBuilderNew()}
	runtime.SetFinalizer(b, (*RegistryBuilder).Close)
	return b
}

// with runs f with the live handle, or returns ErrClosed.
func (b *RegistryBuilder) with(f func(builderHandle) error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.h == nil {
		return ErrClosed
	}
	return f(b.h)
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
		b.h = nil
		runtime.SetFinalizer(b, nil)
		r, err := cBuilderBuild(h)
		if err != nil {
			return err
		}
		reg = &Registry{h: r}
		runtime.SetFinalizer(reg, (*Registry).Close)
		return nil
	})
	return reg, err
}

// Close releases a builder that was not built. It is idempotent, and does nothing after
// Build.
func (b *RegistryBuilder) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.h != nil {
		cBuilderFree(b.h)
		b.h = nil
		runtime.SetFinalizer(b, nil)
	}
	return nil
}

// Registry is the immutable index of key digests and projects a server authenticates
// against. Any number of goroutines may use one at once. To change it (a key issued,
// rolled or revoked), build a new one, swap it in (for example with an
// atomic.Pointer[Registry]) and Close the old one.
//
// Close waits for the calls in flight and frees the C registry; later calls return
// [ErrClosed]. A finalizer frees a registry that becomes unreachable without Close.
type Registry struct {
	// mu guards h: the methods hold it for reading during their C call, Close for writing.
	mu sync.RWMutex
	h  registryHandle
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
	r.mu.RLock()
	h := r.h
	if h == nil {
		r.mu.RUnlock()
		return Auth{}, ErrClosed
	}
	a, err := cRegistryAuthenticate(h, header, unixSeconds(now), req)
	r.mu.RUnlock()
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
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.h == nil {
		return 0, ErrClosed
	}
	return cRegistryAuthorizeRedirect(r.h, clientID, redirectURI, unixSeconds(now))
}

// Close frees the registry once the calls in flight have returned. It is idempotent and
// always returns nil.
func (r *Registry) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.h != nil {
		cRegistryFree(r.h)
		r.h = nil
		runtime.SetFinalizer(r, nil)
	}
	return nil
}
