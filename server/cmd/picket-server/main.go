// Command picket-server is a Picket-style API platform server: projects with publishable
// and secret keys and OAuth redirect URIs, kept in SQLite (default, ./picket-data) or
// PostgreSQL (-db postgres://...), the OAuth 2.0 code flow with PKCE, and a management
// API for the holder of a project's secret key. Every request is authenticated by picket
// through its Go binding. See server/API.md for the exact interface.
//
//	picket-server                              # serve on 127.0.0.1:8080 with ./picket-data
//	picket-server -addr 127.0.0.1:0 -data /tmp/p
//	picket-server key list -project 1          # operator subcommands: JSON lines
//
// serve also serves the dashboard (package dashboard) at /dashboard/: sign-up, log-in and
// each account's projects, keys, redirect URIs and mode.
package main

import (
	"os"

	"github.com/picket-dev/picket/server/internal/app"
	"github.com/picket-dev/picket/server/internal/dashboard"
)

func main() {
	app.NewUI = dashboard.New
	os.Exit(app.Main(os.Args[1:], os.Stdout, os.Stderr))
}
