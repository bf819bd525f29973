// Rate limits where an attacker is cheap: a token bucket per client address (App.ClientKey:
// the TCP peer, IPv6 by its /64, or what -trusted-proxies report), client_id or project, each rule's buckets in a bounded map whose idle
// entries expire (ratelimit.Expiring), so that spoofed ids or addresses cannot grow the
// limiter itself. Limits are per process: N processes behind one balancer allow up to N
// times each limit.

package app

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
	"github.com/picket-dev/picket/server/internal/ratelimit"
	"github.com/picket-dev/picket/server/internal/rules"
)

// Rate is a limit of N requests per Per: a bucket of N, refilled at N per Per. The zero Rate
// is no limit.
type Rate struct {
	N   int
	Per time.Duration
}

// ParseRate parses "N/DUR" (e.g. "120/1m") or "0" (no limit).
func ParseRate(s string) (Rate, error) {
	if s == "0" {
		return Rate{}, nil
	}
	n, per, ok := strings.Cut(s, "/")
	count, err := strconv.Atoi(n)
	d, derr := time.ParseDuration(per)
	if !ok || err != nil || derr != nil || count < 1 || d <= 0 || d > 24*time.Hour {
		return Rate{}, fmt.Errorf("%q is not a rate: want N/DURATION (e.g. 120/1m, DURATION up to 24h) or 0 for none", s)
	}
	return Rate{N: count, Per: d}, nil
}

func (r Rate) String() string {
	if r.N == 0 {
		return "0"
	}
	return strconv.Itoa(r.N) + "/" + r.Per.String()
}

// The rules, by name: what is limited, per what.
const (
	ruleAuthorizeAddress = "authorize_per_address"
	ruleAuthorizeClient  = "authorize_per_client"
	ruleTokenAddress     = "token_per_address"
	ruleTokenClient      = "token_per_client"
	ruleAuthFailures     = "auth_failures_per_address"
	ruleManagement       = "management_per_project"
)

// RateLimits are the limits of one process, by rule name.
type RateLimits map[string]Rate

// DefaultRateLimits are serve's limits when no flag says otherwise: generous for one user or
// one application, tight for one attacker.
func DefaultRateLimits() RateLimits {
	return RateLimits{
		ruleAuthorizeAddress: {120, time.Minute},
		ruleAuthorizeClient:  {6000, time.Minute},
		ruleTokenAddress:     {120, time.Minute},
		ruleTokenClient:      {6000, time.Minute},
		ruleAuthFailures:     {60, time.Minute},
		ruleManagement:       {600, time.Minute},
	}
}

// rateRules lists the rules with what each flag says, in the order of the usage text.
var rateRules = []struct{ rule, flag, what string }{
	{ruleAuthorizeAddress, "rate-authorize-per-address", "GET /oauth2/authorize per client address"},
	{ruleAuthorizeClient, "rate-authorize-per-client", "GET /oauth2/authorize per client_id (a live publishable key)"},
	{ruleTokenAddress, "rate-token-per-address", "POST /oauth2/token per client address"},
	{ruleTokenClient, "rate-token-per-client", "POST /oauth2/token per client_id (a live publishable key)"},
	{ruleAuthFailures, "rate-auth-failures-per-address", "failed API key authentications (401) per client address; beyond, every authentication from it is refused"},
	{ruleManagement, "rate-management-per-project", "management calls (/v1/project, /v1/keys, /v1/redirect_uris, and the dashboard's changes) per project"},
}

// ruleWords says what a rule counts, from its flag's text (up to a ";").
func ruleWords(rule string) string {
	for _, r := range rateRules {
		if r.rule == rule {
			what, _, _ := strings.Cut(r.what, ";")
			return what
		}
	}
	return "requests"
}

// limiterEntries bounds each rule's map: beyond, the least recently used entry goes (a
// full bucket again for that address or id). A variable for the tests.
var limiterEntries = 100_000

// ClientKey is the key of r's client for the per-address limits: the TCP peer's address
// (IPv6 by its /64), or, when the peer is one of -trusted-proxies, the address those
// proxies report in X-Forwarded-For. Every per-address limit of the server goes through it.
func (a *App) ClientKey(r *http.Request) string { return a.proxies.ClientKey(r) }

// manage wraps a management handler with the per-project rule.
func (a *App) manage(next func(http.ResponseWriter, *http.Request, picket.Auth)) func(http.ResponseWriter, *http.Request, picket.Auth) {
	return func(w http.ResponseWriter, r *http.Request, au picket.Auth) {
		if a.limited(w, r, a.limiter.take(ruleManagement, strconv.FormatUint(au.Project, 10), a.now())) {
			return
		}
		next(w, r, au)
	}
}

