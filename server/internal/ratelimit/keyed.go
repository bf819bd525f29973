// Package ratelimit is a token bucket per key (an account, a client address) over
// golang.org/x/time/rate, with a bound on the keys it remembers: picket-server's one
// limiter, for log-in and sign-up attempts and any other per-key limit.
package ratelimit

import (
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Keyed holds one token bucket per key: Burst tokens, refilled one per Every.
type Keyed struct {
	every   time.Duration
	burst   int
	maxKeys int

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

// New returns a Keyed limiter that remembers at most maxKeys keys at once.
func New(every time.Duration, burst, maxKeys int) *Keyed {
	return &Keyed{every: every, burst: burst, maxKeys: maxKeys, buckets: map[string]*rate.Limiter{}}
}

// bucket returns key's bucket (nil when the table is full of keys still in use).
func (k *Keyed) bucket(key string, now time.Time) *rate.Limiter {
	if b, ok := k.buckets[key]; ok {
		return b
	}
	if len(k.buckets) >= k.maxKeys {
		// Forget the keys whose bucket is full again: they are as if never seen.
		for key, b := range k.buckets {
			if b.TokensAt(now) >= float64(k.burst) {
				delete(k.buckets, key)
			}
		}
		if len(k.buckets) >= k.maxKeys {
			return nil
		}
	}
	b := rate.NewLimiter(rate.Every(k.every), k.burst)
	k.buckets[key] = b
	return b
}

// Wait reports how long key must wait before its next attempt (0: it may try now).
// Nothing is taken: Take does that, after an attempt that counts.
func (k *Keyed) Wait(key string, now time.Time) time.Duration {
	k.mu.Lock()
	defer k.mu.Unlock()
	b, ok := k.buckets[key]
	if !ok {
		if len(k.buckets) >= k.maxKeys && k.bucket(key, now) == nil {
			// Too many keys in use to remember one more: refuse rather than forget.
			return k.every
		}
		return 0
	}
	if t := b.TokensAt(now); t < 1 {
		return time.Duration((1 - t) * float64(k.every))
	}
	return 0
}

// Take takes one token from key's bucket (an attempt that counts, such as a failed
// log-in) and reports whether there was one.
func (k *Keyed) Take(key string, now time.Time) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	b := k.bucket(key, now)
	return b != nil && b.AllowN(now, 1)
}

// Len is the number of keys remembered.
func (k *Keyed) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.buckets)
}

// ClientKey is the key of a request's client: its IP address (an IPv6 address by its /64,
// which one client usually holds whole). Proxies are not trusted: behind one, every
// client is the proxy.
func ClientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip.String()
}
