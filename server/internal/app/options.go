// The serve flags of tenancy: quotas (and, below, rate limits, retention and the metrics
// address), kept together so that serve takes them as one value.

package app

import (
	"flag"
	"strconv"
)

// serveOptions are serve's flags that shape what tenants may do.
type serveOptions struct {
	quotas Quotas
}

func defaultServeOptions() serveOptions {
	return serveOptions{quotas: DefaultQuotas}
}

func (o *serveOptions) register(fs *flag.FlagSet) {
	fs.IntVar(&o.quotas.KeysPerProject, "max-keys-per-project", o.quotas.KeysPerProject,
		"live keys a project may hold (0: no bound; default "+strconv.Itoa(DefaultQuotas.KeysPerProject)+")")
	fs.IntVar(&o.quotas.RedirectURIsPerProject, "max-redirect-uris-per-project", o.quotas.RedirectURIsPerProject,
		"redirect URIs a project may hold (0: no bound; default "+strconv.Itoa(DefaultQuotas.RedirectURIsPerProject)+")")
}

// validate refuses values out of range (a usage error).
func (o *serveOptions) validate() error {
	if o.quotas.KeysPerProject < 0 || o.quotas.RedirectURIsPerProject < 0 {
		return &usageError{"-max-keys-per-project and -max-redirect-uris-per-project must not be negative"}
	}
	return nil
}

// apply sets the options on a.
func (o *serveOptions) apply(a *App) {
	a.Quotas = o.quotas
}
