// Request ids and the access log: each request has an id, taken from X-Request-Id when the
// client or a proxy in front sent a well-formed one and made here otherwise, returned in
// X-Request-Id and carried by every log line about the request (request_id), with the
// client's address and the duration in milliseconds.

package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
)

// RequestIDHeader is the header a request id comes in and goes back out in.
const RequestIDHeader = "X-Request-Id"

// requestIDPattern is a request id accepted from outside: 1 to 128 letters, digits and
// . _ : / + = - (a UUID, hex, base64, a proxy's own form), nothing that could break a log
// line or a header. Anything else is replaced, not refused: the id only correlates.
var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:/+=-]{1,128}$`)

type requestIDKey struct{}

// RequestID returns the id of the request whose context ctx is ("" outside a request).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestID gives each request its id: the one X-Request-Id holds when exactly one
// well-formed value came, otherwise 128 random bits in hex; it is set on the answer.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := ""
		if v := r.Header.Values(RequestIDHeader); len(v) == 1 && requestIDPattern.MatchString(v[0]) {
			id = v[0]
		} else {
			var b [16]byte
			_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail (Go 1.24)
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set(RequestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// withRequestID wraps a log handler so that a record logged with a request's context
// (InfoContext, ...) carries its request_id.
func withRequestID(h slog.Handler) slog.Handler { return requestIDHandler{h} }

type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// clientAddr is the request's client address for the logs: the TCP peer's, or the one a
// trusted proxy reports (-trusted-proxies), as the per-address limits see it.
func (a *App) clientAddr(r *http.Request) string {
	if addr, ok := a.proxies.ClientAddr(r); ok {
		return addr.String()
	}
	return r.RemoteAddr
}
