// The serve flags of operations: the store's deadlines, kept together so that serve takes
// them as one value (part of serveOptions).

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
}

// DefaultStoreWait is how long serve waits at start for a PostgreSQL store that does not
// answer (one starting beside it, or a network still coming up) before it gives up.
const DefaultStoreWait = 30 * time.Second

func defaultOperations() operations {
	return operations{storeTimeout: store.DefaultTimeout, storeWait: DefaultStoreWait}
}

func (o *operations) register(fs *flag.FlagSet) {
	fs.DurationVar(&o.storeTimeout, "store-timeout", o.storeTimeout,
		"deadline of each store call and of connecting to PostgreSQL (100ms to 1m); a store past it answers 503 store_unavailable")
	fs.DurationVar(&o.storeWait, "store-wait", o.storeWait,
		"how long serve waits at start for a PostgreSQL store to answer before it gives up (0s to 1h)")
}

// validate refuses values out of range (a usage error).
func (o *operations) validate() error {
	if o.storeTimeout < 100*time.Millisecond || o.storeTimeout > time.Minute {
		return &usageError{"-store-timeout must be between 100ms and 1m"}
	}
	if o.storeWait < 0 || o.storeWait > time.Hour {
		return &usageError{"-store-wait must be between 0s and 1h"}
	}
	return nil
}
