// The serve flags of operations: the store's deadlines, the connection cap, the logs, the
// shutdown and the registry's update path, kept together so that serve takes them as one value (part of serveOptions).

package app

import (
	"flag"
	"time"

	"github.com/picket-dev/picket/server/internal/store"
)

// operations are serve's flags that bound how the process behaves when something around it
// fails.
type operations struct {
	// storeTimeout is each store call's deadline (and PostgreSQL's connect timeout);
	// storeWait how long serve waits at start for a PostgreSQL store to answer.
	storeTimeout, storeWait time.Duration
	// maxConns caps the open connections of the public address; maxConnsPerClient those
	// of one client address (0: maxConns / 8).
	maxConns, maxConnsPerClient int
	// logLevel is -log-level; logEvery the interval of the request summary and sampling.
	logLevel string
	logEvery time.Duration
	// drainTimeout is how long a shutdown waits for the requests in flight.
	drainTimeout time.Duration
	// registryUpdates is -registry-updates: projects (the default) or full.
	registryUpdates string
}

// DefaultStoreWait is how long serve waits at start for a PostgreSQL store that does not
// answer (one starting beside it, or a network still coming up) before it gives up.
const DefaultStoreWait = 30 * time.Second

// DefaultDrainTimeout is how long SIGTERM waits for the requests in flight: below the time
// supervisors wait before they kill (Kubernetes 30 s, systemd 90 s).
const DefaultDrainTimeout = 20 * time.Second

// DefaultMaxConns is the default cap on open connections: about 14 KB of the server's
// memory each when idle (measured: 4,000 idle connections +57 MB of RSS; 19,000 opened
// against this cap +90 MB, Go's heap keeping the shed ones' memory; without a cap +215 MB).
const DefaultMaxConns = 4096

func defaultOperations() operations {
	return operations{storeTimeout: store.DefaultTimeout, storeWait: DefaultStoreWait,
		maxConns: DefaultMaxConns, logLevel: "info", logEvery: DefaultLogEvery, drainTimeout: DefaultDrainTimeout,
		registryUpdates: "projects"}
}

func (o *operations) register(fs *flag.FlagSet) {
	fs.DurationVar(&o.storeTimeout, "store-timeout", o.storeTimeout,
		"deadline of each store call and of connecting to PostgreSQL (100ms to 1m); a store past it answers 503 store_unavailable")
	fs.DurationVar(&o.storeWait, "store-wait", o.storeWait,
		"how long serve waits at start for a PostgreSQL store to answer before it gives up (0s to 1h)")
	fs.IntVar(&o.maxConns, "max-conns", o.maxConns,
		"open connections of the public address at most (1 to 1000000; the longest-idle one is closed for a new client, and when none is idle, the oldest request in flight past -store-timeout + 1s of the address holding the most)")
	fs.IntVar(&o.maxConnsPerClient, "max-conns-per-client", o.maxConnsPerClient,
		"open connections of one client address (IPv6: its /64) at most (0 to 1000000; 0: -max-conns / 8); its longest-idle one is closed for its new one, and connections from -trusted-proxies have no share")
	fs.StringVar(&o.logLevel, "log-level", o.logLevel,
		"debug (also one line per request), info (a summary of the requests each -log-every), warn or error")
	fs.StringVar(&o.registryUpdates, "registry-updates", o.registryUpdates,
		"projects: a change replaces only the projects it touched in the registry; full: every change rebuilds the whole registry (as before; for comparison)")
	fs.DurationVar(&o.drainTimeout, "drain-timeout", o.drainTimeout,
		"on SIGTERM or SIGINT, how long the requests in flight may run on (0s to 1h): exit 0 when every one finished, 1 when some were cut (a second signal cuts them at once)")
	fs.DurationVar(&o.logEvery, "log-every", o.logEvery,
		"interval of the request summary; a message repeated more than 10 times in it is counted, not written (1s to 1h)")
}

// validate refuses values out of range (a usage error).
func (o *operations) validate() error {
	if o.storeTimeout < 100*time.Millisecond || o.storeTimeout > time.Minute {
		return &usageError{"-store-timeout must be between 100ms and 1m"}
	}
	if o.storeWait < 0 || o.storeWait > time.Hour {
		return &usageError{"-store-wait must be between 0s and 1h"}
	}
	if o.maxConns < 1 || o.maxConns > 1_000_000 {
		return &usageError{"-max-conns must be between 1 and 1000000"}
	}
	if o.maxConnsPerClient < 0 || o.maxConnsPerClient > 1_000_000 {
		return &usageError{"-max-conns-per-client must be between 0 and 1000000"}
	}
	if _, ok := parseLevel(o.logLevel); !ok {
		return &usageError{"-log-level must be debug, info, warn or error"}
	}
	if o.registryUpdates != "projects" && o.registryUpdates != "full" {
		return &usageError{"-registry-updates must be projects or full"}
	}
	if o.drainTimeout < 0 || o.drainTimeout > time.Hour {
		return &usageError{"-drain-timeout must be between 0s and 1h"}
	}
	if o.logEvery < time.Second || o.logEvery > time.Hour {
		return &usageError{"-log-every must be between 1s and 1h"}
	}
	return nil
}
