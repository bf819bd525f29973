package picket

import (
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// holderFixture is a loader over a mutable set of keys: the test changes the set and
// reloads, as a server does after a change to its store.
type holderFixture struct {
	mu    sync.Mutex
	keys  []Key
	fail  error
	built []*Registry // every registry the loader built, in order
}

func (f *holderFixture) load() (*Registry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return nil, f.fail
	}
	b := NewRegistryBuilder()
	defer b.Close()
	if err := b.AddProject(7, Development, 0); err != nil {
		return nil, err
	}
	if err := b.AddRedirectURI(7, "http://localhost:3000/cb"); err != nil {
		return nil, err
	}
	for _, k := range f.keys {
		d, err := k.Digest()
		if err != nil {
			return nil, err
		}
		if err := b.AddKey(d, 7, k.Kind, time.Time{}); err != nil {
			return nil, err
		}
	}
	reg, err := b.Build()
	if err == nil {
		f.built = append(f.built, reg)
	}
	return reg, err
}

func (f *holderFixture) set(keys ...Key) {
	f.mu.Lock()
	f.keys = keys
	f.mu.Unlock()
}

// startHolder returns a fixture holding keys and a Holder over its loader, closed when
// the test ends (Close is idempotent, so a test may close it first).
func startHolder(t *testing.T, keys ...Key) (*holderFixture, *Holder) {
	t.Helper()
	f := &holderFixture{}
	f.set(keys...)
	h, err := NewHolder(f.load)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close() })
	return f, h
}

