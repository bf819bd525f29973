// Command picket-server is a small Picket-style API server that authenticates its
// requests with picket, through the Go binding.
//
//	cargo build --release -p picket-ffi      # once, from the repository root
//	go run ./cmd/picket-server               # from bindings/go; -addr 127.0.0.1:0 picks a free port
//
// At start it creates "My First Project" (project 1, development mode) with a publishable
// and a secret key, registers http://localhost:3000/ and http://localhost:3000/callback,
// prints the keys and curl lines to try, and serves:
//
//	GET  /v1/ping                 any valid key: the project and the key's kind
//	POST /v1/keys/roll            secret key only: issues a new secret key (shown once) and
//	                              keeps the old one valid for the grace period (-grace)
//	GET  /oauth2/authorize        ?client_id=<publishable key>&redirect_uri=<registered uri>[&state=...]:
//	                              302 to redirect_uri with a code, or 400 with the reason
//
// A missing or malformed key gets 401 with `WWW-Authenticate: Basic realm="picket"`, a
// publishable key on a secret endpoint 403; every error body is JSON
// {"error": name, "message": reason} and never echoes a secret. The server keeps only key
// digests. Logs go to stderr through picket.RedactingHandler. SIGINT or SIGTERM shuts it
// down cleanly.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"picket.invalid/picket"
)

const (
	projectID   = 1
	projectName = "My First Project"
	projectMode = picket.Development
)

// redirectURIs are the project's registered redirect URIs.
var redirectURIs = []string{"http://localhost:3000/", "http://localhost:3000/callback"}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	grace := flag.Duration("grace", 24*time.Hour, "how long a rolled secret key stays valid")
	flag.Parse()
	if err := run(*addr, *grace, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "picket-server:", err)
		os.Exit(1)
	}
}

// keyRecord is one key as the server's database keeps it: its digest, never the key.
type keyRecord struct {
	digest picket.KeyDigest
	kind   picket.KeyKind
	// expiresAt is the end of a rolled key's grace period; zero for a current key.
	expiresAt time.Time
}

// server holds the key records and the registry built from them.
type server struct {
	log   *slog.Logger
	grace time.Duration

	// mu serialises changes to keys (and the rebuild that follows).
	mu   sync.Mutex
	keys []keyRecord
	// registry is the current registry. Requests load it without locking; a key change
	// builds a new one, swaps it in, and closes the old one (Close waits for the calls in
	// flight on it).
	registry atomic.Pointer[picket.Registry]
}

// rebuild builds a registry from s.keys, dropping the keys whose grace period is over,
// and swaps it in. The caller holds s.mu.
func (s *server) rebuild(now time.Time) error {
	b := picket.NewRegistryBuilder()
	defer b.Close()
	if err := b.AddProject(projectID, projectMode, 0); err != nil {
		return err
	}
	for _, uri := range redirectURIs {
		if err := b.AddRedirectURI(projectID, uri); err != nil {
			return err
		}
	}
	live := s.keys[:0]
	for _, k := range s.keys {
		if !k.expiresAt.IsZero() && !now.Before(k.expiresAt) {
			continue
		}
		if err := b.AddKey(k.digest, projectID, k.kind, k.expiresAt); err != nil {
			return err
		}
		live = append(live, k)
	}
	s.keys = live
	reg, err := b.Build()
	if err != nil {
		return err
	}
	if old := s.registry.Swap(reg); old != nil {
		old.Close()
	}
	return nil
}

// issue generates a key of kind, records its digest and returns it. The caller holds s.mu
// and rebuilds.
func (s *server) issue(kind picket.KeyKind) (picket.Key, error) {
	key, err := picket.GenerateKey(kind)
	if err != nil {
		return picket.Key{}, err
	}
	d, err := key.Digest()
	if err != nil {
		return picket.Key{}, err
	}
	s.keys = append(s.keys, keyRecord{digest: d, kind: kind})
	return key, nil
}

// Authenticate authenticates against the current registry. A registry swapped out and
// closed between the load and the call answers ErrClosed: the call is then made again on
// the new one.
func (s *server) Authenticate(header string, now time.Time, req picket.Requirement) (picket.Auth, error) {
	for {
		a, err := s.registry.Load().Authenticate(header, now, req)
		if !errors.Is(err, picket.ErrClosed) {
			return a, err
		}
	}
}

