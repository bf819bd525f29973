package ratelimit

import (
	"strconv"
	"testing"
	"time"
)

func TestExpiringBurstThenRefill(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	e := NewExpiring(3, time.Minute, 10)
	for i := 0; i < 3; i++ {
		if ok, _ := e.Take("a", now); !ok {
			t.Fatalf("request %d refused within the burst", i)
		}
	}
	ok, wait := e.Take("a", now)
	if ok || wait != 20*time.Second {
		t.Fatalf("fourth request: %v, wait %v, want refused for 20s (3 per minute)", ok, wait)
	}
	if ok, _ := e.Take("b", now); !ok {
		t.Fatal("another key was refused")
	}
	if ok, _ := e.Take("a", now.Add(20*time.Second)); !ok {
		t.Fatal("20 s later: refused")
	}
}

func TestExpiringBlockedOnlyCountsSpends(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	e := NewExpiring(2, time.Minute, 10)
	if b, _ := e.Blocked("x", now); b || e.Len() != 0 {
		t.Fatalf("an unseen key: blocked %v, %d keys remembered", b, e.Len())
	}
	e.Spend("x", now)
	e.Spend("x", now)
	if b, wait := e.Blocked("x", now); !b || wait != 30*time.Second {
		t.Fatalf("after 2 spends: blocked %v for %v", b, wait)
	}
	if b, _ := e.Blocked("x", now.Add(30*time.Second)); b {
		t.Fatal("still blocked after the refill")
	}
}

func TestExpiringStaysBoundedAndNeverRefusesANewKey(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	e := NewExpiring(1, time.Hour, 100)
	for i := 0; i < 10_000; i++ {
		if ok, _ := e.Take("198.51.100."+strconv.Itoa(i), now); !ok {
			t.Fatalf("new key %d refused", i)
		}
	}
	if e.Len() != 100 {
		t.Fatalf("%d keys remembered, want the bound 100", e.Len())
	}
}

// The attack on a limiter that refused a new key while its table was full of buckets in
// use, and scanned the whole table for full ones to forget each time a new key came: keep
// every bucket in use. Here, on a table full of empty buckets, each new key is admitted at
// once and forgets exactly one key, the least recently used, while every other key keeps
// its empty bucket: a new key costs one eviction, whatever the table holds.
func TestExpiringFullTableOfBucketsInUse(t *testing.T) {
	const maxKeys, newKeys = 100_000, 1_000
	now := time.Unix(1_700_000_000, 0)
	e := NewExpiring(1, time.Hour, maxKeys)
	old := func(i int) string { return "2001:db8:" + strconv.Itoa(i) + "::/64" }
	for i := 0; i < maxKeys; i++ {
		if ok, _ := e.Take(old(i), now); !ok {
			t.Fatalf("key %d refused while filling", i)
		}
	}
	// Blocked peeks: it changes neither the keys' order nor their buckets.
	for j := 0; j < newKeys; j++ {
		if ok, _ := e.Take("198.51.100."+strconv.Itoa(j), now); !ok {
			t.Fatalf("new key %d refused on a full table", j)
		}
		if e.Len() != maxKeys {
			t.Fatalf("after new key %d: %d keys remembered, want %d", j, e.Len(), maxKeys)
		}
		if b, _ := e.Blocked(old(j), now); b {
			t.Fatalf("new key %d: key %d, the least recently used, is still remembered", j, j)
		}
	}
	for i := newKeys; i < maxKeys; i++ {
		if b, _ := e.Blocked(old(i), now); !b {
			t.Fatalf("key %d lost its empty bucket: %d new keys forgot more than %d keys", i, newKeys, newKeys)
		}
	}
}
