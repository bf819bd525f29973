// The OpenAPI 3.1 document of the API (openapi.json, embedded: the one source), served at
// GET /openapi.json, and the mux that remembers its routes so that tests hold the document
// to what is served (openapi_test.go, and server/tests/openapi: schemathesis drives the
// live server from it).

package app

import (
	_ "embed"
	"net/http"
)

//go:embed openapi.json
var openAPIDocument []byte

// openAPI is GET /openapi.json: the document, readable by any origin (tools in browsers,
// such as Swagger UI elsewhere, fetch it).
func (a *App) openAPI(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(openAPIDocument)
}

// routeMux is a ServeMux that records the patterns it serves.
type routeMux struct {
	*http.ServeMux
	patterns []string
}

func newRouteMux() *routeMux { return &routeMux{ServeMux: http.NewServeMux()} }

// Handle registers h for pattern, and records the pattern.
func (m *routeMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}