func mustKey(t testing.TB, kind KeyKind) Key {
	t.Helper()
	k, err := GenerateKey(kind)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestHolderReloadSwapsAndFreesTheOldRegistry(t *testing.T) {
	old, next := mustKey(t, Secret), mustKey(t, Secret)
	f, h := startHolder(t, old)
	now := time.Now()
	if a, err := h.Authenticate(basic(old.Expose()), now, RequireSecret); err != nil || a.Project != 7 {
		t.Fatalf("old key before reload: %+v %v", a, err)
	}
	f.set(next)
	if err := h.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Authenticate(basic(old.Expose()), now, RequireSecret); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("old key after reload: %v, want ErrUnknownKey", err)
	}
	if _, err := h.Authenticate(basic(next.Expose()), now, RequireSecret); err != nil {
		t.Fatalf("new key after reload: %v", err)
	}
	// The first registry was freed by the swap.
	if _, err := f.built[0].Authenticate(basic(old.Expose()), now, RequireSecret); !errors.Is(err, ErrClosed) {
		t.Fatalf("old registry after reload: %v, want ErrClosed", err)
	}
	if p, err := h.AuthorizeRedirect(mustKey(t, Publishable).Expose(), "http://localhost:3000/cb", now); !errors.Is(err, ErrUnknownClient) {
		t.Fatalf("AuthorizeRedirect of an unknown client: %d %v", p, err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Authenticate(basic(next.Expose()), now, RequireSecret); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v, want ErrClosed", err)
	}
	if err := h.Reload(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Reload after Close: %v", err)
	}
	if _, err := f.built[1].Authenticate(basic(next.Expose()), now, RequireSecret); !errors.Is(err, ErrClosed) {
		t.Fatalf("Close did not free the current registry: %v", err)
	}
	_ = h.Close() // idempotent
}

// A registry the loader's caller closes by hand while it is still current makes calls
// fail with ErrClosed; they must not retry it forever.
func TestHolderCurrentRegistryClosedByHandIsAnError(t *testing.T) {
	k := mustKey(t, Publishable)
	f, h := startHolder(t, k)
	f.built[len(f.built)-1].Close()
	done := make(chan error, 1)
	go func() {
		_, err := h.Authenticate(basic(k.Expose()), time.Now(), RequireAny)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("Authenticate on a registry closed by hand: %v, want ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Authenticate retried a registry closed by hand forever")
	}
	if err := h.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Authenticate(basic(k.Expose()), time.Now(), RequireAny); err != nil {
		t.Fatalf("after a reload: %v", err)
	}
}

func TestHolderLoaderErrorKeepsTheCurrentRegistry(t *testing.T) {
	k := mustKey(t, Publishable)
	f, h := startHolder(t, k)
	boom := errors.New("store unavailable")
	f.mu.Lock()
	f.fail = boom
	f.mu.Unlock()
	if err := h.Reload(); !errors.Is(err, boom) {
		t.Fatalf("Reload: %v, want the loader's error", err)
	}
	if _, err := h.Authenticate(basic(k.Expose()), time.Now(), RequireAny); err != nil {
		t.Fatalf("the registry in use was lost by a failed reload: %v", err)
	}
	if _, err := NewHolder(f.load); !errors.Is(err, boom) {
		t.Fatalf("NewHolder with a failing loader: %v", err)
	}
	if _, err := NewHolder(nil); err == nil {
		t.Fatal("NewHolder(nil) succeeded")
	}
}

// Goroutines authenticate without pause while another reloads without pause: no call may
// fail with ErrClosed (it is retried on the new registry), none may see a wrong answer,
// and under -race no data race or use-after-free may show.
func TestHolderConcurrentReloads(t *testing.T) {
	stable := mustKey(t, Secret)
	f, h := startHolder(t, stable)
	var stop atomic.Bool
	var calls atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			header := basic(stable.Expose())
			for !stop.Load() {
				a, err := h.Authenticate(header, time.Now(), RequireSecret)
				if err != nil || a.Project != 7 {
					errs <- errors.Join(err, errors.New("wrong answer during reloads"))
					return
				}
				calls.Add(1)
			}
		}()
	}
	// A fixed amount of work, not a time window: at least 50 reloads, and readers that ran
	// between them (a slow machine only takes longer; 60 s is a hang).
	reloads := 0
	hang := time.Now().Add(60 * time.Second)
	for reloads < 50 || calls.Load() < 1000 {
		if time.Now().After(hang) {
			t.Fatalf("no progress: %d reloads, %d calls in 60 s", reloads, calls.Load())
		}
		f.set(stable, mustKey(t, Publishable)) // a new registry each time
		if err := h.Reload(); err != nil {
			t.Fatal(err)
		}
		reloads++
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// Every registry but the current one was freed.
	for i, reg := range f.built[:len(f.built)-1] {
		if _, err := reg.Authenticate(basic(stable.Expose()), time.Now(), RequireSecret); !errors.Is(err, ErrClosed) {
			t.Fatalf("registry %d not freed after its swap: %v", i, err)
		}
	}
	// Close while callers run: they get ErrClosed, never a crash.
	stop.Store(false)
	var after atomic.Int64
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				_, err := h.Authenticate(basic(stable.Expose()), time.Now(), RequireSecret)
				if errors.Is(err, ErrClosed) {
					after.Add(1)
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	time.Sleep(10 * time.Millisecond)
	h.Close()
	wg.Wait()
	if after.Load() != 4 {
		t.Fatalf("%d of 4 callers saw ErrClosed after Close", after.Load())
	}
}

func ExampleHolder() {
	key, _ := GenerateKey(Secret)
	digest, _ := key.Digest()
	load := func() (*Registry, error) {
		b := NewRegistryBuilder()
		defer b.Close()
		if err := b.AddProject(1, Development, 0); err != nil {
			return nil, err
		}
		if err := b.AddKey(digest, 1, Secret, time.Time{}); err != nil {
			return nil, err
		}
		return b.Build()
	}
	holder, err := NewHolder(load)
	if err != nil {
		panic(err)
	}
	defer holder.Close()
	auth, err := holder.Authenticate("Basic "+base64.StdEncoding.EncodeToString([]byte(key.Expose()+":")), time.Now(), RequireSecret)
	fmt.Println(auth.Project, auth.Kind, err)
	_ = holder.Reload() // after a change to the store
	// Output: 1 secret <nil>
}

// BenchmarkHolderAuthenticate is BenchmarkAuthenticate through a Holder (one atomic load
// more), for the cost of hot-swappable registries.
func BenchmarkHolderAuthenticate(b *testing.B) {
	s := newBenchSet(b)
	h, err := NewHolder(func() (*Registry, error) { return s.reg, nil })
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a, err := h.Authenticate(s.headers[i%benchKeys], s.now, RequireAny)
		if err != nil {
			b.Fatal(err)
		}
		sinkProject += a.Project
	}
}
