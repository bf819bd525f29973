// The serve flags of tenancy: quotas, retention, the metrics address and the rate limits,
// kept together so that serve takes them as one value.

package app

import (
	"flag"
	"strconv"
	"strings"
	"time"

	"github.com/picket-dev/picket/server/internal/ratelimit"
)

// serveOptions are serve's flags that shape what tenants may do.
type serveOptions struct {
	quotas Quotas
	// sweep is the retention sweeper's interval; codeTTL the authorization codes' lifetime,
	// tokenTTL the access tokens'.
	sweep, codeTTL, tokenTTL time.Duration
	// keyRetention is how long a dead key is kept (0: for ever).
	keyRetention time.Duration
	// metricsAddr is the admin address that serves /metrics ("": none).
	metricsAddr string
	rates       RateLimits
	proxies     ratelimit.Proxies
	// issuer is -issuer ("": -public-url, else the listening address's URL).
	issuer string
	// tlsCert and tlsKey are -tls-cert and -tls-key: PEM files of the certificate (chain)
	// and its private key that the public address serves HTTPS with ("": plain HTTP).
	tlsCert, tlsKey string
	// ops are the operations flags (operations.go).
	ops operations
}

// proxiesFlag is -trusted-proxies (flag.Value over ratelimit.Proxies).
type proxiesFlag struct{ p *ratelimit.Proxies }

func (f proxiesFlag) String() string {
	if f.p == nil {
		return ""
	}
	s := make([]string, len(*f.p))
	for i, pre := range *f.p {
		s[i] = pre.String()
	}
	return strings.Join(s, ",")
}

func (f proxiesFlag) Set(s string) error {
	p, err := ratelimit.ParseProxies(s)
	if err == nil {
		*f.p = p
	}
	return err
}

func defaultServeOptions() serveOptions {
	return serveOptions{quotas: DefaultQuotas, sweep: DefaultSweepInterval, codeTTL: DefaultCodeTTL, tokenTTL: DefaultTokenTTL, keyRetention: DefaultKeyRetention, rates: DefaultRateLimits(), ops: defaultOperations()}
}

// rateFlag is one rule's flag (flag.Value over RateLimits).
type rateFlag struct {
	rates RateLimits
	rule  string
}

func (f rateFlag) String() string {
	if f.rates == nil {
		return ""
	}
	return f.rates[f.rule].String()
}

func (f rateFlag) Set(s string) error {
	r, err := ParseRate(s)
	if err != nil {
		return err
	}
	f.rates[f.rule] = r
	return nil
}

func (o *serveOptions) register(fs *flag.FlagSet) {
	fs.IntVar(&o.quotas.KeysPerProject, "max-keys-per-project", o.quotas.KeysPerProject,
		"live keys a project may hold (0: no bound; default "+strconv.Itoa(DefaultQuotas.KeysPerProject)+")")
	fs.IntVar(&o.quotas.RedirectURIsPerProject, "max-redirect-uris-per-project", o.quotas.RedirectURIsPerProject,
		"redirect URIs a project may hold (0: no bound; default "+strconv.Itoa(DefaultQuotas.RedirectURIsPerProject)+")")
	fs.IntVar(&o.quotas.ProjectsPerAccount, "max-projects-per-account", o.quotas.ProjectsPerAccount,
		"projects an account may create on the dashboard, its first included (0: no bound; default "+strconv.Itoa(DefaultQuotas.ProjectsPerAccount)+"; the operator's CLI has none)")
	fs.DurationVar(&o.sweep, "retention-interval", o.sweep, "how often expired tokens and spent codes are deleted (1s to 1h)")
	fs.DurationVar(&o.codeTTL, "code-ttl", o.codeTTL, "lifetime of an authorization code (1s to 10m)")
	fs.DurationVar(&o.keyRetention, "key-retention", o.keyRetention, "how long a revoked or expired key stays listed before the retention sweep deletes it (0: for ever; else 1s to 8760h)")
	fs.DurationVar(&o.tokenTTL, "token-ttl", o.tokenTTL, "lifetime of an access token (1s to 24h; the retention sweep deletes it once expired)")
	fs.StringVar(&o.issuer, "issuer", "", "the OAuth issuer identifier: the server's URL as clients reach it (https://auth.example.com); -public-url by default, else http://ADDR")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "serve HTTPS: the certificate (chain) in this PEM file (with -tls-key); the dashboard's cookies are then Secure and __Host- prefixed")
	fs.StringVar(&o.tlsKey, "tls-key", "", "serve HTTPS: the private key of -tls-cert, in this PEM file")
	fs.StringVar(&o.metricsAddr, "metrics-addr", "", "admin address serving GET /metrics (e.g. 127.0.0.1:9464; none by default)")
	fs.Var(proxiesFlag{&o.proxies}, "trusted-proxies", "reverse proxies (addresses or CIDR prefixes, comma-separated) whose X-Forwarded-For names the client address of the per-address limits; none by default")
	for _, r := range rateRules {
		fs.Var(rateFlag{o.rates, r.rule}, r.flag, "rate limit of "+r.what+": N/DURATION, or 0 for none (per process)")
	}
	o.ops.register(fs)
}

// validate refuses values out of range (a usage error).
func (o *serveOptions) validate() error {
	if o.quotas.KeysPerProject < 0 || o.quotas.RedirectURIsPerProject < 0 || o.quotas.ProjectsPerAccount < 0 {
		return &usageError{"-max-keys-per-project, -max-redirect-uris-per-project and -max-projects-per-account must not be negative"}
	}
	if o.sweep < time.Second || o.sweep > time.Hour {
		return &usageError{"-retention-interval must be between 1s and 1h"}
	}
	if o.codeTTL < time.Second || o.codeTTL > 10*time.Minute {
		return &usageError{"-code-ttl must be between 1s and 10m"}
	}
	if o.keyRetention != 0 && (o.keyRetention < time.Second || o.keyRetention > 365*24*time.Hour) {
		return &usageError{"-key-retention must be 0 (for ever) or between 1s and 8760h"}
	}
	if o.tokenTTL < time.Second || o.tokenTTL > 24*time.Hour {
		return &usageError{"-token-ttl must be between 1s and 24h"}
	}
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return &usageError{"-tls-cert and -tls-key go together"}
	}
	if o.issuer != "" {
		iss, err := ParseIssuer(o.issuer)
		if err != nil {
			return err
		}
		o.issuer = iss
	}
	return o.ops.validate()
}

// apply sets the options on a.
func (o *serveOptions) apply(a *App) {
	a.Quotas = o.quotas
	a.CodeTTL = o.codeTTL
	a.TokenTTL = o.tokenTTL
	a.KeyRetention = o.keyRetention
	a.SetRateLimits(o.rates)
	a.proxies = o.proxies
}
