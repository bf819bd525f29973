// One value per field: a request that names its credentials or an OAuth parameter twice is
// refused rather than read one way here and another way by a proxy in front.

package app

import (
	"net/http"
	"net/url"

	"github.com/picket-dev/picket/server/internal/rules"
)

// oneAuthorization refuses, on every route, a request with more than one Authorization
// header (400 duplicate_authorization): which one counts would depend on who reads it.
// /oauth2/* answers with an RFC 6749 error object, the API with its own.
func oneAuthorization(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.Header.Values("Authorization")) > 1 {
			writeErrFor(w, r, rules.DuplicateAuthorization, "the request has more than one Authorization header: send exactly one")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// repeated returns the first of names that q holds more than once ("" when none).
func repeated(q url.Values, names ...string) string {
	for _, n := range names {
		if len(q[n]) > 1 {
			return n
		}
	}
	return ""
}
