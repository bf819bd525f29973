package picket

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// okOrClosed accepts what an Add* call may answer while another goroutine builds or closes
// the builder: success, the rule error the test provokes (allowed), or ErrClosed.
func okOrClosed(err error, allowed ...Code) error {
	if err == nil || errors.Is(err, ErrClosed) {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		for _, c := range allowed {
			if e.Code == c {
				return nil
			}
		}
	}
	return fmt.Errorf("unexpected error %v", err)
}

// TestBuilderRacesBuildAndClose races, on one builder, four goroutines adding projects,
// redirect URIs, keys and options against two Builds and a Close. Each handle use must be
// exclusive with its consumption (Build) and its free (Close): every call answers, or says
// ErrClosed, at most one Build gets the handle, and the registry it builds works. Without
// the builder's lock this is a use-after-free in the C library (and a data race that
// -race reports).
func TestBuilderRacesBuildAndClose(t *testing.T) {
	sk, err := GenerateKey(Secret)
	if err != nil {
		t.Fatal(err)
	}
	skDigest, _ := sk.Digest()
	rounds := 300
	if testing.Short() {
		rounds = 50
	}
	var counts sync.Mutex
	var builds, addsBefore, addsAfter int
	for round := 0; round < rounds; round++ {
		b := NewRegistryBuilder()
		if err := b.AddProject(1, Development, 0); err != nil {
			t.Fatal(err)
		}
		if err := b.AddKey(skDigest, 1, Secret, time.Time{}); err != nil {
			t.Fatal(err)
		}
		start := make(chan struct{})
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		adder := func(add func(i int) error) {
			defer wg.Done()
			<-start
			for i := 0; i < 1000; i++ {
				err := add(i)
				counts.Lock()
				if errors.Is(err, ErrClosed) {
					addsAfter++
				} else {
					addsBefore++
				}
				counts.Unlock()
				if e := okOrClosed(err, CodeBuildDuplicateProject); e != nil {
					errs <- e
					return
				}
				if errors.Is(err, ErrClosed) {
					return
				}
			}
		}
		wg.Add(4)
		go adder(func(i int) error { return b.AddProject(uint64(2+i%3), Production, 0) })
		go adder(func(i int) error { return b.AddRedirectURI(1, fmt.Sprintf("http://localhost:%d/cb", 1000+i)) })
		go adder(func(i int) error {
			k, err := GenerateKey(Publishable)
			if err != nil {
				return err
			}
			d, _ := k.Digest()
			return b.AddKey(d, 1, Publishable, time.Time{})
		})
		go adder(func(i int) error { return b.SetOptions(Options(i % 2)) })

		var built []*Registry
		var mu sync.Mutex
		wg.Add(3)
		for i := 0; i < 2; i++ {
			go func() {
				defer wg.Done()
				<-start
				reg, err := b.Build()
				if err != nil && !errors.Is(err, ErrClosed) {
					errs <- fmt.Errorf("Build: %v", err)
					return
				}
				if reg != nil {
					mu.Lock()
					built = append(built, reg)
					mu.Unlock()
				}
			}()
		}
		go func() {
			defer wg.Done()
			<-start
			if round%2 == 0 {
				time.Sleep(time.Duration(round%7) * 10 * time.Microsecond)
			}
			if err := b.Close(); err != nil {
				errs <- fmt.Errorf("Close: %v", err)
			}
		}()
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("round %d: %v", round, err)
		}
		if len(built) > 1 {
			t.Fatalf("round %d: %d Builds got the handle", round, len(built))
		}
		builds += len(built)
		for _, reg := range built {
			a, err := reg.Authenticate(basic(sk.Expose()), time.Now(), RequireSecret)
			if err != nil || a.Project != 1 {
				t.Fatalf("round %d: the built registry: %v, %v", round, a, err)
			}
			reg.Close()
		}
		// Whoever won, the builder is gone now.
		if err := b.AddProject(9, Production, 0); !errors.Is(err, ErrClosed) {
			t.Fatalf("round %d: AddProject after Build/Close: %v", round, err)
		}
		if _, err := b.Build(); !errors.Is(err, ErrClosed) {
			t.Fatalf("round %d: Build after Build/Close: %v", round, err)
		}
	}
	// The race is real when both sides won some rounds and calls ran on both sides of the
	// handle's end.
	t.Logf("%d rounds: Build won %d, Close %d; %d Add* calls before the end, %d after", rounds, builds, rounds-builds, addsBefore, addsAfter)
	if builds == 0 || builds == rounds || addsBefore == 0 || addsAfter == 0 {
		t.Errorf("no race happened: %d rounds, %d builds, %d/%d calls before/after", rounds, builds, addsBefore, addsAfter)
	}
}

