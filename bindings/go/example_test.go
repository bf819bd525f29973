package picket_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
)

// The examples' keys: documentation keys, in no store.
const (
	examplePK = "pk_d9960d04426c1e9f3941bec7e39c8854"
	exampleSK = "sk_e1f767d29fa6e533f2e5c62342fb9e24"
)

// basicAuth is what `curl -u KEY:` and Go's req.SetBasicAuth(key, "") send.
func basicAuth(key string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(key+":"))
}

// exampleRegistry is project 1 (development) with examplePK, exampleSK and one redirect
// URI, as a server builds it from its store.
func exampleRegistry() *picket.Registry {
	b := picket.NewRegistryBuilder()
	defer b.Close()
	must(b.AddProject(1, picket.Development, 0))
	must(b.AddRedirectURI(1, "http://localhost:3000/callback"))
	for key, kind := range map[string]picket.KeyKind{examplePK: picket.Publishable, exampleSK: picket.Secret} {
		d, err := picket.Digest(key)
		must(err)
		must(b.AddKey(d, 1, kind, time.Time{}))
	}
	reg, err := b.Build()
	must(err)
	return reg
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// get sends GET url with an Authorization header (none when empty) and prints the status
// and body.
func get(url, authorization string) {
	req, _ := http.NewRequest("GET", url, nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	must(err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Print(resp.StatusCode, " ", string(body))
}

// Require in front of a net/http ServeMux: each route with the key it needs.
func ExampleRequire() {
	reg := exampleRegistry()
	defer reg.Close()
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		project, _ := picket.ProjectFromContext(r.Context())
		kind, _ := picket.KeyKindFromContext(r.Context())
		fmt.Fprintf(w, "project %d, %s key\n", project, kind)
	})
	mux := http.NewServeMux()
	mux.Handle("GET /admin", picket.Require(reg, picket.RequireSecret)(hello))
	mux.Handle("GET /widget", picket.Require(reg, picket.RequirePublishable)(hello))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	get(srv.URL+"/admin", basicAuth(exampleSK))
	get(srv.URL+"/widget", basicAuth(examplePK))
	get(srv.URL+"/admin", basicAuth(examplePK))
	get(srv.URL+"/admin", "")
	// Output:
	// 200 project 1, secret key
	// 200 project 1, publishable key
	// 403 {"error":"auth_wrong_kind","code":502,"message":"this endpoint requires a secret key, but a publishable key was sent"}
	// 401 {"error":"header_missing","code":300,"message":"missing api key: send it as the username of HTTP Basic auth"}
}

// Middleware is Require applied to one handler.
func ExampleMiddleware() {
	reg := exampleRegistry()
	defer reg.Close()
	h := picket.Middleware(reg, picket.RequireAny, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, _ := picket.FromContext(r.Context())
		fmt.Fprintln(w, a.Project, a.Kind)
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	get(srv.URL, basicAuth(examplePK))
	// Output: 200 1 publishable
}

func ExampleNewContext() {
	ctx := picket.NewContext(context.Background(), picket.Auth{Project: 7, Kind: picket.Secret})
	a, ok := picket.FromContext(ctx)
	fmt.Println(a.Project, a.Kind, ok)
	// Output: 7 secret true
}

func ExampleFromContext() {
	_, ok := picket.FromContext(context.Background())
	fmt.Println(ok) // no Require in front: nothing authenticated
	// Output: false
}

func ExampleProjectFromContext() {
	ctx := picket.NewContext(context.Background(), picket.Auth{Project: 42, Kind: picket.Publishable})
	fmt.Println(picket.ProjectFromContext(ctx))
	// Output: 42 true
}

func ExampleKeyKindFromContext() {
	ctx := picket.NewContext(context.Background(), picket.Auth{Project: 42, Kind: picket.Publishable})
	fmt.Println(picket.KeyKindFromContext(ctx))
	// Output: publishable true
}

// WriteError answers a failed authentication the way Require does, for handlers that
// authenticate themselves.
func ExampleWriteError() {
	reg := exampleRegistry()
	defer reg.Close()
	w := httptest.NewRecorder()
	_, err := reg.Authenticate("Bearer "+exampleSK, time.Now(), picket.RequireAny)
	picket.WriteError(w, err)
	fmt.Print(w.Code, " ", w.Header().Get("WWW-Authenticate"), " ", w.Body.String())
	// Output: 401 Basic realm="picket" {"error":"header_bearer_not_enabled","code":305,"message":"bearer authorization is not accepted: use Basic with the api key as the username"}
}

func ExampleWriteJSON() {
	w := httptest.NewRecorder()
	picket.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	fmt.Print(w.Code, " ", w.Header().Get("Cache-Control"), " ", w.Body.String())
	// Output: 200 no-store {"status":"ok"}
}

func ExampleHTTPStatus() {
	reg := exampleRegistry()
	defer reg.Close()
	_, wrongKind := reg.Authenticate(basicAuth(examplePK), time.Now(), picket.RequireSecret)
	_, unknown := reg.Authenticate(basicAuth("sk_00000000000000000000000000000000"), time.Now(), picket.RequireAny)
	fmt.Println(picket.HTTPStatus(nil), picket.HTTPStatus(wrongKind), picket.HTTPStatus(unknown), picket.HTTPStatus(picket.ErrClosed))
	// Output: 200 403 401 500
}

func ExampleChallenge() {
	fmt.Printf("%q %q\n", picket.Challenge(picket.ErrUnknownKey), picket.Challenge(picket.ErrWrongKind))
	// Output: "Basic realm=\"picket\"" ""
}

func ExampleGenerateKey() {
	key, err := picket.GenerateKey(picket.Secret)
	must(err)
	fmt.Println(len(key.Expose()), strings.HasPrefix(key.Expose(), "sk_"), key.Kind)
	// Output: 35 true secret
}

func ExampleFormatKey() {
	key, err := picket.FormatKey(picket.Publishable, [picket.RandomLen]byte{0xd9, 0x96, 0x0d, 0x04, 0x42, 0x6c, 0x1e, 0x9f, 0x39, 0x41, 0xbe, 0xc7, 0xe3, 0x9c, 0x88, 0x54})
	must(err)
	fmt.Println(key.Expose())
	// Output: pk_d9960d04426c1e9f3941bec7e39c8854
}

func ExampleParseKey() {
	key, err := picket.ParseKey(exampleSK)
	fmt.Println(key, key.Kind, err)
	_, err = picket.ParseKey("sk_E1F767D29FA6E533F2E5C62342FB9E24")
	fmt.Println(errors.Is(err, picket.ErrKeyUppercase))
	// Output:
	// sk_…9e24 secret <nil>
	// true
}

func ExampleParseAuthorization() {
	key, err := picket.ParseAuthorization(basicAuth(exampleSK), 0)
	fmt.Println(key, err)
	key, err = picket.ParseAuthorization("Bearer "+exampleSK, picket.AcceptBearer)
	fmt.Println(key, err)
	// Output:
	// sk_…9e24 <nil>
	// sk_…9e24 <nil>
}

func ExampleKey_Expose() {
	key, _ := picket.ParseKey(examplePK)
	fmt.Println(key.Expose()) // the whole key: only for the one answer that shows it
	// Output: pk_d9960d04426c1e9f3941bec7e39c8854
}

func ExampleKey_Redacted() {
	key, _ := picket.ParseKey(exampleSK)
	fmt.Println(key.Redacted())
	// Output: sk_…9e24
}

// A Key prints redacted whatever the verb, in logs too.
func ExampleKey_String() {
	key, _ := picket.ParseKey(exampleSK)
	fmt.Printf("%v %s %+v %#v\n", key, key, key, key)
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: dropTime}))
	logger.Info("issued", "key", key)
	// Output:
	// sk_…9e24 sk_…9e24 sk_…9e24 sk_…9e24
	// level=INFO msg=issued key=sk_…9e24
}

