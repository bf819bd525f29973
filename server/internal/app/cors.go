// CORS per project: a browser origin is allowed only for the requests of the project that
// registered it (a redirect URI's origin), and a preflight answers every origin alike.

package app

import (
	"net/http"
	"net/url"
	"sync"
)

// originIndex is each project's set of CORS origins (scheme://host[:port] of its http(s)
// redirect URIs). A full reload replaces it whole; an update of one project (setProject)
// touches only that project's set.
type originIndex struct {
	mu sync.RWMutex
	m  map[uint64]map[string]bool
}

// replaceAll installs the origins of every project (project → its redirect URIs).
func (o *originIndex) replaceAll(uris map[uint64][]string) {
	m := make(map[uint64]map[string]bool, len(uris))
	for p, us := range uris {
		if set := originSet(us); len(set) > 0 {
			m[p] = set
		}
	}
	o.mu.Lock()
	o.m = m
	o.mu.Unlock()
}

// setProject installs one project's origins from its redirect URIs (none: removes it).
func (o *originIndex) setProject(project uint64, uris []string) {
	set := originSet(uris)
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.m == nil {
		o.m = map[uint64]map[string]bool{}
	}
	if len(set) == 0 {
		delete(o.m, project)
		return
	}
	o.m[project] = set
}

// allowed reports whether origin is one of project's.
func (o *originIndex) allowed(project uint64, origin string) bool {
	o.mu.RLock()
	defer o.mu.RUnlock()
	return o.m[project][origin]
}

func originSet(uris []string) map[string]bool {
	set := map[string]bool{}
	for _, u := range uris {
		if o := originOf(u); o != "" {
			set[o] = true
		}
	}
	return set
}

// originOf is the browser origin (scheme://host[:port]) of an http(s) redirect URI.
func originOf(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// isOrigin reports whether s is a serialized http(s) origin, as browsers send it.
func isOrigin(s string) bool {
	return s != "" && originOf(s) == s
}

// cors answers the preflight of a browser endpoint and marks every answer as varying by
// Origin. The preflight carries no credentials and no client_id, so it cannot know the
// project: it answers every well-formed origin the same way, and so tells nothing about
// which origins any tenant registered. The answer itself carries
// Access-Control-Allow-Origin only when the handler has found the request's project and the
// origin is that project's (allowOrigin): a browser page of another origin cannot read it.
func (a *App) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Add("Vary", "Origin")
		if r.Method == http.MethodOptions {
			if origin := r.Header.Get("Origin"); isOrigin(origin) {
				h.Set("Access-Control-Allow-Origin", origin)
				h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
				h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
				h.Set("Access-Control-Max-Age", "600")
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// allowOrigin lets the request's origin read the answer when it is one of project's. Called
// by a handler once it knows the project, before it writes the answer.
func (a *App) allowOrigin(w http.ResponseWriter, r *http.Request, project uint64) {
	if origin := r.Header.Get("Origin"); origin != "" && a.origins.allowed(project, origin) {
		w.Header().Set("Access-Control-Allow-Origin", origin)
	}
}
