// The registry: building it, authenticating against it, concurrently, and its redirect
// guard; every builder error.

package picket

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// fixture is a registry with one project and a few keys, for the tests below.
type fixture struct {
	reg              *Registry
	pk, sk, old, exp Key
	expiry           time.Time
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{expiry: time.Unix(2_000_000_000, 0)}
	var err error
	mk := func(kind KeyKind) Key {
		k, err := GenerateKey(kind)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	f.pk, f.sk, f.old, f.exp = mk(Publishable), mk(Secret), mk(Secret), mk(Publishable)
	b := NewRegistryBuilder()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(b.AddProject(1, Development, 0))
	must(b.AddProject(2, Production, 0))
	must(b.AddRedirectURI(1, "http://localhost:3000/"))
	must(b.AddRedirectURI(1, "http://localhost:3000/callback"))
	must(b.AddRedirectURI(2, "https://app.example.com/cb"))
	for _, k := range []struct {
		key     Key
		project uint64
		expiry  time.Time
	}{{f.pk, 1, time.Time{}}, {f.sk, 1, time.Time{}}, {f.old, 1, f.expiry}, {f.exp, 2, f.expiry}} {
		d, err := k.key.Digest()
		must(err)
		must(b.AddKey(d, k.project, k.key.Kind, k.expiry))
	}
	f.reg, err = b.Build()
	must(err)
	t.Cleanup(func() { f.reg.Close() })
	return f
}

func TestRegistryAuthenticate(t *testing.T) {
	f := newFixture(t)
	now := time.Unix(1_700_000_000, 0)
	ok := []struct {
		header string
		req    Requirement
		want   Auth
	}{
		{basic(f.pk.Expose()), RequireAny, Auth{1, Publishable}},
		{jsSDK(f.pk.Expose()), RequirePublishable, Auth{1, Publishable}},
		{basic(f.sk.Expose()), RequireSecret, Auth{1, Secret}},
		{jsSDK(f.sk.Expose()), RequireAny, Auth{1, Secret}},
		{basic(f.old.Expose()), RequireSecret, Auth{1, Secret}},
		{basic(f.exp.Expose()), RequireAny, Auth{2, Publishable}},
	}
	for _, c := range ok {
		got, err := f.reg.Authenticate(c.header, now, c.req)
		if err != nil || got != c.want {
			t.Errorf("Authenticate(%q, %v) = %v, %v; want %v", c.header, c.req, got, err, c.want)
		}
	}
	unknown, _ := GenerateKey(Secret)
	fail := []struct {
		header string
		now    time.Time
		req    Requirement
		code   Code
		status int
	}{
		{"", now, RequireAny, CodeHeaderMissing, 401},
		{basic(unknown.Expose()), now, RequireAny, CodeAuthUnknownKey, 401},
		{basic(f.old.Expose()), f.expiry, RequireSecret, CodeAuthExpired, 401},
		{basic(f.old.Expose()), f.expiry.Add(-time.Second), RequireSecret, CodeOK, 200},
		{basic(f.pk.Expose()), now, RequireSecret, CodeAuthWrongKind, 403},
		{basic(f.sk.Expose()), now, RequirePublishable, CodeAuthWrongKind, 403},
		{"Bearer " + f.sk.Expose(), now, RequireAny, CodeHeaderBearerNotEnabled, 401},
		{basic(f.sk.Expose() + "\n"), now, RequireAny, CodeKeySurroundingWhitespace, 401},
		// A requirement out of range is the caller's bug, not the client's: 500.
		{basic(f.sk.Expose()), now, Requirement(0), CodeInvalidParameter, 500},
	}
	for _, c := range fail {
		_, err := f.reg.Authenticate(c.header, c.now, c.req)
		if c.code == CodeOK {
			if err != nil {
				t.Errorf("%q at %v: %v", c.header, c.now, err)
			}
			continue
		}
		e := wantCode(t, err, c.code)
		if HTTPStatus(err) != c.status {
			t.Errorf("%v: status %d, want %d", c.code, HTTPStatus(err), c.status)
		}
		if strings.Contains(e.Message, f.sk.Expose()[3:]) || strings.Contains(e.Message, f.old.Expose()[3:]) {
			t.Errorf("message %q echoes a key", e.Message)
		}
	}
	_, err := f.reg.Authenticate(basic(f.pk.Expose()), now, RequireSecret)
	if e := wantCode(t, err, CodeAuthWrongKind); !strings.Contains(e.Message, "requires a secret key, but a publishable key was sent") {
		t.Errorf("message %q", e.Message)
	}
	if !errors.Is(err, ErrWrongKind) {
		t.Error("not ErrWrongKind")
	}
	// Times before 1970 are time 0.
	if _, err := f.reg.Authenticate(basic(f.sk.Expose()), time.Unix(-5, 0), RequireSecret); err != nil {
		t.Fatal(err)
	}
}

func TestRegistryAuthorizeRedirect(t *testing.T) {
	f := newFixture(t)
	now := time.Unix(1_700_000_000, 0)
	if p, err := f.reg.AuthorizeRedirect(f.pk.Expose(), "http://localhost:3000/callback", now); err != nil || p != 1 {
		t.Fatalf("AuthorizeRedirect = %d, %v", p, err)
	}
	unknown, _ := GenerateKey(Publishable)
	cases := []struct {
		client, uri string
		now         time.Time
		sentinel    *Error
	}{
		{f.pk.Expose(), "http://localhost:3000/callback/", now, ErrRedirectNotRegistered},
		{f.pk.Expose(), "https://app.example.com/cb", now, ErrRedirectNotRegistered},
		{f.sk.Expose(), "http://localhost:3000/callback", now, ErrSecretKeyExposed},
		{unknown.Expose(), "http://localhost:3000/callback", now, ErrUnknownClient},
		{f.exp.Expose(), "https://app.example.com/cb", f.expiry, ErrClientExpired},
		{"", "http://localhost:3000/", now, ErrKeyEmpty},
		{"pk_x", "http://localhost:3000/", now, ErrKeyWrongLength},
	}
	for _, c := range cases {
		_, err := f.reg.AuthorizeRedirect(c.client, c.uri, c.now)
		e := wantCode(t, err, c.sentinel.Code)
		if strings.Contains(e.Message, f.sk.Expose()[3:]) {
			t.Errorf("message %q echoes the key", e.Message)
		}
	}
	if p, err := f.reg.AuthorizeRedirect(f.exp.Expose(), "https://app.example.com/cb", now); err != nil || p != 2 {
		t.Fatalf("project 2: %d, %v", p, err)
	}
}

func TestBuilderErrors(t *testing.T) {
	b := NewRegistryBuilder()
	d, _ := Digest(skText)
	wantCode(t, b.AddKey(d, 5, Secret, time.Time{}), CodeBuildUnknownProject)
	wantCode(t, b.AddRedirectURI(5, "https://example.com/"), CodeBuildUnknownProject)
	if err := b.AddProject(5, Production, 0); err != nil {
		t.Fatal(err)
	}
	wantCode(t, b.AddProject(5, Production, 0), CodeBuildDuplicateProject)
	wantCode(t, b.AddProject(6, Mode(3), 0), CodeInvalidParameter)
	wantCode(t, b.AddProject(6, Production, AcceptBearer), CodeInvalidParameter)
	e := wantCode(t, b.AddRedirectURI(5, "http://localhost:3000/"), CodeRedirectInsecureScheme)
	if !strings.Contains(e.Message, "project 5") {
		t.Errorf("message %q does not name the project", e.Message)
	}
	wantCode(t, b.SetOptions(LoopbackAnyPort), CodeInvalidParameter)
	wantCode(t, b.AddKey(d, 5, KeyKind(3), time.Time{}), CodeInvalidParameter)
	if err := b.AddKey(d, 5, Secret, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := b.AddKey(d, 5, Secret, time.Time{}); err != nil {
		t.Fatal(err)
	}
	_, err := b.Build()
	wantCode(t, err, CodeBuildDuplicateKey)
	// The builder is consumed even by a failed build.
	if _, err := b.Build(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Build: %v", err)
	}
	if err := b.AddProject(9, Production, 0); !errors.Is(err, ErrClosed) {
		t.Fatalf("AddProject after Build: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	// Close twice, then use.
	b2 := NewRegistryBuilder()
	b2.Close()
	b2.Close()
	if err := b2.SetOptions(0); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

func TestBearerOption(t *testing.T) {
	b := NewRegistryBuilder()
	d, _ := Digest(skText)
	if err := b.SetOptions(AcceptBearer); err != nil {
		t.Fatal(err)
	}
	if err := b.AddProject(1, Production, 0); err != nil {
		t.Fatal(err)
	}
	if err := b.AddKey(d, 1, Secret, time.Time{}); err != nil {
		t.Fatal(err)
	}
	reg, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if a, err := reg.Authenticate("Bearer "+skText, time.Now(), RequireSecret); err != nil || a.Project != 1 {
		t.Fatalf("bearer: %v, %v", a, err)
	}
}

func TestRegistryCloseTwice(t *testing.T) {
	f := newFixture(t)
	if err := f.reg.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.reg.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Authenticate(basic(f.sk.Expose()), time.Now(), RequireAny); !errors.Is(err, ErrClosed) {
		t.Fatalf("Authenticate after Close: %v", err)
	}
	if _, err := f.reg.AuthorizeRedirect(f.pk.Expose(), "http://localhost:3000/", time.Now()); !errors.Is(err, ErrClosed) {
		t.Fatalf("AuthorizeRedirect after Close: %v", err)
	}
	if HTTPStatus(ErrClosed) != 500 {
		t.Fatal("ErrClosed is not a 500")
	}
}

// TestConcurrentAuthenticate shares one registry between 64 goroutines that authenticate
// valid, wrong-kind, unknown and malformed keys and check every answer, while a 65th
// goroutine closes the registry near the end: every call either answers correctly or
// returns ErrClosed, and none touches freed memory (run with -race).
func TestConcurrentAuthenticate(t *testing.T) {
	const goroutines, perGoroutine = 64, 300
	type keyed struct {
		header string
		req    Requirement
		want   Auth
		code   Code
	}
	b := NewRegistryBuilder()
	if err := b.AddProject(1, Production, 0); err != nil {
		t.Fatal(err)
	}
	if err := b.AddProject(2, Production, 0); err != nil {
		t.Fatal(err)
	}
	var cases []keyed
	for i := 0; i < 200; i++ {
		kind := Publishable
		if i%2 == 0 {
			kind = Secret
		}
		k, err := GenerateKey(kind)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := k.Digest()
		project := uint64(1 + i%3%2)
		if err := b.AddKey(d, project, kind, time.Time{}); err != nil {
			t.Fatal(err)
		}
		h := basic(k.Expose())
		if i%4 == 1 {
			h = jsSDK(k.Expose())
		}
		cases = append(cases, keyed{h, RequireAny, Auth{project, kind}, CodeOK})
		wrong := RequireSecret
		if kind == Secret {
			wrong = RequirePublishable
		}
		cases = append(cases, keyed{h, wrong, Auth{}, CodeAuthWrongKind})
	}
	unknown, _ := GenerateKey(Secret)
	cases = append(cases,
		keyed{basic(unknown.Expose()), RequireAny, Auth{}, CodeAuthUnknownKey},
		keyed{"Basic !!!!", RequireAny, Auth{}, CodeHeaderInvalidBase64},
		keyed{"", RequireAny, Auth{}, CodeHeaderMissing},
		keyed{basic("sk_0123456789abcdef0123456789abcdeG"), RequireAny, Auth{}, CodeKeyNonHex},
	)
	reg, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	errs := make(chan error, goroutines)
	start := make(chan struct{})
	for g := 0; g < goroutines; g++ {
		go func(g int) {
			<-start
			for i := 0; i < perGoroutine; i++ {
				c := cases[(g*7919+i*31)%len(cases)]
				got, err := reg.Authenticate(c.header, now, c.req)
				var e *Error
				switch {
				case c.code == CodeOK && (err != nil || got != c.want):
					errs <- fmt.Errorf("goroutine %d: %q: got %v, %v; want %v", g, c.header, got, err, c.want)
					return
				case c.code != CodeOK && (!errors.As(err, &e) || e.Code != c.code || e.Message == ""):
					errs <- fmt.Errorf("goroutine %d: %q: got %v, %v; want code %v", g, c.header, got, err, c.code)
					return
				}
			}
			errs <- nil
		}(g)
	}
	close(start)
	for g := 0; g < goroutines; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}

	// Close while goroutines are still calling: each call answers or says ErrClosed.
	done := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		go func() {
			for i := 0; ; i++ {
				c := cases[i%len(cases)]
				got, err := reg.Authenticate(c.header, now, c.req)
				if errors.Is(err, ErrClosed) {
					done <- nil
					return
				}
				if c.code == CodeOK && (err != nil || got != c.want) {
					done <- fmt.Errorf("during Close: got %v, %v; want %v", got, err, c.want)
					return
				}
			}
		}()
	}
	time.Sleep(10 * time.Millisecond)
	reg.Close()
	for g := 0; g < goroutines; g++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// Issue 10.2: a key's prefix decides its kind. A key added with the kind its prefix
// contradicts never authenticates (503, a 401 with the challenge) and is no client_id.
func TestRegistryKindMismatch(t *testing.T) {
	pk, err := GenerateKey(Publishable)
	if err != nil {
		t.Fatal(err)
	}
	sk, err := GenerateKey(Secret)
	if err != nil {
		t.Fatal(err)
	}
	b := NewRegistryBuilder()
	if err := b.AddProject(1, Development, 0); err != nil {
		t.Fatal(err)
	}
	if err := b.AddRedirectURI(1, "http://localhost:3000/cb"); err != nil {
		t.Fatal(err)
	}
	for _, k := range []struct {
		key  Key
		kind KeyKind
	}{{pk, Secret}, {sk, Publishable}} {
		d, err := k.key.Digest()
		if err != nil {
			t.Fatal(err)
		}
		if err := b.AddKey(d, 1, k.kind, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	reg, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	now := time.Unix(1_700_000_000, 0)
	for _, key := range []Key{pk, sk} {
		for _, req := range []Requirement{RequireAny, RequireSecret, RequirePublishable} {
			_, err := reg.Authenticate(basic(key.Expose()), now, req)
			e := wantCode(t, err, CodeAuthKindMismatch)
			if CodeAuthKindMismatch != 503 || !errors.Is(err, ErrKindMismatch) {
				t.Errorf("%v: not ErrKindMismatch (503)", err)
			}
			if HTTPStatus(err) != 401 || Challenge(err) == "" {
				t.Errorf("%v: status %d, challenge %q", err, HTTPStatus(err), Challenge(err))
			}
			if !strings.Contains(e.Message, "the other kind than the key's own prefix") ||
				strings.Contains(e.Message, key.Expose()[3:]) {
				t.Errorf("message %q", e.Message)
			}
		}
	}
	if _, err := reg.AuthorizeRedirect(pk.Expose(), "http://localhost:3000/cb", now); !errors.Is(err, ErrUnknownClient) {
		t.Errorf("AuthorizeRedirect: %v, want ErrUnknownClient", err)
	}
}
