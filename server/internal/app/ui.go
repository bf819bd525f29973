// The dashboard's place in the server: its serve flags, and the hook through which the
// command (cmd/picket-server) plugs it in, so that this package does not import it.

package app

import (
	"flag"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/picket-dev/picket/server/internal/store"
)

// UIConfig is the dashboard's configuration (serve flags).
type UIConfig struct {
	// PublicURL is the dashboard's origin as browsers see it (https://picket.example):
	// the one origin its forms accept, and with https its cookies are Secure and
	// __Host- prefixed. Empty: the request's own (http, or https on a TLS connection).
	PublicURL string
	// Signup opens sign-up to anyone (otherwise only the CLI creates accounts).
	Signup bool
	// SessionIdle and SessionMax end a session unused for SessionIdle, or SessionMax after
	// log-in.
	SessionIdle, SessionMax time.Duration
}

// DefaultUIConfig: sign-up open, sessions end after 30 minutes unused or 8 hours
// (OWASP's Session Management Cheat Sheet's ranges for idle and absolute timeouts).
var DefaultUIConfig = UIConfig{Signup: true, SessionIdle: 30 * time.Minute, SessionMax: 8 * time.Hour}

func (c *UIConfig) register(fs *flag.FlagSet) {
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "the dashboard's origin as browsers see it (https://... makes its cookies Secure)")
	fs.BoolVar(&c.Signup, "signup", c.Signup, "let anyone sign up on the dashboard (-signup=false: only `account create`)")
	fs.DurationVar(&c.SessionIdle, "session-idle", c.SessionIdle, "a dashboard session ends after this long unused")
	fs.DurationVar(&c.SessionMax, "session-max", c.SessionMax, "a dashboard session ends this long after log-in")
}

func (c *UIConfig) validate() error {
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
			return &usageError{"-public-url must be an origin: http(s)://host[:port]"}
		}
	}
	if c.SessionIdle < time.Minute || c.SessionMax < c.SessionIdle {
		return &usageError{"-session-idle must be 1m or more, and -session-max at least -session-idle"}
	}
	return nil
}

// NewUI builds the dashboard for an App; cmd/picket-server sets it (package dashboard).
// When nil, serve runs the API alone.
var NewUI func(a *App, cfg UIConfig) (http.Handler, error)

// SetUI mounts the dashboard at /dashboard/ (and / leads there) in Handler.
func (a *App) SetUI(h http.Handler) { a.ui = h }

// Store is the App's store, for the dashboard's reads.
func (a *App) Store() *store.Store { return a.store }

// Now is the App's clock.
func (a *App) Now() time.Time { return a.now() }

// Logger is the App's (redacting) logger.
func (a *App) Logger() *slog.Logger { return a.log }