// TestRegistryCloseRacesCalls closes registries while goroutines authenticate and
// authorize redirects on them: each call answers correctly or says ErrClosed, never
// reading the freed C registry (run with -race; without the registry's lock the C call
// may run on freed memory).
func TestRegistryCloseRacesCalls(t *testing.T) {
	pk, _ := GenerateKey(Publishable)
	sk, _ := GenerateKey(Secret)
	pkD, _ := pk.Digest()
	skD, _ := sk.Digest()
	const uri = "http://localhost:3000/callback"
	rounds := 50
	if testing.Short() {
		rounds = 10
	}
	for round := 0; round < rounds; round++ {
		b := NewRegistryBuilder()
		for _, err := range []error{
			b.AddProject(1, Development, 0), b.AddRedirectURI(1, uri),
			b.AddKey(pkD, 1, Publishable, time.Time{}), b.AddKey(skD, 1, Secret, time.Time{}),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		reg, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		start := make(chan struct{})
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for g := 0; g < 6; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				<-start
				for i := 0; ; i++ {
					var err error
					if g%2 == 0 {
						var a Auth
						a, err = reg.Authenticate(basic(sk.Expose()), time.Now(), RequireSecret)
						if err == nil && a.Project != 1 {
							err = fmt.Errorf("project %d", a.Project)
						}
					} else {
						var p uint64
						p, err = reg.AuthorizeRedirect(pk.Expose(), uri, time.Now())
						if err == nil && p != 1 {
							err = fmt.Errorf("project %d", p)
						}
					}
					if errors.Is(err, ErrClosed) {
						return
					}
					if err != nil {
						errs <- fmt.Errorf("goroutine %d call %d: %v", g, i, err)
						return
					}
				}
			}(g)
		}
		close(start)
		time.Sleep(time.Duration(round%5) * 20 * time.Microsecond)
		reg.Close()
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("round %d: %v", round, err)
		}
	}
}

// TestHandleCopiesAndZeroValues: whatever the caller does with the handle types (copies
// of the structs, the zero value, a nil pointer), a closed handle answers ErrClosed, and
// freeing through one copy is seen by every other (no double free, no use after free).
func TestHandleCopiesAndZeroValues(t *testing.T) {
	b := NewRegistryBuilder()
	c := *b
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.AddProject(1, Development, 0); !errors.Is(err, ErrClosed) {
		t.Fatalf("AddProject on a builder whose copy was closed: %v", err)
	}
	if _, err := b.Build(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Build on a builder whose copy was closed: %v", err)
	}
	b.Close()

	f := newFixture(t)
	r2 := *f.reg
	r2.Close()
	if _, err := f.reg.Authenticate(basic(f.sk.Expose()), time.Now(), RequireAny); !errors.Is(err, ErrClosed) {
		t.Fatalf("Authenticate on a registry whose copy was closed: %v", err)
	}
	f.reg.Close()

	var zb RegistryBuilder
	var nb *RegistryBuilder
	var zr Registry
	var nr *Registry
	for name, err := range map[string]error{
		"zero builder AddKey":            zb.AddKey(KeyDigest{}, 1, Secret, time.Time{}),
		"nil builder SetOptions":         nb.SetOptions(0),
		"zero registry Authenticate":     second(zr.Authenticate("", time.Now(), RequireAny)),
		"nil registry AuthorizeRedirect": second(nr.AuthorizeRedirect("", "", time.Now())),
	} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s: %v, want ErrClosed", name, err)
		}
	}
	if _, err := nb.Build(); !errors.Is(err, ErrClosed) {
		t.Errorf("nil builder Build: %v", err)
	}
	if zb.Close() != nil || nb.Close() != nil || zr.Close() != nil || nr.Close() != nil {
		t.Error("Close of a zero or nil handle failed")
	}
}

func second[T any](_ T, err error) error { return err }
