// One value per field: a request that names its credentials or an OAuth parameter twice is
// refused rather than read one way here and another way by a proxy in front.

package app

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/picket-dev/picket/server/internal/rules"
)

// oneAuthorization refuses, on every route, a request with more than one Authorization
// header, or one whose value has a comma (what a proxy makes of two; no credential has
// one): 400 duplicate_authorization, as the bindings' middleware answer: which one counts
// would depend on who reads it. /oauth2/* answers with an RFC 6749 error object, the API
// with its own.
func oneAuthorization(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Values("Authorization"); len(v) > 1 || (len(v) == 1 && strings.Contains(v[0], ",")) {
			writeErrFor(w, r, rules.DuplicateAuthorization, "")
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
