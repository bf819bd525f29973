// Package picket authenticates API requests and guards the OAuth login flow of a
// Picket-style API server. It is a thin, idiomatic binding over the picket C ABI
// (libpicket, built from the Rust core picket-core): every product rule (the key format,
// the Authorization header grammar, the redirect URI rules, PKCE, redaction) is decided by
// the core; this package converts arguments, calls it and maps the results to Go values
// and errors.
//
// # Building
//
// The module carries the C library for linux/amd64 (a static libpicket.a and its header,
// under packaged/), so a program needs only cgo and a C compiler:
//
//	go get github.com/picket-dev/picket/bindings/go@v0.1.0
//	go build
//
// The binary carries the library and needs nothing at run time. To link a C library
// installed on the machine instead (other platforms, or a system package), install it and
// point pkg-config at it, then build with -tags picket_pkgconfig (its static library) or
// -tags picket_shared (libpicket.so, which must then be on the loader's path at run time).
//
// # Overview
//
//   - Keys: [ParseKey] classifies a key (`pk_` publishable or `sk_` secret, and exactly 32
//     lowercase hex digits). A [Key] never prints a secret key in full (`sk_…9e24`).
//     [GenerateKey] issues one; [Digest] is what a database stores; [Verify] and
//     [VerifyAny] compare in constant time.
//   - Requests: a [Registry], built with a [RegistryBuilder] from the server's projects,
//     redirect URIs and key digests, authenticates the raw Authorization header value
//     ([Registry.Authenticate]) and checks OAuth authorize requests
//     ([Registry.AuthorizeRedirect]). A Registry is immutable and safe for concurrent use;
//     to change it, build a new one and swap it in.
//   - HTTP: [Require] (middleware in the func(http.Handler) http.Handler form that
//     ServeMux wrappers, chi and gorilla/mux take; [Middleware] for one handler) answers
//     401 (with the WWW-Authenticate challenge) or 403 as the core decides, with the API
//     error object [ErrorBody], and puts the [Auth] in the request context ([FromContext]).
//   - Logs: [Redact] masks secret keys in text; [RedactingHandler] wraps a [log/slog]
//     handler so that nothing it logs carries a secret key.
//
// # Errors
//
// Every failure the core reports is an *[Error] with its numeric [Code] and the specific
// message (which never contains a key). Each code has a sentinel value, so
//
//	if errors.Is(err, picket.ErrUnknownKey) { ... }
//
// works, and errors.As gives the *Error for its Code and Message. [HTTPStatus] and
// [Challenge] give the HTTP answer to an authentication error.
//
// # Concurrency
//
// Functions without a receiver may be called from any goroutine. A [Registry] may be used
// by any number of goroutines at once; [Registry.Close] waits for calls in flight. A
// [RegistryBuilder] serialises its own calls.
package picket
