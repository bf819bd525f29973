// Package ratelimit is picket-server's one limiter: a token bucket per key (a client
// address, a client_id, a project, an account's email) over golang.org/x/time/rate, in a
// bounded LRU whose idle entries expire (Expiring); and who the client of a request is
// (ClientKey, Proxies).
package ratelimit

import (
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"golang.org/x/time/rate"
)

// Expiring holds one token bucket per key, for limits on requests (per client address,
// client_id or project) and on attempts (log-ins and sign-ups per email or address). Its
// keys live in an LRU (hashicorp/golang-lru's expirable) that never refuses a key for
// lack of room: when full it forgets the least recently used key (a full bucket again for
// it), and every operation costs the same however many keys it holds. An entry idle for
// its refill time expires, since its bucket is full anyway. (A table that refused new keys
// once full, looking for full buckets to forget, let one attacker who keeps it full of
// buckets in use shut out every new client, and made each new key scan the table.)
type Expiring struct {
	limit rate.Limit
	burst int
	mu    sync.Mutex
	cache *expirable.LRU[string, *rate.Limiter]
}

// NewExpiring returns buckets of n requests refilled at n per per, for at most maxKeys keys.
func NewExpiring(n int, per time.Duration, maxKeys int) *Expiring {
	return &Expiring{limit: rate.Limit(float64(n) / per.Seconds()), burst: n,
		cache: expirable.NewLRU[string, *rate.Limiter](maxKeys, nil, per)}
}

// get is key's bucket, made on first use; each use renews the entry's expiry.
func (e *Expiring) get(key string) *rate.Limiter {
	if lim, ok := e.cache.Get(key); ok {
		e.cache.Add(key, lim)
		return lim
	}
	e.mu.Lock() // one bucket per key even when two requests make it at once
	defer e.mu.Unlock()
	if lim, ok := e.cache.Get(key); ok {
		return lim
	}
	lim := rate.NewLimiter(e.limit, e.burst)
	e.cache.Add(key, lim)
	return lim
}

// Take spends one request of key's bucket; when it is empty it reports how long until it
// holds one again.
func (e *Expiring) Take(key string, now time.Time) (bool, time.Duration) {
	lim := e.get(key)
	if lim.AllowN(now, 1) {
		return true, 0
	}
	return false, untilOne(lim, now)
}

// Blocked reports, without spending, whether key's bucket is empty and for how long. A key
// never seen has a full bucket and is not remembered.
func (e *Expiring) Blocked(key string, now time.Time) (bool, time.Duration) {
	lim, ok := e.cache.Peek(key)
	if !ok || lim.TokensAt(now) >= 1 {
		return false, 0
	}
	return true, untilOne(lim, now)
}

// Spend takes one request from key's bucket if it holds one (an attempt that counts).
func (e *Expiring) Spend(key string, now time.Time) { e.get(key).AllowN(now, 1) }

// Len is the number of keys remembered.
func (e *Expiring) Len() int { return e.cache.Len() }

// untilOne is how long until lim's bucket holds one request.
func untilOne(lim *rate.Limiter, now time.Time) time.Duration {
	missing := 1 - lim.TokensAt(now)
	if missing <= 0 {
		return 0
	}
	return time.Duration(missing / float64(lim.Limit()) * float64(time.Second))
}
