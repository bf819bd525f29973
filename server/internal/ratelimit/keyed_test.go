package ratelimit

import (
	"net/http"
	"testing"
	"time"
)

func TestKeyedBurstThenRefill(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	k := New(time.Minute, 3, 10)
	for i := 0; i < 3; i++ {
		if w := k.Wait("a", now); w != 0 {
			t.Fatalf("attempt %d: wait %v, want 0", i, w)
		}
		if !k.Take("a", now) {
			t.Fatalf("attempt %d refused within the burst", i)
		}
	}
	if w := k.Wait("a", now); w != time.Minute {
		t.Fatalf("after the burst: wait %v, want 1m", w)
	}
	if k.Take("a", now) {
		t.Fatal("a fourth attempt at once was allowed")
	}
	if w := k.Wait("b", now); w != 0 {
		t.Fatalf("another key waits %v", w)
	}
	if w := k.Wait("a", now.Add(time.Minute)); w != 0 {
		t.Fatalf("a minute later: wait %v, want 0", w)
	}
}

func TestKeyedBoundedKeys(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	k := New(time.Minute, 2, 2)
	k.Take("a", now)
	k.Take("b", now)
	if k.Take("c", now) {
		t.Fatal("a third key was remembered beyond the bound")
	}
	if k.Wait("c", now) == 0 {
		t.Fatal("a key that cannot be remembered may try")
	}
	// Once a and b are full again they are forgotten and c fits.
	later := now.Add(2 * time.Minute)
	if !k.Take("c", later) || k.Len() != 1 {
		t.Fatalf("after refill: len %d, want only c", k.Len())
	}
}

func TestClientKey(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:5000":             "127.0.0.1",
		"[2001:db8:1:2:3:4:5:6]:443": "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1]:443": "2001:db8:1:2::/64",
		"not an address":             "not an address",
	} {
		if got := ClientKey(&http.Request{RemoteAddr: addr}); got != want {
			t.Errorf("%s: %s, want %s", addr, got, want)
		}
	}
}
