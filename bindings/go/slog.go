package picket

import (
	"context"
	"fmt"
	"log/slog"
)

// RedactingHandler wraps h so that no secret key reaches it: the message and every string
// attribute (also inside groups, and those added with WithAttrs) pass through [Redact].
// Attributes of other kinds that may carry text (errors, fmt.Stringers, []byte, any
// value) are formatted and redacted; when redaction changes nothing they are passed on
// unchanged, with their type. LogValuers are resolved first. Numbers, booleans, times and
// durations pass unchanged.
//
//	logger := slog.New(picket.RedactingHandler(slog.NewJSONHandler(os.Stderr, nil)))
//	logger.Info("request", "authorization", r.Header.Get("Authorization"))
//	// ... "authorization":"Basic [REDACTED sk_…9e24]"
func RedactingHandler(h slog.Handler) slog.Handler {
	return &redactingHandler{next: h}
}

type redactingHandler struct {
	next slog.Handler
}

// Enabled delegates to the wrapped handler.
func (h *redactingHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

// Handle passes on a copy of r with its message and attributes redacted.
func (h *redactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, Redact(r.Message), r.PC)
	attrs := make([]slog.Attr, 0, r.NumAttrs())
	r.Attrs(func(a slog.Attr) bool {
		attrs = append(attrs, redactAttr(a))
		return true
	})
	out.AddAttrs(attrs...)
	return h.next.Handle(ctx, out)
}

// WithAttrs redacts attrs before the wrapped handler keeps them.
func (h *redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	redacted := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		redacted[i] = redactAttr(a)
	}
	return &redactingHandler{next: h.next.WithAttrs(redacted)}
}

// WithGroup opens a group (its name redacted too) in the wrapped handler.
func (h *redactingHandler) WithGroup(name string) slog.Handler {
	return &redactingHandler{next: h.next.WithGroup(Redact(name))}
}

// redactAttr redacts an attribute's key and value.
func redactAttr(a slog.Attr) slog.Attr {
	return slog.Attr{Key: Redact(a.Key), Value: redactValue(a.Value)}
}

func redactValue(v slog.Value) slog.Value {
	v = v.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.StringValue(Redact(v.String()))
	case slog.KindGroup:
		group := v.Group()
		out := make([]slog.Attr, len(group))
		for i, a := range group {
			out[i] = redactAttr(a)
		}
		return slog.GroupValue(out...)
	case slog.KindAny:
		var text string
		switch x := v.Any().(type) {
		case nil:
			return v
		case []byte:
			text = string(x)
		case error:
			text = x.Error()
		case fmt.Stringer:
			text = x.String()
		default:
			text = fmt.Sprintf("%+v", x)
		}
		if redacted := Redact(text); redacted != text {
			return slog.StringValue(redacted)
		}
		return v
	default:
		return v
	}
}