func (s *server) authorizeRedirect(clientID, redirectURI string, now time.Time) (uint64, error) {
	for {
		p, err := s.registry.Load().AuthorizeRedirect(clientID, redirectURI, now)
		if !errors.Is(err, picket.ErrClosed) {
			return p, err
		}
	}
}

// pingResponse is the body of GET /v1/ping.
type pingResponse struct {
	Project     uint64 `json:"project"`
	ProjectName string `json:"project_name"`
	KeyKind     string `json:"key_kind"`
}

// rollResponse is the body of POST /v1/keys/roll.
type rollResponse struct {
	Project              uint64 `json:"project"`
	KeyKind              string `json:"key_kind"`
	SecretKey            string `json:"secret_key"`
	PreviousKeysExpireAt string `json:"previous_keys_expire_at"`
	GracePeriodSeconds   int64  `json:"grace_period_seconds"`
}

func (s *server) ping(w http.ResponseWriter, r *http.Request) {
	a, _ := picket.FromContext(r.Context())
	picket.WriteJSON(w, http.StatusOK, pingResponse{Project: a.Project, ProjectName: projectName, KeyKind: a.Kind.String()})
}

// roll issues a new secret key. The project's current secret keys get an expiry at the
// end of the grace period (keys already rolled keep theirs); the new key is returned once.
func (s *server) roll(w http.ResponseWriter, r *http.Request) {
	a, _ := picket.FromContext(r.Context())
	now := time.Now()
	expiresAt := now.Add(s.grace)
	s.mu.Lock()
	defer s.mu.Unlock()
	rolled := 0
	for i := range s.keys {
		if s.keys[i].kind == picket.Secret && s.keys[i].expiresAt.IsZero() {
			s.keys[i].expiresAt = expiresAt
			rolled++
		}
	}
	key, err := s.issue(picket.Secret)
	if err == nil {
		err = s.rebuild(now)
	}
	if err != nil {
		s.log.Error("key roll failed", "error", err)
		picket.WriteJSON(w, http.StatusInternalServerError, picket.ErrorBody{Error: "internal_error", Message: "the key could not be rolled"})
		return
	}
	s.log.Info("secret key rolled", "project", a.Project, "new_key", key, "previous_keys", rolled, "grace", s.grace)
	picket.WriteJSON(w, http.StatusOK, rollResponse{
		Project:              a.Project,
		KeyKind:              picket.Secret.String(),
		SecretKey:            key.Expose(),
		PreviousKeysExpireAt: expiresAt.UTC().Format(time.RFC3339),
		GracePeriodSeconds:   int64(s.grace / time.Second),
	})
}

// authorize is the OAuth authorize endpoint: client_id must be a live publishable key of a
// project that registered redirect_uri exactly.
func (s *server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	clientID, redirectURI, state := q.Get("client_id"), q.Get("redirect_uri"), q.Get("state")
	project, err := s.authorizeRedirect(clientID, redirectURI, time.Now())
	if err != nil {
		var e *picket.Error
		if !errors.As(err, &e) {
			s.log.Error("authorize failed", "error", err)
			picket.WriteJSON(w, http.StatusInternalServerError, picket.ErrorBody{Error: "internal_error", Message: "internal server error"})
			return
		}
		if errors.Is(err, picket.ErrSecretKeyExposed) {
			// The handler redacts the key: the log says which key to roll, not the key.
			s.log.Warn("a secret key was sent as client_id: roll it now", "client_id", clientID)
		}
		picket.WriteJSON(w, http.StatusBadRequest, picket.ErrorBody{Error: e.Code.String(), Message: e.Detail()})
		return
	}
	code, err := randomCode()
	if err != nil {
		s.log.Error("no random code", "error", err)
		picket.WriteJSON(w, http.StatusInternalServerError, picket.ErrorBody{Error: "internal_error", Message: "internal server error"})
		return
	}
	// The redirect URI matched byte for byte: append to it, never re-serialise it.
	sep := "?"
	if strings.Contains(redirectURI, "?") {
		sep = "&"
	}
	location := redirectURI + sep + "code=" + code
	if state != "" {
		location += "&state=" + url.QueryEscape(state)
	}
	s.log.Info("authorize", "project", project)
	w.Header().Set("Location", location)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
}