// TakeManagement spends one call of project's management_per_project bucket, the one the
// API's management calls spend, for a change made another way (the dashboard's forms), so
// that the limit is the project's whatever changes it. Beyond the limit it sets
// Retry-After on w and returns the refusal, which Refusal answers (429 rate_limited).
func (a *App) TakeManagement(w http.ResponseWriter, project int64) error {
	err := a.limiter.take(ruleManagement, strconv.FormatInt(project, 10), a.now())
	var e *errRateLimited
	if errors.As(err, &e) {
		a.metrics.limited.WithLabelValues(e.rule).Inc()
		w.Header().Set("Retry-After", strconv.FormatInt(e.seconds(), 10))
	}
	return err
}

// rateLimiter is a process's buckets, by rule; a rule without a limit has none.
type rateLimiter struct {
	rates map[string]Rate
	sets  map[string]*ratelimit.Expiring
}

func newRateLimiter(limits RateLimits) *rateLimiter {
	rl := &rateLimiter{rates: map[string]Rate{}, sets: map[string]*ratelimit.Expiring{}}
	for rule, r := range limits {
		if r.N > 0 {
			rl.rates[rule] = r
			rl.sets[rule] = ratelimit.NewExpiring(r.N, r.Per, limiterEntries)
		}
	}
	return rl
}

// errRateLimited is a refusal by a rule, with the wait.
type errRateLimited struct {
	rule  string
	rate  Rate
	retry time.Duration
}

func (e *errRateLimited) Error() string { return "rate limited: " + e.rule }

// seconds is the wait in whole seconds (at least 1), as Retry-After says it.
func (e *errRateLimited) seconds() int64 {
	return max(int64(math.Ceil(e.retry.Seconds())), 1)
}

// message says the refusal in words (the rule's name is in the body's "limit").
func (e *errRateLimited) message() string {
	return "too many requests: at most " + strconv.Itoa(e.rate.N) + " per " + e.rate.Per.String() + " of " + ruleWords(e.rule) +
		" (per server process); retry after " + strconv.FormatInt(e.seconds(), 10) + " s"
}

// take spends one request of rule's bucket for key: nil, or an *errRateLimited.
func (rl *rateLimiter) take(rule, key string, now time.Time) error {
	if l := rl.sets[rule]; l != nil {
		if ok, d := l.Take(key, now); !ok {
			return &errRateLimited{rule: rule, rate: rl.rates[rule], retry: d}
		}
	}
	return nil
}

// blocked is take without spending (for the failures rule: only failures spend).
func (rl *rateLimiter) blocked(rule, key string, now time.Time) error {
	if l := rl.sets[rule]; l != nil {
		if b, d := l.Blocked(key, now); b {
			return &errRateLimited{rule: rule, rate: rl.rates[rule], retry: d}
		}
	}
	return nil
}

func (rl *rateLimiter) spend(rule, key string, now time.Time) {
	if l := rl.sets[rule]; l != nil {
		l.Spend(key, now)
	}
}

// rateLimitedBody is the API's 429 body: the rule, the limit and the wait.
type rateLimitedBody struct {
	ErrorBody
	Limit      string `json:"limit"`
	RetryAfter int64  `json:"retry_after"`
}

// oauthRateLimitedBody is the 429 of /oauth2/*, an RFC 6749 error object.
type oauthRateLimitedBody struct {
	oauthError
	Limit      string `json:"limit"`
	RetryAfter int64  `json:"retry_after"`
}

// limited answers err when it is a rate limit's refusal (429, Retry-After in whole
// seconds, the rule in the body) and reports whether it was.
func (a *App) limited(w http.ResponseWriter, r *http.Request, err error) bool {
	var e *errRateLimited
	if !errors.As(err, &e) {
		return false
	}
	a.metrics.limited.WithLabelValues(e.rule).Inc()
	secs := e.seconds()
	w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	// In words (the rule's name is in "limit"): an OAuth client shows error_description.
	msg := e.message()
	if strings.HasPrefix(r.URL.Path, "/oauth2/") {
		writeError(w, rules.RateLimited.Status, oauthRateLimitedBody{oauthError{rules.RateLimited.Name, msg}, e.rule, secs})
		return true
	}
	writeError(w, rules.RateLimited.Status, rateLimitedBody{ruleBody(rules.RateLimited, msg), e.rule, secs})
	return true
}
