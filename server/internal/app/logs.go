// serve's logs: a level, one line per request at debug only, a summary of the requests
// each interval at info, and any message from info up that repeats within an interval
// sampled (the first few lines, then a count), so that a flood of requests does not flood
// the log.

package app

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	picket "github.com/picket-dev/picket/bindings/go"
)

// logBurst is how many lines of one message pass in one interval; the rest are counted.
const logBurst = 10

// DefaultLogEvery is the interval of the request summary and of the sampling.
const DefaultLogEvery = 10 * time.Second

// parseLevel parses -log-level.
func parseLevel(s string) (slog.Level, bool) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, true
	case "info":
		return slog.LevelInfo, true
	case "warn":
		return slog.LevelWarn, true
	case "error":
		return slog.LevelError, true
	}
	return 0, false
}

// newServeLogger is serve's logger: JSON lines on w from level up, secret keys redacted,
// each message sampled per interval (the sampler's Flush reports what it held back).
func newServeLogger(w io.Writer, level slog.Level, every time.Duration) (*slog.Logger, *sampler) {
	json := slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})
	s := &sampler{inner: withRequestID(picket.RedactingHandler(json)), st: &samplerState{
		every: every, start: time.Now(), seen: map[string]int{}, held: map[string]int{},
	}}
	s.st.out = s.inner
	return slog.New(s), s
}

// sampler is a slog.Handler that passes the first logBurst records of each message in an
// interval and counts the others; debug records, asked for with -log-level debug, all
// pass.
type sampler struct {
	inner slog.Handler
	st    *samplerState
}

type samplerState struct {
	mu    sync.Mutex
	every time.Duration
	start time.Time
	// seen counts each message's records this interval; held those not passed.
	seen, held map[string]int
	// out is the handler the counts are reported to.
	out slog.Handler
}

// maxMessages bounds the messages counted in one interval (messages are the code's own
// constant strings; past this many, the rest share one count).
const maxMessages = 256

func (s *sampler) Enabled(ctx context.Context, l slog.Level) bool { return s.inner.Enabled(ctx, l) }

func (s *sampler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &sampler{inner: s.inner.WithAttrs(attrs), st: s.st}
}

func (s *sampler) WithGroup(name string) slog.Handler {
	return &sampler{inner: s.inner.WithGroup(name), st: s.st}
}

func (s *sampler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelInfo {
		// Debug lines (one per request) are asked for: every one is written.
		return s.inner.Handle(ctx, r)
	}
	st := s.st
	st.mu.Lock()
	if r.Time.Sub(st.start) >= st.every {
		st.flush(ctx, r.Time)
	}
	key := r.Message
	if _, ok := st.seen[key]; !ok && len(st.seen) >= maxMessages {
		key = "(other messages)"
	}
	st.seen[key]++
	pass := st.seen[key] <= logBurst
	if !pass {
		st.held[key]++
	}
	st.mu.Unlock()
	if !pass {
		return nil
	}
	return s.inner.Handle(ctx, r)
}

// Flush reports the lines held back so far (one line per message, with its count) and
// starts a new interval.
func (s *sampler) Flush() {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	s.st.flush(context.Background(), time.Now())
}

// flush, with st.mu held.
func (st *samplerState) flush(ctx context.Context, now time.Time) {
	for msg, n := range st.held {
		r := slog.NewRecord(now, slog.LevelWarn, "log lines held back", 0)
		r.AddAttrs(slog.String("message", msg), slog.Int("count", n), slog.Int("passed", logBurst),
			slog.Float64("interval_seconds", now.Sub(st.start).Round(time.Millisecond).Seconds()))
		_ = st.out.Handle(ctx, r)
	}
	clear(st.seen)
	clear(st.held)
	st.start = now
}

// requestCounts counts requests by status code, without a lock.
type requestCounts struct {
	byStatus [600]atomic.Uint64
}

func (c *requestCounts) add(status int) {
	if status < 100 || status >= len(c.byStatus) {
		status = 0
	}
	c.byStatus[status].Add(1)
}

// take returns the counts since the last take, by status, and their total.
func (c *requestCounts) take() (map[string]uint64, uint64) {
	out := map[string]uint64{}
	var total uint64
	for i := range c.byStatus {
		if n := c.byStatus[i].Swap(0); n > 0 {
			out[strconv.Itoa(i)] = n
			total += n
		}
	}
	return out, total
}

// LogRequests logs, every interval until ctx ends, one info line with the number of
// requests answered since the last one by status (nothing when there were none), and what
// the sampler held back.
func (a *App) LogRequests(ctx context.Context, every time.Duration, s *sampler) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if byStatus, total := a.requests.take(); total > 0 {
			args := []any{"interval_seconds", every.Seconds(), "total", total}
			group := make([]any, 0, 2*len(byStatus))
			for status, n := range byStatus {
				group = append(group, status, n)
			}
			a.log.Info("requests", append(args, slog.Group("by_status", group...))...)
		}
		s.Flush()
	}
}