func randomCode() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// method answers 405 unless the request uses want.
func method(want string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != want {
			w.Header().Set("Allow", want)
			picket.WriteJSON(w, http.StatusMethodNotAllowed, picket.ErrorBody{Error: "method_not_allowed", Message: "use " + want})
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/v1/ping", method(http.MethodGet, picket.Middleware(s, picket.RequireAny, http.HandlerFunc(s.ping))))
	mux.Handle("/v1/keys/roll", method(http.MethodPost, picket.Middleware(s, picket.RequireSecret, http.HandlerFunc(s.roll))))
	mux.Handle("/oauth2/authorize", method(http.MethodGet, http.HandlerFunc(s.authorize)))
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		picket.WriteJSON(w, http.StatusNotFound, picket.ErrorBody{Error: "not_found", Message: "no such endpoint"})
	}))
	return s.logRequests(mux)
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

// WriteHeader records status and passes it on.
func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// logRequests logs each request. The Authorization header and the query string are logged
// as received: the redacting handler masks any secret key in them.
func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "query", r.URL.RawQuery,
			"authorization", r.Header.Get("Authorization"), "status", rec.status,
			"duration", time.Since(start))
	})
}

// run starts the server on addr, prints the keys and curl lines to stdout, logs to
// logOut, and returns after SIGINT or SIGTERM once the server has shut down.
func run(addr string, grace time.Duration, stdout, logOut io.Writer) error {
	if grace <= 0 {
		return fmt.Errorf("-grace must be positive, got %v", grace)
	}
	s := &server{
		log:   slog.New(picket.RedactingHandler(slog.NewTextHandler(logOut, nil))),
		grace: grace,
	}
	s.mu.Lock()
	pk, err := s.issue(picket.Publishable)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	sk, err := s.issue(picket.Secret)
	if err == nil {
		err = s.rebuild(time.Now())
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	printBanner(stdout, ln.Addr().String(), pk, sk)
	s.log.Info("listening", "addr", ln.Addr().String(), "project", projectID, "publishable_key", pk, "secret_key", sk)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	if reg := s.registry.Swap(nil); reg != nil {
		reg.Close()
	}
	s.log.Info("stopped")
	return err
}

// printBanner prints the address, the keys and ready-to-paste curl lines. This is the one
// place the server shows a secret key: to its owner, on the terminal, not in the logs.
func printBanner(out io.Writer, addr string, pk, sk picket.Key) {
	base := "http://" + addr
	p, s := pk.Expose(), sk.Expose()
	fmt.Fprintf(out, "picket-server listening on %s\n", base)
	fmt.Fprintf(out, "project %d %q (%v), redirect URIs: %s\n", projectID, projectName, projectMode, strings.Join(redirectURIs, " "))
	fmt.Fprintf(out, "publishable key: %s\n", p)
	fmt.Fprintf(out, "secret key: %s\n", s)
	fmt.Fprintf(out, "(the server keeps only their digests: copy the secret key now)\n\n")
	fmt.Fprintf(out, "Try:\n")
	lines := [][2]string{
		{"curl -i -u " + p + ": " + base + "/v1/ping", "200, key_kind publishable"},
		{"curl -i -u " + s + ": " + base + "/v1/ping", "200, key_kind secret"},
		{"curl -i " + base + "/v1/ping", "401 with WWW-Authenticate"},
		{"curl -i -u sk_not_a_key: " + base + "/v1/ping", "401: malformed key"},
		{"curl -i -X POST -u " + p + ": " + base + "/v1/keys/roll", "403: needs the secret key"},
		{"curl -i -X POST -u " + s + ": " + base + "/v1/keys/roll", "200: a new secret key; the old one stays valid for the grace period"},
		{"curl -i '" + base + "/oauth2/authorize?client_id=" + p + "&redirect_uri=http://localhost:3000/callback&state=xyz'", "302 to the callback"},
		{"curl -i '" + base + "/oauth2/authorize?client_id=" + p + "&redirect_uri=http://localhost:3000/other'", "400: not registered"},
		{"curl -i '" + base + "/oauth2/authorize?client_id=" + s + "&redirect_uri=http://localhost:3000/callback'", "400: a secret key is exposed"},
	}
	for _, l := range lines {
		fmt.Fprintf(out, "  %s\n      # %s\n", l[0], l[1])
	}
	fmt.Fprintln(out)
}