func dropTime(_ []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

func ExampleKey_Digest() {
	key, _ := picket.ParseKey(exampleSK)
	d, err := key.Digest()
	fmt.Println(len(d), err)
	// Output: 32 <nil>
}

func ExampleDigest() {
	d, err := picket.Digest(exampleSK)
	must(err)
	fmt.Println(picket.Verify(exampleSK, d))
	// Output: <nil>
}

func ExampleDigestHex() {
	hex, err := picket.DigestHex(exampleSK)
	fmt.Println(len(hex), err) // the form to store in a text column
	// Output: 64 <nil>
}

func ExampleDigestFromHex() {
	hex, _ := picket.DigestHex(exampleSK)
	d, err := picket.DigestFromHex(hex)
	must(err)
	fmt.Println(d.String() == hex, picket.Verify(exampleSK, d))
	// Output: true <nil>
}

func ExampleVerify() {
	d, _ := picket.Digest(exampleSK)
	fmt.Println(picket.Verify(exampleSK, d))
	fmt.Println(errors.Is(picket.Verify("sk_00000000000000000000000000000000", d), picket.ErrKeyMismatch))
	// Output:
	// <nil>
	// true
}

// Key rolling: the old and the new digest are both valid during the grace period.
func ExampleVerifyAny() {
	old, _ := picket.Digest(exampleSK)
	next, _ := picket.Digest("sk_00000000000000000000000000000001")
	fmt.Println(picket.VerifyAny(exampleSK, []picket.KeyDigest{old, next}))
	// Output: 0 <nil>
}

// RFC 7636 appendix B's verifier and challenge.
func ExampleVerifyPKCE() {
	fmt.Println(picket.VerifyPKCE("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "S256"))
	err := picket.VerifyPKCE("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "plain")
	fmt.Println(errors.Is(err, picket.ErrPKCEPlainRefused))
	// Output:
	// <nil>
	// true
}

func ExampleValidateRedirectURI() {
	fmt.Println(picket.ValidateRedirectURI("https://app.example/callback", picket.Production, 0))
	err := picket.ValidateRedirectURI("http://localhost:3000/callback", picket.Production, 0)
	fmt.Println(errors.Is(err, picket.ErrRedirectInsecureScheme) || errors.Is(err, picket.ErrRedirectLoopbackInProduction))
	// Output:
	// <nil>
	// true
}

// Matching is exact: a trailing slash is another URI.
func ExampleMatchRedirectURI() {
	registered := []string{"https://app.example/callback"}
	fmt.Println(picket.MatchRedirectURI(registered, "https://app.example/callback", picket.Production, 0))
	fmt.Println(picket.MatchRedirectURI(registered, "https://app.example/callback/", picket.Production, 0))
	// Output:
	// true <nil>
	// false <nil>
}

func ExampleRedact() {
	fmt.Println(picket.Redact("Authorization: " + basicAuth(exampleSK)))
	fmt.Println(picket.Redact("key=" + exampleSK + " client_id=" + examplePK))
	// Output:
	// Authorization: Basic [REDACTED sk_…9e24]
	// key=sk_…9e24 client_id=pk_d9960d04426c1e9f3941bec7e39c8854
}

func ExampleRedactingHandler() {
	h := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: dropTime})
	logger := slog.New(picket.RedactingHandler(h))
	logger.Info("request", "authorization", basicAuth(exampleSK))
	// Output: level=INFO msg=request authorization="Basic [REDACTED sk_…9e24]"
}

func ExampleNewRegistryBuilder() {
	b := picket.NewRegistryBuilder()
	defer b.Close() // after Build, a no-op
	must(b.AddProject(1, picket.Production, 0))
	must(b.AddRedirectURI(1, "https://app.example/callback"))
	d, _ := picket.Digest(exampleSK)
	must(b.AddKey(d, 1, picket.Secret, time.Time{}))
	reg, err := b.Build()
	must(err)
	defer reg.Close()
	fmt.Println(reg.Authenticate(basicAuth(exampleSK), time.Now(), picket.RequireSecret))
	// Output: {1 secret} <nil>
}

func ExampleRegistryBuilder_AddProject() {
	b := picket.NewRegistryBuilder()
	defer b.Close()
	must(b.AddProject(1, picket.Development, picket.LoopbackAnyPort))
	fmt.Println(errors.Is(b.AddProject(1, picket.Development, 0), picket.ErrBuildDuplicateProject))
	// Output: true
}

// A production project refuses loopback redirect URIs.
func ExampleRegistryBuilder_AddRedirectURI() {
	b := picket.NewRegistryBuilder()
	defer b.Close()
	must(b.AddProject(1, picket.Production, 0))
	fmt.Println(b.AddRedirectURI(1, "https://app.example/callback"))
	fmt.Println(b.AddRedirectURI(1, "http://localhost:3000/callback") != nil)
	// Output:
	// <nil>
	// true
}

// An expiring key: valid until expiresAt (the zero time: no expiry).
func ExampleRegistryBuilder_AddKey() {
	b := picket.NewRegistryBuilder()
	defer b.Close()
	must(b.AddProject(1, picket.Development, 0))
	d, _ := picket.Digest(exampleSK)
	expires := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	must(b.AddKey(d, 1, picket.Secret, expires))
	reg, err := b.Build()
	must(err)
	defer reg.Close()
	_, err = reg.Authenticate(basicAuth(exampleSK), expires, picket.RequireAny)
	fmt.Println(errors.Is(err, picket.ErrKeyExpired))
	// Output: true
}

func ExampleRegistryBuilder_SetOptions() {
	b := picket.NewRegistryBuilder()
	defer b.Close()
	must(b.SetOptions(picket.AcceptBearer))
	must(b.AddProject(1, picket.Development, 0))
	d, _ := picket.Digest(exampleSK)
	must(b.AddKey(d, 1, picket.Secret, time.Time{}))
	reg, err := b.Build()
	must(err)
	defer reg.Close()
	fmt.Println(reg.Authenticate("Bearer "+exampleSK, time.Now(), picket.RequireAny))
	// Output: {1 secret} <nil>
}

func ExampleRegistryBuilder_Build() {
	b := picket.NewRegistryBuilder()
	must(b.AddProject(1, picket.Development, 0))
	reg, err := b.Build()
	must(err)
	defer reg.Close()
	fmt.Println(errors.Is(b.AddProject(2, picket.Development, 0), picket.ErrClosed)) // built: done
	// Output: true
}

func ExampleRegistryBuilder_Close() {
	b := picket.NewRegistryBuilder()
	fmt.Println(b.Close(), b.Close()) // closing twice is fine
	// Output: <nil> <nil>
}

func ExampleRegistry_Authenticate() {
	reg := exampleRegistry()
	defer reg.Close()
	fmt.Println(reg.Authenticate(basicAuth(exampleSK), time.Now(), picket.RequireSecret))
	_, err := reg.Authenticate(basicAuth(examplePK), time.Now(), picket.RequireSecret)
	fmt.Println(errors.Is(err, picket.ErrWrongKind), err)
	// Output:
	// {1 secret} <nil>
	// true picket: this endpoint requires a secret key, but a publishable key was sent
}

// The authorize step's check: a live publishable key and a redirect URI registered
// exactly for its project.
func ExampleRegistry_AuthorizeRedirect() {
	reg := exampleRegistry()
	defer reg.Close()
	fmt.Println(reg.AuthorizeRedirect(examplePK, "http://localhost:3000/callback", time.Now()))
	_, err := reg.AuthorizeRedirect(examplePK, "http://localhost:3000/callback/", time.Now())
	fmt.Println(errors.Is(err, picket.ErrRedirectNotRegistered))
	_, err = reg.AuthorizeRedirect(exampleSK, "http://localhost:3000/callback", time.Now())
	fmt.Println(errors.Is(err, picket.ErrSecretKeyExposed))
	// Output:
	// 1 <nil>
	// true
	// true
}

func ExampleRegistry_Close() {
	reg := exampleRegistry()
	fmt.Println(reg.Close())
	_, err := reg.Authenticate(basicAuth(exampleSK), time.Now(), picket.RequireAny)
	fmt.Println(errors.Is(err, picket.ErrClosed))
	// Output:
	// <nil>
	// true
}

// A Holder swaps in a fresh registry after a change to the store, without a restart.
func ExampleHolder_Reload() {
	keys := []string{exampleSK}
	holder, err := picket.NewHolder(func() (*picket.Registry, error) {
		b := picket.NewRegistryBuilder()
		defer b.Close()
		if err := b.AddProject(1, picket.Development, 0); err != nil {
			return nil, err
		}
		for _, k := range keys {
			d, _ := picket.Digest(k)
			if err := b.AddKey(d, 1, picket.Secret, time.Time{}); err != nil {
				return nil, err
			}
		}
		return b.Build()
	})
	must(err)
	defer holder.Close()
	next := "sk_00000000000000000000000000000001"
	_, err = holder.Authenticate(basicAuth(next), time.Now(), picket.RequireAny)
	fmt.Println(errors.Is(err, picket.ErrUnknownKey))
	keys = append(keys, next) // the store gained a key
	must(holder.Reload())
	fmt.Println(holder.Authenticate(basicAuth(next), time.Now(), picket.RequireAny))
	// Output:
	// true
	// {1 secret} <nil>
}

func ExampleRegistry_WithProjects() {
	reg := exampleRegistry() // project 1: examplePK and exampleSK
	defer reg.Close()
	// Project 1's secret key is rolled: its state now is one publishable and one new secret key.
	rolled := "sk_00000000000000000000000000000002"
	change := picket.NewRegistryBuilder()
	must(change.AddProject(1, picket.Development, 0))
	for key, kind := range map[string]picket.KeyKind{examplePK: picket.Publishable, rolled: picket.Secret} {
		d, _ := picket.Digest(key)
		must(change.AddKey(d, 1, kind, time.Time{}))
	}
	next, err := reg.WithProjects(change, nil)
	must(err)
	defer next.Close()
	fmt.Println(next.Authenticate(basicAuth(rolled), time.Now(), picket.RequireSecret))
	_, err = next.Authenticate(basicAuth(exampleSK), time.Now(), picket.RequireSecret)
	fmt.Println(errors.Is(err, picket.ErrUnknownKey))
	// Output:
	// {1 secret} <nil>
	// true
}

func ExampleHolder_Update() {
	holder, err := picket.NewHolder(func() (*picket.Registry, error) { return exampleRegistry(), nil })
	must(err)
	defer holder.Close()
	// Project 2 is created with a key: only it is placed, the rest of the registry copied.
	key := "pk_00000000000000000000000000000003"
	must(holder.Update(func(cur *picket.Registry) (*picket.Registry, error) {
		change := picket.NewRegistryBuilder()
		if err := change.AddProject(2, picket.Development, 0); err != nil {
			return nil, err
		}
		d, _ := picket.Digest(key)
		if err := change.AddKey(d, 2, picket.Publishable, time.Time{}); err != nil {
			return nil, err
		}
		return cur.WithProjects(change, nil)
	}))
	fmt.Println(holder.Authenticate(basicAuth(key), time.Now(), picket.RequireAny))
	fmt.Println(holder.Authenticate(basicAuth(exampleSK), time.Now(), picket.RequireAny))
	// Output:
	// {2 publishable} <nil>
	// {1 secret} <nil>
}

func ExampleHolder_AuthorizeRedirect() {
	holder, err := picket.NewHolder(func() (*picket.Registry, error) { return exampleRegistry(), nil })
	must(err)
	defer holder.Close()
	fmt.Println(holder.AuthorizeRedirect(examplePK, "http://localhost:3000/callback", time.Now()))
	// Output: 1 <nil>
}

func ExampleHolder_Close() {
	holder, err := picket.NewHolder(func() (*picket.Registry, error) { return exampleRegistry(), nil })
	must(err)
	fmt.Println(holder.Close())
	_, err = holder.Authenticate(basicAuth(exampleSK), time.Now(), picket.RequireAny)
	fmt.Println(errors.Is(err, picket.ErrClosed))
	// Output:
	// <nil>
	// true
}

func ExampleCode_String() {
	fmt.Println(picket.CodeAuthUnknownKey, uint32(picket.CodeAuthUnknownKey))
	// Output: auth_unknown_key 500
}

func ExampleCode_Text() {
	fmt.Println(picket.CodeAuthUnknownKey.Text())
	// Output: unknown api key
}

// errors.Is compares codes: a sentinel matches every *Error with its code.
func ExampleError_Is() {
	_, err := picket.ParseKey("sk_e1f767d29fa6e533f2e5c62342fb9e24\n")
	var e *picket.Error
	fmt.Println(errors.Is(err, picket.ErrKeySurroundingWhitespace), errors.As(err, &e), e.Code)
	// Output: true true key_surrounding_whitespace
}

func ExampleError_Detail() {
	_, err := picket.ParseKey("pk_nothex")
	var e *picket.Error
	errors.As(err, &e)
	fmt.Println(e.Detail()) // what a server may show the client (Error() adds "picket: ")
	// Output: api key must have 32 hex digits after the prefix, found 6 characters
}

func ExampleError_HTTPStatus() {
	fmt.Println(picket.ErrWrongKind.HTTPStatus(), picket.ErrUnknownKey.HTTPStatus())
	// Output: 403 401
}

func ExampleError_Challenge() {
	fmt.Printf("%q\n", picket.ErrKeyExpired.Challenge())
	// Output: "Basic realm=\"picket\""
}

func ExampleKeyDigest_String() {
	d, _ := picket.Digest(exampleSK)
	hex, _ := picket.DigestHex(exampleSK)
	fmt.Println(d.String() == hex)
	// Output: true
}

func ExampleKeyKind_String() {
	fmt.Println(picket.Publishable, picket.Secret)
	// Output: publishable secret
}

func ExampleMode_String() {
	fmt.Println(picket.Development, picket.Production)
	// Output: development production
}

func ExampleRequirement_String() {
	fmt.Println(picket.RequirePublishable, picket.RequireSecret, picket.RequireAny)
	// Output: publishable secret any
}

func ExampleNewHolder() {
	holder, err := picket.NewHolder(func() (*picket.Registry, error) { return exampleRegistry(), nil })
	must(err)
	defer holder.Close()
	fmt.Println(holder.Authenticate(basicAuth(examplePK), time.Now(), picket.RequireAny))
	// Output: {1 publishable} <nil>
}

// A Holder is an Authenticator: Require takes it as it takes a Registry.
func ExampleHolder_Authenticate() {
	holder, err := picket.NewHolder(func() (*picket.Registry, error) { return exampleRegistry(), nil })
	must(err)
	defer holder.Close()
	srv := httptest.NewServer(picket.Require(holder, picket.RequireSecret)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, _ := picket.FromContext(r.Context())
		fmt.Fprintln(w, a.Project, a.Kind)
	})))
	defer srv.Close()
	get(srv.URL, basicAuth(exampleSK))
	// Output: 200 1 secret
}

func ExampleLibraryVersion() {
	v := picket.LibraryVersion()
	fmt.Println(v != "", strings.Count(v, ".")) // major.minor.patch
	// Output: true 2
}
