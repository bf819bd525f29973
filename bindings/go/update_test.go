package picket

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// changeOf is a builder holding project p in development with the keys given.
func changeOf(t *testing.T, p uint64, keys ...Key) *RegistryBuilder {
	t.Helper()
	b := NewRegistryBuilder()
	if err := b.AddProject(p, Development, 0); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		d, err := k.Digest()
		if err != nil {
			t.Fatal(err)
		}
		if err := b.AddKey(d, p, k.Kind, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func TestRegistryWithProjects(t *testing.T) {
	kept, old, rolled := mustKey(t, Secret), mustKey(t, Secret), mustKey(t, Secret)
	now := time.Now()
	b := changeOf(t, 7, old)
	if err := b.AddProject(8, Development, 0); err != nil {
		t.Fatal(err)
	}
	d, _ := kept.Digest()
	if err := b.AddKey(d, 8, Secret, time.Time{}); err != nil {
		t.Fatal(err)
	}
	reg, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	// Project 7's key rolled; project 8 untouched.
	next, err := reg.WithProjects(changeOf(t, 7, rolled), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer next.Close()
	for key, want := range map[Key]error{rolled: nil, kept: nil, old: ErrUnknownKey} {
		if _, err := next.Authenticate(basic(key.Expose()), now, RequireSecret); !errors.Is(err, want) && !(want == nil && err == nil) {
			t.Fatalf("after the update: %v, want %v", err, want)
		}
	}
	if _, err := reg.Authenticate(basic(old.Expose()), now, RequireSecret); err != nil {
		t.Fatalf("the old registry changed: %v", err)
	}
	// Project 8 removed.
	gone, err := next.WithProjects(NewRegistryBuilder(), []uint64{8})
	if err != nil {
		t.Fatal(err)
	}
	defer gone.Close()
	if _, err := gone.Authenticate(basic(kept.Expose()), now, RequireSecret); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("a removed project's key: %v", err)
	}
	// A key another project keeps is a duplicate; the builder is consumed either way.
	dup := changeOf(t, 7, kept)
	if _, err := next.WithProjects(dup, nil); !errors.Is(err, ErrBuildDuplicateKey) {
		t.Fatalf("a duplicate: %v", err)
	}
	if err := dup.AddProject(9, Development, 0); !errors.Is(err, ErrClosed) {
		t.Fatalf("the builder after WithProjects: %v, want ErrClosed", err)
	}
	// A closed registry.
	closed, _ := NewRegistryBuilder().Build()
	closed.Close()
	if _, err := closed.WithProjects(changeOf(t, 7), nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("WithProjects on a closed registry: %v", err)
	}
}

// Holder.Update swaps the updated registry in while other goroutines authenticate: each
// call sees the old registry or the new one, never an error, and the old one is freed.
func TestHolderUpdateUnderLoad(t *testing.T) {
	stays := mustKey(t, Secret)
	f, h := startHolder(t, stays)
	now := time.Now()
	var stop atomic.Bool
	var wg sync.WaitGroup
	var calls atomic.Int64
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				if _, err := h.Authenticate(basic(stays.Expose()), now, RequireSecret); err != nil {
					t.Errorf("a call during the updates: %v", err)
					return
				}
				calls.Add(1)
			}
		}()
	}
	first := f.built[0]
	for calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	var last Key
	for i := 0; i < 50; i++ {
		before := calls.Load()
		for calls.Load() == before { // calls on this registry before the next swap
			time.Sleep(100 * time.Microsecond)
		}
		last = mustKey(t, Publishable)
		err := h.Update(func(cur *Registry) (*Registry, error) {
			return cur.WithProjects(changeOf(t, 7, stays, last), nil)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	if _, err := h.Authenticate(basic(last.Expose()), now, RequirePublishable); err != nil {
		t.Fatalf("the last update's key: %v", err)
	}
	if _, err := first.Authenticate(basic(stays.Expose()), now, RequireSecret); !errors.Is(err, ErrClosed) {
		t.Fatalf("the first registry was not freed: %v", err)
	}
	// An update that fails keeps the current registry.
	boom := errors.New("boom")
	if err := h.Update(func(*Registry) (*Registry, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("a failing update: %v", err)
	}
	if _, err := h.Authenticate(basic(last.Expose()), now, RequirePublishable); err != nil {
		t.Fatalf("after a failing update: %v", err)
	}
	h.Close()
	if err := h.Update(func(cur *Registry) (*Registry, error) { return cur, nil }); !errors.Is(err, ErrClosed) {
		t.Fatalf("Update after Close: %v", err)
	}
}
